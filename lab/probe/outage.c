#include "probe/outage.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static int cmp_sample(const void *a, const void *b)
{
	const struct probe_sample *x = a, *y = b;
	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	/* Successes first, so a duplicate that succeeded wins. */
	return (int)y->ok - (int)x->ok;
}

static int push_outage(struct outage_stream *st, const struct outage *o)
{
	struct outage *nv = realloc(st->v, (st->n + 1) * sizeof(*nv));
	if (!nv)
		return lab_err(LAB_EXIT_FAIL, "out of memory computing outages");
	st->v = nv;
	st->v[st->n++] = *o;
	return 0;
}

/* One stream: s[0..n) share flow and dir, sorted by seq with duplicates adjacent. */
static int scan_stream(const struct probe_sample *s, size_t n, struct outage_stream *st)
{
	/* The scan is a two-state machine: between outages (last success known or not)
	 * and inside one. */
	enum { UP, DOWN } state = UP;
	bool have_ok = false;
	int64_t last_ok = 0;
	struct outage cur;
	memset(&cur, 0, sizeof(cur));

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && s[i].seq == s[i - 1].seq)
			continue; /* duplicate, the first (ok-first order) counts */
		st->sent++;
		if (st->sent == 1)
			st->first_sent_ns = s[i].sent_ns;
		st->last_sent_ns = s[i].sent_ns;
		switch (state) {
		case UP:
			if (s[i].ok) {
				st->ok++;
				have_ok = true;
				last_ok = s[i].sent_ns;
				break;
			}
			memset(&cur, 0, sizeof(cur));
			cur.leading = !have_ok;
			cur.first_lost_ns = cur.last_lost_ns = s[i].sent_ns;
			cur.last_ok_ns = have_ok ? last_ok : s[i].sent_ns;
			cur.lost = 1;
			state = DOWN;
			break;
		case DOWN:
			if (!s[i].ok) {
				cur.lost++;
				cur.last_lost_ns = s[i].sent_ns;
				break;
			}
			st->ok++;
			cur.first_ok_ns = s[i].sent_ns;
			cur.duration_ns = cur.first_ok_ns - cur.last_ok_ns;
			if (push_outage(st, &cur) < 0)
				return -1;
			have_ok = true;
			last_ok = s[i].sent_ns;
			state = UP;
			break;
		}
	}
	if (state == DOWN) {
		cur.open = true;
		cur.duration_ns = cur.last_lost_ns - cur.last_ok_ns;
		if (push_outage(st, &cur) < 0)
			return -1;
	}
	return 0;
}

int outage_compute(struct probe_sample *s, size_t n, int64_t resolution_ns, struct outage_set *out)
{
	memset(out, 0, sizeof(*out));
	out->resolution_ns = resolution_ns;
	if (n == 0)
		return 0;
	qsort(s, n, sizeof(*s), cmp_sample);
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j].flow == s[i].flow && s[j].dir == s[i].dir)
			j++;
		struct outage_stream *ns = realloc(out->streams, (out->n + 1) * sizeof(*ns));
		if (!ns) {
			outage_set_free(out);
			return lab_err(LAB_EXIT_FAIL, "out of memory computing outages");
		}
		out->streams = ns;
		struct outage_stream *st = &out->streams[out->n++];
		memset(st, 0, sizeof(*st));
		st->flow = s[i].flow;
		st->dir = s[i].dir;
		if (scan_stream(s + i, j - i, st) < 0) {
			outage_set_free(out);
			return -1;
		}
		i = j;
	}
	return 0;
}

void outage_set_free(struct outage_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->streams[i].v);
	free(set->streams);
	memset(set, 0, sizeof(*set));
}

const struct outage *outage_in(const struct outage_stream *st, int64_t from_ns, int64_t to_ns)
{
	const struct outage *best = NULL;
	for (size_t i = 0; i < st->n; i++) {
		const struct outage *o = &st->v[i];
		int64_t end = o->open ? o->last_lost_ns : o->first_ok_ns;
		if (end < from_ns || o->last_ok_ns > to_ns)
			continue;
		if (!best || o->duration_ns > best->duration_ns)
			best = o;
	}
	return best;
}
