/* labctl failover LAB: the article's experiment end to end, N times: steady state,
 * probes, fault on the tunnel carrying the main flow, wait (bounded) for recovery,
 * heal, wait for reconvergence; then the report from the journals. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/report_out.h"
#include "common/monotime.h"
#include "common/err.h"
#include "fault/experiment.h"
#include "fault/fault.h"
#include "probe/spawn.h"
#include "report/labview.h"
#include "topo/topo.h"

#define STEADY_K 5 /* consecutive answered probes per stream that count as steady */

static volatile sig_atomic_t interrupted;

static void on_int(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct fo_opts {
	const char *lab, *fault, *tunnel, *json, *svg;
	double param, interval_s, time_scale; /* time_scale 0: the lab's */
	long runs;
	bool quiet;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: labctl failover LAB [--fault KIND] [--param P] [--tunnel N|NAME|auto]\n"
		"                       [--runs N] [--interval S] [--json FILE] [--svg FILE]\n"
		"\n"
		"Runs the article's experiment on a lab that is up: checks the steady state,\n"
		"starts the topology's first probe pair, injects the fault on the tunnel that\n"
		"carries flow 0 (auto) or the one named, waits for recovery (at most twice the\n"
		"lab's predicted window plus a margin), heals, waits for reconvergence, and\n"
		"reports the outage beside the predicted windows. The lab's time scale is the\n"
		"one given to `labctl up --time-scale F`.\n"
		"  --fault KIND    ike-mismatch (default), blackhole, link-down, kill, loss\n"
		"  --param P       loss: percent (default 100)\n"
		"  --runs N        repeat N times; the report gives min/median/max (default 1)\n"
		"  --interval S    probe interval (default: the topology's, 0.1 s)\n"
		"  --json FILE     the report as JSON (- for stdout)\n"
		"  --svg FILE      the timeline of the last run\n"
		"  --time-scale F  check that the lab runs at F (the scale is set at up)\n");
}

static int parse(int argc, char **argv, struct fo_opts *o)
{
	*o = (struct fo_opts){.fault = "ike-mismatch", .tunnel = "auto", .runs = 1, .param = 100};
	static const struct option opts[] = {
		{"fault", required_argument, NULL, 'f'},  {"param", required_argument, NULL, 'p'},
		{"tunnel", required_argument, NULL, 't'}, {"runs", required_argument, NULL, 'n'},
		{"interval", required_argument, NULL, 'i'}, {"json", required_argument, NULL, 'j'},
		{"svg", required_argument, NULL, 's'},    {"help", no_argument, NULL, 'h'},
		{"time-scale", required_argument, NULL, 'x'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o->fault = optarg; break;
		case 't': o->tunnel = optarg; break;
		case 'j': o->json = optarg; break;
		case 's': o->svg = optarg; break;
		case 'p':
			o->param = strtod(optarg, &end);
			if (end == optarg || *end || !(o->param > 0))
				return lab_err(LAB_EXIT_USAGE, "--param '%s': expected a positive number", optarg);
			break;
		case 'n':
			o->runs = strtol(optarg, &end, 10);
			if (end == optarg || *end || o->runs < 1 || o->runs > 1000)
				return lab_err(LAB_EXIT_USAGE, "--runs '%s': expected 1..1000", optarg);
			break;
		case 'i':
			o->interval_s = strtod(optarg, &end);
			if (end == optarg || *end || !(o->interval_s >= 0.001 && o->interval_s <= 10))
				return lab_err(LAB_EXIT_USAGE, "--interval '%s': expected 0.001..10 seconds", optarg);
			break;
		case 'x':
			o->time_scale = strtod(optarg, &end);
			if (end == optarg || *end || !(o->time_scale > 0 && o->time_scale <= 1))
				return lab_err(LAB_EXIT_USAGE, "--time-scale '%s': expected 0 < F <= 1", optarg);
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return lab_err(LAB_EXIT_USAGE, "bad arguments");
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return lab_err(LAB_EXIT_USAGE, "expected one LAB");
	}
	o->lab = argv[optind];
	static const char *const kinds[] = {"ike-mismatch", "blackhole", "link-down", "kill", "loss"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(o->fault, kinds[i]))
			return 0;
	return lab_err(LAB_EXIT_USAGE, "--fault '%s': expected ike-mismatch, blackhole, link-down, "
				       "kill or loss (delay needs netem: use `labctl fault`)", o->fault);
}

static int pick_tunnel(const struct fo_opts *o, const struct lab_view *v, const struct topo *t,
		       uint32_t *ti)
{
	if (!strcmp(o->tunnel, "auto")) {
		if (exp_flow_tunnel(v, t, 0, 0, ti) == 0)
			return 0;
		fprintf(stderr, "labctl: warning: %s; using the first tunnel\n", lab_err_msg());
		lab_err_clear();
		*ti = 0;
		return t->n_tunnels ? 0 : lab_err(LAB_EXIT_USAGE, "lab %s has no tunnel", v->run.name);
	}
	char *end;
	unsigned long n = strtoul(o->tunnel, &end, 10);
	if (!*end && end != o->tunnel) {
		if (n >= t->n_tunnels)
			return lab_err(LAB_EXIT_USAGE, "--tunnel %lu: lab %s has %zu tunnel(s)", n,
				       v->run.name, t->n_tunnels);
		*ti = (uint32_t)n;
		return 0;
	}
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, o->tunnel)) {
			*ti = (uint32_t)i;
			return 0;
		}
	return lab_err(LAB_EXIT_USAGE, "--tunnel %s: no such tunnel in lab %s", o->tunnel, v->run.name);
}

/* The fault's target for the tunnel: the tunnel itself, or its end-0 gateway. */
static void fault_for(const struct fo_opts *o, const struct topo *t, uint32_t ti,
		      struct fault_req *r)
{
	memset(r, 0, sizeof(*r));
	const char *kind = o->fault;
	const char *gw = t->nodes[t->tunnels[ti].end[0].node].name;
	if (!strcmp(kind, "link-down") || !strcmp(kind, "kill")) {
		r->kind = !strcmp(kind, "kill") ? FAULT_KILL : FAULT_LINK_DOWN;
		snprintf(r->target, sizeof(r->target), "%s", gw);
		return;
	}
	r->kind = !strcmp(kind, "blackhole") ? FAULT_BLACKHOLE
		  : !strcmp(kind, "loss")    ? FAULT_LOSS
					     : FAULT_IKE_MISMATCH;
	r->param = o->param > 100 ? 100 : o->param;
	snprintf(r->target, sizeof(r->target), "%s", t->tunnels[ti].name);
}

/* How long to wait for recovery: twice the lab's predicted round-trip maximum plus
 * a margin, or a generous bound when the model has none. */
static void bounds(struct lab_view *v, const struct fault_req *r, const char *tunnel,
		   int64_t interval_ns, double *pred_max, double *bound)
{
	struct report_run run;
	memset(&run, 0, sizeof(run));
	snprintf(run.kind, sizeof(run.kind), "%s", fault_kind_name(r->kind));
	snprintf(run.target, sizeof(run.target), "%s", r->target);
	snprintf(run.tunnel, sizeof(run.tunnel), "%s", tunnel);
	run.resolution_ns = interval_ns;
	struct timers_prediction pred;
	double margin = fmax(2.0, 20.0 * (double)interval_ns / NS_PER_SEC);
	*pred_max = NAN;
	if (lab_view_predict(v, &run, &pred) == 0) {
		const struct timers_model *m = timers_find_model(&pred, "lab");
		if (m && isfinite(m->dir[TIMERS_RTT].w.max_s))
			*pred_max = m->dir[TIMERS_RTT].w.max_s;
	}
	*bound = isfinite(*pred_max) ? 2 * *pred_max + margin : 200 * v->time_scale + margin;
	if (isfinite(*pred_max))
		*pred_max += margin;
}

static int wait_probes_ok(struct lab_view *v, int64_t since, size_t want_streams, int64_t deadline)
{
	struct exp_health h;
	for (;;) {
		if (exp_probe_health(v, since, STEADY_K, &h) < 0)
			return -1;
		if (h.all_ok && h.streams >= want_streams)
			return 1;
		if (mono_ns() > deadline || interrupted)
			return 0;
		sleep_ns(100 * NS_PER_MS);
	}
}

/* One run: inject, wait for the outage to end, heal, reconverge. 0 = recovered and
 * reconverged, 1 = not recovered in time (reported, the next run still goes), -1 =
 * the lab is broken. */
static int one_run(const struct fo_opts *o, struct lab_view *v, const struct topo *t,
		   const struct probe_pair *pp, long run)
{
	uint32_t ti;
	if (pick_tunnel(o, v, t, &ti) < 0)
		return -1;
	struct fault_req r;
	fault_for(o, t, ti, &r);
	double pred_max, bound;
	bounds(v, &r, t->tunnels[ti].name, pp->interval_ns, &pred_max, &bound);
	char detail[512];
	if (fault_inject(v, &r, detail, sizeof(detail)) < 0)
		return -1;
	int64_t t0 = mono_ns();
	fprintf(stderr, "labctl: run %ld: %s on %s (%s); waiting up to %.1f s\n", run,
		fault_kind_name(r.kind), r.target, detail, bound);
	int rc = 1;
	struct exp_health h;
	while (!interrupted) {
		sleep_ns(100 * NS_PER_MS);
		if (exp_probe_health(v, t0, STEADY_K, &h) < 0) {
			rc = -1;
			break;
		}
		double el = (double)(mono_ns() - t0) / NS_PER_SEC;
		if (h.loss_since && h.all_ok) {
			rc = 0;
			break;
		}
		/* A fault that costs no probe (a speaker crash keeps the data path) ends
		 * when the window it could have caused an outage in has passed. */
		if (!h.loss_since && el > (isfinite(pred_max) ? pred_max : bound)) {
			rc = 0;
			break;
		}
		if (el > bound) {
			fprintf(stderr, "labctl: run %ld: no recovery within %.1f s\n", run, bound);
			break;
		}
	}
	size_t healed;
	if (fault_heal(v, r.target, &healed) < 0)
		return -1;
	char why[512];
	int64_t deadline = mono_ns() + (int64_t)((60 + 200 * v->time_scale) * NS_PER_SEC);
	int ready = exp_services_ready(v, t, deadline, why, sizeof(why));
	if (ready < 0)
		return -1;
	if (ready == 0)
		return lab_err(LAB_EXIT_FAIL, "run %ld: the lab did not reconverge after heal: %s",
			       run, why);
	if (wait_probes_ok(v, mono_ns(), 2 * pp->flows, deadline) <= 0)
		return interrupted ? -1
				   : lab_err(LAB_EXIT_FAIL, "run %ld: probes not all answered after heal",
					     run);
	return rc;
}

int cmd_failover(int argc, char **argv)
{
	struct fo_opts o;
	if (parse(argc, argv, &o) < 0 || run_require_privilege("failover") < 0)
		return lab_err_report();
	struct lab_view v;
	if (lab_view_open(o.lab, &v) < 0)
		return lab_err_report();
	struct topo *t = NULL;
	struct probe_pair pp = {0};
	int rc = LAB_EXIT_OK;
	bool failed = false;
	int64_t start = mono_ns();
	struct sigaction sa = {.sa_handler = on_int};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (o.time_scale > 0 && fabs(o.time_scale - v.time_scale) > 1e-9) {
		lab_err(LAB_EXIT_USAGE, "lab %s runs at time scale %g (set by `labctl up`); for %g: "
					"`labctl down %s && labctl up ... --time-scale %g`", o.lab,
			v.time_scale, o.time_scale, o.lab, o.time_scale);
		goto err;
	}
	if (lab_view_load_scaled(&v, &t) < 0)
		goto err;
	if (t->n_probes == 0) {
		lab_err(LAB_EXIT_USAGE, "topology %s names no probe (probes: from/to): nothing to "
					"measure the outage with", t->name);
		goto err;
	}
	if (fault_active_count(&v)) {
		lab_err(LAB_EXIT_USAGE, "lab %s has active faults; `labctl heal %s` first", o.lab, o.lab);
		goto err;
	}
	char why[512];
	int64_t deadline = mono_ns() + (int64_t)((t->defaults.ready_timeout_ms ? t->defaults.ready_timeout_ms
										: 120000) * NS_PER_MS);
	int ready = exp_services_ready(&v, t, deadline, why, sizeof(why));
	if (ready <= 0) {
		if (ready == 0)
			lab_err(LAB_EXIT_FAIL, "lab %s is not in steady state: %s", o.lab, why);
		goto err;
	}
	if (probe_l4_hash(&v.run, t) < 0 ||
	    probe_pair_start(&v.run, t, 0, (int64_t)(o.interval_s * NS_PER_SEC), &pp) < 0)
		goto err;
	if (wait_probes_ok(&v, mono_ns(), 2 * pp.flows, mono_ns() + 10 * NS_PER_SEC +
			   40 * pp.interval_ns) <= 0) {
		lab_err(LAB_EXIT_FAIL, "the probes of %s are not all answered before any fault "
				       "(see the journals of %s and %s)", pp.name,
			t->nodes[t->probes[0].from].name, t->nodes[t->probes[0].to].name);
		goto err;
	}
	for (long i = 1; i <= o.runs && !interrupted; i++) {
		int r = one_run(&o, &v, t, &pp, i);
		if (r < 0)
			goto err;
		failed |= r > 0;
	}
	probe_pair_stop(&pp);
	if (interrupted) {
		size_t n;
		fault_heal(&v, NULL, &n);
		lab_err(LAB_EXIT_FAIL, "interrupted");
		goto err;
	}
	struct evlog log;
	evlog_init(&log);
	struct report r = {0};
	struct report_config cfg;
	lab_view_report_config(&v, &cfg);
	cfg.since_t = start;
	if (evlog_load_lab(&log, v.run.dir) < 0 || report_build(&log, &cfg, &r) < 0 ||
	    report_write(&r, o.json, o.svg, 0) < 0)
		rc = lab_err_report();
	else if (failed)
		rc = LAB_EXIT_FAIL;
	report_free(&r);
	evlog_free(&log);
	goto out;
err:
	probe_pair_stop(&pp);
	if (fault_active_count(&v)) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", lab_err_msg());
		enum lab_exit code = lab_err_code();
		size_t n;
		fault_heal(&v, NULL, &n);
		lab_err(code, "%s", msg);
	}
	rc = lab_err_report();
out:
	if (t)
		topo_free(t);
	lab_view_close(&v);
	return rc;
}
