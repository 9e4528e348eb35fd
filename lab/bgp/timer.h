/* Deadline timers on the speaker's clock (after OpenBGPD's timer.c): a timer is an
 * absolute instant or stopped. Nothing fires by itself; the owner asks which of its
 * timers are due and when the next one is, and the event loop sleeps until then. */
#ifndef LAB_BGP_TIMER_H
#define LAB_BGP_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define BGP_TIMER_OFF INT64_MAX

struct bgp_timer {
	int64_t due_ns; /* BGP_TIMER_OFF when stopped */
	int64_t len_ns; /* the duration it was last started with (after jitter) */
};

void bgp_timer_stop(struct bgp_timer *t);
void bgp_timer_start(struct bgp_timer *t, int64_t now, int64_t len_ns);
bool bgp_timer_running(const struct bgp_timer *t);
/* Milliseconds left (rounded up), or -1 when stopped. */
int64_t bgp_timer_left_ms(const struct bgp_timer *t, int64_t now);

/* A small deterministic PRNG (xorshift64*) so jitter is reproducible in tests. */
struct bgp_rng {
	uint64_t s;
};
void bgp_rng_seed(struct bgp_rng *r, uint64_t seed);
uint64_t bgp_rng_next(struct bgp_rng *r);

/* RFC 4271 s10: a jittered duration, uniform in [0.75 * len, len]. Only the
 * KeepaliveTimer and the ConnectRetryTimer are jittered (the HoldTimer never is). */
int64_t bgp_jitter(struct bgp_rng *r, int64_t len_ns);

#endif
