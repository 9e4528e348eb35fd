/* labctl up NAME|FILE: build a lab, start its services, wait until it is ready.
 *
 * Everything that can be checked is checked before the lab directory exists (input,
 * privilege, name, leftovers), so bad input leaves nothing behind. From the moment
 * the directory exists, every resource is recorded before it is created, and any
 * failure leaves the lab for `labctl down` (and for inspection). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef LABCTL_HAVE_IPSEC
#include "ipsec/sa_status.h"
#include "ipsec/ipsec_service.h"
#endif
#include "cli/cli_json.h"
#include "cli/commands.h"
#include "cli/lab_json.h"
#include "cli/topo_counts.h"
#include "cli/up_progress.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "run/net.h"
#include "run/run.h"
#include "services/registry.h"
#include "run/wait.h"
#include "topo/override.h"
#include "topo/topo.h"

#define UP_OVERRIDES_MAX 4

struct up_opts {
	const char *what;
	const char *name;
	double time_scale;
	const char *backend;
	double timeout_s;
	bool no_services;
	int dry_run; /* 1: print the network as ip commands; 2: and their removal */
	const char *overrides[UP_OVERRIDES_MAX]; /* mechanism overrides (topo/override.h) */
	size_t n_overrides;
	int verbose;
	bool quiet;
	bool json;
};

static void up_usage(FILE *f)
{
	fprintf(f,
	        "usage: labctl up NAME|FILE [--name LAB] [--time-scale F] "
	        "[--ipsec-backend auto|xfrm|libipsec]\n"
	        "                 [--timeout S] [--no-services] [--override MECH] [-v] [-q]\n"
	        "                 [--json]\n"
	        "  NAME       a topology in the topologies directory (dual-tunnel), or a FILE\n"
	        "  --name     lab name (default: the topology's name): [a-z0-9-], up to %d\n"
	        "  --time-scale F  protocol timers times F (0 < F <= 1)\n"
	        "  --ipsec-backend B  auto (kernel XFRM where the kernel has ESP, else\n"
	        "                  libipsec), xfrm, or libipsec (strongSwan's user-space ESP);\n"
	        "                  default: the topology's\n"
	        "  --timeout S     seconds to wait for readiness (default: the topology's)\n"
	        "  --no-services   namespaces, links, addresses and routes only\n"
	        "  --override MECH a failure-detection mechanism applied to the topology (as\n"
	        "                  `labctl compare` does): hold, timers:K/H, track, dpd,\n"
	        "                  dpd:D/T/B/N, bfd:IxM; recorded in the lab's state\n"
	        "  --dry-run       print the network as ip(8) commands and exit (no root needed)\n"
	        "  --dry-run-down  print the ip(8) commands that remove it\n"
	        "  -v, --verbose   print each step with its time to stderr\n"
	        "  -q, --quiet     no progress line (it is shown only on a terminal)\n"
	        "  --json          the summary as JSON on stdout: the lab object of `labctl\n"
	        "                  status` and what was built, with timings (docs/json.md)\n",
	        RUN_LAB_NAME_USER_MAX);
}

static int parse(int argc, char **argv, struct up_opts *o)
{
	static const struct option lo[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"time-scale", required_argument, NULL, 's'},
	    {"ipsec-backend", required_argument, NULL, 'b'},
	    {"timeout", required_argument, NULL, 't'},
	    {"no-services", no_argument, NULL, 'N'},
	    {"dry-run", no_argument, NULL, 'D'},
	    {"dry-run-down", no_argument, NULL, 'E'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"override", required_argument, NULL, 'O'},
	    {"json", no_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	*o = (struct up_opts){.time_scale = 1.0};
	int c;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "vqh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o->name = optarg; break;
		case 's':
			o->time_scale = strtod(optarg, &end);
			if (*end || end == optarg)
				return lab_err(LAB_EXIT_USAGE, "--time-scale '%s' is not a number",
				               optarg);
			break;
		case 'b':
			if (strcmp(optarg, "auto") && strcmp(optarg, "xfrm") &&
			    strcmp(optarg, "libipsec"))
				return lab_err(
				    LAB_EXIT_USAGE,
				    "--ipsec-backend '%s': expected auto, xfrm or libipsec",
				    optarg);
			o->backend = optarg;
			break;
		case 't':
			o->timeout_s = strtod(optarg, &end);
			if (*end || end == optarg || !(o->timeout_s > 0))
				return lab_err(LAB_EXIT_USAGE,
				               "--timeout '%s': expected seconds > 0", optarg);
			break;
		case 'N': o->no_services = true; break;
		case 'D': o->dry_run = 1; break;
		case 'E': o->dry_run = 2; break;
		case 'q': o->quiet = true; break;
		case 'J': o->json = true; break;
		case 'v': o->verbose++; break;
		case 'O':
			if (o->n_overrides == UP_OVERRIDES_MAX)
				return lab_err(LAB_EXIT_USAGE, "at most %d --override",
				               UP_OVERRIDES_MAX);
			o->overrides[o->n_overrides++] = optarg;
			break;
		case 'h': up_usage(stdout); exit(0);
		default:
			up_usage(stderr);
			return lab_err(LAB_EXIT_USAGE, "bad arguments to 'labctl up'");
		}
	}
	if (optind != argc - 1) {
		up_usage(stderr);
		return lab_err(LAB_EXIT_USAGE, "'labctl up' takes one topology NAME or FILE");
	}
	o->what = argv[optind];
	if (o->json && o->dry_run)
		return lab_err(LAB_EXIT_USAGE, "--json and --dry-run exclude each other (a dry run "
		                               "prints ip(8) commands)");
	return 0;
}

/* Leftovers of an earlier lab of this name that its directory no longer describes. */
static int check_free(const char *lab, const struct topo *t)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", run_root(), lab);
	if (path_exists(dir))
		return lab_err(LAB_EXIT_FAIL,
		               "lab '%s' exists (%s); `labctl down %s` removes it, "
		               "or choose another name with --name",
		               lab, dir, lab);
	for (size_t i = 0; i < t->n_nodes; i++) {
		char ns[NETNS_NAME_MAX], file[NETNS_NAME_MAX + 16];
		if (strlen(lab) + 1 + strlen(t->nodes[i].name) >= NETNS_NAME_MAX)
			return lab_err(LAB_EXIT_USAGE,
			               "namespace name %s.%s is too long; use a "
			               "shorter --name",
			               lab, t->nodes[i].name);
		run_netns_name(lab, t->nodes[i].name, ns, sizeof(ns));
		snprintf(file, sizeof(file), "%s/%s", NETNS_RUN_DIR, ns);
		if (netns_exists(ns) || path_exists(file))
			return lab_err(LAB_EXIT_FAIL,
			               "namespace %s exists (left over?); "
			               "`labctl down %s` removes it",
			               ns, lab);
	}
	return 0;
}

static int copy_topology(const struct run_lab *l, const struct topo *t)
{
	char dst[PATH_MAX + 16];
	snprintf(dst, sizeof(dst), "%s/topology.yaml", l->dir);
	/* The text that was validated (not a re-read), relative psk_file paths made
	 * absolute so the copy loads from the lab dir; 0600: it may hold a key. */
	return topo_copy_file(t, dst);
}

static void ms_field(struct json *j, void *arg)
{
	json_kv_int(j, "ms", *(int64_t *)arg);
}

static void journal_all(const struct run_lab *l, const struct topo *t, const char *ev, int64_t *ms)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (run_journal(l, t->nodes[i].name, ev, ms ? ms_field : NULL, ms) < 0)
			fprintf(stderr, "labctl: warning: %s\n", lab_err_msg());
}

static int prepare_dir(struct run_lab *l, const struct topo *t, const char *path)
{
	char abs[PATH_MAX];
	if (!realpath(path, abs))
		snprintf(abs, sizeof(abs), "%s", path);
	/* run_lab_create already recorded this process as the lab's `up` */
	if (run_record(l, "source %s", abs) < 0 || run_record(l, "phase building") < 0)
		return -1;
	run_test_hook("lab-dir");
	if (copy_topology(l, t) < 0)
		return -1;
	for (size_t i = 0; i < t->n_nodes; i++)
		if (run_node_mkdir(l, t->nodes[i].name) < 0)
			return -1;
	journal_all(l, t, "up-start", NULL);
	return 0;
}

static void step(const struct up_opts *o, int64_t t0, const char *what)
{
	up_progress_step(what);
	if (o->verbose)
		fprintf(stderr, "labctl: %7.3f s  %s\n", (double)(mono_ns() - t0) / 1e9, what);
}

static int start_services(struct lab_ctx *ctx, const struct up_opts *o, int64_t t0)
{
	for (size_t i = 0; lab_services[i]; i++) {
		step(o, t0, lab_services[i]->name);
		if (lab_services[i]->start(ctx) < 0) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", lab_err_msg());
			return lab_err(lab_err_code(), "starting service %s: %s",
			               lab_services[i]->name, msg);
		}
	}
	run_test_hook("services");
	return 0;
}

/* When each phase ended (mono ns), for the summary's breakdown. */
struct up_times {
	int64_t t0, network, services;
};

/* The ipsec backend the service chose ("auto" resolved), or NULL. */
static const char *chosen_backend(const struct lab_ctx *ctx, bool svc)
{
	const char *name = NULL;
#ifdef LABCTL_HAVE_IPSEC
	enum ipsec_backend ib;
	if (ctx->topo->n_tunnels && svc && ipsec_backend_load(ctx->run, &ib) == 0)
		name = ipsec_backend_name(ib);
	lab_err_clear();
#else
	(void)ctx;
	(void)svc;
#endif
	return name;
}

static void summary(const struct lab_ctx *ctx, const struct up_opts *o, size_t nchecks,
                    const struct up_times *tm)
{
	const struct topo *t = ctx->topo;
	int64_t now = mono_ns();
	bool svc = !o->no_services && lab_services[0];
	const char *backend = chosen_backend(ctx, svc);
	struct topo_counts c;
	topo_counts_of(t, &c);
	printf("lab %s is up in %.2f s (network %.2f s, services %.2f s, readiness %.2f s)\n",
	       ctx->run->name, (double)(now - tm->t0) / 1e9, (double)(tm->network - tm->t0) / 1e9,
	       (double)(tm->services - tm->network) / 1e9, (double)(now - tm->services) / 1e9);
	printf("  topology  %s (%s)", t->name, t->path ? t->path : "?");
	if (ctx->time_scale != 1.0)
		printf(", timers x%g (--time-scale)", ctx->time_scale);
	printf("\n  nodes     %zu (namespaces %s.<node>)\n", t->n_nodes, ctx->run->name);
	printf("  links     %zu\n", t->n_links);
	printf("  tunnels   %zu", t->n_tunnels);
	if (t->n_tunnels && svc && backend)
		printf(" up (ipsec backend %s):", backend);
	else if (t->n_tunnels && svc)
		printf(" up:");
	else if (t->n_tunnels)
		printf(" not started (--no-services):");
	for (size_t i = 0; i < t->n_tunnels; i++)
		printf("%s %s %s<->%s", i ? "," : "", t->tunnels[i].name,
		       t->nodes[t->tunnels[i].end[0].node].name,
		       t->nodes[t->tunnels[i].end[1].node].name);
	if (c.speakers)
		printf("\n  bgp       %zu speakers (%zu built-in, %zu BIRD), %zu sessions%s",
		       c.speakers, c.speakers - c.bird, c.bird, c.sessions,
		       svc ? ", every network's routes installed"
		           : ", not started (--no-services)");
	printf("\n  services  ");
	if (!svc)
		printf("none%s", o->no_services ? " (--no-services)" : "");
	for (size_t i = 0; svc && lab_services[i]; i++)
		printf("%s%s", i ? ", " : "", lab_services[i]->name);
	printf("\n  network   %zu reachability checks passed\n", nchecks);
	printf("  state     %s\n", ctx->run->dir);
	printf("next: labctl status %s | labctl exec %s %s -- CMD | labctl down %s\n",
	       ctx->run->name, ctx->run->name, t->n_nodes ? t->nodes[0].name : "NODE",
	       ctx->run->name);
}

/* The same summary as one JSON document: {"lab": the lab object of `status`,
 * "up": what was built and how long each phase took} (docs/json.md "up").
 * 0, or -1 with lab_err. */
static int summary_json(const struct lab_ctx *ctx, const struct up_opts *o, size_t nchecks,
                        const struct up_times *tm)
{
	const struct topo *t = ctx->topo;
	int64_t now = mono_ns();
	bool svc = !o->no_services && lab_services[0];
	const char *backend = chosen_backend(ctx, svc);
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_key(&j, "lab");
	if (lab_json_status(ctx->run->name, &j, NULL) < 0) {
		json_free(&j);
		return -1;
	}
	json_key(&j, "up");
	json_obj_begin(&j);
	json_kv_double(&j, "time_scale", ctx->time_scale);
	json_key(&j, "overrides");
	json_arr_begin(&j);
	for (size_t i = 0; i < o->n_overrides; i++)
		json_str(&j, o->overrides[i]);
	json_arr_end(&j);
	json_key(&j, "ipsec_backend");
	if (backend)
		json_str(&j, backend);
	else
		json_null(&j);
	json_key(&j, "services");
	json_arr_begin(&j);
	for (size_t i = 0; svc && lab_services[i]; i++)
		json_str(&j, lab_services[i]->name);
	json_arr_end(&j);
	json_key(&j, "built");
	json_obj_begin(&j); /* one namespace per node */
	topo_counts_json(&j, t);
	json_obj_end(&j);
	json_key(&j, "timings_s");
	json_obj_begin(&j);
	json_kv_double(&j, "total", (double)(now - tm->t0) / 1e9);
	json_kv_double(&j, "network", (double)(tm->network - tm->t0) / 1e9);
	json_kv_double(&j, "services", (double)(tm->services - tm->network) / 1e9);
	json_kv_double(&j, "readiness", (double)(now - tm->services) / 1e9);
	json_obj_end(&j);
	/* up returns only once the lab is ready: these checks and every service's
	 * readiness passed (a lab that is not ready fails with exit 1 instead) */
	json_kv_bool(&j, "ready", true);
	json_kv_uint(&j, "reachability_checks", nchecks);
	json_obj_end(&j);
	json_obj_end(&j);
	int rc = 0;
	if (j.failed || json_fputs(&j, stdout) < 0 || fflush(stdout) == EOF)
		rc = lab_err(LAB_EXIT_FAIL, "cannot write the JSON summary");
	json_free(&j);
	return rc;
}

static int build(struct lab_ctx *ctx, const struct up_opts *o, const char *path, int64_t t0)
{
	struct run_net net = {0};
	struct run_check *checks = NULL;
	size_t nchecks = 0;
	int rc = -1;
	const struct topo *t = ctx->topo;
	/* time-scale and overrides: read back by failover/report (lab_view). */
	for (size_t i = 0; i < o->n_overrides; i++)
		if (run_record(ctx->run, "override %s", o->overrides[i]) < 0)
			goto out;
	if (prepare_dir(ctx->run, t, path) < 0 ||
	    run_record(ctx->run, "time-scale %.17g", ctx->time_scale) < 0)
		goto out;
	step(o, t0, "network");
	struct up_times tm = {.t0 = t0};
	if (run_net_build(ctx->run, t, &net) < 0)
		goto out;
	tm.network = mono_ns();
	if (run_record(ctx->run, "phase services") < 0)
		goto out;
	step(o, t0, "services");
	if (!o->no_services && start_services(ctx, o, t0) < 0)
		goto out;
	tm.services = mono_ns();
	if (run_record(ctx->run, "phase waiting") < 0 || run_net_checks(t, &checks, &nchecks) < 0)
		goto out;
	step(o, t0, "readiness");
	double timeout = o->timeout_s > 0               ? o->timeout_s
	                 : t->defaults.ready_timeout_ms ? t->defaults.ready_timeout_ms / 1000.0
	                                                : 60.0;
	int64_t deadline = t0 + (int64_t)(timeout * 1e9);
	if (run_wait_ready(ctx, &net, checks, nchecks, o->no_services ? NULL : lab_services,
	                   deadline) < 0)
		goto out;
	run_test_hook("ready");
	if (run_record(ctx->run, "phase ready") < 0)
		goto out;
	int64_t ms = (mono_ns() - t0) / NS_PER_MS;
	journal_all(ctx->run, t, "up-ready", &ms);
	up_progress_done();
	if (o->json) {
		/* -2: the lab is ready, only its summary failed (it is not "failed") */
		rc = summary_json(ctx, o, nchecks, &tm) == 0 ? 0 : -2;
		goto out;
	}
	summary(ctx, o, nchecks, &tm);
	rc = 0;
out:
	up_progress_done();
	free(checks);
	run_net_close(&net);
	return rc;
}

int cmd_up(int argc, char **argv)
{
	struct up_opts o;
	struct topo *t = NULL;
	struct topo_diags diags = {0};
	struct run_lab l = {.state_fd = -1};
	char path[PATH_MAX];
	int64_t t0 = mono_ns();
	if (parse(argc, argv, &o) < 0 || (!o.dry_run && run_require_privilege("up") < 0))
		return lab_err_report();
	if (topo_resolve_path(o.what, path, sizeof(path)) < 0)
		return lab_err_report();
	if (topo_load(path, &t, &diags) < 0) {
		topo_diags_print(&diags, stderr);
		topo_diags_free(&diags);
		return lab_err_report();
	}
	const char *lab = o.name ? o.name : t->name;
	int rc;
	for (size_t i = 0; i < o.n_overrides; i++) {
		struct topo_override ov;
		if (topo_override_parse(o.overrides[i], &ov) < 0 ||
		    topo_override_apply(t, &ov) < 0) {
			rc = lab_err_report();
			goto out;
		}
	}
	if (o.dry_run) {
		rc = run_lab_name_check(lab) < 0 ? lab_err_report() : 0;
		if (rc == 0 && o.dry_run == 1)
			run_net_ip_script(stdout, lab, t);
		else if (rc == 0)
			run_net_ip_script_down(stdout, lab, t);
		goto out;
	}
	if ((o.time_scale != 1.0 && topo_apply_time_scale(t, o.time_scale) < 0) ||
	    run_lab_name_check(lab) < 0 || check_free(lab, t) < 0 ||
#ifdef LABCTL_HAVE_IPSEC
	    ipsec_precheck(t, o.backend) < 0 || /* forced backend vs kernel: before building */
#endif
	    run_lab_create(lab, &l) < 0) {
		rc = lab_err_report();
		goto out;
	}
	struct lab_ctx ctx = {.run = &l,
	                      .topo = t,
	                      .time_scale = o.time_scale,
	                      .verbose = o.verbose,
	                      .progress = up_progress_tick,
	                      .progress_arg = &ctx};
	up_progress_init(o.quiet || o.verbose, t0);
	snprintf(ctx.ipsec_backend, sizeof(ctx.ipsec_backend), "%s",
	         o.backend                      ? o.backend
	         : t->defaults.ipsec_backend[0] ? t->defaults.ipsec_backend
	                                        : "auto");
	rc = 0;
	int b = build(&ctx, &o, path, t0);
	if (b == -2)
		rc = lab_err_report();
	else if (b < 0) {
		rc = lab_err_report();
		if (l.state_fd >= 0)
			run_record(&l, "phase failed");
		fprintf(stderr,
		        "labctl: lab '%s' is left as it is for inspection; "
		        "`labctl down %s` removes it\n",
		        lab, lab);
	}
out:
	run_lab_close(&l);
	topo_free(t);
	return rc;
}
