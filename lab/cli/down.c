/* labctl down [LAB | --all] [--keep DIR] [--json]: remove labs from their state
 * alone (docs/run-dir.md); --keep first copies what the report needs
 * (report/keep.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_json.h"
#include "cli/commands.h"
#include "common/json.h"
#include "common/monotime.h"
#include "common/err.h"
#include "report/keep.h"
#include "run/run.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl down [LAB | --all] [--keep DIR] [--json]\n"
	           "\n"
	           "Removes a lab (no LAB: the only lab there is): its processes, namespaces\n"
	           "and run directory, journals included.\n"
	           "  --all       every lab\n"
	           "  --keep DIR  first copy what `labctl report --dir DIR` needs (journals,\n"
	           "              BIRD logs, topology with inline keys redacted, time scale)\n"
	           "              into DIR (new or empty; 0700, files 0600); one lab only\n"
	           "  --json      what was removed, per lab, as JSON (docs/json.md \"down\")\n");
}

/* j: NULL for text, else the "labs" array the lab's object goes into. */
static int down_one(const char *lab, const char *keep, struct json *j)
{
	struct run_down_stats st;
	struct report_keep_stats ks;
	if (keep) {
		/* kept first: if that fails the lab stays, with its journals */
		if (report_keep(lab, keep, &ks) < 0)
			return -1;
		if (!j)
			printf("kept %zu journals%s%s in %s (labctl report --dir %s)\n",
			       ks.journals, ks.bird_logs ? ", BIRD logs" : "",
			       ks.topology ? ", topology (keys redacted)"
			                   : ", no topology (keys could not be redacted)",
			       keep, keep);
	}
	int64_t t0 = mono_ns();
	if (run_lab_down(lab, &st) < 0)
		return -1;
	double secs = (double)(mono_ns() - t0) / 1e9;
	if (j) {
		json_obj_begin(j);
		json_kv_str(j, "lab", lab);
		json_kv_bool(j, "existed", st.existed);
		json_kv_uint(j, "namespaces", st.namespaces);
		json_kv_uint(j, "processes_stopped", st.killed);
		json_kv_double(j, "seconds", secs);
		json_key(j, "kept");
		if (keep) {
			json_obj_begin(j);
			json_kv_str(j, "dir", keep);
			json_kv_uint(j, "journals", ks.journals);
			json_kv_uint(j, "bird_logs", ks.bird_logs);
			json_kv_bool(j, "topology", ks.topology);
			json_obj_end(j);
		} else
			json_null(j);
		json_obj_end(j);
	} else if (!st.existed)
		printf("no lab named '%s'; nothing to remove\n", lab);
	else
		printf("lab %s removed in %.2f s (%zu namespaces, %zu processes stopped)\n", lab,
		       secs, st.namespaces, st.killed);
	return 0;
}

int cmd_down(int argc, char **argv)
{
	const char *lab = NULL, *keep = NULL;
	bool all = false, json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
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
		fprintf(stderr, "labctl: %s\n",
		        all && lab ? "LAB and --all exclude each other"
		                   : "--keep keeps one lab; name it instead of --all");
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (run_require_privilege("down") < 0)
		return lab_err_report();
	/* One document: {"labs":[...]} whether one lab was named or --all found many. */
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_key(&j, "labs");
	json_arr_begin(&j);
	struct json *jp = json ? &j : NULL;
	int rc = 0;
	char **names = NULL;
	size_t n = 0;
	if (lab) {
		if (down_one(lab, keep, jp) < 0)
			rc = lab_err_report();
		goto out;
	}
	if (all)
		run_sweep_abandoned(NULL);
	if (run_lab_list(&names, &n) < 0) {
		json_free(&j);
		return lab_err_report();
	}
	/* Without a name: the one lab there is, never a guess between several. */
	if (!all && n > 1) {
		fprintf(stderr, "labctl: %zu labs run; name one (or --all):", n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, "\n");
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		json_free(&j);
		return LAB_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		if (run_lab_name_check(names[i]) == 0 && down_one(names[i], keep, jp) < 0)
			rc = lab_err_report();
		lab_err_clear();
		free(names[i]);
	}
	free(names);
	if (n == 0 && !json)
		printf("no labs under %s\n", run_root());
out:
	json_arr_end(&j);
	json_obj_end(&j);
	/* a failed lab's error is on stderr with exit 1; the others' objects still
	 * tell what was removed */
	if (json) {
		int w = cli_json_print(&j);
		rc = rc ? rc : w;
	}
	json_free(&j);
	return rc;
}
