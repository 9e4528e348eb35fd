/* The network of a topology as iproute2 commands: what `labctl up --dry-run`
 * prints, and the baseline that bench/up-down times against labctl. Same objects,
 * same order as run_net_build (net.c). */
#include "run/net.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "common/err.h"
#include "run/kernel_route.h"
#include "topo/topo.h"

static const char *a4(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *mac_str(size_t link, int end, char *buf)
{
	uint8_t m[6];
	run_link_mac(link, end, m);
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* The device of a next hop: run_kernel_route without a resolver gives the fixed
 * indices, RUN_IFINDEX_BASE + the interface's index in the node. */
static const char *nh_dev(const struct topo_node *node, const struct netns_nexthop *nh)
{
	return nh->ifindex ? node->ifaces[nh->ifindex - RUN_IFINDEX_BASE].name : NULL;
}

/* A route the topology validation would have refused prints as a comment: the
 * dry run shows the network, it does not validate it. */
static void print_route(FILE *f, const char *ns, const struct topo_node *node,
                        const struct topo_route *r)
{
	char b[INET_ADDRSTRLEN];
	struct netns_route nr;
	if (run_kernel_route(node, r, NULL, NULL, &nr) < 0) {
		fprintf(f, "# %s\n", lab_err_msg());
		lab_err_clear();
		return;
	}
	fprintf(f, "ip -n %s route add %s/%u", ns, a4(nr.dst, b), nr.dst_len);
	for (uint32_t i = 0; nr.n_nh > 1 && i < nr.n_nh; i++) {
		const char *dev = nh_dev(node, &nr.nh[i]);
		fprintf(f, " nexthop via %s%s%s", a4(nr.nh[i].via, b), dev ? " dev " : "",
		        dev ? dev : "");
	}
	if (nr.n_nh == 1 && nr.nh[0].via.s_addr)
		fprintf(f, " via %s", a4(nr.nh[0].via, b));
	if (nr.n_nh == 1 && nh_dev(node, &nr.nh[0]))
		fprintf(f, " dev %s", nh_dev(node, &nr.nh[0]));
	fprintf(f, " proto static\n");
}

void run_net_ip_script(FILE *f, const char *lab, const struct topo *t)
{
	char ns[NETNS_NAME_MAX], peer[NETNS_NAME_MAX], b[INET_ADDRSTRLEN];
	for (size_t i = 0; i < t->n_nodes; i++) {
		run_netns_name(lab, t->nodes[i].name, ns, sizeof(ns));
		fprintf(f, "ip netns add %s\nip -n %s link set lo up\n", ns, ns);
	}
	for (size_t i = 0; i < t->n_nodes; i++) {
		run_netns_name(lab, t->nodes[i].name, ns, sizeof(ns));
		fprintf(f,
		        "ip netns exec %s sysctl -qw net.ipv4.conf.all.rp_filter=0 "
		        "net.ipv4.conf.default.rp_filter=0 net.ipv4.ip_forward=%d\n",
		        ns, t->nodes[i].forwarding ? 1 : 0);
	}
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link_end *a = &t->links[i].end[0], *z = &t->links[i].end[1];
		const char *ia = t->nodes[a->node].ifaces[a->iface].name;
		const char *iz = t->nodes[z->node].ifaces[z->iface].name;
		run_netns_name(lab, t->nodes[a->node].name, ns, sizeof(ns));
		run_netns_name(lab, t->nodes[z->node].name, peer, sizeof(peer));
		char ma[18], mz[18];
		fprintf(
		    f,
		    "ip -n %s link add %s address %s type veth peer name %s address %s netns %s\n",
		    ns, ia, mac_str(i, 0, ma), iz, mac_str(i, 1, mz), peer);
		fprintf(f, "ip -n %s link set %s up\nip -n %s link set %s up\n", ns, ia, peer, iz);
	}
	for (size_t n = 0; n < t->n_nodes; n++) {
		run_netns_name(lab, t->nodes[n].name, ns, sizeof(ns));
		for (size_t i = 0; i < t->nodes[n].n_ifaces; i++) {
			const struct topo_iface *fc = &t->nodes[n].ifaces[i];
			if (fc->link == TOPO_NONE && fc->addr.len)
				fprintf(f, "ip -n %s link add %s up type dummy\n", ns, fc->name);
			if (fc->addr.len)
				fprintf(f, "ip -n %s addr add %s/%u dev %s\n", ns,
				        a4(fc->addr.addr, b), fc->addr.len, fc->name);
		}
	}
	for (size_t i = 0; i < t->n_links; i++)
		for (int e = 0; e < 2; e++) {
			const struct topo_link_end *me = &t->links[i].end[e];
			const struct topo_link_end *pe = &t->links[i].end[!e];
			const struct topo_iface *pf = &t->nodes[pe->node].ifaces[pe->iface];
			char m[18];
			if (!pf->addr.len || !t->nodes[me->node].ifaces[me->iface].addr.len)
				continue;
			run_netns_name(lab, t->nodes[me->node].name, ns, sizeof(ns));
			fprintf(f, "ip -n %s neigh replace %s lladdr %s dev %s nud permanent\n", ns,
			        a4(pf->addr.addr, b), mac_str(i, !e, m),
			        t->nodes[me->node].ifaces[me->iface].name);
		}
	for (size_t n = 0; n < t->n_nodes; n++) {
		run_netns_name(lab, t->nodes[n].name, ns, sizeof(ns));
		for (size_t i = 0; i < t->nodes[n].n_routes; i++)
			print_route(f, ns, &t->nodes[n], &t->nodes[n].routes[i]);
	}
}

void run_net_ip_script_down(FILE *f, const char *lab, const struct topo *t)
{
	char ns[NETNS_NAME_MAX];
	for (size_t i = 0; i < t->n_nodes; i++) {
		run_netns_name(lab, t->nodes[i].name, ns, sizeof(ns));
		fprintf(f, "ip netns del %s\n", ns);
	}
}
