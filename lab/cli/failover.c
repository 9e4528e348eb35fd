/* labctl failover LAB: the article's experiment end to end, N times: steady state,
 * probes, fault on the tunnel carrying the main flow, wait (bounded) for recovery,
 * heal, wait for reconvergence; then the report from the journals. The experiment
 * itself is lab/experiment/ (shared with compare and scenarios): this file parses,
 * calls and prints. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/progress_line.h"
#include "cli/report_out.h"
#include "common/monotime.h"
#include "common/err.h"
#include "experiment/experiment.h"
#include "topo/topo.h"

struct fo_opts {
	const char *lab, *fault, *tunnel, *json, *svg, *junit;
	double param, interval_s, time_scale; /* time_scale 0: the lab's */
	double duration_s;                    /* loss: how long it is held; 0: default */
	long runs;
	bool quiet;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl failover LAB [--fault KIND] [--param P] [--tunnel N|NAME|auto]\n"
	           "                       [--runs N] [--interval S] [--json FILE] [--svg FILE]\n"
	           "                       [--duration DUR] [--junit FILE]\n"
	           "\n"
	           "Runs the article's experiment on a lab that is up: checks the steady state,\n"
	           "starts the topology's first probe pair, waits a random part of one KEEPALIVE\n"
	           "interval (so the fault falls at a random phase of it, as the model assumes),\n"
	           "injects the fault on the tunnel that carries flow 0 (auto) or the one named,\n"
	           "waits for recovery (at most twice the lab's predicted window plus a margin),\n"
	           "heals, waits for reconvergence, and reports the outage beside the predicted\n"
	           "windows and checks every flow's outage against the topology's budget\n"
	           "(expect: max_outage, scaled with the lab). Exit 1 when a run did not recover\n"
	           "or a flow exceeded its budget; a series that breaks off still reports the\n"
	           "runs measured until then. The lab's time scale is the one given to\n"
	           "`labctl up --time-scale F`.\n"
	           "  --fault KIND    ike-mismatch (default), blackhole, link-down, kill, loss\n"
	           "  --param P       loss: percent (default 100)\n"
	           "  --duration DUR  loss: how long the loss is held before the heal (30s,\n"
	           "                  1m; default 60 s x the lab's time scale): a grey failure\n"
	           "                  has no recovery to wait for\n"
	           "  --runs N        repeat N times; the report gives min/median/max, each run's\n"
	           "                  quantile in the lab model's distribution and, from 3 runs,\n"
	           "                  a Kolmogorov-Smirnov test against it (default 1)\n"
	           "  --interval S    probe interval (default: the topology's, 0.1 s)\n"
	           "  --json FILE     the report as JSON (- for stdout)\n"
	           "  --svg FILE      the timeline of the last run\n"
	           "  --junit FILE    JUnit XML: per flow and direction, inside the lab window\n"
	           "                  and within the budget; the round trip's runs consistent\n"
	           "                  with the lab model (from 3 runs)\n"
	           "  --time-scale F  check that the lab runs at F (the scale is set at up)\n"
	           "  -q, --quiet     no progress line (it is shown only on a terminal)\n");
}

static int parse(int argc, char **argv, struct fo_opts *o)
{
	*o = (struct fo_opts){.fault = "ike-mismatch", .tunnel = "auto", .runs = 1, .param = 100};
	static const struct option opts[] = {
	    {"fault", required_argument, NULL, 'f'},
	    {"param", required_argument, NULL, 'p'},
	    {"tunnel", required_argument, NULL, 't'},
	    {"runs", required_argument, NULL, 'n'},
	    {"interval", required_argument, NULL, 'i'},
	    {"json", required_argument, NULL, 'j'},
	    {"svg", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {"time-scale", required_argument, NULL, 'x'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"junit", required_argument, NULL, 'J'},
	    {"duration", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o->fault = optarg; break;
		case 't': o->tunnel = optarg; break;
		case 'j': o->json = optarg; break;
		case 's': o->svg = optarg; break;
		case 'J': o->junit = optarg; break;
		case 'd': {
			uint32_t ms;
			if (topo_duration_parse(optarg, 3600 * 1000, &ms) < 0 || ms == 0)
				return lab_err(
				    LAB_EXIT_USAGE,
				    "--duration '%s': expected a duration up to 1h (30s, 1m, "
				    "1500ms)",
				    optarg);
			o->duration_s = ms / 1000.0;
			break;
		}
		case 'p':
			o->param = strtod(optarg, &end);
			if (end == optarg || *end || !(o->param > 0))
				return lab_err(LAB_EXIT_USAGE,
				               "--param '%s': expected a positive number", optarg);
			break;
		case 'n':
			if (cli_long("--runs", optarg, 1, 1000, &o->runs) < 0)
				return -1;
			break;
		case 'i':
			o->interval_s = strtod(optarg, &end);
			if (end == optarg || *end ||
			    !(o->interval_s >= 0.001 && o->interval_s <= 10))
				return lab_err(LAB_EXIT_USAGE,
				               "--interval '%s': expected 0.001..10 seconds",
				               optarg);
			break;
		case 'x':
			if (cli_time_scale("--time-scale", optarg, &o->time_scale) < 0)
				return -1;
			break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return lab_err(LAB_EXIT_USAGE, "bad arguments");
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return lab_err(LAB_EXIT_USAGE, "expected one LAB");
	}
	o->lab = argv[optind];
	static const char *const kinds[] = {"ike-mismatch", "blackhole", "link-down", "kill",
	                                    "loss"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(o->fault, kinds[i]))
			return 0;
	return lab_err(LAB_EXIT_USAGE,
	               "--fault '%s': expected ike-mismatch, blackhole, link-down, "
	               "kill or loss (delay needs netem: use `labctl fault`)",
	               o->fault);
}

static enum fault_kind kind_of(const char *name)
{
	return !strcmp(name, "link-down")   ? FAULT_LINK_DOWN
	       : !strcmp(name, "kill")      ? FAULT_KILL
	       : !strcmp(name, "blackhole") ? FAULT_BLACKHOLE
	       : !strcmp(name, "loss")      ? FAULT_LOSS
	                                    : FAULT_IKE_MISMATCH;
}

/* What the progress line says while a run waits: the model's detection part of the
 * fault's path (the mechanism, the node whose timer runs out, its window). */
struct fo_progress {
	struct progress_line line;
	struct exp *e;
	char mech[32], where[64];
	double detect_min_s, detect_max_s; /* NAN: no model */
};

static void detection_of(struct fo_progress *p, const struct exp_run *run)
{
	struct timers_prediction pred;
	p->detect_min_s = p->detect_max_s = NAN;
	if (lab_view_predict(&p->e->view, fault_kind_name(run->fault.kind), run->fault.target,
	                     p->e->topo->tunnels[run->tunnel].name, p->e->probes.interval_ns,
	                     &pred) < 0)
		return;
	const struct timers_model *m = timers_find_model(&pred, "lab");
	if (!m)
		return;
	const struct timers_path *fwd = &m->dir[TIMERS_FWD];
	for (size_t i = 0; i < fwd->n_parts; i++)
		if (!strcmp(fwd->parts[i].name, "detection")) {
			snprintf(p->mech, sizeof(p->mech), "%s",
			         timers_mechanism_name(fwd->mechanism));
			snprintf(p->where, sizeof(p->where), "%s", fwd->parts[i].where);
			p->detect_min_s = fwd->parts[i].w.min_s;
			p->detect_max_s = fwd->parts[i].w.max_s;
		}
}

static void waiting(struct fo_progress *p, const struct exp_run *run)
{
	double el = (double)(mono_ns() - run->inject_t) / NS_PER_SEC;
	const char *lost = run->first_loss_t ? "probes lost" : "no probe lost yet";
	if (isfinite(p->detect_max_s) && el < p->detect_max_s)
		progress_line_set(
		    &p->line,
		    "run %ld: waiting for the %s on %s: at most %.1f s left of %.1f s "
		    "(model) - %.1f s since the fault, %s",
		    run->index, p->mech, p->where[0] ? p->where : "?", p->detect_max_s - el,
		    p->detect_max_s, el, lost);
	else if (isfinite(run->pred_max_s))
		progress_line_set(&p->line,
		                  "run %ld: waiting for recovery: %.1f s since the fault, model "
		                  "window ends by %.1f s, giving up at %.1f s - %s",
		                  run->index, el, run->pred_max_s, run->bound_s, lost);
	else
		progress_line_set(
		    &p->line,
		    "run %ld: waiting for recovery: %.1f s since the fault (no model), "
		    "giving up at %.1f s - %s",
		    run->index, el, run->bound_s, lost);
}

static void progress(void *ctx, enum exp_event ev, const struct exp_run *run, const char *msg)
{
	struct fo_progress *p = ctx;
	progress_line_clear(&p->line);
	switch (ev) {
	case EXP_EV_WARNING: fprintf(stderr, "labctl: warning: %s\n", msg); break;
	case EXP_EV_INJECTED:
		fprintf(stderr,
		        "labctl: run %ld: %s on %s (%s) after a random %.1f s of the %.0f s "
		        "KEEPALIVE interval; %s %.1f s\n",
		        run->index, fault_kind_name(run->fault.kind), run->fault.target,
		        run->detail, run->phase_wait_s, run->phase_span_s,
		        fault_kind_grey(run->fault.kind) ? "a grey failure: held for"
		                                         : "waiting up to",
		        run->bound_s);
		if (p->line.on)
			detection_of(p, run);
		break;
	case EXP_EV_NOT_RECOVERED:
		fprintf(stderr, "labctl: run %ld: no recovery within %.1f s: %s\n", run->index,
		        run->bound_s, run->not_ok);
		break;
	case EXP_EV_WAITING: waiting(p, run); break;
	case EXP_EV_HEALED:
		progress_line_set(&p->line, "run %ld: healed; waiting for the lab to reconverge",
		                  run->index);
		break;
	}
}

int cmd_failover(int argc, char **argv)
{
	struct fo_opts o;
	if (parse(argc, argv, &o) < 0 || run_require_privilege("failover") < 0)
		return lab_err_report();
	struct exp_spec spec = {
	    .kind = kind_of(o.fault),
	    .tunnel = o.tunnel,
	    .param = o.param,
	    .grey_hold_s = o.duration_s,
	    .runs = o.runs,
	    .probe_interval_ns = (int64_t)(o.interval_s * NS_PER_SEC),
	    .time_scale = o.time_scale,
	    .random_phase = true,
	    .stop = &cli_stop,
	};
	cli_stop_on_signals();

	struct exp e;
	struct fo_progress prog = {.e = &e};
	progress_line_init(&prog.line, o.quiet);
	struct report r = {0};
	bool failed = false;
	int rc = LAB_EXIT_OK;
	if (exp_open(&e, o.lab, &spec, progress, &prog) < 0 || exp_wait_steady(&e) < 0 ||
	    exp_probes_start(&e) < 0)
		goto err;
	/* A series that breaks off (a run that does not reconverge, an interrupt) still
	 * reports the runs measured before: ten real-time runs are ten minutes. */
	int series_rc = LAB_EXIT_OK;
	if (exp_run_series(&e, NULL, &failed) < 0) {
		progress_line_clear(&prog.line);
		series_rc = lab_err_report();
		lab_err_clear();
		fprintf(stderr, "labctl: the report below covers the runs until then\n");
	}
	progress_line_clear(&prog.line);
	exp_probes_stop(&e);
	if (exp_collect(&e, &r) < 0 || report_write(&r, o.json, o.svg, 0) < 0 ||
	    (o.junit && report_junit_write(&r, o.junit) < 0))
		rc = lab_err_report();
	else if (series_rc != LAB_EXIT_OK)
		rc = series_rc;
	else if (failed || report_budget_failed(&r))
		rc = LAB_EXIT_FAIL;
	report_free(&r);
	exp_close(&e);
	return rc;
err:
	progress_line_clear(&prog.line);
	exp_close(&e);
	return lab_err_report();
}
