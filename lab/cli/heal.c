/* labctl heal LAB [TARGET]: undo active faults (all, or those on TARGET). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/err.h"
#include "fault/fault.h"
#include "run/lab_view.h"
#include "run/run.h"

int cmd_heal(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: labctl heal LAB [TARGET]\n\nUndoes the active faults of LAB, newest "
		       "first (only those on TARGET if given),\nrestoring exactly what each "
		       "changed.\n");
		return 0;
	}
	/* an option is a mistake here, not a lab name */
	if (argc < 2 || argc > 3 || argv[1][0] == '-' || (argc == 3 && argv[2][0] == '-')) {
		fprintf(stderr, "usage: labctl heal LAB [TARGET]\n");
		return LAB_EXIT_USAGE;
	}
	if (run_require_privilege("heal") < 0)
		return lab_err_report();
	struct lab_view v;
	if (lab_view_open(argv[1], &v) < 0)
		return lab_err_report();
	size_t n = 0;
	int rc = 0;
	if (fault_heal(&v, argc == 3 ? argv[2] : NULL, &n) < 0)
		rc = lab_err_report();
	else if (n == 0)
		printf("no active fault%s%s in lab %s\n", argc == 3 ? " on " : "",
		       argc == 3 ? argv[2] : "", v.run.name);
	else
		printf("healed %zu fault%s\n", n, n == 1 ? "" : "s");
	lab_view_close(&v);
	return rc;
}
