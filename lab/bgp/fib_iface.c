/* The interfaces under the FIB: a cache of the namespace's links and IPv4
 * addresses, kept current by netlink notifications, and next-hop resolution over
 * it (see fib.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp_log.h"
#include "common/err.h"
#include "fib_int.h"

struct addr_list {
	struct fib_addr *v;
	size_t n;
	struct fib_link *links;
	size_t nlinks;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *l = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct fib_link *v = realloc(l->links, (l->nlinks + 1) * sizeof(*v));
	if (!v)
		return MNL_CB_ERROR;
	l->links = v;
	struct fib_link *k = &v[l->nlinks++];
	*k = (struct fib_link){.ifindex = (unsigned)ifi->ifi_index, .up = ifi->ifi_flags & IFF_UP};
	const struct nlattr *attr;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi))
	{
		if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(k->name, sizeof(k->name), "%s", mnl_attr_get_str(attr));
	}
	return MNL_CB_OK;
}

static const struct fib_link *link_find(const struct fib_link *v, size_t n, unsigned ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex)
			return &v[i];
	return NULL;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *f = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	/* The kernel drops the connected route of an interface set down, though the
	 * address stays: a next hop there is unreachable (RFC 4271 s9.1.2.1). */
	const struct fib_link *k = link_find(f->links, f->nlinks, ifa->ifa_index);
	if (!k || !k->up)
		return MNL_CB_OK;
	const struct nlattr *attr;
	uint32_t addr = 0, local = 0;
	bool have = false;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		if (mnl_attr_get_type(attr) == IFA_ADDRESS && mnl_attr_get_payload_len(attr) == 4) {
			memcpy(&addr, mnl_attr_get_payload(attr), 4);
			have = true;
		} else if (mnl_attr_get_type(attr) == IFA_LOCAL &&
		           mnl_attr_get_payload_len(attr) == 4) {
			memcpy(&local, mnl_attr_get_payload(attr), 4);
		}
	}
	if (!have)
		return MNL_CB_OK;
	struct fib_addr *v = realloc(f->v, (f->n + 1) * sizeof(*v));
	if (!v)
		return MNL_CB_ERROR;
	f->v = v;
	uint32_t mask = ifa->ifa_prefixlen ? ~0u << (32 - ifa->ifa_prefixlen) : 0;
	v[f->n++] = (struct fib_addr){
	    .ifindex = ifa->ifa_index,
	    .net = ntohl(addr) & mask,
	    .local = ntohl(local ? local : addr),
	    .plen = ifa->ifa_prefixlen,
	};
	return MNL_CB_OK;
}

static bool addr_eq(const struct fib_addr *a, const struct fib_addr *b)
{
	return a->ifindex == b->ifindex && a->net == b->net && a->local == b->local &&
	       a->plen == b->plen;
}

static void lost_add(struct fib *f, const struct fib_addr *a, const struct addr_list *now)
{
	if (f->nlost == f->caplost) {
		size_t n = f->caplost ? f->caplost * 2 : 8;
		struct fib_lost *v = realloc(f->lost, n * sizeof(*v));
		if (!v)
			return; /* the change is still reported, without this detail */
		f->lost = v;
		f->caplost = n;
	}
	struct fib_lost *x = &f->lost[f->nlost++];
	const struct fib_link *was = link_find(f->links, f->nlinks, a->ifindex);
	const struct fib_link *is = link_find(now->links, now->nlinks, a->ifindex);
	*x = (struct fib_lost){
	    .net.s_addr = htonl(a->net),
	    .plen = a->plen,
	    .ifindex = a->ifindex,
	    .why = !is       ? "link-deleted"
	           : !is->up ? "link-down"
	                     : "address-removed",
	};
	snprintf(x->ifname, sizeof(x->ifname), "%s", was ? was->name : "");
}

/* Reads the namespace's links and IPv4 addresses in full; 1 when the usable
 * addresses differ from the cache (which is replaced; what went is noted for
 * fib_changes), 0 when the same, -1 on failure. */
static int addrs_load(struct fib *f)
{
	struct addr_list l = {0};
	if (fib_send(f) < 0 || fib_dump(f, RTM_GETLINK, link_cb, &l) < 0 ||
	    fib_dump(f, RTM_GETADDR, addr_cb, &l) < 0) {
		free(l.v);
		free(l.links);
		return -1;
	}
	bool same = f->addrs_valid && l.n == f->naddrs;
	for (size_t i = 0; same && i < l.n; i++)
		same = addr_eq(&l.v[i], &f->addrs[i]);
	for (size_t i = 0; f->addrs_valid && !same && i < f->naddrs; i++) {
		bool kept = false;
		for (size_t j = 0; j < l.n && !kept; j++)
			kept = addr_eq(&f->addrs[i], &l.v[j]);
		if (!kept)
			lost_add(f, &f->addrs[i], &l);
	}
	if (f->addrs_valid && !same)
		f->changed = true;
	free(f->addrs);
	free(f->links);
	f->addrs = l.v;
	f->naddrs = l.n;
	f->links = l.links;
	f->nlinks = l.nlinks;
	f->addrs_valid = true;
	return same ? 0 : 1;
}

/* ---- notifications ---- */

/* Subscribed before the first dump, so that cache + queued notifications always
 * describe the namespace: nothing can change unseen between the two. */
int fib_iface_open(struct fib *f)
{
	f->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!f->mon)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fib: cannot open a netlink socket");
	if (mnl_socket_bind(f->mon, 0, MNL_SOCKET_AUTOPID) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fib: cannot bind the netlink socket");
	int groups[] = {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (mnl_socket_setsockopt(f->mon, NETLINK_ADD_MEMBERSHIP, &groups[i],
		                          sizeof(groups[i])) < 0)
			return lab_err_errno(LAB_EXIT_FAIL, errno,
			                     "fib: cannot subscribe to interface notifications");
	/* Room for a burst (a charon restart re-creating every tunnel interface);
	 * an overrun is survived anyway (ENOBUFS: read everything again). */
	int rcv = 1024 * 1024;
	setsockopt(mnl_socket_get_fd(f->mon), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return 0;
}

unsigned fib_monitor_overruns(const struct fib *f)
{
	return f->overruns;
}

int fib_monitor_fd(const struct fib *f)
{
	return mnl_socket_get_fd(f->mon);
}

int fib_monitor_read(struct fib *f)
{
	char buf[16384];
	bool reload = false;
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(f->mon), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Notifications were lost: what they said is unknown, so
				 * everything is read again. */
				bgp_log(BGP_LOG_DEBUG,
				        "fib: netlink notifications overrun, re-reading");
				reload = true;
				f->overruns++;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return lab_err_errno(LAB_EXIT_FAIL, errno, "fib: netlink notifications");
		}
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			switch (nlh->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
			case RTM_NEWADDR:
			case RTM_DELADDR: reload = true; break;
			}
	}
	/* One full read for a whole burst: at lab scale (a few interfaces) it costs
	 * less than keeping the cache by deltas would, and it cannot drift. */
	if (!reload || !f->addrs_valid)
		return 0;
	return addrs_load(f) < 0 ? -1 : 0;
}

bool fib_changes(struct fib *f, void (*fn)(void *ctx, const struct fib_lost *x), void *ctx)
{
	bool changed = f->changed;
	for (size_t i = 0; fn && i < f->nlost; i++)
		fn(ctx, &f->lost[i]);
	f->nlost = 0;
	f->changed = false;
	return changed;
}

/* The interface whose connected prefix covers nh (longest match), or 0. */
static unsigned resolve_once(const struct fib *f, struct in_addr nh)
{
	uint32_t a = ntohl(nh.s_addr);
	unsigned best = 0;
	int best_len = -1;
	for (size_t i = 0; i < f->naddrs; i++) {
		const struct fib_addr *x = &f->addrs[i];
		uint32_t mask = x->plen ? ~0u << (32 - x->plen) : 0;
		if ((a & mask) == x->net && a != x->local && x->plen > best_len) {
			best = x->ifindex;
			best_len = x->plen;
		}
	}
	return best;
}

unsigned fib_resolve(struct fib *f, struct in_addr nh)
{
	if (!f->addrs_valid && addrs_load(f) < 0)
		return 0;
	unsigned ifi = resolve_once(f, nh);
	if (!ifi) {
		/* A tunnel interface may have come up since the event loop last read
		 * the notifications: take what is queued (cheap when nothing is).
		 * Others may depend on what changed: fib_changes says so. */
		if (fib_monitor_read(f) < 0)
			return 0;
		ifi = resolve_once(f, nh);
	}
	return ifi;
}

bool fib_nh_resolvable(struct fib *f, struct in_addr nh)
{
	return fib_resolve(f, nh) != 0;
}
