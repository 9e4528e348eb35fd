/* The comparison as a table (text) and as JSON (compare.h). Times are as measured
 * in the lab, i.e. at its time scale; the article's numbers are scaled alongside so
 * that "saves" compares like with like. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "experiment/compare.h"
#include "timers/article.h"

static void win_txt(char *b, size_t n, bool has, struct timers_window w)
{
	if (!has)
		snprintf(b, n, "-");
	else if (isinf(w.max_s))
		snprintf(b, n, "%.2f-inf", w.min_s);
	else
		snprintf(b, n, "%.2f-%.2f", w.min_s, w.max_s);
}

/* The distinct ends of a cell's runs, "hold x3" or "track x2, hold x1". */
static void ended_txt(const struct cmp_cell *c, char *b, size_t n)
{
	size_t off = 0, runs = c->rep.n_runs < 64 ? c->rep.n_runs : 64;
	b[0] = '\0';
	for (size_t i = 0; i < runs; i++) {
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			seen |= !strcmp(c->ended[k], c->ended[i]);
		if (seen)
			continue;
		size_t cnt = 0;
		for (size_t k = i; k < runs; k++)
			cnt += !strcmp(c->ended[k], c->ended[i]);
		int w = snprintf(b + off, n - off, "%s%s x%zu", off ? ", " : "", c->ended[i], cnt);
		if (w < 0 || (size_t)w >= n - off)
			return;
		off += (size_t)w;
	}
}

void cmp_text(const struct cmp_result *r, FILE *f)
{
	double art = timers_article.measured_s[0] * r->time_scale;
	fprintf(f,
	        "compare %s at time scale %g (seconds as measured; the article's %.1f s is "
	        "%.2f s here)\n",
	        r->topology, r->time_scale, timers_article.measured_s[0], art);
	fprintf(f, "%-16s %-13s %-12s %-12s %-12s %-12s %-20s %-7s %-8s %-26s %s\n", "mechanism",
	        "fault", "pred fwd", "pred rev", "pred rtt", "fwd/rev med", "rtt min/med/max",
	        "inside", "saves", "ended by", "instant-detection floor");
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cmp_cell *c = &r->cells[i];
		if (!c->ok) {
			fprintf(f, "%-16s %-13s error: %s\n", c->mech, c->fault, c->error);
			continue;
		}
		char w[3][40], meas[48] = "no outage", ins[16], sav[16] = "-", end[160],
		               fl[24] = "-";
		char dm[2][16], dirs[40];
		for (int d = 0; d < 2; d++)
			if (isnan(c->dir_med_s[d]))
				snprintf(dm[d], sizeof(dm[d]), "-");
			else
				snprintf(dm[d], sizeof(dm[d]), "%.2f", c->dir_med_s[d]);
		snprintf(dirs, sizeof(dirs), "%s/%s", dm[0], dm[1]);
		for (int d = 0; d < TIMERS_NDIR; d++)
			win_txt(w[d], sizeof(w[d]), c->has_pred, c->pred[d]);
		if (c->n_measured)
			snprintf(meas, sizeof(meas), "%.2f/%.2f/%.2f", c->min_s, c->med_s,
			         c->max_s);
		if (c->has_pred)
			snprintf(ins, sizeof(ins), "%zu/%zu", c->n_inside, c->n_measured);
		else
			snprintf(ins, sizeof(ins), "no model");
		if (c->n_measured)
			snprintf(sav, sizeof(sav), "%+.2f", art - c->med_s);
		ended_txt(c, end, sizeof(end));
		if (!isnan(c->floor_s[TIMERS_RTT]))
			snprintf(fl, sizeof(fl), "%.2f", c->floor_s[TIMERS_RTT]);
		fprintf(f, "%-16s %-13s %-12s %-12s %-12s %-12s %-20s %-7s %-8s %-26s %s\n",
		        c->mech, c->fault, w[0], w[1], w[2], dirs, meas, ins, sav, end, fl);
	}
	fprintf(f,
	        "saves: the article's %.1f s (scaled) minus the median. instant-detection floor: "
	        "what remains of the round trip if detection took no time, the routers' route\n"
	        "programming delays (in dual-tunnel the clouds' fitted hidden time, scaled): no "
	        "detection mechanism, BFD included, removes it.\n",
	        timers_article.measured_s[0]);
}

static void jwin(struct json *j, const char *k, bool has, struct timers_window w)
{
	json_key(j, k);
	if (has) {
		json_obj_begin(j);
		timers_window_json(j, &w);
		json_obj_end(j);
	} else {
		json_null(j);
	}
}

static void jnum(struct json *j, const char *k, double v)
{
	json_key(j, k);
	if (isnan(v))
		json_null(j);
	else
		json_double(j, v);
}

void cmp_json(const struct cmp_result *r, struct json *j)
{
	json_obj_begin(j);
	json_kv_str(j, "topology", r->topology);
	json_kv_double(j, "time_scale", r->time_scale);
	/* the article object of report and predict (docs/json.md) */
	json_key(j, "article");
	timers_article_json(j);
	json_key(j, "cells");
	json_arr_begin(j);
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct cmp_cell *c = &r->cells[i];
		json_obj_begin(j);
		json_kv_str(j, "mechanism", c->mech);
		json_kv_str(j, "fault", c->fault);
		json_kv_str(j, "lab", c->lab);
		json_kv_bool(j, "ok", c->ok);
		if (!c->ok)
			json_kv_str(j, "error", c->error);
		json_key(j, "predicted");
		json_obj_begin(j);
		for (int d = 0; d < TIMERS_NDIR; d++)
			jwin(j, timers_dir_name((enum timers_dir)d), c->has_pred, c->pred[d]);
		json_kv_str(j, "mechanism", c->has_pred ? c->pred_mech : "");
		json_obj_end(j);
		json_key(j, "instant_detection_floor_s");
		json_obj_begin(j);
		for (int d = 0; d < TIMERS_NDIR; d++)
			jnum(j, timers_dir_name((enum timers_dir)d), c->floor_s[d]);
		json_obj_end(j);
		json_key(j, "rtt");
		json_obj_begin(j);
		json_kv_uint(j, "runs_with_outage", c->n_measured);
		json_kv_uint(j, "inside", c->n_inside);
		jnum(j, "min_s", c->min_s);
		jnum(j, "median_s", c->med_s);
		jnum(j, "max_s", c->max_s);
		json_obj_end(j);
		json_key(j, "one_way_median_s");
		json_obj_begin(j);
		jnum(j, "fwd", c->dir_med_s[0]);
		jnum(j, "rev", c->dir_med_s[1]);
		json_obj_end(j);
		json_key(j, "ended_by");
		json_arr_begin(j);
		for (size_t k = 0; k < c->rep.n_runs && k < 64; k++)
			json_str(j, c->ended[k]);
		json_arr_end(j);
		json_key(j, "report");
		if (c->ok)
			report_json(&c->rep, j);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
