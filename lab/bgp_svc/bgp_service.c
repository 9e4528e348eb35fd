/* The "bgp" service (run/service.h): for each node with a bgp section, write its
 * speaker's configuration and start it; ready when every session of every node is
 * Established and every network originated anywhere in the lab is in every other
 * BGP node's routing table (ours: written into the kernel FIB). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo.h"

/* Room for a node's sessions: every configured neighbor, and one more so a reply
 * with more sessions than configured is noticed rather than truncated to fit. */
static struct bgp_svc_session *sessions_alloc(const struct topo_node *n, size_t *cap)
{
	*cap = n->bgp->n_neighbors + 1;
	struct bgp_svc_session *v = calloc(*cap, sizeof(*v));
	if (!v)
		lab_err_errno(LAB_EXIT_FAIL, ENOMEM, "node %s: session table", n->name);
	return v;
}

/* The speaker with the configuration in its node directory: one argv for `up` and
 * for the restart after a kill. */
static int spawn_speaker(struct run_lab *l, const char *node, bool bird, bool restart, pid_t *pid)
{
	char dir[PATH_MAX], conf[PATH_MAX + 16], log[PATH_MAX + 16];
	if (run_node_dir(l, node, dir, sizeof(dir)) < 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/%s", dir, bird ? "bird.conf" : "bgpd.conf");
	snprintf(log, sizeof(log), "%s/%s", dir, bird ? "bird.out" : "bgpd.log");
	if (!path_exists(conf))
		return lab_err(LAB_EXIT_FAIL, "cannot start %s on %s: %s is gone",
		               bird ? "bird" : "bgpd", node, conf);
	if (bird) {
		char sock[PATH_MAX + 16], pidf[PATH_MAX + 16];
		snprintf(sock, sizeof(sock), "%s/bird.ctl", dir);
		snprintf(pidf, sizeof(pidf), "%s/bird.pid", dir);
		unlink(sock); /* a killed BIRD leaves it behind */
		/* -f: stay in the foreground, so the recorded pid is BIRD itself. */
		char *argv[] = {"bird", "-f", "-c", conf, "-s", sock, "-P", pidf, NULL};
		struct run_spawn s = {.node = node,
		                      .what = "bird",
		                      .argv = argv,
		                      .stdout_path = log,
		                      .new_session = true,
		                      .replaces_dead = restart};
		return run_spawn(l, &s, pid);
	}
	char exe[PATH_MAX];
	run_helper_path("labctl-bgpd", "LABCTL_BGPD", exe, sizeof(exe));
	char *argv[] = {exe, "-c", conf, NULL};
	struct run_spawn s = {.node = node,
	                      .what = "bgpd",
	                      .argv = argv,
	                      .stdout_path = log,
	                      .new_session = true,
	                      .replaces_dead = restart};
	return run_spawn(l, &s, pid);
}

int bgp_svc_restart(struct run_lab *l, const char *node, const char *what)
{
	pid_t pid;
	return spawn_speaker(l, node, !strcmp(what, "bird"), true, &pid);
}

static int start_node(struct lab_ctx *ctx, uint32_t i)
{
	const struct topo *t = ctx->topo;
	const struct topo_node *n = &t->nodes[i];
	char dir[PATH_MAX], conf[PATH_MAX + 16];
	if (run_node_dir(ctx->run, n->name, dir, sizeof(dir)) < 0 ||
	    run_node_mkdir(ctx->run, n->name) < 0)
		return -1;
	bool bird = n->bgp->speaker == TOPO_SPEAKER_BIRD;
	struct sbuf text = {0};
	int rc = bird ? bgp_svc_bird_conf(t, i, dir, &text) : bgp_svc_bgpd_conf(t, i, dir, &text);
	if (rc < 0)
		goto out;
	snprintf(conf, sizeof(conf), "%s/%s", dir, bird ? "bird.conf" : "bgpd.conf");
	if (write_file_atomic(conf, text.s, text.len, 0600) < 0) {
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", conf);
		goto out;
	}
	pid_t pid;
	rc = spawn_speaker(ctx->run, n->name, bird, false, &pid);
	if (rc == 0 && ctx->verbose)
		fprintf(stderr, "labctl: %s: started %s (pid %d)\n", n->name,
		        bird ? "bird" : "labctl-bgpd", (int)pid);
out:
	sbuf_free(&text);
	return rc;
}

static int bgp_start(struct lab_ctx *ctx)
{
	for (uint32_t i = 0; i < ctx->topo->n_nodes; i++)
		if (ctx->topo->nodes[i].bgp && start_node(ctx, i) < 0)
			return -1;
	return 0;
}

/* Asks node i's speaker for its sessions and (optionally) its routes. */
static int query(struct lab_ctx *ctx, uint32_t i, struct bgp_svc_session *v, size_t cap, size_t *nv,
                 char **routes)
{
	const struct topo_node *n = &ctx->topo->nodes[i];
	char dir[PATH_MAX], sock[PATH_MAX + 16];
	if (run_node_dir(ctx->run, n->name, dir, sizeof(dir)) < 0)
		return -1;
	char *reply = NULL;
	*nv = 0;
	if (routes)
		*routes = NULL;
	if (n->bgp->speaker == TOPO_SPEAKER_BIRD) {
		snprintf(sock, sizeof(sock), "%s/bird.ctl", dir);
		if (bgp_svc_bird_request(sock, "show protocols", &reply) < 0)
			return -1;
		*nv = bgp_svc_parse_bird_sessions(reply, v, cap);
		free(reply);
		if (routes && bgp_svc_bird_request(sock, "show route", routes) < 0)
			return -1;
		return 0;
	}
	snprintf(sock, sizeof(sock), "%s/bgpd.sock", dir);
	if (bgp_svc_bgpd_request(sock, "show", &reply) < 0)
		return -1;
	*nv = bgp_svc_parse_bgpd_sessions(reply, v, cap);
	if (routes)
		*routes = reply;
	else
		free(reply);
	return 0;
}

/* Is prefix p in node's routing table (and, for ours, in the FIB)? */
static bool has_route(const struct topo_node *n, const char *routes, const char *p)
{
	char key[64];
	if (n->bgp->speaker == TOPO_SPEAKER_BIRD) {
		snprintf(key, sizeof(key), "%s ", p);
		return strstr(routes, key) != NULL;
	}
	return bgp_svc_bgpd_route_in_fib(routes, p);
}

int bgp_svc_bird_logs_sync(const struct run_lab *l, const struct topo *t)
{
	int rc = 0;
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		char dir[PATH_MAX];
		if (!t->nodes[i].bgp || t->nodes[i].bgp->speaker != TOPO_SPEAKER_BIRD)
			continue;
		if (run_node_dir(l, t->nodes[i].name, dir, sizeof(dir)) < 0 ||
		    bgp_svc_bird_log_sync(dir) < 0)
			rc = -1;
	}
	return rc;
}

/* Is node i ready: every session Established, every network originated elsewhere in
 * its table? 1, or 0 with why set. */
static int node_ready(struct lab_ctx *ctx, uint32_t i, char *why, size_t whylen)
{
	const struct topo *t = ctx->topo;
	const struct topo_node *n = &t->nodes[i];
	size_t cap, nv;
	struct bgp_svc_session *v = sessions_alloc(n, &cap);
	char *routes = NULL;
	int ready = 0;
	if (!v) {
		snprintf(why, whylen, "%s", lab_err_msg());
		lab_err_clear();
		return 0;
	}
	if (query(ctx, i, v, cap, &nv, &routes) < 0) {
		snprintf(why, whylen, "node %s: %s: %s", n->name,
		         n->bgp->speaker == TOPO_SPEAKER_BIRD ? "bird" : "labctl-bgpd",
		         lab_err_msg());
		lab_err_clear();
		goto out;
	}
	if (nv < n->bgp->n_neighbors) {
		snprintf(why, whylen, "node %s: %zu of %zu sessions reported", n->name, nv,
		         n->bgp->n_neighbors);
		goto out;
	}
	for (size_t k = 0; k < nv; k++)
		if (!v[k].established) {
			snprintf(why, whylen, "node %s: session %s is %s", n->name, v[k].peer,
			         v[k].state);
			goto out;
		}
	/* every network originated elsewhere in the lab */
	for (uint32_t o = 0; o < t->n_nodes; o++) {
		const struct topo_bgp *ob = t->nodes[o].bgp;
		if (!ob || o == i)
			continue;
		for (size_t k = 0; k < ob->n_networks; k++) {
			char p[INET_ADDRSTRLEN + 4];
			inet_ntop(AF_INET, &ob->networks[k].addr, p, INET_ADDRSTRLEN);
			snprintf(p + strlen(p), 5, "/%u", ob->networks[k].len);
			bool own = false;
			for (size_t m = 0; m < n->bgp->n_networks; m++)
				own |= n->bgp->networks[m].addr.s_addr ==
				           ob->networks[k].addr.s_addr &&
				       n->bgp->networks[m].len == ob->networks[k].len;
			if (!own && !has_route(n, routes, p)) {
				snprintf(why, whylen,
				         "node %s: route %s (from %s) not installed yet", n->name,
				         p, t->nodes[o].name);
				goto out;
			}
		}
	}
	ready = 1;
out:
	free(routes);
	free(v);
	return ready;
}

static int bgp_ready(struct lab_ctx *ctx, char *why, size_t whylen)
{
	const struct topo *t = ctx->topo;
	if (bgp_svc_bird_logs_sync(ctx->run, t) < 0)
		lab_err_clear(); /* the journal is a record, not a readiness condition */
	for (uint32_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].bgp && !node_ready(ctx, i, why, whylen))
			return 0;
	return 1;
}

/* "prefixes" (in the speaker's table) and, for ours, "fib_installed". */
static void route_counts(struct lab_ctx *ctx, uint32_t i, struct json *j)
{
	const struct topo_node *n = &ctx->topo->nodes[i];
	char dir[PATH_MAX], sock[PATH_MAX + 16], *reply = NULL;
	if (run_node_dir(ctx->run, n->name, dir, sizeof(dir)) < 0) {
		lab_err_clear();
		return;
	}
	bool bird = n->bgp->speaker == TOPO_SPEAKER_BIRD;
	snprintf(sock, sizeof(sock), "%s/%s", dir, bird ? "bird.ctl" : "bgpd.sock");
	int rc = bird ? bgp_svc_bird_request(sock, "show route count", &reply)
	              : bgp_svc_bgpd_request(sock, "show summary", &reply);
	long long prefixes, fib;
	if (rc == 0 && !bird && !bgp_svc_bgpd_rib_counts(reply, &prefixes, &fib)) {
		/* a speaker older than `show summary` */
		free(reply);
		reply = NULL;
		rc = bgp_svc_bgpd_request(sock, "show", &reply);
	}
	if (rc < 0) {
		lab_err_clear();
		return;
	}
	if (bird) {
		/* "N of M routes for K networks in table master4" */
		const char *p = strstr(reply, " routes for ");
		if (p)
			json_kv_int(j, "prefixes", strtol(p + strlen(" routes for "), NULL, 10));
	} else {
		bgp_svc_bgpd_rib_counts(reply, &prefixes, &fib);
		json_kv_int(j, "prefixes", prefixes);
		json_kv_int(j, "fib_installed", fib);
	}
	free(reply);
}

static int bgp_status(struct lab_ctx *ctx, struct json *j)
{
	const struct topo *t = ctx->topo;
	if (bgp_svc_bird_logs_sync(ctx->run, t) < 0)
		lab_err_clear();
	json_key(j, "bgp");
	json_obj_begin(j);
	json_key(j, "nodes");
	json_arr_begin(j);
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (!n->bgp)
			continue;
		json_obj_begin(j);
		json_kv_str(j, "node", n->name);
		json_kv_str(j, "speaker", topo_speaker_name(n->bgp->speaker));
		size_t cap, nv = 0;
		struct bgp_svc_session *v = sessions_alloc(n, &cap);
		if (!v || query(ctx, i, v, cap, &nv, NULL) < 0) {
			json_kv_str(j, "error", lab_err_msg());
			lab_err_clear();
		} else {
			route_counts(ctx, i, j);
		}
		json_key(j, "sessions");
		json_arr_begin(j);
		for (size_t k = 0; k < nv; k++) {
			json_obj_begin(j);
			json_kv_str(j, "peer", v[k].peer);
			json_kv_str(j, "state", v[k].state);
			if (v[k].uptime_ms >= 0)
				json_kv_int(j, "uptime_ms", v[k].uptime_ms);
			if (v[k].since[0])
				json_kv_str(j, "since", v[k].since);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
		free(v);
	}
	json_arr_end(j);
	json_obj_end(j);
	return 0;
}

const struct lab_service bgp_service = {
    .name = "bgp",
    .start = bgp_start,
    .ready = bgp_ready,
    .status = bgp_status,
};
