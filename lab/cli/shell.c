/* labctl shell LAB NODE: an interactive shell inside a node. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/node_args.h"
#include "common/err.h"
#include "run/run.h"

int cmd_shell(int argc, char **argv)
{
	bool help = argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
	if (help || argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		fprintf(
		    help ? stdout : stderr,
		    "usage: labctl shell LAB NODE\n"
		    "\n"
		    "An interactive $SHELL (or /bin/bash, without rc files) inside NODE of the\n"
		    "running lab LAB, PS1 naming lab/node; LABCTL_LAB and LABCTL_NODE are set.\n");
		return help ? 0 : LAB_EXIT_USAGE;
	}
	struct run_lab l;
	if (run_require_privilege("shell") < 0 || node_args_enter(argv[1], argv[2], &l) < 0)
		return lab_err_report();
	const char *sh = getenv("SHELL");
	if (!sh || !sh[0])
		sh = "/bin/bash";
	char ps1[128];
	snprintf(ps1, sizeof(ps1), "[%s/%s] \\w \\$ ", argv[1], argv[2]);
	setenv("PS1", ps1, 1);
	const char *base = strrchr(sh, '/') ? strrchr(sh, '/') + 1 : sh;
	/* bash's rc files usually set PS1 again; without them the node name stays visible. */
	if (!strcmp(base, "bash"))
		execl(sh, sh, "--norc", "-i", (char *)NULL);
	else
		execl(sh, sh, "-i", (char *)NULL);
	fprintf(stderr, "labctl: exec %s: %s\n", sh, strerror(errno));
	return 127;
}
