/* Runs against the model: the Kolmogorov-Smirnov test accepts runs drawn from the
 * model and rejects runs shifted from it; each run's quantile is where it lies. */
#include <math.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/timers_int.h"

#define RUNS 10
#define TRIALS 20

/* RUNS outages as the lab measures them, drawn with their own seed, + shift. */
static void draw_runs(const struct timers_input *in, uint64_t seed, double shift, double *x)
{
	struct timers_mc mc;
	CHECK(timers_mc_begin(&mc, in, "lab", seed) == 0);
	for (size_t i = 0; i < RUNS; i++) {
		struct timers_mc_draw dr;
		timers_mc_next(&mc, &dr);
		x[i] = timers_mc_outage(&mc, &dr, NULL, TIMERS_RTT) + shift;
	}
}

/* How many of TRIALS sets of runs, shifted by `shift`, the test rejects. */
static int rejections(const struct timers_input *in, const struct timers_sample *model,
                      double shift)
{
	int rejected = 0;
	struct timers_gof *g = calloc(1, sizeof(*g));
	CHECK(g != NULL);
	if (!g)
		return -1;
	for (uint64_t t = 0; t < TRIALS; t++) {
		double x[RUNS];
		draw_runs(in, 1000 + t, shift, x);
		CHECK(timers_gof_against(model, in->probe_interval_s, x, RUNS, g) == 0);
		rejected += g->reject;
		CHECK(g->p_value >= 0 && g->p_value <= 1);
		CHECK(g->reject == (g->p_value < TIMERS_GOF_ALPHA));
	}
	free(g);
	fprintf(stderr, "shift %+.1f s: %d of %d sets of %d runs rejected\n", shift, rejected,
	        TRIALS, RUNS);
	return rejected;
}

int main(void)
{
	struct timers_input in;
	struct timers_sample s[TIMERS_NDIR];

	/* Kolmogorov's distribution: P(sqrt(n) D > 1.358) = 0.05 in the limit, 1.628
	 * for 0.01 (tables, e.g. Stephens 1970). */
	CHECK(fabs(timers_ks_pvalue(1.358 / 1e3, 1000000) - 0.05) < 0.001);
	CHECK(fabs(timers_ks_pvalue(1.628 / 1e3, 1000000) - 0.01) < 0.0005);
	CHECK(timers_ks_pvalue(0, 10) == 1);
	CHECK(timers_ks_pvalue(1, 10) < 1e-6);
	/* Below 5 runs p is simulated: one run has D = max(u, 1 - u), so exactly
	 * P(D >= d) = 2 (1 - d) for d >= 1/2 (the asymptotic formula gives half of
	 * it near 0.05); and the same d always gives the same p. */
	CHECK(fabs(timers_ks_pvalue(0.75, 1) - 0.5) < 0.01);
	CHECK(fabs(timers_ks_pvalue(0.975, 1) - 0.05) < 0.005);
	CHECK(timers_ks_pvalue(0.4, 1) == 1);
	CHECK(timers_ks_pvalue(0.6, 3) == timers_ks_pvalue(0.6, 3));
	/* n = 3 against n = 5 (Stephens): both about the tabulated 5 % points
	 * 0.708 and 0.565 (Massey 1951). */
	CHECK(fabs(timers_ks_pvalue(0.708, 3) - 0.05) < 0.01);
	CHECK(fabs(timers_ks_pvalue(0.565, 5) - 0.05) < 0.01);

	/* The article's scenario with the shipped cloud delays (10.8 s, 7.8 s). */
	timers_input_article(&in);
	in.side[0].programming_s = 10.8;
	in.side[1].programming_s = 7.8;
	in.side[1].wake_max_s = TIMERS_BIRD_WAKE_MAX_S;
	CHECK(timers_sample_outages(&in, "lab", TIMERS_DIST_SAMPLES, 1, s) == 0);
	const struct timers_sample *m = &s[TIMERS_RTT];

	/* A run at the model's median sits at its 50 % quantile; the extremes at 0, 1. */
	double med = timers_quantile_sorted(m->v, m->n, 0.5);
	CHECK(fabs(timers_gof_cdf(m, 0.1, med) - 0.5) < 0.02);
	CHECK(timers_gof_cdf(m, 0.1, 0) == 0 && timers_gof_cdf(m, 0.1, 100) == 1);

	/* Runs from the model: a 5 % test rejects about one set in 20 (and KS against
	 * a distribution on a grid is, if anything, conservative). */
	CHECK(rejections(&in, m, 0) <= 3);
	/* Shifted by 3 s (the window is 10 s wide): rejected nearly always. */
	CHECK(rejections(&in, m, 3) >= 16);
	CHECK(rejections(&in, m, -3) >= 16);

	/* A lab that injects every fault 3.4 s after the last KEEPALIVE: its runs
	 * fail against the model with a random phase and pass against the model given
	 * each run's age (a fault at a fixed phase is not a wrong mechanism). */
	struct timers_input fixed = in;
	fixed.side[0].last_rx_known = true;
	fixed.side[0].last_rx_age_s = 3.4;
	int plain = 0, cond = 0;
	struct timers_gof *cg = calloc(1, sizeof(*cg));
	CHECK(cg != NULL);
	for (uint64_t t = 0; cg && t < 10; t++) {
		double x[RUNS], age[RUNS];
		draw_runs(&fixed, 2000 + t, 0, x);
		for (size_t i = 0; i < RUNS; i++)
			age[i] = 3.4;
		CHECK(timers_gof_against(m, in.probe_interval_s, x, RUNS, cg) == 0);
		plain += cg->reject;
		CHECK(timers_gof_conditional(&in, "lab", TIMERS_RTT, x, age, NULL, RUNS, 20000, t,
		                             cg) == 0);
		CHECK(cg->conditioned);
		cond += cg->reject;
	}
	free(cg);
	fprintf(stderr,
	        "faults 3.4 s after the last KEEPALIVE: %d of 10 sets rejected "
	        "unconditionally, %d given the age\n",
	        plain, cond);
	CHECK(cond <= 2);
	/* With a known age the RFC 4271 side's detection is a point: H - age. */
	enum timers_mechanism mech;
	struct timers_window w = timers_detection(&fixed, 0, &mech);
	CHECK(fabs(w.min_s - 26.6) < 1e-9 && fabs(w.max_s - 26.6) < 1e-9);
	fixed.side[0].last_rx_age_s = 31;
	CHECK(timers_input_check(&fixed) == -1);

	/* Bad input. */
	struct timers_gof g;
	double neg[] = {-1};
	CHECK(timers_gof_against(m, 0.1, neg, 1, &g) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(timers_gof_against(m, 0.1, neg, 0, &g) == -1);

	/* The whole call, and its text: each run placed, the test and its meaning. */
	const double article[] = {36.7, 36.9};
	CHECK(timers_gof_test(&in, "lab", TIMERS_RTT, article, 2, 20000, 3, &g) == 0);
	CHECK(!g.reject);
	CHECK(g.quantile[0] > 0.4 && g.quantile[0] < g.quantile[1] && g.quantile[1] < 0.6);
	char buf[2048];
	CHECK(timers_gof_format(&g, buf, sizeof(buf)) < sizeof(buf));
	CHECK(strstr(buf, "run 2: 36.90 s at p") != NULL);
	CHECK(strstr(buf, "consistent with the model") != NULL);
	timers_sample_free(s);
	return check_done();
}
