/* Every FSM transition the speaker implements, table-driven, plus connection
 * collision detection (RFC 4271 s6.8) both ways. All on a fake clock. */
#include "../../check.h"
#include "fsm_util.h"

#define D(x) (1u << BGP_DO_##x)

enum setup {
	S_IDLE,         /* configured, not started (active neighbor) */
	S_IDLE_PASSIVE, /* configured, not started (passive neighbor) */
	S_CONNECT,
	S_ACTIVE, /* active neighbor whose connect failed */
	S_OPENSENT,
	S_OPENCONFIRM,
	S_ESTABLISHED,
	S_IDLE_HOLD, /* after a session failure, waiting to restart */
	S_TUNNEL_DOWN,
};

struct row {
	const char *name;
	enum setup from;
	enum bgp_event ev;
	struct bgp_fsm_in in;
	enum bgp_state to;
	unsigned does;     /* expected action kinds */
	int reason;        /* expected state-change reason, -1: no state change */
	int code, subcode; /* expected NOTIFICATION sent, -1: none */
};

#define OPEN_OK                                                                                    \
	{                                                                                          \
		.peer_as = REMOTE_AS, .hold_s = 180, .peer_id = PEER_ID_LOW                        \
	}
#define NONE_IN                                                                                    \
	{                                                                                          \
		0                                                                                  \
	}

static const struct row rows[] = {
    {"idle+start", S_IDLE, BGP_EV_MANUAL_START, NONE_IN, BGP_ST_CONNECT, D(CONNECT), BGP_RS_START,
     -1, -1},
    {"idle+start passive", S_IDLE_PASSIVE, BGP_EV_MANUAL_START, NONE_IN, BGP_ST_ACTIVE, 0,
     BGP_RS_START, -1, -1},
    {"idle+stop", S_IDLE, BGP_EV_MANUAL_STOP, NONE_IN, BGP_ST_IDLE, 0, -1, -1, -1},
    {"idle+open ignored", S_IDLE, BGP_EV_OPEN, OPEN_OK, BGP_ST_IDLE, 0, -1, -1, -1},
    {"connect+acked", S_CONNECT, BGP_EV_TCP_CR_ACKED, NONE_IN, BGP_ST_OPENSENT, D(SEND_OPEN),
     BGP_RS_TCP_CONNECTED, -1, -1},
    {"connect+fails", S_CONNECT, BGP_EV_TCP_FAILS, NONE_IN, BGP_ST_ACTIVE, D(CLOSE),
     BGP_RS_TCP_FAILED, -1, -1},
    {"connect+retry", S_CONNECT, BGP_EV_CONNECT_RETRY_EXPIRES, NONE_IN, BGP_ST_CONNECT,
     D(CLOSE) | D(CONNECT), -1, -1, -1},
    {"connect+stop", S_CONNECT, BGP_EV_MANUAL_STOP, NONE_IN, BGP_ST_IDLE, D(CLOSE), BGP_RS_STOP, -1,
     -1},
    {"active+retry", S_ACTIVE, BGP_EV_CONNECT_RETRY_EXPIRES, NONE_IN, BGP_ST_CONNECT, D(CONNECT),
     BGP_RS_CONNECT_RETRY_EXPIRED, -1, -1},
    {"active+stop", S_ACTIVE, BGP_EV_MANUAL_STOP, NONE_IN, BGP_ST_IDLE, 0, BGP_RS_STOP, -1, -1},
    {"opensent+open", S_OPENSENT, BGP_EV_OPEN, OPEN_OK, BGP_ST_OPENCONFIRM, D(SEND_KEEPALIVE),
     BGP_RS_OPEN_RECEIVED, -1, -1},
    {"opensent+open bad as",
     S_OPENSENT,
     BGP_EV_OPEN,
     {.peer_as = 65000, .hold_s = 180, .peer_id = PEER_ID_LOW},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     2,
     2},
    {"opensent+open hold 1",
     S_OPENSENT,
     BGP_EV_OPEN,
     {.peer_as = REMOTE_AS, .hold_s = 1, .peer_id = PEER_ID_LOW},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     2,
     6},
    {"opensent+open hold 2",
     S_OPENSENT,
     BGP_EV_OPEN,
     {.peer_as = REMOTE_AS, .hold_s = 2, .peer_id = PEER_ID_LOW},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     2,
     6},
    {"opensent+open id 0",
     S_OPENSENT,
     BGP_EV_OPEN,
     {.peer_as = REMOTE_AS, .hold_s = 180, .peer_id = 0},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     2,
     3},
    /* RFC 6286: an eBGP peer may share our identifier. */
    {"opensent+open our id ebgp",
     S_OPENSENT,
     BGP_EV_OPEN,
     {.peer_as = REMOTE_AS, .hold_s = 180, .peer_id = LOCAL_ID},
     BGP_ST_OPENCONFIRM,
     D(SEND_KEEPALIVE),
     BGP_RS_OPEN_RECEIVED,
     -1,
     -1},
    {"opensent+keepalive", S_OPENSENT, BGP_EV_KEEPALIVE, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_NOTIFICATION_SENT, 5, 1},
    {"opensent+update", S_OPENSENT, BGP_EV_UPDATE, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_NOTIFICATION_SENT, 5, 1},
    {"opensent+notification",
     S_OPENSENT,
     BGP_EV_NOTIFICATION,
     {.code = 6, .subcode = 5},
     BGP_ST_IDLE,
     D(CLOSE),
     BGP_RS_NOTIFICATION_RECEIVED,
     -1,
     -1},
    /* s8.2.2 OpenSent, event 18: Active, not Idle */
    {"opensent+tcp fails", S_OPENSENT, BGP_EV_TCP_FAILS, NONE_IN, BGP_ST_ACTIVE, D(CLOSE),
     BGP_RS_TCP_CLOSED, -1, -1},
    {"opensent+hold expires", S_OPENSENT, BGP_EV_HOLD_EXPIRES, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_HOLD_EXPIRED, 4, 0},
    {"opensent+header error",
     S_OPENSENT,
     BGP_EV_MSG_ERROR,
     {.code = 1, .subcode = 2},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     1,
     2},
    {"opensent+stop", S_OPENSENT, BGP_EV_MANUAL_STOP, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_STOP, 6, 2},
    {"openconfirm+keepalive", S_OPENCONFIRM, BGP_EV_KEEPALIVE, NONE_IN, BGP_ST_ESTABLISHED,
     D(RIB_UP), BGP_RS_KEEPALIVE_RECEIVED, -1, -1},
    {"openconfirm+update", S_OPENCONFIRM, BGP_EV_UPDATE, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_NOTIFICATION_SENT, 5, 2},
    {"openconfirm+open", S_OPENCONFIRM, BGP_EV_OPEN, OPEN_OK, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_NOTIFICATION_SENT, 5, 2},
    {"openconfirm+refresh", S_OPENCONFIRM, BGP_EV_ROUTE_REFRESH, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_NOTIFICATION_SENT, 5, 2},
    {"openconfirm+notification",
     S_OPENCONFIRM,
     BGP_EV_NOTIFICATION,
     {.code = 2, .subcode = 6},
     BGP_ST_IDLE,
     D(CLOSE),
     BGP_RS_NOTIFICATION_RECEIVED,
     -1,
     -1},
    {"openconfirm+hold expires", S_OPENCONFIRM, BGP_EV_HOLD_EXPIRES, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE), BGP_RS_HOLD_EXPIRED, 4, 0},
    {"openconfirm+keepalive timer", S_OPENCONFIRM, BGP_EV_KEEPALIVE_EXPIRES, NONE_IN,
     BGP_ST_OPENCONFIRM, D(SEND_KEEPALIVE), -1, -1, -1},
    {"openconfirm+tcp fails", S_OPENCONFIRM, BGP_EV_TCP_FAILS, NONE_IN, BGP_ST_IDLE, D(CLOSE),
     BGP_RS_TCP_CLOSED, -1, -1},
    {"openconfirm+open error",
     S_OPENCONFIRM,
     BGP_EV_MSG_ERROR,
     {.code = 2, .subcode = 7},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     2,
     7},
    {"established+keepalive", S_ESTABLISHED, BGP_EV_KEEPALIVE, NONE_IN, BGP_ST_ESTABLISHED, 0, -1,
     -1, -1},
    {"established+update", S_ESTABLISHED, BGP_EV_UPDATE, NONE_IN, BGP_ST_ESTABLISHED, 0, -1, -1,
     -1},
    {"established+refresh", S_ESTABLISHED, BGP_EV_ROUTE_REFRESH, NONE_IN, BGP_ST_ESTABLISHED, 0, -1,
     -1, -1},
    {"established+update sent", S_ESTABLISHED, BGP_EV_UPDATE_SENT, NONE_IN, BGP_ST_ESTABLISHED, 0,
     -1, -1, -1},
    {"established+keepalive timer", S_ESTABLISHED, BGP_EV_KEEPALIVE_EXPIRES, NONE_IN,
     BGP_ST_ESTABLISHED, D(SEND_KEEPALIVE), -1, -1, -1},
    {"established+open", S_ESTABLISHED, BGP_EV_OPEN, OPEN_OK, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(RIB_DOWN) | D(CLOSE), BGP_RS_NOTIFICATION_SENT, 5, 3},
    {"established+notification",
     S_ESTABLISHED,
     BGP_EV_NOTIFICATION,
     {.code = 6, .subcode = 2},
     BGP_ST_IDLE,
     D(RIB_DOWN) | D(CLOSE),
     BGP_RS_NOTIFICATION_RECEIVED,
     -1,
     -1},
    {"established+hold expires", S_ESTABLISHED, BGP_EV_HOLD_EXPIRES, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(RIB_DOWN) | D(CLOSE), BGP_RS_HOLD_EXPIRED, 4, 0},
    {"established+tcp fails", S_ESTABLISHED, BGP_EV_TCP_FAILS, NONE_IN, BGP_ST_IDLE,
     D(RIB_DOWN) | D(CLOSE), BGP_RS_TCP_CLOSED, -1, -1},
    {"established+update error",
     S_ESTABLISHED,
     BGP_EV_MSG_ERROR,
     {.code = 3, .subcode = 1},
     BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(RIB_DOWN) | D(CLOSE),
     BGP_RS_NOTIFICATION_SENT,
     3,
     1},
    {"established+stop", S_ESTABLISHED, BGP_EV_MANUAL_STOP, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(RIB_DOWN) | D(CLOSE), BGP_RS_STOP, 6, 2},
    {"established+tunnel down", S_ESTABLISHED, BGP_EV_TUNNEL_DOWN, NONE_IN, BGP_ST_IDLE,
     D(SEND_NOTIFICATION) | D(RIB_DOWN) | D(CLOSE), BGP_RS_TUNNEL_DOWN, 6, 4},
    {"established+start ignored", S_ESTABLISHED, BGP_EV_MANUAL_START, NONE_IN, BGP_ST_ESTABLISHED,
     0, -1, -1, -1},
    {"idle hold+retry restarts", S_IDLE_HOLD, BGP_EV_CONNECT_RETRY_EXPIRES, NONE_IN, BGP_ST_CONNECT,
     D(CONNECT), BGP_RS_CONNECT_RETRY_EXPIRED, -1, -1},
    {"tunnel down+retry stays", S_TUNNEL_DOWN, BGP_EV_CONNECT_RETRY_EXPIRES, NONE_IN, BGP_ST_IDLE,
     0, -1, -1, -1},
    {"tunnel down+start (tunnel up)", S_TUNNEL_DOWN, BGP_EV_MANUAL_START, NONE_IN, BGP_ST_CONNECT,
     D(CONNECT), BGP_RS_START, -1, -1},
};

static void setup(struct bgp_fsm *f, struct bgp_clock *clk, enum setup s)
{
	struct bgp_fsm_out out;
	fsm_new(f, clk, s == S_IDLE_PASSIVE, 30000, 10000);
	switch (s) {
	case S_IDLE:
	case S_IDLE_PASSIVE: break;
	case S_CONNECT: drive_out(f, BGP_ST_CONNECT, 180); break;
	case S_ACTIVE:
		drive_out(f, BGP_ST_CONNECT, 180);
		ev(f, BGP_CONN_OUT, BGP_EV_TCP_FAILS, NULL, &out);
		break;
	case S_OPENSENT: drive_out(f, BGP_ST_OPENSENT, 180); break;
	case S_OPENCONFIRM: drive_out(f, BGP_ST_OPENCONFIRM, 180); break;
	case S_ESTABLISHED: drive_out(f, BGP_ST_ESTABLISHED, 180); break;
	case S_IDLE_HOLD:
		drive_out(f, BGP_ST_ESTABLISHED, 180);
		ev(f, BGP_CONN_OUT, BGP_EV_TCP_FAILS, NULL, &out);
		break;
	case S_TUNNEL_DOWN:
		drive_out(f, BGP_ST_ESTABLISHED, 180);
		ev(f, -1, BGP_EV_TUNNEL_DOWN, NULL, &out);
		break;
	}
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct bgp_clock clk;
		struct bgp_fsm f;
		struct bgp_fsm_out out;
		bgp_clock_fake(&clk, 1000 * SEC_);
		setup(&f, &clk, r->from);
		ev(&f, BGP_CONN_OUT, r->ev, &r->in, &out);
		int fails = check_failures;
		CHECK_STR(bgp_state_name(f.state), bgp_state_name(r->to));
		CHECK_INT(do_mask(&out), r->does);
		const struct bgp_fsm_action *st = find_do(&out, BGP_DO_STATE);
		if (r->reason < 0) {
			CHECK(st == NULL);
		} else {
			CHECK(st != NULL);
			if (st) {
				CHECK_STR(bgp_reason_name(st->reason), bgp_reason_name(r->reason));
				CHECK_INT(st->to, r->to);
			}
		}
		const struct bgp_fsm_action *n = find_do(&out, BGP_DO_SEND_NOTIFICATION);
		if (r->code >= 0 && n) {
			CHECK_INT(n->code, r->code);
			CHECK_INT(n->subcode, r->subcode);
		}
		/* The NOTIFICATION goes out before the socket is closed. */
		if (n) {
			const struct bgp_fsm_action *c = find_do(&out, BGP_DO_CLOSE);
			CHECK(c && c > n);
		}
		if (check_failures != fails)
			fprintf(stderr, "  in row '%s'\n", r->name);
	}
}

static void test_passive_accept(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, true, 30000, 10000);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), -1); /* not started: refused */
	ev(&f, -1, BGP_EV_MANUAL_START, NULL, &out);
	CHECK_INT(f.state, BGP_ST_ACTIVE);
	CHECK_INT(bgp_fsm_next_due(&f), BGP_TIMER_OFF); /* passive: no connect-retry */
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
	CHECK_INT(f.state, BGP_ST_OPENSENT);
	CHECK(find_do(&out, BGP_DO_SEND_OPEN) != NULL);
	/* OpenSent holds for the large open-hold time (240 s). */
	CHECK_INT(f.conn[BGP_CONN_IN].hold.due_ns, SEC_ + 240 * SEC_);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), -1); /* one incoming at a time */
	struct bgp_fsm_in in = open_in(30, PEER_ID_LOW);
	ev(&f, BGP_CONN_IN, BGP_EV_OPEN, &in, &out);
	ev(&f, BGP_CONN_IN, BGP_EV_KEEPALIVE, NULL, &out);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	CHECK_INT(bgp_fsm_established_conn(&f), BGP_CONN_IN);
	/* After a failure a passive neighbor still takes the peer's next connection. */
	ev(&f, BGP_CONN_IN, BGP_EV_TCP_FAILS, NULL, &out);
	CHECK_INT(f.state, BGP_ST_IDLE);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
	CHECK_INT(f.state, BGP_ST_OPENSENT);
}

/* Both sides connect at once: OUT and IN both in OpenSent, OPENs cross. */
static void collide(uint32_t peer_id, int open_first, int expect_kept)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_OPENSENT, 180);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
	struct bgp_fsm_in in = open_in(180, peer_id);
	ev(&f, open_first, BGP_EV_OPEN, &in, &out);
	CHECK_INT(f.conn[open_first].state, BGP_ST_OPENCONFIRM);
	ev(&f, !open_first, BGP_EV_OPEN, &in, &out);
	int dropped = !expect_kept;
	CHECK_INT(f.conn[dropped].state, BGP_ST_IDLE);
	CHECK_INT(f.conn[expect_kept].state, BGP_ST_OPENCONFIRM);
	const struct bgp_fsm_action *n = find_do(&out, BGP_DO_SEND_NOTIFICATION);
	CHECK(n && n->conn == dropped && n->code == 6 && n->subcode == 7);
	const struct bgp_fsm_action *c = find_do(&out, BGP_DO_CLOSE);
	CHECK(c && c->conn == dropped);
	CHECK_INT(f.state, BGP_ST_OPENCONFIRM);
	ev(&f, expect_kept, BGP_EV_KEEPALIVE, NULL, &out);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	CHECK_INT(bgp_fsm_established_conn(&f), expect_kept);
}

static void test_collision(void)
{
	/* Our id is higher: keep the connection we initiated, whichever OPEN came first. */
	collide(PEER_ID_LOW, BGP_CONN_OUT, BGP_CONN_OUT);
	collide(PEER_ID_LOW, BGP_CONN_IN, BGP_CONN_OUT);
	/* The peer's id is higher: keep the one the peer initiated. */
	collide(PEER_ID_HIGH, BGP_CONN_OUT, BGP_CONN_IN);
	collide(PEER_ID_HIGH, BGP_CONN_IN, BGP_CONN_IN);
}

static void test_ibgp_same_id(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	f.cfg.remote_as = LOCAL_AS;
	drive_out(&f, BGP_ST_OPENSENT, 180);
	struct bgp_fsm_in in = {.peer_as = LOCAL_AS, .hold_s = 180, .peer_id = LOCAL_ID};
	ev(&f, BGP_CONN_OUT, BGP_EV_OPEN, &in, &out);
	const struct bgp_fsm_action *n = find_do(&out, BGP_DO_SEND_NOTIFICATION);
	CHECK(n && n->code == 2 && n->subcode == 3);
	CHECK_INT(f.state, BGP_ST_IDLE);
}

/* Equal identifiers (eBGP): the connection of the larger AS survives (RFC 6286). */
static void test_collision_equal_ids(void)
{
	for (int larger_local = 0; larger_local < 2; larger_local++) {
		struct bgp_clock clk;
		struct bgp_fsm f;
		struct bgp_fsm_out out;
		bgp_clock_fake(&clk, SEC_);
		fsm_new(&f, &clk, false, 30000, 10000);
		f.cfg.local_as = larger_local ? 65000 : 64512;
		f.cfg.remote_as = larger_local ? 64999 : 65000;
		drive_out(&f, BGP_ST_CONNECT, 180);
		ev(&f, BGP_CONN_OUT, BGP_EV_TCP_CR_ACKED, NULL, &out);
		memset(&out, 0, sizeof(out));
		CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
		struct bgp_fsm_in in = {
		    .peer_as = f.cfg.remote_as, .hold_s = 180, .peer_id = LOCAL_ID};
		ev(&f, BGP_CONN_OUT, BGP_EV_OPEN, &in, &out);
		ev(&f, BGP_CONN_IN, BGP_EV_OPEN, &in, &out);
		int kept = larger_local ? BGP_CONN_OUT : BGP_CONN_IN;
		CHECK_INT(f.conn[kept].state, BGP_ST_OPENCONFIRM);
		CHECK_INT(f.conn[!kept].state, BGP_ST_IDLE);
	}
}

static void test_collision_established(void)
{
	/* An OPEN on a new connection while one is Established: the new one goes. */
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_ESTABLISHED, 180);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	struct bgp_fsm_in in = open_in(180, PEER_ID_HIGH);
	ev(&f, BGP_CONN_IN, BGP_EV_OPEN, &in, &out);
	CHECK_INT(f.conn[BGP_CONN_IN].state, BGP_ST_IDLE);
	CHECK_INT(f.conn[BGP_CONN_OUT].state, BGP_ST_ESTABLISHED);
	const struct bgp_fsm_action *n = find_do(&out, BGP_DO_SEND_NOTIFICATION);
	CHECK(n && n->conn == BGP_CONN_IN && n->code == 6 && n->subcode == 7);
	CHECK(find_do(&out, BGP_DO_RIB_DOWN) == NULL);
	CHECK(find_do(&out, BGP_DO_STATE) == NULL);
}

static void test_connect_pending_dropped(void)
{
	/* The peer's connection reaches Established while our connect() hangs. */
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_CONNECT, 180);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
	struct bgp_fsm_in in = open_in(180, PEER_ID_LOW);
	ev(&f, BGP_CONN_IN, BGP_EV_OPEN, &in, &out);
	ev(&f, BGP_CONN_IN, BGP_EV_KEEPALIVE, NULL, &out);
	CHECK_INT(f.state, BGP_ST_ESTABLISHED);
	CHECK_INT(f.conn[BGP_CONN_OUT].state, BGP_ST_IDLE);
	const struct bgp_fsm_action *c = find_do(&out, BGP_DO_CLOSE);
	CHECK(c && c->conn == BGP_CONN_OUT);
	/* ConnectRetry is off in Established. */
	CHECK(!bgp_timer_running(&f.connect_retry));
}

static void test_pending_connect_rearmed(void)
{
	/* OUT connecting, IN accepted (timer stopped), IN fails: the timer must again
	 * bound the pending connect, which it then retries. */
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_CONNECT, 180);
	memset(&out, 0, sizeof(out));
	CHECK_INT(bgp_fsm_accept(&f, &out), BGP_CONN_IN);
	CHECK(!bgp_timer_running(&f.connect_retry));
	ev(&f, BGP_CONN_IN, BGP_EV_TCP_FAILS, NULL, &out);
	CHECK_INT(f.state, BGP_ST_CONNECT);
	CHECK(bgp_timer_running(&f.connect_retry));
	bgp_clock_set(&clk, f.connect_retry.due_ns);
	memset(&out, 0, sizeof(out));
	CHECK(bgp_fsm_tick(&f, &out));
	CHECK_INT(do_mask(&out), D(CLOSE) | D(CONNECT));
}

/* The state change to Established comes before RIB_UP, so the journal shows the
 * state line before the first UPDATE the RIB sends (session.c runs actions in order). */
static void test_established_state_before_rib_up(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_OPENCONFIRM, 180);
	ev(&f, BGP_CONN_OUT, BGP_EV_KEEPALIVE, NULL, &out);
	int st = -1, up = -1;
	for (int i = 0; i < out.n; i++) {
		if (out.a[i].what == BGP_DO_STATE && st < 0)
			st = i;
		if (out.a[i].what == BGP_DO_RIB_UP && up < 0)
			up = i;
	}
	CHECK(st >= 0 && up >= 0 && st < up);
	CHECK(st >= 0 && out.a[st].to == BGP_ST_ESTABLISHED &&
	      out.a[st].from == BGP_ST_OPENCONFIRM);
	CHECK(st >= 0 && out.a[st].reason == BGP_RS_KEEPALIVE_RECEIVED);
}

/* s8.2.2 OpenSent, TcpConnectionFails: Active with the ConnectRetryTimer restarted;
 * its expiry (Active, event 9) connects again: Connect. */
static void test_opensent_tcp_fails_active(void)
{
	struct bgp_clock clk;
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	bgp_clock_fake(&clk, SEC_);
	fsm_new(&f, &clk, false, 30000, 10000);
	drive_out(&f, BGP_ST_OPENSENT, 180);
	ev(&f, BGP_CONN_OUT, BGP_EV_TCP_FAILS, NULL, &out);
	CHECK_STR(bgp_state_name(f.state), "Active");
	CHECK(bgp_timer_running(&f.connect_retry));
	int64_t due = bgp_fsm_next_due(&f);
	CHECK(due > clk.fake_ns && due <= clk.fake_ns + 5 * SEC_);
	clk.fake_ns = due;
	memset(&out, 0, sizeof(out));
	CHECK(bgp_fsm_tick(&f, &out));
	CHECK(find_do(&out, BGP_DO_CONNECT) != NULL);
	CHECK_STR(bgp_state_name(f.state), "Connect");
}

int main(void)
{
	test_opensent_tcp_fails_active();
	test_established_state_before_rib_up();
	test_pending_connect_rearmed();
	test_table();
	test_passive_accept();
	test_collision();
	test_collision_established();
	test_ibgp_same_id();
	test_collision_equal_ids();
	test_connect_pending_dropped();
	return check_done();
}
