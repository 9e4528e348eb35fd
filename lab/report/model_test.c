/* The runs of a report against the lab model's distribution (issue: runs tested
 * against the model). For the first probe (the one `failover` runs), in each
 * direction, its worst flow as the report measures it: every run's outage
 * at its quantile of the Monte Carlo of the lab model for that run's fault, and
 * with enough runs a one-sample Kolmogorov-Smirnov test of all of them
 * (lab/timers/goodness_of_fit.c does the statistics; this file picks the runs,
 * their models and says what the result means).
 *
 * The model of a run is the scenario the report's predicted windows come from
 * (cfg->model_input: for a lab, its topology as `up` scaled it), so at a time
 * scale the distribution is that of the scaled timers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/monotime.h"
#include "probe/wire.h"
#include "report/report.h"

/* Runs of one fault share one simulated sample; more distinct faults than this in
 * one report are not tested (each sample holds REPORT_MODEL_SAMPLES outages per
 * direction). */
#define MAX_MODELS 8

struct model_slot {
	const struct report_run *first; /* the run that stands for the fault */
	struct timers_sample s[TIMERS_NDIR];
	bool ok;
};

static bool same_fault(const struct report_run *a, const struct report_run *b)
{
	return !strcmp(a->kind, b->kind) && !strcmp(a->target, b->target) &&
	       !strcmp(a->tunnel, b->tunnel) && a->resolution_ns == b->resolution_ns;
}

/* Run r's outage of `probe` in direction d: the worst of its flows, as the report's
 * measured_s (the flows hash onto the tunnels independently in each direction, so
 * in dual-tunnel no one flow crosses the broken tunnel both ways: the worst flow
 * per direction is what the model's fwd, rev and rtt describe). 0 when no flow
 * lost a probe; -1 when the probe measured nothing in d. *open: that outage had not
 * ended when the journals did. */
static double worst_of(const struct report_run *r, const char *probe, enum timers_dir d, bool *open)
{
	double x = -1;
	*open = false;
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		enum timers_dir sd = s->leg == LEG_RTT     ? TIMERS_RTT
		                     : s->dir == PROBE_FWD ? TIMERS_FWD
		                                           : TIMERS_REV;
		if (strcmp(s->probe, probe) || sd != d)
			continue;
		double v = s->has_outage ? (double)s->o.duration_ns / NS_PER_SEC : 0;
		if (v > x) {
			x = v;
			*open = s->has_outage && s->o.open;
		}
	}
	return x;
}

static void free_models(struct model_slot *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].ok)
			timers_sample_free(m[i].s);
}

/* One direction of the first probe. The runs' outages are known; the slots hold a
 * sample per fault, idx[i] the slot of run i. */
static int test_dir(struct report *r, const char *probe, enum timers_dir d,
                    const struct model_slot *slots, const size_t *idx, size_t n,
                    struct report_model_test *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->probe, sizeof(t->probe), "%s", probe);
	t->dir = d;
	double x[TIMERS_GOF_MAX_RUNS];
	const struct timers_sample *models[TIMERS_GOF_MAX_RUNS];
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		x[i] = worst_of(&r->runs[i], probe, d, &t->open[i]);
		if (x[i] < 0) {
			snprintf(t->why, sizeof(t->why), "run %zu has no %s measurement of %s",
			         i + 1, timers_dir_name(d), probe);
			return 0;
		}
		/* No outage is a measurement: 0 s, where the model puts no mass. An outage
		 * still open when the journals end is placed at its length so far, a lower
		 * bound on its quantile. */
		any |= x[i] > 0;
		t->n_open += t->open[i];
		models[i] = &slots[idx[i]].s[d];
	}
	if (!any) {
		snprintf(t->why, sizeof(t->why),
		         "no flow of %s lost a probe %s in any run: that traffic did not cross the "
		         "broken tunnel, and the model is for traffic that does",
		         probe,
		         d == TIMERS_RTT   ? "round trip"
		         : d == TIMERS_FWD ? "fwd"
		                           : "rev");
		return 0;
	}
	double probe_s = (double)r->runs[0].resolution_ns / NS_PER_SEC;
	if (timers_gof_each(models, probe_s, x, n, &t->gof) < 0) {
		snprintf(t->why, sizeof(t->why), "%s", lab_err_msg());
		lab_err_clear();
		return 0;
	}
	snprintf(t->gof.model_name, sizeof(t->gof.model_name), "lab");
	t->gof.dir = d;
	t->gof.samples = REPORT_MODEL_SAMPLES;
	t->gof.seed = REPORT_MODEL_SEED;
	t->placed = true;
	t->tested = n >= REPORT_MODEL_MIN_RUNS;
	if (!t->tested)
		snprintf(
		    t->why, sizeof(t->why),
		    "%zu run%s placed, not tested: fewer than %d runs, and the test could then "
		    "reject only runs that all sit in one extreme tail",
		    n, n == 1 ? "" : "s", REPORT_MODEL_MIN_RUNS);
	return 0;
}

int report_model_tests(struct report *r, const struct report_config *cfg)
{
	if (!cfg->model_input || !r->n_runs)
		return 0;
	const char *probe = NULL;
	for (size_t i = 0; i < r->runs[0].n_streams && !probe; i++)
		probe = r->runs[0].streams[i].probe;
	if (!probe)
		return 0;
	size_t n = r->n_runs < TIMERS_GOF_MAX_RUNS ? r->n_runs : TIMERS_GOF_MAX_RUNS;
	struct model_slot slots[MAX_MODELS];
	size_t n_slots = 0, *idx = calloc(n, sizeof(*idx));
	char why[200] = "";
	if (!idx)
		return lab_err(LAB_EXIT_FAIL, "out of memory testing the runs against the model");
	memset(slots, 0, sizeof(slots));
	for (size_t i = 0; i < n && !why[0]; i++) {
		const struct report_run *run = &r->runs[i];
		size_t k = 0;
		while (k < n_slots && !same_fault(slots[k].first, run))
			k++;
		if (k == n_slots) {
			struct timers_input in;
			if (n_slots == MAX_MODELS) {
				snprintf(why, sizeof(why),
				         "more than %d different faults among the runs",
				         MAX_MODELS);
				break;
			}
			if (cfg->model_input(cfg->predict_ctx, run, &in) < 0) {
				snprintf(
				    why, sizeof(why),
				    "run %zu: no timer model for fault %s on %s (not modelled, or "
				    "the topology does not load)",
				    i + 1, run->kind, run->target);
				break;
			}
			slots[k].first = run;
			if (timers_sample_outages(&in, "lab", REPORT_MODEL_SAMPLES,
			                          REPORT_MODEL_SEED, slots[k].s) < 0) {
				snprintf(why, sizeof(why), "run %zu: the model: %s", i + 1,
				         lab_err_msg());
				lab_err_clear();
				break;
			}
			slots[k].ok = true;
			n_slots++;
		}
		idx[i] = k;
	}
	int rc = 0;
	r->model_tests = calloc(TIMERS_NDIR, sizeof(*r->model_tests));
	if (!r->model_tests) {
		rc = lab_err(LAB_EXIT_FAIL, "out of memory testing the runs against the model");
		goto out;
	}
	r->n_model_tests = TIMERS_NDIR;
	for (int d = 0; d < TIMERS_NDIR; d++) {
		struct report_model_test *t = &r->model_tests[d];
		if (why[0]) {
			memset(t, 0, sizeof(*t));
			snprintf(t->probe, sizeof(t->probe), "%s", probe);
			t->dir = (enum timers_dir)d;
			snprintf(t->why, sizeof(t->why), "%s", why);
			continue;
		}
		test_dir(r, probe, (enum timers_dir)d, slots, idx, n, t);
		if (n < r->n_runs && t->placed)
			snprintf(t->why, sizeof(t->why), "only the first %zu of %zu runs tested", n,
			         r->n_runs);
	}
out:
	free_models(slots, n_slots);
	free(idx);
	return rc;
}

void report_model_meaning(const struct report_model_test *t, char *buf, size_t len)
{
	const struct timers_gof *g = &t->gof;
	size_t above = 0, below = 0;
	for (size_t i = 0; i < g->n; i++) {
		above += g->quantile[i] > 0.9;
		below += g->quantile[i] < 0.1;
	}
	if (!g->reject) {
		snprintf(buf, len,
		         "%zu runs consistent with the model (KS p = %.2f): if the model is right, "
		         "runs at least this far from it come %.0f times in 100",
		         g->n, g->p_value, 100 * g->p_value);
		return;
	}
	const char *lean = g->median_runs_s > g->model.q_s[4] ? "longer" : "shorter";
	snprintf(buf, len,
	         "%zu runs inconsistent with the model (KS p = %.2g < %.2f): %zu above its p90 and "
	         "%zu below its p10, median %.2f s against its p50 %.2f s, so the runs are %s "
	         "than it predicts and a mechanism or delay in it is off",
	         g->n, g->p_value, TIMERS_GOF_ALPHA, above, below, g->median_runs_s,
	         g->model.q_s[4], lean);
}

static const char *dir_words(enum timers_dir d)
{
	return d == TIMERS_FWD ? "fwd (one way)" : d == TIMERS_REV ? "rev (one way)" : "round trip";
}

void report_model_text(const struct report *r, FILE *f)
{
	if (!r->n_model_tests)
		return;
	fprintf(f,
	        "\nruns against the lab model: each run's quantile in the model's Monte Carlo "
	        "(%d faults, seed %d",
	        REPORT_MODEL_SAMPLES, REPORT_MODEL_SEED);
	if (r->time_scale != 1.0)
		fprintf(f, "; the lab's timers at time scale %g as up set them", r->time_scale);
	fprintf(f, ")\n");
	for (size_t k = 0; k < r->n_model_tests; k++) {
		const struct report_model_test *t = &r->model_tests[k];
		fprintf(f, "  %s %s (worst flow):", t->probe, dir_words(t->dir));
		if (!t->placed) {
			fprintf(f, " not placed: %s\n", t->why);
			continue;
		}
		const struct timers_gof *g = &t->gof;
		for (size_t i = 0; i < g->n; i++)
			fprintf(f, "%s %.2f s p%.*f%s", i ? "," : "", g->outage_s[i],
			        /* the tails to a tenth: p0 would read as "impossible" */
			        g->quantile[i] < 0.01 || g->quantile[i] > 0.99 ? 1 : 0,
			        100 * g->quantile[i], t->open[i] ? " (still open: at least)" : "");
		fprintf(f, "\n    model p10 %.2f, p50 %.2f, p90 %.2f s; runs median %.2f s\n",
		        g->model.q_s[2], g->model.q_s[4], g->model.q_s[6], g->median_runs_s);
		if (t->tested) {
			char m[512];
			report_model_meaning(t, m, sizeof(m));
			fprintf(f, "    %s (D = %.3f)\n", m, g->ks_d);
		}
		if (t->why[0])
			fprintf(f, "    %s\n", t->why);
	}
}

void report_model_json(const struct report *r, struct json *j)
{
	json_arr_begin(j);
	for (size_t k = 0; k < r->n_model_tests; k++) {
		const struct report_model_test *t = &r->model_tests[k];
		const struct timers_gof *g = &t->gof;
		json_obj_begin(j);
		json_kv_str(j, "probe", t->probe);
		json_kv_str(j, "measure", "worst flow");
		json_kv_str(j, "dir", timers_dir_name(t->dir));
		json_kv_str(j, "model", "lab");
		json_kv_uint(j, "samples", REPORT_MODEL_SAMPLES);
		json_kv_uint(j, "seed", REPORT_MODEL_SEED);
		json_kv_double(j, "time_scale", r->time_scale);
		json_key(j, "runs");
		json_arr_begin(j);
		for (size_t i = 0; t->placed && i < g->n; i++) {
			json_obj_begin(j);
			json_kv_double(j, "outage_s", g->outage_s[i]);
			json_kv_double(j, "quantile", g->quantile[i]);
			json_kv_double(j, "pit", g->pit[i]);
			json_kv_bool(j, "open", t->open[i]);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_key(j, "model_distribution");
		if (t->placed)
			timers_dist_dir_json(j, &g->model);
		else
			json_null(j);
		json_key(j, "test");
		if (!t->tested) {
			json_null(j);
		} else {
			char m[512];
			report_model_meaning(t, m, sizeof(m));
			json_obj_begin(j);
			json_kv_str(j, "name", "kolmogorov-smirnov");
			json_kv_uint(j, "n", g->n);
			json_kv_double(j, "d", g->ks_d);
			json_kv_double(j, "p_value", g->p_value);
			json_kv_double(j, "alpha", TIMERS_GOF_ALPHA);
			json_kv_bool(j, "reject", g->reject);
			json_kv_str(j, "meaning", m);
			json_obj_end(j);
		}
		json_key(j, "note");
		if (t->why[0])
			json_str(j, t->why);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}
