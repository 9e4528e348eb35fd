/* The speaker's one source of time. Every timer deadline, uptime and journal stamp
 * comes from a struct bgp_clock, so unit tests drive the whole FSM on a fake clock
 * that only moves when the test says so, and the daemon uses CLOCK_MONOTONIC (the
 * clock every journal of the lab is merged on). */
#ifndef LAB_BGP_CLOCK_H
#define LAB_BGP_CLOCK_H

#include <stdint.h>

struct bgp_clock {
	int64_t (*now_ns)(const struct bgp_clock *c);
	int64_t fake_ns; /* the fake clock's current instant */
};

/* CLOCK_MONOTONIC. */
void bgp_clock_real(struct bgp_clock *c);
/* A clock that stands at start_ns until bgp_clock_advance/set moves it. */
void bgp_clock_fake(struct bgp_clock *c, int64_t start_ns);
void bgp_clock_advance(struct bgp_clock *c, int64_t ns);
void bgp_clock_set(struct bgp_clock *c, int64_t ns);

static inline int64_t bgp_now(const struct bgp_clock *c)
{
	return c->now_ns(c);
}

#endif
