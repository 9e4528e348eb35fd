/* labctl watch LAB: the lab as it changes (lab/watch/). On a terminal a view that
 * redraws ten times a second until `q`; otherwise plain snapshots with no control
 * characters: one (--once, the default off a terminal) or one every --interval. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "common/err.h"
#include "common/monotime.h"
#include "run/run.h"
#include "watch/watch.h"
#include "watch/watch_curses.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl watch LAB [--once | --interval S [--count N]]\n"
	           "\n"
	           "Shows a running lab as it changes: each tunnel's IKE and CHILD SA and its\n"
	           "packets/s, each BGP session's state, negotiated hold and keepalive, the hold\n"
	           "timer counting down and the time since the last message received, BFD where\n"
	           "the speaker reports it, the probe flows (ok, or lost and for how long), and\n"
	           "the newest journal events. It only reads (VICI, control sockets, journals).\n"
	           "On a terminal the view redraws ten times a second; q quits. Otherwise it\n"
	           "prints one plain snapshot.\n"
	           "  --once        one plain snapshot, also on a terminal\n"
	           "  --interval S  a plain snapshot every S seconds (0.1..60), until interrupted\n"
	           "  --count N     with --interval: stop after N snapshots\n");
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) < 0 && !cli_stop)
		;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"once", no_argument, NULL, 'o'},
	    {"interval", required_argument, NULL, 'i'},
	    {"count", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool once = false;
	double interval = 0;
	long count = 0;
	char *end;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': once = true; break;
		case 'i':
			interval = strtod(optarg, &end);
			if (end == optarg || *end || !(interval >= 0.1 && interval <= 60))
				return lab_err(LAB_EXIT_USAGE,
				               "--interval '%s': expected 0.1..60 seconds", optarg),
				       lab_err_report();
			break;
		case 'n':
			count = strtol(optarg, &end, 10);
			if (end == optarg || *end || count < 1)
				return lab_err(LAB_EXIT_USAGE,
				               "--count '%s': expected a positive integer", optarg),
				       lab_err_report();
			break;
		case 'h': usage(stdout); return 0;
		default:
			usage(stderr);
			return lab_err(LAB_EXIT_USAGE, "bad arguments"), lab_err_report();
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return lab_err(LAB_EXIT_USAGE, "expected one LAB"), lab_err_report();
	}
	if (once && interval > 0)
		return lab_err(LAB_EXIT_USAGE, "--once and --interval exclude each other"),
		       lab_err_report();
	if (count && !(interval > 0))
		return lab_err(LAB_EXIT_USAGE, "--count needs --interval"), lab_err_report();
	if (run_require_privilege("watch") < 0)
		return lab_err_report();

	static struct watch w;
	if (watch_open(&w, argv[optind]) < 0)
		return lab_err_report();
	cli_stop_on_signals();
	int rc = 0;
	if (!once && interval == 0 && isatty(STDOUT_FILENO)) {
		if (watch_curses_run(&w, 100) < 0)
			rc = lab_err(LAB_EXIT_FAIL, "cannot use the terminal (TERM=%s)",
			             getenv("TERM") ? getenv("TERM") : "unset");
	} else if (interval > 0) {
		for (long i = 0; !cli_stop && (!count || i < count); i++) {
			if (i)
				sleep_s(interval);
			if (cli_stop)
				break;
			watch_collect(&w);
			if (i)
				putchar('\n');
			watch_print_plain(&w, stdout);
		}
	} else {
		/* Two looks a second apart: packets/s is a difference. */
		watch_collect(&w);
		sleep_s(1.0);
		watch_collect(&w);
		watch_print_plain(&w, stdout);
	}
	watch_close(&w);
	return rc < 0 ? lab_err_report() : 0;
}
