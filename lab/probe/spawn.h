/* Starting and stopping a topology's probe pair inside a lab (labctl failover). */
#ifndef LAB_PROBE_SPAWN_H
#define LAB_PROBE_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#include "run/run.h"
#include "topo/model.h"

struct probe_pair {
	pid_t pid[2]; /* [0] on `from` (sends fwd), [1] on `to` (sends rev); 0 = not running */
	char name[TOPO_NAME_MAX];
	int64_t interval_ns;
	uint32_t flows;
};

/* Starts both ends of t->probes[idx] (the ends' journals are their nodes'), with the
 * given interval (0: the topology's). They are children of the caller. 0 or -1. */
int probe_pair_start(struct run_lab *l, const struct topo *t, uint32_t idx, int64_t interval_ns,
                     struct probe_pair *p);
/* SIGTERM to both, then waits (they linger briefly for late replies). */
void probe_pair_stop(struct probe_pair *p);

/* net.ipv4.fib_multipath_hash_policy = 1 (L4 hash) in every forwarding node, so that
 * the probe's flows (distinct source ports) spread over ECMP paths. 0 or -1. */
int probe_l4_hash(const struct run_lab *l, const struct topo *t);

/* labctl-probe beside the running labctl, $LABCTL_PROBE, or the PATH. */
void probe_binary(char *buf, size_t len);

#endif
