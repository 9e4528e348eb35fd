/* Links inside namespaces: veth pairs between two namespaces, up/down, look-ups. */
#include "netns/netns.h"

#include <net/if.h>
#include <stdio.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "common/err.h"

static int set_up(struct netns *ns, int ifindex, const char *name, bool up);

static void set_end(struct rtnl_link *l, const char *name, int ifindex, uint32_t mtu, bool up,
                    const uint8_t *mac)
{
	rtnl_link_set_name(l, name);
	if (mac) {
		struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
		if (a) {
			rtnl_link_set_addr(l, a);
			nl_addr_put(a);
		}
	}
	if (ifindex > 0)
		rtnl_link_set_ifindex(l, ifindex);
	if (mtu)
		rtnl_link_set_mtu(l, mtu);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
}

int netns_veth(struct netns *a, const char *name_a, int ifindex_a, struct netns *b,
               const char *name_b, int ifindex_b, uint32_t mtu, const uint8_t *mac_a,
               const uint8_t *mac_b)
{
	struct rtnl_link *l = rtnl_link_veth_alloc();
	if (!l)
		return lab_err(LAB_EXIT_FAIL, "out of memory (veth)");
	struct rtnl_link *peer = rtnl_link_veth_get_peer(l);
	/* The kernel (6.18) configures the peer before linking the pair, so an up flag
	 * on the peer fails with ENOTCONN (veth_open without a peer): the peer is
	 * brought up with a second request, through b's socket. */
	set_end(l, name_a, ifindex_a, mtu, true, mac_a);
	set_end(peer, name_b, ifindex_b, mtu, false, mac_b);
	/* The request goes to a's socket, so the device is born in a; the peer is born
	 * straight in b. Nothing appears in the caller's namespace at any time. */
	rtnl_link_set_ns_fd(peer, b->fd);
	rtnl_link_put(peer);
	int e = rtnl_link_add(a->nl, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(l);
	if (e < 0)
		return lab_err(LAB_EXIT_FAIL, "creating veth %s:%s <-> %s:%s: %s", a->name, name_a,
		               b->name, name_b, nl_geterror(e));
	return set_up(b, ifindex_b, name_b, true);
}

int netns_dummy(struct netns *ns, const char *name, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	if (!l)
		return lab_err(LAB_EXIT_FAIL, "out of memory (dummy)");
	int e = rtnl_link_set_type(l, "dummy");
	if (e >= 0) {
		set_end(l, name, ifindex, 0, true, NULL);
		e = rtnl_link_add(ns->nl, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	rtnl_link_put(l);
	if (e < 0)
		return lab_err(LAB_EXIT_FAIL, "creating dummy %s in namespace %s: %s", name,
		               ns->name, nl_geterror(e));
	return 0;
}

int netns_ifindex(struct netns *ns, const char *ifname)
{
	struct rtnl_link *l = NULL;
	int e = rtnl_link_get_kernel(ns->nl, 0, ifname, &l);
	if (e < 0)
		return lab_err(LAB_EXIT_FAIL, "no interface %s in namespace %s: %s", ifname,
		               ns->name, nl_geterror(e));
	int idx = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return idx;
}

/* By index, or by name when ifindex is 0. */
static int set_up(struct netns *ns, int ifindex, const char *name, bool up)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *chg = rtnl_link_alloc();
	int e = -NLE_NOMEM;
	if (orig && chg) {
		if (ifindex > 0)
			rtnl_link_set_ifindex(orig, ifindex);
		else {
			/* libnl sends only what differs: the name goes in through chg,
			 * and the kernel looks the device up by IFLA_IFNAME. */
			rtnl_link_set_name(orig, name);
			rtnl_link_set_name(chg, name);
		}
		if (up)
			rtnl_link_set_flags(chg, IFF_UP);
		else
			rtnl_link_unset_flags(chg, IFF_UP);
		e = rtnl_link_change(ns->nl, orig, chg, 0);
	}
	if (orig)
		rtnl_link_put(orig);
	if (chg)
		rtnl_link_put(chg);
	if (e < 0)
		return lab_err(LAB_EXIT_FAIL, "setting interface %s %s in namespace %s: %s",
		               name ? name : "", up ? "up" : "down", ns->name, nl_geterror(e));
	return 0;
}

int netns_link_set_up(struct netns *ns, int ifindex, bool up)
{
	char name[16];
	snprintf(name, sizeof(name), "#%d", ifindex);
	return set_up(ns, ifindex, name, up);
}
