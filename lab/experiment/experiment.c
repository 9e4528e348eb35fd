/* An experiment on one lab: open and check it, steady state, probes, the report;
 * and closing without leaving a fault behind. */
#include "experiment/experiment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/monotime.h"
#include "report/evlog.h"
#include "topo/topo.h"

int exp_open(struct exp *e, const char *lab, const struct exp_spec *spec, exp_observer observer,
             void *observer_ctx)
{
	memset(e, 0, sizeof(*e));
	e->spec = spec;
	e->observe = observer;
	e->observe_ctx = observer_ctx;
	e->start_t = mono_ns();
	if (lab_view_open(lab, &e->view) < 0)
		return -1;
	e->open = true;
	if (lab_report_open(&e->rep, &e->view, true) < 0)
		return -1;
	if (spec->time_scale > 0 && fabs(spec->time_scale - e->view.time_scale) > 1e-9)
		return lab_err(LAB_EXIT_USAGE,
		               "lab %s runs at time scale %g (set by `labctl up`); for %g: "
		               "`labctl down %s && labctl up ... --time-scale %g`",
		               lab, e->view.time_scale, spec->time_scale, lab, spec->time_scale);
	if (lab_view_load_scaled(&e->view, &e->topo) < 0)
		return -1;
	if (e->topo->n_probes == 0)
		return lab_err(LAB_EXIT_USAGE,
		               "topology %s names no probe (probes: from/to): nothing "
		               "to measure the outage with",
		               e->topo->name);
	if (spec->probe >= e->topo->n_probes)
		return lab_err(LAB_EXIT_USAGE, "topology %s has no probe %u", e->topo->name,
		               spec->probe);
	if (fault_active_count(&e->view))
		return lab_err(LAB_EXIT_USAGE, "lab %s has active faults; `labctl heal %s` first",
		               lab, lab);
	return 0;
}

void exp_close(struct exp *e)
{
	exp_probes_stop(e);
	if (e->open && fault_active_count(&e->view)) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", lab_err_msg());
		enum lab_exit code = lab_err_code();
		size_t n;
		fault_heal(&e->view, NULL, &n);
		lab_err(code, "%s", msg);
	}
	if (e->topo)
		topo_free(e->topo);
	e->topo = NULL;
	exp_journals_free(&e->journals);
	if (e->open) {
		lab_report_close(&e->rep);
		lab_view_close(&e->view);
	}
	e->open = false;
}

int exp_wait_steady(struct exp *e)
{
	double timeout = e->spec->ready_timeout_s > 0 ? e->spec->ready_timeout_s
	                 : e->topo->defaults.ready_timeout_ms
	                     ? e->topo->defaults.ready_timeout_ms / 1000.0
	                     : 120.0;
	char why[512];
	int ready = exp_services_ready(
	    &e->view, e->topo, mono_ns() + (int64_t)(timeout * NS_PER_SEC), why, sizeof(why));
	if (ready < 0)
		return -1;
	if (ready == 0)
		return lab_err(LAB_EXIT_FAIL, "lab %s is not in steady state: %s", e->view.run.name,
		               why);
	return 0;
}

int exp_probes_start(struct exp *e)
{
	const struct topo *t = e->topo;
	uint32_t p = e->spec->probe;
	if (probe_l4_hash(&e->view.run, t) < 0 ||
	    probe_pair_start(&e->view.run, t, p, e->spec->probe_interval_ns, &e->probes) < 0)
		return -1;
	/* Long enough for a first answer through every path (ARP, the ESP SA already up)
	 * and EXP_STEADY_K answered in a row, plus margin. */
	int64_t deadline = mono_ns() + 10 * NS_PER_SEC + 40 * e->probes.interval_ns;
	int ok = exp_wait_probes_ok(e, mono_ns(), deadline);
	if (ok < 0)
		return -1;
	if (ok == 0)
		return lab_err(LAB_EXIT_FAIL,
		               "the probes of %s are not all answered before any "
		               "fault: %s (see the journals of %s and %s)",
		               e->probes.name, e->not_ok, t->nodes[t->probes[p].from].name,
		               t->nodes[t->probes[p].to].name);
	return 0;
}

void exp_probes_stop(struct exp *e)
{
	probe_pair_stop(&e->probes);
}

int exp_collect(struct exp *e, struct report *out)
{
	memset(out, 0, sizeof(*out));
	struct evlog log;
	evlog_init(&log);
	struct report_config cfg;
	lab_report_config(&e->rep, &cfg);
	cfg.since_t = e->start_t;
	int rc = 0;
	if (evlog_load_lab(&log, e->view.run.dir) < 0 || report_build(&log, &cfg, out) < 0)
		rc = -1;
	evlog_free(&log);
	return rc;
}
