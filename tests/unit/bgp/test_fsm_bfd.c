/* The FSM's side of BFD (RFC 5882, fsm.h): BFD going Down takes the session down at
 * once with CEASE 6/10 (RFC 9384) and it stays down, whatever its timers or a
 * tracked tunnel coming back say, until BFD is Up again. */
#include "../../check.h"
#include "fsm_util.h"

static const struct bgp_fsm_action *state_change(const struct bgp_fsm_out *out)
{
	return find_do(out, BGP_DO_STATE);
}

static void run_timers(struct bgp_fsm *f, struct bgp_clock *clk, int64_t ns,
                       struct bgp_fsm_out *out)
{
	int64_t end = bgp_now(clk) + ns;
	memset(out, 0, sizeof(*out));
	for (;;) {
		int64_t due = bgp_fsm_next_due(f);
		if (due > end)
			break;
		bgp_clock_set(clk, due);
		while (bgp_fsm_tick(f, out))
			;
	}
	bgp_clock_set(clk, end);
}

static void test_down_then_up(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, 10 * SEC_);
	fsm_new(&f, &clk, false, 9000, 3000);
	drive_out(&f, BGP_ST_ESTABLISHED, 9);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);

	ev(&f, -1, BGP_EV_BFD_DOWN, NULL, &out);
	CHECK_INT(f.state, BGP_ST_IDLE);
	const struct bgp_fsm_action *n = find_do(&out, BGP_DO_SEND_NOTIFICATION);
	CHECK(n && n->code == BGP_ERR_CEASE && n->subcode == BGP_CEASE_BFD_DOWN);
	CHECK(find_do(&out, BGP_DO_RIB_DOWN) && find_do(&out, BGP_DO_CLOSE));
	const struct bgp_fsm_action *st = state_change(&out);
	CHECK(st && st->reason == BGP_RS_BFD_DOWN);
	CHECK_STR(bgp_reason_name(BGP_RS_BFD_DOWN), "bfd-down");
	CHECK(f.bfd_down && !f.started);

	/* no timer brings it back, however long */
	run_timers(&f, &clk, 600 * SEC_, &out);
	CHECK_INT(out.n, 0);
	CHECK_INT(f.state, BGP_ST_IDLE);
	/* the peer's connection is refused meanwhile */
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), -1);
	/* a ManualStart (the tracked tunnel's up) does not either */
	ev(&f, -1, BGP_EV_MANUAL_START, NULL, &out);
	CHECK_INT(f.state, BGP_ST_IDLE);
	CHECK_INT(out.n, 0);

	/* BFD Up: it starts at once */
	ev(&f, -1, BGP_EV_BFD_UP, NULL, &out);
	CHECK_INT(f.state, BGP_ST_CONNECT);
	CHECK(find_do(&out, BGP_DO_CONNECT) != NULL);
	st = state_change(&out);
	CHECK(st && st->reason == BGP_RS_BFD_UP);
	CHECK(!f.bfd_down && f.started);
	drive_out(&f, BGP_ST_ESTABLISHED, 9);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	CHECK_INT(f.established_count, 2);
}

/* Tunnel and BFD both down: the session needs both back, in either order. */
static void test_with_tunnel(void)
{
	for (int order = 0; order < 2; order++) {
		struct bgp_clock clk;
		struct bgp_fsm f;
		struct bgp_fsm_out out;
		bgp_clock_fake(&clk, 10 * SEC_);
		fsm_new(&f, &clk, false, 9000, 3000);
		drive_out(&f, BGP_ST_ESTABLISHED, 9);
		ev(&f, -1, BGP_EV_TUNNEL_DOWN, NULL, &out);
		ev(&f, -1, BGP_EV_BFD_DOWN, NULL, &out);
		CHECK_INT(f.state, BGP_ST_IDLE);
		CHECK(f.tunnel_down && f.bfd_down);
		ev(&f, -1, order ? BGP_EV_MANUAL_START : BGP_EV_BFD_UP, NULL, &out);
		CHECK_INT(f.state, BGP_ST_IDLE);
		CHECK(!f.started);
		ev(&f, -1, order ? BGP_EV_BFD_UP : BGP_EV_MANUAL_START, NULL, &out);
		CHECK_INT(f.state, BGP_ST_CONNECT);
		CHECK(f.started && !f.tunnel_down && !f.bfd_down);
	}
}

/* BFD Up on a running session (BFD came up after BGP) changes nothing. */
static void test_up_while_running(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, 10 * SEC_);
	fsm_new(&f, &clk, false, 9000, 3000);
	drive_out(&f, BGP_ST_ESTABLISHED, 9);
	ev(&f, -1, BGP_EV_BFD_UP, NULL, &out);
	CHECK_INT(out.n, 0);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	/* and a passive neighbor restarted by BFD Up waits in Active */
	fsm_new(&f, &clk, true, 9000, 3000);
	ev(&f, -1, BGP_EV_MANUAL_START, NULL, &out);
	ev(&f, -1, BGP_EV_BFD_DOWN, NULL, &out);
	CHECK_INT(f.state, BGP_ST_IDLE);
	ev(&f, -1, BGP_EV_BFD_UP, NULL, &out);
	CHECK_INT(f.state, BGP_ST_ACTIVE);
	CHECK(find_do(&out, BGP_DO_CONNECT) == NULL);
}

int main(void)
{
	test_down_then_up();
	test_with_tunnel();
	test_up_while_running();
	return check_done();
}
