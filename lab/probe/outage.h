/* Outages from a probe stream: pure computation, no I/O (unit-tested on synthetic
 * streams).
 *
 * A stream is one flow in one direction of one probe. Each probe that was sent is a
 * sample; it succeeded if its reply (round trip) or its arrival (one way) was seen.
 * An outage is a maximal run of failed samples; it is measured, like the article's
 * ping, from the send time of the last success before it to the send time of the
 * first success after it. Probes are discrete, so the true loss period is only known
 * to within one probe interval at each end: the resolution is always reported with
 * the duration. */
#ifndef LAB_PROBE_OUTAGE_H
#define LAB_PROBE_OUTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct probe_sample {
	uint16_t flow;
	uint8_t dir; /* enum probe_dir */
	uint32_t seq;
	int64_t sent_ns;
	bool ok;
};

struct outage {
	int64_t last_ok_ns; /* send time of the last success before (first_lost_ns if none) */
	int64_t first_lost_ns;
	int64_t last_lost_ns;
	int64_t first_ok_ns; /* send time of the first success after; 0 when open */
	uint32_t lost;
	bool leading; /* the stream began inside it: no success before */
	bool open;    /* the stream ended inside it: no success after */
	/* first_ok - last_ok; for an open outage the lower bound last_lost - last_ok. */
	int64_t duration_ns;
};

struct outage_stream {
	uint16_t flow;
	uint8_t dir;
	size_t sent, ok;
	int64_t first_sent_ns, last_sent_ns;
	struct outage *v;
	size_t n;
};

struct outage_set {
	struct outage_stream *streams; /* sorted by (flow, dir) */
	size_t n;
	int64_t resolution_ns; /* probe interval: each end is known to within this */
};

/* Groups samples by (flow, dir), orders each stream by seq (sorting `s` in place) and
 * finds every outage. Duplicate (flow, dir, seq) samples count once, ok if any is.
 * 0, or -1 with lab_err set (out of memory). */
int outage_compute(struct probe_sample *s, size_t n, int64_t resolution_ns, struct outage_set *out);
void outage_set_free(struct outage_set *set);

/* The longest outage of a stream that overlaps [from_ns, to_ns], or NULL. */
const struct outage *outage_in(const struct outage_stream *st, int64_t from_ns, int64_t to_ns);

#endif
