/* Reversion: after a heal, how long until the restored tunnel carries traffic
 * again (RFC 6412 s2 and RFC 6413 call what flows suffer then "reversion
 * convergence"). A window like the outage's, from the same kind of inputs, kept
 * apart from timers.h because nothing of the outage model depends on it.
 *
 * The path back, in order: the IKE and CHILD SAs come back (labctl's heal reloads
 * the connection and initiates: two exchanges, modelled as at most
 * TIMERS_REVERSION_IKE_MAX_S); BIRD refuses every connection until its error wait
 * after the hold-timer error has passed (measured: it closes ours at once), so the
 * later of the two; the BGP session then comes back at the first connection
 * attempt of either end: our speaker retries every connect-retry (jittered to
 * [0.75, 1] x, RFC 4271 s10), BIRD connects after its connect delay, then every
 * connect retry time;
 * the OPEN exchange and the first UPDATE (round trips of milliseconds: not a part);
 * each router behind a gateway programs the route after its programming delay; the
 * probes see it within two intervals. Both directions carry traffic on both tunnels
 * when the slower router has programmed.
 *
 * Not modelled: a TCP SYN sent into the dead tunnel and retransmitted by the kernel
 * (1, 2, 4 ... s) can make a speaker's attempt later than its timer says; where in
 * its error wait BIRD is at the heal (the window takes none to all of it). */
#ifndef LAB_TIMERS_REVERSION_H
#define LAB_TIMERS_REVERSION_H

#include <stdbool.h>

#include "timers/timers.h"

/* IKE_SA_INIT + IKE_AUTH with the CHILD SA over an unloaded underlay: well under a
 * second; charon's first retransmission (4 s x time scale) would come on top if a
 * packet were lost, which the lab's underlay does not do after a heal. */
#define TIMERS_REVERSION_IKE_MAX_S 1.0

struct timers_reversion_side {
	char gateway[TIMERS_NAME_MAX], router[TIMERS_NAME_MAX];
	enum timers_speaker speaker;
	bool passive;            /* never connects: only the peer's attempt counts */
	double connect_retry_s;  /* configured (the lab's speaker config: 5 s if unset) */
	double error_wait_max_s; /* BIRD: the upper end of `error wait time`; else 0 */
	double connect_delay_s;  /* BIRD: `connect delay time` (1 s in the lab); else 0 */
	double programming_s;    /* the router's route programming delay */
};

struct timers_reversion_input {
	struct timers_reversion_side side[2];
	double probe_interval_s;
	double ike_max_s; /* TIMERS_REVERSION_IKE_MAX_S unless set */
	/* The session was lost during the fault (its hold timer or another cause): a
	 * heal before that leaves the session up, and reversion is the tunnel alone. */
	bool session_lost;
};

struct timers_reversion {
	struct timers_window w; /* heal -> both tunnels carry both directions */
	struct timers_part parts[TIMERS_MAX_PARTS];
	size_t n_parts;
	char note[160];
};

/* From a topology already scaled (topo_apply_time_scale) and one of its tunnels,
 * with the side order of `in` (timers_input_from_topo's: side 0 = the probe's
 * source site). 0 or -1 with lab_err set. */
int timers_reversion_from_topo(const struct topo *scaled, uint32_t tunnel,
                               const struct timers_input *in, struct timers_reversion_input *out);
/* The window. 0, or -1 with lab_err for bad input. */
int timers_reversion_predict(const struct timers_reversion_input *in, struct timers_reversion *out);

struct json;
void timers_reversion_json(struct json *j, const struct timers_reversion *r);

#endif
