/* The article's scenario at time scale 0.1 (or 1 with --real-time): labctl failover
 * with the ike-mismatch fault, several runs; every measured round-trip outage must
 * lie inside the lab's predicted window, and so must each direction. The verdicts
 * are re-derived here from the journals (labctl report's code), not parsed from
 * text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "lab_fixture.h"
#include "report/lab_report.h"
#include "report/report.h"

int main(int argc, char **argv)
{
	if (argc < 2) /* the meson test() line passes it */
		return check_broken("usage: test-failover-article PATH/labctl [--real-time]");
	int pre = fx_prereq(false);
	if (pre)
		return pre;
	bool real = argc > 2 && !strcmp(argv[2], "--real-time");
	double scale = real ? 1.0 : 0.1;
	int runs = real ? 1 : 3;
	struct fixture f;
	int r = fx_up(&f, argv[1], "dual-tunnel", real ? "fort" : "foar", scale);
	if (r < 0)
		return 1;

	char json[400];
	snprintf(json, sizeof(json), "%s/report.json", f.root);
	int rc = fx_labctl(&f, "failover %s --runs %d --json %s --svg %s/timeline.svg", f.lab, runs,
	                   json, f.root);
	CHECK_INT(rc, 0);
	/* the tunnel was found by asking the routers (not the fallback to the first) */
	char *out = NULL;
	size_t outlen;
	CHECK(read_file(f.log, &out, &outlen) == 0);
	CHECK(out && !strstr(out, "route lookup on"));
	free(out);

	struct lab_view v;
	CHECK_INT(lab_view_open(f.lab, &v), 0);
	struct lab_report lr;
	CHECK_INT(lab_report_open(&lr, &v, true), 0);
	CHECK(v.time_scale > scale - 1e-9 && v.time_scale < scale + 1e-9);
	struct evlog log;
	evlog_init(&log);
	CHECK_INT(evlog_load_lab(&log, v.run.dir), 0);
	struct report rep;
	struct report_config cfg;
	lab_report_config(&lr, &cfg);
	CHECK_INT(report_build(&log, &cfg, &rep), 0);
	CHECK_INT(rep.n_runs, runs);
	for (size_t i = 0; i < rep.n_runs; i++) {
		const struct report_run *run = &rep.runs[i];
		CHECK_STR(run->kind, "ike-mismatch");
		CHECK(run->has_pred);
		CHECK(run->recovery_t > 0);
		for (int d = 0; d < TIMERS_NDIR; d++) {
			const struct timers_model *lab = timers_find_model(&run->pred, "lab");
			fprintf(stderr, "run %zu %s: measured %.3f s, lab window %.3f-%.3f s\n",
			        i + 1, timers_dir_name(d), run->measured_s[d],
			        lab ? lab->dir[d].w.min_s : -1, lab ? lab->dir[d].w.max_s : -1);
			CHECK_INT(run->inside[d], 1);
		}
		fprintf(stderr, "run %zu mechanism: %s\n", i + 1, run->mechanism);
	}
	/* The outputs exist: the SVG is well-formed where xmllint is installed. */
	CHECK(path_exists(json));
	char cmd[600];
	snprintf(cmd, sizeof(cmd),
	         "command -v xmllint >/dev/null 2>&1 || exit 0; "
	         "xmllint --noout '%s/timeline.svg'",
	         f.root);
	CHECK_INT(system(cmd), 0);
	report_free(&rep);
	evlog_free(&log);
	lab_report_close(&lr);
	lab_view_close(&v);
	fx_show_if_failed(&f, check_failures);
	fx_down(&f);
	return check_done();
}
