/* The "ipsec" lab service: one charon per gateway, tunnels loaded and initiated over
 * VICI, readiness = every CHILD_SA installed on both ends and a ping across each
 * tunnel that the SA counters account for. */
#include "ipsec/ipsec_service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "ipsec/backend.h"
#include "ipsec/sa_status.h"
#include "ipsec/tunif.h"
#include "ipsec/vici.h"
#include "netns/netns.h"
#include "run/icmp.h"
#include "topo/topo.h"

#define CHARON_PATH "/usr/lib/ipsec/charon"
#define VICI_WAIT_NS (10 * NS_PER_SEC)
#define INITIATE_TIMEOUT_MS 3000

static bool has_ends(const struct topo *t, uint32_t node)
{
	struct ipsec_node_ends e;
	ipsec_node_ends(t, node, &e);
	return e.n > 0;
}

static int open_node_ns(const struct lab_ctx *ctx, const char *node, struct netns **ns)
{
	char name[NETNS_NAME_MAX];
	run_netns_name(ctx->run->name, node, name, sizeof(name));
	return netns_open(name, ns);
}

static int node_paths(const struct lab_ctx *ctx, const char *node, struct ipsec_paths *p)
{
	char dir[PATH_MAX];
	if (run_node_dir(ctx->run, node, dir, sizeof(dir)) < 0)
		return -1;
	return ipsec_paths_init(p, dir);
}

int ipsec_resolve_backend(const struct lab_ctx *ctx, enum ipsec_backend *b)
{
	const char *req =
	    ctx->ipsec_backend[0] ? ctx->ipsec_backend : ctx->topo->defaults.ipsec_backend;
	struct ipsec_kernel_caps caps;
	if (ipsec_probe_kernel(&caps) < 0)
		return -1;
	if (ipsec_backend_choose(req, &caps, b) < 0)
		return -1;
	if (ctx->verbose)
		fprintf(
		    stderr,
		    "labctl: ipsec backend %s (requested %s; kernel: esp %s, xfrmi %s, vti %s)\n",
		    ipsec_backend_name(*b), req && *req ? req : "auto", caps.esp ? "yes" : "no",
		    caps.xfrmi ? "yes" : "no", caps.vti ? "yes" : "no");
	return 0;
}

/* kernel-libipsec has one TUN per charon and matches outbound packets against the
 * first 0.0.0.0/0 policy only (docs/reference.md#kernel-libipsec): one tunnel per gateway. */
static int check_topology(const struct topo *t, enum ipsec_backend b)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct ipsec_node_ends e;
		ipsec_node_ends(t, (uint32_t)i, &e);
		if (b == IPSEC_BACKEND_LIBIPSEC && e.n > 1)
			return lab_err(LAB_EXIT_USAGE,
			               "%s:%u:%u: node %s ends %zu tunnels; the libipsec backend "
			               "carries one tunnel per gateway (kernel-libipsec has one "
			               "TUN per charon); give each tunnel its own gateway node",
			               t->path, t->nodes[i].pos.line, t->nodes[i].pos.col,
			               t->nodes[i].name, e.n);
		if (b == IPSEC_BACKEND_LIBIPSEC && e.n == 1) {
			const struct topo_tunnel_end *te = &t->tunnels[e.tunnel[0]].end[e.side[0]];
			if (strcmp(te->ifname, "ipsec0"))
				return lab_err(LAB_EXIT_USAGE,
				               "%s: tunnel %s: interface '%s' on %s; the libipsec "
				               "backend's interface is charon's TUN, ipsec0",
				               t->path, t->tunnels[e.tunnel[0]].name, te->ifname,
				               t->nodes[i].name);
		}
	}
	return 0;
}

int ipsec_precheck(const struct topo *t, const char *request)
{
	if (t->n_tunnels == 0)
		return 0;
	struct ipsec_kernel_caps caps;
	enum ipsec_backend b;
	const char *req = request && *request ? request : t->defaults.ipsec_backend;
	if (ipsec_probe_kernel(&caps) < 0 || ipsec_backend_choose(req, &caps, &b) < 0)
		return -1;
	return check_topology(t, b);
}

/* XFRM interface / VTI for each end, with the inside /30, before charon starts. */
static int kernel_interfaces(struct lab_ctx *ctx, enum ipsec_backend b)
{
	const struct topo *t = ctx->topo;
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int s = 0; s < 2; s++) {
			const struct topo_tunnel_end *e = &t->tunnels[i].end[s],
			                             *p = &t->tunnels[i].end[!s];
			const struct topo_node *n = &t->nodes[e->node];
			struct netns *ns;
			if (open_node_ns(ctx, n->name, &ns) < 0)
				return -1;
			int up = netns_ifindex(ns, n->ifaces[e->uplink].name);
			int rc =
			    up < 0
			        ? -1
			        : ipsec_tunif_create(ns, b, e->ifname, up, ipsec_if_id((uint32_t)i),
			                             n->ifaces[e->uplink].addr.addr,
			                             t->nodes[p->node].ifaces[p->uplink].addr.addr);
			if (rc == 0)
				rc = ipsec_tunif_address(ns, e->ifname, &e->inside);
			netns_close(ns);
			if (rc < 0)
				return -1;
		}
	return 0;
}

static int start_charon(struct lab_ctx *ctx, const char *node, enum ipsec_backend b,
                        const char *plugin)
{
	struct ipsec_paths p;
	if (run_node_mkdir(ctx->run, node) < 0 || node_paths(ctx, node, &p) < 0)
		return -1;
	/* The node's schedule: the loader made every end on this node agree. The
	 * topology holds it in real time; charon runs it at the lab's time scale. */
	struct ipsec_retransmit rt = {0};
	uint32_t ni = topo_node_index(ctx->topo, node);
	struct ipsec_node_ends ends;
	if (ni != TOPO_NONE) {
		ipsec_node_ends(ctx->topo, ni, &ends);
		if (ends.n) {
			const struct topo_ike *ike =
			    &ctx->topo->tunnels[ends.tunnel[0]].end[ends.side[0]].ike;
			double ms = (double)ike->retransmit_timeout_ms * ctx->time_scale;
			rt = (struct ipsec_retransmit){.timeout_s =
			                                   (double)(int64_t)(ms + 0.5) / 1000.0,
			                               .base = ike->retransmit_base,
			                               .tries = ike->retransmit_tries};
		}
	}
	char *conf = ipsec_conf_render_retransmit(&p, b, &rt);
	if (!conf)
		return lab_err(LAB_EXIT_FAIL, "out of memory rendering strongswan.conf");
	int rc = write_file_atomic(p.conf, conf, strlen(conf), 0600);
	free(conf);
	if (rc < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", p.conf);
	return ipsec_charon_spawn(ctx->run, node, plugin, false);
}

int ipsec_charon_spawn(struct run_lab *l, const char *node, const char *plugin, bool restart)
{
	char dir[PATH_MAX];
	struct ipsec_paths p;
	if (run_node_dir(l, node, dir, sizeof(dir)) < 0 || ipsec_paths_init(&p, dir) < 0)
		return -1;
	/* A stale socket would look like a live charon; a killed one also leaves its pid
	 * file (in the node's private /run). */
	char env_conf[PATH_MAX + 32], env_pre[PATH_MAX + 32], out[PATH_MAX + 16],
	    pidf[PATH_MAX + 16];
	snprintf(pidf, sizeof(pidf), "%s/run/charon.pid", p.dir);
	unlink(p.vici);
	unlink(pidf);
	snprintf(env_conf, sizeof(env_conf), "STRONGSWAN_CONF=%s", p.conf);
	snprintf(env_pre, sizeof(env_pre), "LD_PRELOAD=%s", plugin);
	snprintf(out, sizeof(out), "%s/charon.out", p.dir);
	char *const argv[] = {CHARON_PATH, NULL};
	char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", env_conf, env_pre,
	                      NULL};
	struct run_spawn s = {
	    .node = node,
	    .what = "charon",
	    .argv = argv,
	    .envp = envp,
	    .stdout_path = out,
	    .new_session = true,
	    .replaces_dead = restart,
	};
	pid_t pid;
	return run_spawn(l, &s, &pid);
}

/* Connects once charon's VICI socket answers; -1 if charon died or timed out. */
static int wait_vici(struct lab_ctx *ctx, const char *node, struct ipsec_vici **v)
{
	struct ipsec_paths p;
	if (node_paths(ctx, node, &p) < 0)
		return -1;
	int64_t deadline = mono_ns() + VICI_WAIT_NS;
	for (;;) {
		if (path_exists(p.vici) && ipsec_vici_open(p.vici, v) == 0)
			return 0;
		lab_err_clear();
		struct ipsec_charon c;
		if (ipsec_charon_find(ctx->run, node, &c) < 0)
			return -1;
		if (!c.alive)
			return lab_err(LAB_EXIT_FAIL, "charon on %s exited at start; see %s", node,
			               p.log);
		if (mono_ns() > deadline)
			return lab_err(LAB_EXIT_FAIL,
			               "charon on %s: no VICI socket at %s after %lld s; see %s",
			               node, p.vici, (long long)(VICI_WAIT_NS / NS_PER_SEC), p.log);
		sleep_ns(20 * NS_PER_MS);
	}
}

int ipsec_load_end(struct ipsec_vici *v, const struct topo *t, uint32_t tunnel, int side,
                   enum ipsec_backend b, bool with_key)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	struct vmsg m;
	/* this end's key: a topology may give the ends different ones (a mismatch) */
	int rc = 0;
	if (with_key) {
		rc = ipsec_msg_load_end_key(t, tunnel, side, &m);
		if (rc == 0)
			rc = ipsec_vici_call(v, &m);
		vmsg_free(&m);
	}
	if (rc == 0) {
		rc = ipsec_msg_load_conn(t, tunnel, side, b, &m);
		if (rc == 0)
			rc = ipsec_vici_call(v, &m);
		vmsg_free(&m);
	}
	if (rc < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", lab_err_msg());
		return lab_err(LAB_EXIT_FAIL, "tunnel %s on %s: %s", tun->name,
		               t->nodes[tun->end[side].node].name, why);
	}
	return 0;
}

int ipsec_node_load(struct ipsec_vici *v, const struct run_lab *l, const struct topo *t,
                    uint32_t node, enum ipsec_backend b)
{
	struct ipsec_node_ends e;
	ipsec_node_ends(t, node, &e);
	for (size_t k = 0; k < e.n; k++)
		if (ipsec_load_end(v, t, e.tunnel[k], e.side[k], b, true) < 0)
			return -1;
	if (b != IPSEC_BACKEND_LIBIPSEC || e.n == 0)
		return 0;
	/* kernel-libipsec's TUN is charon's: it appears once charon runs; the inside
	 * address is ours to add. */
	const struct topo_tunnel_end *te = &t->tunnels[e.tunnel[0]].end[e.side[0]];
	char name[NETNS_NAME_MAX];
	struct netns *ns;
	run_netns_name(l->name, t->nodes[node].name, name, sizeof(name));
	if (netns_open(name, &ns) < 0)
		return -1;
	int rc = ipsec_tunif_wait(ns, te->ifname, 5 * NS_PER_SEC);
	if (rc >= 0)
		rc = ipsec_tunif_address(ns, te->ifname, &te->inside);
	netns_close(ns);
	return rc < 0 ? -1 : 0;
}

static int ipsec_start(struct lab_ctx *ctx)
{
	const struct topo *t = ctx->topo;
	enum ipsec_backend b;
	char plugin[PATH_MAX];
	if (t->n_tunnels == 0)
		return 0;
	if (ipsec_resolve_backend(ctx, &b) < 0 || check_topology(t, b) < 0 ||
	    ipsec_plugin_path(plugin, sizeof(plugin)) < 0 || ipsec_backend_save(ctx->run, b) < 0)
		return -1;
	if (b != IPSEC_BACKEND_LIBIPSEC && kernel_interfaces(ctx, b) < 0)
		return -1;
	for (size_t i = 0; i < t->n_nodes; i++)
		if (has_ends(t, (uint32_t)i) && start_charon(ctx, t->nodes[i].name, b, plugin) < 0)
			return -1;
	/* Load every end before any initiates, responders included. */
	for (size_t i = 0; i < t->n_nodes; i++) {
		if (!has_ends(t, (uint32_t)i))
			continue;
		struct ipsec_vici *v;
		if (wait_vici(ctx, t->nodes[i].name, &v) < 0)
			return -1;
		int rc = ipsec_node_load(v, ctx->run, t, (uint32_t)i, b);
		ipsec_vici_close(v);
		if (rc < 0)
			return -1;
	}
	/* Initiate from end[0] (ipsec.h). A short timeout: a failure here is diagnosed
	 * by ready() from the plugin's alerts, and a slow peer just keeps going. */
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const char *node = t->nodes[t->tunnels[i].end[0].node].name;
		struct ipsec_vici *v;
		struct vmsg m;
		if (wait_vici(ctx, node, &v) < 0)
			return -1;
		int rc = ipsec_msg_initiate(t->tunnels[i].name, INITIATE_TIMEOUT_MS, &m);
		if (rc == 0 && ipsec_vici_call(v, &m) < 0 && ctx->verbose)
			fprintf(stderr, "labctl: tunnel %s: %s (still waiting)\n",
			        t->tunnels[i].name, lab_err_msg());
		lab_err_clear();
		vmsg_free(&m);
		ipsec_vici_close(v);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Counters on end[0] before and after a ping across: both directions must move. */
static int traffic_crosses(struct lab_ctx *ctx, uint32_t tunnel,
                           const struct ipsec_end_view *before, char *why, size_t whylen)
{
	const struct topo *t = ctx->topo;
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	struct netns *ns;
	if (open_node_ns(ctx, t->nodes[tun->end[0].node].name, &ns) < 0)
		return -1;
	int64_t rtt =
	    icmp_ping(ns, tun->end[0].inside.addr, tun->end[1].inside.addr, 2, 500 * NS_PER_MS);
	netns_close(ns);
	if (rtt < 0) {
		snprintf(why, whylen, "tunnel %s: SAs installed, %s", tun->name, lab_err_msg());
		lab_err_clear();
		return 0;
	}
	struct ipsec_end_view after;
	if (ipsec_end_view(ctx->run, t, tunnel, 0, &after) < 0)
		return -1;
	if (!after.child || after.child->packets_out <= before->child->packets_out ||
	    after.child->packets_in <= before->child->packets_in) {
		snprintf(why, whylen,
		         "tunnel %s: ping answered but the CHILD_SA counters did not move (traffic "
		         "bypassed the tunnel?)",
		         tun->name);
		return 0;
	}
	return 1;
}

/* `up` polls ready() several times a second until every service is ready; a tunnel
 * whose current CHILD_SA was already seen carrying the ping is not pinged again, so
 * readiness adds a handful of packets, not a stream. Keyed by the outbound SPI: a
 * new SA (rekey, restart) is checked afresh. */
static void checked_path(const struct lab_ctx *ctx, uint32_t tunnel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/ipsec-checked-%s", ctx->run->dir, ctx->topo->tunnels[tunnel].name);
}

static bool already_checked(const struct lab_ctx *ctx, uint32_t tunnel, const char *spi_out)
{
	char path[PATH_MAX + 64], *text = NULL;
	size_t n;
	checked_path(ctx, tunnel, path, sizeof(path));
	if (read_file(path, &text, &n) < 0)
		return false;
	bool same = !strcmp(text, spi_out);
	free(text);
	return same;
}

static void mark_checked(const struct lab_ctx *ctx, uint32_t tunnel, const char *spi_out)
{
	char path[PATH_MAX + 64];
	checked_path(ctx, tunnel, path, sizeof(path));
	write_file_atomic(path, spi_out, strlen(spi_out), 0600);
}

static int ipsec_ready(struct lab_ctx *ctx, char *why, size_t whylen)
{
	const struct topo *t = ctx->topo;
	/* a dead charon first: it explains every other symptom of its tunnels */
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct ipsec_charon c;
		if (!has_ends(t, (uint32_t)i))
			continue;
		if (ipsec_charon_find(ctx->run, t->nodes[i].name, &c) < 0)
			return -1;
		if (!c.alive)
			return lab_err(LAB_EXIT_FAIL,
			               "charon on %s is not running (see %s/charon.log)",
			               t->nodes[i].name, t->nodes[i].name);
	}
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		struct ipsec_end_view v[2];
		for (int s = 0; s < 2; s++) {
			const char *node = t->nodes[tun->end[s].node].name;
			if (ipsec_end_view(ctx->run, t, (uint32_t)i, s, &v[s]) < 0)
				return -1;
			if (!v[s].charon.alive)
				return lab_err(
				    LAB_EXIT_FAIL,
				    "tunnel %s: charon on %s is not running (see %s/charon.log)",
				    tun->name, node, node);
			if (!ipsec_end_installed(&v[s])) {
				/* Why not, from the plugin's alerts: only for a tunnel that is
				 * not up, since it reads both ends' journals, which grow with
				 * every BGP message (seconds per poll at 100 sites). */
				char reason[256];
				int f = ipsec_tunnel_failure(ctx->run, t, (uint32_t)i, reason,
				                             sizeof(reason));
				if (f < 0)
					return -1;
				if (f > 0)
					return lab_err(LAB_EXIT_FAIL, "tunnel %s: %s", tun->name,
					               reason);
				snprintf(why, whylen,
				         "tunnel %s: CHILD_SA not installed on %s (IKE %s)",
				         tun->name, node, v[s].have_sa ? v[s].sa.state : "none");
				return 0;
			}
		}
		if (already_checked(ctx, (uint32_t)i, v[0].child->spi_out))
			continue;
		int r = traffic_crosses(ctx, (uint32_t)i, &v[0], why, whylen);
		if (r <= 0)
			return r;
		mark_checked(ctx, (uint32_t)i, v[0].child->spi_out);
	}
	return 1;
}

int ipsec_tunnel_json(const struct run_lab *l, const struct topo *t, uint32_t i, struct json *j)
{
	struct ipsec_end_view v[2];
	for (int s = 0; s < 2; s++)
		if (ipsec_end_view(l, t, i, s, &v[s]) < 0)
			return -1;
	const char *state = "down";
	if (!v[0].charon.alive || !v[1].charon.alive)
		state =
		    v[0].charon.recorded && v[1].charon.recorded ? "charon-dead" : "not-started";
	else if (ipsec_end_installed(&v[0]) && ipsec_end_installed(&v[1]))
		state = "up";
	else if (v[0].have_sa || v[1].have_sa)
		state = "connecting";
	json_obj_begin(j);
	json_kv_str(j, "name", t->tunnels[i].name);
	json_kv_str(j, "state", state);
	char reason[256];
	if (strcmp(state, "up") && ipsec_tunnel_failure(l, t, i, reason, sizeof(reason)) > 0)
		json_kv_str(j, "failure", reason);
	json_key(j, "ends");
	json_arr_begin(j);
	for (int s = 0; s < 2; s++)
		ipsec_end_json(j, t, i, s, &v[s]);
	json_arr_end(j);
	json_obj_end(j);
	return 0;
}

int ipsec_status_json(const struct run_lab *l, const struct topo *t, struct json *j)
{
	enum ipsec_backend b;
	json_key(j, "ipsec");
	json_obj_begin(j);
	if (ipsec_backend_load(l, &b) == 0)
		json_kv_str(j, "backend", ipsec_backend_name(b));
	else
		lab_err_clear();
	json_key(j, "tunnels");
	json_arr_begin(j);
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (ipsec_tunnel_json(l, t, (uint32_t)i, j) < 0)
			return -1;
	json_arr_end(j);
	json_obj_end(j);
	return 0;
}

static int ipsec_status(struct lab_ctx *ctx, struct json *j)
{
	return ipsec_status_json(ctx->run, ctx->topo, j);
}

const struct lab_service ipsec_service = {
    .name = "ipsec",
    .start = ipsec_start,
    .ready = ipsec_ready,
    .status = ipsec_status,
};
