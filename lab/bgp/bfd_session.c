/* RFC 5880 s6.8 as an explicit state x event switch. See bfd_session.h for the
 * table, the timer rules and the deviations. */
#include "bfd_session.h"

#include <string.h>

#define US (1000LL)

static int64_t now(const struct bfd_session *s)
{
	return bgp_now(s->clock);
}

static bool due(const struct bgp_timer *t, int64_t at)
{
	return bgp_timer_running(t) && at >= t->due_ns;
}

static struct bfd_action *emit(struct bfd_out *out, enum bfd_do what)
{
	/* Capacity covers the worst event (state change, send, final); never overrun. */
	if (out->n >= BFD_OUT_MAX)
		return NULL;
	struct bfd_action *a = &out->a[out->n++];
	memset(a, 0, sizeof(*a));
	a->what = what;
	return a;
}

int64_t bfd_jitter(struct bgp_rng *r, int64_t len_ns, uint8_t detect_mult)
{
	if (len_ns <= 0)
		return len_ns;
	/* s6.8.7: "reduced by a random value of 0 to 25%"; with bfd.DetectMult 1 the
	 * interval "MUST be no more than 90% ... and MUST be no less than 75%". */
	double span = detect_mult == 1 ? 0.15 : 0.25;
	double u = (double)(bgp_rng_next(r) >> 11) / (double)((1ULL << 53) - 1);
	int64_t v = (int64_t)((double)len_ns * (0.75 + span * u));
	int64_t lo = len_ns - len_ns / 4;
	int64_t hi = detect_mult == 1 ? len_ns - len_ns / 10 : len_ns;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v;
}

uint32_t bfd_tx_interval_us(const struct bfd_session *s)
{
	/* s6.8.7: "MUST NOT periodically transmit BFD Control packets if
	 * bfd.RemoteMinRxInterval is zero"; otherwise "the larger of
	 * bfd.DesiredMinTxInterval and bfd.RemoteMinRxInterval". */
	if (s->remote_min_rx_us == 0)
		return 0;
	return s->tx_basis_us > s->remote_min_rx_us ? s->tx_basis_us : s->remote_min_rx_us;
}

uint32_t bfd_rx_interval_us(const struct bfd_session *s)
{
	return s->rx_basis_us > s->remote_desired_tx_us ? s->rx_basis_us : s->remote_desired_tx_us;
}

uint64_t bfd_detect_time_us(const struct bfd_session *s)
{
	/* s6.8.4: "equal to the value of Detect Mult received from the remote system,
	 * multiplied by the agreed transmit interval of the remote system (the greater
	 * of bfd.RequiredMinRxInterval and the last received Desired Min TX
	 * Interval)". */
	return (uint64_t)s->remote_detect_mult * bfd_rx_interval_us(s);
}

static void start_tx(struct bfd_session *s)
{
	uint32_t iv = bfd_tx_interval_us(s);
	if (iv == 0) {
		bgp_timer_stop(&s->tx);
		return;
	}
	bgp_timer_start(&s->tx, now(s), bfd_jitter(&s->rng, (int64_t)iv * US, s->detect_mult));
}

/* The interval may have shrunk (Up, a Final, the peer's Required Min RX): a packet
 * due later than one new interval from now is brought forward. */
static void reschedule_tx(struct bfd_session *s)
{
	uint32_t iv = bfd_tx_interval_us(s);
	if (iv == 0) {
		bgp_timer_stop(&s->tx);
		return;
	}
	if (!bgp_timer_running(&s->tx) || s->tx.due_ns - now(s) > (int64_t)iv * US)
		start_tx(s);
}

static void send_now(struct bfd_session *s, bool final, struct bfd_out *out)
{
	struct bfd_action *a = emit(out, BFD_DO_SEND);
	if (a)
		a->final = final;
	/* A Final is extra (s6.8.7); any other packet is the periodic one. */
	if (!final)
		start_tx(s);
}

/* Sets the advertised values (s6.8.3: "If bfd.DesiredMinTxInterval is changed or
 * bfd.RequiredMinRxInterval is changed, a Poll Sequence MUST be initiated"). */
static void apply(struct bfd_session *s, uint32_t tx_us, uint32_t rx_us)
{
	bool up = s->state == BFD_ST_UP;
	if (tx_us == s->desired_min_tx_us && rx_us == s->required_min_rx_us)
		return;
	s->desired_min_tx_us = tx_us;
	s->required_min_rx_us = rx_us;
	/* s6.8.3: "If bfd.DesiredMinTxInterval is increased and bfd.SessionState is
	 * Up, the actual transmission interval used MUST NOT change until the Poll
	 * Sequence ... has terminated"; "If bfd.RequiredMinRxInterval is reduced and
	 * bfd.SessionState is Up, the previous value ... MUST be used when calculating
	 * the Detection Time for the remote system until the Poll Sequence ... has
	 * terminated." */
	if (!(up && tx_us > s->tx_basis_us))
		s->tx_basis_us = tx_us;
	if (!(up && rx_us < s->rx_basis_us))
		s->rx_basis_us = rx_us;
	s->poll = true;
	s->poll_up = up;
	reschedule_tx(s);
}

static void set_local(struct bfd_session *s, uint32_t tx_us, uint32_t rx_us)
{
	/* One Poll Sequence at a time: while Up, a change during a poll that was
	 * started while Up waits for its Final. Outside Up nothing waits (the deferral
	 * rules above are for Up only), so the 1 s rate of s6.8.3 holds at once on
	 * leaving Up even when the peer will never answer; and a poll started outside
	 * Up (often never answered: the peer was unreachable) is replaced by the one
	 * the Up transition starts, so the negotiated rate holds from the first Up
	 * packet instead of after one more slow round trip. */
	if (s->poll && s->poll_up && s->state == BFD_ST_UP) {
		s->poll_queued = tx_us != s->desired_min_tx_us || rx_us != s->required_min_rx_us;
		s->queued_tx_us = tx_us;
		s->queued_rx_us = rx_us;
		return;
	}
	s->poll_queued = false;
	apply(s, tx_us, rx_us);
}

static void poll_end(struct bfd_session *s)
{
	/* s6.5: "When the system sending the Poll sequence receives a packet with
	 * Final, the Poll Sequence is terminated"; the deferred values now hold. */
	s->poll = false;
	s->polls_done++;
	s->tx_basis_us = s->desired_min_tx_us;
	s->rx_basis_us = s->required_min_rx_us;
	if (s->poll_queued) {
		s->poll_queued = false;
		apply(s, s->queued_tx_us, s->queued_rx_us);
	}
	reschedule_tx(s);
}

static uint32_t target_tx_us(const struct bfd_session *s, enum bfd_state st)
{
	/* s6.8.3: "When bfd.SessionState is not Up, the system MUST set
	 * bfd.DesiredMinTxInterval to a value of not less than one second". */
	if (st != BFD_ST_UP && s->cfg.desired_min_tx_us < BFD_SLOW_TX_US)
		return BFD_SLOW_TX_US;
	return s->cfg.desired_min_tx_us;
}

static void set_state(struct bfd_session *s, enum bfd_state to, uint8_t diag,
                      bool remote_admin_down, struct bfd_out *out)
{
	struct bfd_action *a = emit(out, BFD_DO_STATE);
	if (a) {
		a->from = s->state;
		a->to = to;
		a->diag = diag;
		a->remote_admin_down = remote_admin_down;
	}
	s->state = to;
	s->local_diag = diag;
	s->state_ns = now(s);
	if (to == BFD_ST_UP)
		s->up_count++;
	if (to == BFD_ST_ADMIN_DOWN)
		bgp_timer_stop(&s->detect);
	set_local(s, target_tx_us(s, to), s->cfg.required_min_rx_us);
}

/* The switch of bfd_session.h. Returns true when the state changed. */
static bool event(struct bfd_session *s, enum bfd_event ev, struct bfd_out *out)
{
	enum bfd_state from = s->state;

	switch (s->state) {
	case BFD_ST_ADMIN_DOWN:
		switch (ev) {
		case BFD_EV_ADMIN_UP:
			/* s6.8.16: "set bfd.SessionState to Down" */
			set_state(s, BFD_ST_DOWN, BFD_DIAG_NONE, false, out);
			break;
		default:
			/* Received packets never get here (s6.8.6 discards them). */
			break;
		}
		break;
	case BFD_ST_DOWN:
		switch (ev) {
		case BFD_EV_RX_DOWN:
			/* s6.8.6: "If received state is Down, set bfd.SessionState to Init" */
			set_state(s, BFD_ST_INIT, BFD_DIAG_NONE, false, out);
			break;
		case BFD_EV_RX_INIT:
			/* "Else if received State is Init, set bfd.SessionState to Up" */
			set_state(s, BFD_ST_UP, BFD_DIAG_NONE, false, out);
			break;
		case BFD_EV_RX_ADMIN_DOWN:
			/* "If bfd.SessionState is not Down": we are, nothing to do. */
		case BFD_EV_RX_UP:
			/* Up from a peer we have not agreed with: wait for its Down. */
			break;
		case BFD_EV_DETECT_EXPIRES:
			/* s6.8.1 bfd.RemoteDiscr: set to zero after a Detection Time
			 * without a valid packet. */
			s->remote_disc = 0;
			break;
		case BFD_EV_ADMIN_DOWN:
			set_state(s, BFD_ST_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, false, out);
			break;
		case BFD_EV_ADMIN_UP: break;
		}
		break;
	case BFD_ST_INIT:
	case BFD_ST_UP:
		switch (ev) {
		case BFD_EV_RX_ADMIN_DOWN:
			/* s6.8.6: "If received state is AdminDown: If bfd.SessionState is
			 * not Down, set bfd.LocalDiag to 3 ... and bfd.SessionState to
			 * Down" */
			set_state(s, BFD_ST_DOWN, BFD_DIAG_NEIGHBOR_DOWN, true, out);
			break;
		case BFD_EV_RX_DOWN:
			/* Init: "If received State is Init or Up, set Up" (Down: stay).
			 * Up: "If received State is Down, set bfd.LocalDiag to 3 ...
			 * bfd.SessionState to Down". */
			if (s->state == BFD_ST_UP)
				set_state(s, BFD_ST_DOWN, BFD_DIAG_NEIGHBOR_DOWN, false, out);
			break;
		case BFD_EV_RX_INIT:
		case BFD_EV_RX_UP:
			if (s->state == BFD_ST_INIT)
				set_state(s, BFD_ST_UP, BFD_DIAG_NONE, false, out);
			break;
		case BFD_EV_DETECT_EXPIRES:
			/* s6.8.4: "the session has gone down -- the local system MUST set
			 * bfd.SessionState to Down and bfd.LocalDiag to 1" */
			s->remote_disc = 0;
			set_state(s, BFD_ST_DOWN, BFD_DIAG_DETECT_EXPIRED, false, out);
			break;
		case BFD_EV_ADMIN_DOWN:
			/* s6.8.16: AdminDown, "bfd.LocalDiag to an appropriate value" */
			set_state(s, BFD_ST_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, false, out);
			break;
		case BFD_EV_ADMIN_UP: break;
		}
		break;
	}
	return s->state != from;
}

void bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p, struct bfd_out *out)
{
	static const enum bfd_event rx_ev[] = {BFD_EV_RX_ADMIN_DOWN, BFD_EV_RX_DOWN, BFD_EV_RX_INIT,
	                                       BFD_EV_RX_UP};

	/* s6.8.6, after the discards: record what the peer says. */
	s->remote_disc = p->my_disc;
	s->remote_state = p->state;
	s->remote_demand = p->demand;
	s->remote_min_rx_us = p->required_min_rx_us;
	s->remote_desired_tx_us = p->desired_min_tx_us;
	s->remote_detect_mult = p->detect_mult;
	s->remote_diag = p->diag;
	s->rx_packets++;
	s->last_rx_ns = now(s);
	/* "If the Final (F) bit is set and there is a Poll Sequence in progress, the
	 * Poll Sequence in progress MUST be terminated." */
	if (p->final && s->poll)
		poll_end(s);
	/* "Update the transmit interval as described in section 6.8.2" (a new
	 * Required Min RX from the peer may shorten it, or stop it at 0). */
	reschedule_tx(s);
	/* "If bfd.SessionState is AdminDown: Discard the packet" (bfd_set.c counts it
	 * from the state). */
	if (s->state == BFD_ST_ADMIN_DOWN)
		return;
	bool changed = event(s, rx_ev[p->state & 3], out);
	/* s6.8.4: the packet counts for detection; the time is computed from what it
	 * just said. */
	bgp_timer_start(&s->detect, now(s), (int64_t)bfd_detect_time_us(s) * US);
	/* "If the Poll (P) bit is set, send a BFD Control packet to the remote system
	 * with the Poll (P) bit clear, and the Final (F) bit set"; it carries the new
	 * state too, so no second packet. */
	if (p->poll)
		send_now(s, true, out);
	else if (changed)
		send_now(s, false, out);
}

void bfd_session_admin(struct bfd_session *s, bool up, struct bfd_out *out)
{
	if (event(s, up ? BFD_EV_ADMIN_UP : BFD_EV_ADMIN_DOWN, out))
		send_now(s, false, out);
}

void bfd_session_set_cfg(struct bfd_session *s, const struct bfd_cfg *cfg, struct bfd_out *out)
{
	(void)out;
	s->cfg = *cfg;
	s->detect_mult = cfg->detect_mult;
	set_local(s, target_tx_us(s, s->state), cfg->required_min_rx_us);
}

bool bfd_session_tick(struct bfd_session *s, struct bfd_out *out)
{
	int64_t t = now(s);
	if (due(&s->detect, t) && (!due(&s->tx, t) || s->detect.due_ns <= s->tx.due_ns)) {
		bgp_timer_stop(&s->detect);
		if (event(s, BFD_EV_DETECT_EXPIRES, out))
			send_now(s, false, out);
		return true;
	}
	if (due(&s->tx, t)) {
		send_now(s, false, out);
		return true;
	}
	return false;
}

int64_t bfd_session_next_due(const struct bfd_session *s)
{
	return s->tx.due_ns < s->detect.due_ns ? s->tx.due_ns : s->detect.due_ns;
}

void bfd_session_packet(struct bfd_session *s, bool final, struct bfd_pkt *p)
{
	*p = (struct bfd_pkt){
	    .version = BFD_VERSION,
	    .diag = s->local_diag,
	    .state = s->state,
	    /* s6.5: P and F never together; a Final answers, the poll goes on in
	     * the next periodic packet. */
	    .poll = s->poll && !final,
	    .final = final,
	    .detect_mult = s->detect_mult,
	    .length = BFD_PKT_LEN,
	    .my_disc = s->local_disc,
	    .your_disc = s->remote_disc,
	    .desired_min_tx_us = s->desired_min_tx_us,
	    .required_min_rx_us = s->required_min_rx_us,
	    .required_min_echo_rx_us = 0, /* no Echo function */
	};
	s->tx_packets++;
	s->last_tx_ns = now(s);
}

void bfd_session_init(struct bfd_session *s, const struct bfd_cfg *cfg, uint32_t local_disc,
                      const struct bgp_clock *clock, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->clock = clock;
	bgp_rng_seed(&s->rng, seed);
	/* s6.8.1 initial values */
	s->state = BFD_ST_DOWN;
	s->remote_state = BFD_ST_DOWN;
	s->local_disc = local_disc;
	s->detect_mult = cfg->detect_mult;
	s->remote_min_rx_us = 1;
	s->desired_min_tx_us = s->tx_basis_us = target_tx_us(s, BFD_ST_DOWN);
	s->required_min_rx_us = s->rx_basis_us = cfg->required_min_rx_us;
	s->last_rx_ns = s->last_tx_ns = -1;
	s->state_ns = now(s);
	bgp_timer_stop(&s->detect);
	/* The first packet goes out at once (active role, s6.1). */
	bgp_timer_start(&s->tx, now(s), 0);
}
