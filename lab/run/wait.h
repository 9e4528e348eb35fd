/* Waiting for a lab to be ready: the network checks, then every service's ready(). */
#ifndef LAB_RUN_WAIT_H
#define LAB_RUN_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "run/net.h"
#include "run/service.h"

/* Polls until the network checks pass and every service of the NULL-terminated
 * list `services` (NULL: none; the registry is services/registry.h, above run/,
 * so it is passed in) reports ready, or until
 * deadline_ns (CLOCK_MONOTONIC). On timeout returns -1 with lab_err (exit 1) naming
 * what is not ready: each failing check (kind, from node and address, to address)
 * and each service's own reason. A service that fails for good (-1) ends the wait
 * at once with its message. */
int run_wait_ready(struct lab_ctx *ctx, struct run_net *net, struct run_check *checks,
                   size_t nchecks, const struct lab_service *const *services, int64_t deadline_ns);

#endif
