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
	int first = 3;
	if (argc > 3 && !strcmp(argv[3], "--"))
		first = 4;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || first >= argc) {
		fprintf(argc < 2 || first >= argc ? stderr : stdout,
			"usage: labctl exec LAB NODE -- CMD [ARG...]\n");
		return argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
			       ? 0 : LAB_EXIT_USAGE;
	}
	struct run_lab l;
	if (run_require_privilege("exec") < 0 || node_args_enter(argv[1], argv[2], &l) < 0)
		return lab_err_report();
	execvp(argv[first], argv + first);
	fprintf(stderr, "labctl: exec %s on node %s: %s\n", argv[first], argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
