/* One BFD session (RFC 5880 asynchronous mode, s6.8), pure like fsm.h: no sockets,
 * no clock but the struct bgp_clock it is given, no journal. Inputs are a decoded
 * packet that passed bfd_set.c's checks, the expiry of its timers (bfd_session_tick)
 * and administrative up/down; effects are actions appended to a struct bfd_out that
 * the caller carries out in order (send a packet now, report a state change).
 *
 * The state x event switch is s6.8.6's "Update the state" rules plus s6.8.4
 * (detection) and s6.8.16 (administrative control):
 *
 *   state \ rx    AdminDown    Down     Init     Up       detect     admin-down   admin-up
 *   AdminDown    (discarded)  (disc.)  (disc.)  (disc.)  -          -            Down
 *   Down         -            Init     Up       -        RDiscr=0   AdminDown,7  -
 *   Init         Down,3       -        Up       Up       Down,1     AdminDown,7  -
 *   Up           Down,3       Down,3   -        -        Down,1     AdminDown,7  -
 *
 * ("Down,3": to Down with bfd.LocalDiag 3; "RDiscr=0": bfd.RemoteDiscr reset.)
 *
 * Timers (s6.8.3, s6.8.4, s6.8.7): bfd.DesiredMinTxInterval is at least 1 s while
 * the session is not Up; the transmit interval is max(DesiredMinTx, the peer's
 * Required Min RX), jittered per packet to 75-100 % (75-90 % when our Detect Mult
 * is 1); the detection time is the peer's Detect Mult x max(our RequiredMinRx, the
 * peer's Desired Min TX), restarted by every packet that passes the checks. Every
 * change of DesiredMinTx or RequiredMinRx starts a Poll Sequence (s6.5): packets
 * carry P until one with F comes back; while Up, a larger DesiredMinTx and a smaller
 * RequiredMinRx take effect only when that Final arrives (s6.8.3). A change while Up
 * during a poll started while Up waits for it and starts the next; a poll started
 * outside Up is simply replaced. A packet with P is answered at once
 * with F (s6.8.7, "without respect to the transmission timer").
 *
 * Deviations, on purpose:
 * - Asynchronous mode only: we never set D, and a peer's D bit is recorded but
 *   does not stop our periodic packets (no Demand mode, no Echo function:
 *   Required Min Echo RX is always 0). No authentication: packets with A are
 *   dropped (bfd_set.c) and we never set A.
 * - Active role only (s6.1): we send from the start, before we know the peer.
 * - A state change is sent at once instead of at the next periodic packet, so the
 *   peer learns of a Down (and its diagnostic) without waiting up to 1 s; the
 *   periodic schedule restarts from that packet.
 * - bfd.LocalDiag goes back to 0 when the session comes Up or is administratively
 *   enabled (s6.8.1 defines it as the reason of the most recent state change; Up
 *   has none).
 * - After AdminDown we keep sending (at the 1 s rate) rather than stop after a
 *   detection time (s6.8.16 "MAY cease"), so the peer keeps seeing AdminDown. */
#ifndef LAB_BGP_BFD_SESSION_H
#define LAB_BGP_BFD_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "bfd_packet.h"
#include "bgp_clock.h"
#include "timer.h"

#define BFD_SLOW_TX_US 1000000u /* s6.8.3: DesiredMinTx while not Up */

struct bfd_cfg {
	uint32_t desired_min_tx_us;  /* bfd.DesiredMinTxInterval once Up */
	uint32_t required_min_rx_us; /* bfd.RequiredMinRxInterval */
	uint8_t detect_mult;         /* bfd.DetectMult, 1-255 */
};

enum bfd_event {
	BFD_EV_RX_ADMIN_DOWN, /* a packet passed the checks: its State field */
	BFD_EV_RX_DOWN,
	BFD_EV_RX_INIT,
	BFD_EV_RX_UP,
	BFD_EV_DETECT_EXPIRES,
	BFD_EV_ADMIN_DOWN,
	BFD_EV_ADMIN_UP,
};

enum bfd_do {
	BFD_DO_SEND,  /* send a packet built by bfd_session_packet(final) now */
	BFD_DO_STATE, /* state changed: from, to, diag (our new bfd.LocalDiag) */
};

struct bfd_action {
	enum bfd_do what;
	bool final;
	enum bfd_state from, to;
	uint8_t diag;
	/* BFD_DO_STATE to Down: the peer said AdminDown. RFC 5882 s3.2: that is not a
	 * path failure, so clients (BGP) must not be taken down for it. */
	bool remote_admin_down;
};

#define BFD_OUT_MAX 8
struct bfd_out {
	int n;
	struct bfd_action a[BFD_OUT_MAX];
};

struct bfd_session {
	struct bfd_cfg cfg;
	const struct bgp_clock *clock;
	struct bgp_rng rng;
	/* s6.8.1 state variables */
	enum bfd_state state;        /* bfd.SessionState */
	enum bfd_state remote_state; /* bfd.RemoteSessionState */
	uint32_t local_disc, remote_disc;
	uint8_t local_diag;
	uint32_t desired_min_tx_us;  /* bfd.DesiredMinTxInterval, as advertised */
	uint32_t required_min_rx_us; /* bfd.RequiredMinRxInterval, as advertised */
	uint32_t remote_min_rx_us;   /* bfd.RemoteMinRxInterval (initially 1) */
	bool remote_demand;          /* bfd.RemoteDemandMode (recorded only) */
	uint8_t detect_mult;         /* bfd.DetectMult */
	/* what the peer last said */
	uint32_t remote_desired_tx_us;
	uint8_t remote_detect_mult;
	uint8_t remote_diag;
	/* in force: differ from the advertised values during a Poll Sequence (s6.8.3) */
	uint32_t tx_basis_us; /* DesiredMinTx the transmit interval is computed from */
	uint32_t rx_basis_us; /* RequiredMinRx the detection time is computed from */
	bool poll;            /* a Poll Sequence is running: we set P */
	bool poll_up;         /* ... and was started while Up */
	bool poll_queued;     /* values changed during it: apply and poll again after */
	uint32_t queued_tx_us, queued_rx_us;
	struct bgp_timer tx, detect;
	int64_t last_rx_ns, last_tx_ns; /* -1: never */
	int64_t state_ns;               /* when the state last changed */
	uint64_t rx_packets, tx_packets, polls_done;
	uint32_t up_count;
};

/* local_disc: nonzero and unique among the caller's sessions (bfd_set.c picks it).
 * The session starts Down (s6.8.1) with its transmit timer running. */
void bfd_session_init(struct bfd_session *s, const struct bfd_cfg *cfg, uint32_t local_disc,
                      const struct bgp_clock *clock, uint64_t seed);
/* A packet that passed every reception check (bfd_set_input). */
void bfd_session_rx(struct bfd_session *s, const struct bfd_pkt *p, struct bfd_out *out);
void bfd_session_admin(struct bfd_session *s, bool up, struct bfd_out *out);
/* New configured timers (s6.8.3: a Poll Sequence carries the change). */
void bfd_session_set_cfg(struct bfd_session *s, const struct bfd_cfg *cfg, struct bfd_out *out);
/* Fires the earliest due timer, if any; returns true if one fired. Call until false. */
bool bfd_session_tick(struct bfd_session *s, struct bfd_out *out);
int64_t bfd_session_next_due(const struct bfd_session *s);
/* The packet to send now: with F for a BFD_DO_SEND whose final is set (then P is
 * clear, s6.5), else with P while a Poll Sequence runs. Counts it as sent. */
void bfd_session_packet(struct bfd_session *s, bool final, struct bfd_pkt *p);

/* s6.8.7: the interval between our packets before jitter, in us (0: we must not
 * send periodically, the peer's Required Min RX is 0). */
uint32_t bfd_tx_interval_us(const struct bfd_session *s);
/* s6.8.4: our detection time in us (0 before the peer has told us anything). */
uint64_t bfd_detect_time_us(const struct bfd_session *s);
/* The interval the peer sends at, as we account for it: max(our RequiredMinRx in
 * force, the peer's Desired Min TX). */
uint32_t bfd_rx_interval_us(const struct bfd_session *s);
/* s6.8.7 jitter: uniform in [0.75, 1] x len, or [0.75, 0.9] x len when mult is 1. */
int64_t bfd_jitter(struct bgp_rng *r, int64_t len_ns, uint8_t detect_mult);

#endif
