#include "report/sweep_svg.h"

#include <math.h>
#include <string.h>

#include "common/err.h"
#include "timers/article.h"

#define W 860.0
#define H 500.0
#define X0 80.0
#define X1 700.0
#define Y0 50.0
#define Y1 430.0

static const char *const colors[] = {"#7f7f7f", "#1f77b4", "#2ca02c",
                                     "#d62728", "#9467bd", "#8c564b"};

/* Names are [a-z0-9._-] (checked keys, topology names); escape anyway. */
static void text_esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

struct scale {
	double lo, hi, p0, p1;
};

static double map(const struct scale *s, double v)
{
	return s->p0 + (v - s->lo) / (s->hi - s->lo) * (s->p1 - s->p0);
}

static void axis_ticks(FILE *f, const struct scale *s, bool horizontal)
{
	for (int i = 0; i <= 5; i++) {
		double v = s->lo + (s->hi - s->lo) * i / 5.0, p = map(s, v);
		if (horizontal)
			fprintf(f,
			        "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#000'/>"
			        "<text x='%.1f' y='%.1f' text-anchor='middle'>%.4g</text>\n",
			        p, Y1, p, Y1 + 5, p, Y1 + 20, v);
		else
			fprintf(f,
			        "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ccc'/>"
			        "<text x='%.1f' y='%.1f' text-anchor='end'>%.4g</text>\n",
			        X0, p, X1, p, X0 - 6, p + 4, v);
	}
}

static void head(FILE *f, const struct timers_sweep *sw, const struct sweep_svg_opts *o,
                 const char *what)
{
	fprintf(f,
	        "<?xml version='1.0' encoding='UTF-8'?>\n"
	        "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
	        "font-family='sans-serif' font-size='12'>\n"
	        "<rect width='100%%' height='100%%' fill='#fff'/>\n<text x='%.1f' y='24' "
	        "font-size='15'>",
	        W, H, X0);
	text_esc(f, what);
	fprintf(f, " (%s): ", timers_dir_name(o->dir));
	text_esc(f, o->title);
	fprintf(f, "</text>\n<text x='%.1f' y='%.1f' text-anchor='middle'>", (X0 + X1) / 2, H - 30);
	text_esc(f, sw->axis[sw->n_axes > 1 ? 1 : 0].key);
	fprintf(f,
	        " (s)</text>\n<text transform='translate(20 %.1f) rotate(-90)' "
	        "text-anchor='middle'>",
	        (Y0 + Y1) / 2);
	if (sw->n_axes > 1)
		text_esc(f, sw->axis[0].key);
	fprintf(f, "%s</text>\n", sw->n_axes > 1 ? " (s)" : "outage (s)");
}

static int plot_1d(const struct timers_sweep *sw, const struct sweep_svg_opts *o, FILE *f)
{
	size_t nm = sw->base.n_models;
	struct scale xs = {timers_sweep_x(&sw->pts[0], 0), timers_sweep_x(&sw->pts[sw->n - 1], 0),
	                   X0, X1};
	if (xs.hi <= xs.lo)
		xs.hi = xs.lo + 1;
	double top = o->has_budget ? o->budget_s : 0;
	for (size_t i = 0; i < sw->n; i++)
		for (size_t m = 0; m < nm; m++)
			if (isfinite(sw->pts[i].w[m][o->dir].max_s) &&
			    sw->pts[i].w[m][o->dir].max_s > top)
				top = sw->pts[i].w[m][o->dir].max_s;
	if (o->article_points && timers_article.measured_s[1] > top)
		top = timers_article.measured_s[1];
	struct scale ys = {0, top > 0 ? top * 1.1 : 1, Y1, Y0};
	head(f, sw, o, "outage window per model");
	axis_ticks(f, &ys, false);
	axis_ticks(f, &xs, true);
	fprintf(f,
	        "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' "
	        "stroke='#000'/>\n",
	        X0, Y0, X1 - X0, Y1 - Y0);
	for (size_t m = 0; m < nm; m++) {
		const char *col = colors[m % (sizeof(colors) / sizeof(colors[0]))];
		/* the window as a band: upper ends left to right, lower ends back */
		fprintf(f, "<polygon fill='%s' fill-opacity='0.18' stroke='none' points='", col);
		for (size_t i = 0; i < sw->n; i++) {
			double v = sw->pts[i].w[m][o->dir].max_s;
			fprintf(f, "%.1f,%.1f ", map(&xs, timers_sweep_x(&sw->pts[i], 0)),
			        map(&ys, isfinite(v) ? v : ys.hi));
		}
		for (size_t i = sw->n; i-- > 0;)
			fprintf(f, "%.1f,%.1f ", map(&xs, timers_sweep_x(&sw->pts[i], 0)),
			        map(&ys, fmin(sw->pts[i].w[m][o->dir].min_s, ys.hi)));
		fprintf(f, "'/>\n<polyline fill='none' stroke='%s' stroke-width='2' points='", col);
		for (size_t i = 0; i < sw->n; i++) {
			double v = sw->pts[i].w[m][o->dir].max_s;
			fprintf(f, "%.1f,%.1f ", map(&xs, timers_sweep_x(&sw->pts[i], 0)),
			        map(&ys, isfinite(v) ? v : ys.hi));
		}
		fprintf(f, "'/>\n<polyline fill='none' stroke='%s' stroke-dasharray='4 3' points='",
		        col);
		for (size_t i = 0; i < sw->n; i++)
			fprintf(f, "%.1f,%.1f ", map(&xs, timers_sweep_x(&sw->pts[i], 0)),
			        map(&ys, fmin(sw->pts[i].w[m][o->dir].min_s, ys.hi)));
		fprintf(f,
		        "'/>\n<rect x='%.1f' y='%.1f' width='14' height='10' fill='%s'/>"
		        "<text x='%.1f' y='%.1f'>",
		        X1 + 15, Y0 + 18.0 * (double)m, col, X1 + 34, Y0 + 9 + 18.0 * (double)m);
		text_esc(f, sw->base.models[m].name);
		fprintf(f, "</text>\n");
	}
	double ly = Y0 + 18.0 * (double)nm + 10;
	if (o->has_budget) {
		double y = map(&ys, o->budget_s);
		fprintf(f,
		        "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#e00' "
		        "stroke-width='2' stroke-dasharray='8 4'/>\n"
		        "<text x='%.1f' y='%.1f' fill='#e00'>max_outage %.4g s</text>\n",
		        X0, y, X1, y, X1 + 15, ly + 9, o->budget_s);
		ly += 18;
	}
	for (size_t i = 0; o->article_points && i < sw->n; i++) {
		if (!sw->pts[i].as_file)
			continue;
		for (size_t k = 0; k < timers_article.n_measured; k++)
			fprintf(f, "<circle cx='%.1f' cy='%.1f' r='4' fill='#000'/>\n",
			        map(&xs, timers_sweep_x(&sw->pts[i], 0)),
			        map(&ys, timers_article.measured_s[k]));
	}
	if (o->article_points)
		fprintf(f,
		        "<circle cx='%.1f' cy='%.1f' r='4' fill='#000'/><text x='%.1f' "
		        "y='%.1f'>article, measured</text>\n",
		        X1 + 22, ly + 5, X1 + 34, ly + 9);
	fprintf(f,
	        "<text x='%.1f' y='%.1f' font-size='10'>band: window (solid upper end = "
	        "worst case, dashed lower end)</text>\n</svg>\n",
	        X0, H - 10);
	return 0;
}

/* blue (short) -> red (long) */
static void ramp(double t, char *buf, size_t n)
{
	if (!(t >= 0))
		t = 0;
	if (t > 1)
		t = 1;
	snprintf(buf, n, "hsl(%.0f,75%%,55%%)", 240.0 * (1 - t));
}

static int plot_2d(const struct timers_sweep *sw, const struct sweep_svg_opts *o, FILE *f)
{
	const struct timers_sweep_axis *a = &sw->axis[0], *b = &sw->axis[1];
	int m = o->gate_model;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < sw->n; i++) {
		double v = sw->pts[i].w[m][o->dir].max_s;
		if (isfinite(v)) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	}
	if (!isfinite(lo))
		lo = hi = 0;
	char what[96];
	snprintf(what, sizeof(what), "worst case, model %s", sw->base.models[m].name);
	head(f, sw, o, what);
	double cw = (X1 - X0) / (double)b->n, ch = (Y1 - Y0) / (double)a->n;
	for (size_t i = 0; i < a->n; i++)
		for (size_t k = 0; k < b->n; k++) {
			double v = sw->pts[i * b->n + k].w[m][o->dir].max_s;
			char col[40];
			if (isfinite(v))
				ramp(hi > lo ? (v - lo) / (hi - lo) : 0, col, sizeof(col));
			else
				snprintf(col, sizeof(col), "#000");
			bool over = o->has_budget && !(v <= o->budget_s + 1e-6);
			/* row 0 at the bottom, like a y axis */
			double x = X0 + cw * (double)k, y = Y1 - ch * (double)(i + 1);
			fprintf(f,
			        "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='%s'%s>"
			        "<title>%.6g, %.6g: %.6g s</title></rect>\n",
			        x, y, cw + 0.05, ch + 0.05, col,
			        over ? " stroke='#000' stroke-width='0.6' fill-opacity='0.45'" : "",
			        a->ms[i] / 1000.0, b->ms[k] / 1000.0, v);
		}
	struct scale xs = {b->ms[0] / 1000.0, b->ms[b->n - 1] / 1000.0, X0 + cw / 2, X1 - cw / 2};
	struct scale ys = {a->ms[0] / 1000.0, a->ms[a->n - 1] / 1000.0, Y1 - ch / 2, Y0 + ch / 2};
	if (xs.hi <= xs.lo)
		xs.hi = xs.lo + 1;
	if (ys.hi <= ys.lo)
		ys.hi = ys.lo + 1;
	axis_ticks(f, &xs, true);
	for (int i = 0; i <= 5; i++) {
		double v = ys.lo + (ys.hi - ys.lo) * i / 5.0;
		fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='end'>%.4g</text>\n", X0 - 6,
		        map(&ys, v) + 4, v);
	}
	/* colour bar */
	for (int i = 0; i < 50; i++) {
		char col[40];
		ramp(i / 49.0, col, sizeof(col));
		fprintf(f, "<rect x='%.1f' y='%.1f' width='18' height='%.2f' fill='%s'/>\n",
		        X1 + 30, Y1 - (Y1 - Y0) * (i + 1) / 50.0, (Y1 - Y0) / 50.0 + 0.1, col);
	}
	fprintf(f, "<text x='%.1f' y='%.1f'>%.4g s</text><text x='%.1f' y='%.1f'>%.4g s</text>\n",
	        X1 + 52, Y0 + 10, hi, X1 + 52, Y1, lo);
	if (o->has_budget)
		fprintf(f,
		        "<text x='%.1f' y='%.1f' font-size='10'>outlined, faded: over "
		        "max_outage %.4g s</text>\n",
		        X0, H - 10, o->budget_s);
	fprintf(f, "</svg>\n");
	return 0;
}

int report_sweep_svg(const struct timers_sweep *sw, const struct sweep_svg_opts *o, FILE *f)
{
	if (!sw->n)
		return lab_err(LAB_EXIT_FAIL, "the sweep has no points to draw");
	int rc = sw->n_axes > 1 ? plot_2d(sw, o, f) : plot_1d(sw, o, f);
	if (rc == 0 && ferror(f))
		return lab_err(LAB_EXIT_FAIL, "writing the SVG failed");
	return rc;
}
