/* Kernel routes over rtnetlink with libmnl (see fib.h for the rules). */
#include "fib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bgp_limits.h"
#include "bgp_log.h"
#include "common/err.h"

#define FIB_BATCH (256 * 1024)
#define FIB_MSG_MAX 2048 /* one request: 64 next hops take < 1.5 KiB */

struct fib_addr {
	unsigned ifindex;
	uint32_t net; /* host order, masked */
	uint32_t local;
	uint8_t plen;
};

struct fib_link {
	unsigned ifindex;
	bool up; /* IFF_UP: only the addresses of interfaces that are up count */
	char name[IFNAMSIZ];
};

struct addr_list {
	struct fib_addr *v;
	size_t n;
	struct fib_link *links;
	size_t nlinks;
};

/* One request of the batch in flight: a kernel error names it by sequence. */
struct fib_req {
	struct in_addr dst;
	uint8_t len;
	bool del;
};

struct fib {
	struct mnl_socket *nl;
	unsigned portid;
	uint32_t seq;
	char *buf;
	size_t len;
	unsigned queued;
	struct fib_addr *addrs;
	size_t naddrs;
	struct fib_link *links;
	size_t nlinks;
	bool addrs_valid;
	bool changed;          /* a re-read found a change fib_changes has not reported yet */
	struct fib_lost *lost; /* connected prefixes gone since fib_changes last ran */
	size_t nlost, caplost;
	struct mnl_socket *mon; /* link and IPv4 address notifications */
	unsigned overruns;      /* ENOBUFS on mon */
	unsigned errors;
	struct fib_req *reqs; /* the batch in flight, reqs[i] has seq first_seq + i */
	size_t nreq, capreq;
	uint32_t first_seq;
	struct fib_failure *fails; /* refused since fib_failures() last ran */
	size_t nfail, capfail;
};

static int fib_send(struct fib *f);
static int monitor_open(struct fib *f);

struct fib *fib_open(void)
{
	struct fib *f = calloc(1, sizeof(*f));
	if (!f)
		goto oom;
	f->buf = malloc(FIB_BATCH);
	if (!f->buf)
		goto oom;
	f->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!f->nl) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "fib: cannot open a netlink socket");
		goto fail;
	}
	if (mnl_socket_bind(f->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "fib: cannot bind the netlink socket");
		goto fail;
	}
	/* Errors for a whole batch queue up here before fib_commit reads them. */
	int rcv = 4 * 1024 * 1024;
	setsockopt(mnl_socket_get_fd(f->nl), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	int one = 1;
	/* Refused requests come back as errors without the request echoed in them. */
	setsockopt(mnl_socket_get_fd(f->nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	f->portid = mnl_socket_get_portid(f->nl);
	f->seq = (uint32_t)time(NULL);
	if (monitor_open(f) < 0)
		goto fail;
	return f;
oom:
	lab_err(LAB_EXIT_FAIL, "fib: out of memory");
fail:
	fib_close(f);
	return NULL;
}

void fib_close(struct fib *f)
{
	if (!f)
		return;
	if (f->nl)
		mnl_socket_close(f->nl);
	if (f->mon)
		mnl_socket_close(f->mon);
	free(f->buf);
	free(f->addrs);
	free(f->links);
	free(f->lost);
	free(f->reqs);
	free(f->fails);
	free(f);
}

/* ---- synchronous dumps (addresses, routes) ---- */

static int dump(struct fib *f, uint16_t type, mnl_cb_t cb, void *data)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++f->seq;
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_INET;
	if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fib: netlink dump request");
	size_t bufsz = 64 * 1024;
	char *buf = malloc(bufsz);
	if (!buf)
		return lab_err(LAB_EXIT_FAIL, "fib: out of memory");
	int rc;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(f->nl, buf, bufsz);
		if (n < 0) {
			rc = lab_err_errno(LAB_EXIT_FAIL, errno, "fib: netlink dump");
			break;
		}
		rc = mnl_cb_run(buf, (size_t)n, f->seq, f->portid, cb, data);
		if (rc <= MNL_CB_STOP) {
			if (rc < 0)
				rc = lab_err_errno(LAB_EXIT_FAIL, errno, "fib: netlink dump");
			break;
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

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
	if (fib_send(f) < 0 || dump(f, RTM_GETLINK, link_cb, &l) < 0 ||
	    dump(f, RTM_GETADDR, addr_cb, &l) < 0) {
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
static int monitor_open(struct fib *f)
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

static unsigned resolve(struct fib *f, struct in_addr nh)
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
	return resolve(f, nh) != 0;
}

/* ---- batched writes ---- */

static void note_failure(struct fib *f, uint32_t seq, int err)
{
	uint32_t i = seq - f->first_seq;
	if (i >= f->nreq)
		return;
	if (f->nfail == f->capfail) {
		size_t n = f->capfail ? f->capfail * 2 : 16;
		struct fib_failure *v = realloc(f->fails, n * sizeof(*v));
		if (!v)
			return;
		f->fails = v;
		f->capfail = n;
	}
	f->fails[f->nfail++] = (struct fib_failure){
	    .dst = f->reqs[i].dst, .len = f->reqs[i].len, .del = f->reqs[i].del, .err = err};
}

void fib_failures(struct fib *f, void (*fn)(void *ctx, const struct fib_failure *x), void *ctx)
{
	for (size_t i = 0; i < f->nfail; i++)
		fn(ctx, &f->fails[i]);
	f->nfail = 0;
}

static int drain_errors(struct fib *f)
{
	char buf[8192];
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(f->nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* more errors than the buffer held */
				f->errors++;
				continue;
			}
			return lab_err_errno(LAB_EXIT_FAIL, errno, "fib: netlink receive");
		}
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			if (e->error) {
				if (!f->errors)
					bgp_log_errno(BGP_LOG_WARN, -e->error,
					              "fib: kernel refused a route");
				f->errors++;
				note_failure(f, e->msg.nlmsg_seq, -e->error);
			}
		}
	}
}

static int fib_send(struct fib *f)
{
	if (!f->len)
		return 0;
	ssize_t n = mnl_socket_sendto(f->nl, f->buf, f->len);
	size_t len = f->len;
	f->len = 0;
	f->queued = 0;
	if (n < 0 || (size_t)n != len) {
		f->nreq = 0;
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fib: netlink send");
	}
	int rc = drain_errors(f);
	f->nreq = 0;
	return rc;
}

static struct nlmsghdr *msg_begin(struct fib *f, uint16_t type, uint16_t flags, struct in_addr dst,
                                  uint8_t len, struct rtmsg **rtmp)
{
	if (f->len + FIB_MSG_MAX > FIB_BATCH && fib_send(f) < 0)
		return NULL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(f->buf + f->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++f->seq;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BGP;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (len)
		mnl_attr_put(nlh, RTA_DST, 4, &dst);
	*rtmp = rtm;
	return nlh;
}

static void msg_end(struct fib *f, struct nlmsghdr *nlh, struct in_addr dst, uint8_t len)
{
	f->len += MNL_ALIGN(nlh->nlmsg_len);
	f->queued++;
	if (f->nreq == f->capreq) {
		size_t n = f->capreq ? f->capreq * 2 : 1024;
		struct fib_req *v = realloc(f->reqs, n * sizeof(*v));
		if (!v)
			return; /* a refusal of this one goes unattributed */
		f->reqs = v;
		f->capreq = n;
	}
	if (f->nreq == 0)
		f->first_seq = nlh->nlmsg_seq;
	f->reqs[f->nreq++] =
	    (struct fib_req){.dst = dst, .len = len, .del = nlh->nlmsg_type == RTM_DELROUTE};
}

int fib_replace(struct fib *f, struct in_addr dst, uint8_t len, const struct in_addr *nh, size_t n)
{
	unsigned ifi[BGP_CONFIG_MAX_PATHS];
	struct in_addr gw[BGP_CONFIG_MAX_PATHS];
	size_t k = 0;
	for (size_t i = 0; i < n && k < BGP_CONFIG_MAX_PATHS; i++) {
		unsigned x = resolve(f, nh[i]);
		if (x) {
			ifi[k] = x;
			gw[k++] = nh[i];
		}
	}
	if (!k)
		return 0;
	struct rtmsg *rtm;
	struct nlmsghdr *nlh =
	    msg_begin(f, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, dst, len, &rtm);
	if (!nlh)
		return -1;
	mnl_attr_put_u32(nlh, RTA_PRIORITY, FIB_METRIC);
	if (k == 1) {
		mnl_attr_put(nlh, RTA_GATEWAY, 4, &gw[0]);
		mnl_attr_put_u32(nlh, RTA_OIF, ifi[0]);
	} else {
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
		for (size_t i = 0; i < k; i++) {
			struct rtnexthop *rtnh = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtnh));
			rtnh->rtnh_ifindex = (int)ifi[i];
			rtnh->rtnh_hops = 0; /* weight 1 */
			mnl_attr_put(nlh, RTA_GATEWAY, 4, &gw[i]);
			rtnh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) -
			                                  (char *)rtnh);
		}
		mnl_attr_nest_end(nlh, mp);
	}
	msg_end(f, nlh, dst, len);
	return (int)k;
}

int fib_delete(struct fib *f, struct in_addr dst, uint8_t len)
{
	struct rtmsg *rtm;
	struct nlmsghdr *nlh = msg_begin(f, RTM_DELROUTE, 0, dst, len, &rtm);
	if (!nlh)
		return -1;
	rtm->rtm_scope = RT_SCOPE_NOWHERE; /* any scope; protocol bgp must match */
	msg_end(f, nlh, dst, len);
	return 0;
}

int fib_commit(struct fib *f)
{
	f->errors = 0;
	int rc = fib_send(f);
	return rc < 0 ? -1 : (int)f->errors;
}

/* ---- flushing our routes ---- */

struct route_list {
	struct in_addr *dst;
	uint8_t *len;
	size_t n, cap;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_list *l = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	if (rtm->rtm_family != AF_INET || rtm->rtm_protocol != RTPROT_BGP)
		return MNL_CB_OK;
	uint32_t table = rtm->rtm_table;
	struct in_addr dst = {0};
	const struct nlattr *attr;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
	{
		if (mnl_attr_get_type(attr) == RTA_TABLE && mnl_attr_get_payload_len(attr) == 4)
			table = mnl_attr_get_u32(attr);
		else if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 4)
			memcpy(&dst, mnl_attr_get_payload(attr), 4);
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (l->n == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 256;
		struct in_addr *d = realloc(l->dst, c * sizeof(*d));
		if (!d)
			return MNL_CB_ERROR;
		l->dst = d;
		uint8_t *ln = realloc(l->len, c);
		if (!ln)
			return MNL_CB_ERROR;
		l->len = ln;
		l->cap = c;
	}
	l->dst[l->n] = dst;
	l->len[l->n++] = rtm->rtm_dst_len;
	return MNL_CB_OK;
}

int fib_flush_proto(struct fib *f)
{
	if (fib_commit(f) < 0)
		return -1;
	struct route_list l = {0};
	int rc = dump(f, RTM_GETROUTE, route_cb, &l);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = fib_delete(f, l.dst[i], l.len[i]);
	if (rc == 0)
		rc = fib_commit(f) < 0 ? -1 : (int)l.n;
	f->nfail = 0; /* a route that went by itself meanwhile is not a failure */
	free(l.dst);
	free(l.len);
	return rc;
}
