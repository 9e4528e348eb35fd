/* Runs against the model on a real lab: `labctl failover LAB --runs 5` at time
 * scale 0.1 places each run of the main flow at its quantile of the lab model's
 * Monte Carlo and tests the five against it: the JSON has five quantiles in [0, 1]
 * and a Kolmogorov-Smirnov p-value in [0, 1] per direction, the text the sentence
 * that says what it means, and `labctl report LAB` rebuilds the same numbers from
 * the journals. Which way the test comes out is the lab's finding, printed, not
 * asserted: this checks that it is made and reported.
 *
 * With --real-time: the article's experiment ten times in real time (about 15
 * minutes), and there the outcome is asserted: the round trips are consistent with
 * the model (KS p > 0.05). By construction that fails one series in twenty when the
 * model is right, so it is the `series` suite, run on demand (docs/testing.md), not
 * part of the default run. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/json_read.h"
#include "lab_fixture.h"

static int RUNS = 5;
static double SCALE = 0.1;

static struct json_object *load_json(const char *path)
{
	struct json_object *t = json_parse_file(path);
	if (!t) {
		fprintf(stderr, "%s\n", lab_err_msg());
		lab_err_clear();
	}
	return t;
}

/* The model_test entry of direction dir, checked; its p-value (-1 if none). */
static double check_entry(const struct json_object *rep, const char *dir)
{
	const struct json_object *mt = json_get(rep, "model_test"), *e = NULL;
	CHECK(json_object_is_type(mt, json_type_array));
	for (size_t i = 0; mt && i < json_object_array_length(mt); i++) {
		const struct json_object *x = json_object_array_get_idx(mt, i);
		const char *d = json_get_str(x, "dir");
		if (d && !strcmp(d, dir))
			e = x;
	}
	CHECK(e != NULL);
	if (!e)
		return -1;
	double scale = 0, p = -1, n = 0;
	CHECK(json_get_num(e, "time_scale", &scale) && scale == SCALE);
	const struct json_object *runs = json_get(e, "runs");
	CHECK(json_object_is_type(runs, json_type_array) &&
	      json_object_array_length(runs) == (size_t)RUNS);
	fprintf(stderr, "%s:", dir);
	for (size_t i = 0; runs && i < json_object_array_length(runs); i++) {
		const struct json_object *r = json_object_array_get_idx(runs, i);
		double q = -1, x = -1;
		CHECK(json_get_num(r, "quantile", &q) && q >= 0 && q <= 1);
		CHECK(json_get_num(r, "outage_s", &x) && x >= 0);
		fprintf(stderr, " %.2f s p%.0f", x, 100 * q);
	}
	const struct json_object *test = json_get(e, "test");
	CHECK(json_object_is_type(test, json_type_object));
	CHECK(json_get_num(test, "p_value", &p) && p >= 0 && p <= 1);
	CHECK(json_get_num(test, "n", &n) && n == RUNS);
	const char *meaning = json_get_str(test, "meaning");
	fprintf(stderr, "\n  KS p = %.3f: %s\n", p, meaning ? meaning : "(none)");
	char lead[32];
	snprintf(lead, sizeof(lead), "%d runs ", RUNS);
	CHECK(meaning && strstr(meaning, lead) == meaning);
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return check_broken("usage: test-failover-model-runs PATH/labctl [--real-time]");
	bool real = argc > 2 && !strcmp(argv[2], "--real-time");
	if (real) {
		RUNS = 10;
		SCALE = 1.0;
	}
	int pre = fx_prereq(false);
	if (pre)
		return pre;
	struct fixture f;
	if (fx_up(&f, argv[1], "dual-tunnel", real ? "fomr" : "fomt", SCALE) < 0)
		return 1;
	char fo[300], rep[300];
	snprintf(fo, sizeof(fo), "%s.failover.json", f.root);
	snprintf(rep, sizeof(rep), "%s.report.json", f.root);

	/* the text goes to the fixture's log (labctl's output, read before anything
	 * else runs) */
	CHECK_INT(fx_labctl(&f, "failover %s --runs %d --time-scale %g -q --json %s", f.lab, RUNS,
	                    SCALE, fo),
	          0);
	char *out = NULL;
	size_t n = 0;
	CHECK(read_file(f.log, &out, &n) == 0);
	CHECK(out && strstr(out, "runs against the lab model") != NULL);
	char yes[64], no[64];
	snprintf(yes, sizeof(yes), "%d runs consistent with the model (KS p = ", RUNS);
	snprintf(no, sizeof(no), "%d runs inconsistent with the model (KS p = ", RUNS);
	CHECK(out && (strstr(out, yes) || strstr(out, no)));
	if (check_failures && out)
		fprintf(stderr, "--- labctl's output\n%s\n", out);
	free(out);

	struct json_object *a = load_json(fo);
	CHECK(a != NULL);
	double pa = a ? check_entry(a, "rtt") : -1;
	if (real)
		CHECK(pa > 0.05); /* the finding the series is for */
	if (a) {
		check_entry(a, "fwd");
		check_entry(a, "rev");
	}
	/* the report rebuilt from the journals: the same runs, the same test */
	CHECK_INT(fx_labctl(&f, "report %s --json %s", f.lab, rep), 0);
	struct json_object *b = load_json(rep);
	CHECK(b != NULL);
	if (b)
		CHECK(check_entry(b, "rtt") == pa);
	json_object_put(a);
	json_object_put(b);

	fx_show_if_failed(&f, check_failures);
	fx_down(&f);
	unlink(fo);
	unlink(rep);
	return check_done();
}
