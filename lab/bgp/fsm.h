/* The BGP finite state machine (RFC 4271 s8), pure: no sockets, no clock reads of
 * its own beyond the struct bgp_clock it is given, no journal. Every input is an
 * event; every effect is an action appended to a struct bgp_fsm_out that the
 * session layer (session.c) carries out in order. Unit tests run it entirely on a
 * fake clock.
 *
 * One FSM per configured neighbor, with up to two TCP connections: the one we
 * initiate (BGP_CONN_OUT) and one the peer initiates (BGP_CONN_IN). Both run
 * OpenSent -> OpenConfirm -> Established on their own hold/keepalive timers until
 * connection collision detection (RFC 4271 s6.8) closes one. The neighbor's state,
 * the one journals and `show` report, is that of its most advanced connection, else
 * Connect while our TCP connect is pending, else Active (started, waiting) or Idle.
 *
 * Deviations from the letter of s8, on purpose:
 * - Automatic restart: after a session fails the neighbor sits in Idle for one
 *   jittered ConnectRetry time (the ConnectRetryTimer serves as IdleHoldTimer), then
 *   starts again by itself. A TCP connection from the peer is accepted even in that
 *   Idle (a passive automatic start), so a peer whose connect-retry is long (BIRD:
 *   120 s) is not turned away.
 * - A failed TCP connect leaves the neighbor in Active (as OpenBGPD does) rather than
 *   Idle; the running ConnectRetryTimer retries.
 * - Unexpected messages get the RFC 6608 FSM error subcodes.
 * - BGP identifiers per RFC 6286: an eBGP peer may use ours (collisions between
 *   equal identifiers keep the connection of the larger AS); from iBGP it is 2/3.
 * - No DelayOpen, DampPeerOscillations, ConnectRetryCounter or version fallback:
 *   a NOTIFICATION with a version error (event 24) is handled as any other
 *   (event 25); a NOTIFICATION received in OpenSent closes without sending the FSM
 *   error the letter of s8.2.2 asks for (nothing would read it).
 * - A passive neighbor never connects, also when its ConnectRetryTimer expires in
 *   Active (s8.2.2 would initiate a connection there).
 * As s8.2.2 says: a TCP failure in OpenSent leaves the neighbor in Active with the
 * ConnectRetryTimer restarted; in OpenConfirm and Established it goes Idle.
 * BFD (RFC 5882): BGP_EV_BFD_DOWN stops the neighbor like a tracked tunnel going
 * down, with CEASE 6/10 "BFD Down" (RFC 9384), and it stays stopped until
 * BGP_EV_BFD_UP, also when its tunnel comes back meanwhile (s4.3: "the BGP session
 * SHOULD NOT be re-established until the BFD session is Up"). Only the BFD session
 * leaving Up is an event: a neighbor whose BFD never came up is not held back, and a
 * peer's AdminDown is not one (RFC 5882 s3.2; session.c decides).
 * Timers: the HoldTimer is never jittered; KeepaliveTimer and ConnectRetryTimer are
 * (s10, [0.75, 1] x). The HoldTimer restarts on a received KEEPALIVE or UPDATE and on
 * nothing else (s8.2.2 Established, events 26 and 27). */
#ifndef LAB_BGP_FSM_H
#define LAB_BGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_clock.h"
#include "timer.h"

enum bgp_state {
	BGP_ST_IDLE,
	BGP_ST_CONNECT,
	BGP_ST_ACTIVE,
	BGP_ST_OPENSENT,
	BGP_ST_OPENCONFIRM,
	BGP_ST_ESTABLISHED,
};

enum bgp_conn_dir {
	BGP_CONN_OUT = 0, /* we called connect() */
	BGP_CONN_IN = 1,  /* the peer connected to our listening socket */
	BGP_CONN_MAX = 2,
};

enum bgp_event {
	BGP_EV_MANUAL_START,          /* event 1 (also: tracked tunnel came back up) */
	BGP_EV_MANUAL_STOP,           /* event 2 (daemon shutting down) */
	BGP_EV_TUNNEL_DOWN,           /* control socket: the tracked tunnel died */
	BGP_EV_TCP_CR_ACKED,          /* event 16: our connect() completed (conn OUT) */
	BGP_EV_TCP_FAILS,             /* event 18: connect failed, or the connection closed */
	BGP_EV_OPEN,                  /* event 19 (input: the peer's OPEN) */
	BGP_EV_NOTIFICATION,          /* events 24/25 (input: code/subcode received) */
	BGP_EV_KEEPALIVE,             /* event 26 */
	BGP_EV_UPDATE,                /* event 27 */
	BGP_EV_ROUTE_REFRESH,         /* RFC 2918: no timer effect */
	BGP_EV_MSG_ERROR,             /* events 21/22/28: input code/subcode to send */
	BGP_EV_HOLD_EXPIRES,          /* event 10 (normally raised by bgp_fsm_tick) */
	BGP_EV_KEEPALIVE_EXPIRES,     /* event 11 */
	BGP_EV_CONNECT_RETRY_EXPIRES, /* event 9 */
	BGP_EV_UPDATE_SENT,           /* we sent an UPDATE: restarts the KeepaliveTimer */
	BGP_EV_BFD_DOWN,              /* the neighbor's BFD session left Up (RFC 5882 s4.3) */
	BGP_EV_BFD_UP,                /* ... and came back Up */
};

/* Why the neighbor changed state: the journal's `reason` vocabulary (journal.md). */
enum bgp_reason {
	BGP_RS_START,
	BGP_RS_TCP_CONNECTED,
	BGP_RS_TCP_CLOSED,
	BGP_RS_TCP_FAILED,
	BGP_RS_OPEN_RECEIVED,
	BGP_RS_KEEPALIVE_RECEIVED,
	BGP_RS_HOLD_EXPIRED,
	BGP_RS_CONNECT_RETRY_EXPIRED,
	BGP_RS_NOTIFICATION_SENT,
	BGP_RS_NOTIFICATION_RECEIVED,
	BGP_RS_COLLISION,
	BGP_RS_TUNNEL_DOWN,
	BGP_RS_STOP,
	BGP_RS_BFD_DOWN,
	BGP_RS_BFD_UP,
};

struct bgp_fsm_cfg {
	uint32_t local_as;
	uint32_t remote_as;
	uint32_t local_id; /* BGP identifier, host byte order (compared as an integer) */
	uint32_t hold_ms;  /* 0 or >= 3000, multiple of 1000 */
	uint32_t keepalive_ms;
	uint32_t connect_retry_ms;
	uint32_t open_hold_ms; /* HoldTimer in OpenSent */
	bool passive;
};

/* Input that goes with some events. */
struct bgp_fsm_in {
	/* BGP_EV_OPEN: what the peer's OPEN says */
	uint32_t peer_as;
	uint16_t hold_s;
	uint32_t peer_id; /* host byte order */
	/* BGP_EV_NOTIFICATION (received) and BGP_EV_MSG_ERROR (to send) */
	uint8_t code, subcode;
};

enum bgp_fsm_do {
	BGP_DO_CONNECT, /* start a non-blocking connect() for conn OUT */
	BGP_DO_CLOSE,   /* close conn's socket (after flushing queued output) */
	BGP_DO_SEND_OPEN,
	BGP_DO_SEND_KEEPALIVE,
	BGP_DO_SEND_NOTIFICATION, /* code/subcode */
	BGP_DO_RIB_UP,            /* conn reached Established */
	BGP_DO_RIB_DOWN,          /* conn left Established */
	BGP_DO_STATE,             /* neighbor state changed: from, to, reason, code/subcode */
};

struct bgp_fsm_action {
	enum bgp_fsm_do what;
	int conn;
	uint8_t code, subcode;
	enum bgp_state from, to;
	enum bgp_reason reason;
	bool has_code; /* code/subcode belong to the state change */
};

#define BGP_FSM_OUT_MAX 24
struct bgp_fsm_out {
	int n;
	struct bgp_fsm_action a[BGP_FSM_OUT_MAX];
};

struct bgp_fsm_conn {
	enum bgp_state state; /* IDLE: no connection; CONNECT: OUT only, TCP pending */
	struct bgp_timer hold, keepalive;
	uint32_t hold_ms, keepalive_ms; /* negotiated (valid from OpenConfirm) */
	uint32_t remote_id;
};

struct bgp_fsm_error {
	bool set;
	bool sent; /* we sent it (else received) */
	uint8_t code, subcode;
	int64_t at_ns;
};

struct bgp_fsm {
	struct bgp_fsm_cfg cfg;
	const struct bgp_clock *clock;
	struct bgp_rng rng;
	enum bgp_state state; /* the neighbor's, as reported */
	enum bgp_state base;  /* without a connection: IDLE or ACTIVE */
	bool started;         /* ManualStart seen, no ManualStop/tunnel-down since */
	bool tunnel_down;
	bool bfd_down;                  /* BFD went Down: stopped until BGP_EV_BFD_UP */
	struct bgp_timer connect_retry; /* also the idle hold after a failure */
	struct bgp_fsm_conn conn[BGP_CONN_MAX];
	int64_t established_ns; /* when the current session reached Established */
	uint32_t established_count;
	struct bgp_fsm_error last_error;
	/* scratch while handling one event */
	enum bgp_reason reason;
	bool reason_code;
	uint8_t reason_c, reason_s;
};

void bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_cfg *cfg, const struct bgp_clock *clock,
                  uint64_t seed);
void bgp_fsm_event(struct bgp_fsm *f, int conn, enum bgp_event ev, const struct bgp_fsm_in *in,
                   struct bgp_fsm_out *out);
/* The peer connected to us. Returns BGP_CONN_IN when the connection is taken (it is
 * then in OpenSent and an OPEN is queued), -1 when it must be closed. */
int bgp_fsm_accept(struct bgp_fsm *f, struct bgp_fsm_out *out);
/* Fires the earliest due timer, if any; returns true if one fired. Call until false. */
bool bgp_fsm_tick(struct bgp_fsm *f, struct bgp_fsm_out *out);
/* Earliest timer deadline (ns on the FSM's clock), BGP_TIMER_OFF if none. */
int64_t bgp_fsm_next_due(const struct bgp_fsm *f);
/* The connection in Established, or -1. */
int bgp_fsm_established_conn(const struct bgp_fsm *f);
/* The most advanced connection (for negotiated values and timers in `show`), or -1. */
int bgp_fsm_main_conn(const struct bgp_fsm *f);

/* Negotiation (RFC 4271 s4.2, s10): hold = min(ours, theirs) in whole seconds;
 * keepalive = min(configured, hold/3); both 0 when hold is 0. */
void bgp_negotiate(uint32_t our_hold_ms, uint32_t our_keepalive_ms, uint16_t peer_hold_s,
                   uint32_t *hold_ms, uint32_t *keepalive_ms);

const char *bgp_state_name(enum bgp_state s);
const char *bgp_reason_name(enum bgp_reason r);

#endif
