/* labctl report LAB | --dir DIR: the failover report rebuilt from the journals
 * alone, of a running lab or of one kept by `labctl down --keep`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/report_out.h"
#include "common/err.h"
#include "report/lab_report.h"
#include "report/report.h"
#include "timers/article.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl report LAB|--dir DIR [--json FILE] [--svg FILE] [--run N]\n"
	           "\n"
	           "Builds the failover report from the lab's journals (every node's\n"
	           "events.jsonl): one run per injected fault, its timeline, the outage of every\n"
	           "probe flow per direction and round trip, the predicted windows of every timer\n"
	           "model, the mechanism that ended the outage, and the "
	           "article's " TIMERS_ARTICLE_WINDOW_TEXT ".\n"
	           "  --dir DIR    read a lab kept by `labctl down LAB --keep DIR` (no LAB)\n"
	           "  --json FILE  also write the report as JSON (- for stdout, then no text)\n"
	           "  --svg FILE   draw the timeline of one run as SVG\n"
	           "  --run N      the run --svg draws (1-based; default: the last)\n");
}

int cmd_report(int argc, char **argv)
{
	const char *json_path = NULL, *svg_path = NULL, *dir = NULL;
	long run = 0;
	static const struct option opts[] = {
	    {"json", required_argument, NULL, 'j'}, {"svg", required_argument, NULL, 's'},
	    {"run", required_argument, NULL, 'r'},  {"help", no_argument, NULL, 'h'},
	    {"dir", required_argument, NULL, 'd'},  {NULL, 0, NULL, 0},
	};
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json_path = optarg; break;
		case 's': svg_path = optarg; break;
		case 'd': dir = optarg; break;
		case 'r': {
			char *end;
			run = strtol(optarg, &end, 10);
			if (*end || run < 1) {
				lab_err(LAB_EXIT_USAGE, "--run '%s': expected a run number from 1",
				        optarg);
				return lab_err_report();
			}
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return LAB_EXIT_USAGE;
		}
	}
	if (optind + (dir ? 0 : 1) != argc) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	struct lab_view v;
	if ((dir ? lab_view_open_dir(dir, &v) : lab_view_open(argv[optind], &v)) < 0)
		return lab_err_report();
	struct lab_report lr;
	if (lab_report_open(&lr, &v, !dir) < 0) {
		lab_view_close(&v);
		return lab_err_report();
	}
	struct evlog log;
	evlog_init(&log);
	struct report r = {0};
	struct report_config cfg;
	lab_report_config(&lr, &cfg);
	int rc = 0;
	if (evlog_load_lab(&log, v.run.dir) < 0 || report_build(&log, &cfg, &r) < 0 ||
	    report_write(&r, json_path, svg_path, run ? (size_t)run : 0) < 0)
		rc = lab_err_report();
	report_free(&r);
	evlog_free(&log);
	lab_report_close(&lr);
	lab_view_close(&v);
	return rc;
}
