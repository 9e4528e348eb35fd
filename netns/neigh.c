/* Permanent neighbour entries: a lab with hundreds of links would otherwise fill the
 * kernel's ARP table, which every namespace shares (gc_thresh3, 1,024 by default),
 * and lose new neighbours with "neighbor table overflow". */
#include "netns/netns.h"

#include <arpa/inet.h>
#include <linux/neighbour.h>

#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>

#include "common/err.h"

int netns_neigh_permanent(struct netns *ns, int ifindex, struct in_addr addr, const uint8_t mac[6])
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET, &addr, sizeof(addr));
	struct nl_addr *ll = nl_addr_build(AF_LLC, mac, 6);
	int e = -NLE_NOMEM;
	if (n && dst && ll) {
		rtnl_neigh_set_ifindex(n, ifindex);
		rtnl_neigh_set_family(n, AF_INET);
		rtnl_neigh_set_dst(n, dst);
		rtnl_neigh_set_lladdr(n, ll);
		rtnl_neigh_set_state(n, NUD_PERMANENT);
		e = rtnl_neigh_add(ns->nl, n, NLM_F_CREATE | NLM_F_REPLACE);
	}
	if (ll)
		nl_addr_put(ll);
	if (dst)
		nl_addr_put(dst);
	if (n)
		rtnl_neigh_put(n);
	if (e < 0) {
		char b[INET_ADDRSTRLEN];
		return lab_err(LAB_EXIT_FAIL, "neighbour %s on ifindex %d in %s: %s",
		               inet_ntop(AF_INET, &addr, b, sizeof(b)), ifindex, ns->name,
		               nl_geterror(e));
	}
	return 0;
}
