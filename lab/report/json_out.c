/* The report as JSON (--json): stable key order so golden files compare exactly. */
#include "common/monotime.h"
#include "probe/wire.h"
#include "report/report.h"
#include "timers/article.h"

static double rel(const struct report_run *r, int64_t t)
{
	return (double)(t - r->t0) / NS_PER_SEC;
}

static void measured(struct json *j, const char *key, double v)
{
	if (v >= 0)
		json_kv_double(j, key, v);
	else {
		json_key(j, key);
		json_null(j);
	}
}

static void stream_json(struct json *j, const struct report_run *r, const struct report_stream *s)
{
	json_obj_begin(j);
	json_kv_str(j, "probe", s->probe);
	json_kv_int(j, "flow", s->flow);
	json_kv_str(j, "dir", probe_dir_name(s->dir));
	json_kv_str(j, "leg", s->leg == LEG_RTT ? "rtt" : "oneway");
	json_kv_uint(j, "sent", s->sent);
	json_kv_uint(j, "ok", s->ok);
	json_key(j, "outage");
	if (!s->has_outage) {
		json_null(j);
	} else {
		json_obj_begin(j);
		json_kv_double(j, "duration_s", (double)s->o.duration_ns / NS_PER_SEC);
		json_kv_uint(j, "lost", s->o.lost);
		json_kv_double(j, "last_ok_s", rel(r, s->o.last_ok_ns));
		json_kv_double(j, "first_lost_s", rel(r, s->o.first_lost_ns));
		json_key(j, "first_ok_s");
		if (s->o.open)
			json_null(j);
		else
			json_double(j, rel(r, s->o.first_ok_ns));
		json_kv_bool(j, "open", s->o.open);
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void run_json(struct json *j, const struct report_run *r)
{
	json_obj_begin(j);
	json_kv_str(j, "kind", r->kind);
	json_kv_str(j, "target", r->target);
	json_kv_str(j, "tunnel", r->tunnel);
	json_kv_str(j, "node", r->node);
	json_kv_str(j, "detail", r->detail);
	json_kv_int(j, "fault_t_ns", r->t0);
	json_key(j, "heal_s");
	if (r->heal_t)
		json_double(j, rel(r, r->heal_t));
	else
		json_null(j);
	json_key(j, "recovery_s");
	if (r->recovery_t)
		json_double(j, rel(r, r->recovery_t));
	else
		json_null(j);
	json_kv_double(j, "resolution_s", (double)r->resolution_ns / NS_PER_SEC);

	json_key(j, "events");
	json_arr_begin(j);
	for (size_t k = 0; k < r->n_marks; k++) {
		const struct report_marker *m = &r->marks[k];
		json_obj_begin(j);
		json_kv_double(j, "t_s", rel(r, m->t));
		json_kv_str(j, "kind", report_mark_name(m->kind));
		json_kv_str(j, "node", m->node);
		json_kv_str(j, "text", m->text);
		json_obj_end(j);
	}
	json_arr_end(j);

	json_key(j, "flows");
	json_arr_begin(j);
	for (size_t k = 0; k < r->n_streams; k++)
		stream_json(j, r, &r->streams[k]);
	json_arr_end(j);

	json_key(j, "measured_s");
	json_obj_begin(j);
	for (int d = 0; d < TIMERS_NDIR; d++)
		measured(j, timers_dir_name(d), r->measured_s[d]);
	json_obj_end(j);
	json_key(j, "loss_derived_s");
	json_obj_begin(j);
	for (int d = 0; d < TIMERS_NDIR; d++)
		measured(j, timers_dir_name(d), r->loss_derived_s[d]);
	json_obj_end(j);

	json_key(j, "predicted");
	if (r->has_pred)
		timers_prediction_json(j, &r->pred);
	else
		json_null(j);
	json_key(j, "inside_lab_window");
	json_obj_begin(j);
	for (int d = 0; d < TIMERS_NDIR; d++) {
		json_key(j, timers_dir_name(d));
		if (r->inside[d] < 0)
			json_null(j);
		else
			json_boolean(j, r->inside[d]);
	}
	json_obj_end(j);
	json_kv_str(j, "mechanism", r->mechanism);
	json_key(j, "loss_model");
	report_loss_json(r, j);
	json_key(j, "reversion");
	report_reversion_json(j, r);
	json_key(j, "budget");
	report_budget_json(r, j);
	json_obj_end(j);
}

void report_json(const struct report *r, struct json *j)
{
	json_obj_begin(j);
	json_kv_str(j, "lab", r->lab);
	json_kv_double(j, "time_scale", r->time_scale);
	json_kv_uint(j, "unreadable_lines", r->bad_lines);
	json_key(j, "runs");
	json_arr_begin(j);
	for (size_t i = 0; i < r->n_runs; i++)
		run_json(j, &r->runs[i]);
	json_arr_end(j);
	json_key(j, "summary");
	json_obj_begin(j);
	for (int d = 0; d < TIMERS_NDIR; d++) {
		double mn, md, mx;
		size_t n;
		json_key(j, timers_dir_name(d));
		if (!report_summary(r, d, &mn, &md, &mx, &n)) {
			json_null(j);
			continue;
		}
		json_obj_begin(j);
		json_kv_uint(j, "runs", n);
		json_kv_double(j, "min_s", mn);
		json_kv_double(j, "median_s", md);
		json_kv_double(j, "max_s", mx);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_key(j, "model_test");
	report_model_json(r, j);
	json_key(j, "article");
	timers_article_json(j);
	json_obj_end(j);
}
