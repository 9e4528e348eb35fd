/* Runs against the model: where each measured outage falls in the model's
 * simulated distribution, and a one-sample Kolmogorov-Smirnov test of all of them.
 *
 * Simulated and measured outages are multiples of the probe interval I (the lab's
 * measurements within scheduling noise), so the model's CDF is a staircase. Tested
 * against a staircase the KS statistic of a grid-valued sample is inflated by the
 * steps themselves; instead each simulated outage is spread uniformly over its grid
 * cell [v - I/2, v + I/2) and the CDF interpolated linearly. A measurement on the
 * grid then sits at its step's middle (the mid-distribution function), which is
 * what a continuous test expects. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "timers/timers_int.h"

static size_t count_le(const struct timers_sample *s, double x)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

double timers_gof_cdf(const struct timers_sample *s, double probe_s, double x)
{
	uint64_t total = s->n + s->n_never;
	if (!total)
		return NAN;
	if (probe_s <= 0)
		return (double)count_le(s, x) / (double)total;
	double h = probe_s / 2;
	/* Fully below x: v + h <= x. Partly: x - h < v < x + h, by the overlap. */
	size_t below = count_le(s, x - h), upto = count_le(s, x + h);
	double acc = (double)below;
	for (size_t i = below; i < upto; i++)
		acc += fmin(1, fmax(0, (x - (s->v[i] - h)) / probe_s));
	return acc / (double)total;
}

static double unit_from(uint64_t seed, uint64_t i);
static void sort_small(double *v, size_t n);

/* The KS statistic of n values in [0, 1] against the uniform distribution; sorts q. */
static double ks_uniform(double *q, size_t n)
{
	double d = 0;
	sort_small(q, n);
	for (size_t i = 0; i < n; i++)
		d = fmax(d, fmax((double)(i + 1) / (double)n - q[i], q[i] - (double)i / (double)n));
	return d;
}

/* Below 5 runs Stephens' approximation is off by more than a few per cent of p (for
 * n = 1, P(D >= d) = 2 (1 - d) exactly, twice the asymptotic value near 0.05): the
 * null distribution is simulated instead, KS_SMALL_SETS sets of n uniform values
 * from a fixed seed, so the same runs always give the same p (standard error
 * <= 0.0016). */
#define KS_SMALL_N 5
#define KS_SMALL_SETS 100000

static double ks_pvalue_small(double d, size_t n)
{
	uint64_t hits = 0;
	double q[KS_SMALL_N];
	for (uint64_t s = 0; s < KS_SMALL_SETS; s++) {
		for (size_t i = 0; i < n; i++)
			q[i] = unit_from(0x6b73, s * KS_SMALL_N + i);
		/* 1e-12: a d computed from the same fractions as a simulated one counts */
		hits += ks_uniform(q, n) >= d - 1e-12;
	}
	return (double)hits / KS_SMALL_SETS;
}

/* Kolmogorov's limiting distribution, Q(lambda) = P(sqrt(n) D > lambda) =
 * 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2), with Stephens' (1970) finite-n
 * correction lambda = (sqrt(n) + 0.12 + 0.11/sqrt(n)) D, good to a few per cent of
 * p for n >= 5 (Stephens, J. R. Stat. Soc. B 32, 115-122). */
double timers_ks_pvalue(double d, size_t n)
{
	if (n == 0 || !(d > 0))
		return 1;
	if (n < KS_SMALL_N)
		return ks_pvalue_small(d, n);
	double sn = sqrt((double)n), lambda = (sn + 0.12 + 0.11 / sn) * d;
	if (lambda < 0.2)
		return 1; /* the series converges slowly there; Q is 1 to 1e-9 */
	double sum = 0, term;
	for (int k = 1; k <= 100; k++) {
		term = exp(-2.0 * k * k * lambda * lambda);
		sum += (k % 2 ? 1 : -1) * term;
		if (term < 1e-12)
			break;
	}
	return fmin(1, fmax(0, 2 * sum));
}

/* A uniform number from (seed, i), reproducible: splitmix64 (Steele, Lea, Flood). */
static double unit_from(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + (i + 1) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

/* Run i's place in the model: the mid-quantile for the reader, and for the test the
 * randomised probability integral transform F(x-) + V (F(x) - F(x-)) with V
 * uniform (Brockwell 2007): exactly uniform under the model even where it puts
 * much mass on one grid value, as it does given a run's KEEPALIVE age (the
 * Alibaba direction is then one number). F(x-) and F(x) are the masses of the
 * grid cells below x's and up to it. */
static void place(struct timers_gof *out, size_t i, const struct timers_sample *m, double probe_s,
                  double x, uint64_t seed)
{
	double h = probe_s / 2;
	double below = timers_gof_cdf(m, probe_s, x - h), upto = timers_gof_cdf(m, probe_s, x + h);
	out->quantile[i] = timers_gof_cdf(m, probe_s, x);
	out->pit[i] = probe_s > 0 ? below + unit_from(seed, i) * (upto - below) : out->quantile[i];
}

static void sort_small(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--) {
			double t = v[k];
			v[k] = v[k - 1];
			v[k - 1] = t;
		}
}

static int check_runs(const double *x, size_t n)
{
	if (n == 0 || n > TIMERS_GOF_MAX_RUNS)
		return lab_err(LAB_EXIT_USAGE, "goodness of fit: %zu runs; expected 1 to %d", n,
		               TIMERS_GOF_MAX_RUNS);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || x[i] < 0)
			return lab_err(LAB_EXIT_USAGE,
			               "goodness of fit: run %zu: outage %g s is not a time >= 0",
			               i + 1, x[i]);
	return 0;
}

/* With every run's quantile q_i = F(x_i) set: the KS distance of the x from F is
 * that of the q from the uniform distribution, sup over the sorted q of
 * max(i/n - q_(i), q_(i) - (i-1)/n). */
static void ks_finish(struct timers_gof *out, const double *x, size_t n)
{
	double q[TIMERS_GOF_MAX_RUNS], sorted[TIMERS_GOF_MAX_RUNS];
	for (size_t i = 0; i < n; i++) {
		out->outage_s[i] = x[i];
		q[i] = out->pit[i];
		sorted[i] = x[i];
	}
	out->n = n;
	timers_sort(q, n);
	double d = ks_uniform(q, n);
	out->ks_d = d;
	out->p_value = timers_ks_pvalue(d, n);
	out->reject = out->p_value < TIMERS_GOF_ALPHA;
	timers_sort(sorted, n);
	out->median_runs_s = timers_quantile_sorted(sorted, n, 0.5);
}

int timers_gof_against(const struct timers_sample *model, double probe_s, const double *x, size_t n,
                       struct timers_gof *out)
{
	memset(out, 0, sizeof(*out));
	if (check_runs(x, n) < 0)
		return -1;
	if (model->n == 0)
		return lab_err(LAB_EXIT_USAGE, "goodness of fit: the model's outages never end, "
		                               "so no finite run can be tested against them");
	for (size_t i = 0; i < n; i++)
		place(out, i, model, probe_s, x[i], 1);
	ks_finish(out, x, n);
	timers_dist_from_sample(model, &out->model);
	return 0;
}

int timers_gof_each(const struct timers_sample *const *models, double probe_s, const double *x,
                    size_t n, struct timers_gof *out)
{
	memset(out, 0, sizeof(*out));
	if (check_runs(x, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!models[i] || models[i]->n == 0)
			return lab_err(LAB_EXIT_USAGE,
			               "goodness of fit: run %zu: the model's outages never end, "
			               "so no finite run can be tested against them",
			               i + 1);
		place(out, i, models[i], probe_s, x[i], 1);
	}
	ks_finish(out, x, n);
	timers_dist_from_sample(models[0], &out->model);
	return 0;
}

int timers_gof_conditional(const struct timers_input *in, const char *model, enum timers_dir dir,
                           const double *x, const double *age0, const double *age1, size_t n,
                           uint64_t samples, uint64_t seed, struct timers_gof *out)
{
	struct timers_sample s[TIMERS_NDIR];
	const double *ages[2] = {age0, age1};

	memset(out, 0, sizeof(*out));
	if (dir >= TIMERS_NDIR)
		return lab_err(LAB_EXIT_USAGE, "goodness of fit: bad direction");
	if (check_runs(x, n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct timers_input ci = *in;
		for (int side = 0; side < 2; side++)
			if (ages[side] && isfinite(ages[side][i])) {
				ci.side[side].last_rx_known = true;
				ci.side[side].last_rx_age_s = ages[side][i];
				out->conditioned = true;
			}
		/* A different seed per run: the runs are independent. */
		if (timers_sample_outages(&ci, model, samples, seed + i, s) < 0)
			return -1;
		if (s[dir].n)
			place(out, i, &s[dir], in->probe_interval_s, x[i], seed);
		timers_sample_free(s);
	}
	ks_finish(out, x, n);
	/* For the reader: the model's distribution without the runs' phases. */
	if (timers_sample_outages(in, model, samples, seed, s) < 0)
		return -1;
	timers_dist_from_sample(&s[dir], &out->model);
	timers_sample_free(s);
	snprintf(out->model_name, sizeof(out->model_name), "%s", model);
	out->dir = dir;
	out->samples = samples;
	out->seed = seed;
	return 0;
}

int timers_gof_test(const struct timers_input *in, const char *model, enum timers_dir dir,
                    const double *x, size_t n, uint64_t samples, uint64_t seed,
                    struct timers_gof *out)
{
	struct timers_sample s[TIMERS_NDIR];
	if (dir >= TIMERS_NDIR)
		return lab_err(LAB_EXIT_USAGE, "goodness of fit: bad direction");
	if (timers_sample_outages(in, model, samples, seed, s) < 0)
		return -1;
	int rc = timers_gof_against(&s[dir], in->probe_interval_s, x, n, out);
	timers_sample_free(s);
	if (rc == 0) {
		snprintf(out->model_name, sizeof(out->model_name), "%s", model);
		out->dir = dir;
		out->samples = samples;
		out->seed = seed;
	}
	return rc;
}

size_t timers_gof_format(const struct timers_gof *g, char *buf, size_t len)
{
	size_t at = 0;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		int w_ =                                                                           \
		    snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, __VA_ARGS__);   \
		if (w_ > 0)                                                                        \
			at += (size_t)w_;                                                          \
	} while (0)
	PUT("runs against the %s model (%s): each run's quantile in the model's distribution%s\n",
	    g->model_name, timers_dir_name(g->dir),
	    g->conditioned ? " given the age of its last KEEPALIVE at the fault" : "");
	for (size_t i = 0; i < g->n; i++)
		PUT("  run %zu: %.2f s at p%.0f\n", i + 1, g->outage_s[i], 100 * g->quantile[i]);
	PUT("model: p10 %.2f, p50 %.2f, p90 %.2f s; runs: median %.2f s\n", g->model.q_s[2],
	    g->model.q_s[4], g->model.q_s[6], g->median_runs_s);
	PUT("Kolmogorov-Smirnov against the model (%llu simulated faults): D = %.3f, n = %zu, "
	    "p = %.3g\n",
	    (unsigned long long)g->samples, g->ks_d, g->n, g->p_value);
	char meaning[512];
	timers_gof_meaning(g, meaning, sizeof(meaning));
	PUT("%s\n", meaning);
#undef PUT
	return at;
}

void timers_gof_meaning(const struct timers_gof *g, char *buf, size_t len)
{
	const char *side = g->median_runs_s > g->model.q_s[4] ? "longer" : "shorter";
	if (!g->reject)
		snprintf(buf, len,
		         "consistent with the model: if it is right, %zu runs differ from it at "
		         "least this much with probability %.2f (>= %.2f, so nothing to explain)",
		         g->n, g->p_value, TIMERS_GOF_ALPHA);
	else
		snprintf(buf, len,
		         "the runs disagree with the model: if it were right, %zu runs would "
		         "differ from it this much with probability only %.2g (< %.2f); they are "
		         "mostly %s than it predicts, so a mechanism or a delay in it is off",
		         g->n, g->p_value, TIMERS_GOF_ALPHA, side);
}

void timers_gof_json(struct json *j, const struct timers_gof *g)
{
	char meaning[512];
	json_obj_begin(j);
	json_kv_str(j, "model", g->model_name);
	json_kv_str(j, "direction", timers_dir_name(g->dir));
	json_kv_bool(j, "conditioned_on_keepalive_age", g->conditioned);
	json_key(j, "runs");
	json_arr_begin(j);
	for (size_t i = 0; i < g->n; i++) {
		json_obj_begin(j);
		json_kv_double(j, "outage_s", g->outage_s[i]);
		json_kv_double(j, "quantile", g->quantile[i]);
		json_kv_double(j, "pit", g->pit[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "model_distribution");
	timers_dist_dir_json(j, &g->model);
	json_kv_double(j, "median_runs_s", g->median_runs_s);
	json_key(j, "test");
	json_obj_begin(j);
	json_kv_str(j, "name", "kolmogorov-smirnov");
	json_kv_uint(j, "n", g->n);
	json_kv_double(j, "d", g->ks_d);
	json_kv_double(j, "p_value", g->p_value);
	json_kv_double(j, "alpha", TIMERS_GOF_ALPHA);
	json_kv_bool(j, "reject", g->reject);
	timers_gof_meaning(g, meaning, sizeof(meaning));
	json_kv_str(j, "meaning", meaning);
	json_obj_end(j);
	json_kv_uint(j, "samples", g->samples);
	json_kv_uint(j, "seed", g->seed);
	json_obj_end(j);
}
