/* `labctl up`'s progress line on a terminal: the step, then while it waits for
 * readiness the namespaces, tunnels and sessions that are up and the routes the
 * speakers installed. */
#ifndef LAB_CLI_UP_PROGRESS_H
#define LAB_CLI_UP_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

void up_progress_init(bool quiet, int64_t t0);
void up_progress_step(const char *what);
/* The readiness wait's hook (struct lab_ctx progress): arg is the struct lab_ctx. */
void up_progress_tick(void *arg);
/* Erases the line and frees what the ticks opened. */
void up_progress_done(void);

#endif
