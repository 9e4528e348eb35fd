/* Fit: which values of one unknown delay make every measured outage lie inside the
 * lab model's window. Both window ends are continuous and non-decreasing in any
 * delay (delays only ever add), so {d : min(d) <= m_lo} is [0, a] and
 * {d : max(d) >= m_hi} is [b, inf): the answer is [b, a], found by bisection on the
 * closed form, or empty with the reason. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "timers/timers.h"

static const char *const unknown_names[] = {
    [TIMERS_UNKNOWN_PROGRAMMING] = "programming-delay",
    [TIMERS_UNKNOWN_PROGRAMMING_FWD] = "programming-delay-fwd",
    [TIMERS_UNKNOWN_PROGRAMMING_REV] = "programming-delay-rev",
    [TIMERS_UNKNOWN_PROPAGATION] = "propagation-delay",
    [TIMERS_UNKNOWN_CLOUD] = "cloud-delay",
};

const char *timers_unknown_name(enum timers_unknown u)
{
	return (unsigned)u < sizeof(unknown_names) / sizeof(unknown_names[0]) ? unknown_names[u]
	                                                                      : "?";
}

int timers_unknown_parse(const char *s, enum timers_unknown *out)
{
	for (size_t i = 0; i < sizeof(unknown_names) / sizeof(unknown_names[0]); i++)
		if (!strcmp(s, unknown_names[i])) {
			*out = (enum timers_unknown)i;
			return 0;
		}
	return lab_err(LAB_EXIT_USAGE,
	               "unknown '%s'; expected programming-delay, programming-delay-fwd, "
	               "programming-delay-rev, propagation-delay or cloud-delay",
	               s);
}

void timers_unknown_apply(enum timers_unknown u, double d, struct timers_input *in)
{
	switch (u) {
	case TIMERS_UNKNOWN_PROGRAMMING:
		in->side[0].programming_s = in->side[1].programming_s = d;
		break;
	case TIMERS_UNKNOWN_PROGRAMMING_FWD: in->side[0].programming_s = d; break;
	case TIMERS_UNKNOWN_PROGRAMMING_REV: in->side[1].programming_s = d; break;
	case TIMERS_UNKNOWN_PROPAGATION:
		in->side[0].propagation_s = in->side[1].propagation_s = d;
		break;
	case TIMERS_UNKNOWN_CLOUD:
		/* The same hidden time after each side's hold timer; a gateway that waits
		 * for its wake-up (the lab's BIRD) already spends up to wake_max_s of it,
		 * so its router gets the rest. Non-decreasing in d, as the range method
		 * needs. */
		for (int s = 0; s < 2; s++)
			in->side[s].programming_s = fmax(0, d - in->side[s].wake_max_s);
		break;
	}
}

struct fit_ctx {
	struct timers_input in;
	enum timers_unknown u;
	enum timers_dir dir;
};

static int window_at(const struct fit_ctx *c, double d, struct timers_window *w)
{
	struct timers_input in = c->in;
	struct timers_prediction p;

	timers_unknown_apply(c->u, d, &in);
	if (timers_predict(&in, &p) < 0)
		return -1;
	*w = timers_find_model(&p, "lab")->dir[c->dir].w;
	return 0;
}

/* Largest d in [lo, hi] with pred(d) true, pred true at lo and false at hi. */
static int bisect(const struct fit_ctx *c, double lo, double hi, bool upper_end, double m,
                  double *out)
{
	struct timers_window w;
	for (int i = 0; i < 200 && hi - lo > 1e-10; i++) {
		double mid = (lo + hi) / 2;
		if (window_at(c, mid, &w) < 0)
			return -1;
		bool ok = upper_end ? w.min_s <= m : w.max_s < m;
		if (ok)
			lo = mid;
		else
			hi = mid;
	}
	*out = upper_end ? lo : hi;
	return 0;
}

/* Results are shown to the microsecond; round inwards so the range stays valid. */
static double round_up_us(double v)
{
	return ceil(v * 1e6 - 1e-3) / 1e6;
}

static double round_down_us(double v)
{
	return floor(v * 1e6 + 1e-3) / 1e6;
}

int timers_fit_unknown(const struct timers_input *in, enum timers_unknown u, enum timers_dir dir,
                       const double *measured, size_t n, double max_s, struct timers_fit *out)
{
	struct fit_ctx c = {.in = *in, .u = u, .dir = dir};
	struct timers_window w0, wmax;
	double m_lo = INFINITY, m_hi = -INFINITY, a, b;

	memset(out, 0, sizeof(*out));
	out->unknown = u;
	out->dir = dir;
	if (n == 0)
		return lab_err(LAB_EXIT_USAGE, "no measurements to fit");
	if (dir >= TIMERS_NDIR)
		return lab_err(LAB_EXIT_USAGE, "bad direction");
	if (!isfinite(max_s) || max_s <= 0)
		return lab_err(LAB_EXIT_USAGE, "fit range: upper bound must be > 0");
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(measured[i]) || measured[i] < 0)
			return lab_err(LAB_EXIT_USAGE, "measurement %g: must be a time >= 0 s",
			               measured[i]);
		m_lo = fmin(m_lo, measured[i]);
		m_hi = fmax(m_hi, measured[i]);
	}
	if (window_at(&c, 0, &w0) < 0 || window_at(&c, max_s, &wmax) < 0)
		return -1;

	if (w0.min_s > m_lo) {
		snprintf(out->why, sizeof(out->why),
		         "%g s is shorter than the model allows even with %s = 0 (window starts "
		         "at %g s)",
		         m_lo, timers_unknown_name(u), w0.min_s);
		return 0;
	}
	if (wmax.max_s < m_hi) {
		snprintf(out->why, sizeof(out->why),
		         "%g s is longer than the model allows even with %s = %g s (window ends "
		         "at %g s)",
		         m_hi, timers_unknown_name(u), max_s, wmax.max_s);
		return 0;
	}
	if (wmax.min_s <= m_lo)
		a = max_s;
	else if (bisect(&c, 0, max_s, true, m_lo, &a) < 0)
		return -1;
	if (w0.max_s >= m_hi)
		b = 0;
	else if (bisect(&c, 0, max_s, false, m_hi, &b) < 0)
		return -1;
	a = round_down_us(a);
	b = round_up_us(b);
	if (b > a) {
		snprintf(out->why, sizeof(out->why),
		         "%g s and %g s are further apart than any window of the model: %s >= "
		         "%g s is needed for the longest, <= %g s for the shortest",
		         m_lo, m_hi, timers_unknown_name(u), b, a);
		return 0;
	}
	out->found = true;
	out->lo_s = b;
	out->hi_s = a;
	out->suggest_s = round_down_us((a + b) / 2);
	return window_at(&c, out->suggest_s, &out->at_suggest);
}
