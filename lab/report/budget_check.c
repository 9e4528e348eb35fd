/* Every measured outage against the topology's budget (expect: max_outage), and
 * the JUnit cases of a failover report: per flow and direction, inside the lab's
 * window and within the budget. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/monotime.h"
#include "probe/wire.h"
#include "report/junit.h"
#include "report/report.h"

static enum timers_dir stream_dir(const struct report_stream *s)
{
	return s->leg == LEG_RTT ? TIMERS_RTT : s->dir == PROBE_FWD ? TIMERS_FWD : TIMERS_REV;
}

int report_budget_judge(struct report_run *r, const struct report_config *cfg)
{
	if (!cfg->budget || !r->n_streams)
		return 0;
	r->budget = calloc(r->n_streams, sizeof(*r->budget));
	if (!r->budget)
		return lab_err(LAB_EXIT_FAIL, "out of memory building the report");
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		enum timers_dir d = stream_dir(s);
		double limit;
		if (!cfg->budget(cfg->predict_ctx, s->probe, d, &limit))
			continue;
		struct report_budget_check *c = &r->budget[r->n_budget++];
		snprintf(c->probe, sizeof(c->probe), "%s", s->probe);
		c->flow = s->flow;
		c->dir = d;
		c->limit_s = limit;
		c->measured_s = s->has_outage ? (double)s->o.duration_ns / NS_PER_SEC : 0;
		c->open = s->has_outage && s->o.open;
		/* An outage still open has lasted at least this long and may go on: it
		 * passes no budget. 1 ms of slack: outages are multiples of the interval. */
		c->ok = !c->open && c->measured_s <= limit + 1e-3;
	}
	return 0;
}

bool report_budget_failed(const struct report *r)
{
	for (size_t i = 0; i < r->n_runs; i++)
		for (size_t k = 0; k < r->runs[i].n_budget; k++)
			if (!r->runs[i].budget[k].ok)
				return true;
	return false;
}

static const char *dir_label(enum timers_dir d)
{
	return d == TIMERS_RTT ? "rtt" : timers_dir_name(d);
}

void report_budget_text(const struct report_run *r, FILE *f)
{
	if (!r->n_budget) {
		fprintf(f, "  budget: none (no expect: max_outage for these probes)\n");
		return;
	}
	size_t bad = 0;
	for (size_t k = 0; k < r->n_budget; k++)
		bad += !r->budget[k].ok;
	/* One line per direction: its limit and its worst flow. */
	fprintf(f, "  budget (max_outage):");
	for (int d = 0; d < TIMERS_NDIR; d++) {
		const struct report_budget_check *w = NULL;
		for (size_t k = 0; k < r->n_budget; k++) {
			const struct report_budget_check *c = &r->budget[k];
			if (c->dir == (enum timers_dir)d &&
			    (!w || c->open > w->open || c->measured_s > w->measured_s))
				w = c;
		}
		if (w)
			fprintf(f, " %s %.3f s: worst flow %.3f s%s;", dir_label(w->dir),
			        w->limit_s, w->measured_s, w->open ? " (still open)" : "");
	}
	fprintf(f, " %s\n", bad ? "OVER" : "within");
	for (size_t k = 0; k < r->n_budget; k++) {
		const struct report_budget_check *c = &r->budget[k];
		if (c->ok)
			continue;
		if (c->open)
			fprintf(f,
			        "    over budget: %s flow %u %s: outage still open after %.3f s "
			        "(max_outage %.3f s)\n",
			        c->probe, c->flow, dir_label(c->dir), c->measured_s, c->limit_s);
		else
			fprintf(f,
			        "    over budget: %s flow %u %s: outage %.3f s exceeds max_outage "
			        "%.3f s by %.3f s\n",
			        c->probe, c->flow, dir_label(c->dir), c->measured_s, c->limit_s,
			        c->measured_s - c->limit_s);
	}
}

void report_budget_json(const struct report_run *r, struct json *j)
{
	if (!r->n_budget) {
		json_null(j);
		return;
	}
	bool ok = true;
	for (size_t k = 0; k < r->n_budget; k++)
		ok &= r->budget[k].ok;
	json_obj_begin(j);
	json_kv_bool(j, "ok", ok);
	json_key(j, "checks");
	json_arr_begin(j);
	for (size_t k = 0; k < r->n_budget; k++) {
		const struct report_budget_check *c = &r->budget[k];
		json_obj_begin(j);
		json_kv_str(j, "probe", c->probe);
		json_kv_int(j, "flow", c->flow);
		json_kv_str(j, "dir", dir_label(c->dir));
		json_kv_double(j, "max_outage_s", c->limit_s);
		json_kv_double(j, "outage_s", c->measured_s);
		json_kv_bool(j, "open", c->open);
		json_kv_bool(j, "ok", c->ok);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* The cases' strings live beside them. */
struct jc {
	char cls[160], msg[512];
};

static void window_case(struct junit_case *jc, struct jc *b, const struct report_run *r,
                        const struct report_stream *s)
{
	enum timers_dir d = stream_dir(s);
	const struct timers_model *lab = r->has_pred ? timers_find_model(&r->pred, "lab") : NULL;
	jc->name = "inside the lab window";
	jc->classname = b->cls;
	if (!lab) {
		snprintf(b->msg, sizeof(b->msg), "no prediction for fault %s", r->kind);
		jc->skipped = b->msg;
		return;
	}
	const struct timers_window *w = &lab->dir[d].w;
	if (!s->has_outage) {
		snprintf(b->msg, sizeof(b->msg),
		         "no outage: the flow did not depend on what the "
		         "fault broke (lab window %.3f-%.3f s)",
		         w->min_s, w->max_s);
		jc->skipped = b->msg;
		return;
	}
	double v = (double)s->o.duration_ns / NS_PER_SEC;
	jc->time_s = v;
	if (!s->o.open && v >= w->min_s - 1e-3 && v <= w->max_s + 1e-3)
		return;
	snprintf(b->msg, sizeof(b->msg), "outage %.3f s%s, lab window %.3f-%.3f s (%s)", v,
	         s->o.open ? " and still open" : "", w->min_s, w->max_s,
	         v < w->min_s ? "shorter" : "longer");
	jc->failure = b->msg;
}

static void budget_case(struct junit_case *jc, struct jc *b, const struct report_budget_check *c)
{
	jc->name = "within the budget";
	jc->classname = b->cls;
	jc->time_s = c->measured_s;
	if (c->ok)
		return;
	snprintf(b->msg, sizeof(b->msg), "outage %.3f s%s, max_outage %.3f s (over by %.3f s)",
	         c->measured_s, c->open ? " and still open" : "", c->limit_s,
	         c->measured_s - c->limit_s);
	jc->failure = b->msg;
}

/* The round trip's runs against the lab model (model_test.c): one case for the
 * series, failed when the test rejects at 0.05 (so about 1 CI run in 20 fails when
 * the model is right: that is what the level means), skipped when it was not made. */
static void model_case(struct junit_case *jc, struct jc *b, const struct report_model_test *t)
{
	jc->name = "runs consistent with the lab model";
	jc->classname = b->cls;
	if (!t->tested) {
		snprintf(b->msg, sizeof(b->msg), "%s", t->why[0] ? t->why : "not tested");
		jc->skipped = b->msg;
		return;
	}
	if (!t->gof.reject)
		return;
	report_model_meaning(t, b->msg, sizeof(b->msg));
	jc->failure = b->msg;
}

int report_junit_write(const struct report *rep, const char *path)
{
	size_t max = 1, n = 0;
	for (size_t i = 0; i < rep->n_runs; i++)
		max += rep->runs[i].n_streams + rep->runs[i].n_budget;
	struct junit_case *cases = calloc(max, sizeof(*cases));
	struct jc *bufs = calloc(max, sizeof(*bufs));
	if (!cases || !bufs) {
		free(cases);
		free(bufs);
		return lab_err(LAB_EXIT_FAIL, "out of memory writing JUnit XML");
	}
	for (size_t i = 0; i < rep->n_runs; i++) {
		const struct report_run *r = &rep->runs[i];
		for (size_t k = 0; k < r->n_streams; k++) {
			const struct report_stream *s = &r->streams[k];
			enum timers_dir d = stream_dir(s);
			char cls[160];
			snprintf(cls, sizeof(cls), "%s.run%zu.%s.flow%u.%s", rep->lab, i + 1,
			         s->probe, s->flow, dir_label(d));
			memcpy(bufs[n].cls, cls, sizeof(cls));
			window_case(&cases[n], &bufs[n], r, s);
			n++;
			for (size_t b = 0; b < r->n_budget; b++) {
				const struct report_budget_check *c = &r->budget[b];
				if (c->flow != s->flow || c->dir != d || strcmp(c->probe, s->probe))
					continue;
				memcpy(bufs[n].cls, cls, sizeof(cls));
				budget_case(&cases[n], &bufs[n], c);
				n++;
			}
		}
	}
	for (size_t k = 0; k < rep->n_model_tests; k++) {
		const struct report_model_test *t = &rep->model_tests[k];
		if (t->dir != TIMERS_RTT)
			continue;
		snprintf(bufs[n].cls, sizeof(bufs[n].cls), "%s.model.%s.rtt", rep->lab, t->probe);
		model_case(&cases[n], &bufs[n], t);
		n++;
	}
	char suite[96];
	snprintf(suite, sizeof(suite), "labctl failover %s", rep->lab);
	int rc = junit_write_file(path, suite, cases, n, 0);
	free(cases);
	free(bufs);
	return rc;
}
