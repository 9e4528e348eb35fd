#include <stdio.h>

#include "cli/commands.h"

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("labctl %s\n", LABCTL_VERSION);
	return 0;
}
