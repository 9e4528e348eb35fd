/* Interfaces changing under the RIB: a tunnel interface deleted or set down, or its
 * address removed (a charon restart, a fault), reported by the FIB's netlink
 * notifications the moment the event loop sees them.
 *
 * Order matters to a reader of the journal: first `nexthop-unreachable` for each
 * next hop that resolved through what went (the cause), then the `best` and `fib`
 * events the new decisions bring (RFC 4271 s9.1.2(a): an unresolvable NEXT_HOP
 * takes no part; those writes wait the programming delay like any Loc-RIB change),
 * then the repair writes of every other route (a re-created interface has a new
 * index and the kernel dropped the routes through the old one). */
#include <arpa/inet.h>
#include <stdlib.h>

#include "common/journal.h"
#include "fib.h"
#include "rib_int.h"

struct lost_set {
	struct fib_lost *v;
	size_t n, cap;
};

static void collect(void *ctx, const struct fib_lost *x)
{
	struct lost_set *s = ctx;
	if (s->n == s->cap) {
		size_t n = s->cap ? s->cap * 2 : 8;
		struct fib_lost *v = realloc(s->v, n * sizeof(*v));
		if (!v)
			return;
		s->v = v;
		s->cap = n;
	}
	s->v[s->n++] = *x;
}

static const struct fib_lost *covering(const struct lost_set *s, struct in_addr nh)
{
	uint32_t a = ntohl(nh.s_addr);
	for (size_t i = 0; i < s->n; i++) {
		uint32_t mask = s->v[i].plen ? ~0u << (32 - s->v[i].plen) : 0;
		if ((a & mask) == ntohl(s->v[i].net.s_addr))
			return &s->v[i];
	}
	return NULL;
}

static void journal_unreachable(struct rib *rib, struct in_addr nh, const struct fib_lost *x,
                                int64_t now)
{
	char buf[INET_ADDRSTRLEN];
	journal_begin(&rib->jbuf, now, "bgp", "nexthop-unreachable");
	json_kv_str(&rib->jbuf, "nexthop", inet_ntop(AF_INET, &nh, buf, sizeof(buf)));
	json_kv_str(&rib->jbuf, "interface", x->ifname);
	json_kv_uint(&rib->jbuf, "ifindex", x->ifindex);
	json_kv_str(&rib->jbuf, "why", x->why);
	journal_write(rib->journal_fd, &rib->jbuf);
}

/* The next hops some path uses that resolved before (as last decided) and lay in
 * a connected prefix that went, and that resolve no more: one event each. */
static void report_lost(struct rib *rib, const struct lost_set *s, int64_t now)
{
	struct in_addr *seen = NULL;
	size_t nseen = 0, capseen = 0;
	for (size_t b = 0; b < rib->nabuckets; b++)
		for (struct rib_attr *ra = rib->abuckets[b]; ra; ra = ra->hnext) {
			struct in_addr nh = ra->a.next_hop;
			const struct fib_lost *x;
			if (!ra->nh_ok || !(x = covering(s, nh)))
				continue;
			bool dup = false;
			for (size_t i = 0; i < nseen && !dup; i++)
				dup = seen[i].s_addr == nh.s_addr;
			if (dup || fib_nh_resolvable(rib->fib, nh))
				continue;
			if (nseen == capseen) {
				size_t n = capseen ? capseen * 2 : 16;
				struct in_addr *v = realloc(seen, n * sizeof(*v));
				if (!v)
					continue;
				seen = v;
				capseen = n;
			}
			seen[nseen++] = nh;
			journal_unreachable(rib, nh, x, now);
		}
	free(seen);
}

void rib_iface_changed(struct rib *rib, int64_t now)
{
	struct lost_set s = {0};
	if (!rib->fib || !fib_changes(rib->fib, collect, &s))
		goto out;
	if (rib->journal_fd >= 0 && s.n)
		report_lost(rib, &s, now);
	rib_recheck_nexthops(rib, now);
	rib_fib_resync(rib, now);
out:
	free(s.v);
}

int rib_fib_fd(const struct rib *rib)
{
	return rib->fib ? fib_monitor_fd(rib->fib) : -1;
}

int rib_fib_event(struct rib *rib, int64_t now)
{
	if (!rib->fib)
		return 0;
	int rc = fib_monitor_read(rib->fib);
	rib_run_timers(rib, now); /* starts with rib_iface_changed */
	return rc;
}
