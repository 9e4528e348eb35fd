/* labctl down [LAB | --all] [--keep DIR]: remove labs from their state alone
 * (docs/run-dir.md); --keep first copies what the report needs (report/keep.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/monotime.h"
#include "common/err.h"
#include "report/keep.h"
#include "run/run.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl down [LAB | --all] [--keep DIR]\n"
		   "\n"
		   "Removes a lab (no LAB: the only lab there is): its processes, namespaces\n"
		   "and run directory, journals included.\n"
		   "  --all       every lab\n"
		   "  --keep DIR  first copy what `labctl report --dir DIR` needs (journals,\n"
		   "              BIRD logs, topology with inline keys redacted, time scale)\n"
		   "              into DIR (new or empty; 0700, files 0600); one lab only\n");
}

static int down_one(const char *lab, const char *keep)
{
	struct run_down_stats st;
	if (keep) {
		struct report_keep_stats ks;
		/* kept first: if that fails the lab stays, with its journals */
		if (report_keep(lab, keep, &ks) < 0)
			return -1;
		printf("kept %zu journals%s%s in %s (labctl report --dir %s)\n", ks.journals,
		       ks.bird_logs ? ", BIRD logs" : "",
		       ks.topology ? ", topology (keys redacted)" : ", no topology (keys could not be redacted)",
		       keep, keep);
	}
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
	const char *lab = NULL, *keep = NULL;
	bool all = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep = argv[++i];
		else if (!lab && argv[i][0] != '-')
			lab = argv[i];
		else {
			usage(stderr);
			return LAB_EXIT_USAGE;
		}
	}
	if ((all && lab) || (all && keep)) {
		fprintf(stderr, "labctl: %s\n", all && lab ? "LAB and --all exclude each other"
							     : "--keep keeps one lab; name it instead of --all");
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (run_require_privilege("down") < 0)
		return lab_err_report();
	if (lab)
		return down_one(lab, keep) < 0 ? lab_err_report() : 0;
	char **names;
	size_t n;
	if (all)
		run_sweep_abandoned(NULL);
	if (run_lab_list(&names, &n) < 0)
		return lab_err_report();
	/* Without a name: the one lab there is, never a guess between several. */
	if (!all && n > 1) {
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
		if (run_lab_name_check(names[i]) == 0 && down_one(names[i], keep) < 0)
			rc = lab_err_report();
		lab_err_clear();
		free(names[i]);
	}
	free(names);
	if (n == 0)
		printf("no labs under %s\n", run_root());
	return rc;
}
