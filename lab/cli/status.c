/* labctl status [LAB] [--json]: nodes, namespaces, processes, services (the lab
 * object, lab/cli/lab_json.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_json.h"
#include "cli/commands.h"
#include "cli/lab_json.h"
#include "common/err.h"
#include "common/json.h"
#include "run/run.h"

int cmd_status(int argc, char **argv)
{
	bool json_out = false;
	const char *lab = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json_out = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: labctl status [LAB] [--json]\n"
			       "\n"
			       "State word, nodes, namespaces and processes of LAB (no LAB: every "
			       "lab),\n"
			       "and each service's status: IPsec tunnels (state, SPIs, bytes and\n"
			       "packets, time up) and BGP sessions (state, uptime, prefixes).\n"
			       "  --json  the same facts as JSON (docs/json.md \"lab\")\n");
			return 0;
		} else if (!lab && argv[i][0] != '-')
			lab = argv[i];
		else {
			fprintf(stderr, "usage: labctl status [LAB] [--json]\n");
			return LAB_EXIT_USAGE;
		}
	}
	if (run_require_privilege("status") < 0)
		return lab_err_report();
	struct json j;
	json_init(&j);
	int rc = 0;
	if (lab) {
		if (run_lab_name_check(lab) < 0 ||
		    lab_json_status(lab, &j, json_out ? NULL : stdout) < 0)
			rc = lab_err_report();
	} else {
		char **names;
		size_t n;
		if (run_lab_list(&names, &n) < 0) {
			json_free(&j);
			return lab_err_report();
		}
		json_arr_begin(&j);
		for (size_t i = 0; i < n; i++) {
			if (run_lab_name_check(names[i]) == 0 &&
			    lab_json_status(names[i], &j, json_out ? NULL : stdout) < 0)
				rc = lab_err_report();
			lab_err_clear();
			free(names[i]);
		}
		json_arr_end(&j);
		free(names);
		if (n == 0 && !json_out)
			printf("no labs (under %s)\n", run_root());
	}
	if (json_out && rc == 0)
		rc = cli_json_print(&j);
	json_free(&j);
	return rc;
}
