/* RFC 4271 s8 as an explicit connection-state x event switch (the layout of
 * OpenBGPD's session_bgp.c bgp_fsm()). See fsm.h for the model and deviations. */
#include "fsm.h"

#include <string.h>

#include "msg.h"

#define MS (1000000LL)

static int64_t now(const struct bgp_fsm *f)
{
	return bgp_now(f->clock);
}

static void emit(struct bgp_fsm_out *out, enum bgp_fsm_do what, int conn, uint8_t code,
                 uint8_t subcode)
{
	/* Capacity covers the worst event (stop with two sessions); never overrun. */
	if (out->n >= BGP_FSM_OUT_MAX)
		return;
	struct bgp_fsm_action *a = &out->a[out->n++];
	memset(a, 0, sizeof(*a));
	a->what = what;
	a->conn = conn;
	a->code = code;
	a->subcode = subcode;
}

static void set_reason(struct bgp_fsm *f, enum bgp_reason r)
{
	f->reason = r;
	f->reason_code = false;
}

static void set_reason_code(struct bgp_fsm *f, enum bgp_reason r, uint8_t code, uint8_t sub)
{
	f->reason = r;
	f->reason_code = true;
	f->reason_c = code;
	f->reason_s = sub;
	f->last_error.set = true;
	f->last_error.sent = r == BGP_RS_NOTIFICATION_SENT || r == BGP_RS_HOLD_EXPIRED;
	f->last_error.code = code;
	f->last_error.subcode = sub;
	f->last_error.at_ns = now(f);
}

void bgp_negotiate(uint32_t our_hold_ms, uint32_t our_keepalive_ms, uint16_t peer_hold_s,
                   uint32_t *hold_ms, uint32_t *keepalive_ms)
{
	uint32_t peer_ms = (uint32_t)peer_hold_s * 1000u;
	uint32_t h = our_hold_ms < peer_ms ? our_hold_ms : peer_ms;
	uint32_t k = our_keepalive_ms;
	if (h == 0) {
		*hold_ms = *keepalive_ms = 0;
		return;
	}
	if (k == 0 || k > h / 3)
		k = h / 3;
	*hold_ms = h;
	*keepalive_ms = k;
}

static enum bgp_state compute_state(const struct bgp_fsm *f)
{
	enum bgp_state best = BGP_ST_IDLE;
	for (int c = 0; c < BGP_CONN_MAX; c++)
		if (f->conn[c].state >= BGP_ST_OPENSENT && f->conn[c].state > best)
			best = f->conn[c].state;
	if (best >= BGP_ST_OPENSENT)
		return best;
	if (f->conn[BGP_CONN_OUT].state == BGP_ST_CONNECT)
		return BGP_ST_CONNECT;
	return f->base;
}

static bool any_conn(const struct bgp_fsm *f)
{
	return f->conn[0].state != BGP_ST_IDLE || f->conn[1].state != BGP_ST_IDLE;
}

static void conn_reset(struct bgp_fsm_conn *c)
{
	c->state = BGP_ST_IDLE;
	bgp_timer_stop(&c->hold);
	bgp_timer_stop(&c->keepalive);
	c->hold_ms = c->keepalive_ms = 0;
	c->remote_id = 0;
}

static void start_connect_retry(struct bgp_fsm *f)
{
	bgp_timer_start(&f->connect_retry, now(f),
	                bgp_jitter(&f->rng, (int64_t)f->cfg.connect_retry_ms * MS));
}

static void start_keepalive(struct bgp_fsm *f, struct bgp_fsm_conn *c)
{
	if (c->keepalive_ms)
		bgp_timer_start(&c->keepalive, now(f),
		                bgp_jitter(&f->rng, (int64_t)c->keepalive_ms * MS));
}

static void restart_hold(struct bgp_fsm *f, struct bgp_fsm_conn *c)
{
	if (c->hold_ms)
		bgp_timer_start(&c->hold, now(f), (int64_t)c->hold_ms * MS);
}

static void connect_out(struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	f->conn[BGP_CONN_OUT].state = BGP_ST_CONNECT;
	emit(out, BGP_DO_CONNECT, BGP_CONN_OUT, 0, 0);
	start_connect_retry(f);
}

/* Closes one connection, optionally after a NOTIFICATION. When it was the last one
 * and carried a session (OpenSent or later), the neighbor goes Idle and the
 * ConnectRetryTimer, as idle hold, brings it back (fsm.h). */
static void conn_drop(struct bgp_fsm *f, int ci, bool notify, uint8_t code, uint8_t sub,
                      struct bgp_fsm_out *out)
{
	struct bgp_fsm_conn *c = &f->conn[ci];
	bool session = c->state >= BGP_ST_OPENSENT;
	if (c->state == BGP_ST_IDLE)
		return;
	if (notify && session)
		emit(out, BGP_DO_SEND_NOTIFICATION, ci, code, sub);
	if (c->state == BGP_ST_ESTABLISHED)
		emit(out, BGP_DO_RIB_DOWN, ci, 0, 0);
	emit(out, BGP_DO_CLOSE, ci, 0, 0);
	conn_reset(c);
	if (!f->started)
		return;
	if (any_conn(f)) {
		/* Our connect() may still be pending with the timer stopped by an accept:
		 * the timer must bound it again, or a SYN into a dead path waits for the
		 * kernel's retries (minutes). */
		if (f->conn[BGP_CONN_OUT].state == BGP_ST_CONNECT &&
		    !bgp_timer_running(&f->connect_retry))
			start_connect_retry(f);
		return;
	}
	if (session) {
		f->base = BGP_ST_IDLE;
		start_connect_retry(f);
	} else if (!bgp_timer_running(&f->connect_retry)) {
		start_connect_retry(f);
	}
}

static void drop_all(struct bgp_fsm *f, uint8_t code, uint8_t sub, struct bgp_fsm_out *out)
{
	for (int ci = 0; ci < BGP_CONN_MAX; ci++)
		conn_drop(f, ci, true, code, sub, out);
}

/* Automatic (re)start: out of Idle, or the first ManualStart. */
static void start(struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	f->base = BGP_ST_ACTIVE;
	bgp_timer_stop(&f->connect_retry);
	if (!f->cfg.passive && f->conn[BGP_CONN_OUT].state == BGP_ST_IDLE)
		connect_out(f, out);
}

static void fsm_error(struct bgp_fsm *f, int ci, uint8_t sub, struct bgp_fsm_out *out)
{
	set_reason_code(f, BGP_RS_NOTIFICATION_SENT, BGP_ERR_FSM, sub);
	conn_drop(f, ci, true, BGP_ERR_FSM, sub, out);
}

static uint8_t fsm_error_sub(enum bgp_state s)
{
	switch (s) {
	case BGP_ST_OPENSENT: return BGP_ERR_FSM_OPENSENT;
	case BGP_ST_OPENCONFIRM: return BGP_ERR_FSM_OPENCONFIRM;
	case BGP_ST_ESTABLISHED: return BGP_ERR_FSM_ESTABLISHED;
	default: return BGP_ERR_FSM_UNSPEC;
	}
}

/* RFC 4271 s6.2 checks the FSM owns (the codec checks version and capabilities). */
static int open_check(const struct bgp_fsm *f, const struct bgp_fsm_in *in, uint8_t *sub)
{
	if (in->peer_as != f->cfg.remote_as) {
		*sub = BGP_ERR_OPEN_BAD_PEER_AS;
		return -1;
	}
	if (in->hold_s == 1 || in->hold_s == 2) {
		*sub = BGP_ERR_OPEN_HOLD_TIME;
		return -1;
	}
	/* RFC 6286 s2.2: zero is invalid; our own identifier only from an internal
	 * peer (eBGP neighbours may share it: collisions then go by AS number). */
	if (in->peer_id == 0 ||
	    (in->peer_id == f->cfg.local_id && f->cfg.remote_as == f->cfg.local_as)) {
		*sub = BGP_ERR_OPEN_BAD_BGP_ID;
		return -1;
	}
	return 0;
}

/* RFC 4271 s6.8. Returns true when connection ci survives and should go on. */
static bool collision(struct bgp_fsm *f, int ci, uint32_t peer_id, struct bgp_fsm_out *out)
{
	int oi = !ci;
	struct bgp_fsm_conn *o = &f->conn[oi];
	if (o->state == BGP_ST_ESTABLISHED) {
		/* CollisionDetectEstablishedState is off: the new one goes. */
		set_reason(f, BGP_RS_COLLISION);
		conn_drop(f, ci, true, BGP_ERR_CEASE, BGP_CEASE_COLLISION, out);
		return false;
	}
	if (o->state != BGP_ST_OPENCONFIRM)
		return true;
	/* Keep the connection the speaker with the higher identifier initiated; with
	 * equal identifiers the one with the larger AS number (RFC 6286 s2.3). */
	bool we_win = f->cfg.local_id > peer_id ||
	              (f->cfg.local_id == peer_id && f->cfg.local_as > f->cfg.remote_as);
	int keep = we_win ? BGP_CONN_OUT : BGP_CONN_IN;
	int drop = keep == ci ? oi : ci;
	set_reason(f, BGP_RS_COLLISION);
	conn_drop(f, drop, true, BGP_ERR_CEASE, BGP_CEASE_COLLISION, out);
	return keep == ci;
}

static void rx_open(struct bgp_fsm *f, int ci, const struct bgp_fsm_in *in, struct bgp_fsm_out *out)
{
	struct bgp_fsm_conn *c = &f->conn[ci];
	uint8_t sub;
	if (open_check(f, in, &sub) < 0) {
		set_reason_code(f, BGP_RS_NOTIFICATION_SENT, BGP_ERR_OPEN, sub);
		conn_drop(f, ci, true, BGP_ERR_OPEN, sub, out);
		return;
	}
	if (!collision(f, ci, in->peer_id, out))
		return;
	c->remote_id = in->peer_id;
	bgp_negotiate(f->cfg.hold_ms, f->cfg.keepalive_ms, in->hold_s, &c->hold_ms,
	              &c->keepalive_ms);
	emit(out, BGP_DO_SEND_KEEPALIVE, ci, 0, 0);
	if (c->hold_ms) {
		start_keepalive(f, c);
		restart_hold(f, c);
	} else {
		bgp_timer_stop(&c->keepalive);
		bgp_timer_stop(&c->hold);
	}
	c->state = BGP_ST_OPENCONFIRM;
	set_reason(f, BGP_RS_OPEN_RECEIVED);
}

static void established(struct bgp_fsm *f, int ci, struct bgp_fsm_out *out)
{
	struct bgp_fsm_conn *c = &f->conn[ci];
	restart_hold(f, c);
	c->state = BGP_ST_ESTABLISHED;
	f->established_ns = now(f);
	f->established_count++;
	set_reason(f, BGP_RS_KEEPALIVE_RECEIVED);
	emit(out, BGP_DO_RIB_UP, ci, 0, 0);
	/* A connect() still pending can only end in a collision that it loses. */
	if (f->conn[!ci].state == BGP_ST_CONNECT)
		conn_drop(f, !ci, false, 0, 0, out);
}

/* Events that concern the neighbor rather than one connection. */
static void peer_event(struct bgp_fsm *f, enum bgp_event ev, struct bgp_fsm_out *out)
{
	switch (ev) {
	case BGP_EV_MANUAL_START:
		if (f->started)
			break;
		f->tunnel_down = false;
		/* RFC 5882: not before BFD is Up again (BGP_EV_BFD_UP starts it). */
		if (f->bfd_down)
			break;
		f->started = true;
		set_reason(f, BGP_RS_START);
		start(f, out);
		break;
	case BGP_EV_BFD_UP:
		f->bfd_down = false;
		if (f->started || f->tunnel_down)
			break;
		f->started = true;
		set_reason(f, BGP_RS_BFD_UP);
		start(f, out);
		break;
	case BGP_EV_MANUAL_STOP:
	case BGP_EV_TUNNEL_DOWN:
	case BGP_EV_BFD_DOWN: {
		bool tunnel = ev == BGP_EV_TUNNEL_DOWN, bfd = ev == BGP_EV_BFD_DOWN;
		uint8_t sub = tunnel ? BGP_CEASE_ADMIN_RESET
		              : bfd  ? BGP_CEASE_BFD_DOWN
		                     : BGP_CEASE_ADMIN_SHUTDOWN;
		f->started = false;
		if (tunnel)
			f->tunnel_down = true;
		else if (bfd)
			f->bfd_down = true;
		else
			f->tunnel_down = false;
		set_reason(f, tunnel ? BGP_RS_TUNNEL_DOWN : bfd ? BGP_RS_BFD_DOWN : BGP_RS_STOP);
		drop_all(f, BGP_ERR_CEASE, sub, out);
		f->base = BGP_ST_IDLE;
		bgp_timer_stop(&f->connect_retry);
		break;
	}
	case BGP_EV_CONNECT_RETRY_EXPIRES:
		set_reason(f, BGP_RS_CONNECT_RETRY_EXPIRED);
		bgp_timer_stop(&f->connect_retry);
		if (!f->started)
			break;
		switch (f->state) {
		case BGP_ST_IDLE: start(f, out); break;
		case BGP_ST_CONNECT:
			/* s8.2.2 Connect, event 9: drop the attempt, try again. */
			conn_drop(f, BGP_CONN_OUT, false, 0, 0, out);
			connect_out(f, out);
			break;
		case BGP_ST_ACTIVE:
			if (!f->cfg.passive)
				connect_out(f, out);
			break;
		default:
			/* OpenSent or later: the timer is stopped there; stale. */
			break;
		}
		break;
	default: break;
	}
}

static void conn_event(struct bgp_fsm *f, int ci, enum bgp_event ev, const struct bgp_fsm_in *in,
                       struct bgp_fsm_out *out)
{
	struct bgp_fsm_conn *c = &f->conn[ci];
	static const struct bgp_fsm_in none;
	if (!in)
		in = &none;

	switch (c->state) {
	case BGP_ST_IDLE:
	case BGP_ST_ACTIVE:
		/* No connection: late events for a socket already closed. */
		break;
	case BGP_ST_CONNECT:
		switch (ev) {
		case BGP_EV_TCP_CR_ACKED:
			bgp_timer_stop(&f->connect_retry);
			emit(out, BGP_DO_SEND_OPEN, ci, 0, 0);
			bgp_timer_start(&c->hold, now(f), (int64_t)f->cfg.open_hold_ms * MS);
			c->state = BGP_ST_OPENSENT;
			set_reason(f, BGP_RS_TCP_CONNECTED);
			break;
		case BGP_EV_TCP_FAILS:
			set_reason(f, BGP_RS_TCP_FAILED);
			conn_drop(f, ci, false, 0, 0, out);
			f->base = BGP_ST_ACTIVE;
			break;
		default: break;
		}
		break;
	case BGP_ST_OPENSENT:
		switch (ev) {
		case BGP_EV_OPEN: rx_open(f, ci, in, out); break;
		case BGP_EV_TCP_FAILS:
			/* s8.2.2 OpenSent, event 18: restart the ConnectRetryTimer (done
			 * by conn_drop), keep listening, go to Active (not Idle). */
			set_reason(f, BGP_RS_TCP_CLOSED);
			conn_drop(f, ci, false, 0, 0, out);
			if (f->started && !any_conn(f))
				f->base = BGP_ST_ACTIVE;
			break;
		case BGP_EV_HOLD_EXPIRES:
			set_reason_code(f, BGP_RS_HOLD_EXPIRED, BGP_ERR_HOLD_TIMER, 0);
			conn_drop(f, ci, true, BGP_ERR_HOLD_TIMER, 0, out);
			break;
		case BGP_EV_NOTIFICATION:
			set_reason_code(f, BGP_RS_NOTIFICATION_RECEIVED, in->code, in->subcode);
			conn_drop(f, ci, false, 0, 0, out);
			break;
		case BGP_EV_MSG_ERROR:
			set_reason_code(f, BGP_RS_NOTIFICATION_SENT, in->code, in->subcode);
			conn_drop(f, ci, true, in->code, in->subcode, out);
			break;
		case BGP_EV_KEEPALIVE:
		case BGP_EV_UPDATE:
		case BGP_EV_ROUTE_REFRESH: fsm_error(f, ci, fsm_error_sub(c->state), out); break;
		default: break;
		}
		break;
	case BGP_ST_OPENCONFIRM:
	case BGP_ST_ESTABLISHED:
		switch (ev) {
		case BGP_EV_KEEPALIVE:
			if (c->state == BGP_ST_OPENCONFIRM)
				established(f, ci, out);
			else
				restart_hold(f, c);
			break;
		case BGP_EV_UPDATE:
			if (c->state == BGP_ST_ESTABLISHED)
				restart_hold(f, c);
			else
				fsm_error(f, ci, fsm_error_sub(c->state), out);
			break;
		case BGP_EV_ROUTE_REFRESH:
			/* Answered by the RIB; deliberately no HoldTimer restart. */
			if (c->state != BGP_ST_ESTABLISHED)
				fsm_error(f, ci, fsm_error_sub(c->state), out);
			break;
		case BGP_EV_OPEN: fsm_error(f, ci, fsm_error_sub(c->state), out); break;
		case BGP_EV_KEEPALIVE_EXPIRES:
			emit(out, BGP_DO_SEND_KEEPALIVE, ci, 0, 0);
			start_keepalive(f, c);
			break;
		case BGP_EV_UPDATE_SENT:
			/* s8.2.2 Established: sending an UPDATE restarts the KeepaliveTimer. */
			if (c->state == BGP_ST_ESTABLISHED && c->hold_ms)
				start_keepalive(f, c);
			break;
		case BGP_EV_HOLD_EXPIRES:
			set_reason_code(f, BGP_RS_HOLD_EXPIRED, BGP_ERR_HOLD_TIMER, 0);
			conn_drop(f, ci, true, BGP_ERR_HOLD_TIMER, 0, out);
			break;
		case BGP_EV_TCP_FAILS:
			set_reason(f, BGP_RS_TCP_CLOSED);
			conn_drop(f, ci, false, 0, 0, out);
			break;
		case BGP_EV_NOTIFICATION:
			set_reason_code(f, BGP_RS_NOTIFICATION_RECEIVED, in->code, in->subcode);
			conn_drop(f, ci, false, 0, 0, out);
			break;
		case BGP_EV_MSG_ERROR:
			set_reason_code(f, BGP_RS_NOTIFICATION_SENT, in->code, in->subcode);
			conn_drop(f, ci, true, in->code, in->subcode, out);
			break;
		default: break;
		}
		break;
	}
}

/* Appends the state change of this event (its actions start at out->a[first]). The
 * journal must say "Established" before the first UPDATE the RIB sends on it, so the
 * change goes in front of a RIB_UP of this event rather than after it. */
static void finish(struct bgp_fsm *f, enum bgp_state from, int first, struct bgp_fsm_out *out)
{
	f->state = compute_state(f);
	if (f->state == from || out->n >= BGP_FSM_OUT_MAX)
		return;
	emit(out, BGP_DO_STATE, -1, f->reason_code ? f->reason_c : 0,
	     f->reason_code ? f->reason_s : 0);
	struct bgp_fsm_action st = out->a[out->n - 1];
	st.from = from;
	st.to = f->state;
	st.reason = f->reason;
	st.has_code = f->reason_code;
	int at = out->n - 1;
	for (int i = first; i < out->n - 1; i++)
		if (out->a[i].what == BGP_DO_RIB_UP) {
			at = i;
			break;
		}
	memmove(&out->a[at + 1], &out->a[at], (size_t)(out->n - 1 - at) * sizeof(out->a[0]));
	out->a[at] = st;
}

void bgp_fsm_event(struct bgp_fsm *f, int conn, enum bgp_event ev, const struct bgp_fsm_in *in,
                   struct bgp_fsm_out *out)
{
	enum bgp_state from = f->state;
	int first = out->n;
	set_reason(f, BGP_RS_START);
	switch (ev) {
	case BGP_EV_MANUAL_START:
	case BGP_EV_MANUAL_STOP:
	case BGP_EV_TUNNEL_DOWN:
	case BGP_EV_BFD_DOWN:
	case BGP_EV_BFD_UP:
	case BGP_EV_CONNECT_RETRY_EXPIRES: peer_event(f, ev, out); break;
	default:
		if (conn >= 0 && conn < BGP_CONN_MAX)
			conn_event(f, conn, ev, in, out);
		break;
	}
	finish(f, from, first, out);
}

int bgp_fsm_accept(struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	struct bgp_fsm_conn *c = &f->conn[BGP_CONN_IN];
	enum bgp_state from = f->state;
	int first = out->n;
	if (!f->started || c->state != BGP_ST_IDLE)
		return -1;
	/* Active/Connect/Idle(hold), event 17: OpenSent on the peer's connection. */
	f->base = BGP_ST_ACTIVE;
	bgp_timer_stop(&f->connect_retry);
	emit(out, BGP_DO_SEND_OPEN, BGP_CONN_IN, 0, 0);
	bgp_timer_start(&c->hold, now(f), (int64_t)f->cfg.open_hold_ms * MS);
	c->state = BGP_ST_OPENSENT;
	set_reason(f, BGP_RS_TCP_CONNECTED);
	finish(f, from, first, out);
	return BGP_CONN_IN;
}

bool bgp_fsm_tick(struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	int64_t t = now(f);
	int64_t best = BGP_TIMER_OFF;
	int which = -1; /* 0..1 hold, 2..3 keepalive, 4 connect retry */
	for (int ci = 0; ci < BGP_CONN_MAX; ci++) {
		if (f->conn[ci].hold.due_ns < best) {
			best = f->conn[ci].hold.due_ns;
			which = ci;
		}
		if (f->conn[ci].keepalive.due_ns < best) {
			best = f->conn[ci].keepalive.due_ns;
			which = 2 + ci;
		}
	}
	if (f->connect_retry.due_ns < best) {
		best = f->connect_retry.due_ns;
		which = 4;
	}
	if (which < 0 || best > t)
		return false;
	if (which < 2) {
		bgp_timer_stop(&f->conn[which].hold);
		bgp_fsm_event(f, which, BGP_EV_HOLD_EXPIRES, NULL, out);
	} else if (which < 4) {
		bgp_timer_stop(&f->conn[which - 2].keepalive);
		bgp_fsm_event(f, which - 2, BGP_EV_KEEPALIVE_EXPIRES, NULL, out);
	} else {
		bgp_fsm_event(f, -1, BGP_EV_CONNECT_RETRY_EXPIRES, NULL, out);
	}
	return true;
}

int64_t bgp_fsm_next_due(const struct bgp_fsm *f)
{
	int64_t best = f->connect_retry.due_ns;
	for (int ci = 0; ci < BGP_CONN_MAX; ci++) {
		if (f->conn[ci].hold.due_ns < best)
			best = f->conn[ci].hold.due_ns;
		if (f->conn[ci].keepalive.due_ns < best)
			best = f->conn[ci].keepalive.due_ns;
	}
	return best;
}

int bgp_fsm_established_conn(const struct bgp_fsm *f)
{
	for (int ci = 0; ci < BGP_CONN_MAX; ci++)
		if (f->conn[ci].state == BGP_ST_ESTABLISHED)
			return ci;
	return -1;
}

int bgp_fsm_main_conn(const struct bgp_fsm *f)
{
	int best = -1;
	for (int ci = 0; ci < BGP_CONN_MAX; ci++)
		if (f->conn[ci].state != BGP_ST_IDLE &&
		    (best < 0 || f->conn[ci].state > f->conn[best].state))
			best = ci;
	return best;
}

void bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_cfg *cfg, const struct bgp_clock *clock,
                  uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->clock = clock;
	bgp_rng_seed(&f->rng, seed);
	f->state = f->base = BGP_ST_IDLE;
	bgp_timer_stop(&f->connect_retry);
	for (int ci = 0; ci < BGP_CONN_MAX; ci++)
		conn_reset(&f->conn[ci]);
}

const char *bgp_state_name(enum bgp_state s)
{
	static const char *const n[] = {"Idle",     "Connect",     "Active",
	                                "OpenSent", "OpenConfirm", "Established"};
	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *bgp_reason_name(enum bgp_reason r)
{
	static const char *const n[] = {"start",
	                                "tcp-connected",
	                                "tcp-closed",
	                                "tcp-failed",
	                                "open-received",
	                                "keepalive-received",
	                                "hold-timer-expired",
	                                "connect-retry-expired",
	                                "notification-sent",
	                                "notification-received",
	                                "collision",
	                                "tunnel-down",
	                                "stop",
	                                "bfd-down",
	                                "bfd-up"};
	return (unsigned)r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}
