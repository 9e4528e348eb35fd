/* labctl down [LAB | --all]: remove labs from their state alone (docs/run-dir.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/clock.h"
#include "common/err.h"
#include "run/run.h"

static int down_one(const char *lab)
{
	struct run_down_stats st;
	int64_t t0 = mono_ns();
	if (run_lab_down(lab, &st) < 0)
		return -1;
	if (!st.existed)
		printf("no lab named '%s'; nothing to remove\n", lab);
	else
		printf("lab %s removed in %.2f s (%zu namespaces, %zu processes stopped)\n", lab,
		       (double)(mono_ns() - t0) / 1e9, st.namespaces, st.killed);
	return 0;
}

int cmd_down(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: labctl down [LAB | --all]   (no LAB: the only lab there is)\n");
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "usage: labctl down [LAB | --all]\n");
		return LAB_EXIT_USAGE;
	}
	if (run_require_privilege("down") < 0)
		return lab_err_report();
	if (argc == 2 && strcmp(argv[1], "--all"))
		return down_one(argv[1]) < 0 ? lab_err_report() : 0;
	char **names;
	size_t n;
	if (run_lab_list(&names, &n) < 0)
		return lab_err_report();
	/* Without a name: the one lab there is, never a guess between several. */
	if (argc == 1 && n > 1) {
		fprintf(stderr, "labctl: %zu labs run; name one (or --all):", n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, "\n");
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return LAB_EXIT_USAGE;
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (run_lab_name_check(names[i]) == 0 && down_one(names[i]) < 0)
			rc = lab_err_report();
		lab_err_clear();
		free(names[i]);
	}
	free(names);
	if (n == 0)
		printf("no labs under %s\n", run_root());
	return rc;
}
