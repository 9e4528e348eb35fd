/* labctl compare TOPOLOGY|LAB: the failover under each detection mechanism, side by
 * side (experiment/compare.h). This file parses, calls and prints. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "experiment/compare.h"
#include "run/run.h"

#define DEFAULT_MECHS TOPO_DEFAULT_MECHS

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl compare TOPOLOGY|LAB [--mechanisms LIST] [--fault KIND[,KIND]]\n"
	           "                      [--runs N] [--time-scale F] [--json FILE] [--svg FILE]\n"
	           "\n"
	           "Brings up one lab per mechanism (`labctl up` with the mechanism as an\n"
	           "override), runs the failover N times per fault on it (the experiment of\n"
	           "`labctl failover`), takes it down, and prints one table: predicted windows,\n"
	           "measured round trip, inside or not, what ended each outage, and what instant\n"
	           "detection would leave. Given a LAB that is up, measures it as it is.\n"
	           "  --mechanisms L  comma-separated (default " DEFAULT_MECHS "):\n"
	           "                  hold, timers:K/H, track, dpd, dpd:D/T/B/N, bfd:IxM\n"
	           "  --fault K[,K]   ike-mismatch, blackhole, link-down, kill (default\n"
	           "                  ike-mismatch,blackhole)\n"
	           "  --runs N        runs per mechanism and fault (default 3)\n"
	           "  --time-scale F  protocol timers times F for every variant (default 1)\n"
	           "  --json FILE     everything as JSON, every run's report included (- stdout)\n"
	           "  --svg FILE      the chart: a row per mechanism x fault\n");
}

struct cc_opts {
	const char *what, *mechs, *faults, *json, *svg;
	long runs;
	double time_scale;
	bool mechs_given;
};

static int parse(int argc, char **argv, struct cc_opts *o)
{
	*o =
	    (struct cc_opts){.mechs = DEFAULT_MECHS, .faults = "ike-mismatch,blackhole", .runs = 3};
	static const struct option opts[] = {
	    {"mechanisms", required_argument, NULL, 'm'},
	    {"fault", required_argument, NULL, 'f'},
	    {"runs", required_argument, NULL, 'n'},
	    {"time-scale", required_argument, NULL, 'x'},
	    {"json", required_argument, NULL, 'j'},
	    {"svg", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->mechs = optarg;
			o->mechs_given = true;
			break;
		case 'f': o->faults = optarg; break;
		case 'j': o->json = optarg; break;
		case 's': o->svg = optarg; break;
		case 'n':
			if (cli_long("--runs", optarg, 1, 64, &o->runs) < 0)
				return -1;
			break;
		case 'x':
			if (cli_time_scale("--time-scale", optarg, &o->time_scale) < 0)
				return -1;
			break;
		case 'h': usage(stdout); exit(0);
		default:
			usage(stderr);
			return lab_err(LAB_EXIT_USAGE, "bad arguments to 'labctl compare'");
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return lab_err(LAB_EXIT_USAGE, "'labctl compare' takes one TOPOLOGY or LAB");
	}
	o->what = argv[optind];
	return 0;
}

static int split_mechs(const char *list, struct cmp_spec *s)
{
	char buf[512], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (s->n_mechs == CMP_MAX_MECHS)
			return lab_err(LAB_EXIT_USAGE, "--mechanisms: at most %d", CMP_MAX_MECHS);
		if (topo_override_parse(t, &s->mechs[s->n_mechs]) < 0)
			return -1;
		s->n_mechs++;
	}
	return s->n_mechs ? 0 : lab_err(LAB_EXIT_USAGE, "--mechanisms: empty list");
}

static int split_faults(const char *list, struct cmp_spec *s)
{
	static const struct {
		const char *name;
		enum fault_kind k;
	} kinds[] = {{"ike-mismatch", FAULT_IKE_MISMATCH},
	             {"blackhole", FAULT_BLACKHOLE},
	             {"link-down", FAULT_LINK_DOWN},
	             {"kill", FAULT_KILL}};
	char buf[256], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[i].name, t))
			i++;
		if (i == sizeof(kinds) / sizeof(kinds[0]))
			return lab_err(LAB_EXIT_USAGE,
			               "--fault '%s': expected ike-mismatch, blackhole, "
			               "link-down or kill (loss and delay: `labctl failover`)",
			               t);
		if (s->n_faults == CMP_MAX_FAULTS)
			return lab_err(LAB_EXIT_USAGE, "--fault: at most %d", CMP_MAX_FAULTS);
		s->faults[s->n_faults++] = kinds[i].k;
	}
	return s->n_faults ? 0 : lab_err(LAB_EXIT_USAGE, "--fault: empty list");
}

static void say(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "labctl: %s\n", line);
}

static int write_out(const struct cmp_result *r, const struct cc_opts *o)
{
	bool json_stdout = o->json && !strcmp(o->json, "-");
	if (!json_stdout)
		cmp_text(r, stdout);
	if (o->json) {
		struct json j;
		json_init(&j);
		cmp_json(r, &j);
		size_t len;
		const char *text = json_line(&j, &len);
		int rc = 0;
		if (!text)
			rc = lab_err(LAB_EXIT_FAIL, "out of memory writing the JSON");
		else if (json_stdout)
			rc = fwrite(text, 1, len, stdout) == len ? 0 : -1;
		else if (write_file_atomic(o->json, text, len, 0644) < 0)
			rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", o->json);
		json_free(&j);
		if (rc < 0)
			return -1;
	}
	if (o->svg) {
		FILE *f = fopen(o->svg, "we");
		if (!f)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", o->svg);
		int rc = cmp_svg(r, f);
		if (fclose(f) != 0 && rc == 0)
			rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", o->svg);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct cc_opts o;
	struct cmp_spec s = {.stop = &cli_stop, .say = say};
	if (parse(argc, argv, &o) < 0 || split_faults(o.faults, &s) < 0)
		return lab_err_report();
	/* A lab that is up is measured as it is; anything else is a topology. */
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", run_root(), o.what);
	bool is_lab = !strchr(o.what, '/') && access(dir, F_OK) == 0;
	if (is_lab) {
		if (o.mechs_given) {
			lab_err(LAB_EXIT_USAGE,
			        "--mechanisms: %s is a lab that is up, measured as "
			        "it is; give a topology to compare mechanisms",
			        o.what);
			return lab_err_report();
		}
		s.lab = o.what;
	} else {
		s.topology = o.what;
		if (split_mechs(o.mechs, &s) < 0)
			return lab_err_report();
	}
	s.runs = o.runs;
	s.time_scale = o.time_scale;
	if (run_require_privilege("compare") < 0)
		return lab_err_report();
	cli_stop_on_signals();
	struct cmp_result r;
	int rc = cmp_run(&s, &r);
	if (rc < 0 && !r.n_cells) {
		cmp_free(&r);
		return lab_err_report();
	}
	char err[512] = "";
	if (rc < 0)
		snprintf(err, sizeof(err), "%s", lab_err_msg());
	if (write_out(&r, &o) < 0)
		rc = -1;
	bool all_inside = true;
	for (size_t i = 0; i < r.n_cells; i++)
		all_inside &= r.cells[i].ok && r.cells[i].n_inside == r.cells[i].n_measured;
	cmp_free(&r);
	if (rc < 0)
		return err[0] ? (fprintf(stderr, "labctl: %s\n", err), LAB_EXIT_FAIL)
		              : lab_err_report();
	/* A run outside its predicted window is a failed expectation: exit 1. */
	return all_inside ? LAB_EXIT_OK : LAB_EXIT_FAIL;
}
