/* The "ipsec" lab service (registered in lab/services/registry.c). */
#ifndef LAB_IPSEC_SERVICE_H
#define LAB_IPSEC_SERVICE_H

#include "ipsec/ipsec.h"
#include "ipsec/vici.h"
#include "run/service.h"

extern const struct lab_service ipsec_service;

/* Spawns charon on node with the strongswan.conf in its node directory and the
 * labctl plugin preloaded, as `up` does (stale VICI socket and pid file removed
 * first). restart: the heal of a kill, the dead record is marked replaced
 * (run_spawn.replaces_dead). Loading the tunnel ends is the caller's. */
int ipsec_charon_spawn(struct run_lab *l, const char *node, const char *plugin, bool restart);

/* Loads tunnel end `side` into the charon behind v: its pre-shared key (with_key)
 * and its connection. up and the fault heals load ends through this. 0 or -1
 * (lab_err names the tunnel and node). */
int ipsec_load_end(struct ipsec_vici *v, const struct topo *t, uint32_t tunnel, int side,
                   enum ipsec_backend b, bool with_key);

/* Configures the charon of node behind v as `up` does: every end it holds (key and
 * connection), then for libipsec its TUN's inside address. Initiating is the
 * caller's. 0 or -1 (lab_err). */
int ipsec_node_load(struct ipsec_vici *v, const struct run_lab *l, const struct topo *t,
                    uint32_t node, enum ipsec_backend b);

/* The backend for ctx's request (ctx->ipsec_backend, else the topology default),
 * from a kernel probe in a scratch namespace. 0 or -1 (lab_err, exit 2 when the
 * kernel lacks what was forced). */
int ipsec_resolve_backend(const struct lab_ctx *ctx, enum ipsec_backend *b);

/* The same choice before anything is built, so `up` with a backend the kernel cannot
 * do (or a topology the backend cannot carry) fails with exit code 2 and leaves
 * nothing behind. request: --ipsec-backend or NULL (the topology's default). */
int ipsec_precheck(const struct topo *t, const char *request);

/* Adds "ipsec": {"backend":..,"tunnels":[..]} to a status object. */
int ipsec_status_json(const struct run_lab *l, const struct topo *t, struct json *j);
/* Tunnel i as the one tunnel object of docs/json.md (name, state, failure when not
 * up, both ends): `status` and `ipsec LAB NODE` both print it. 0 or -1 (lab_err). */
int ipsec_tunnel_json(const struct run_lab *l, const struct topo *t, uint32_t i, struct json *j);

#endif
