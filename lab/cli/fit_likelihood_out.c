#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fit_likelihood_out.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "timers/timers.h"
#include "topo/model.h"

/* Rows of the text curve: enough to see its shape, few enough to read. */
#define CURVE_ROWS 40
#define BAR_WIDTH 40

static void fmt_lr(char *b, size_t len, const struct timers_lik_profile *p)
{
	snprintf(b, len, "%s%.2f, %.2f%s s", p->ci_open_lo ? "(<=" : "[", p->ci_lo_s, p->ci_hi_s,
	         p->ci_open_hi ? " or more)" : "]");
}

static void print_curve(const struct timers_lik_fit *f, size_t k)
{
	const struct timers_lik_profile *p = &f->profile[k];
	size_t every = p->n > CURVE_ROWS ? (p->n + CURVE_ROWS - 1) / CURVE_ROWS : 1;

	printf("\nlikelihood of %s%s (relative to the maximum; * 90 %% interval, = plateau)\n",
	       timers_unknown_name(f->unknown[k]),
	       f->n_unknown == 2 ? ", profiled over the other unknown" : "");
	printf("  %9s  %8s\n", "value (s)", "L / Lmax");
	for (size_t i = 0; i < p->n; i += every) {
		double r = exp(p->loglik[i] - f->loglik_max);
		bool in_ci = p->d_s[i] >= p->lo_s && p->d_s[i] <= p->hi_s;
		bool in_pl = p->d_s[i] >= p->plateau_lo_s && p->d_s[i] <= p->plateau_hi_s;
		int bar = (int)lround(r * BAR_WIDTH);
		printf("  %9.2f  %8.4f %c%c ", p->d_s[i], r, in_ci ? '*' : ' ', in_pl ? '=' : ' ');
		for (int b = 0; b < bar; b++)
			putchar('#');
		putchar('\n');
	}
}

void fit_lik_text(const struct timers_cli_topo *ct, const struct timers_lik_fit *f, const double *m,
                  size_t n)
{
	const struct timers_input *in = &ct->in;

	printf("fit %s%s%s against %s outages", timers_unknown_name(f->unknown[0]),
	       f->n_unknown == 2 ? " and " : "",
	       f->n_unknown == 2 ? timers_unknown_name(f->unknown[1]) : "",
	       timers_dir_name(f->dir));
	for (size_t i = 0; i < n; i++)
		printf("%s%g s", i ? ", " : " ", m[i]);
	printf(" by likelihood\nmodel lab of %s, tunnel %s (%s <-> %s), fault %s; routers %s and "
	       "%s\n",
	       ct->topo->name, ct->tunnel_name, in->side[0].gateway, in->side[1].gateway,
	       timers_fault_name(in->fault), in->side[0].router, in->side[1].router);
	if (!f->found) {
		printf("no value fits: %s\n", f->why);
		return;
	}
	printf("density: Gaussian kernel (bandwidth %.3f s) over %llu simulated faults, seed "
	       "%llu\n",
	       f->bandwidth_s, (unsigned long long)f->samples, (unsigned long long)f->seed);
	printf("maximum likelihood:");
	for (size_t k = 0; k < f->n_unknown; k++)
		printf("%s %s = %.2f s", k ? "," : "", timers_unknown_name(f->unknown[k]),
		       f->ml_s[k]);
	printf(" (log-likelihood %.3f)\n", f->loglik_max);
	for (size_t k = 0; k < f->n_unknown; k++) {
		const struct timers_lik_profile *p = &f->profile[k];
		char lr[96];
		fmt_lr(lr, sizeof(lr), p);
		printf("%s: 90 %% interval [%.2f, %.2f] s (likelihood-ratio: %s); plateau "
		       "(likelihood >= max/2) %.2f - %.2f s%s\n",
		       timers_unknown_name(f->unknown[k]), p->lo_s, p->hi_s, lr, p->plateau_lo_s,
		       p->plateau_hi_s, p->flat ? ": flat" : "");
		if (f->n_unknown == 2 && p->ci_lo_s <= 0)
			printf("  (its likelihood stays high down to 0 s: the other direction "
			       "alone can be the "
			       "slower one, so these outages do not bound it from below)\n");
	}
	printf("(the 90 %% interval holds the central 90 %% of the likelihood over the value, "
	       "exact for a delay that shifts the outages; the likelihood-ratio one assumes a "
	       "regular model, which this is not: the window's ends move with the delay)\n");
	if (f->chosen_by_median)
		printf("the likelihood is flat: these measurements cannot choose within the "
		       "plateau, so the answer is the value in it whose predicted median equals "
		       "their mean (%.2f s)\n",
		       f->mean_measured_s);
	if (!f->chosen_by_median)
		printf("the answer is the middle of the likelihood (its median over the value), "
		       "not its maximum, which sits on an end of the support whenever a "
		       "measurement lies near an end of the window\n");
	printf("answer:");
	for (size_t k = 0; k < f->n_unknown; k++)
		printf("%s %s = %.3f s", k ? "," : "", timers_unknown_name(f->unknown[k]),
		       f->chosen_s[k]);
	printf("\npredicted %s there:", timers_dir_name(f->dir));
	for (int q = 0; q < TIMERS_NQUANT; q++)
		if (q == 2 || q == 4 || q == 6)
			printf(" p%d %.2f s", (int)lround(timers_quantile_levels[q] * 100),
			       f->at_chosen.q_s[q]);
	printf(", mean %.2f s\n", f->at_chosen.mean_s);
	for (size_t k = 0; k < f->n_unknown; k++)
		print_curve(f, k);
}

int fit_lik_json(const struct timers_cli_topo *ct, double time_scale,
                 const struct timers_lik_fit *f, const double *m, size_t n)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "topology", ct->topo->name);
	json_kv_str(&j, "tunnel", ct->tunnel_name);
	json_kv_double(&j, "time_scale", time_scale);
	json_key(&j, "measured_s");
	json_arr_begin(&j);
	for (size_t i = 0; i < n; i++)
		json_double(&j, m[i]);
	json_arr_end(&j);
	json_key(&j, "fit");
	timers_lik_fit_json(&j, f);
	json_obj_end(&j);
	return timers_cli_put_json(&j);
}

/* ---- SVG: one panel per unknown, relative likelihood against the value ---- */

#define W 640
#define PANEL_H 240
#define ML 60
#define MR 20
#define MT 30
#define MB 40

static int svg_panel(FILE *o, const struct timers_lik_fit *f, size_t k, int top)
{
	const struct timers_lik_profile *p = &f->profile[k];
	double x0 = p->d_s[0], x1 = p->d_s[p->n - 1];
	double pw = W - ML - MR, ph = PANEL_H - MT - MB;
#define X(v) (ML + ((v)-x0) / (x1 > x0 ? x1 - x0 : 1) * pw)
#define Y(r) (top + MT + (1 - (r)) * ph)
	fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s%s</text>\n", ML, top + 18,
	        timers_unknown_name(f->unknown[k]), f->n_unknown == 2 ? " (profile)" : "");
	/* The 90 % interval and the plateau as bands under the curve. */
	fprintf(o,
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#dde8f5\"/>\n",
	        X(p->lo_s), Y(1), X(p->hi_s) - X(p->lo_s), ph);
	fprintf(o,
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#b9d0ea\"/>\n",
	        X(p->plateau_lo_s), Y(1), X(p->plateau_hi_s) - X(p->plateau_lo_s), ph);
	fprintf(o, "<polyline fill=\"none\" stroke=\"#1f4e8c\" stroke-width=\"1.5\" points=\"");
	for (size_t i = 0; i < p->n; i++)
		fprintf(o, "%.1f,%.1f ", X(p->d_s[i]), Y(exp(p->loglik[i] - f->loglik_max)));
	fprintf(o, "\"/>\n");
	fprintf(o,
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c03\" "
	        "stroke-dasharray=\"4 3\"/>\n",
	        X(f->chosen_s[k]), Y(1), X(f->chosen_s[k]), Y(0));
	fprintf(o, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\"/>\n", ML,
	        Y(0), W - MR, Y(0));
	for (int t = 0; t <= 4; t++) {
		double v = x0 + (x1 - x0) * t / 4;
		fprintf(o,
		        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">"
		        "%.1f</text>\n",
		        X(v), Y(0) + 15, v);
	}
	fprintf(o, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">1</text>\n", ML - 15, Y(1) + 4);
	fprintf(o, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">0</text>\n", ML - 15, Y(0) + 4);
	fprintf(o,
	        "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">answer %.2f s, "
	        "value (s)</text>\n",
	        W - MR, Y(0) + 30, f->chosen_s[k]);
#undef X
#undef Y
	return 0;
}

int fit_svg_write(const char *path, const struct timers_lik_fit *f, const double *m, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	if (!o)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "--svg %s: no memory for the drawing",
		                     path);
	int h = (int)f->n_unknown * PANEL_H + 30;
	fprintf(o,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" "
	        "fill=\"white\"/>\n",
	        W, h);
	fprintf(o, "<text x=\"%d\" y=\"%d\" font-size=\"13\">likelihood of the %s outages", ML,
	        h - 10, timers_dir_name(f->dir));
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%s%g", i ? ", " : " ", m[i]);
	fprintf(o, " s (band: 90 %% interval, dark: plateau, dashed: answer)</text>\n");
	for (size_t k = 0; k < f->n_unknown; k++)
		svg_panel(o, f, k, (int)k * PANEL_H);
	fprintf(o, "</svg>\n");
	if (fclose(o) != 0) {
		free(buf);
		return lab_err(LAB_EXIT_FAIL, "--svg %s: could not build the drawing", path);
	}
	int rc = write_file_atomic(path, buf, len, 0644);
	int e = errno;
	free(buf);
	if (rc < 0)
		return lab_err_errno(LAB_EXIT_USAGE, e,
		                     "--svg %s: cannot write it; give a path in "
		                     "a writable directory",
		                     path);
	return 0;
}
