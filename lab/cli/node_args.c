#include "cli/node_args.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "netns/netns.h"

int node_args_enter(const char *lab, const char *node, struct run_lab *l)
{
	if (run_lab_open(lab, l) < 0)
		return lab_err(LAB_EXIT_USAGE, "no lab named '%s'; `labctl list` shows the labs", lab);
	run_lab_close(l);
	char ns[128];
	run_netns_name(lab, node, ns, sizeof(ns));
	if (!netns_exists(ns))
		return lab_err(LAB_EXIT_USAGE,
			       "lab '%s' has no node '%s' (no namespace %s); `labctl status %s` "
			       "lists its nodes", lab, node, ns, lab);
	if (run_enter_node(l, node) < 0)
		return -1;
	setenv("LABCTL_LAB", lab, 1);
	setenv("LABCTL_NODE", node, 1);
	return 0;
}
