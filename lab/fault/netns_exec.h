/* Running a tool (nft, tc) inside one node's network namespace: the only way faults
 * touch a namespace by command rather than by netlink. */
#ifndef LAB_FAULT_EXEC_H
#define LAB_FAULT_EXEC_H

#include <stddef.h>

/* Forks; the child joins /run/netns/<netns> (network namespace only) and execs argv
 * with `input` on stdin (NULL: /dev/null). Returns the exit status (0..255) with the
 * child's stderr in err (NUL-terminated, may be truncated), or -1 with lab_err when
 * it could not run at all. */
int fault_exec(const char *netns, char *const argv[], const char *input, char *err, size_t errlen);

#endif
