/* Timer behaviour of the FSM on the fake clock: negotiation, hold 0, jitter bounds,
 * and the hold-restart rule (KEEPALIVE/UPDATE restart it; nothing else does). */
#include "../../check.h"
#include "fsm_util.h"

static void test_negotiate(void)
{
	uint32_t h, k;
	/* Ours 10/30 against a 60/180 peer (BIRD, Azure) and the reverse. */
	bgp_negotiate(30000, 10000, 180, &h, &k);
	CHECK_INT(h, 30000);
	CHECK_INT(k, 10000);
	bgp_negotiate(180000, 60000, 30, &h, &k);
	CHECK_INT(h, 30000);
	CHECK_INT(k, 10000);
	/* Keepalive configured above hold/3 is capped; below is kept. */
	bgp_negotiate(90000, 60000, 90, &h, &k);
	CHECK_INT(k, 30000);
	bgp_negotiate(90000, 5000, 90, &h, &k);
	CHECK_INT(k, 5000);
	/* Hold 0 on either side: no keepalives, no hold timer. */
	bgp_negotiate(0, 10000, 180, &h, &k);
	CHECK_INT(h, 0);
	CHECK_INT(k, 0);
	bgp_negotiate(30000, 10000, 0, &h, &k);
	CHECK_INT(h, 0);
	CHECK_INT(k, 0);
	/* Minimum legal hold: 3 s, keepalive 1 s. */
	bgp_negotiate(30000, 10000, 3, &h, &k);
	CHECK_INT(h, 3000);
	CHECK_INT(k, 1000);
}

static void test_fsm_negotiated(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 180000, 60000);
	drive_out(&f, BGP_ST_OPENCONFIRM, 30);
	CHECK_INT(f.conn[BGP_CONN_OUT].hold_ms, 30000);
	CHECK_INT(f.conn[BGP_CONN_OUT].keepalive_ms, 10000);
	/* OpenConfirm runs the negotiated hold, not the 240 s open hold. */
	CHECK_INT(f.conn[BGP_CONN_OUT].hold.due_ns, SEC_ + 30 * SEC_);
}

static void test_hold_zero(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_ESTABLISHED, 0);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	CHECK(!bgp_timer_running(&f.conn[BGP_CONN_OUT].hold));
	CHECK(!bgp_timer_running(&f.conn[BGP_CONN_OUT].keepalive));
	CHECK_INT(bgp_fsm_next_due(&f), BGP_TIMER_OFF);
	/* A day of silence changes nothing. */
	bgp_clock_advance(&clk, 86400 * SEC_);
	memset(&out, 0, sizeof(out));
	CHECK(!bgp_fsm_tick(&f, &out));
	CHECK_INT(out.n, 0);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	ev(&f, BGP_CONN_OUT, BGP_EV_UPDATE_SENT, NULL, &out);
	CHECK(!bgp_timer_running(&f.conn[BGP_CONN_OUT].keepalive));
}

static void test_jitter_bounds(void)
{
	struct bgp_rng r;
	bgp_rng_seed(&r, 7);
	const int64_t k = 10 * SEC_;
	int64_t lo = INT64_MAX, hi = 0;
	int below_80 = 0, above_95 = 0, outside = 0;
	for (int i = 0; i < 100000; i++) {
		int64_t v = bgp_jitter(&r, k);
		outside += v < k * 3 / 4 || v > k;
		if (v < lo)
			lo = v;
		if (v > hi)
			hi = v;
		below_80 += v < k * 8 / 10;
		above_95 += v > k * 95 / 100;
	}
	/* The draws cover the whole range, roughly uniformly (20 % of it each). */
	CHECK_INT(outside, 0);
	CHECK(lo < k * 751 / 1000);
	CHECK(hi > k * 999 / 1000);
	CHECK(below_80 > 15000 && below_80 < 25000);
	CHECK(above_95 > 15000 && above_95 < 25000);
}

static void test_keepalive_jittered_hold_not(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_ESTABLISHED, 180);
	struct bgp_fsm_conn *c = &f.conn[BGP_CONN_OUT];
	CHECK_INT(c->hold.len_ns, 30 * SEC_); /* exact */
	for (int i = 0; i < 200; i++) {
		int64_t due = c->keepalive.due_ns;
		CHECK(c->keepalive.len_ns >= 7500 * MS_ && c->keepalive.len_ns <= 10 * SEC_);
		bgp_clock_set(&clk, due);
		/* Keep the session alive so only the keepalive timer matters. */
		ev(&f, BGP_CONN_OUT, BGP_EV_KEEPALIVE, NULL, &out);
		memset(&out, 0, sizeof(out));
		CHECK(bgp_fsm_tick(&f, &out));
		CHECK(find_do(&out, BGP_DO_SEND_KEEPALIVE) != NULL);
		CHECK(c->hold.len_ns == 30 * SEC_);
	}
	/* ConnectRetry is jittered too. */
	fsm_new(&f, &clk, false, 30000, 10000);
	for (int i = 0; i < 200; i++) {
		int64_t t0 = bgp_now(&clk);
		ev(&f, -1, BGP_EV_MANUAL_START, NULL, &out);
		int64_t len = f.connect_retry.due_ns - t0;
		CHECK(len >= 3750 * MS_ && len <= 5 * SEC_);
		ev(&f, -1, BGP_EV_MANUAL_STOP, NULL, &out);
	}
}

static void test_hold_restart_rule(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	const int64_t t0 = 100 * SEC_;
	bgp_clock_fake(&clk, t0);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_ESTABLISHED, 30);
	struct bgp_fsm_conn *c = &f.conn[BGP_CONN_OUT];
	CHECK_INT(c->hold.due_ns, t0 + 30 * SEC_);

	/* KEEPALIVE at t0+7 s: hold due at t0+37 s. */
	bgp_clock_set(&clk, t0 + 7 * SEC_);
	ev(&f, BGP_CONN_OUT, BGP_EV_KEEPALIVE, NULL, &out);
	CHECK_INT(c->hold.due_ns, t0 + 37 * SEC_);
	/* UPDATE at t0+12 s: hold due at t0+42 s. This is last_rx. */
	bgp_clock_set(&clk, t0 + 12 * SEC_);
	ev(&f, BGP_CONN_OUT, BGP_EV_UPDATE, NULL, &out);
	const int64_t last_rx = t0 + 12 * SEC_;
	CHECK_INT(c->hold.due_ns, last_rx + 30 * SEC_);
	/* ROUTE-REFRESH, our own UPDATE and our keepalives do not restart it. */
	bgp_clock_set(&clk, t0 + 20 * SEC_);
	ev(&f, BGP_CONN_OUT, BGP_EV_ROUTE_REFRESH, NULL, &out);
	CHECK_INT(c->hold.due_ns, last_rx + 30 * SEC_);
	ev(&f, BGP_CONN_OUT, BGP_EV_UPDATE_SENT, NULL, &out);
	CHECK_INT(c->hold.due_ns, last_rx + 30 * SEC_);
	/* Run every timer up to 1 ns before expiry: keepalives go out, nothing else. */
	int keepalives = 0;
	while (bgp_fsm_next_due(&f) < last_rx + 30 * SEC_) {
		bgp_clock_set(&clk, bgp_fsm_next_due(&f));
		memset(&out, 0, sizeof(out));
		CHECK(bgp_fsm_tick(&f, &out));
		keepalives += find_do(&out, BGP_DO_SEND_KEEPALIVE) != NULL;
		CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	}
	CHECK(keepalives >= 2);
	bgp_clock_set(&clk, last_rx + 30 * SEC_ - 1);
	memset(&out, 0, sizeof(out));
	CHECK(!bgp_fsm_tick(&f, &out));
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	/* Expiry at exactly last_rx + H. */
	bgp_clock_set(&clk, last_rx + 30 * SEC_);
	memset(&out, 0, sizeof(out));
	CHECK(bgp_fsm_tick(&f, &out));
	CHECK_INT(f.state, BGP_ST_IDLE);
	const struct bgp_fsm_action *n = find_do(&out, BGP_DO_SEND_NOTIFICATION);
	CHECK(n && n->code == 4 && n->subcode == 0);
	CHECK(find_do(&out, BGP_DO_RIB_DOWN) != NULL);
	const struct bgp_fsm_action *st = find_do(&out, BGP_DO_STATE);
	CHECK(st && st->reason == BGP_RS_HOLD_EXPIRED && st->from == BGP_ST_ESTABLISHED);
	CHECK(f.last_error.set && f.last_error.sent && f.last_error.code == 4);

	/* An OPEN on an Established connection is an FSM error, never a restart. */
	bgp_clock_set(&clk, t0);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_ESTABLISHED, 30);
	bgp_clock_set(&clk, t0 + 10 * SEC_);
	struct bgp_fsm_in in = open_in(30, PEER_ID_LOW);
	ev(&f, BGP_CONN_OUT, BGP_EV_OPEN, &in, &out);
	CHECK_INT(f.state, BGP_ST_IDLE);
	CHECK(!bgp_timer_running(&f.conn[BGP_CONN_OUT].hold));
}

static void test_silent_peer_window(void)
{
	/* A peer that falls silent right after its keepalive at time F: detection at
	 * F + H exactly, i.e. within (H - K, H] after any fault instant in [F, F + K). */
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_ESTABLISHED, 30);
	int64_t last = SEC_ + 5 * SEC_;
	bgp_clock_set(&clk, last);
	ev(&f, BGP_CONN_OUT, BGP_EV_KEEPALIVE, NULL, &out);
	int64_t fault = last + 4 * SEC_; /* the next keepalive, due before last+10 s, is lost */
	int64_t detected = -1;
	while (detected < 0 && bgp_fsm_next_due(&f) != BGP_TIMER_OFF) {
		bgp_clock_set(&clk, bgp_fsm_next_due(&f));
		memset(&out, 0, sizeof(out));
		bgp_fsm_tick(&f, &out);
		if (f.state != BGP_ST_ESTABLISHED)
			detected = bgp_now(&clk);
	}
	CHECK_INT(detected, last + 30 * SEC_);
	CHECK(detected - fault > 20 * SEC_ && detected - fault <= 30 * SEC_);
}

int main(void)
{
	test_negotiate();
	test_fsm_negotiated();
	test_hold_zero();
	test_jitter_bounds();
	test_keepalive_jittered_hold_not();
	test_hold_restart_rule();
	test_silent_peer_window();
	return check_done();
}
