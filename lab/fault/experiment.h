/* What `labctl failover` needs around a fault: is the lab in steady state, which
 * tunnel carries a probe flow, are the probes answered, has the outage ended. */
#ifndef LAB_FAULT_EXPERIMENT_H
#define LAB_FAULT_EXPERIMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "report/labview.h"
#include "topo/model.h"

/* Every lab service ready (run/service.h) at least once before the deadline.
 * 1 ready, 0 timed out (why says what is missing), -1 failed (lab_err set). */
int exp_services_ready(struct lab_view *v, const struct topo *scaled, int64_t deadline,
		       char *why, size_t whylen);

struct exp_health {
	size_t streams;      /* probe flow x direction streams seen */
	bool all_ok;         /* each stream's last k probes answered, both legs */
	bool loss_since;     /* some probe sent after `since` was lost */
	int64_t first_loss_t;
};

/* From the lab's journals now. 0 or -1 with lab_err. */
int exp_probe_health(const struct lab_view *v, int64_t since, uint32_t k, struct exp_health *h);

/* The tunnel the given flow of probe idx takes from its `from` host (fwd), found
 * by asking each router's FIB for the flow's exact 5-tuple (the L4 ECMP hash) hop by
 * hop until a tunnel's gateway. 0 or -1 (lab_err set). */
int exp_flow_tunnel(const struct lab_view *v, const struct topo *t, uint32_t probe, uint32_t flow,
		    uint32_t *tunnel);

#endif
