/* Per-node services that `labctl up` starts after the network exists.
 *
 * The network itself (namespaces, links, addresses, routes, sysctls) is built by
 * lab/run's plan; everything that runs on top (strongSwan, BGP speakers, BIRD,
 * probes) implements this interface and is listed, in start order, in
 * services/registry.h (above run/: the list names components that depend on run/),
 * so `up`, `status` and readiness stay generic and each component keeps its own
 * file. `down` needs no hook: it stops every process recorded in the state file
 * and deletes the namespaces. */
#ifndef LAB_RUN_SERVICE_H
#define LAB_RUN_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "run/run.h"
#include "topo/model.h"

struct lab_ctx {
	struct run_lab *run;
	const struct topo *topo; /* already time-scaled */
	double time_scale;       /* 1.0 = real time */
	char ipsec_backend[16];  /* "auto" | "xfrm" | "libipsec" (resolved by the ipsec service) */
	int verbose;
	/* Optional: called at every poll of the readiness wait (a progress display). */
	void (*progress)(void *arg);
	void *progress_arg;
};

struct lab_service {
	const char *name;
	/* Configures and starts; returns 0 or -1 with lab_err set. */
	int (*start)(struct lab_ctx *ctx);
	/* 1 ready, 0 not yet (why: what is still missing, for the timeout diagnosis),
	 * -1 failed for good (lab_err set: e.g. IKE authentication failed). */
	int (*ready)(struct lab_ctx *ctx, char *why, size_t whylen);
	/* Optional: adds "name": {...} to `labctl status --json` (and text from it). */
	int (*status)(struct lab_ctx *ctx, struct json *j);
};

#endif
