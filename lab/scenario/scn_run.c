/* Running a scenario's steps on a lab, through the experiment module's public
 * steps (experiment.h), the same ones `labctl failover` composes. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/monotime.h"
#include "experiment/experiment.h"
#include "scenario/scenario.h"

struct runner {
	const struct scenario *s;
	const struct scn_run_opts *o;
	struct exp_spec spec;
	struct exp e;
	struct exp_run last; /* the latest fault step's run */
	bool faulted;
	struct scn_outcome *out;
};

static void say(struct runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct runner *r, const char *fmt, ...)
{
	if (!r->o->progress)
		return;
	char line[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->o->progress(r->o->progress_ctx, line);
}

static void observe(void *ctx, enum exp_event ev, const struct exp_run *run, const char *msg)
{
	struct runner *r = ctx;
	switch (ev) {
	case EXP_EV_WARNING: say(r, "warning: %s", msg); break;
	case EXP_EV_INJECTED:
		say(r, "  %s on %s (%s); recovery expected within %.1f s",
		    fault_kind_name(run->fault.kind), run->fault.target, run->detail, run->bound_s);
		break;
	case EXP_EV_NOT_RECOVERED:
		say(r, "  no recovery within %.1f s: %s", run->bound_s, run->not_ok);
		break;
	/* A scenario's steps say when they wait and heal; the experiment's own
	 * progress ticks would repeat them. */
	case EXP_EV_WAITING:
	case EXP_EV_HEALED: break;
	}
}

static bool stopped(const struct runner *r)
{
	return r->o->stop && *r->o->stop;
}

static double reconverge_s(const struct runner *r)
{
	return 60 + 200 * r->e.view.time_scale;
}

static int add_result(struct runner *r, const struct scn_result *res)
{
	struct scn_outcome *o = r->out;
	struct scn_result *nv = realloc(o->results, (o->n_results + 1) * sizeof(*nv));
	if (!nv)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	o->results = nv;
	o->results[o->n_results++] = *res;
	if (!res->pass)
		o->failed++;
	return 0;
}

static int do_expect(struct runner *r, long it, size_t si, const struct scn_step *st)
{
	/* BIRD's newest log lines into the journals first (report/lab_report.h). */
	if (r->e.view.topo && bgp_svc_bird_logs_sync(&r->e.view.run, r->e.view.topo) < 0)
		lab_err_clear();
	struct report rep;
	if (exp_collect(&r->e, &rep) < 0)
		return -1;
	const struct report_run *run = rep.n_runs ? &rep.runs[rep.n_runs - 1] : NULL;
	int rc = 0;
	for (size_t k = 0; k < st->n_expects && rc == 0; k++) {
		struct scn_result res = {.iteration = it, .step = si, .expect = k};
		scn_judge(&st->expects[k], run, r->e.view.run.dir, &res);
		say(r, "  %s %s: %s", res.pass ? "ok  " : "FAIL", res.what, res.msg);
		rc = add_result(r, &res);
	}
	report_free(&rep);
	return rc;
}

static int do_wait_time(struct runner *r, double s)
{
	int64_t until = mono_ns() + (int64_t)(s * NS_PER_SEC);
	while (!stopped(r) && mono_ns() < until) {
		int64_t left = until - mono_ns();
		sleep_ns(left < 100 * NS_PER_MS ? left : 100 * NS_PER_MS);
	}
	return 0;
}

static int do_step(struct runner *r, long it, size_t si)
{
	const struct scn_step *st = &r->s->steps[si];
	say(r, "run %ld step %zu: %s", it, si + 1, st->text);
	switch (st->kind) {
	case SCN_FAULT:
		r->spec.kind = st->fault.kind;
		r->spec.param = st->fault.param;
		r->spec.target = st->target_auto ? NULL : st->fault.target;
		r->spec.tunnel = "auto";
		memset(&r->last, 0, sizeof(r->last));
		r->last.index = it;
		if (exp_plan_fault(&r->e, &r->last) < 0 || exp_inject(&r->e, &r->last) < 0)
			return -1;
		r->faulted = true;
		return 0;
	case SCN_HEAL: {
		size_t n;
		if (fault_heal(&r->e.view, st->heal_target[0] ? st->heal_target : NULL, &n) < 0)
			return -1;
		r->last.heal_t = mono_ns();
		say(r, "  healed %zu fault%s", n, n == 1 ? "" : "s");
		return 0;
	}
	case SCN_WAIT_TIME: return do_wait_time(r, st->wait_s * r->e.view.time_scale);
	case SCN_WAIT_RECOVERED:
		if (!r->faulted)
			return lab_err(LAB_EXIT_USAGE, "wait recovered before any fault");
		if (r->last.heal_t > r->last.inject_t) {
			/* After a heal the fault's own bound no longer applies: the lab has to
			 * come back as after any heal. */
			int64_t deadline = mono_ns() + (int64_t)(reconverge_s(r) * NS_PER_SEC);
			int ok = exp_wait_probes_ok(&r->e, r->last.heal_t, deadline);
			if (ok < 0)
				return -1;
			if (ok)
				say(r, "  every probe stream answered again");
			else
				say(r, "  still losing probes: %s", r->e.not_ok);
			return 0;
		}
		if (exp_wait_recovered(&r->e, &r->last) < 0)
			return -1;
		say(r, "  %s after %.3f s",
		    r->last.outcome == EXP_RECOVERED       ? "recovered"
		    : r->last.outcome == EXP_NO_LOSS       ? "no probe lost"
		    : r->last.outcome == EXP_NOT_RECOVERED ? "not recovered"
		                                           : "stopped",
		    (double)(mono_ns() - r->last.inject_t) / NS_PER_SEC);
		return 0;
	case SCN_WAIT_READY: return exp_wait_reconverged(&r->e, &r->last);
	case SCN_WAIT_ESTABLISHED: {
		char why[512];
		int64_t deadline = mono_ns() + (int64_t)(reconverge_s(r) * NS_PER_SEC);
		int ok = exp_services_ready(&r->e.view, r->e.topo, deadline, why, sizeof(why));
		if (ok < 0)
			return -1;
		if (ok == 0)
			return lab_err(LAB_EXIT_FAIL,
			               "step %zu (%s): not established within %.0f s: %s", si + 1,
			               st->text, reconverge_s(r), why);
		return 0;
	}
	case SCN_EXPECT: return do_expect(r, it, si, st);
	}
	return 0;
}

int scenario_run(const struct scenario *s, const struct scn_run_opts *o, struct scn_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct runner *r = calloc(1, sizeof(*r));
	if (!r)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	r->s = s;
	r->o = o;
	r->out = out;
	r->spec = (struct exp_spec){.kind = FAULT_IKE_MISMATCH,
	                            .tunnel = "auto",
	                            .runs = 1,
	                            .probe = s->probe,
	                            .time_scale = o->time_scale,
	                            .stop = o->stop};
	int rc = -1;
	if (exp_open(&r->e, o->lab, &r->spec, observe, r) < 0 || exp_wait_steady(&r->e) < 0 ||
	    exp_probes_start(&r->e) < 0)
		goto out;
	for (long it = 1; it <= o->runs; it++) {
		r->faulted = false;
		for (size_t si = 0; si < s->n_steps; si++) {
			if (stopped(r)) {
				lab_err(LAB_EXIT_FAIL, "interrupted");
				goto out;
			}
			if (do_step(r, it, si) < 0)
				goto out;
		}
		/* The next run starts from the steady state, whatever the steps left. */
		if (fault_active_count(&r->e.view)) {
			size_t n;
			say(r, "run %ld: healing what the steps left active", it);
			if (fault_heal(&r->e.view, NULL, &n) < 0)
				goto out;
			r->last.heal_t = mono_ns();
			if (it < o->runs && exp_wait_reconverged(&r->e, &r->last) < 0)
				goto out;
		}
	}
	exp_probes_stop(&r->e);
	if (r->e.view.topo && bgp_svc_bird_logs_sync(&r->e.view.run, r->e.view.topo) < 0)
		lab_err_clear();
	rc = exp_collect(&r->e, &out->report);
out:
	exp_close(&r->e);
	free(r);
	return rc;
}

void scn_outcome_free(struct scn_outcome *o)
{
	free(o->results);
	report_free(&o->report);
	memset(o, 0, sizeof(*o));
}
