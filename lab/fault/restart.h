/* Restarting a killed daemon the way `up` started it (heal of the kill fault). */
#ifndef LAB_FAULT_RESTART_H
#define LAB_FAULT_RESTART_H

#include <stdbool.h>

#include "report/labview.h"

/* charon: spawned with the node's strongswan.conf (still in the node directory;
 * spawn false: it runs already, a heal retried after a failed one), then its tunnel
 * ends loaded over VICI, the peers' stale IKE SAs dropped, and initiated, as the
 * ipsec service does at up. */
int fault_restart_charon(struct lab_view *v, const char *node, bool spawn);
/* labctl-bgpd or BIRD with the configuration `up` wrote (bgpd.conf / bird.conf) and
 * the same arguments as the bgp service (lab/bgp_svc/service.c). */
int fault_restart_speaker(struct lab_view *v, const char *node, const char *what);

#endif
