/* What the long-running subcommands (failover, compare, run, watch) share: one stop
 * flag that SIGINT or SIGTERM raises, so a run stops at its next poll and heals what
 * it broke instead of dying mid-fault, and the checked numbers of their common
 * options. */
#ifndef LAB_CLI_CLI_ARGS_H
#define LAB_CLI_CLI_ARGS_H

#include <signal.h>

extern volatile sig_atomic_t cli_stop;

/* SIGINT and SIGTERM raise cli_stop instead of ending the process. */
void cli_stop_on_signals(void);

/* --time-scale F: 0 < F <= 1. 0, or -1 with lab_err (exit 2) naming opt and s. */
int cli_time_scale(const char *opt, const char *s, double *out);
/* A whole number in min..max. 0, or -1 with lab_err (exit 2). */
int cli_long(const char *opt, const char *s, long min, long max, long *out);

#endif
