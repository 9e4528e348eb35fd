/* The comparison as one SVG chart: a row per mechanism x fault, the lab model's
 * round-trip window as a bar, each run's measured round-trip outage as a dot, the
 * article's 32-41 s (scaled) as a band behind every row, on one time axis; the axis
 * is logarithmic when the times span more than a factor of 20 (BFD's fractions of a
 * second beside a hold timer's tens). */
#include <math.h>
#include <stdio.h>

#include "common/err.h"
#include "experiment/compare.h"
#include "timers/article.h"

#define ROW_H 26
#define LEFT 260
#define PLOT_W 620
#define TOP 40

struct axis {
	double lo, hi;
	bool log;
};

static double x_of(const struct axis *a, double v)
{
	if (v < a->lo)
		v = a->lo;
	if (v > a->hi)
		v = a->hi;
	double f = a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
	                  : (v - a->lo) / (a->hi - a->lo);
	return LEFT + f * PLOT_W;
}

static void extend(double *lo, double *hi, double v)
{
	if (!isfinite(v) || v <= 0)
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

int cmp_svg(const struct cmp_result *r, FILE *f)
{
	double amin = timers_article.min_s * r->time_scale,
	       amax = timers_article.max_s * r->time_scale;
	double lo = amin, hi = amax;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cmp_cell *c = &r->cells[i];
		if (c->has_pred) {
			extend(&lo, &hi, c->pred[TIMERS_RTT].min_s);
			extend(&lo, &hi, c->pred[TIMERS_RTT].max_s);
		}
		for (size_t k = 0; k < c->rep.n_runs; k++)
			extend(&lo, &hi, c->rep.runs[k].measured_s[TIMERS_RTT]);
	}
	struct axis a = {.log = hi / lo > 20};
	a.lo = a.log ? pow(10, floor(log10(lo))) : 0;
	a.hi = a.log ? pow(10, ceil(log10(hi))) : ceil(hi * 1.1);
	int height = TOP + (int)r->n_cells * ROW_H + 50;
	fprintf(f,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "font-family=\"sans-serif\" font-size=\"12\">\n",
	        LEFT + PLOT_W + 40, height);
	fprintf(f,
	        "<text x=\"10\" y=\"20\" font-size=\"14\">%s: round-trip outage per mechanism "
	        "and fault (time scale %g%s)</text>\n",
	        r->topology, r->time_scale, a.log ? ", log axis" : "");
	double bx0 = x_of(&a, amin), bx1 = x_of(&a, amax);
	fprintf(f,
	        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f4d03f\" "
	        "opacity=\"0.3\"><title>the article's %g-%g s (scaled)</title></rect>\n",
	        bx0, TOP, bx1 - bx0, (int)r->n_cells * ROW_H, timers_article.min_s,
	        timers_article.max_s);
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cmp_cell *c = &r->cells[i];
		int y = TOP + (int)i * ROW_H;
		fprintf(f, "<text x=\"10\" y=\"%d\">%s / %s</text>\n", y + 17, c->mech, c->fault);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n",
		        LEFT, y + ROW_H, LEFT + PLOT_W, y + ROW_H);
		if (c->has_pred) {
			double x0 = x_of(
			    &a, c->pred[TIMERS_RTT].min_s > 0 ? c->pred[TIMERS_RTT].min_s : a.lo);
			double x1 =
			    x_of(&a, isinf(c->pred[TIMERS_RTT].max_s) ? a.hi
			                                              : c->pred[TIMERS_RTT].max_s);
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"10\" "
			        "fill=\"#5dade2\">"
			        "<title>predicted %.3f-%.3f s</title></rect>\n",
			        x0, y + 8, x1 - x0 > 1 ? x1 - x0 : 1, c->pred[TIMERS_RTT].min_s,
			        c->pred[TIMERS_RTT].max_s);
		}
		for (size_t k = 0; k < c->rep.n_runs; k++) {
			const struct report_run *run = &c->rep.runs[k];
			double v = run->measured_s[TIMERS_RTT];
			if (v <= 0)
				continue;
			fprintf(f,
			        "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"><title>run %zu: "
			        "%.3f s, %s (%s)</title></circle>\n",
			        x_of(&a, v), y + 13,
			        run->inside[TIMERS_RTT] == 1 ? "#1e8449" : "#c0392b", k + 1, v,
			        run->inside[TIMERS_RTT] == 1 ? "inside" : "outside",
			        k < 64 ? c->ended[k] : "?");
		}
	}
	int ay = TOP + (int)r->n_cells * ROW_H;
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", LEFT, ay,
	        LEFT + PLOT_W, ay);
	for (int k = 0; k <= 10; k++) {
		double v = a.log ? pow(10, log10(a.lo) + k * (log10(a.hi) - log10(a.lo)) / 10)
		                 : a.lo + k * (a.hi - a.lo) / 10;
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.3g</text>\n",
		        x_of(&a, v), ay + 16, v);
	}
	fprintf(f,
	        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds (bar: predicted; dot: "
	        "a run, green inside, red outside; band: the article)</text>\n",
	        LEFT + PLOT_W / 2, ay + 36);
	fprintf(f, "</svg>\n");
	return ferror(f) ? lab_err(LAB_EXIT_FAIL, "writing the SVG failed") : 0;
}
