/* labctl heal LAB [TARGET] [--json]: undo active faults (all, or those on TARGET). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_json.h"
#include "cli/commands.h"
#include "common/err.h"
#include "common/json.h"
#include "fault/fault.h"
#include "run/lab_view.h"
#include "run/run.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl heal LAB [TARGET] [--json]\n\n"
	           "Undoes the active faults of LAB, newest first (only those on TARGET if\n"
	           "given), restoring exactly what each changed.\n"
	           "  --json  the healed faults as JSON (docs/json.md \"fault\")\n");
}

/* Each healed fault into the "healed" array, as soon as it is healed: a heal that
 * fails half-way still reports what it did. */
static void healed_json(const struct fault_info *f, void *arg)
{
	fault_info_json(arg, f);
}

int cmd_heal(int argc, char **argv)
{
	const char *lab = NULL, *target = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || (lab && target)) { /* an option is a mistake here */
			usage(stderr);
			return LAB_EXIT_USAGE;
		} else if (!lab)
			lab = argv[i];
		else
			target = argv[i];
	}
	if (!lab) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (run_require_privilege("heal") < 0)
		return lab_err_report();
	struct lab_view v;
	if (lab_view_open(lab, &v) < 0)
		return lab_err_report();
	size_t n = 0;
	int rc = 0;
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "lab", v.run.name);
	json_key(&j, "target");
	if (target)
		json_str(&j, target);
	else
		json_null(&j);
	json_key(&j, "healed");
	json_arr_begin(&j);
	if (fault_heal_each(&v, target, &n, json ? healed_json : NULL, &j) < 0)
		rc = lab_err_report();
	json_arr_end(&j);
	json_obj_end(&j);
	if (json && rc == 0)
		rc = cli_json_print(&j);
	else if (rc == 0 && n == 0)
		printf("no active fault%s%s in lab %s\n", target ? " on " : "",
		       target ? target : "", v.run.name);
	else if (rc == 0)
		printf("healed %zu fault%s\n", n, n == 1 ? "" : "s");
	json_free(&j);
	lab_view_close(&v);
	return rc;
}
