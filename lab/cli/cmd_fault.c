/* labctl fault LAB KIND [PARAM] TARGET: break one thing in a running lab. */
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
	fprintf(f,
	        "usage: labctl fault LAB KIND [PARAM] TARGET [--json]\n"
	        "\n"
	        "  ike-mismatch TUNNEL   end 0 reloads the connection with a proposal the peer\n"
	        "                        refuses and terminates the IKE SA (the article's fault)\n"
	        "  blackhole TUNNEL      the underlay drops the tunnel's IKE and ESP packets\n"
	        "  link-down NODE        the gateway's uplink loses carrier\n"
	        "  kill NODE[:WHAT]      SIGKILL charon, bgpd or bird (default: charon on a\n"
	        "                        gateway, else the BGP speaker)\n"
	        "  loss P%% TUNNEL        random loss of P%% of the tunnel's underlay packets\n"
	        "  delay MS TUNNEL       netem delay on the underlay (kernels with netem only)\n"
	        "\n"
	        "  --json                what was done as JSON (docs/json.md \"fault\")\n"
	        "\n"
	        "Each fault is journaled and remembered; `labctl heal LAB [TARGET]` undoes it.\n");
}

int cmd_fault(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	/* --json is the one option, taken anywhere; any other "--x" is a mistake, not
	 * a lab, kind or target */
	bool option = false, json = false;
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else {
			option |= !strncmp(argv[i], "--", 2);
			argv[++n] = argv[i];
		}
	}
	argc = n + 1;
	if (argc < 3 || option) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	struct fault_req r;
	int used;
	if (fault_req_parse(argc - 2, argv + 2, &r, &used) < 0)
		return lab_err_report();
	if (2 + used != argc) {
		lab_err(LAB_EXIT_USAGE, "unexpected argument '%s' after the target",
		        argv[2 + used]);
		return lab_err_report();
	}
	if (run_require_privilege("fault") < 0)
		return lab_err_report();
	struct lab_view v;
	if (lab_view_open(argv[1], &v) < 0)
		return lab_err_report();
	struct fault_info f;
	int rc = 0;
	if (fault_inject_info(&v, &r, &f) < 0)
		rc = lab_err_report();
	else if (json) {
		struct json j;
		json_init(&j);
		json_obj_begin(&j);
		json_kv_str(&j, "lab", v.run.name);
		json_key(&j, "fault");
		fault_info_json(&j, &f);
		json_obj_end(&j);
		rc = cli_json_print(&j);
		json_free(&j);
	} else
		printf("fault %s on %s: %s\n", f.kind, f.target, f.detail);
	lab_view_close(&v);
	return rc;
}
