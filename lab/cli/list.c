/* labctl list: the labs under the run directory, with topology, age and state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_json.h"
#include "cli/commands.h"
#include "cli/lab_json.h"
#include "common/err.h"
#include "common/json.h"
#include "run/run.h"

static void age_text(long long s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 120)
		snprintf(buf, len, "%llds", s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%lldh", s / 3600);
}

int cmd_list(int argc, char **argv)
{
	static const char usage[] =
	    "usage: labctl list [--json]\n"
	    "\n"
	    "Every lab under the run directory with its topology, age and state\n"
	    "(ready, degraded, failed, starting, incomplete: docs/run-dir.md).\n"
	    "  --json  the same as a JSON array of lab objects (docs/json.md)\n";
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	bool json_out = argc == 2 && !strcmp(argv[1], "--json");
	if (argc > 2 || (argc == 2 && !json_out)) {
		fputs(usage, stderr);
		return LAB_EXIT_USAGE;
	}
	/* Lab directories are root's (0700): without privilege names are all we see. */
	bool root = run_require_privilege("list") == 0;
	lab_err_clear();
	char **names;
	size_t n;
	if (run_lab_list(&names, &n) < 0)
		return lab_err_report();
	struct json j;
	json_init(&j);
	json_arr_begin(&j);
	if (!json_out && n > 0)
		printf("%-24s %-18s %-6s %s\n", "LAB", "TOPOLOGY", "AGE", "STATE");
	for (size_t i = 0; i < n; i++) {
		struct run_lab l;
		struct run_state st = {0};
		char state[96] = "unknown (needs root)", age[32];
		long long secs = -1;
		if (root && run_lab_open(names[i], &l) == 0) {
			if (run_state_read(&l, &st) == 0) {
				int dead = run_supervise(&l, &st, NULL);
				run_state_describe(&st, dead < 0 ? 0 : dead, state, sizeof(state));
				if (st.created)
					secs = (long long)time(NULL) - st.created;
			}
			run_lab_close(&l);
		}
		lab_err_clear();
		age_text(secs, age, sizeof(age));
		/* the topology's file name, without directory and .yaml */
		char topo[64] = "?";
		const char *base = strrchr(st.source, '/');
		if (st.source[0])
			snprintf(topo, sizeof(topo), "%.63s", base ? base + 1 : st.source);
		size_t tl = strlen(topo);
		if (tl > 5 && !strcmp(topo + tl - 5, ".yaml"))
			topo[tl - 5] = '\0';
		if (json_out) {
			json_obj_begin(&j);
			lab_json_head(&j, names[i], state, st.source, secs);
			json_obj_end(&j);
		} else {
			printf("%-24s %-18s %-6s %s\n", names[i], topo, age, state);
		}
		run_state_free(&st);
		free(names[i]);
	}
	free(names);
	json_arr_end(&j);
	int rc = 0;
	if (json_out)
		rc = cli_json_print(&j);
	else if (n == 0)
		printf("no labs (under %s)\n", run_root());
	json_free(&j);
	return rc;
}
