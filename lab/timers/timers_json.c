/* Stable JSON for predictions, simulations and fits. Keys never change meaning;
 * golden files (tests/unit/timers/golden) compare this text exactly. Unbounded
 * window ends are written as null. */
#include <math.h>
#include <stdio.h>

#include "common/json.h"
#include "timers/article.h"
#include "timers/budget.h"
#include "timers/timers.h"

void timers_window_json(struct json *j, const struct timers_window *w)
{
	json_kv_double(j, "min_s", w->min_s);
	json_kv_double(j, "max_s", w->max_s);
}

static void side_json(struct json *j, const struct timers_side *s)
{
	json_obj_begin(j);
	json_kv_str(j, "gateway", s->gateway);
	json_kv_str(j, "router", s->router);
	json_kv_str(j, "speaker", timers_speaker_name(s->speaker));
	json_kv_double(j, "keepalive_s", s->keepalive_s);
	json_kv_double(j, "hold_s", s->hold_s);
	json_kv_bool(j, "track_tunnel", s->track_tunnel);
	json_kv_double(j, "track_latency_s", s->track_latency_s);
	json_kv_double(j, "dpd_delay_s", s->dpd_delay_s);
	json_kv_double(j, "bfd_interval_s", s->bfd_interval_s);
	json_kv_uint(j, "bfd_detect_mult", s->bfd_detect_mult);
	json_kv_double(j, "propagation_s", s->propagation_s);
	json_kv_double(j, "programming_s", s->programming_s);
	json_kv_double(j, "wake_max_s", s->wake_max_s);
	if (s->last_rx_known) /* only for a run whose journal gave it */
		json_kv_double(j, "last_rx_age_s", s->last_rx_age_s);
	json_obj_end(j);
}

void timers_input_json(struct json *j, const struct timers_input *in)
{
	json_obj_begin(j);
	json_key(j, "sides");
	json_arr_begin(j);
	side_json(j, &in->side[0]);
	side_json(j, &in->side[1]);
	json_arr_end(j);
	json_kv_str(j, "fault", timers_fault_name(in->fault));
	json_kv_uint(j, "fault_side", in->fault_side);
	json_kv_bool(j, "alternate_path", in->alternate_path);
	json_kv_double(j, "probe_interval_s", in->probe_interval_s);
	json_kv_double(j, "clock_granularity_s", in->clock_granularity_s);
	json_key(j, "retransmit");
	json_obj_begin(j);
	json_kv_double(j, "timeout_s", in->retransmit.timeout_s);
	json_kv_double(j, "base", in->retransmit.base);
	json_kv_uint(j, "tries", in->retransmit.tries);
	json_obj_end(j);
	json_kv_double(j, "article_k_min_s", in->article_k_min_s);
	json_kv_double(j, "article_switch_s", in->article_switch_s);
	json_obj_end(j);
}

static void path_json(struct json *j, const struct timers_path *p)
{
	json_obj_begin(j);
	timers_window_json(j, &p->w);
	json_kv_str(j, "mechanism", timers_mechanism_name(p->mechanism));
	json_kv_str(j, "note", p->note);
	json_key(j, "parts");
	json_arr_begin(j);
	for (size_t i = 0; i < p->n_parts; i++) {
		json_obj_begin(j);
		json_kv_str(j, "name", p->parts[i].name);
		json_kv_str(j, "where", p->parts[i].where);
		timers_window_json(j, &p->parts[i].w);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void timers_prediction_json(struct json *j, const struct timers_prediction *p)
{
	json_obj_begin(j);
	json_key(j, "session");
	json_obj_begin(j);
	json_kv_double(j, "hold_s", p->session.hold_s);
	json_key(j, "keepalive_s");
	json_arr_begin(j);
	json_double(j, p->session.keepalive_s[0]);
	json_double(j, p->session.keepalive_s[1]);
	json_arr_end(j);
	json_key(j, "hold_min_s");
	json_arr_begin(j);
	json_double(j, p->session.hold_min_s[0]);
	json_double(j, p->session.hold_min_s[1]);
	json_arr_end(j);
	json_obj_end(j);
	json_key(j, "models");
	json_arr_begin(j);
	for (size_t i = 0; i < p->n_models; i++) {
		const struct timers_model *m = &p->models[i];
		json_obj_begin(j);
		json_kv_str(j, "name", m->name);
		json_kv_str(j, "summary", m->summary);
		for (int d = 0; d < TIMERS_NDIR; d++) {
			json_key(j, timers_dir_name((enum timers_dir)d));
			path_json(j, &m->dir[d]);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void timers_mc_json(struct json *j, const struct timers_mc_result *r)
{
	json_obj_begin(j);
	json_kv_str(j, "model", r->model);
	for (int d = 0; d < TIMERS_NDIR; d++) {
		json_key(j, timers_dir_name((enum timers_dir)d));
		json_obj_begin(j);
		timers_window_json(j, &r->dir[d].w);
		json_kv_double(j, "mean_s", r->dir[d].mean_s);
		json_kv_uint(j, "samples", r->dir[d].n);
		json_obj_end(j);
	}
	json_obj_end(j);
}

void timers_fit_json(struct json *j, const struct timers_fit *f)
{
	json_obj_begin(j);
	json_kv_str(j, "unknown", timers_unknown_name(f->unknown));
	json_kv_str(j, "direction", timers_dir_name(f->dir));
	json_kv_bool(j, "found", f->found);
	if (f->found) {
		json_kv_double(j, "lo_s", f->lo_s);
		json_kv_double(j, "hi_s", f->hi_s);
		json_kv_double(j, "suggest_s", f->suggest_s);
		json_key(j, "window_at_suggest");
		json_obj_begin(j);
		timers_window_json(j, &f->at_suggest);
		json_obj_end(j);
	} else {
		json_kv_str(j, "why", f->why);
	}
	json_obj_end(j);
}

/* A quantile past the last finite outage is null, like an unbounded window end. */
void timers_dist_dir_json(struct json *j, const struct timers_dist_dir *q)
{
	json_obj_begin(j);
	json_key(j, "quantiles_s");
	json_obj_begin(j);
	for (int k = 0; k < TIMERS_NQUANT; k++) {
		char key[8];
		snprintf(key, sizeof(key), "p%d", (int)lround(timers_quantile_levels[k] * 100));
		json_kv_double(j, key, q->q_s[k]);
	}
	json_obj_end(j);
	json_kv_double(j, "mean_s", q->mean_s);
	json_kv_uint(j, "samples", q->n);
	json_kv_uint(j, "never", q->n_never);
	json_obj_end(j);
}

void timers_dist_json(struct json *j, const struct timers_dist *d)
{
	json_obj_begin(j);
	json_kv_str(j, "model", d->model);
	for (int k = 0; k < TIMERS_NDIR; k++) {
		json_key(j, timers_dir_name((enum timers_dir)k));
		timers_dist_dir_json(j, &d->dir[k]);
	}
	json_obj_end(j);
}

static void profile_json(struct json *j, const struct timers_lik_fit *f, size_t k)
{
	const struct timers_lik_profile *p = &f->profile[k];
	json_obj_begin(j);
	json_kv_str(j, "unknown", timers_unknown_name(f->unknown[k]));
	json_kv_double(j, "ml_s", f->ml_s[k]);
	json_kv_double(j, "chosen_s", f->chosen_s[k]);
	json_key(j, "interval90_s");
	json_obj_begin(j);
	json_kv_double(j, "lo_s", p->lo_s);
	json_kv_double(j, "hi_s", p->hi_s);
	json_kv_double(j, "median_s", p->median_s);
	json_obj_end(j);
	json_key(j, "interval90_lr_s");
	json_obj_begin(j);
	json_kv_double(j, "lo_s", p->ci_lo_s);
	json_kv_double(j, "hi_s", p->ci_hi_s);
	json_kv_bool(j, "open_lo", p->ci_open_lo);
	json_kv_bool(j, "open_hi", p->ci_open_hi);
	json_obj_end(j);
	json_key(j, "plateau_s");
	json_obj_begin(j);
	json_kv_double(j, "lo_s", p->plateau_lo_s);
	json_kv_double(j, "hi_s", p->plateau_hi_s);
	json_kv_bool(j, "flat", p->flat);
	json_obj_end(j);
	/* The curve as [value, log-likelihood relative to the maximum] pairs. */
	json_key(j, "curve");
	json_arr_begin(j);
	for (size_t i = 0; i < p->n; i++) {
		json_arr_begin(j);
		json_double(j, p->d_s[i]);
		json_double(j, p->loglik[i] - f->loglik_max);
		json_arr_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void timers_lik_fit_json(struct json *j, const struct timers_lik_fit *f)
{
	json_obj_begin(j);
	json_kv_str(j, "method", "likelihood");
	json_kv_str(j, "direction", timers_dir_name(f->dir));
	json_kv_bool(j, "found", f->found);
	json_kv_uint(j, "samples", f->samples);
	json_kv_uint(j, "seed", f->seed);
	if (!f->found) {
		json_kv_str(j, "why", f->why);
		json_obj_end(j);
		return;
	}
	json_kv_double(j, "bandwidth_s", f->bandwidth_s);
	json_kv_double(j, "loglik_max", f->loglik_max);
	json_kv_bool(j, "flat", f->flat);
	json_kv_str(j, "chosen_by",
	            f->chosen_by_median ? "median-equals-mean-in-plateau" : "likelihood-median");
	json_kv_double(j, "mean_measured_s", f->mean_measured_s);
	json_key(j, "unknowns");
	json_arr_begin(j);
	for (size_t k = 0; k < f->n_unknown; k++)
		profile_json(j, f, k);
	json_arr_end(j);
	json_key(j, "at_chosen");
	timers_dist_dir_json(j, &f->at_chosen);
	json_obj_end(j);
}

void timers_predict_doc(struct json *j, const struct timers_doc *d)
{
	json_obj_begin(j);
	json_kv_str(j, "topology", d->topology);
	json_kv_str(j, "tunnel", d->tunnel);
	json_kv_double(j, "time_scale", d->time_scale);
	json_key(j, "input");
	timers_input_json(j, d->in);
	json_key(j, "prediction");
	timers_prediction_json(j, d->pred);
	/* The article's published numbers: fixed, never scaled, beside every prediction. */
	json_key(j, "article");
	timers_article_json(j);
	if (d->n_mc) {
		json_key(j, "montecarlo");
		json_obj_begin(j);
		json_kv_uint(j, "samples", d->mc_samples);
		json_kv_uint(j, "seed", d->mc_seed);
		json_key(j, "models");
		json_arr_begin(j);
		for (size_t i = 0; i < d->n_mc; i++)
			timers_mc_json(j, &d->mc[i]);
		json_arr_end(j);
		json_obj_end(j);
	}
	if (d->n_dist) {
		json_key(j, "distribution");
		json_obj_begin(j);
		json_kv_uint(j, "samples", d->dist[0].samples);
		json_kv_uint(j, "seed", d->dist[0].seed);
		json_key(j, "models");
		json_arr_begin(j);
		for (size_t i = 0; i < d->n_dist; i++)
			timers_dist_json(j, &d->dist[i]);
		json_arr_end(j);
		json_obj_end(j);
	}
	if (d->gof) {
		json_key(j, "runs_test");
		timers_gof_json(j, d->gof);
	}
	if (d->n_budget) {
		json_key(j, "budget");
		timers_budget_json(j, d->budget, d->n_budget);
	}
	json_obj_end(j);
}
