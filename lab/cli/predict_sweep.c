/* labctl predict --sweep: the table, the JSON document and the SVG of a sweep. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/predict_gate.h"
#include "common/err.h"
#include "common/json.h"
#include "report/sweep_svg.h"
#include "timers/article.h"
#include "timers/sweep.h"
#include "topo/topo.h"

/* The budget of the gated model at direction d, if any check sets one. */
static bool limit_of(const struct timers_budget_check *c, size_t n, const char *model,
                     enum timers_dir d, double *lim)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].dir == d && !strcmp(c[i].model, model)) {
			*lim = c[i].limit_s;
			return true;
		}
	return false;
}

/* Every check at point p: -1 no budget, 0 over, 1 within. */
static int point_ok(const struct timers_sweep *sw, const struct timers_sweep_point *p,
                    const struct timers_budget_check *c, size_t n)
{
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int m = timers_sweep_model(sw, c[i].model);
		if (m >= 0 && !(p->w[m][c[i].dir].max_s <= c[i].limit_s + 1e-6))
			return 0;
	}
	return 1;
}

static void fmt_w(char *b, size_t n, const struct timers_window *w)
{
	if (isinf(w->max_s))
		snprintf(b, n, "%.2f-inf", w->min_s);
	else
		snprintf(b, n, "%.2f-%.2f", w->min_s, w->max_s);
}

static void text_1d(const struct timers_sweep *sw, enum timers_dir d,
                    const struct timers_budget_check *c, size_t n)
{
	const struct timers_sweep_axis *a = &sw->axis[0];
	printf("sweep %s: window of %s (s) per model\n\n  %10s", a->key, timers_dir_name(d),
	       a->key);
	for (size_t m = 0; m < sw->base.n_models; m++)
		printf("  %-15s", sw->base.models[m].name);
	printf("%s\n", n ? "  budget" : "");
	for (size_t i = 0; i < sw->n; i++) {
		const struct timers_sweep_point *p = &sw->pts[i];
		printf("  %10.6g", timers_sweep_x(p, 0));
		for (size_t m = 0; m < sw->base.n_models; m++) {
			char w[40];
			fmt_w(w, sizeof(w), &p->w[m][d]);
			printf("  %-15s", w);
		}
		int ok = point_ok(sw, p, c, n);
		printf("%s%s\n",
		       ok < 0 ? ""
		       : ok   ? "  within"
		              : "  OVER",
		       p->as_file ? "  <- as in the file" : "");
	}
	if (!n)
		return;
	/* The answer: the ranges of the value that keep every check within. */
	printf("\nwithin budget (%s):", c[0].model);
	bool any = false;
	for (size_t i = 0; i < sw->n;) {
		if (point_ok(sw, &sw->pts[i], c, n) != 1) {
			i++;
			continue;
		}
		size_t k = i;
		while (k + 1 < sw->n && point_ok(sw, &sw->pts[k + 1], c, n) == 1)
			k++;
		printf("%s %s %.6g..%.6g s", any ? "," : "", a->key, timers_sweep_x(&sw->pts[i], 0),
		       timers_sweep_x(&sw->pts[k], 0));
		any = true;
		i = k + 1;
	}
	printf("%s\n", any ? "" : " no value in the sweep");
}

static void text_2d(const struct timers_sweep *sw, enum timers_dir d, int gm,
                    const struct timers_budget_check *c, size_t n)
{
	const struct timers_sweep_axis *a = &sw->axis[0], *b = &sw->axis[1];
	printf("sweep %s x %s: worst case of %s, model %s (s)%s\n\n", a->key, b->key,
	       timers_dir_name(d), sw->base.models[gm].name, n ? "; * over budget" : "");
	printf("  %10s |", "");
	for (size_t k = 0; k < b->n; k++)
		printf(" %8.6g", b->ms[k] / 1000.0);
	printf("  <- %s\n", b->key);
	for (size_t i = 0; i < a->n; i++) {
		printf("  %10.6g |", a->ms[i] / 1000.0);
		for (size_t k = 0; k < b->n; k++) {
			const struct timers_sweep_point *p = &sw->pts[i * b->n + k];
			int ok = point_ok(sw, p, c, n);
			printf(" %7.2f%s", p->w[gm][d].max_s, ok == 0 ? "*" : " ");
		}
		printf("\n");
	}
	printf("  ^ %s\n", a->key);
}

static void json_doc(const struct timers_sweep *sw, const struct timers_cli_topo *ct, double scale,
                     enum timers_dir d, const struct timers_budget_check *c, size_t n,
                     struct json *j)
{
	json_obj_begin(j);
	json_kv_str(j, "topology", ct->topo->name);
	json_kv_str(j, "tunnel", ct->tunnel_name);
	json_kv_double(j, "time_scale", scale);
	json_kv_str(j, "direction", timers_dir_name(d));
	json_key(j, "keys");
	json_arr_begin(j);
	for (size_t a = 0; a < sw->n_axes; a++)
		json_str(j, sw->axis[a].key);
	json_arr_end(j);
	json_key(j, "budget");
	if (n)
		timers_budget_json(j, c, n);
	else
		json_null(j);
	json_key(j, "points");
	json_arr_begin(j);
	for (size_t i = 0; i < sw->n; i++) {
		const struct timers_sweep_point *p = &sw->pts[i];
		json_obj_begin(j);
		json_key(j, "values_s");
		json_arr_begin(j);
		for (size_t a = 0; a < sw->n_axes; a++)
			json_double(j, timers_sweep_x(p, a));
		json_arr_end(j);
		json_kv_bool(j, "as_file", p->as_file);
		json_key(j, "within_budget");
		int ok = point_ok(sw, p, c, n);
		if (ok < 0)
			json_null(j);
		else
			json_boolean(j, ok);
		json_key(j, "models");
		json_obj_begin(j);
		for (size_t m = 0; m < sw->base.n_models; m++) {
			json_key(j, sw->base.models[m].name);
			json_obj_begin(j);
			for (int k = 0; k < TIMERS_NDIR; k++) {
				json_key(j, timers_dir_name((enum timers_dir)k));
				json_obj_begin(j);
				timers_window_json(j, &p->w[m][k]);
				json_obj_end(j);
			}
			json_obj_end(j);
		}
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static int write_svg(const struct predict_gate *g, const struct timers_sweep *sw,
                     const struct timers_cli_topo *ct, const char *fault, enum timers_dir d, int gm,
                     const struct timers_budget_check *c, size_t n)
{
	char title[160];
	snprintf(title, sizeof(title), "%s, tunnel %s, fault %s", ct->topo->name, ct->tunnel_name,
	         fault ? fault : "ike-mismatch");
	struct sweep_svg_opts o = {.title = title, .dir = d, .gate_model = gm};
	o.has_budget = limit_of(c, n, sw->base.models[gm].name, d, &o.budget_s);
	/* The article measured round trips with its clouds' timers: hold 30 s and a
	 * KEEPALIVE every 10 s each way, at full scale. */
	const struct timers_session *s = &sw->base.session;
	o.article_points = d == TIMERS_RTT && s->hold_s == timers_article.hold_s &&
	                   s->keepalive_s[0] == timers_article.k_max_s &&
	                   s->keepalive_s[1] == timers_article.k_max_s;
	FILE *f = fopen(g->svg, "we");
	if (!f)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", g->svg);
	int rc = report_sweep_svg(sw, &o, f);
	if (fclose(f) != 0 && rc == 0)
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", g->svg);
	return rc;
}

int predict_gate_sweep(const struct predict_gate *g, const char *topology, const char *tunnel,
                       const char *fault, uint32_t fault_side, double scale,
                       const struct timers_cli_topo *ct, const struct timers_budget_check *c,
                       size_t n, bool json)
{
	struct timers_cli_topo raw;
	struct timers_sweep sw = {0};
	int rc = -1;
	/* the sweep writes values at full scale and scales each point as `up` would */
	if (timers_cli_load(topology, tunnel, fault, 1.0, &raw) < 0)
		return -1;
	uint32_t idx = 0;
	for (size_t i = 0; i < raw.topo->n_tunnels; i++)
		if (!strcmp(raw.topo->tunnels[i].name, raw.tunnel_name))
			idx = (uint32_t)i;
	for (size_t i = 0; i < g->n_sweep; i++)
		if (timers_sweep_add(&sw, raw.topo, g->sweep[i]) < 0)
			goto out;
	if (timers_sweep_run(&sw, raw.topo, idx, fault, fault_side, scale) < 0)
		goto out;
	enum timers_dir d = g->have_dir ? g->dir : TIMERS_RTT;
	int gm = timers_sweep_model(&sw, n ? c[0].model : g->n_models ? g->models[0] : "lab");
	if (gm < 0)
		gm = (int)sw.base.n_models - 1;
	if (json) {
		struct json j;
		json_init(&j);
		json_doc(&sw, ct, scale, d, c, n, &j);
		if (timers_cli_put_json(&j) < 0)
			goto out;
	} else if (sw.n_axes == 1) {
		text_1d(&sw, d, c, n);
	} else {
		text_2d(&sw, d, gm, c, n);
	}
	if (g->svg && write_svg(g, &sw, ct, fault, d, gm, c, n) < 0)
		goto out;
	if (g->svg && !json)
		printf("plot: %s\n", g->svg);
	rc = 0;
out:
	timers_sweep_free(&sw);
	timers_cli_free(&raw);
	return rc;
}
