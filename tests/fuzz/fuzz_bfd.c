/* libFuzzer target for BFD reception (lab/bgp/bfd_packet.c, bfd_set.c,
 * bfd_session.c): each input is one UDP payload, delivered from the session's peer
 * to a session in Down and to one in Up (so Your Discriminator 1 selects it).
 *
 * Beyond "no crash, no sanitizer report":
 * - a 24-byte packet that decodes re-encodes to the same bytes (reader and writer
 *   agree on every field and bit);
 * - every input is either accepted by exactly one session or dropped and counted
 *   exactly once (never both, never neither);
 * - the session stays in a valid state, never builds a packet with both P and F,
 *   and its timers keep it alive: after a tick it has a deadline in the future. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd_set.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(cond)                                                                                 \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_bfd: %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define FUZZ_DISC 1u /* the session's local discriminator: seeds address it */
#define PEER 0x0a000002u

static int64_t fake_now(const struct bgp_clock *c)
{
	return c->fake_ns;
}

static void check_roundtrip(const uint8_t *data, size_t size)
{
	struct bfd_pkt p;
	enum bfd_drop why;
	uint8_t b[BFD_PKT_LEN];
	struct wbuf w;

	if (bfd_pkt_decode(data, size, &p, &why) < 0) {
		MUST(why < BFD_DROP_MAX);
		return;
	}
	MUST(p.version == 1 && p.detect_mult != 0 && p.my_disc != 0 && !p.multipoint);
	MUST(p.length >= BFD_PKT_LEN && p.length <= size);
	if (p.length != BFD_PKT_LEN)
		return;
	MUST(!p.auth);
	wbuf_init(&w, b, sizeof(b));
	MUST(bfd_pkt_encode(&w, &p) == 0);
	MUST(w.len == BFD_PKT_LEN);
	MUST(memcmp(b, data, BFD_PKT_LEN) == 0);
}

static void one(const uint8_t *data, size_t size, bool up)
{
	struct bgp_clock clk = {.now_ns = fake_now, .fake_ns = 1000000000000LL};
	struct bfd_cfg cfg = {300000, 300000, 3};
	struct in_addr peer = {.s_addr = __builtin_bswap32(PEER)};
	struct in_addr local = {.s_addr = __builtin_bswap32(PEER - 1)};
	struct bfd_set set;
	struct bfd_out out = {0};

	bfd_set_init(&set, &clk, 1);
	struct bfd_entry *e = bfd_set_add(&set, peer, local, &cfg);
	MUST(e);
	/* A known discriminator so that seeds can address the session (the set's
	 * own choice is random). */
	e->s.local_disc = FUZZ_DISC;
	if (up) {
		struct bfd_pkt p = {.version = 1,
		                    .state = BFD_ST_DOWN,
		                    .detect_mult = 3,
		                    .length = 24,
		                    .my_disc = 0x77,
		                    .desired_min_tx_us = 300000,
		                    .required_min_rx_us = 300000};
		bfd_session_rx(&e->s, &p, &out);
		p.state = BFD_ST_UP;
		p.your_disc = FUZZ_DISC;
		bfd_session_rx(&e->s, &p, &out);
		MUST(e->s.state == BFD_ST_UP);
	}
	out.n = 0;
	uint64_t drops = bfd_set_drops_total(&set), acc = set.rx_accepted;
	struct bfd_entry *got = bfd_set_input(&set, data, size, peer, &out);
	uint64_t d = bfd_set_drops_total(&set) - drops, a = set.rx_accepted - acc;
	if (got) {
		MUST(got == e);
		/* accepted, or discarded by an AdminDown session (counted) */
		MUST(a + d == 1);
	} else {
		MUST(d == 1 && a == 0 && out.n == 0);
	}
	MUST((unsigned)e->s.state <= BFD_ST_UP);
	for (int i = 0; i < out.n; i++) {
		struct bfd_pkt p;
		bfd_session_packet(&e->s, out.a[i].final, &p);
		MUST(!(p.poll && p.final));
	}
	/* run the timers for a while: they must keep firing and stay consistent */
	for (int i = 0; i < 64; i++) {
		int64_t due = bfd_session_next_due(&e->s);
		if (due == BGP_TIMER_OFF)
			break;
		if (due > clk.fake_ns)
			clk.fake_ns = due;
		out.n = 0;
		int fired = 0;
		while (bfd_session_tick(&e->s, &out)) {
			out.n = 0;
			MUST(++fired < 8);
		}
		MUST(fired >= 1);
		MUST(bfd_session_next_due(&e->s) > clk.fake_ns ||
		     bfd_session_next_due(&e->s) == BGP_TIMER_OFF);
	}
	MUST((unsigned)e->s.state <= BFD_ST_UP);
	bfd_set_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_roundtrip(data, size);
	one(data, size, false);
	one(data, size, true);
	return 0;
}
