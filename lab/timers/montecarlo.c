/* Seeded Monte Carlo of the same mechanisms as closed.c, simulated event by event:
 * the peer's KEEPALIVE schedule with its jitter, the hold timer restarted (and, for
 * BIRD, re-jittered) on every arrival, charon's DPD check loop on a whole-second
 * clock, BFD packets, and the probe grid. The fault falls at a uniformly random
 * instant of schedules that have long forgotten their start (last_arrival); DPD's
 * check loop, which needs its history, runs from session start through a warm-up.
 * Nothing here calls the closed form, so the tests that compare the two check
 * both. */
#include <math.h>
#include <string.h>

#include "common/err.h"
#include "timers/timers_int.h"

/* xoshiro256** seeded through splitmix64 (Blackman and Vigna): small, fast, and
 * the same sequence on every platform for a given seed. */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct timers_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct timers_rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1). */
static double rng_unit(struct timers_rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

void timers_rng_seed(struct timers_rng *r, uint64_t seed)
{
	rng_seed(r, seed);
}

double timers_rng_unit(struct timers_rng *r)
{
	return rng_unit(r);
}

static double uniform(struct timers_rng *r, double a, double b)
{
	return a + (b - a) * rng_unit(r);
}

/* RFC 4271 s10 and BIRD's bgp_start_timer: a jittered timer runs [0.75T, T]. */
static double jittered(struct timers_rng *r, double t)
{
	return uniform(r, 0.75 * t, t);
}

/* The peer's periodic packets (KEEPALIVE or BFD), each interval jittered, on a
 * schedule that has run for a long time when the fault falls at a random instant.
 * Simulating it from session start would need ~70 intervals to forget the start
 * (the first harmonic of the phase shrinks by |sinc| = 0.87 per interval of
 * [0.75T, T]; after the 14 of a 4 x hold warm-up it is still 14 %, which moved the
 * median detection by 0.09 s). Instead the fault lands in an interval picked with
 * probability proportional to its length, as a uniform instant on a long schedule
 * does (rejection: accept a draw x with probability x / T), at a uniform point in
 * it. Returns how long before the fault the last packet arrived and, through
 * hold_expiry, when the hold timer restarted by it (a fresh draw for BIRD) expires,
 * relative to the fault. */
static double last_arrival(struct timers_mc *sm, double interval, double hold, bool hold_jitter,
                           double known_age, double *hold_expiry)
{
	double x, age = known_age;
	if (!(age >= 0)) {
		do
			x = jittered(&sm->rng, interval);
		while (uniform(&sm->rng, 0, interval) >= x);
		age = uniform(&sm->rng, 0, x);
	}
	if (hold_expiry)
		*hold_expiry = (hold_jitter ? jittered(&sm->rng, hold) : hold) - age;
	return age;
}

/* charon's send_dpd(): at each check, if the seconds-clock says nothing came in for
 * dpd_delay, probe; else re-check dpd_delay - diff later. Inbound traffic before the
 * fault is the peer's KEEPALIVEs (arrivals) and the answers to our own probes. */
static double dpd_detect(struct timers_mc *sm, uint32_t side, double fault)
{
	const struct timers_input *in = &sm->mi;
	double d = in->side[side].dpd_delay_s, g = in->clock_granularity_s;
	double k = timers_inbound_gap(in, &sm->ses, side);
	double phase = uniform(&sm->rng, 0, g);
	double next_ka = 0, last_in = 0, check = d;

	for (int guard = 0; guard < 1000000; guard++) {
		while (next_ka <= check && next_ka < fault) {
			last_in = next_ka;
			next_ka += jittered(&sm->rng, k);
		}
		double now_s = floor((check + phase) / g) * g;
		double last_s = floor((last_in + phase) / g) * g;
		double diff = now_s - last_s;
		if (diff >= d) {
			if (check < fault) {
				last_in = check; /* the peer answered */
				check += d;
				continue;
			}
			/* Request plus retransmissions, each waiting timeout * base^n. */
			const struct timers_ike_retransmit *rt = timers_side_retransmit(in, side);
			double t = rt->timeout_s, give_up = check;
			for (uint32_t n = 0; n <= rt->tries; n++, t *= rt->base)
				give_up += t;
			return give_up - fault;
		}
		check += d - diff;
	}
	return INFINITY;
}

static double detect(struct timers_mc *sm, uint32_t side, double fault)
{
	const struct timers_input *in = &sm->mi;
	const struct timers_side *s = &in->side[side];
	double best = INFINITY, expiry;

	if (in->fault == TIMERS_FAULT_KILL_SPEAKER)
		return 0;
	if (sm->ses.hold_s > 0) {
		last_arrival(sm, sm->ses.keepalive_s[side ^ 1], sm->ses.hold_s,
		             s->speaker == TIMERS_SPEAKER_BIRD,
		             s->last_rx_known ? s->last_rx_age_s : -1, &expiry);
		/* The real wake-up depends on the speaker's other traffic; uniform spans
		 * the bounds (timers.h, wake_max_s). */
		if (s->wake_max_s > 0)
			expiry += uniform(&sm->rng, 0, s->wake_max_s);
		best = fmin(best, expiry);
	}
	if (s->track_tunnel) {
		bool blind = in->fault == TIMERS_FAULT_KILL_CHARON && side == in->fault_side;
		if (in->fault == TIMERS_FAULT_IKE_MISMATCH)
			best = fmin(best, s->track_latency_s);
		else if (!blind && s->dpd_delay_s > 0)
			best = fmin(best, dpd_detect(sm, side, fault) + s->track_latency_s);
	}
	if (in->fault == TIMERS_FAULT_KILL_CHARON && side == in->fault_side &&
	    s->dev_dies_with_charon)
		best = 0;
	if (s->bfd_interval_s > 0 && s->bfd_detect_mult > 0) {
		double age = last_arrival(sm, s->bfd_interval_s, 0, false, -1, NULL);
		best = fmin(best, s->bfd_detect_mult * s->bfd_interval_s - age);
	}
	return best;
}

/* Probes leave at phase + n*I; one sent at t is lost iff t lies in [fault, fault+T).
 * Outage = first success after minus last success before. */
static double measured(const struct timers_input *in, double phase, double fault, double t)
{
	double iv = in->probe_interval_s;
	if (!isfinite(t))
		return INFINITY;
	if (iv <= 0)
		return t;
	double last = phase + (ceil((fault - phase) / iv) - 1) * iv;
	double first = phase + ceil((fault + t - phase) / iv) * iv;
	if (last >= fault)
		last -= iv;
	if (first < fault + t)
		first += iv;
	return first - last;
}

static void stat_add(struct timers_mc_stats *st, double v)
{
	if (!isfinite(v))
		return;
	if (st->n == 0 || v < st->w.min_s)
		st->w.min_s = v;
	if (st->n == 0 || v > st->w.max_s)
		st->w.max_s = v;
	st->mean_s += v;
	st->n++;
}

int timers_mc_begin(struct timers_mc *mc, const struct timers_input *in, const char *model,
                    uint64_t seed)
{
	if (timers_input_check(in) < 0 || timers_variant(in, model, &mc->v, &mc->mi) < 0)
		return -1;
	timers_negotiate(&mc->mi, &mc->ses);
	rng_seed(&mc->rng, seed);
	mc->k = fmax(mc->ses.keepalive_s[0], mc->ses.keepalive_s[1]);
	/* Long enough for every schedule to forget its start. */
	mc->warm = 4 * fmax(fmax(mc->k, mc->ses.hold_s), 1.0);
	return 0;
}

void timers_mc_next(struct timers_mc *mc, struct timers_mc_draw *dr)
{
	const struct timers_input *mi = &mc->mi;

	memset(dr, 0, sizeof(*dr));
	dr->fault_s = mc->warm + uniform(&mc->rng, 0, fmax(mc->k, 1.0));
	dr->phase_s = uniform(&mc->rng, 0, fmax(mi->probe_interval_s, 1e-9));
	if (mc->v.kind == TIMERS_MODEL_ARTICLE) {
		dr->t_s[0] = dr->t_s[1] = mc->ses.hold_s > 0
		                              ? uniform(&mc->rng, mi->article_k_min_s, mc->k) +
		                                    mc->ses.hold_s + mi->article_switch_s
		                              : INFINITY;
		return;
	}
	if (mi->fault == TIMERS_FAULT_KILL_SPEAKER)
		return;
	for (uint32_t s = 0; s < 2; s++)
		dr->t_s[s] = mi->alternate_path
		                 ? detect(mc, s, dr->fault_s) + mi->side[s].propagation_s +
		                       mi->side[s].programming_s
		                 : INFINITY;
}

double timers_mc_outage(const struct timers_mc *mc, const struct timers_mc_draw *dr,
                        const double add[2], enum timers_dir d)
{
	/* The article's number is its own measurement, with no probe grid of ours. */
	if (mc->v.kind == TIMERS_MODEL_ARTICLE)
		return dr->t_s[0];
	if (mc->mi.fault == TIMERS_FAULT_KILL_SPEAKER)
		return 0;
	double t0 = dr->t_s[0] + (add ? add[0] : 0), t1 = dr->t_s[1] + (add ? add[1] : 0);
	double t = d == TIMERS_FWD ? t0 : d == TIMERS_REV ? t1 : fmax(t0, t1);
	return measured(&mc->mi, dr->phase_s, dr->fault_s, t);
}

int timers_simulate(const struct timers_input *in, const char *model, uint64_t samples,
                    uint64_t seed, struct timers_mc_result *out)
{
	struct timers_mc mc;

	if (samples == 0)
		return lab_err(LAB_EXIT_USAGE, "Monte Carlo needs at least one sample");
	if (timers_mc_begin(&mc, in, model, seed) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	memcpy(out->model, mc.v.name, strlen(mc.v.name) + 1);
	for (uint64_t i = 0; i < samples; i++) {
		struct timers_mc_draw dr;
		timers_mc_next(&mc, &dr);
		for (int d = 0; d < TIMERS_NDIR; d++)
			stat_add(&out->dir[d],
			         timers_mc_outage(&mc, &dr, NULL, (enum timers_dir)d));
	}
	for (int d = 0; d < TIMERS_NDIR; d++) {
		struct timers_mc_stats *st = &out->dir[d];
		if (st->n)
			st->mean_s /= (double)st->n;
		else
			st->w.min_s = st->w.max_s = st->mean_s = INFINITY;
	}
	return 0;
}
