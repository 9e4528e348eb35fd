/* LAB NODE arguments of exec and shell: checked, then the node entered. */
#ifndef LAB_CLI_NODE_ARGS_H
#define LAB_CLI_NODE_ARGS_H

#include "run/run.h"

/* Opens LAB, checks NODE has a namespace, enters it and sets LABCTL_LAB/LABCTL_NODE.
 * -1 with lab_err: exit 2 for a lab or node that does not exist. */
int node_args_enter(const char *lab, const char *node, struct run_lab *l);

#endif
