/* Partial loss (`labctl fault loss P%`): a grey failure. The lab's nftables rule
 * drops each of the tunnel's underlay packets (IKE on UDP 500/4500, ESP) on its own
 * with probability p, in both directions; nothing is down, so no mechanism has to
 * fire. This Monte Carlo gives, for a fault of duration D, the probability that
 * each mechanism (BGP hold timer over TCP, BFD, DPD with tunnel tracking) declares
 * the path dead, when, what the failover that follows does to the loss, and the
 * expected RFC 6413 loss-derived convergence time. docs/timer-math.md "Partial
 * loss" states the model and its assumptions. */
#ifndef LAB_TIMERS_LOSS_MODEL_H
#define LAB_TIMERS_LOSS_MODEL_H

#include "timers/timers.h"

/* Linux's retransmission timer (RFC 6298 as Linux runs it, net/ipv4/tcp_input.c
 * tcp_set_rto, include/net/tcp.h): RTO = SRTT + max(4 RTTVAR, TCP_RTO_MIN) with
 * TCP_RTO_MIN = HZ/5 = 200 ms, doubled on every expiry (RFC 6298 s5.5), at most
 * TCP_RTO_MAX = 120 s. The lab's RTT (veth pairs between namespaces) is well
 * under a millisecond, so RTO = 200 ms + RTT. */
#define TIMERS_LOSS_RTO_MIN_S 0.2
#define TIMERS_LOSS_RTO_MAX_S 120.0
#define TIMERS_LOSS_SAMPLES 20000 /* faults simulated by default */
#define TIMERS_LOSS_DURATION_S 60.0

enum timers_loss_mech { TIMERS_LOSS_HOLD, TIMERS_LOSS_BFD, TIMERS_LOSS_DPD, TIMERS_LOSS_NMECH };
/* TIMERS_LOSS_NMECH stands for "none fired within D" in `first`. */

struct timers_loss_input {
	double p;          /* drop probability of each packet, [0, 1] */
	double duration_s; /* D: the fault lasts this long, then heals */
	double rtt_s;      /* round-trip time of the tunnel: 0.001 in the lab */
	uint64_t samples, seed;
};

struct timers_loss_mech_stats {
	bool configured;
	/* Fraction of faults in which this mechanism fires on some side within D (on
	 * its own clock: whether another fired before it does not matter). */
	double p_fire;
	uint64_t n_fired;
	double q_s[TIMERS_NQUANT]; /* when it first fired, given it fired; NAN if never */
};

struct timers_loss_result {
	struct timers_loss_input li;
	struct timers_loss_mech_stats mech[TIMERS_LOSS_NMECH];
	/* Which mechanism ended the grey failure first (index TIMERS_LOSS_NMECH: none
	 * within D, traffic kept flowing at 1 - p until the heal). */
	double p_first[TIMERS_LOSS_NMECH + 1];
	enum timers_loss_mech likeliest; /* the largest p_first (NMECH: none) */
	/* Per direction (fwd, rev, rtt): the traffic left the lossy tunnel within D
	 * (fwd: side 0's router switched; rtt: both), and the quantiles of when. */
	double p_failover[TIMERS_NDIR];
	double switch_q_s[TIMERS_NDIR][TIMERS_NQUANT]; /* NAN if never */
	/* Expected RFC 6413 loss-derived time per direction: the expected probes lost
	 * over the fault divided by the offered rate. p * D when nothing fires. */
	double loss_derived_s[TIMERS_NDIR];
	double loss_derived_nofire_s[TIMERS_NDIR];
};

const char *timers_loss_mech_name(enum timers_loss_mech m); /* "hold", "bfd", "dpd", "none" */
/* Parses "loss:P" or "loss:P%" (P in percent, 0-100) into *p (0-1). 0 or -1 + lab_err(2). */
int timers_loss_parse(const char *fault, double *p);
/* Simulates li->samples faults of the scenario `in` (its fault field is ignored).
 * Deterministic for a seed. 0 or -1 + lab_err(2) on bad input. */
int timers_loss_predict(const struct timers_input *in, const struct timers_loss_input *li,
                        struct timers_loss_result *out);
/* One line per mechanism and direction, as `predict` and the report print it. */
size_t timers_loss_format(const struct timers_loss_result *r, const char *indent, char *buf,
                          size_t len);
struct json;
void timers_loss_json(struct json *j, const struct timers_loss_result *r);
/* The document `labctl predict TOPOLOGY --fault loss:P --json` prints. */
void timers_loss_doc(struct json *j, const char *topology, const char *tunnel, double time_scale,
                     const struct timers_input *in, const struct timers_loss_result *r);

/* ---- internals, for the unit tests ---- */
struct timers_rng;
/* BFD detection on one direction: packets every interval x U[jlo, jhi] from
 * first_s on, the last received at last_s (<= 0); each lost with p. Detection when
 * nothing arrived for mult x interval (a packet due exactly at expiry arrives
 * first). Returns the time of detection, INFINITY past horizon_s. */
double timers_loss_bfd(struct timers_rng *r, double interval, double jlo, double jhi, uint32_t mult,
                       double p, double last_s, double first_s, double horizon_s);

#endif
