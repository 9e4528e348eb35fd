/* JUnit XML against the schema (tests/junit.xsd) with xmllint: the writer with
 * awkward text, a failover report's cases (window and budget per flow and
 * direction), and what `labctl predict --junit` writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/fsutil.h"
#include "report/junit.h"
#include "report/report.h"
#include "timers/timers.h"

static char dir[256];

static int run(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 0 when FILE validates against the schema. */
static int validate(const char *file)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s/tests/junit.xsd %s",
	         LABCTL_SOURCE_ROOT, file);
	return run(cmd);
}

static char *slurp(const char *path)
{
	char *b = NULL;
	size_t n;
	return read_file(path, &b, &n) == 0 ? b : NULL;
}

static void test_writer(void)
{
	char p[320];
	snprintf(p, sizeof(p), "%s/writer.xml", dir);
	const struct junit_case cases[] = {
	    {.name = "first", .classname = "a.b"},
	    {.name = "over",
	     .classname = "a.c",
	     .time_s = 41.9,
	     .failure = "41.9 s > 30 s & <more> \"q\" \xc3\xa9 bell\a bad\xff"},
	    {.name = "n/a", .classname = "a.d", .skipped = "no outage"},
	};
	CHECK_INT(junit_write_file(p, "names <&> \"quoted\"", cases, 3, 1.5), 0);
	CHECK_INT(validate(p), 0);
	char *x = slurp(p);
	CHECK(x && strstr(x, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
	CHECK(x && strstr(x, "&gt; 30 s &amp; &lt;more&gt;"));
	/* what XML 1.0 cannot carry (BEL, a byte that is not UTF-8) becomes '?' */
	CHECK(x && strstr(x, "\xc3\xa9 bell? bad?"));
	CHECK(x && strstr(x, "<skipped message=\"no outage\""));
	free(x);

	/* The schema rejects what CI reporters would not read: a case without a name. */
	snprintf(p, sizeof(p), "%s/bad.xml", dir);
	const char *bad = "<testsuites><testsuite name='s' tests='1'><testcase classname='c'/>"
	                  "</testsuite></testsuites>";
	CHECK_INT(write_file_atomic(p, bad, strlen(bad), 0644), 0);
	CHECK(validate(p) != 0);
}

static bool test_limits(void *ctx, const char *probe, enum timers_dir d, double *max_s)
{
	(void)ctx;
	if (strcmp(probe, "ecs-vm") || d == TIMERS_REV)
		return false;
	*max_s = d == TIMERS_FWD ? 24 : 25;
	return true;
}

/* A report as build.c leaves it: one run, flow 0 one way both directions and round
 * trip, flow 1 without an outage; budgets fwd 24 s, rtt 25 s. */
static void test_report_cases(void)
{
	struct report_stream st[4] = {
	    {.probe = "ecs-vm",
	     .flow = 0,
	     .dir = 0,
	     .leg = LEG_ONEWAY,
	     .has_outage = true,
	     .o = {.duration_ns = 23400000000}},
	    {.probe = "ecs-vm",
	     .flow = 0,
	     .dir = 1,
	     .leg = LEG_ONEWAY,
	     .has_outage = true,
	     .o = {.duration_ns = 26100000000}},
	    {.probe = "ecs-vm",
	     .flow = 0,
	     .dir = 0,
	     .leg = LEG_RTT,
	     .has_outage = true,
	     .o = {.duration_ns = 26100000000}},
	    {.probe = "ecs-vm", .flow = 1, .dir = 0, .leg = LEG_RTT},
	};
	struct report_run run = {
	    .kind = "ike-mismatch", .target = "tun0", .streams = st, .n_streams = 4};
	struct timers_input in;
	timers_input_article(&in);
	CHECK_INT(timers_predict(&in, &run.pred), 0);
	run.has_pred = true;
	struct report_config cfg = {0};
	CHECK_INT(report_budget_judge(&run, &cfg), 0); /* no budget callback: no checks */
	CHECK_INT(run.n_budget, 0);
	struct report rep = {.lab = "lab1", .time_scale = 1, .runs = &run, .n_runs = 1};
	CHECK(!report_budget_failed(&rep));

	/* fwd 24 s, rtt 25 s, no rev budget */
	cfg.budget = test_limits;
	CHECK_INT(report_budget_judge(&run, &cfg), 0);
	CHECK_INT(run.n_budget, 3); /* fwd flow 0, rtt flow 0, rtt flow 1 */
	CHECK(report_budget_failed(&rep));
	for (size_t i = 0; i < run.n_budget; i++) {
		const struct report_budget_check *c = &run.budget[i];
		if (c->dir == TIMERS_FWD)
			CHECK(c->ok && c->measured_s > 23.39 && c->limit_s == 24);
		else if (c->flow == 0)
			CHECK(!c->ok && c->measured_s > 26.09 && c->limit_s == 25);
		else
			CHECK(c->ok && c->measured_s == 0);
	}
	char *txt = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&txt, &len);
	report_budget_text(&run, m);
	fclose(m);
	CHECK(txt && strstr(txt, "over budget: ecs-vm flow 0 rtt: outage 26.100 s exceeds "
	                         "max_outage 25.000 s by 1.100 s"));
	free(txt);

	char p[320];
	snprintf(p, sizeof(p), "%s/report.xml", dir);
	CHECK_INT(report_junit_write(&rep, p), 0);
	CHECK_INT(validate(p), 0);
	char *x = slurp(p);
	/* 4 window cases (flow 1's skipped) + 3 budget cases. The lab model of the
	 * article's scenario (delays 0) has fwd (20, 30.2], rev and rtt (12.5, 30.2] and
	 * (20, 30.2]: every outage inside; the one failure is flow 0's round trip over
	 * its 25 s budget. */
	CHECK(x && strstr(x, "tests=\"7\" failures=\"1\" errors=\"0\" skipped=\"1\""));
	CHECK(x &&
	      strstr(x, "classname=\"lab1.run1.ecs-vm.flow0.rtt\" name=\"within the budget\""));
	CHECK(x && strstr(x, "outage 26.100 s, max_outage 25.000 s (over by 1.100 s)"));
	free(x);
	free(run.budget);
}

static void test_predict(const char *labctl)
{
	char p[320], cmd[1024];
	snprintf(p, sizeof(p), "%s/predict.xml", dir);
	snprintf(cmd, sizeof(cmd),
	         "%s predict dual-tunnel --max-outage 30 --model all --junit %s "
	         ">/dev/null",
	         labctl, p);
	CHECK_INT(run(cmd), 1);
	CHECK_INT(validate(p), 0);
	char *x = slurp(p);
	/* 4 models x 3 directions */
	CHECK(x && strstr(x, "<testsuites name=\"labctl predict dual-tunnel\" tests=\"12\""));
	CHECK(x && strstr(x, "classname=\"dual-tunnel.ecs-vm.lab.rtt\""));
	free(x);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s LABCTL\n", argv[0]);
		return 1;
	}
	if (run("xmllint --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "xmllint is missing: scripts/setup installs libxml2-utils\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/labctl-test-junit.%d", (int)getpid());
	remove_tree(dir);
	if (mkdir_p(dir, 0700) < 0) {
		perror(dir);
		return 1;
	}
	test_writer();
	test_report_cases();
	test_predict(argv[1]);
	remove_tree(dir);
	return check_done();
}
