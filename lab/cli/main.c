/* labctl: dispatch to one file per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/err.h"

static const struct command commands[] = {
	{"version", cmd_version, "print the version"},
	{"validate", cmd_validate, "check topology files"},
	{"graph", cmd_graph, "draw a topology or a running lab (Graphviz dot or svg)"},
	{"predict", cmd_predict, "predicted outage windows of the timer models"},
	{"fit", cmd_fit, "infer an unknown delay from measured outages"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl <command> [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'labctl <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LAB_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "labctl: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return LAB_EXIT_USAGE;
}
