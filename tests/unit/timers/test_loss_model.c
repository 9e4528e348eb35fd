/* The partial-loss Monte Carlo (timers/loss_model.h): its limits (p = 0: nothing
 * fires; p = 1: the blackhole's simulator), monotony in p, BFD against the closed
 * form of a run of losses, and determinism for a seed. */
#include <math.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/loss_model.h"
#include "timers/timers_int.h"

#define N 20000

static struct timers_loss_result run(const struct timers_input *in, double p, double d, uint64_t n,
                                     uint64_t seed)
{
	struct timers_loss_input li = {
	    .p = p, .duration_s = d, .rtt_s = 0.001, .samples = n, .seed = seed};
	struct timers_loss_result r;
	memset(&r, 0, sizeof(r));
	CHECK(timers_loss_predict(in, &li, &r) == 0);
	return r;
}

static void article(struct timers_input *in, bool bfd)
{
	timers_input_article(in);
	in->side[0].programming_s = in->side[1].programming_s = 2.0;
	in->side[1].wake_max_s = TIMERS_BIRD_WAKE_MAX_S;
	if (bfd)
		for (int s = 0; s < 2; s++) {
			in->side[s].bfd_interval_s = 0.3;
			in->side[s].bfd_detect_mult = 3;
		}
}

static void no_loss(void)
{
	struct timers_input in;
	article(&in, true);
	in.side[0].track_tunnel = in.side[1].track_tunnel = true;
	in.side[0].dpd_delay_s = in.side[1].dpd_delay_s = 10;
	struct timers_loss_result r = run(&in, 0, 120, 2000, 3);
	for (int k = 0; k < TIMERS_LOSS_NMECH; k++) {
		CHECK(r.mech[k].configured);
		CHECK(r.mech[k].n_fired == 0);
	}
	CHECK(r.p_first[TIMERS_LOSS_NMECH] == 1);
	CHECK(r.likeliest == TIMERS_LOSS_NMECH);
	for (int d = 0; d < TIMERS_NDIR; d++) {
		CHECK(r.loss_derived_s[d] == 0);
		CHECK(r.p_failover[d] == 0);
	}
}

/* p = 1 is a blackhole: the per-direction switch times must follow the blackhole
 * simulator's (montecarlo.c, another seed) to within Monte Carlo error. */
static void blackhole_limit(bool bfd)
{
	struct timers_input in;
	article(&in, bfd);
	struct timers_loss_result r = run(&in, 1, 1000, N, 5);
	in.fault = TIMERS_FAULT_BLACKHOLE;
	struct timers_mc mc;
	CHECK(timers_mc_begin(&mc, &in, "lab", 6) == 0);
	static double v[2][N];
	for (size_t i = 0; i < N; i++) {
		struct timers_mc_draw dr;
		timers_mc_next(&mc, &dr);
		v[0][i] = dr.t_s[0];
		v[1][i] = dr.t_s[1];
	}
	for (int d = 0; d < 2; d++) {
		timers_sort(v[d], N);
		CHECK(r.p_failover[d] == 1);
		double lo = v[d][0], hi = v[d][N - 1];
		for (int k = 1; k < TIMERS_NQUANT - 1; k++) {
			double want = timers_quantile_sorted(v[d], N, timers_quantile_levels[k]);
			double got = r.switch_q_s[d][k];
			/* quantile error: a few hundredths of the spread at 20 000 faults */
			double tol = 0.02 * (hi - lo) + 1e-9;
			if (fabs(got - want) > tol)
				fprintf(stderr,
				        "  bfd %d dir %d p%g: loss model %.4f, blackhole %.4f\n",
				        bfd, d, timers_quantile_levels[k] * 100, got, want);
			CHECK(fabs(got - want) <= tol);
		}
	}
	/* Everything is lost before the switch: the loss-derived time is the switch. */
	CHECK(fabs(r.loss_derived_s[TIMERS_FWD] - r.switch_q_s[0][4]) <
	      0.2 * r.switch_q_s[0][4] + 1);
	CHECK(r.likeliest == (bfd ? TIMERS_LOSS_BFD : TIMERS_LOSS_HOLD));
}

static void monotone(void)
{
	struct timers_input in;
	article(&in, false);
	double prev_fire = -1, prev_fo = -1, prev_nofire = -1;
	for (int pc = 10; pc <= 90; pc += 10) {
		struct timers_loss_result r = run(&in, pc / 100.0, 60, 4000, 7);
		double f = r.mech[TIMERS_LOSS_HOLD].p_fire, fo = r.p_failover[TIMERS_RTT];
		double ld = r.loss_derived_s[TIMERS_RTT], nf = r.loss_derived_nofire_s[TIMERS_RTT];
		/* slack: the Monte Carlo's standard error at 4000 faults. The loss-derived
		 * time itself is not monotone: more loss fires the hold timer sooner,
		 * which ends the loss (docs/timer-math.md "Partial loss"). */
		CHECK(f >= prev_fire - 0.02);
		CHECK(fo >= prev_fo - 0.02);
		CHECK(nf > prev_nofire);
		CHECK(ld <= nf + 1e-9);
		/* fwd has one switch: faults without it lose p x D, the others less */
		CHECK(r.loss_derived_s[TIMERS_FWD] >=
		      (1 - r.p_failover[TIMERS_FWD]) * r.loss_derived_nofire_s[TIMERS_FWD] - 1e-9);
		prev_fire = f;
		prev_fo = fo;
		prev_nofire = nf;
	}
	CHECK(prev_fire > 0.9); /* at 90 % the 30 s hold timer fires within 60 s */
}

/* Packets every I exactly, the last received at 0: detection at the n-th packet
 * where n ends the first run of 3 losses, E[n] = (1 - p^3) / ((1 - p) p^3). */
static void bfd_closed_form(void)
{
	const double ps[] = {0.3, 0.5, 0.8};
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		double p = ps[i], iv = 0.05, sum = 0, sum2 = 0;
		struct timers_rng rng;
		timers_rng_seed(&rng, 11);
		const int n = 100000;
		for (int k = 0; k < n; k++) {
			double t = timers_loss_bfd(&rng, iv, 1, 1, 3, p, 0, iv, 1e9);
			sum += t;
			sum2 += t * t;
		}
		double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
		double want = iv * (1 - p * p * p) / ((1 - p) * p * p * p);
		if (fabs(mean - want) > 4 * sd / sqrt(n))
			fprintf(stderr, "  p %g: mean %.5f, closed form %.5f (sd %.5f)\n", p, mean,
			        want, sd);
		CHECK(fabs(mean - want) <= 4 * sd / sqrt(n));
	}
	/* p = 1: detection exactly mult x interval after the last packet. */
	struct timers_rng rng;
	timers_rng_seed(&rng, 1);
	CHECK(fabs(timers_loss_bfd(&rng, 0.3, 0.75, 1, 3, 1, -0.1, 0.2, 100) - 0.8) < 1e-12);
	CHECK(isinf(timers_loss_bfd(&rng, 0.3, 0.75, 1, 3, 0, -0.1, 0.2, 100)));
}

static void deterministic(void)
{
	struct timers_input in;
	article(&in, true);
	in.side[0].track_tunnel = in.side[1].track_tunnel = true;
	in.side[0].dpd_delay_s = in.side[1].dpd_delay_s = 10;
	struct timers_loss_result a = run(&in, 0.6, 60, 3000, 42);
	struct timers_loss_result b = run(&in, 0.6, 60, 3000, 42);
	struct timers_loss_result c = run(&in, 0.6, 60, 3000, 43);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	CHECK(memcmp(&a.loss_derived_s, &c.loss_derived_s, sizeof(a.loss_derived_s)));
	/* BFD at 0.3 s x 3 fires long before a 30 s hold timer at 60 % loss. */
	CHECK(a.likeliest == TIMERS_LOSS_BFD);
	CHECK(a.mech[TIMERS_LOSS_BFD].p_fire > 0.99);
}

static void bad_input(void)
{
	struct timers_input in;
	struct timers_loss_result r;
	article(&in, false);
	struct timers_loss_input li = {.p = 1.5, .duration_s = 60, .samples = 10};
	CHECK(timers_loss_predict(&in, &li, &r) < 0);
	lab_err_clear();
	li.p = 0.5;
	li.duration_s = 0;
	CHECK(timers_loss_predict(&in, &li, &r) < 0);
	lab_err_clear();
	double p;
	CHECK(timers_loss_parse("loss:30", &p) == 0 && fabs(p - 0.3) < 1e-12);
	CHECK(timers_loss_parse("loss:12.5%", &p) == 0 && fabs(p - 0.125) < 1e-12);
	CHECK(timers_loss_parse("loss", &p) < 0);
	lab_err_clear();
	CHECK(timers_loss_parse("loss:101", &p) < 0);
	lab_err_clear();
	CHECK(timers_loss_parse("loss:3x", &p) < 0);
	lab_err_clear();
}

int main(void)
{
	no_loss();
	blackhole_limit(false);
	blackhole_limit(true);
	monotone();
	bfd_closed_form();
	deterministic();
	bad_input();
	return check_done();
}
