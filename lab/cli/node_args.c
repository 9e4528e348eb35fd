#include "cli/node_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "netns/netns.h"

int node_args_enter(const char *lab, const char *node, struct run_lab *l)
{
	if (run_lab_open(lab, l) < 0)
		return lab_err(LAB_EXIT_USAGE, "no lab named '%s'; `labctl list` shows the labs",
		               lab);
	run_lab_close(l);
	char ns[128];
	run_netns_name(lab, node, ns, sizeof(ns));
	if (!netns_exists(ns))
		return lab_err(LAB_EXIT_USAGE,
		               "lab '%s' has no node '%s' (no namespace %s); `labctl status %s` "
		               "lists its nodes",
		               lab, node, ns, lab);
	if (run_enter_node(l, node) < 0)
		return -1;
	setenv("LABCTL_LAB", lab, 1);
	setenv("LABCTL_NODE", node, 1);
	return 0;
}

int node_args_parse(int argc, char **argv, int (*usage)(FILE *f, int code), const char **lab,
                    const char **node, bool *json)
{
	*lab = *node = NULL;
	*json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return usage(stdout, LAB_EXIT_OK);
		else if (argv[i][0] == '-')
			return usage(stderr, LAB_EXIT_USAGE);
		else if (!*lab)
			*lab = argv[i];
		else if (!*node)
			*node = argv[i];
		else
			return usage(stderr, LAB_EXIT_USAGE);
	}
	if (!*lab || !*node)
		return usage(stderr, LAB_EXIT_USAGE);
	return -1;
}
