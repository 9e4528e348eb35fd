/* Kernel routes over rtnetlink with libmnl (see fib.h for the rules). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "bgp_limits.h"
#include "bgp_log.h"
#include "common/err.h"
#include "fib_int.h"

#define FIB_BATCH (256 * 1024)
#define FIB_MSG_MAX 2048 /* one request: 64 next hops take < 1.5 KiB */

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
	if (fib_iface_open(f) < 0)
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

int fib_dump(struct fib *f, uint16_t type, mnl_cb_t cb, void *data)
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

int fib_send(struct fib *f)
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
		unsigned x = fib_resolve(f, nh[i]);
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
	int rc = fib_dump(f, RTM_GETROUTE, route_cb, &l);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = fib_delete(f, l.dst[i], l.len[i]);
	if (rc == 0)
		rc = fib_commit(f) < 0 ? -1 : (int)l.n;
	f->nfail = 0; /* a route that went by itself meanwhile is not a failure */
	free(l.dst);
	free(l.len);
	return rc;
}
