/* Predicted outage distributions: quantiles of the seeded Monte Carlo, and the
 * sorted simulated sample itself for the likelihood fit and the goodness-of-fit
 * test. The closed form gives each window's ends; this gives what lies between. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "timers/timers_int.h"

const double timers_quantile_levels[TIMERS_NQUANT] = {0.01, 0.05, 0.10, 0.25, 0.50,
                                                      0.75, 0.90, 0.95, 0.99};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void timers_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

/* Linear interpolation between order statistics at 0-based position h. */
static double order_stat(const double *v, size_t n, double h)
{
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

double timers_quantile_sorted(const double *v, size_t n, double p)
{
	/* Hyndman and Fan type 7, as R and numpy compute by default. */
	return n ? order_stat(v, n, (double)(n - 1) * p) : NAN;
}

int timers_sample_outages(const struct timers_input *in, const char *model, uint64_t samples,
                          uint64_t seed, struct timers_sample out[TIMERS_NDIR])
{
	struct timers_mc mc;

	memset(out, 0, TIMERS_NDIR * sizeof(*out));
	if (samples == 0)
		return lab_err(LAB_EXIT_USAGE, "Monte Carlo needs at least one sample");
	if (timers_mc_begin(&mc, in, model, seed) < 0)
		return -1;
	for (int d = 0; d < TIMERS_NDIR; d++)
		if (!(out[d].v = malloc(samples * sizeof(double)))) {
			timers_sample_free(out);
			return lab_err(LAB_EXIT_FAIL, "out of memory for %llu samples",
			               (unsigned long long)samples);
		}
	for (uint64_t i = 0; i < samples; i++) {
		struct timers_mc_draw dr;
		timers_mc_next(&mc, &dr);
		for (int d = 0; d < TIMERS_NDIR; d++) {
			double t = timers_mc_outage(&mc, &dr, NULL, (enum timers_dir)d);
			if (isfinite(t))
				out[d].v[out[d].n++] = t;
			else
				out[d].n_never++;
		}
	}
	for (int d = 0; d < TIMERS_NDIR; d++)
		timers_sort(out[d].v, out[d].n);
	return 0;
}

void timers_sample_free(struct timers_sample s[TIMERS_NDIR])
{
	for (int d = 0; d < TIMERS_NDIR; d++) {
		free(s[d].v);
		s[d].v = NULL;
		s[d].n = 0;
	}
}

double timers_sample_cdf(const struct timers_sample *s, double x)
{
	/* Number of samples <= x, by bisection on the sorted values. */
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint64_t total = s->n + s->n_never;
	return total ? (double)lo / (double)total : NAN;
}

void timers_dist_from_sample(const struct timers_sample *s, struct timers_dist_dir *out)
{
	memset(out, 0, sizeof(*out));
	out->n = s->n;
	out->n_never = s->n_never;
	double sum = 0;
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	out->mean_s = s->n_never ? INFINITY : s->n ? sum / (double)s->n : NAN;
	uint64_t total = s->n + s->n_never;
	for (int k = 0; k < TIMERS_NQUANT; k++) {
		/* Outages that never end sort after every finite one. */
		double h = timers_quantile_levels[k] * (double)(total ? total - 1 : 0);
		out->q_s[k] = !s->n                    ? INFINITY
		              : h > (double)(s->n - 1) ? INFINITY
		                                       : order_stat(s->v, s->n, h);
	}
}

int timers_distribution(const struct timers_input *in, const char *model, uint64_t samples,
                        uint64_t seed, struct timers_dist *out)
{
	struct timers_sample s[TIMERS_NDIR];
	struct timers_variant v;
	struct timers_input mi;

	memset(out, 0, sizeof(*out));
	if (timers_variant(in, model, &v, &mi) < 0 ||
	    timers_sample_outages(in, model, samples, seed, s) < 0)
		return -1;
	snprintf(out->model, sizeof(out->model), "%s", v.name);
	out->samples = samples;
	out->seed = seed;
	for (int d = 0; d < TIMERS_NDIR; d++)
		timers_dist_from_sample(&s[d], &out->dir[d]);
	timers_sample_free(s);
	return 0;
}
