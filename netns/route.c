/* Addresses and routes (incl. ECMP multipath) inside a namespace. */
#include "netns/netns.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <stdio.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "common/err.h"

static struct nl_addr *v4(struct in_addr a, uint8_t prefixlen)
{
	struct nl_addr *n = nl_addr_build(AF_INET, &a, sizeof(a));
	if (n)
		nl_addr_set_prefixlen(n, prefixlen);
	return n;
}

int netns_addr_add(struct netns *ns, int ifindex, struct in_addr addr, uint8_t prefixlen)
{
	char txt[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, txt, sizeof(txt));
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = v4(addr, prefixlen);
	int e = -NLE_NOMEM;
	if (a && local) {
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_family(a, AF_INET);
		e = rtnl_addr_set_local(a, local);
		if (e >= 0)
			e = rtnl_addr_add(ns->nl, a, 0);
	}
	if (local)
		nl_addr_put(local);
	if (a)
		rtnl_addr_put(a);
	if (e < 0)
		return lab_err(LAB_EXIT_FAIL,
		               "adding address %s/%u on interface %d in namespace %s: %s", txt,
		               prefixlen, ifindex, ns->name, nl_geterror(e));
	return 0;
}

static int add_nexthop(struct rtnl_route *r, const struct netns_nexthop *h)
{
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	if (!nh)
		return -NLE_NOMEM;
	if (h->ifindex > 0)
		rtnl_route_nh_set_ifindex(nh, h->ifindex);
	if (h->via.s_addr) {
		struct nl_addr *gw = v4(h->via, 32);
		if (!gw) {
			rtnl_route_nh_free(nh);
			return -NLE_NOMEM;
		}
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	/* docs/reference.md: libnl copies this value into rtnh_hops unchanged, and the kernel's
	 * weight is rtnh_hops + 1, so weight w is passed as w - 1. */
	uint8_t w = h->weight ? h->weight : 1;
	rtnl_route_nh_set_weight(nh, (uint8_t)(w - 1));
	rtnl_route_add_nexthop(r, nh); /* r owns nh from here */
	return 0;
}

static int build_route(struct rtnl_route *r, const struct netns_route *rt)
{
	struct nl_addr *dst = v4(rt->dst, rt->dst_len);
	if (!dst)
		return -NLE_NOMEM;
	int e = rtnl_route_set_dst(r, dst);
	nl_addr_put(dst);
	if (e < 0)
		return e;
	rtnl_route_set_family(r, AF_INET);
	rtnl_route_set_table(r, rt->table ? rt->table : RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, rt->protocol ? rt->protocol : RTPROT_STATIC);
	rtnl_route_set_type(r, RTN_UNICAST);
	if (rt->metric)
		rtnl_route_set_priority(r, rt->metric);
	bool gateway = false;
	for (uint32_t i = 0; i < rt->n_nh; i++)
		gateway |= rt->nh[i].via.s_addr != 0;
	/* Without a gateway the destination is on the link, as `ip route add ... dev X`. */
	rtnl_route_set_scope(r, gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	for (uint32_t i = 0; i < rt->n_nh; i++)
		if ((e = add_nexthop(r, &rt->nh[i])) < 0)
			return e;
	return 0;
}

int netns_route_add(struct netns *ns, const struct netns_route *rt)
{
	char txt[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &rt->dst, txt, sizeof(txt));
	if (rt->n_nh == 0 || rt->n_nh > NETNS_MAX_NEXTHOPS)
		return lab_err(LAB_EXIT_USAGE, "route %s/%u in namespace %s: %u next hops (1..%d)",
		               txt, rt->dst_len, ns->name, rt->n_nh, NETNS_MAX_NEXTHOPS);
	struct rtnl_route *r = rtnl_route_alloc();
	if (!r)
		return lab_err(LAB_EXIT_FAIL, "out of memory (route)");
	int e = build_route(r, rt);
	if (e >= 0)
		e = rtnl_route_add(ns->nl, r,
		                   NLM_F_CREATE | (rt->replace ? NLM_F_REPLACE : NLM_F_EXCL));
	rtnl_route_put(r);
	if (e < 0)
		return lab_err(LAB_EXIT_FAIL, "adding route %s/%u in namespace %s: %s", txt,
		               rt->dst_len, ns->name, nl_geterror(e));
	return 0;
}
