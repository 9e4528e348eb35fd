/* Reading a running lab's tunnels back: charon liveness, SAs over VICI, and the
 * failure alerts the plugin journaled. Shared by the "ipsec" service (readiness,
 * `labctl status`) and `labctl ipsec`. */
#ifndef LAB_IPSEC_REPORT_H
#define LAB_IPSEC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/json.h"
#include "ipsec/ipsec.h"
#include "ipsec/vici.h"
#include "run/run.h"
#include "topo/model.h"

/* The charon of a node as the run layer recorded it. */
struct ipsec_charon {
	bool recorded; /* a "charon" process was started for the node */
	bool alive;
	pid_t pid;
};
int ipsec_charon_find(const struct run_lab *l, const char *node, struct ipsec_charon *out);

/* One tunnel end's view: the SA named after the tunnel, if charon has one. */
struct ipsec_end_view {
	struct ipsec_charon charon;
	bool vici_ok;
	bool have_sa;
	struct ipsec_sa_info sa;
	const struct ipsec_child_info *child; /* the CHILD_SA of the tunnel, or NULL */
};
int ipsec_end_view(const struct run_lab *l, const struct topo *t, uint32_t tunnel, int side,
                   struct ipsec_end_view *out);
bool ipsec_end_installed(const struct ipsec_end_view *v);

/* The first fatal IKE alert (proposal mismatch, authentication failure) that the
 * plugin journaled for the tunnel on either end. 1 found (reason filled), 0 none. */
int ipsec_tunnel_failure(const struct run_lab *l, const struct topo *t, uint32_t tunnel,
                         char *reason, size_t len);

/* The resolved backend `up` chose (<lab>/ipsec.backend). */
int ipsec_backend_load(const struct run_lab *l, enum ipsec_backend *b);
int ipsec_backend_save(const struct run_lab *l, enum ipsec_backend b);

/* {"node":..,"charon":..,"ike_state":..,...} for one end. */
void ipsec_end_json(struct json *j, const struct topo *t, uint32_t tunnel, int side,
                    const struct ipsec_end_view *v);

#endif
