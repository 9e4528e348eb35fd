/* Shared helpers for the FSM unit tests: a neighbor on a fake clock, driven into a
 * given state through the same events the daemon would feed it. */
#ifndef TEST_BGP_FSM_UTIL_H
#define TEST_BGP_FSM_UTIL_H

#include <string.h>

#include "bgp_clock.h"
#include "fsm.h"
#include "msg.h"

#define MS_ 1000000LL
#define SEC_ 1000000000LL

#define LOCAL_AS 64512u
#define REMOTE_AS 65515u
#define LOCAL_ID 0xa9fe1501u /* 169.254.21.1 */
#define PEER_ID_LOW 0x0a000001u
#define PEER_ID_HIGH 0xc0000001u

static inline void fsm_new(struct bgp_fsm *f, struct bgp_clock *clk, bool passive, uint32_t hold_ms,
                           uint32_t keepalive_ms)
{
	struct bgp_fsm_cfg cfg = {
	    .local_as = LOCAL_AS,
	    .remote_as = REMOTE_AS,
	    .local_id = LOCAL_ID,
	    .hold_ms = hold_ms,
	    .keepalive_ms = keepalive_ms,
	    .connect_retry_ms = 5000,
	    .open_hold_ms = 240000,
	    .passive = passive,
	};
	bgp_fsm_init(f, &cfg, clk, 42);
}

static inline struct bgp_fsm_in open_in(uint16_t hold_s, uint32_t id)
{
	struct bgp_fsm_in in = {.peer_as = REMOTE_AS, .hold_s = hold_s, .peer_id = id};
	return in;
}

/* Bitmask of the action kinds in out (BGP_DO_STATE excluded). */
static inline unsigned do_mask(const struct bgp_fsm_out *out)
{
	unsigned m = 0;
	for (int i = 0; i < out->n; i++)
		if (out->a[i].what != BGP_DO_STATE)
			m |= 1u << out->a[i].what;
	return m;
}

static inline const struct bgp_fsm_action *find_do(const struct bgp_fsm_out *out,
                                                   enum bgp_fsm_do what)
{
	for (int i = 0; i < out->n; i++)
		if (out->a[i].what == what)
			return &out->a[i];
	return NULL;
}

static inline void ev(struct bgp_fsm *f, int conn, enum bgp_event e, const struct bgp_fsm_in *in,
                      struct bgp_fsm_out *out)
{
	memset(out, 0, sizeof(*out));
	bgp_fsm_event(f, conn, e, in, out);
}

/* Drives the OUT connection to target (OpenSent..Established). */
static inline void drive_out(struct bgp_fsm *f, enum bgp_state target, uint16_t peer_hold_s)
{
	struct bgp_fsm_out out;
	ev(f, -1, BGP_EV_MANUAL_START, NULL, &out);
	if (target == BGP_ST_CONNECT)
		return;
	ev(f, BGP_CONN_OUT, BGP_EV_TCP_CR_ACKED, NULL, &out);
	if (target == BGP_ST_OPENSENT)
		return;
	struct bgp_fsm_in in = open_in(peer_hold_s, PEER_ID_LOW);
	ev(f, BGP_CONN_OUT, BGP_EV_OPEN, &in, &out);
	if (target == BGP_ST_OPENCONFIRM)
		return;
	ev(f, BGP_CONN_OUT, BGP_EV_KEEPALIVE, NULL, &out);
}

#endif
