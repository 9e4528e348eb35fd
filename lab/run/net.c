/* Building a topology's network: namespaces, veth links, addresses, sysctls, routes.
 *
 * Order matters to the kernel: a route's gateway must be on a connected, up link, so
 * links come up before addresses and addresses before routes. Each namespace is
 * recorded in the state file before it is created; links, addresses and routes live
 * inside the namespaces and die with them, so they need no record. */
#include "run/net.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "run/kernel_route.h"
#include "topo/topo.h"

static int ifindex_of(uint32_t iface)
{
	return RUN_IFINDEX_BASE + (int)iface;
}

static int build_namespaces(struct run_lab *l, const struct topo *t, struct run_net *net)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		char name[NETNS_NAME_MAX];
		run_netns_name(l->name, t->nodes[i].name, name, sizeof(name));
		if (run_record(l, "netns %s", name) < 0 || netns_create(name, &net->ns[i]) < 0)
			return -1;
		if (i == 0)
			run_test_hook("netns-first");
	}
	run_test_hook("netns");
	return 0;
}

/* Forwarding where the topology asks for it. Reverse-path filtering off everywhere
 * (all and default, before the links exist so every interface inherits it): new
 * namespaces copy the host's setting, and a strict host setting would drop the
 * asymmetric ECMP paths the lab is about. */
static int build_sysctls(const struct topo *t, struct run_net *net)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		const char *kv[] = {
		    "net/ipv4/conf/all/rp_filter",
		    "0",
		    "net/ipv4/conf/default/rp_filter",
		    "0",
		    "net/ipv4/ip_forward",
		    t->nodes[i].forwarding ? "1" : "0",
		};
		if (netns_sysctls(net->ns[i], kv, 3) < 0)
			return -1;
	}
	run_test_hook("sysctl");
	return 0;
}

static uint32_t link_mtu(const struct topo *t, const struct topo_link *k)
{
	uint32_t m0 = t->nodes[k->end[0].node].ifaces[k->end[0].iface].mtu;
	uint32_t m1 = t->nodes[k->end[1].node].ifaces[k->end[1].iface].mtu;
	return m0 ? m0 : m1;
}

void run_link_mac(size_t link, int end, uint8_t mac[6])
{
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0x6c;
	mac[2] = (uint8_t)(link >> 16);
	mac[3] = (uint8_t)(link >> 8);
	mac[4] = (uint8_t)link;
	mac[5] = (uint8_t)end;
}

static int build_links(const struct topo *t, struct run_net *net)
{
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *k = &t->links[i];
		const struct topo_link_end *a = &k->end[0], *b = &k->end[1];
		uint8_t ma[6], mb[6];
		run_link_mac(i, 0, ma);
		run_link_mac(i, 1, mb);
		if (netns_veth(net->ns[a->node], t->nodes[a->node].ifaces[a->iface].name,
		               ifindex_of(a->iface), net->ns[b->node],
		               t->nodes[b->node].ifaces[b->iface].name, ifindex_of(b->iface),
		               link_mtu(t, k), ma, mb) < 0)
			return -1;
	}
	/* Interfaces that belong to no link but carry an address (a router's own
	 * address, say) become dummies. */
	for (size_t n = 0; n < t->n_nodes; n++)
		for (size_t i = 0; i < t->nodes[n].n_ifaces; i++) {
			const struct topo_iface *f = &t->nodes[n].ifaces[i];
			if (f->link == TOPO_NONE && f->addr.len &&
			    netns_dummy(net->ns[n], f->name, ifindex_of((uint32_t)i)) < 0)
				return -1;
		}
	run_test_hook("links");
	return 0;
}

static int build_addresses(const struct topo *t, struct run_net *net)
{
	for (size_t n = 0; n < t->n_nodes; n++)
		for (size_t i = 0; i < t->nodes[n].n_ifaces; i++) {
			const struct topo_iface *f = &t->nodes[n].ifaces[i];
			if (f->addr.len && netns_addr_add(net->ns[n], ifindex_of((uint32_t)i),
			                                  f->addr.addr, f->addr.len) < 0)
				return -1;
		}
	/* Each end of a link knows its peer without ARP: the kernel's neighbour table
	 * is shared by every namespace and overflows at 1,024 learnt entries (two per
	 * link in use: a lab of 100 sites has 900 links); permanent ones do not count. */
	for (size_t i = 0; i < t->n_links; i++)
		for (int e = 0; e < 2; e++) {
			const struct topo_link_end *me = &t->links[i].end[e];
			const struct topo_link_end *peer = &t->links[i].end[!e];
			const struct topo_iface *pf = &t->nodes[peer->node].ifaces[peer->iface];
			uint8_t mac[6];
			run_link_mac(i, !e, mac);
			if (pf->addr.len && t->nodes[me->node].ifaces[me->iface].addr.len &&
			    netns_neigh_permanent(net->ns[me->node], ifindex_of(me->iface),
			                          pf->addr.addr, mac) < 0)
				return -1;
		}
	run_test_hook("addresses");
	return 0;
}

static int build_route(const struct topo_node *node, const struct topo_route *r, struct netns *ns)
{
	struct netns_route nr;
	/* NULL resolver: the fixed indices build_links gave (ifindex_of). */
	if (run_kernel_route(node, r, NULL, NULL, &nr) < 0)
		return -1;
	return netns_route_add(ns, &nr);
}

static int build_routes(const struct topo *t, struct run_net *net)
{
	for (size_t n = 0; n < t->n_nodes; n++)
		for (size_t i = 0; i < t->nodes[n].n_routes; i++)
			if (build_route(&t->nodes[n], &t->nodes[n].routes[i], net->ns[n]) < 0)
				return -1;
	run_test_hook("routes");
	return 0;
}

int run_net_build(struct run_lab *l, const struct topo *t, struct run_net *net)
{
	net->n = t->n_nodes;
	net->ns = calloc(t->n_nodes ? t->n_nodes : 1, sizeof(*net->ns));
	if (!net->ns)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	if (build_namespaces(l, t, net) < 0 || build_sysctls(t, net) < 0 ||
	    build_links(t, net) < 0 || build_addresses(t, net) < 0 || build_routes(t, net) < 0)
		return -1;
	return 0;
}

void run_net_close(struct run_net *net)
{
	for (size_t i = 0; i < net->n; i++)
		netns_close(net->ns[i]);
	free(net->ns);
	net->ns = NULL;
	net->n = 0;
}
