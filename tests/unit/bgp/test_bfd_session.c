/* The BFD session (RFC 5880 s6.8) on a fake clock: every transition of the state x
 * event table in bfd_session.h, detection time (s6.8.4), negotiated intervals
 * (s6.8.2, s6.8.3, s6.8.7), transmit jitter (s6.8.7), Poll/Final (s6.5). */
#include "../../check.h"
#include "bfd_pair.h"

static const struct bfd_cfg cfg300x3 = {300000, 300000, 3};

/* ---- the transition table, one session fed crafted packets ---- */

struct row {
	const char *name;
	enum bfd_state from;
	enum bfd_event ev;
	enum bfd_state to;
	int diag;               /* expected bfd.LocalDiag after, -1: unchanged */
	bool remote_admin_down; /* expected on the state change */
};

static const struct row rows[] = {
    {"admindown+rx admindown", BFD_ST_ADMIN_DOWN, BFD_EV_RX_ADMIN_DOWN, BFD_ST_ADMIN_DOWN, -1,
     false},
    {"admindown+rx down", BFD_ST_ADMIN_DOWN, BFD_EV_RX_DOWN, BFD_ST_ADMIN_DOWN, -1, false},
    {"admindown+rx init", BFD_ST_ADMIN_DOWN, BFD_EV_RX_INIT, BFD_ST_ADMIN_DOWN, -1, false},
    {"admindown+rx up", BFD_ST_ADMIN_DOWN, BFD_EV_RX_UP, BFD_ST_ADMIN_DOWN, -1, false},
    {"admindown+admin down", BFD_ST_ADMIN_DOWN, BFD_EV_ADMIN_DOWN, BFD_ST_ADMIN_DOWN, -1, false},
    {"admindown+admin up", BFD_ST_ADMIN_DOWN, BFD_EV_ADMIN_UP, BFD_ST_DOWN, BFD_DIAG_NONE, false},
    {"down+rx admindown", BFD_ST_DOWN, BFD_EV_RX_ADMIN_DOWN, BFD_ST_DOWN, -1, false},
    {"down+rx down", BFD_ST_DOWN, BFD_EV_RX_DOWN, BFD_ST_INIT, BFD_DIAG_NONE, false},
    {"down+rx init", BFD_ST_DOWN, BFD_EV_RX_INIT, BFD_ST_UP, BFD_DIAG_NONE, false},
    {"down+rx up", BFD_ST_DOWN, BFD_EV_RX_UP, BFD_ST_DOWN, -1, false},
    {"down+detect", BFD_ST_DOWN, BFD_EV_DETECT_EXPIRES, BFD_ST_DOWN, -1, false},
    {"down+admin down", BFD_ST_DOWN, BFD_EV_ADMIN_DOWN, BFD_ST_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN,
     false},
    {"down+admin up", BFD_ST_DOWN, BFD_EV_ADMIN_UP, BFD_ST_DOWN, -1, false},
    {"init+rx admindown", BFD_ST_INIT, BFD_EV_RX_ADMIN_DOWN, BFD_ST_DOWN, BFD_DIAG_NEIGHBOR_DOWN,
     true},
    {"init+rx down", BFD_ST_INIT, BFD_EV_RX_DOWN, BFD_ST_INIT, -1, false},
    {"init+rx init", BFD_ST_INIT, BFD_EV_RX_INIT, BFD_ST_UP, BFD_DIAG_NONE, false},
    {"init+rx up", BFD_ST_INIT, BFD_EV_RX_UP, BFD_ST_UP, BFD_DIAG_NONE, false},
    {"init+detect", BFD_ST_INIT, BFD_EV_DETECT_EXPIRES, BFD_ST_DOWN, BFD_DIAG_DETECT_EXPIRED,
     false},
    {"init+admin down", BFD_ST_INIT, BFD_EV_ADMIN_DOWN, BFD_ST_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN,
     false},
    {"init+admin up", BFD_ST_INIT, BFD_EV_ADMIN_UP, BFD_ST_INIT, -1, false},
    {"up+rx admindown", BFD_ST_UP, BFD_EV_RX_ADMIN_DOWN, BFD_ST_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true},
    {"up+rx down", BFD_ST_UP, BFD_EV_RX_DOWN, BFD_ST_DOWN, BFD_DIAG_NEIGHBOR_DOWN, false},
    {"up+rx init", BFD_ST_UP, BFD_EV_RX_INIT, BFD_ST_UP, -1, false},
    {"up+rx up", BFD_ST_UP, BFD_EV_RX_UP, BFD_ST_UP, -1, false},
    {"up+detect", BFD_ST_UP, BFD_EV_DETECT_EXPIRES, BFD_ST_DOWN, BFD_DIAG_DETECT_EXPIRED, false},
    {"up+admin down", BFD_ST_UP, BFD_EV_ADMIN_DOWN, BFD_ST_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, false},
    {"up+admin up", BFD_ST_UP, BFD_EV_ADMIN_UP, BFD_ST_UP, -1, false},
};

#define PEER_DISC 0x5eed0001u

static struct bfd_pkt peer_pkt(const struct bfd_session *s, enum bfd_state st)
{
	struct bfd_pkt p = {
	    .version = 1,
	    .state = st,
	    .detect_mult = 3,
	    .length = 24,
	    .my_disc = PEER_DISC,
	    .your_disc = st == BFD_ST_DOWN || st == BFD_ST_ADMIN_DOWN ? 0 : s->local_disc,
	    .desired_min_tx_us = 300000,
	    .required_min_rx_us = 300000,
	};
	if (st == BFD_ST_ADMIN_DOWN)
		p.diag = BFD_DIAG_ADMIN_DOWN;
	return p;
}

static void rx(struct bfd_session *s, enum bfd_state st, struct bfd_out *out)
{
	struct bfd_pkt p = peer_pkt(s, st);
	out->n = 0;
	bfd_session_rx(s, &p, out);
}

/* Brings a fresh session into `st` by the RFC's own path. Down is entered by having
 * heard the peer (AdminDown), so that its detection timer runs. */
static void setup(struct bfd_session *s, struct bgp_clock *clk, enum bfd_state st)
{
	struct bfd_out out;
	bgp_clock_fake(clk, 50 * SEC_);
	bfd_session_init(s, &cfg300x3, 0xabc00001u, clk, 7);
	rx(s, BFD_ST_ADMIN_DOWN, &out);
	if (st == BFD_ST_ADMIN_DOWN) {
		out.n = 0;
		bfd_session_admin(s, false, &out);
	}
	if (st == BFD_ST_INIT || st == BFD_ST_UP)
		rx(s, BFD_ST_DOWN, &out);
	if (st == BFD_ST_UP)
		rx(s, BFD_ST_UP, &out);
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct bgp_clock clk;
		struct bfd_session s;
		struct bfd_out out = {0};
		int states = 0, sends = 0;
		const struct bfd_action *st = NULL;

		setup(&s, &clk, r->from);
		if (s.state != r->from) {
			fprintf(stderr, "%s: setup reached %s\n", r->name, bfd_state_name(s.state));
			CHECK(0);
			continue;
		}
		uint8_t diag0 = s.local_diag;
		switch (r->ev) {
		case BFD_EV_RX_ADMIN_DOWN: rx(&s, BFD_ST_ADMIN_DOWN, &out); break;
		case BFD_EV_RX_DOWN: rx(&s, BFD_ST_DOWN, &out); break;
		case BFD_EV_RX_INIT: rx(&s, BFD_ST_INIT, &out); break;
		case BFD_EV_RX_UP: rx(&s, BFD_ST_UP, &out); break;
		case BFD_EV_DETECT_EXPIRES:
			/* the session heard the peer last at the setup's instant */
			CHECK(bgp_timer_running(&s.detect));
			bgp_clock_set(&clk, s.detect.due_ns);
			while (bfd_session_tick(&s, &out))
				;
			break;
		case BFD_EV_ADMIN_DOWN:
		case BFD_EV_ADMIN_UP: bfd_session_admin(&s, r->ev == BFD_EV_ADMIN_UP, &out); break;
		}
		for (int k = 0; k < out.n; k++) {
			if (out.a[k].what == BFD_DO_STATE) {
				states++;
				st = &out.a[k];
			} else if (!out.a[k].final) {
				sends++;
			}
		}
		if (s.state != r->to)
			fprintf(stderr, "%s: got %s\n", r->name, bfd_state_name(s.state));
		CHECK_INT(s.state, r->to);
		CHECK_INT(s.local_diag, r->diag < 0 ? diag0 : r->diag);
		if (r->to != r->from) {
			/* one state change reported, and sent at once (bfd_session.h) */
			CHECK_INT(states, 1);
			if (st) {
				CHECK_INT(st->from, r->from);
				CHECK_INT(st->to, r->to);
				CHECK_INT(st->diag, s.local_diag);
				CHECK_INT(st->remote_admin_down, r->remote_admin_down);
			}
			CHECK(sends >= 1);
		} else {
			CHECK_INT(states, 0);
		}
		if (r->ev == BFD_EV_DETECT_EXPIRES)
			/* s6.8.1: bfd.RemoteDiscr zero after a Detection Time of silence */
			CHECK_INT(s.remote_disc, 0);
		if (r->from == BFD_ST_ADMIN_DOWN && r->ev <= BFD_EV_RX_UP)
			/* s6.8.6: discarded, no Final, no detection */
			CHECK(!bgp_timer_running(&s.detect));
	}
}

/* A packet with P is answered at once with F (and P clear), in every state but
 * AdminDown (s6.8.6 discards there before the Poll check). */
static void test_poll_answered(void)
{
	enum bfd_state sts[] = {BFD_ST_DOWN, BFD_ST_INIT, BFD_ST_UP, BFD_ST_ADMIN_DOWN};
	for (size_t i = 0; i < 4; i++) {
		struct bgp_clock clk;
		struct bfd_session s;
		struct bfd_out out = {0};
		struct bfd_pkt p;
		int finals = 0;

		setup(&s, &clk, sts[i]);
		/* the peer's state that leaves ours as it is */
		p = peer_pkt(&s, sts[i] == BFD_ST_DOWN   ? BFD_ST_ADMIN_DOWN
		                 : sts[i] == BFD_ST_INIT ? BFD_ST_DOWN
		                                         : BFD_ST_UP);
		p.poll = true;
		bfd_session_rx(&s, &p, &out);
		for (int k = 0; k < out.n; k++)
			if (out.a[k].what == BFD_DO_SEND && out.a[k].final)
				finals++;
		CHECK_INT(finals, sts[i] == BFD_ST_ADMIN_DOWN ? 0 : 1);
		if (finals) {
			struct bfd_pkt f;
			bfd_session_packet(&s, true, &f);
			CHECK(f.final && !f.poll);
		}
	}
}

/* ---- two speakers ---- */

static void test_three_way_and_detection(void)
{
	struct bfd_cfg ca = {300000, 300000, 3}, cb = {100000, 200000, 5};
	struct pair pr;
	pair_init(&pr, &ca, &cb, 11);
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
	CHECK_INT(pr.e[1]->s.state, BFD_ST_UP);
	/* both polls for the fast rate ended */
	CHECK(!pr.e[0]->s.poll && !pr.e[1]->s.poll);
	CHECK(!pr.p_and_f);
	/* s6.8.7 / s6.8.2: tx = max(our DesiredMinTx, the peer's RequiredMinRx) */
	CHECK_INT(bfd_tx_interval_us(&pr.e[0]->s), 300000); /* max(300, 200) */
	CHECK_INT(bfd_tx_interval_us(&pr.e[1]->s), 300000); /* max(100, 300) */
	/* s6.8.4: the peer's mult x max(our RequiredMinRx, the peer's DesiredMinTx) */
	CHECK_INT(bfd_detect_time_us(&pr.e[0]->s), 5 * 300000); /* 5 x max(300, 100) */
	CHECK_INT(bfd_detect_time_us(&pr.e[1]->s), 3 * 300000); /* 3 x max(200, 300) */
	CHECK_INT(bfd_rx_interval_us(&pr.e[1]->s), 300000);

	/* Silence B: A declares Down exactly one detection time after B's last packet,
	 * with diagnostic 1; B, which still hears A, goes Down with 3. */
	pr.silent[1] = true;
	int64_t last_rx = pr.e[0]->s.last_rx_ns;
	int nch = pr.nch;
	pair_run(&pr, 3 * SEC_);
	const struct pair_change *a = NULL, *b = NULL;
	for (int i = nch; i < pr.nch; i++) {
		if (pr.ch[i].side == 0 && !a)
			a = &pr.ch[i];
		if (pr.ch[i].side == 1 && !b)
			b = &pr.ch[i];
	}
	CHECK(a && b);
	if (a && b) {
		CHECK_INT(a->a.to, BFD_ST_DOWN);
		CHECK_INT(a->a.diag, BFD_DIAG_DETECT_EXPIRED);
		CHECK_INT(a->t - last_rx, 1500 * MS_);
		CHECK_INT(b->a.to, BFD_ST_DOWN);
		CHECK_INT(b->a.diag, BFD_DIAG_NEIGHBOR_DOWN);
		CHECK(b->t == a->t); /* A's Down is sent at once */
		CHECK(!b->a.remote_admin_down);
	}
	/* s6.8.3: not Up, so DesiredMinTx is 1 s again */
	CHECK_INT(pr.e[0]->s.desired_min_tx_us, 1000000);
	CHECK_INT(pr.e[1]->s.desired_min_tx_us, 1000000);

	/* Heal: both come back Up. */
	pr.silent[1] = false;
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
	CHECK_INT(pr.e[1]->s.state, BFD_ST_UP);
	CHECK_INT(pr.e[0]->s.up_count, 2);
	pair_free(&pr);
}

/* After a detection the session polls for its 1 s rate into silence; when the peer
 * comes back, the Up transition replaces that unanswered poll, so the negotiated
 * rate (and the peer's short detection time) holds from the first Up packet. */
static void test_up_after_silence(void)
{
	struct bfd_cfg c = {100000, 100000, 3};
	struct pair pr;
	pair_init(&pr, &c, &c, 61);
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
	pr.silent[1] = true;
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_DOWN);
	CHECK(pr.e[0]->s.poll); /* for the 1 s rate, never answered */
	pr.silent[1] = false;
	int64_t end = bgp_now(&pr.clk) + 5 * SEC_;
	while (pr.e[0]->s.state != BFD_ST_UP && bgp_now(&pr.clk) < end)
		pair_run(&pr, MS_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
	CHECK_INT(pr.e[0]->s.tx_basis_us, 100000);
	CHECK_INT(pr.e[0]->s.desired_min_tx_us, 100000);
	CHECK(pr.e[0]->s.poll && pr.e[0]->s.poll_up); /* the Up transition's own */
	CHECK(!pr.e[0]->s.poll_queued);
	/* the peer hears it in A's next packet: its detection time is 3 x 100 ms */
	pair_run(&pr, 150 * MS_);
	CHECK_INT(bfd_detect_time_us(&pr.e[1]->s), 300000);
	pair_free(&pr);
}

/* s6.8.3: at least 1 s between packets while not Up; the negotiated rate once Up. */
static void test_slow_then_fast(void)
{
	struct bfd_cfg c = {50000, 50000, 3};
	struct pair pr;
	pair_init(&pr, &c, &c, 21);
	pr.silent[1] = true; /* A never hears B: stays Down */
	pair_run(&pr, 20 * SEC_);
	int64_t prev = -1, minv = INT64_MAX, maxv = 0;
	for (int i = 0; i < pr.nsent && i < PAIR_LOG; i++) {
		if (pr.sent[i].side != 0)
			continue;
		if (prev >= 0) {
			int64_t d = pr.sent[i].t - prev;
			minv = d < minv ? d : minv;
			maxv = d > maxv ? d : maxv;
		}
		prev = pr.sent[i].t;
		CHECK_INT(pr.sent[i].p.desired_min_tx_us, 1000000);
	}
	CHECK(minv >= 750 * MS_ && maxv <= 1000 * MS_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_DOWN);
	pair_free(&pr);
	/* Up: 50 ms, jittered (after the poll that carried the change) */
	pair_init(&pr, &c, &c, 22);
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
	CHECK_INT(bfd_tx_interval_us(&pr.e[0]->s), 50000);
	CHECK_INT(bfd_detect_time_us(&pr.e[0]->s), 150000);
	pair_free(&pr);
}

/* s6.8.7 jitter: the function over many draws, and the gaps of a running session. */
static void test_jitter(void)
{
	struct bgp_rng r;
	const int64_t len = 300 * MS_;
	for (int mult = 1; mult <= 3; mult += 2) {
		double sum = 0;
		int64_t lo = INT64_MAX, hi = 0;
		const int n = 200000;
		double top = mult == 1 ? 0.90 : 1.0;
		bgp_rng_seed(&r, 99);
		for (int i = 0; i < n; i++) {
			int64_t v = bfd_jitter(&r, len, (uint8_t)mult);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
			sum += (double)v / (double)len;
		}
		/* bounds hold, and both ends are approached (uniform, not a constant) */
		CHECK(lo >= len * 3 / 4);
		CHECK(hi <= (int64_t)(len * top));
		CHECK(lo < (int64_t)(len * 0.751));
		CHECK(hi > (int64_t)(len * (top - 0.001)));
		/* mean of a uniform draw: (0.75 + top) / 2, within 0.002 */
		double mean = sum / n, want = (0.75 + top) / 2;
		CHECK(mean > want - 0.002 && mean < want + 0.002);
	}

	/* gaps between the packets of an Up session, mult 1 and 3 */
	for (int mult = 1; mult <= 3; mult += 2) {
		struct bfd_cfg c = {100000, 100000, (uint8_t)mult};
		struct pair pr;
		int64_t prev = -1, lo = INT64_MAX, hi = 0;
		int gaps = 0;
		pair_init(&pr, &c, &c, 31);
		pair_run(&pr, 3 * SEC_);
		CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
		CHECK(!pr.e[0]->s.poll);
		pr.nsent = 0;
		pair_run(&pr, 150 * SEC_);   /* ~1700 packets per side */
		CHECK(pr.nsent <= PAIR_LOG); /* the log did not wrap */
		for (int i = 0; i < pr.nsent && i < PAIR_LOG; i++) {
			if (pr.sent[i].side != 0 || pr.sent[i].p.final)
				continue;
			if (prev >= 0) {
				int64_t d = pr.sent[i].t - prev;
				lo = d < lo ? d : lo;
				hi = d > hi ? d : hi;
				gaps++;
			}
			prev = pr.sent[i].t;
		}
		CHECK(gaps > 1000);
		CHECK(lo >= 75 * MS_);
		CHECK(hi <= (mult == 1 ? 90 : 100) * MS_);
		CHECK(lo < 76 * MS_);
		CHECK(hi > (mult == 1 ? 89 : 99) * MS_);
		CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
		pair_free(&pr);
	}
}

/* s6.5 / s6.8.3: a timer change while Up runs a Poll Sequence; a larger
 * DesiredMinTx and a smaller RequiredMinRx wait for its Final. */
static void test_poll_final(void)
{
	struct bfd_cfg c = {300000, 300000, 3};
	struct pair pr;
	struct bfd_out out = {0};
	pair_init(&pr, &c, &c, 41);
	pair_run(&pr, 5 * SEC_);
	struct bfd_session *a = &pr.e[0]->s;
	CHECK_INT(a->state, BFD_ST_UP);
	CHECK(!a->poll);
	uint64_t polls = a->polls_done;
	CHECK(polls >= 1); /* the Up transition's own poll (1 s -> 300 ms) */

	/* Slower transmit, faster receive: neither is in force before the Final. */
	pr.silent[1] = true; /* hold back B's Final */
	struct bfd_cfg c2 = {600000, 100000, 3};
	bfd_session_set_cfg(a, &c2, &out);
	CHECK(a->poll);
	CHECK_INT(a->desired_min_tx_us, 600000);
	CHECK_INT(a->required_min_rx_us, 100000);
	CHECK_INT(a->tx_basis_us, 300000);
	CHECK_INT(a->rx_basis_us, 300000);
	CHECK_INT(bfd_tx_interval_us(a), 300000);
	CHECK_INT(bfd_detect_time_us(a), 900000);
	/* A queued second change waits for the first poll's end. */
	struct bfd_cfg c3 = {200000, 100000, 3};
	bfd_session_set_cfg(a, &c3, &out);
	CHECK_INT(a->desired_min_tx_us, 600000);
	CHECK(a->poll_queued);
	/* every packet A sends meanwhile carries P */
	int n0 = pr.nsent;
	pair_run(&pr, 250 * MS_);
	int polls_seen = 0, others = 0;
	for (int i = n0; i < pr.nsent; i++)
		if (pr.sent[i % PAIR_LOG].side == 0) {
			if (pr.sent[i % PAIR_LOG].p.poll)
				polls_seen++;
			else
				others++;
		}
	CHECK(polls_seen >= 1);
	CHECK_INT(others, 0);
	CHECK_INT(a->state, BFD_ST_UP);

	/* B's Final ends the first poll: 600/100 in force, and the queued change
	 * starts the next poll at once (200 ms is a decrease: in force already). */
	pr.silent[1] = false;
	pair_run(&pr, 2 * SEC_);
	CHECK(!a->poll);
	CHECK(!a->poll_queued);
	CHECK_INT(a->polls_done, polls + 2);
	CHECK_INT(a->desired_min_tx_us, 200000);
	CHECK_INT(a->tx_basis_us, 200000);
	CHECK_INT(a->rx_basis_us, 100000);
	CHECK_INT(bfd_tx_interval_us(a), 300000); /* B still requires 300 ms */
	/* B's detection of A follows A's new DesiredMinTx (3 x max(300, 200)) and A's
	 * of B its new RequiredMinRx (3 x max(100, 300)) */
	CHECK_INT(bfd_detect_time_us(&pr.e[1]->s), 900000);
	CHECK_INT(bfd_detect_time_us(a), 900000);
	CHECK(!pr.p_and_f);
	CHECK_INT(a->state, BFD_ST_UP);
	CHECK_INT(a->up_count, 1);
	pair_free(&pr);
}

/* s6.8.16 and RFC 5882 s3.2: AdminDown on one side is Down (diag 3) on the other,
 * flagged as not a path failure; admin up brings both back. */
static void test_admin(void)
{
	struct pair pr;
	struct bfd_out out = {0};
	pair_init(&pr, &cfg300x3, &cfg300x3, 51);
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[1]->s.state, BFD_ST_UP);
	bfd_session_admin(&pr.e[0]->s, false, &out);
	pair_do(&pr, 0, &out);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_ADMIN_DOWN);
	CHECK_INT(pr.e[0]->s.local_diag, BFD_DIAG_ADMIN_DOWN);
	CHECK_INT(pr.e[1]->s.state, BFD_ST_DOWN);
	CHECK_INT(pr.e[1]->s.local_diag, BFD_DIAG_NEIGHBOR_DOWN);
	CHECK_INT(pr.e[1]->s.remote_diag, BFD_DIAG_ADMIN_DOWN);
	const struct pair_change *c = pair_last_change(&pr, 1);
	CHECK(c && c->a.remote_admin_down);
	pair_run(&pr, 10 * SEC_);
	/* B keeps hearing AdminDown: stays Down, does not flap; A discards B's */
	CHECK_INT(pr.e[1]->s.state, BFD_ST_DOWN);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_ADMIN_DOWN);
	CHECK(pr.set[0].drops[BFD_DROP_ADMIN_DOWN] > 0);
	out.n = 0;
	bfd_session_admin(&pr.e[0]->s, true, &out);
	pair_do(&pr, 0, &out);
	pair_run(&pr, 5 * SEC_);
	CHECK_INT(pr.e[0]->s.state, BFD_ST_UP);
	CHECK_INT(pr.e[1]->s.state, BFD_ST_UP);
	pair_free(&pr);
}

/* s6.8.7: a peer whose Required Min RX is 0 gets no periodic packets. */
static void test_remote_min_rx_zero(void)
{
	struct bgp_clock clk;
	struct bfd_session s;
	struct bfd_out out = {0};
	bgp_clock_fake(&clk, SEC_);
	bfd_session_init(&s, &cfg300x3, 1, &clk, 3);
	struct bfd_pkt p = peer_pkt(&s, BFD_ST_DOWN);
	p.required_min_rx_us = 0;
	bfd_session_rx(&s, &p, &out);
	CHECK_INT(bfd_tx_interval_us(&s), 0);
	CHECK(!bgp_timer_running(&s.tx));
	int sends = 0;
	for (int i = 0; i < 20; i++) {
		bgp_clock_advance(&clk, 100 * MS_);
		out.n = 0;
		while (bfd_session_tick(&s, &out))
			;
		for (int k = 0; k < out.n; k++)
			sends += out.a[k].what == BFD_DO_SEND;
	}
	/* the detection timer still runs: Init -> Down, announced once */
	CHECK_INT(s.state, BFD_ST_DOWN);
	CHECK(sends <= 1);
}

int main(void)
{
	test_table();
	test_poll_answered();
	test_three_way_and_detection();
	test_slow_then_fast();
	test_up_after_silence();
	test_jitter();
	test_poll_final();
	test_admin();
	test_remote_min_rx_zero();
	return check_done();
}
