/* labctl exec LAB NODE -- CMD...: run a command inside a node. labctl replaces
 * itself with the command, so its exit status is the command's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/node_args.h"
#include "common/err.h"
#include "run/run.h"

int cmd_exec(int argc, char **argv)
{
	static const char usage[] =
	    "usage: labctl exec LAB NODE -- CMD [ARG...]\n"
	    "\n"
	    "Runs CMD inside NODE of the running lab LAB (its network and mount namespaces,\n"
	    "/run/labctl/LAB paths as outside). labctl becomes CMD: the exit status is\n"
	    "CMD's (127: not found, 126: not executable).\n"
	    "  --  ends labctl's arguments (optional when CMD starts with no '-')\n";
	int first = 3;
	if (argc > 3 && !strcmp(argv[3], "--"))
		first = 4;
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 3 || first >= argc || argv[1][0] == '-' || argv[2][0] == '-') {
		fputs(usage, stderr);
		return LAB_EXIT_USAGE;
	}
	struct run_lab l;
	if (run_require_privilege("exec") < 0 || node_args_enter(argv[1], argv[2], &l) < 0)
		return lab_err_report();
	execvp(argv[first], argv + first);
	fprintf(stderr, "labctl: exec %s on node %s: %s\n", argv[first], argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
