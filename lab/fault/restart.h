/* Restarting a killed daemon the way `up` started it (heal of the kill fault). */
#ifndef LAB_FAULT_RESTART_H
#define LAB_FAULT_RESTART_H

#include <stdbool.h>

#include "run/lab_view.h"

/* charon: spawned with the node's strongswan.conf (still in the node directory;
 * spawn false: it runs already, a heal retried after a failed one), then its tunnel
 * ends loaded over VICI, the peers' stale IKE SAs dropped, and initiated, as the
 * ipsec service does at up. */
int fault_restart_charon(struct lab_view *v, const char *node, bool spawn);
/* A speaker (labctl-bgpd or BIRD) restarts through bgp_svc_restart (bgp_svc.h). */

#endif
