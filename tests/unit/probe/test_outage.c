/* Outage computation on synthetic probe streams. */
#include <stdlib.h>

#include "../../check.h"
#include "common/monotime.h"
#include "probe/outage.h"
#include "probe/wire.h"

#define IV (100 * NS_PER_MS)

/* A stream of n probes every IV from t0, lost where lost(seq) says. */
static size_t fill(struct probe_sample *s, uint16_t flow, uint8_t dir, uint32_t n, int64_t t0,
                   uint32_t lo, uint32_t hi)
{
	for (uint32_t i = 0; i < n; i++)
		s[i] = (struct probe_sample){.flow = flow,
		                             .dir = dir,
		                             .seq = i,
		                             .sent_ns = t0 + (int64_t)i * IV,
		                             .ok = !(i >= lo && i < hi)};
	return n;
}

static void test_single_outage(void)
{
	struct probe_sample s[1000];
	/* seq 100..466 lost: last ok 99, first ok 467 -> 368 intervals = 36.8 s */
	size_t n = fill(s, 0, PROBE_FWD, 1000, 5 * NS_PER_SEC, 100, 467);
	struct outage_set set;
	CHECK_INT(outage_compute(s, n, IV, &set), 0);
	CHECK_INT(set.n, 1);
	CHECK_INT(set.resolution_ns, IV);
	CHECK_INT(set.streams[0].sent, 1000);
	CHECK_INT(set.streams[0].ok, 1000 - 367);
	CHECK_INT(set.streams[0].n, 1);
	const struct outage *o = &set.streams[0].v[0];
	CHECK_INT(o->lost, 367);
	CHECK_INT(o->duration_ns, 368 * IV);
	CHECK_INT(o->last_ok_ns, 5 * NS_PER_SEC + 99 * IV);
	CHECK_INT(o->first_lost_ns, 5 * NS_PER_SEC + 100 * IV);
	CHECK_INT(o->first_ok_ns, 5 * NS_PER_SEC + 467 * IV);
	CHECK(!o->open && !o->leading);
	CHECK(outage_in(&set.streams[0], 20 * NS_PER_SEC, 21 * NS_PER_SEC) == o);
	CHECK(outage_in(&set.streams[0], 100 * NS_PER_SEC, 101 * NS_PER_SEC) == NULL);
	outage_set_free(&set);
}

static void test_streams_grouped_and_shuffled(void)
{
	struct probe_sample s[400];
	size_t n = 0;
	n += fill(s + n, 1, PROBE_REV, 100, 0, 10, 12);   /* one 3-interval outage */
	n += fill(s + n, 0, PROBE_FWD, 100, 0, 200, 200); /* clean */
	n += fill(s + n, 0, PROBE_REV, 100, 0, 0, 5);     /* leading */
	n += fill(s + n, 1, PROBE_FWD, 100, 0, 90, 100);  /* open at the end */
	/* Reverse the order, as if journals were merged out of order. */
	for (size_t i = 0; i < n / 2; i++) {
		struct probe_sample t = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
	struct outage_set set;
	CHECK_INT(outage_compute(s, n, IV, &set), 0);
	CHECK_INT(set.n, 4);
	CHECK_INT(set.streams[0].flow, 0);
	CHECK_INT(set.streams[0].dir, PROBE_FWD);
	CHECK_INT(set.streams[0].n, 0);
	CHECK_INT(set.streams[1].dir, PROBE_REV);
	CHECK_INT(set.streams[1].n, 1);
	CHECK(set.streams[1].v[0].leading);
	CHECK_INT(set.streams[1].v[0].duration_ns, 5 * IV);
	CHECK_INT(set.streams[2].flow, 1);
	CHECK_INT(set.streams[2].n, 1);
	CHECK(set.streams[2].v[0].open);
	CHECK_INT(set.streams[2].v[0].lost, 10);
	CHECK_INT(set.streams[2].v[0].duration_ns, 10 * IV); /* lower bound: 89 -> 99 */
	CHECK_INT(set.streams[3].v[0].duration_ns, 3 * IV);
	CHECK_INT(set.streams[3].v[0].lost, 2);
	outage_set_free(&set);
}

static void test_duplicates_and_multiple(void)
{
	struct probe_sample s[64];
	size_t n = fill(s, 2, PROBE_FWD, 50, 0, 10, 20);
	for (uint32_t i = 30; i < 35; i++)
		s[i].ok = false;
	/* A duplicate of seq 15 that succeeded splits the first outage. */
	s[n++] = (struct probe_sample){
	    .flow = 2, .dir = PROBE_FWD, .seq = 15, .sent_ns = 15 * IV, .ok = true};
	struct outage_set set;
	CHECK_INT(outage_compute(s, n, IV, &set), 0);
	CHECK_INT(set.streams[0].sent, 50);
	CHECK_INT(set.streams[0].n, 3);
	CHECK_INT(set.streams[0].v[0].lost, 5);
	CHECK_INT(set.streams[0].v[1].lost, 4);
	CHECK_INT(set.streams[0].v[2].lost, 5);
	/* The longest overlapping [0, 50 IV]: all three are 6/5/6 intervals. */
	const struct outage *o = outage_in(&set.streams[0], 0, 50 * IV);
	CHECK(o && o->duration_ns == 6 * IV);
	outage_set_free(&set);
	CHECK_INT(outage_compute(s, 0, IV, &set), 0);
	CHECK_INT(set.n, 0);
}

static void test_wire(void)
{
	struct probe_msg m = {.type = PROBE_REPLY,
	                      .dir = PROBE_REV,
	                      .flow = 513,
	                      .seq = 0xdeadbeef,
	                      .sent_ns = 0x0102030405060708LL,
	                      .echo_ns = 42},
	                 d;
	uint8_t buf[PROBE_WIRE_LEN];
	probe_msg_encode(&m, buf);
	CHECK(probe_msg_decode(buf, sizeof(buf), &d));
	CHECK_INT(d.flow, 513);
	CHECK_INT(d.seq, 0xdeadbeef);
	CHECK_INT(d.sent_ns, 0x0102030405060708LL);
	CHECK_INT(d.echo_ns, 42);
	CHECK_INT(d.dir, PROBE_REV);
	CHECK(!probe_msg_decode(buf, sizeof(buf) - 1, &d));
	buf[0] ^= 1;
	CHECK(!probe_msg_decode(buf, sizeof(buf), &d));
	CHECK_INT(probe_dir_parse("rev"), PROBE_REV);
	CHECK_INT(probe_dir_parse("up"), -1);
}

int main(void)
{
	test_single_outage();
	test_streams_grouped_and_shuffled();
	test_duplicates_and_multiple();
	test_wire();
	return check_done();
}
