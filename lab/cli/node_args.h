/* LAB NODE arguments: of bgp and ipsec parsed; of exec and shell checked, then the
 * node entered. */
#ifndef LAB_CLI_NODE_ARGS_H
#define LAB_CLI_NODE_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "run/run.h"

/* The LAB NODE [--json] arguments of `bgp` and `ipsec` (argv[0]: the command).
 * usage(f, code) prints the command's usage and returns code. Returns -1 when
 * parsed (*lab, *node set), else the exit code to return: usage shown for -h/--help
 * (0) or a bad argument (2). */
int node_args_parse(int argc, char **argv, int (*usage)(FILE *f, int code), const char **lab,
                    const char **node, bool *json);

/* Opens LAB, checks NODE has a namespace, enters it and sets LABCTL_LAB/LABCTL_NODE.
 * -1 with lab_err: exit 2 for a lab or node that does not exist. */
int node_args_enter(const char *lab, const char *node, struct run_lab *l);

#endif
