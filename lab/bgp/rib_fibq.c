/* Route programming delay: a Loc-RIB change reaches the kernel delay_ms later,
 * standing in for the time a cloud router takes to program a change.
 *
 * Every changed prefix joins one FIFO queue with due = (time of its first pending
 * change) + delay; since the delay is the same for all, FIFO order is due order.
 * Changes to a prefix that is already waiting coalesce: it keeps its place and its
 * due time, and the write, when due, carries the Loc-RIB state of that moment. With
 * delay 0 the queue is drained at the end of each batch, so writes stay batched.
 * Each write is journaled (`fib`, with the delay that was applied). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/journal.h"
#include "fib.h"
#include "rib_int.h"

void rib_fib_schedule(struct rib *rib, struct rib_entry *e, int64_t now)
{
	if (e->flags & RIB_E_FIB_QUEUED)
		return;
	e->flags |= RIB_E_FIB_QUEUED;
	e->fib_due = now + rib->delay_ns;
	e->qnext = NULL;
	if (rib->qtail)
		rib->qtail->qnext = e;
	else
		rib->qhead = e;
	rib->qtail = e;
	rib->nqueued++;
}

int64_t rib_next_timer_ns(const struct rib *rib)
{
	return rib->qhead ? rib->qhead->fib_due : INT64_MAX;
}

/* The interfaces changed under the FIB (a tunnel interface re-created by a charon
 * restart gets a new index; the kernel dropped the routes through the old one):
 * every route the Loc-RIB wants in the kernel is written again now, ahead of the
 * programming-delay queue (the delay models BGP changes, not interface repair).
 * Entries already queued keep their turn; their write resolves afresh. */
void rib_fib_resync(struct rib *rib, int64_t now)
{
	struct rib_entry *head = NULL, *tail = NULL;
	for (size_t b = 0; b < rib->nbuckets; b++)
		for (struct rib_entry *e = rib->buckets[b]; e; e = e->hnext) {
			if ((e->flags & RIB_E_FIB_QUEUED) || !e->nbest ||
			    e->paths->peer == RIB_PEER_LOCAL)
				continue;
			e->flags |= RIB_E_FIB_QUEUED | RIB_E_RESYNC;
			e->fib_due = now;
			e->qnext = NULL;
			if (tail)
				tail->qnext = e;
			else
				head = e;
			tail = e;
			rib->nqueued++;
		}
	if (!head)
		return;
	tail->qnext = rib->qhead;
	if (!rib->qhead)
		rib->qtail = tail;
	rib->qhead = head;
}

static void put_prefix(struct json *j, const char *key, struct in_addr a, uint8_t len)
{
	char buf[INET_ADDRSTRLEN + 4];
	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
	snprintf(buf + strlen(buf), 5, "/%u", len);
	json_kv_str(j, key, buf);
}

static void put_nexthops(struct json *j, const struct rib_nhset *s)
{
	json_key(j, "nexthops");
	json_arr_begin(j);
	for (size_t i = 0; i < s->n; i++) {
		char buf[INET_ADDRSTRLEN];
		json_str(j, inet_ntop(AF_INET, &s->nh[i], buf, sizeof(buf)));
	}
	json_arr_end(j);
}

void rib_journal_best(struct rib *rib, const struct rib_entry *e, int64_t now)
{
	if (rib->journal_fd < 0)
		return;
	struct rib_nhset s;
	rib_entry_nexthops(e, &s);
	journal_begin(&rib->jbuf, now, "bgp", "best");
	put_prefix(&rib->jbuf, "prefix", e->addr, e->len);
	put_nexthops(&rib->jbuf, &s);
	journal_write(rib->journal_fd, &rib->jbuf);
}

static void journal_fib(struct rib *rib, const struct rib_entry *e, const char *op,
                        const struct rib_nhset *s, int64_t now)
{
	if (rib->journal_fd < 0)
		return;
	journal_begin(&rib->jbuf, now, "bgp", "fib");
	put_prefix(&rib->jbuf, "prefix", e->addr, e->len);
	json_kv_str(&rib->jbuf, "op", op);
	put_nexthops(&rib->jbuf, s);
	if (e->flags & RIB_E_RESYNC) {
		json_kv_int(&rib->jbuf, "delay_ms", 0);
		json_kv_str(&rib->jbuf, "why", "interfaces-changed");
	} else {
		json_kv_int(&rib->jbuf, "delay_ms", rib->delay_ns / 1000000);
		json_kv_int(&rib->jbuf, "waited_ms",
		            (now - (e->fib_due - rib->delay_ns)) / 1000000);
	}
	journal_write(rib->journal_fd, &rib->jbuf);
}

/* Writes one due entry. Without a FIB (unit tests) only the state changes. */
static void write_entry(struct rib *rib, struct rib_entry *e, int64_t now)
{
	struct rib_nhset s;
	rib_entry_nexthops(e, &s);
	bool installed = e->flags & RIB_E_FIB_INSTALLED;
	int k = (int)s.n;
	if (s.n && rib->fib)
		k = fib_replace(rib->fib, e->addr, e->len, s.nh, s.n);
	if (k > 0) {
		if (!installed)
			rib->nfib++;
		e->flags |= RIB_E_FIB_INSTALLED;
		journal_fib(rib, e, "replace", &s, now);
		return;
	}
	if (!installed)
		return;
	if (rib->fib)
		fib_delete(rib->fib, e->addr, e->len);
	e->flags &= ~RIB_E_FIB_INSTALLED;
	rib->nfib--;
	s.n = 0;
	journal_fib(rib, e, "delete", &s, now);
}

struct refused {
	struct rib *rib;
	int64_t now;
};

/* The kernel refused a write. A refused delete means the route was gone already
 * (its interface went): nothing to do. A refused replace leaves the prefix out of
 * the kernel: say so (journal, counters); it is tried again when the interfaces
 * change (resync) or the Loc-RIB does. */
static void on_refused(void *arg, const struct fib_failure *x)
{
	struct refused *r = arg;
	if (x->del)
		return;
	struct rib_entry *e = rib_entry_get(r->rib, x->dst, x->len, false);
	if (!e || !(e->flags & RIB_E_FIB_INSTALLED))
		return;
	e->flags &= ~RIB_E_FIB_INSTALLED;
	r->rib->nfib--;
	if (r->rib->journal_fd < 0)
		return;
	struct rib_nhset s;
	rib_entry_nexthops(e, &s);
	journal_begin(&r->rib->jbuf, r->now, "bgp", "fib");
	put_prefix(&r->rib->jbuf, "prefix", e->addr, e->len);
	json_kv_str(&r->rib->jbuf, "op", "failed");
	put_nexthops(&r->rib->jbuf, &s);
	json_kv_str(&r->rib->jbuf, "error", strerror(x->err));
	journal_write(r->rib->journal_fd, &r->rib->jbuf);
}

void rib_run_timers(struct rib *rib, int64_t now)
{
	bool wrote = false;
	rib_iface_changed(rib, now);
	while (rib->qhead && rib->qhead->fib_due <= now) {
		struct rib_entry *e = rib->qhead;
		rib->qhead = e->qnext;
		if (!rib->qhead)
			rib->qtail = NULL;
		e->flags &= ~RIB_E_FIB_QUEUED;
		rib->nqueued--;
		write_entry(rib, e, now);
		e->flags &= ~RIB_E_RESYNC;
		wrote = true;
		if (!e->paths)
			rib_gc_add(rib, e);
	}
	if (wrote && rib->fib) {
		fib_commit(rib->fib);
		struct refused ctx = {rib, now};
		fib_failures(rib->fib, on_refused, &ctx);
	}
	rib_gc(rib);
}
