#include "timer.h"

void bgp_timer_stop(struct bgp_timer *t)
{
	t->due_ns = BGP_TIMER_OFF;
	t->len_ns = 0;
}

void bgp_timer_start(struct bgp_timer *t, int64_t now, int64_t len_ns)
{
	t->due_ns = now + len_ns;
	t->len_ns = len_ns;
}

bool bgp_timer_running(const struct bgp_timer *t)
{
	return t->due_ns != BGP_TIMER_OFF;
}

int64_t bgp_timer_left_ms(const struct bgp_timer *t, int64_t now)
{
	if (t->due_ns == BGP_TIMER_OFF)
		return -1;
	int64_t left = t->due_ns - now;
	if (left <= 0)
		return 0;
	return (left + 999999) / 1000000;
}

void bgp_rng_seed(struct bgp_rng *r, uint64_t seed)
{
	/* xorshift must never hold zero. */
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t bgp_rng_next(struct bgp_rng *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

int64_t bgp_jitter(struct bgp_rng *r, int64_t len_ns)
{
	if (len_ns <= 0)
		return len_ns;
	/* 53 random bits -> [0, 1], then 0.75 + 0.25 * u: both ends reachable. */
	double u = (double)(bgp_rng_next(r) >> 11) / (double)((1ULL << 53) - 1);
	int64_t v = (int64_t)((double)len_ns * (0.75 + 0.25 * u));
	int64_t lo = len_ns - len_ns / 4;
	if (v < lo)
		v = lo;
	if (v > len_ns)
		v = len_ns;
	return v;
}
