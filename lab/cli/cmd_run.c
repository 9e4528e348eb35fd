/* labctl run SCENARIO: a scenario file end to end. Loads and validates it (bad input
 * exits 2 before anything exists), brings its topology up as a lab (or uses --lab),
 * runs the steps (lab/scenario/), prints every expectation's verdict beside the
 * report, and takes down the lab it brought up unless --keep. Exit 1 when an
 * expectation failed. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/report_out.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "common/monotime.h"
#include "report/junit.h"
#include "run/run.h"
#include "scenario/scenario.h"

struct run_opts {
	const char *file, *lab, *name, *json, *svg, *junit;
	double time_scale; /* 0: the scenario's */
	long runs;         /* 0: the scenario's */
	bool keep;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: labctl run SCENARIO [--time-scale F] [--runs N] [--lab LAB | --name LAB]\n"
	        "                  [--keep] [--json FILE] [--svg FILE] [--junit FILE]\n"
	        "\n"
	        "Runs a scenario file (docs/scenario-format.md): brings its topology up as a\n"
	        "lab named after the scenario (or uses the lab given with --lab, which is\n"
	        "left up), runs its steps, checks every expectation, and takes the lab down\n"
	        "unless --keep. Exit 1 when an expectation fails, 2 for bad input.\n"
	        "  --time-scale F  protocol timers times F (0 < F <= 1; default: the scenario's)\n"
	        "  --runs N        run the steps N times (default: the scenario's)\n"
	        "  --json FILE     verdicts and report as JSON (- for stdout)\n"
	        "  --svg FILE      the timeline of the last fault\n"
	        "  --junit FILE    one JUnit testcase per expectation and run\n"
	        "  --name LAB      the name of the lab it brings up (default: the scenario's)\n");
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	*o = (struct run_opts){0};
	static const struct option opts[] = {
	    {"time-scale", required_argument, NULL, 'x'},
	    {"runs", required_argument, NULL, 'n'},
	    {"lab", required_argument, NULL, 'l'},
	    {"keep", no_argument, NULL, 'k'},
	    {"json", required_argument, NULL, 'j'},
	    {"svg", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {"name", required_argument, NULL, 'N'},
	    {"junit", required_argument, NULL, 'J'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o->lab = optarg; break;
		case 'N': o->name = optarg; break;
		case 'J': o->junit = optarg; break;
		case 'k': o->keep = true; break;
		case 'j': o->json = optarg; break;
		case 's': o->svg = optarg; break;
		case 'x':
			if (cli_time_scale("--time-scale", optarg, &o->time_scale) < 0)
				return -1;
			break;
		case 'n':
			if (cli_long("--runs", optarg, 1, 1000, &o->runs) < 0)
				return -1;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return lab_err(LAB_EXIT_USAGE, "bad arguments");
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return lab_err(LAB_EXIT_USAGE, "expected one SCENARIO file");
	}
	o->file = argv[optind];
	return 0;
}

/* labctl itself as a child: `up` and `down` keep their own signal handling,
 * progress output and cleanup, exactly as when a user runs them. */
static int self(char *const args[])
{
	pid_t pid = fork();
	if (pid < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fork");
	if (pid == 0) {
		execv("/proc/self/exe", args);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int bring_up(const struct scenario *s, const char *lab, double scale)
{
	char topo[PATH_MAX], dir[] = "/tmp/labctl-run.XXXXXX", f[64];
	snprintf(topo, sizeof(topo), "%s", s->topology);
	bool tmp = s->merged != NULL;
	if (tmp) {
		/* The merged text may hold an inline key: a private directory, 0600. */
		if (!mkdtemp(dir))
			return lab_err_errno(LAB_EXIT_FAIL, errno, "mkdtemp");
		snprintf(topo, sizeof(topo), "%s/topology.yaml", dir);
		if (write_file_atomic(topo, s->merged, s->merged_len, 0600) < 0) {
			rmdir(dir);
			return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", topo);
		}
	}
	snprintf(f, sizeof(f), "%g", scale);
	char *args[] = {"labctl", "up", topo, "--name", (char *)lab, "--time-scale", f, NULL};
	fprintf(stderr, "labctl: run: labctl up %s --name %s --time-scale %s\n",
	        tmp ? "(the scenario's topology with its overrides)" : topo, lab, f);
	int rc = self(args);
	if (tmp) {
		unlink(topo);
		rmdir(dir);
	}
	if (rc != 0)
		return lab_err(LAB_EXIT_FAIL,
		               "labctl up for scenario %s failed (exit %d); see "
		               "above, then `labctl down %s`",
		               s->name, rc, lab);
	return 0;
}

static void take_down(const char *lab)
{
	char *args[] = {"labctl", "down", (char *)lab, NULL};
	if (self(args) != 0)
		fprintf(stderr, "labctl: run: `labctl down %s` failed; run it again\n", lab);
}

static void progress(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "labctl: %s\n", line);
}

/* One testcase per expectation and run; the numbers are in the failure message. */
static int write_junit(const struct scenario *s, const struct scn_outcome *o, const char *path,
                       double elapsed_s, const char *error)
{
	struct junit_case *c = calloc(o->n_results + 1, sizeof(*c));
	char(*names)[256] = calloc(o->n_results + 1, sizeof(*names));
	char cls[96];
	if (!c || !names) {
		free(c);
		free(names);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	snprintf(cls, sizeof(cls), "labctl.scenario.%s", s->name);
	for (size_t i = 0; i < o->n_results; i++) {
		const struct scn_result *r = &o->results[i];
		const struct scn_expect *x = &s->steps[r->step].expects[r->expect];
		snprintf(names[i], sizeof(names[i]), "run %ld, %s:%u:%u: %s", r->iteration, s->path,
		         x->pos.line, x->pos.col, r->what);
		c[i] = (struct junit_case){
		    .name = names[i], .classname = cls, .failure = r->pass ? NULL : r->msg};
	}
	size_t n = o->n_results;
	if (error) /* the steps stopped early: a CI must see that, not fewer cases */
		c[n++] = (struct junit_case){
		    .name = "the scenario's steps", .classname = cls, .failure = error};
	char suite[128];
	snprintf(suite, sizeof(suite), "labctl run %s", s->name);
	int rc = junit_write_file(path, suite, c, n, elapsed_s);
	free(c);
	free(names);
	return rc;
}

static int write_json(const struct scenario *s, const struct scn_outcome *o, const char *path)
{
	struct json j;
	json_init(&j);
	scn_outcome_json(s, o, &j);
	size_t len;
	const char *text = json_line(&j, &len);
	int rc = 0;
	if (!text)
		rc = lab_err(LAB_EXIT_FAIL, "out of memory writing JSON");
	else if (!strcmp(path, "-"))
		rc = fwrite(text, 1, len, stdout) == len ? 0 : -1;
	else if (write_file_atomic(path, text, len, 0644) < 0)
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", path);
	json_free(&j);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct topo_diags d = {0};
	struct scenario *s = NULL;
	if (parse(argc, argv, &o) < 0)
		return lab_err_report();
	if (scenario_load(o.file, &s, &d) < 0) {
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		return lab_err_report();
	}
	if (run_require_privilege("run") < 0) {
		scenario_free(s);
		return lab_err_report();
	}
	double scale = o.time_scale > 0 ? o.time_scale : s->time_scale;
	char lab[RUN_LAB_NAME_USER_MAX + 1];
	snprintf(lab, sizeof(lab), "%.*s", RUN_LAB_NAME_USER_MAX,
	         o.lab    ? o.lab
	         : o.name ? o.name
	                  : s->name);
	for (char *p = lab; *p; p++)
		if (*p == '_')
			*p = '-';
	cli_stop_on_signals();

	bool ours = !o.lab;
	int rc = LAB_EXIT_OK;
	if (ours && bring_up(s, lab, scale) < 0) {
		rc = lab_err_report();
		take_down(lab); /* up leaves a failed lab for inspection; we made it */
		scenario_free(s);
		return rc;
	}
	struct scn_run_opts ro = {.lab = lab,
	                          .time_scale = scale,
	                          .runs = o.runs ? o.runs : s->runs,
	                          .stop = &cli_stop,
	                          .progress = progress};
	struct scn_outcome out;
	int64_t t0 = mono_ns();
	int r = scenario_run(s, &ro, &out);
	bool json_stdout = o.json && !strcmp(o.json, "-");
	if (r < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", lab_err_msg());
		rc = lab_err_report();
		if (o.junit &&
		    write_junit(s, &out, o.junit, (double)(mono_ns() - t0) / NS_PER_SEC, msg) < 0)
			lab_err_report();
	} else {
		if (report_write(&out.report, NULL, o.svg, 0) < 0)
			rc = lab_err_report();
		if (!json_stdout)
			scn_outcome_text(s, &out, stdout);
		if (o.json && write_json(s, &out, o.json) < 0)
			rc = lab_err_report();
		if (o.junit &&
		    write_junit(s, &out, o.junit, (double)(mono_ns() - t0) / NS_PER_SEC, NULL) < 0)
			rc = lab_err_report();
		if (rc == LAB_EXIT_OK && out.failed)
			rc = LAB_EXIT_FAIL;
	}
	scn_outcome_free(&out);
	if (ours && !o.keep)
		take_down(lab);
	else if (ours)
		fprintf(stderr, "labctl: run: lab %s kept (--keep): `labctl down %s` removes it\n",
		        lab, lab);
	scenario_free(s);
	return rc;
}
