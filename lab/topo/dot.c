/* A topology as a Graphviz graph: what `labctl graph` draws. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "topo/topo.h"

static const char *shape(enum topo_role r)
{
	switch (r) {
	case TOPO_ROLE_HOST: return "box";
	case TOPO_ROLE_ROUTER: return "ellipse";
	case TOPO_ROLE_GATEWAY: return "hexagon";
	case TOPO_ROLE_UNDERLAY: return "octagon";
	}
	return "box";
}

static void prefix_str(struct topo_prefix p, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p.addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p.len);
}

static void iface_label(const struct topo_iface *f, char *buf, size_t len)
{
	char p[32] = "";
	if (f->addr.len)
		prefix_str(f->addr, p, sizeof(p));
	snprintf(buf, len, "%s%s%s", f->name, p[0] ? " " : "", p);
}

/* A session is drawn once, from the node listed first. */
static bool session_drawn_before(const struct topo *t, uint32_t node,
                                 const struct topo_bgp_neighbor *nb)
{
	return nb->node < node && t->nodes[nb->node].bgp;
}

int topo_graph_dot(const struct topo *t, FILE *f)
{
	fprintf(f, "graph \"%s\" {\n", t->name);
	fprintf(f,
	        "\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=20, label=\"%s\", "
	        "labelloc=t, ranksep=1.2, nodesep=0.5];\n",
	        t->name);
	/* 14 pt and up, every label in the middle of its edge: dot lays a middle
	 * label out as a node of its own, so labels never overlap (head and tail
	 * labels are placed after the layout and collided). */
	fprintf(f, "\tnode [fontname=\"Helvetica\", fontsize=16];\n");
	fprintf(f, "\tedge [fontname=\"Helvetica\", fontsize=14];\n");
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		fprintf(f, "\t\"%s\" [shape=%s, label=\"%s\\n%s", n->name, shape(n->role), n->name,
		        topo_role_name(n->role));
		if (n->bgp)
			fprintf(f, "\\nAS %u (%s)", n->bgp->asn,
			        topo_speaker_name(n->bgp->speaker));
		fprintf(f, "\"];\n");
	}
	/* Every edge runs from the node listed first to the one listed later: dot ranks
	 * along edge direction, so the picture reads left to right in file order (for
	 * dual-tunnel: Alibaba, the internet, Azure). */
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		int first = l->end[0].node > l->end[1].node; /* the end drawn first */
		char a[48], z[48];
		const struct topo_node *na = &t->nodes[l->end[first].node],
		                       *nz = &t->nodes[l->end[!first].node];
		iface_label(&na->ifaces[l->end[first].iface], a, sizeof(a));
		iface_label(&nz->ifaces[l->end[!first].iface], z, sizeof(z));
		fprintf(f, "\t\"%s\" -- \"%s\" [label=\"%s\\n%s\"];\n", na->name, nz->name, a, z);
	}
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		struct topo_prefix net = tun->end[0].inside;
		net.addr.s_addr &= net.len ? htonl(~0u << (32 - net.len)) : 0;
		char p[32], a[32], z[32];
		prefix_str(net, p, sizeof(p));
		int e = tun->end[0].node > tun->end[1].node;
		prefix_str(tun->end[e].inside, a, sizeof(a));
		prefix_str(tun->end[!e].inside, z, sizeof(z));
		fprintf(f,
		        "\t\"%s\" -- \"%s\" [style=dashed, color=blue, fontcolor=blue, "
		        "label=\"%s\\n%s\\n%s %s\\n%s %s\"];\n",
		        t->nodes[tun->end[e].node].name, t->nodes[tun->end[!e].node].name,
		        tun->name, p, tun->end[e].ifname, a, tun->end[!e].ifname, z);
	}
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const struct topo_bgp *b = t->nodes[i].bgp;
		for (size_t j = 0; b && j < b->n_neighbors; j++) {
			const struct topo_bgp_neighbor *nb = &b->neighbors[j];
			if (nb->node == TOPO_NONE || session_drawn_before(t, i, nb))
				continue;
			fprintf(
			    f,
			    "\t\"%s\" -- \"%s\" [style=dotted, color=darkgreen, "
			    "fontcolor=darkgreen, constraint=false, label=\"%s AS %u - AS %u\"];\n",
			    t->nodes[i].name, t->nodes[nb->node].name,
			    b->asn == nb->asn ? "iBGP" : "eBGP", b->asn, nb->asn);
		}
	}
	for (size_t i = 0; i < t->n_probes; i++) {
		const struct topo_probe *p = &t->probes[i];
		fprintf(f,
		        "\t\"%s\" -- \"%s\" [style=tapered, penwidth=2, color=red, fontcolor=red, "
		        "constraint=false, label=\"probe %s\\n%u ms x %u flow%s\"];\n",
		        t->nodes[p->from].name, t->nodes[p->to].name, p->name, p->interval_ms,
		        p->flows, p->flows == 1 ? "" : "s");
	}
	fprintf(f, "}\n");
	return ferror(f) ? -1 : 0;
}
