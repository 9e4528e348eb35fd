/* Fit by likelihood: which value of one or two unknown delays makes the measured
 * outages likely under the lab model's own distribution, not merely possible.
 *
 * The lab model is simulated once with the unknowns at 0; every unknown is a delay
 * that adds to one direction's path (timers_mc_draw.t_s), so the outages for any
 * candidate value come from the same draws by adding it and measuring on the same
 * probe grid again (common random numbers: the curve is smooth in the delay, not
 * noisy from redrawing). The density of an outage is a Gaussian kernel density of
 * the simulated outages (the keepalive phase, jitters, wake and the slower of two
 * directions have no convenient joint closed form). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "timers/timers_int.h"

/* chi-square(1) 90 % quantile / 2: the drop in log-likelihood that bounds a 90 %
 * likelihood-ratio interval (Wilks). */
#define LR90_DROP (2.705543454095404 / 2)
/* Values whose likelihood is within a factor 2 of the maximum are the plateau:
 * a few measurements cannot prefer one of them over another. */
#define PLATEAU_DROP 0.6931471805599453
/* Kernel contributions beyond 6 bandwidths are below 1e-8 of the peak. */
#define KERNEL_REACH 6.0

static const char *const method_names[] = {
    [TIMERS_FIT_LIKELIHOOD] = "likelihood",
    [TIMERS_FIT_RANGE] = "range",
};

int timers_fit_method_parse(const char *s, enum timers_fit_method *out)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(s, method_names[i])) {
			*out = (enum timers_fit_method)i;
			return 0;
		}
	return lab_err(LAB_EXIT_USAGE, "--method '%s': expected likelihood or range", s);
}

/* Delay on each side's path (propagation + programming), which the simulated
 * draws already contain for the input's own values. */
static void path_delays(const struct timers_input *in, double out[2])
{
	for (int s = 0; s < 2; s++)
		out[s] = in->side[s].propagation_s + in->side[s].programming_s;
}

struct lik {
	const struct timers_lik_request *rq;
	struct timers_mc mc;
	struct timers_mc_draw *draws;
	double *out; /* outages at the current candidate */
	size_t n;
	double h;                 /* kernel bandwidth */
	struct timers_input zero; /* the unknowns at 0: what the draws contain */
};

/* Outages of every draw at the candidate d (one value per unknown). */
static void outages_at(struct lik *L, const double d[2])
{
	struct timers_input at = L->zero;
	double base[2], add[2];
	for (size_t k = 0; k < L->rq->n_unknown; k++)
		timers_unknown_apply(L->rq->unknown[k], d[k], &at);
	path_delays(&L->zero, base);
	path_delays(&at, add);
	add[0] -= base[0];
	add[1] -= base[1];
	for (size_t i = 0; i < L->n; i++)
		L->out[i] = timers_mc_outage(&L->mc, &L->draws[i], add, L->rq->dir);
}

/* First index of sorted v[0..n) with v[i] >= x. */
static size_t lower_bound(const double *v, size_t n, double x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Kernel sum at x over outages out[0..n), sorted or not. */
static double kernel_sum(const struct lik *L, bool sorted, double x)
{
	const double reach = KERNEL_REACH * L->h;
	double f = 0;
	size_t i = sorted ? lower_bound(L->out, L->n, x - reach) : 0;
	for (; i < L->n; i++) {
		if (sorted && L->out[i] > x + reach)
			break;
		double z = (x - L->out[i]) / L->h;
		if (fabs(z) < KERNEL_REACH)
			f += exp(-0.5 * z * z);
	}
	return f;
}

/* The closed form bounds every outage (window [lo, hi]): no density outside it,
 * and inside, the kernel mass that would spill over an end is reflected back
 * (Schuster 1985). Without that a kernel halves the density at a sharp end, such
 * as the hold timer's (H + delays), and pulls the fit towards shorter delays. */
static double loglik(struct lik *L, const double d[2])
{
	const double norm = 1 / (sqrt(2 * M_PI) * L->h * (double)L->n);
	const double reach = KERNEL_REACH * L->h;
	struct timers_input at = L->zero;
	struct timers_prediction p;
	/* Many measurements: sort once, then each sums only the outages in reach. */
	bool sorted = L->rq->n_measured > 4;
	double ll = 0;

	for (size_t k = 0; k < L->rq->n_unknown; k++)
		timers_unknown_apply(L->rq->unknown[k], d[k], &at);
	if (timers_predict(&at, &p) < 0)
		return -INFINITY;
	struct timers_window w = timers_find_model(&p, "lab")->dir[L->rq->dir].w;
	outages_at(L, d);
	if (sorted)
		timers_sort(L->out, L->n);
	for (size_t j = 0; j < L->rq->n_measured; j++) {
		double m = L->rq->measured[j];
		if (m < w.min_s - 1e-9 || m > w.max_s + 1e-9)
			return -INFINITY;
		double f = kernel_sum(L, sorted, m);
		if (m - w.min_s < reach)
			f += kernel_sum(L, sorted, 2 * w.min_s - m);
		if (isfinite(w.max_s) && w.max_s - m < reach)
			f += kernel_sum(L, sorted, 2 * w.max_s - m);
		ll += log(f * norm); /* -inf when no simulated outage comes near m */
	}
	return ll;
}

/* The kernel-smoothed CDF of the outages at x: the distribution the likelihood
 * uses, so its median moves smoothly with the delay (a plain sample median moves
 * in steps of the probe interval, as measured outages do). */
static double smooth_cdf_at(struct lik *L, const double d[2], double x)
{
	double sum = 0;
	outages_at(L, d);
	for (size_t i = 0; i < L->n; i++)
		sum += isfinite(L->out[i]) ? 0.5 * erfc((L->out[i] - x) / (L->h * M_SQRT2)) : 0;
	return sum / (double)L->n;
}

/* Silverman's rule of thumb on the outages at the centre of the grid, never below
 * the probe interval: measured outages are multiples of it, and a narrower kernel
 * would see that comb instead of the distribution. */
static double bandwidth(struct lik *L, const double d[2], double probe_s)
{
	outages_at(L, d);
	size_t n = 0;
	double sum = 0, sq = 0;
	for (size_t i = 0; i < L->n; i++)
		if (isfinite(L->out[i])) {
			L->out[n++] = L->out[i];
			sum += L->out[i];
		}
	if (n < 2)
		return fmax(probe_s, 0.1);
	double mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (L->out[i] - mean) * (L->out[i] - mean);
	timers_sort(L->out, n);
	double sd = sqrt(sq / (double)(n - 1));
	double iqr =
	    timers_quantile_sorted(L->out, n, 0.75) - timers_quantile_sorted(L->out, n, 0.25);
	double s = iqr > 0 ? fmin(sd, iqr / 1.34) : sd;
	return fmax(0.9 * s * pow((double)n, -0.2), fmax(probe_s, 1e-3));
}

/* The grid for unknown k: the range method's answer for it alone (the others at
 * their input values) widened by the kernel's reach, so the likelihood is searched
 * wherever it is not negligible. */
static int grid_for(const struct timers_lik_request *rq, size_t k, double h,
                    struct timers_lik_fit *out)
{
	struct timers_fit rf;
	if (timers_fit_unknown(rq->in, rq->unknown[k], rq->dir, rq->measured, rq->n_measured,
	                       rq->max_s, &rf) < 0)
		return -1;
	if (!rf.found) {
		snprintf(out->why, sizeof(out->why), "%s", rf.why);
		return 0;
	}
	double lo = fmax(0, rf.lo_s - 4 * h), hi = fmin(rq->max_s, rf.hi_s + 4 * h);
	size_t pts = rq->n_unknown == 1 ? TIMERS_LIK_CURVE_MAX : TIMERS_LIK_GRID2_MAX;
	double step = fmax(rq->step_s, (hi - lo) / (double)(pts - 1));
	out->grid[k].lo_s = lo;
	out->grid[k].step_s = step;
	out->grid[k].n = (size_t)floor((hi - lo) / step + 1e-9) + 1;
	return 1;
}

static double grid_value(const struct timers_lik_fit *f, size_t k, size_t i)
{
	return f->grid[k].lo_s + (double)i * f->grid[k].step_s;
}

/* Profile of unknown k: for each of its grid values, the best log-likelihood over
 * the other unknown. The 90 % interval, the plateau and the maximum come from it. */
static void summarize(struct timers_lik_fit *f, size_t k, const double *ll2)
{
	struct timers_lik_profile *p = &f->profile[k];
	size_t nk = f->grid[k].n, no = f->n_unknown == 2 ? f->grid[k ^ 1].n : 1;
	p->n = nk;
	for (size_t i = 0; i < nk; i++) {
		double best = -INFINITY;
		for (size_t o = 0; o < no; o++) {
			size_t idx = k == 0 ? i * no + o : o * nk + i;
			best = fmax(best, ll2[idx]);
		}
		p->d_s[i] = grid_value(f, k, i);
		p->loglik[i] = best;
	}
	/* Interval and plateau: the outermost grid values above each cut. The
	 * likelihood of a few measurements need not be unimodal, so this is the hull. */
	double lr_cut = f->loglik_max - LR90_DROP, pl_cut = f->loglik_max - PLATEAU_DROP;
	p->ci_lo_s = p->plateau_lo_s = INFINITY;
	p->ci_hi_s = p->plateau_hi_s = -INFINITY;
	for (size_t i = 0; i < nk; i++) {
		if (p->loglik[i] >= lr_cut) {
			p->ci_lo_s = fmin(p->ci_lo_s, p->d_s[i]);
			p->ci_hi_s = fmax(p->ci_hi_s, p->d_s[i]);
		}
		if (p->loglik[i] >= pl_cut) {
			p->plateau_lo_s = fmin(p->plateau_lo_s, p->d_s[i]);
			p->plateau_hi_s = fmax(p->plateau_hi_s, p->d_s[i]);
		}
	}
	/* The 90 % interval proper: the central 90 % of the likelihood normalised
	 * over the delay (a flat prior). For a delay that shifts the whole outage
	 * distribution this is Pitman's interval, exact for a location parameter;
	 * Wilks' likelihood-ratio interval above is not here, because the window's
	 * ends move with the delay (a non-regular model), and comes out too narrow. */
	double total = 0, acc = 0;
	for (size_t i = 0; i < nk; i++)
		total += exp(p->loglik[i] - f->loglik_max);
	p->lo_s = p->d_s[0];
	p->hi_s = p->d_s[nk - 1];
	p->median_s = p->d_s[nk / 2];
	bool lo_set = false, mid_set = false;
	for (size_t i = 0; i < nk && total > 0; i++) {
		double w = exp(p->loglik[i] - f->loglik_max) / total, prev = acc;
		acc += w;
		/* Linear within a grid cell: the cell's mass spread evenly over it. */
		if (!lo_set && acc >= 0.05) {
			p->lo_s = p->d_s[i] + f->grid[k].step_s * ((0.05 - prev) / w - 0.5);
			lo_set = true;
		}
		if (!mid_set && acc >= 0.5) {
			p->median_s = p->d_s[i] + f->grid[k].step_s * ((0.5 - prev) / w - 0.5);
			mid_set = true;
		}
		if (acc >= 0.95) {
			p->hi_s = p->d_s[i] + f->grid[k].step_s * ((0.95 - prev) / w - 0.5);
			break;
		}
	}
	p->lo_s = fmax(p->lo_s, 0);
	/* An interval that reaches the grid's end is open there. */
	p->ci_open_lo = p->loglik[0] >= lr_cut && p->d_s[0] > 0;
	p->ci_open_hi = p->loglik[nk - 1] >= lr_cut;
	p->flat = p->plateau_hi_s - p->plateau_lo_s >= TIMERS_LIK_FLAT_S;
}

/* Within the plateau (likelihood within a factor 2 of the maximum), the value
 * whose predicted median equals the measurements' mean: F(mean) = 1/2 for the
 * smoothed CDF F. One unknown: F(mean) falls as the delay grows, so bisection
 * (clamped to the plateau). Two: a ridge of such values; the likeliest grid point
 * among those within 0.01 of 1/2, else the nearest to it. */
static void choose_by_median(struct lik *L, struct timers_lik_fit *f, const double *ll2)
{
	double m = f->mean_measured_s;
	if (f->n_unknown == 1) {
		const struct timers_lik_profile *p = &f->profile[0];
		double lo = p->plateau_lo_s, hi = p->plateau_hi_s;
		if (smooth_cdf_at(L, (double[2]){lo, 0}, m) <= 0.5)
			hi = lo;
		else if (smooth_cdf_at(L, (double[2]){hi, 0}, m) >= 0.5)
			lo = hi;
		while (hi - lo > 1e-4) {
			double mid = (lo + hi) / 2;
			if (smooth_cdf_at(L, (double[2]){mid, 0}, m) > 0.5)
				lo = mid;
			else
				hi = mid;
		}
		/* Shown to the millisecond, as topologies take delays. */
		f->chosen_s[0] = round((lo + hi) / 2 * 1000) / 1000;
		return;
	}
	double cut = f->loglik_max - PLATEAU_DROP, best_gap = INFINITY, best_ll = -INFINITY;
	for (size_t i = 0; i < f->grid[0].n; i++)
		for (size_t o = 0; o < f->grid[1].n; o++) {
			double ll = ll2[i * f->grid[1].n + o];
			if (ll < cut)
				continue;
			double d[2] = {grid_value(f, 0, i), grid_value(f, 1, o)};
			double gap = fabs(smooth_cdf_at(L, d, m) - 0.5);
			bool better =
			    gap <= 0.01 ? best_gap > 0.01 || ll > best_ll : gap < best_gap;
			if (better) {
				best_gap = gap;
				best_ll = ll;
				f->chosen_s[0] = d[0];
				f->chosen_s[1] = d[1];
			}
		}
}

static void fill_at_chosen(struct lik *L, struct timers_lik_fit *f)
{
	struct timers_sample s = {.v = L->out};
	outages_at(L, f->chosen_s);
	for (size_t i = 0; i < L->n; i++)
		if (isfinite(L->out[i]))
			L->out[s.n++] = L->out[i];
		else
			s.n_never++;
	timers_sort(L->out, s.n);
	timers_dist_from_sample(&s, &f->at_chosen);
}

int timers_fit_likelihood(const struct timers_lik_request *rq, struct timers_lik_fit *out)
{
	struct lik L = {.rq = rq};
	double *ll2 = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->n_unknown = rq->n_unknown;
	out->dir = rq->dir;
	out->samples = rq->samples;
	out->seed = rq->seed;
	if (rq->n_unknown < 1 || rq->n_unknown > 2 || rq->dir >= TIMERS_NDIR)
		return lab_err(LAB_EXIT_USAGE, "likelihood fit: one or two unknowns");
	if (rq->n_measured == 0 || rq->samples < 100)
		return lab_err(LAB_EXIT_USAGE, "likelihood fit: no measurements, or fewer than "
		                               "100 simulated faults");
	if (rq->n_unknown == 2) {
		/* Two unknowns must act on one direction each, or only their sum shows. */
		bool fwd_rev = (rq->unknown[0] == TIMERS_UNKNOWN_PROGRAMMING_FWD &&
		                rq->unknown[1] == TIMERS_UNKNOWN_PROGRAMMING_REV) ||
		               (rq->unknown[0] == TIMERS_UNKNOWN_PROGRAMMING_REV &&
		                rq->unknown[1] == TIMERS_UNKNOWN_PROGRAMMING_FWD);
		if (!fwd_rev)
			return lab_err(LAB_EXIT_USAGE,
			               "--unknown %s,%s: two unknowns must each lengthen one "
			               "direction: programming-delay-fwd,programming-delay-rev",
			               timers_unknown_name(rq->unknown[0]),
			               timers_unknown_name(rq->unknown[1]));
	}
	for (size_t j = 0; j < rq->n_measured; j++) {
		if (!isfinite(rq->measured[j]) || rq->measured[j] < 0)
			return lab_err(LAB_EXIT_USAGE, "measurement %g: must be a time >= 0 s",
			               rq->measured[j]);
		out->mean_measured_s += rq->measured[j] / (double)rq->n_measured;
	}
	for (size_t k = 0; k < rq->n_unknown; k++)
		out->unknown[k] = rq->unknown[k];

	L.zero = *rq->in;
	for (size_t k = 0; k < rq->n_unknown; k++)
		timers_unknown_apply(rq->unknown[k], 0, &L.zero);
	if (timers_mc_begin(&L.mc, &L.zero, "lab", rq->seed) < 0)
		return -1;
	L.n = rq->samples;
	L.draws = malloc(L.n * sizeof(*L.draws));
	L.out = malloc(L.n * sizeof(*L.out));
	if (!L.draws || !L.out) {
		lab_err(LAB_EXIT_FAIL, "out of memory for %zu simulated faults", L.n);
		goto out;
	}
	for (size_t i = 0; i < L.n; i++)
		timers_mc_next(&L.mc, &L.draws[i]);

	/* The bandwidth needs a sample, the sample a candidate: take the range method's
	 * grid with a provisional bandwidth of one probe interval, then the real one at
	 * that grid's centre. */
	double h0 = fmax(rq->in->probe_interval_s, 0.1), centre[2] = {0, 0};
	for (size_t k = 0; k < rq->n_unknown; k++) {
		int g = grid_for(rq, k, h0, out);
		if (g <= 0) {
			rc = g;
			goto out;
		}
		centre[k] = grid_value(out, k, out->grid[k].n / 2);
	}
	L.h = out->bandwidth_s = bandwidth(&L, centre, rq->in->probe_interval_s);
	for (size_t k = 0; k < rq->n_unknown; k++)
		if (grid_for(rq, k, L.h, out) < 0)
			goto out;

	size_t n0 = out->grid[0].n, n1 = rq->n_unknown == 2 ? out->grid[1].n : 1;
	ll2 = malloc(n0 * n1 * sizeof(*ll2));
	if (!ll2) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		goto out;
	}
	out->loglik_max = -INFINITY;
	for (size_t i = 0; i < n0; i++)
		for (size_t o = 0; o < n1; o++) {
			double d[2] = {grid_value(out, 0, i),
			               rq->n_unknown == 2 ? grid_value(out, 1, o) : 0};
			double ll = ll2[i * n1 + o] = loglik(&L, d);
			if (ll > out->loglik_max) {
				out->loglik_max = ll;
				out->ml_s[0] = d[0];
				out->ml_s[1] = d[1];
			}
		}
	if (!isfinite(out->loglik_max)) {
		snprintf(out->why, sizeof(out->why),
		         "no simulated outage comes within %g s of every measurement for any "
		         "value searched",
		         KERNEL_REACH * L.h);
		rc = 0;
		goto out;
	}
	out->found = true;
	for (size_t k = 0; k < rq->n_unknown; k++) {
		summarize(out, k, ll2);
		out->flat |= out->profile[k].flat;
	}
	if (out->flat) {
		choose_by_median(&L, out, ll2);
		out->chosen_by_median = true;
	} else {
		/* The maximum sits on an end of the support whenever a measurement lies
		 * near an end of the window, so the answer is the likelihood's median,
		 * the centre of the interval (median-unbiased for a location). */
		for (size_t k = 0; k < rq->n_unknown; k++)
			out->chosen_s[k] = round(fmax(out->profile[k].median_s, 0) * 1000) / 1000;
	}
	fill_at_chosen(&L, out);
	rc = 0;
out:
	free(ll2);
	free(L.draws);
	free(L.out);
	return rc;
}
