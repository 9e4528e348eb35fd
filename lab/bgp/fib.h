/* The kernel FIB of the namespace the speaker runs in, over rtnetlink (libmnl).
 *
 * Routes go into the main table with protocol bgp (RTPROT_BGP) and metric
 * FIB_METRIC, so `ip route` shows who wrote them and a static route of the same
 * prefix (metric 0) still wins. An ECMP set is one route with RTA_MULTIPATH;
 * NLM_F_REPLACE swaps the whole set atomically, so a change never passes through
 * "no route". Each next hop is resolved to the interface (up) whose connected prefix
 * covers it (the tunnel interface in the lab): a next hop nothing covers is left out
 * (the RIB keeps such paths out of the decision already: fib_nh_resolvable).
 *
 * Writes are batched: fib_replace/fib_delete append to a buffer that goes to the
 * kernel in one sendmsg when full or on fib_commit. Requests carry no ACK flag;
 * the kernel still reports every failure, which fib_commit collects. */
#ifndef LAB_BGP_FIB_H
#define LAB_BGP_FIB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIB_METRIC 20

struct fib;

/* Opens a netlink socket in the calling thread's network namespace. NULL with
 * lab_err set. */
struct fib *fib_open(void);
void fib_close(struct fib *f);

/* Queues dst/len via nh[0..n) (n >= 1). Returns how many next hops resolved to an
 * interface that is up and went into the request; 0 means nothing was queued (the caller
 * deletes the route instead), -1 on a local failure. */
int fib_replace(struct fib *f, struct in_addr dst, uint8_t len, const struct in_addr *nh, size_t n);
int fib_delete(struct fib *f, struct in_addr dst, uint8_t len);
/* Sends what is queued and collects kernel errors. Returns the number of requests
 * the kernel refused (first error on stderr), or -1 when netlink itself failed. */
int fib_commit(struct fib *f);

/* A request the kernel refused (err: positive errno). */
struct fib_failure {
	struct in_addr dst;
	uint8_t len;
	bool del;
	int err;
};
/* Calls fn for every request refused since the last call, then forgets them. */
void fib_failures(struct fib *f, void (*fn)(void *ctx, const struct fib_failure *x), void *ctx);

/* Deletes every route of protocol bgp in the main table (start-up after a crash,
 * and exit). Returns the number deleted or -1. */
int fib_flush_proto(struct fib *f);

/* Whether nh is covered by the connected prefix of an interface that is up (the
 * test fib_replace applies to each next hop). Answered from a cache of the links
 * and addresses that netlink notifications keep current; a miss first takes the
 * notifications already queued, so an interface that just appeared is seen. */
bool fib_nh_resolvable(struct fib *f, struct in_addr nh);

/* Interface changes (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR on a second netlink socket,
 * subscribed before the first read): the event loop polls fib_monitor_fd and calls
 * fib_monitor_read when it is readable. Any link or address notification, or an
 * overrun (ENOBUFS: some were lost), makes it read every link and address again.
 * Returns 0, or -1 with lab_err set. */
int fib_monitor_fd(const struct fib *f);
int fib_monitor_read(struct fib *f);
/* How many times notifications were lost (each answered by a full re-read). */
unsigned fib_monitor_overruns(const struct fib *f);

/* A connected prefix that stopped counting: its interface was deleted, set down,
 * or lost the address. */
struct fib_lost {
	struct in_addr net;
	uint8_t plen;
	unsigned ifindex;
	char ifname[16]; /* IFNAMSIZ; the name it had */
	const char *why; /* "link-deleted", "link-down", "address-removed" */
};
/* Whether the usable addresses changed since the last call (an interface went
 * down or away, came back with a new index, was renumbered: every route written
 * through the old set must be written again and next-hop resolvability decided
 * again); calls fn for each connected prefix that went. Then forgets both. */
bool fib_changes(struct fib *f, void (*fn)(void *ctx, const struct fib_lost *x), void *ctx);

#endif
