/* strongSwan for labctl: per-node charon configuration, VICI requests, backends.
 *
 * One charon per gateway node. labctl generates its strongswan.conf (daemon and
 * plugins only: no connections in files), starts it inside the node, then loads the
 * connection and the pre-shared key over VICI, so the key only ever travels over a
 * 0600 unix socket and never lands in a file, argv or a log.
 *
 * Who initiates (documented choice): end[0] of a topology tunnel is the initiator
 * (start_action none + an explicit VICI initiate, dpd_action restart, close_action
 * restart: Alibaba's IPsec connection "initiates immediately" and re-establishes),
 * end[1] is the responder (dpd_action clear: Azure's gateway answers and lets the
 * initiator come back). Both ends also answer, so either can re-establish. */
#ifndef LAB_IPSEC_IPSEC_H
#define LAB_IPSEC_IPSEC_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipsec/vmsg.h"
#include "topo/model.h"

enum ipsec_backend {
	IPSEC_BACKEND_LIBIPSEC, /* ESP in charon (kernel-libipsec) over a TUN */
	IPSEC_BACKEND_XFRMI,    /* kernel ESP, XFRM interface with if_id */
	IPSEC_BACKEND_VTI,      /* kernel ESP, VTI device with marks */
};

const char *ipsec_backend_name(enum ipsec_backend b); /* "libipsec", "xfrm-interface", "xfrm-vti" */
int ipsec_backend_parse(const char *s, enum ipsec_backend *b);

/* kernel-libipsec's routing table, behind main: docs/reference.md#kernel-libipsec-routing-table */
#define IPSEC_LIBIPSEC_TABLE 221
#define IPSEC_LIBIPSEC_TABLE_PRIO 40000

/* Files of one node's charon, all in the node's run directory. */
struct ipsec_paths {
	char dir[PATH_MAX];
	char conf[PATH_MAX];    /* strongswan.conf, 0600 */
	char vici[PATH_MAX];    /* charon.vici (unix socket) */
	char log[PATH_MAX];     /* charon.log */
	char journal[PATH_MAX]; /* events.jsonl */
	char bgpd[PATH_MAX];    /* bgpd.sock (the node's speaker) */
	char pid[PATH_MAX];     /* charon.pid: "<pid> <starttime>" written by labctl */
};

int ipsec_paths_init(struct ipsec_paths *p, const char *node_dir);

/* A node's tunnel ends: the tunnel indices where node is end[side]. */
struct ipsec_node_ends {
	uint32_t tunnel[8];
	int side[8];
	size_t n;
};
void ipsec_node_ends(const struct topo *t, uint32_t node, struct ipsec_node_ends *out);
/* The XFRM if_id / VTI key of a tunnel: unique per lab, never 0. */
uint32_t ipsec_if_id(uint32_t tunnel);

/* strongswan.conf for one node's charon. Returns a malloc'd string or NULL. */
char *ipsec_conf_render(const struct ipsec_paths *p, enum ipsec_backend b);
/* charon-wide IKE retransmission schedule (charon.retransmit_*), which also decides
 * when DPD declares a peer dead. timeout_s 0: leave strongSwan's defaults. */
struct ipsec_retransmit {
	double timeout_s, base;
	uint32_t tries;
};
char *ipsec_conf_render_retransmit(const struct ipsec_paths *p, enum ipsec_backend b,
                                   const struct ipsec_retransmit *r);

/* The requests labctl sends to the charon on t->tunnels[tunnel].end[side]. */
int ipsec_msg_load_conn(const struct topo *t, uint32_t tunnel, int side, enum ipsec_backend b,
                        struct vmsg *m);
int ipsec_msg_load_shared(const struct topo *t, uint32_t tunnel, int side, const char *psk,
                          struct vmsg *m);
/* load-shared with the key of that end (its own or the tunnel's: a topology may give
 * the two ends different keys), read from the topology and wiped after use. */
int ipsec_msg_load_end_key(const struct topo *t, uint32_t tunnel, int side, struct vmsg *m);
int ipsec_msg_initiate(const char *name, uint32_t timeout_ms, struct vmsg *m);
int ipsec_msg_terminate(const char *name, struct vmsg *m);

/* Where labctl finds the plugin: $LABCTL_PLUGIN, else beside the labctl binary
 * (build tree: <builddir>/plugins/), else the install path. 0 or -1 (lab_err). */
int ipsec_plugin_path(char *buf, size_t len);

#endif
