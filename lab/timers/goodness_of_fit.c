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

/* Kolmogorov's limiting distribution, Q(lambda) = P(sqrt(n) D > lambda) =
 * 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2), with Stephens' (1970) finite-n
 * correction lambda = (sqrt(n) + 0.12 + 0.11/sqrt(n)) D, good to a few per cent of
 * p for n >= 5 (Stephens, J. R. Stat. Soc. B 32, 115-122). */
double timers_ks_pvalue(double d, size_t n)
{
	if (n == 0 || !(d > 0))
		return 1;
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

int timers_gof_against(const struct timers_sample *model, double probe_s, const double *x, size_t n,
                       struct timers_gof *out)
{
	memset(out, 0, sizeof(*out));
	if (n == 0 || n > TIMERS_GOF_MAX_RUNS)
		return lab_err(LAB_EXIT_USAGE, "goodness of fit: %zu runs; expected 1 to %d", n,
		               TIMERS_GOF_MAX_RUNS);
	if (model->n == 0)
		return lab_err(LAB_EXIT_USAGE, "goodness of fit: the model's outages never end, "
		                               "so no finite run can be tested against them");
	double sorted[TIMERS_GOF_MAX_RUNS];
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || x[i] < 0)
			return lab_err(LAB_EXIT_USAGE,
			               "goodness of fit: run %zu: outage %g s is "
			               "not a time >= 0",
			               i + 1, x[i]);
		out->outage_s[i] = x[i];
		out->quantile[i] = timers_gof_cdf(model, probe_s, x[i]);
		sorted[i] = x[i];
	}
	out->n = n;
	timers_sort(sorted, n);
	/* D = sup |F_n - F|, attained at a sample point from one side or the other. */
	double d = 0;
	for (size_t i = 0; i < n; i++) {
		double f = timers_gof_cdf(model, probe_s, sorted[i]);
		d = fmax(d, fmax((double)(i + 1) / (double)n - f, f - (double)i / (double)n));
	}
	out->ks_d = d;
	out->p_value = timers_ks_pvalue(d, n);
	out->reject = out->p_value < TIMERS_GOF_ALPHA;
	out->median_runs_s = timers_quantile_sorted(sorted, n, 0.5);
	timers_dist_from_sample(model, &out->model);
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
	PUT("runs against the %s model (%s): each run's quantile in the model's distribution\n",
	    g->model_name, timers_dir_name(g->dir));
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
	json_key(j, "runs");
	json_arr_begin(j);
	for (size_t i = 0; i < g->n; i++) {
		json_obj_begin(j);
		json_kv_double(j, "outage_s", g->outage_s[i]);
		json_kv_double(j, "quantile", g->quantile[i]);
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
