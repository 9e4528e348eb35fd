/* Loading, validating and querying topologies. */
#ifndef LAB_TOPO_TOPO_H
#define LAB_TOPO_TOPO_H

#include <stdio.h>

#include "topo/model.h"

/* One problem found in a topology file. */
struct topo_diag {
	char *file;
	struct topo_pos pos;
	char *msg; /* "what was found; what is expected" */
};

struct topo_diags {
	struct topo_diag *v;
	size_t n;
};

/* Loads and validates. On success returns 0 and *out (free with topo_free). On any
 * problem returns -1, *out untouched, every problem found in diags (each with
 * file:line:column), and lab_err() set to a summary with exit code 2. */
int topo_load(const char *path, struct topo **out, struct topo_diags *diags);

/* Resolves NAME|FILE as `labctl up` accepts it: a path if it contains '/' or ends in
 * .yaml/.yml, else the first NAME.yaml in $LABCTL_TOPOLOGY_DIR (if set), the source
 * tree's topologies/ (a binary built from a tree is newer than what is installed)
 * and the installed <datadir>/labctl/topologies. 0, or -1 with lab_err (exit 2). */
int topo_resolve_path(const char *name_or_file, char *out, size_t outlen);

void topo_free(struct topo *t);

/* NULL when topo_load checks IKE and ESP proposals with the installed strongSwan's
 * own parser and crypto plugins; else why it could only check their characters
 * (e.g. libstrongswan is not installed). */
const char *topo_proposals_unchecked(void);

/* The control sockets of a lab named lab under run_root (labctl's run directory)
 * against the 108 bytes of sun_path: one problem per node whose socket would not
 * fit, added to d. Returns how many. (Not part of topo_load: the run directory and
 * the lab name are the caller's, not the file's.) */
size_t topo_check_socket_paths(const struct topo *t, const char *run_root, const char *lab,
                               struct topo_diags *d);
void topo_diags_free(struct topo_diags *d);
/* Prints "file:line:col: error: msg" lines. */
void topo_diags_print(const struct topo_diags *d, FILE *f);

/* Look-ups; return the index or TOPO_NONE. */
uint32_t topo_node_index(const struct topo *t, const char *name);
uint32_t topo_iface_index(const struct topo_node *n, const char *ifname);
/* The node holding addr as an interface address (*iface = its index) or as a tunnel
 * inside address (*iface = TOPO_NONE: tunnel interfaces are created by charon and are
 * not in node->ifaces; see topo_addr_tunnel), or TOPO_NONE. iface may be NULL. */
uint32_t topo_addr_owner(const struct topo *t, struct in_addr addr, uint32_t *iface);
/* The tunnel with addr as an inside address (*end = 0 or 1), or TOPO_NONE. */
uint32_t topo_addr_tunnel(const struct topo *t, struct in_addr addr, uint32_t *end);

/* Scales every protocol timer and delay by f (0 < f <= 1) so a lab runs faster:
 * BGP keepalive, hold and connect-retry (node, neighbor and defaults), route
 * programming delay, BIRD error wait, DPD delay. Protocol minima are kept: hold
 * stays whole seconds and >= 3 s (or 0), keepalive <= hold/3 and >= 1 s (or 0);
 * connect-retry, error wait and DPD stay whole seconds >= 1 s. IKE and CHILD lifetimes are not
 * scaled (a rekey is not part of a failover and strongSwan wants minutes), probe intervals are not
 * scaled (they are the measurement's resolution, not a protocol timer). 0, or -1 with lab_err (exit
 * 2) for f outside (0, 1]. */
int topo_apply_time_scale(struct topo *t, double f);

/* The outage budget of probe `probe` (an index, or TOPO_NONE for the topology's
 * own) in direction dir (0 fwd, 1 rev, 2 rtt): the probe's own limit, else the
 * topology's. false when neither sets one. */
bool topo_budget_get(const struct topo *t, uint32_t probe, int dir, uint32_t *ms);

/* A duration as topology files write it: seconds ("30", "0.1") or a number with
 * ms, s, m or h, in whole milliseconds, at most max_ms. 0, or one of these. */
enum { TOPO_DURATION_SYNTAX = -1, TOPO_DURATION_FINE = -2, TOPO_DURATION_LONG = -3 };
int topo_duration_parse(const char *s, uint32_t max_ms, uint32_t *out);

/* Writes the text t was loaded from to dst (atomically, mode 0600: it may hold a key),
 * with relative psk_file paths made absolute so the copy loads anywhere to the same
 * model. `labctl up` keeps this copy as <lab dir>/topology.yaml. 0, or -1 with lab_err. */
int topo_copy_file(const struct topo *t, const char *dst);

/* Reads the pre-shared key that one end of a tunnel (end 0 or 1) uses, inline or from
 * its file, into buf: the end's own or the tunnel's. The two differ only when the
 * topology gives the ends different keys (a mismatch). 0 or -1 with lab_err set.
 * Caller wipes buf (explicit_bzero) after use. */
int topo_tunnel_end_psk(const struct topo *t, const struct topo_tunnel *tun, int end, char *buf,
                        size_t len);
/* The key of end 0: the tunnel's, when the ends share one. */
int topo_tunnel_psk(const struct topo *t, const struct topo_tunnel *tun, char *buf, size_t len);

/* Writes the topology as a Graphviz graph: nodes shaped by role (host box, router
 * ellipse, gateway hexagon, underlay octagon), links labelled with the interface
 * addresses, tunnels dashed with their inside prefix, BGP sessions dotted with
 * their ASNs, probes in red with interval and flows. Deterministic (file order;
 * edges run from the node listed first, so dot ranks them left to right in file
 * order). 0, or -1 on a write error. */
int topo_graph_dot(const struct topo *t, FILE *f);

const char *topo_role_name(enum topo_role r);
const char *topo_speaker_name(enum topo_speaker s);

#endif
