/* One run of the experiment, step by step, and a series of runs. */
#include "experiment/experiment.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/err.h"
#include "common/monotime.h"

static bool stopped(const struct exp *e)
{
	return e->spec->stop && *e->spec->stop;
}

static void tell(struct exp *e, enum exp_event ev, const struct exp_run *run)
{
	if (e->observe)
		e->observe(e->observe_ctx, ev, run, NULL);
}

/* How long to wait for recovery (struct exp_run: pred_max_s, bound_s), and the
 * longest KEEPALIVE interval of the two speakers (phase_span_s). */
static void bounds(struct exp *e, struct exp_run *run)
{
	if (fault_kind_grey(run->fault.kind)) {
		run->pred_max_s = NAN;
		run->bound_s =
		    e->spec->grey_hold_s > 0 ? e->spec->grey_hold_s : 60 * e->view.time_scale;
		return;
	}
	double interval_s = (double)e->probes.interval_ns / NS_PER_SEC;
	double slack = e->spec->slack_s > 0 ? e->spec->slack_s : fmax(2.0, 20.0 * interval_s);
	struct timers_prediction pred;
	run->pred_max_s = NAN;
	if (lab_view_predict(&e->view, fault_kind_name(run->fault.kind), run->fault.target,
	                     e->topo->tunnels[run->tunnel].name, e->probes.interval_ns,
	                     &pred) == 0) {
		const struct timers_model *m = timers_find_model(&pred, "lab");
		if (m && isfinite(m->dir[TIMERS_RTT].w.max_s))
			run->pred_max_s = m->dir[TIMERS_RTT].w.max_s;
		run->phase_span_s = fmax(pred.session.keepalive_s[0], pred.session.keepalive_s[1]);
	}
	run->bound_s = isfinite(run->pred_max_s) ? 2 * run->pred_max_s + slack
	                                         : 200 * e->view.time_scale + slack;
	if (isfinite(run->pred_max_s))
		run->pred_max_s += slack;
}

/* The model takes the fault to fall at a random instant of each speaker's
 * KEEPALIVE schedule (the age of the last KEEPALIVE uniform over one interval).
 * A run that injects as soon as the lab has reconverged does not: reconvergence
 * takes about the same time after the session's first KEEPALIVE every run, so
 * ten runs measured in a row all had a last KEEPALIVE 2.4-4.6 s old (docs/timer-
 * math.md), a phase the model gives probability ~1e-6. Waiting a uniformly random
 * part of the longest interval first makes the phase what the model assumes. */
static void wait_random_phase(struct exp *e, struct exp_run *run)
{
	uint32_t r = 0;
	if (!(run->phase_span_s > 0) || getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return;
	run->phase_wait_s = run->phase_span_s * ((double)r / 4294967296.0);
	int64_t until = mono_ns() + (int64_t)(run->phase_wait_s * NS_PER_SEC);
	while (!stopped(e) && mono_ns() < until) {
		int64_t left = until - mono_ns();
		sleep_ns(left < 100 * NS_PER_MS ? left : 100 * NS_PER_MS);
	}
}

int exp_inject(struct exp *e, struct exp_run *run)
{
	bounds(e, run);
	if (e->spec->random_phase)
		wait_random_phase(e, run);
	if (stopped(e))
		return lab_err(LAB_EXIT_FAIL, "interrupted");
	if (fault_inject(&e->view, &run->fault, run->detail, sizeof(run->detail)) < 0)
		return -1;
	run->inject_t = mono_ns();
	tell(e, EXP_EV_INJECTED, run);
	return 0;
}

int exp_wait_recovered(struct exp *e, struct exp_run *run)
{
	struct exp_health h;
	run->outcome = EXP_STOPPED;
	while (!stopped(e)) {
		sleep_ns(100 * NS_PER_MS);
		if (exp_probe_health(&e->journals, &e->view, run->inject_t, EXP_STEADY_K, &h) < 0)
			return -1;
		int64_t now = mono_ns();
		double el = (double)(now - run->inject_t) / NS_PER_SEC;
		if (h.loss_since)
			run->first_loss_t = h.first_loss_t;
		if (fault_kind_grey(run->fault.kind)) {
			if (el < run->bound_s) {
				tell(e, EXP_EV_WAITING, run);
				continue;
			}
			run->outcome = h.loss_since ? EXP_RECOVERED : EXP_NO_LOSS;
			run->recovered_t = now;
			return 0;
		}
		if (h.loss_since && h.all_ok) {
			run->outcome = EXP_RECOVERED;
			run->recovered_t = now;
			return 0;
		}
		/* A fault that costs no probe (a speaker crash keeps the data path) ends
		 * when the window it could have caused an outage in has passed. */
		if (!h.loss_since &&
		    el > (isfinite(run->pred_max_s) ? run->pred_max_s : run->bound_s)) {
			run->outcome = EXP_NO_LOSS;
			return 0;
		}
		if (el > run->bound_s) {
			run->outcome = EXP_NOT_RECOVERED;
			snprintf(run->not_ok, sizeof(run->not_ok), "%s", h.not_ok);
			tell(e, EXP_EV_NOT_RECOVERED, run);
			return 0;
		}
		tell(e, EXP_EV_WAITING, run);
	}
	return 0;
}

int exp_heal(struct exp *e, struct exp_run *run)
{
	size_t healed;
	if (fault_heal(&e->view, run->fault.target, &healed) < 0)
		return -1;
	run->heal_t = mono_ns();
	tell(e, EXP_EV_HEALED, run);
	return 0;
}

int exp_wait_reconverged(struct exp *e, struct exp_run *run)
{
	double timeout = e->spec->reconverge_timeout_s > 0 ? e->spec->reconverge_timeout_s
	                                                   : 60 + 200 * e->view.time_scale;
	int64_t deadline = mono_ns() + (int64_t)(timeout * NS_PER_SEC);
	char why[512];
	int ready = exp_services_ready(&e->view, e->topo, deadline, why, sizeof(why));
	if (ready < 0)
		return -1;
	if (ready == 0)
		return lab_err(LAB_EXIT_FAIL, "run %ld: the lab did not reconverge after heal: %s",
		               run->index, why);
	int ok = exp_wait_probes_ok(e, mono_ns(), deadline);
	if (ok < 0)
		return -1;
	if (ok == 0)
		return stopped(e) ? lab_err(LAB_EXIT_FAIL, "interrupted")
		                  : lab_err(LAB_EXIT_FAIL,
		                            "run %ld: probes not all answered after heal (%s)",
		                            run->index, e->not_ok);
	run->reconverged_t = mono_ns();
	return 0;
}

int exp_run_once(struct exp *e, long index, struct exp_run *run)
{
	memset(run, 0, sizeof(*run));
	run->index = index;
	if (exp_plan_fault(e, run) < 0 || exp_inject(e, run) < 0 ||
	    exp_wait_recovered(e, run) < 0 || exp_heal(e, run) < 0 ||
	    exp_wait_reconverged(e, run) < 0)
		return -1;
	return run->outcome == EXP_RECOVERED || run->outcome == EXP_NO_LOSS ? 0 : 1;
}

int exp_run_series(struct exp *e, struct exp_run *runs, bool *failed)
{
	*failed = false;
	for (long i = 1; i <= e->spec->runs && !stopped(e); i++) {
		struct exp_run one;
		int r = exp_run_once(e, i, runs ? &runs[i - 1] : &one);
		if (r < 0)
			return -1;
		*failed |= r > 0;
	}
	if (stopped(e)) {
		/* A stop between two runs leaves no fault; one during a run was healed by
		 * it. Heal anyway: a stop can land between inject and heal. */
		size_t n;
		exp_probes_stop(e);
		fault_heal(&e->view, NULL, &n);
		return lab_err(LAB_EXIT_FAIL, "interrupted");
	}
	return 0;
}
