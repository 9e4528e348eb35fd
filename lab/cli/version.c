#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/err.h"

int cmd_version(int argc, char **argv)
{
	if (argc >= 2) {
		bool help = !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help");
		fprintf(help ? stdout : stderr,
		        "usage: labctl version\n\nPrints labctl's version.\n");
		return help ? LAB_EXIT_OK : LAB_EXIT_USAGE;
	}
	printf("labctl %s\n", LABCTL_VERSION);
	return 0;
}
