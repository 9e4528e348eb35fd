/* What connects nodes: links (veth pairs), tunnels (IPsec between gateways) and
 * probes. Names are resolved here, while the YAML positions are at hand, so a
 * dangling reference is reported where it was written. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/ike_proposal.h"
#include "topo/topo_int.h"

static const char *const tunnel_keys[] = {"psk", "psk_file", "ike", "ends", NULL};
static const char *const end_keys[] = {"node", "uplink", "interface", "inside",
                                       "ike",  "psk",    "psk_file",  NULL};
static const char *const ike_keys[] = {"version",          "proposal",           "esp",
                                       "lifetime",         "child_lifetime",     "dpd",
                                       "nat_traversal",    "retransmit_timeout", "retransmit_base",
                                       "retransmit_tries", "dpd_action",         NULL};
static const char *const probe_keys[] = {"from",  "to", "from_address", "to_address", "interval",
                                         "flows", NULL};

#define LIFETIME_MAX_MS (24u * 3600u * 1000u)
#define PROBE_FLOWS_MAX 64

/* A node by name, reported where the name was written when it does not exist. */
static uint32_t ld_node_ref(struct ld *l, const struct ynode *n, const char *what)
{
	char name[TOPO_NAME_MAX];
	if (!ld_str(l, n, what, name, sizeof(name)))
		return TOPO_NONE;
	uint32_t i = topo_node_index(l->t, name);
	if (i == TOPO_NONE)
		ld_err(l, n->pos, "%s '%s' is not a node; expected one of the names under 'nodes'",
		       what, name);
	return i;
}

static uint32_t ld_iface_ref(struct ld *l, const struct ynode *n, uint32_t node, const char *name,
                             const char *what)
{
	const struct topo_node *nd = &l->t->nodes[node];
	uint32_t i = topo_iface_index(nd, name);
	if (i == TOPO_NONE)
		ld_err(l, n->pos,
		       "%s '%s' is not an interface of node '%s'; expected one listed under its "
		       "'interfaces'",
		       what, name, nd->name);
	return i;
}

/* "node:iface" */
static bool ld_link_end(struct ld *l, const struct ynode *n, struct topo_link_end *e)
{
	if (!ld_scalar(l, n, "link end"))
		return false;
	const char *colon = strchr(n->str, ':');
	if (!colon || colon == n->str || !colon[1]) {
		ld_err(l, n->pos, "link end '%s' is not NODE:INTERFACE; expected e.g. 'ecs:eth0'",
		       n->str);
		return false;
	}
	char node[TOPO_NAME_MAX];
	size_t len = (size_t)(colon - n->str);
	if (len >= sizeof(node)) {
		ld_err(l, n->pos,
		       "link end '%s' names no node; expected one of the names under 'nodes'",
		       n->str);
		return false;
	}
	memcpy(node, n->str, len);
	node[len] = '\0';
	e->node = topo_node_index(l->t, node);
	if (e->node == TOPO_NONE) {
		ld_err(l, n->pos,
		       "link end '%s': '%s' is not a node; expected one of the names under 'nodes'",
		       n->str, node);
		return false;
	}
	e->iface = ld_iface_ref(l, n, e->node, colon + 1, "link end interface");
	return e->iface != TOPO_NONE;
}

void ld_links(struct ld *l, const struct ynode *links)
{
	struct topo *t = l->t;
	if (!ld_seq(l, links, "links"))
		return;
	t->links = calloc(links->n ? links->n : 1, sizeof(*t->links));
	if (!t->links)
		return;
	for (size_t i = 0; i < links->n; i++) {
		const struct ynode *v = links->vals[i];
		struct topo_link lk = {.pos = v->pos};
		if (v->kind != YNODE_SEQ) {
			ld_err(
			    l, v->pos,
			    "a link that is %s; expected two ends such as [ecs:eth0, ali-tr:eth0]",
			    ynode_kind_name(v));
			continue;
		}
		if (v->n != 2) {
			ld_err(l, v->pos,
			       "a link with %zu end%s; expected two ends such as [ecs:eth0, "
			       "ali-tr:eth0]",
			       v->n, v->n == 1 ? "" : "s");
			continue;
		}
		bool ok = ld_link_end(l, v->vals[0], &lk.end[0]);
		ok &= ld_link_end(l, v->vals[1], &lk.end[1]);
		if (!ok)
			continue;
		if (lk.end[0].node == lk.end[1].node) {
			ld_err(l, v->pos,
			       "a link from node '%s' to itself; expected two different nodes",
			       t->nodes[lk.end[0].node].name);
			continue;
		}
		for (int e = 0; e < 2; e++) {
			struct topo_iface *ifc = &t->nodes[lk.end[e].node].ifaces[lk.end[e].iface];
			if (ifc->link != TOPO_NONE) {
				ld_err(l, v->vals[e]->pos,
				       "interface '%s:%s' is already in the link at line %u; "
				       "expected each interface in one link",
				       t->nodes[lk.end[e].node].name, ifc->name,
				       t->links[ifc->link].pos.line);
				ok = false;
			}
		}
		if (!ok)
			continue;
		for (int e = 0; e < 2; e++)
			t->nodes[lk.end[e].node].ifaces[lk.end[e].iface].link =
			    (uint32_t)t->n_links;
		t->links[t->n_links++] = lk;
	}
}

struct prop_ctx {
	struct ld *l;
	const struct ynode *x;
};

/* A problem in a proposal, at its keyword: columns count characters and proposals
 * are ASCII, so the keyword is off characters after the value's first one (after
 * the opening quote of a quoted scalar; a block scalar gets the value's position). */
static void prop_report(void *ctx, size_t off, const char *msg)
{
	struct prop_ctx *c = ctx;
	struct topo_pos pos = c->x->pos;
	size_t at = ld_offset(c->l, pos);
	bool quoted =
	    at != (size_t)-1 && at < c->l->len && (c->l->buf[at] == '"' || c->l->buf[at] == '\'');
	if (off != (size_t)-1 && (c->x->plain || quoted))
		pos.col += (uint32_t)off + quoted;
	ld_err(c->l, pos, "%s", msg);
}

static void ld_ike(struct ld *l, const struct ynode *v, struct topo_ike *ike)
{
	if (!ld_map(l, v, "ike"))
		return;
	ld_keys(l, v, "ike", ike_keys);
	const struct ynode *x;
	if ((x = ymap_get(v, "version")) && ld_u32(l, x, "version", 0, UINT32_MAX, &ike->version) &&
	    ike->version != 2) {
		ld_err(l, x->pos, "IKE version %u; expected 2 (IKEv2 only)", ike->version);
		ike->version = 2;
	}
	const char *prop_keys[] = {"proposal", "esp"};
	char *props[] = {ike->ike_proposal, ike->esp_proposal};
	for (int i = 0; i < 2; i++) {
		if (!(x = ymap_get(v, prop_keys[i])))
			continue;
		char buf[sizeof(ike->ike_proposal)];
		if (!ld_str(l, x, prop_keys[i], buf, sizeof(buf)))
			continue;
		bool ok = true;
		for (const char *p = buf; ok && *p; p++)
			ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
			     *p == '-' || *p == '_' || *p == ',';
		if (!ok) {
			ld_err(l, x->pos,
			       "%s '%s' is not a strongSwan proposal; expected e.g. "
			       "aes256-sha256-modp1024",
			       prop_keys[i], buf);
			continue;
		}
		struct prop_ctx pc = {l, x};
		if (ikep_check(i ? IKEP_ESP : IKEP_IKE, buf, prop_report, &pc) <= 0)
			strcpy(props[i], buf);
	}
	if ((x = ymap_get(v, "lifetime")))
		ld_duration(l, x, "lifetime", LIFETIME_MAX_MS, &ike->ike_lifetime_ms);
	if ((x = ymap_get(v, "child_lifetime")))
		ld_duration(l, x, "child_lifetime", LIFETIME_MAX_MS, &ike->child_lifetime_ms);
	if ((x = ymap_get(v, "dpd")))
		ld_duration(l, x, "dpd", LIFETIME_MAX_MS, &ike->dpd_delay_ms);
	if ((x = ymap_get(v, "nat_traversal")))
		ld_bool(l, x, "nat_traversal", &ike->nat_traversal);
	ld_ike_dpd(l, v, ike);
	if (ike->ike_lifetime_ms && ike->ike_lifetime_ms < 60000)
		ld_err(l, v->pos, "IKE lifetime %u ms is below 60 s; expected at least 60 s",
		       ike->ike_lifetime_ms);
	if (ike->child_lifetime_ms && ike->child_lifetime_ms < 60000)
		ld_err(l, v->pos, "child_lifetime %u ms is below 60 s; expected at least 60 s",
		       ike->child_lifetime_ms);
}

/* Returns what ld_key said about the end's own key (-1 also when v is no mapping). */
static int ld_tunnel_end(struct ld *l, struct topo_tunnel *tun, int e, const struct ynode *v,
                         const struct topo_ike *base)
{
	struct topo_tunnel_end *end = &tun->end[e];
	struct topo *t = l->t;
	end->ike = *base;
	strcpy(end->ifname, "ipsec0");
	end->node = end->uplink = TOPO_NONE;
	if (!ld_map(l, v, "tunnel end"))
		return -1;
	ld_keys(l, v, "tunnel end", end_keys);
	char who[TOPO_NAME_MAX + 32];
	snprintf(who, sizeof(who), "end %d of tunnel '%s'", e + 1, tun->name);
	int key = ld_key(l, v, who,
	                 (struct ld_keyref){&end->psk, &end->psk_file, &end->psk_file_span_off,
	                                    &end->psk_file_span_len});
	const struct ynode *x;
	if ((x = ymap_get(v, "ike")))
		ld_ike(l, x, &end->ike); /* this end's differences */
	if ((x = ymap_get(v, "interface")) && ld_ifname(l, x, "interface", end->ifname) &&
	    ld_ifname_reserved(l, x, "tunnel interface", end->ifname, "ipsec1"))
		strcpy(end->ifname, "ipsec0"); /* reported; keeps later checks quiet */
	if (!(x = ymap_get(v, "inside")))
		ld_err(l, v->pos,
		       "tunnel end without 'inside'; expected the tunnel address such as "
		       "169.254.21.1/30");
	else
		ld_prefix(l, x, "inside", false, &end->inside);
	if (!(x = ymap_get(v, "node"))) {
		ld_err(l, v->pos, "tunnel end without 'node'; expected a gateway node");
		return key;
	}
	end->node = ld_node_ref(l, x, "tunnel end node");
	if (end->node == TOPO_NONE)
		return key;
	const struct topo_node *nd = &t->nodes[end->node];
	if (nd->role != TOPO_ROLE_GATEWAY)
		ld_err(l, x->pos,
		       "tunnel end node '%s' has role %s; expected a node with role gateway",
		       nd->name, topo_role_name(nd->role));
	if (!(x = ymap_get(v, "uplink"))) {
		ld_err(l, v->pos,
		       "tunnel end without 'uplink'; expected the interface holding the public "
		       "address");
		return key;
	}
	char ifname[TOPO_IFNAME_MAX];
	if (!ld_ifname(l, x, "uplink", ifname))
		return key;
	end->uplink = ld_iface_ref(l, x, end->node, ifname, "uplink");
	if (end->uplink != TOPO_NONE && !nd->ifaces[end->uplink].addr.len)
		ld_err(l, x->pos,
		       "uplink '%s' of node '%s' has no address; expected an interface with the "
		       "IKE address",
		       ifname, nd->name);
	if (topo_iface_index(nd, end->ifname) != TOPO_NONE)
		ld_err(l, v->pos,
		       "tunnel interface '%s' is also an interface of node '%s'; expected a name "
		       "of its own",
		       end->ifname, nd->name);
	return key;
}

void ld_tunnels(struct ld *l, const struct ynode *tunnels)
{
	struct topo *t = l->t;
	if (!ld_map(l, tunnels, "tunnels"))
		return;
	t->tunnels = calloc(tunnels->n ? tunnels->n : 1, sizeof(*t->tunnels));
	if (!t->tunnels)
		return;
	for (size_t i = 0; i < tunnels->n; i++) {
		const struct ynode *key = tunnels->keys[i], *v = tunnels->vals[i];
		struct topo_tunnel *tun = &t->tunnels[t->n_tunnels];
		*tun = (struct topo_tunnel){.pos = key->pos};
		tun->end[0].node = tun->end[1].node = TOPO_NONE;
		tun->end[0].uplink = tun->end[1].uplink = TOPO_NONE;
		if (!ld_name(l, key, "tunnel name", tun->name, sizeof(tun->name)))
			continue;
		t->n_tunnels++;
		if (!ld_map(l, v, tun->name))
			continue;
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "tunnel '%s'", tun->name);
		ld_keys(l, v, ctx, tunnel_keys);
		int tkey =
		    ld_key(l, v, ctx,
		           (struct ld_keyref){&tun->psk, &tun->psk_file, &tun->psk_file_span_off,
		                              &tun->psk_file_span_len});
		const struct ynode *ends = ymap_get(v, "ends");
		if (!ends || ends->kind != YNODE_SEQ || ends->n != 2) {
			if (!ends)
				ld_err(l, v->pos,
				       "tunnel '%s' without 'ends'; expected two tunnel ends",
				       tun->name);
			else
				ld_err(l, ends->pos,
				       "'ends' of tunnel '%s' is not a sequence of two; expected "
				       "exactly two tunnel ends",
				       tun->name);
			if (!tkey) /* the ends cannot have keys of their own */
				ld_end_keys(l, tun, v, NULL, 0, (const int[2]){0, 0});
			continue;
		}
		/* strongSwan's defaults where the file says nothing (swanctl.conf(5)) */
		struct topo_ike base = {.version = 2,
		                        .ike_proposal = "aes256-sha256-modp2048",
		                        .esp_proposal = "aes256-sha256",
		                        .ike_lifetime_ms = 14400000,
		                        .child_lifetime_ms = 3600000,
		                        .retransmit_timeout_ms = 4000,
		                        .retransmit_base = 1.8,
		                        .retransmit_tries = 5};
		const struct ynode *ike = ymap_get(v, "ike");
		if (ike)
			ld_ike(l, ike, &base);
		int ekey[2];
		for (int e = 0; e < 2; e++)
			ekey[e] = ld_tunnel_end(l, tun, e, ends->vals[e], &base);
		ld_end_keys(l, tun, v, ends, tkey, ekey);
		if (tun->end[0].node != TOPO_NONE && tun->end[0].node == tun->end[1].node)
			ld_err(l, ends->pos,
			       "both ends of tunnel '%s' are on node '%s'; expected two gateways",
			       tun->name, t->nodes[tun->end[0].node].name);
	}
	ld_retransmit_agree(l);
}

/* The address a probe uses on a node: the first one that is not link-local. */
static struct in_addr first_routable(const struct topo_node *nd)
{
	for (size_t i = 0; i < nd->n_ifaces; i++) {
		struct in_addr a = nd->ifaces[i].addr.addr;
		if (nd->ifaces[i].addr.len && (ntohl(a.s_addr) >> 16) != 0xa9fe)
			return a;
	}
	return (struct in_addr){0};
}

static void ld_probe_addr(struct ld *l, const struct ynode *v, const char *key, uint32_t node,
                          struct in_addr *out)
{
	const struct ynode *x = ymap_get(v, key);
	const struct topo_node *nd = &l->t->nodes[node];
	if (!x) {
		*out = first_routable(nd);
		if (!out->s_addr)
			ld_err(l, v->pos,
			       "node '%s' has no address for the probe; expected an interface "
			       "address on it",
			       nd->name);
		return;
	}
	if (!ld_addr(l, x, key, out))
		return;
	uint32_t iface, owner = topo_addr_owner(l->t, *out, &iface);
	if (owner != node) {
		char buf[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, out, buf, sizeof(buf));
		ld_err(
		    l, x->pos,
		    "%s %s is not an address of node '%s'; expected one of its interface addresses",
		    key, buf, nd->name);
	}
}

void ld_probes(struct ld *l, const struct ynode *probes)
{
	struct topo *t = l->t;
	if (!ld_map(l, probes, "probes"))
		return;
	t->probes = calloc(probes->n ? probes->n : 1, sizeof(*t->probes));
	if (!t->probes)
		return;
	for (size_t i = 0; i < probes->n; i++) {
		const struct ynode *key = probes->keys[i], *v = probes->vals[i];
		struct topo_probe *p = &t->probes[t->n_probes];
		*p = (struct topo_probe){.pos = key->pos,
		                         .from = TOPO_NONE,
		                         .to = TOPO_NONE,
		                         .interval_ms = t->defaults.probe_interval_ms,
		                         .flows = 1};
		if (!ld_name(l, key, "probe name", p->name, sizeof(p->name)))
			continue;
		t->n_probes++;
		if (!ld_map(l, v, p->name))
			continue;
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "probe '%s'", p->name);
		ld_keys(l, v, ctx, probe_keys);
		const struct ynode *x;
		if ((x = ymap_get(v, "interval")) &&
		    ld_duration(l, x, "interval", 3600000, &p->interval_ms) && !p->interval_ms) {
			ld_err(l, x->pos, "interval 0; expected at least 1 ms");
			p->interval_ms = 1;
		}
		if ((x = ymap_get(v, "flows")))
			ld_u32(l, x, "flows", 1, PROBE_FLOWS_MAX, &p->flows);
		if (!(x = ymap_get(v, "from")))
			ld_err(l, v->pos, "probe '%s' without 'from'; expected the sending node",
			       p->name);
		else if ((p->from = ld_node_ref(l, x, "probe from")) != TOPO_NONE)
			ld_probe_addr(l, v, "from_address", p->from, &p->from_addr);
		if (!(x = ymap_get(v, "to")))
			ld_err(l, v->pos, "probe '%s' without 'to'; expected the target node",
			       p->name);
		else if ((p->to = ld_node_ref(l, x, "probe to")) != TOPO_NONE)
			ld_probe_addr(l, v, "to_address", p->to, &p->to_addr);
		if (p->from != TOPO_NONE && p->from == p->to)
			ld_err(l, v->pos,
			       "probe '%s' from node '%s' to itself; expected two different nodes",
			       p->name, t->nodes[p->from].name);
	}
}
