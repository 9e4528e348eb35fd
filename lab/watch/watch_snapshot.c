/* One look at a running lab for `labctl watch`: the tunnels over VICI, the BGP
 * sessions over the speakers' control sockets, the journals' new lines. Read only:
 * every request here is one a status command also makes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/json_read.h"
#include "common/monotime.h"
#include "topo/topo.h"
#include "watch/watch.h"
#ifdef LABCTL_HAVE_IPSEC
#include "ipsec/sa_status.h"
#endif

#include <json-c/json.h>

int watch_open(struct watch *w, const char *lab)
{
	memset(w, 0, sizeof(*w));
	if (lab_view_open(lab, &w->view) < 0)
		return -1;
	if (lab_view_load_scaled(&w->view, &w->topo) < 0) {
		lab_view_close(&w->view);
		return -1;
	}
	const struct topo *t = w->topo;
	for (size_t i = 0; i < t->n_nodes && w->n_journals < WATCH_MAX_JOURNALS; i++) {
		struct watch_journal *j = &w->journals[w->n_journals];
		char dir[PATH_MAX];
		if (run_node_dir(&w->view.run, t->nodes[i].name, dir, sizeof(dir)) < 0) {
			lab_err_clear();
			continue;
		}
		snprintf(j->node, sizeof(j->node), "%s", t->nodes[i].name);
		snprintf(j->path, sizeof(j->path), "%s/events.jsonl", dir);
		j->offset = -1; /* first read: only the recent end of the file */
		w->n_journals++;
	}
	return 0;
}

void watch_close(struct watch *w)
{
	topo_free(w->topo);
	lab_view_close(&w->view);
	memset(w, 0, sizeof(*w));
}

static void collect_tunnels(struct watch *w)
{
#ifdef LABCTL_HAVE_IPSEC
	const struct topo *t = w->topo;
	struct watch_tunnel prev[WATCH_MAX_TUNNELS];
	memcpy(prev, w->tunnels, sizeof(prev));
	size_t had = w->n_tunnels;
	w->n_tunnels = 0;
	for (uint32_t i = 0; i < t->n_tunnels && i < WATCH_MAX_TUNNELS; i++) {
		struct watch_tunnel *x = &w->tunnels[w->n_tunnels++];
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s", t->tunnels[i].name);
		for (int s = 0; s < 2; s++) {
			struct watch_tunnel_end *e = &x->end[s];
			struct ipsec_end_view v;
			snprintf(e->node, sizeof(e->node), "%s",
			         t->nodes[t->tunnels[i].end[s].node].name);
			e->pps_in = e->pps_out = -1;
			if (ipsec_end_view(&w->view.run, t, i, s, &v) < 0) {
				lab_err_clear();
				snprintf(e->ike, sizeof(e->ike), "?");
				snprintf(e->child, sizeof(e->child), "?");
				continue;
			}
			e->charon_alive = v.charon.alive;
			snprintf(e->ike, sizeof(e->ike), "%s",
			         !v.charon.alive ? "charon down"
			         : !v.vici_ok    ? "?"
			         : v.have_sa     ? v.sa.state
			                         : "none");
			snprintf(e->child, sizeof(e->child), "%s",
			         v.child ? v.child->state : "none");
			if (!v.child)
				continue;
			e->packets_in = v.child->packets_in;
			e->packets_out = v.child->packets_out;
			/* A rate over at least a second: at 10 looks a second a 10/s
			 * probe would read as 0, 10 or 20. */
			const struct watch_tunnel_end *p = i < had ? &prev[i].end[s] : NULL;
			int64_t now = mono_ns();
			if (p && p->base_t) {
				e->base_t = p->base_t;
				e->base_in = p->base_in;
				e->base_out = p->base_out;
				e->pps_in = p->pps_in;
				e->pps_out = p->pps_out;
			}
			/* A new CHILD_SA starts its counters at 0: no rate across it. */
			if (!e->base_t || e->packets_in < e->base_in ||
			    e->packets_out < e->base_out) {
				e->base_t = now;
				e->base_in = e->packets_in;
				e->base_out = e->packets_out;
				e->pps_in = e->pps_out = -1;
			} else if (now - e->base_t >= NS_PER_SEC) {
				double dt = (double)(now - e->base_t) / NS_PER_SEC;
				e->pps_in = (double)(e->packets_in - e->base_in) / dt;
				e->pps_out = (double)(e->packets_out - e->base_out) / dt;
				e->base_t = now;
				e->base_in = e->packets_in;
				e->base_out = e->packets_out;
			}
		}
	}
#else
	(void)w;
#endif
}

static long long ms_of(const struct json_object *o, const char *key)
{
	int64_t v;
	return json_get_int(o, key, &v) ? (long long)v : -1;
}

/* Our speaker's `show summary` (docs/bgpd.md: "Control socket"). */
static void bgpd_sessions(struct watch *w, const char *node, const char *sock)
{
	char *reply = NULL;
	struct watch_session *x = &w->sessions[w->n_sessions];
	if (bgp_svc_bgpd_request(sock, "show summary", &reply) < 0) {
		memset(x, 0, sizeof(*x));
		snprintf(x->node, sizeof(x->node), "%s", node);
		snprintf(x->state, sizeof(x->state), "?");
		snprintf(x->error, sizeof(x->error), "%s", lab_err_msg());
		x->hold_ms = x->keepalive_ms = x->hold_left_ms = x->last_keepalive_ms_ago = -1;
		lab_err_clear();
		w->n_sessions++;
		return;
	}
	struct json_object *root = json_parse(reply, strlen(reply), "labctl-bgpd's show");
	if (!root)
		lab_err_clear();
	struct json_object *ss = json_get(root, "sessions");
	size_t len = json_object_is_type(ss, json_type_array) ? json_object_array_length(ss) : 0;
	for (size_t i = 0; i < len && w->n_sessions < WATCH_MAX_SESSIONS; i++) {
		const struct json_object *o = json_object_array_get_idx(ss, i);
		x = &w->sessions[w->n_sessions++];
		memset(x, 0, sizeof(*x));
		snprintf(x->node, sizeof(x->node), "%s", node);
		const char *peer = json_get_str(o, "peer"), *state = json_get_str(o, "state");
		snprintf(x->peer, sizeof(x->peer), "%s", peer ? peer : "?");
		snprintf(x->state, sizeof(x->state), "%s", state ? state : "?");
		x->hold_ms = ms_of(o, "hold_ms");
		x->keepalive_ms = ms_of(o, "keepalive_ms");
		x->hold_left_ms = ms_of(json_get(o, "timers_ms_left"), "hold");
		x->last_keepalive_ms_ago = ms_of(o, "last_keepalive_rx_ms_ago");
		/* BFD, where the speaker reports it: {"bfd": {"state": ...}} or a string. */
		const struct json_object *bfd = json_get(o, "bfd");
		const char *bs = json_object_is_type(bfd, json_type_string)
		                     ? json_object_get_string((struct json_object *)bfd)
		                     : json_get_str(bfd, "state");
		if (bs)
			snprintf(x->bfd, sizeof(x->bfd), "%s", bs);
	}
	int64_t fib;
	if (json_get_int(json_get(root, "rib"), "fib_installed", &fib) && fib > 0)
		w->routes_installed += fib;
	json_object_put(root);
	free(reply);
}

static void bird_sessions(struct watch *w, const char *node, const char *sock)
{
	char *reply = NULL;
	if (bgp_svc_bird_request(sock, "show protocols all", &reply) < 0) {
		struct watch_session *x = &w->sessions[w->n_sessions++];
		memset(x, 0, sizeof(*x));
		snprintf(x->node, sizeof(x->node), "%s", node);
		snprintf(x->state, sizeof(x->state), "?");
		snprintf(x->error, sizeof(x->error), "%s", lab_err_msg());
		x->bird = true;
		x->hold_ms = x->keepalive_ms = x->hold_left_ms = x->last_keepalive_ms_ago = -1;
		lab_err_clear();
		return;
	}
	w->n_sessions += watch_parse_bird(reply, node, w->sessions + w->n_sessions,
	                                  WATCH_MAX_SESSIONS - w->n_sessions);
	free(reply);
}

static void collect_sessions(struct watch *w)
{
	const struct topo *t = w->topo;
	w->n_sessions = 0;
	w->routes_installed = 0;
	for (size_t i = 0; i < t->n_nodes && w->n_sessions < WATCH_MAX_SESSIONS; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (!n->bgp)
			continue;
		char dir[PATH_MAX], sock[PATH_MAX + 16];
		if (run_node_dir(&w->view.run, n->name, dir, sizeof(dir)) < 0) {
			lab_err_clear();
			continue;
		}
		bool bird = n->bgp->speaker == TOPO_SPEAKER_BIRD;
		snprintf(sock, sizeof(sock), "%s/%s", dir, bird ? "bird.ctl" : "bgpd.sock");
		if (bird)
			bird_sessions(w, n->name, sock);
		else
			bgpd_sessions(w, n->name, sock);
	}
}

void watch_collect(struct watch *w)
{
	collect_tunnels(w);
	collect_sessions(w);
	watch_journals_read(w);
	w->now = mono_ns();
	watch_flows_update(w);
}
