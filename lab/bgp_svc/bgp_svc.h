/* labctl's "bgp" service: configuration for each node's speaker (our labctl-bgpd
 * or BIRD 2) generated from the topology, starting them, readiness (every session
 * Established, every route of the lab installed) and status.
 *
 * Files per node, in /run/labctl/<lab>/<node>/ (mode 0600):
 *   bgpd.conf, bgpd.sock, bgpd.log       our speaker
 *   bird.conf, bird.ctl, bird.pid, bird.log   BIRD */
#ifndef LAB_BGP_SVC_H
#define LAB_BGP_SVC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/service.h"
#include "topo/model.h"

extern const struct lab_service bgp_service;

/* Starts node's speaker again (what: "bgpd" or "bird") with the configuration `up`
 * left in the node directory and the arguments `up` uses; the dead record is marked
 * replaced (run_spawn.replaces_dead). For the heal of a kill fault. */
int bgp_svc_restart(struct run_lab *l, const char *node, const char *what);

/* A growing text buffer for configuration files. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_free(struct sbuf *b);

/* Our address towards neighbor nb of node: the interface or tunnel-inside address
 * whose prefix covers the neighbor. 0 or -1 (lab_err: the topology gives none). */
int bgp_svc_local_addr(const struct topo *t, uint32_t node, struct in_addr nb, struct in_addr *out);

/* The configuration texts. node_dir: where the node's files live. */
int bgp_svc_bgpd_conf(const struct topo *t, uint32_t node, const char *node_dir, struct sbuf *out);
int bgp_svc_bird_conf(const struct topo *t, uint32_t node, const char *node_dir, struct sbuf *out);

/* One request on a speaker's control socket; *reply is malloc'd, NUL-terminated.
 * For BIRD, the reply is every line up to the final one (code and text kept). */
int bgp_svc_bgpd_request(const char *sock, const char *req, char **reply);
int bgp_svc_bird_request(const char *sock, const char *cmd, char **reply);

/* Session states from a speaker: names and whether Established. */
struct bgp_svc_session {
	char peer[64]; /* address for ours, protocol name for BIRD */
	char state[32];
	bool established;
	long long uptime_ms; /* ours: time Established; -1 unknown */
	char since[32];      /* BIRD: when the state was entered (its time format) */
};
/* Parses `show` (ours) / `show protocols` (BIRD) replies. Returns the count filled
 * (at most max). */
size_t bgp_svc_parse_bgpd_sessions(const char *show, struct bgp_svc_session *v, size_t max);
size_t bgp_svc_parse_bird_sessions(const char *reply, struct bgp_svc_session *v, size_t max);
/* From our `show` or `show summary` answer: the Loc-RIB's "prefixes" and
 * "fib_installed" (-1 when absent); false if the answer has no "rib" object (not
 * JSON, or a speaker older than `show summary` asked for it). */
bool bgp_svc_bgpd_rib_counts(const char *show, long long *prefixes, long long *fib_installed);
/* Does our `show` list prefix ("10.0.0.0/24") as installed in the FIB? */
bool bgp_svc_bgpd_route_in_fib(const char *show, const char *prefix);

/* BIRD's log -> journal events (src "bird", ev "state"; bird_log.c). convert:
 * whole lines of text, stamps shifted by real_minus_mono (CLOCK_REALTIME minus
 * CLOCK_MONOTONIC), events appended to fd; returns how many. sync: converts what
 * <node_dir>/bird.log gained since the last sync into <node_dir>/events.jsonl.
 * logs_sync: every BIRD node of the lab (call before reading journals; `status`
 * and readiness call it). Return -1 with lab_err set on failure. */
int bgp_svc_bird_log_convert(const char *text, size_t len, int64_t real_minus_mono, int fd);
int bgp_svc_bird_log_sync(const char *node_dir);
int bgp_svc_bird_logs_sync(const struct run_lab *l, const struct topo *t);

/* BIRD's protocol name for a neighbor: "n_169_254_21_1". */
void bgp_svc_bird_proto_name(struct in_addr nb, char *buf, size_t len);

#endif
