#include "ipsec/sa_status.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/json_read.h"

int ipsec_charon_find(const struct run_lab *l, const char *node, struct ipsec_charon *out)
{
	struct run_state st;
	memset(out, 0, sizeof(*out));
	if (run_state_read(l, &st) < 0)
		return -1;
	/* the last charon recorded for the node is the current one */
	for (size_t i = 0; i < st.n_procs; i++) {
		const struct run_proc *p = &st.procs[i];
		if (strcmp(p->node, node) || strcmp(p->what, "charon"))
			continue;
		out->recorded = true;
		out->pid = p->pid;
		out->alive = run_pid_alive(p->pid, p->starttime);
	}
	run_state_free(&st);
	return 0;
}

bool ipsec_end_installed(const struct ipsec_end_view *v)
{
	return v->charon.alive && v->child && !strcmp(v->child->state, "INSTALLED");
}

int ipsec_end_view(const struct run_lab *l, const struct topo *t, uint32_t tunnel, int side,
                   struct ipsec_end_view *out)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	const char *node = t->nodes[tun->end[side].node].name;
	char dir[PATH_MAX];
	struct ipsec_paths p;
	memset(out, 0, sizeof(*out));
	if (ipsec_charon_find(l, node, &out->charon) < 0)
		return -1;
	if (!out->charon.alive)
		return 0;
	if (run_node_dir(l, node, dir, sizeof(dir)) < 0 || ipsec_paths_init(&p, dir) < 0)
		return -1;
	struct ipsec_vici *v;
	if (ipsec_vici_open(p.vici, &v) < 0) {
		lab_err_clear();
		return 0; /* starting up, or gone: the caller reports vici_ok = false */
	}
	out->vici_ok = true;
	struct ipsec_sa_info sas[8];
	size_t n = 0;
	if (ipsec_vici_list_sas(v, sas, 8, &n) < 0) {
		out->vici_ok = false;
		lab_err_clear();
	}
	ipsec_vici_close(v);
	/* Prefer an SA with an installed CHILD: during a rekey or a restart there may
	 * briefly be two IKE_SAs of the same name. */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(sas[i].name, tun->name))
			continue;
		const struct ipsec_child_info *c = NULL;
		for (size_t k = 0; k < sas[i].n_child; k++)
			if (!strcmp(sas[i].child[k].name, tun->name) &&
			    (!c || !strcmp(sas[i].child[k].state, "INSTALLED")))
				c = &sas[i].child[k];
		if (out->have_sa && out->child && (!c || strcmp(c->state, "INSTALLED")))
			continue;
		out->sa = sas[i];
		out->have_sa = true;
		out->child = c ? &out->sa.child[c - sas[i].child] : NULL;
	}
	return 0;
}

static const char *alert_reason(const char *alert)
{
	if (!strcmp(alert, "proposal-mismatch-ike"))
		return "IKE proposals do not match (NO_PROPOSAL_CHOSEN)";
	if (!strcmp(alert, "proposal-mismatch-child"))
		return "ESP proposals do not match (NO_PROPOSAL_CHOSEN for the CHILD_SA)";
	if (!strcmp(alert, "auth-failed"))
		return "authentication failed (do the pre-shared keys match?)";
	if (!strcmp(alert, "peer-auth-failed"))
		return "the peer failed authentication (do the pre-shared keys match?)";
	return NULL;
}

int ipsec_tunnel_failure(const struct run_lab *l, const struct topo *t, uint32_t tunnel,
                         char *reason, size_t len)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	for (int s = 0; s < 2; s++) {
		const struct topo_tunnel_end *me = &tun->end[s], *peer = &tun->end[!s];
		const char *node = t->nodes[me->node].name;
		char dir[PATH_MAX], path[PATH_MAX + 16], peer_addr[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &t->nodes[peer->node].ifaces[peer->uplink].addr.addr, peer_addr,
		          sizeof(peer_addr));
		if (run_node_dir(l, node, dir, sizeof(dir)) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/events.jsonl", dir);
		char *text = NULL;
		size_t n;
		if (read_file(path, &text, &n) < 0)
			continue;
		/* the tunnel fails now if a fatal alert came after its last child-up:
		 * a tunnel that recovered (fault healed) is not failing any more */
		bool failing = false;
		char *save = NULL;
		for (char *line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			/* a torn last line (a writer died mid-line) does not parse: skipped */
			struct json_object *e = json_parse(line, strlen(line), path);
			const char *src = json_get_str(e, "src"), *ev = json_get_str(e, "ev");
			if (!e)
				lab_err_clear();
			if (!src || strcmp(src, "ike") || !ev) {
				json_object_put(e);
				continue;
			}
			const char *name = json_get_str(e, "tunnel"),
			           *addr = json_get_str(e, "peer");
			const char *alert = json_get_str(e, "alert");
			/* a responder that rejects IKE_SA_INIT never learns the config name:
			 * match it by the peer's address instead */
			bool ours = name && *name ? !strcmp(name, tun->name)
			                          : addr && !strcmp(addr, peer_addr);
			if (ours && !strcmp(ev, "child-up"))
				failing = false;
			const char *why =
			    ours && !strcmp(ev, "alert") && alert ? alert_reason(alert) : NULL;
			if (why && !failing) {
				snprintf(reason, len, "%s (alert %s on %s)", why, alert, node);
				failing = true;
			}
			json_object_put(e);
		}
		free(text);
		if (failing)
			return 1;
	}
	return 0;
}

int ipsec_backend_save(const struct run_lab *l, enum ipsec_backend b)
{
	char path[PATH_MAX + 16], line[32];
	snprintf(path, sizeof(path), "%s/ipsec.backend", l->dir);
	int n = snprintf(line, sizeof(line), "%s\n", ipsec_backend_name(b));
	if (write_file_atomic(path, line, (size_t)n, 0600) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", path);
	return 0;
}

int ipsec_backend_load(const struct run_lab *l, enum ipsec_backend *b)
{
	char path[PATH_MAX + 16], *text = NULL;
	size_t n;
	snprintf(path, sizeof(path), "%s/ipsec.backend", l->dir);
	if (read_file(path, &text, &n) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "reading %s", path);
	text[strcspn(text, "\n")] = '\0';
	int rc = ipsec_backend_parse(text, b);
	if (rc < 0)
		lab_err(LAB_EXIT_FAIL, "%s: unknown backend '%s'", path, text);
	free(text);
	return rc;
}

void ipsec_end_json(struct json *j, const struct topo *t, uint32_t tunnel, int side,
                    const struct ipsec_end_view *v)
{
	const struct topo_tunnel_end *e = &t->tunnels[tunnel].end[side];
	json_obj_begin(j);
	json_kv_str(j, "node", t->nodes[e->node].name);
	json_kv_str(j, "role", side == 0 ? "initiator" : "responder");
	json_kv_str(j, "charon",
	            !v->charon.recorded ? "not-started"
	            : v->charon.alive   ? "running"
	                                : "dead");
	if (v->charon.recorded)
		json_kv_int(j, "pid", v->charon.pid);
	json_kv_str(j, "ike_state", v->have_sa ? v->sa.state : "none");
	if (v->have_sa) {
		json_kv_str(j, "local", v->sa.local);
		json_kv_str(j, "remote", v->sa.remote);
		json_kv_str(j, "ike_spi_i", v->sa.spi_i);
		json_kv_str(j, "ike_spi_r", v->sa.spi_r);
		json_kv_int(j, "ike_established_s", v->sa.established_s);
	}
	json_kv_str(j, "child_state", v->child ? v->child->state : "none");
	if (v->child) {
		json_kv_str(j, "spi_in", v->child->spi_in);
		json_kv_str(j, "spi_out", v->child->spi_out);
		json_kv_uint(j, "bytes_in", v->child->bytes_in);
		json_kv_uint(j, "packets_in", v->child->packets_in);
		json_kv_uint(j, "bytes_out", v->child->bytes_out);
		json_kv_uint(j, "packets_out", v->child->packets_out);
		json_kv_int(j, "installed_s", v->child->install_s);
	}
	json_obj_end(j);
}
