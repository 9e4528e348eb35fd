/* The faults that talk to charon over VICI: ike-mismatch (the article's fault) and
 * restarting a killed charon the way `up` started it.
 *
 * ike-mismatch acts on end 0 of the tunnel (the Alibaba side in dual-tunnel, as in
 * the article): it reloads the connection with an IKE and ESP proposal end 1 does
 * not accept and terminates the IKE SA. charon sends DELETE, both ends drop their
 * SAs, and any renegotiation fails with NO_PROPOSAL_CHOSEN. Heal reloads the
 * connection as `up` loaded it and initiates. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "fault/fault_int.h"
#include "fault/restart.h"
#include "run/run.h"
#include "topo/topo.h"

#ifdef LABCTL_HAVE_IPSEC
#include "ipsec/ipsec.h"
#include "ipsec/sa_status.h"
#include "ipsec/ipsec_service.h"
#include "ipsec/vici.h"

#define MISMATCH_IKE "aes128-sha1-modp2048"
#define MISMATCH_ESP "aes128-sha1"
#define VICI_WAIT_NS (10 * NS_PER_SEC)
#define INITIATE_MS 5000

static int vici_of(const struct lab_view *v, const char *node, struct ipsec_vici **out,
                   int64_t wait_ns)
{
	char dir[PATH_MAX];
	struct ipsec_paths p;
	if (run_node_dir(&v->run, node, dir, sizeof(dir)) < 0 || ipsec_paths_init(&p, dir) < 0)
		return -1;
	int64_t deadline = mono_ns() + wait_ns;
	for (;;) {
		if (ipsec_vici_open(p.vici, out) == 0)
			return 0;
		if (mono_ns() >= deadline)
			return lab_err(LAB_EXIT_FAIL, "charon on %s does not answer on %s: %s",
			               node, p.vici, lab_err_msg());
		lab_err_clear();
		sleep_ns(50 * NS_PER_MS);
	}
}

static int call(struct ipsec_vici *vc, struct vmsg *m, int built)
{
	int rc = built == 0 ? ipsec_vici_call(vc, m) : -1;
	vmsg_free(m);
	return rc;
}

/* The connection of end `side` as t has it (no key: charon keeps the one `up` loaded). */
static int load_conn(const struct lab_view *v, struct ipsec_vici *vc, const struct topo *t,
                     uint32_t ti, int side)
{
	enum ipsec_backend b;
	if (ipsec_backend_load(&v->run, &b) < 0)
		return -1;
	return ipsec_load_end(vc, t, ti, side, b, false);
}

static int initiate(const struct lab_view *v, const struct topo *t, uint32_t ti)
{
	const char *node = t->nodes[t->tunnels[ti].end[0].node].name;
	struct ipsec_vici *vc;
	if (vici_of(v, node, &vc, VICI_WAIT_NS) < 0)
		return -1;
	struct vmsg m;
	int rc = -1;
	/* The peer may still be tearing the old SA down: a few tries. */
	for (int i = 0; i < 3 && rc < 0; i++) {
		if (i)
			sleep_ns(500 * NS_PER_MS);
		lab_err_clear();
		rc = call(vc, &m, ipsec_msg_initiate(t->tunnels[ti].name, INITIATE_MS, &m));
	}
	ipsec_vici_close(vc);
	return rc;
}

static int ike_plan(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec)
{
	const struct topo *t = v->topo;
	uint32_t ti;
	if (fault_tunnel(t, r->target, &ti) < 0)
		return -1;
	const struct topo_tunnel_end *e = &t->tunnels[ti].end[0];
	snprintf(rec->tunnel, sizeof(rec->tunnel), "%s", t->tunnels[ti].name);
	snprintf(rec->jnode, sizeof(rec->jnode), "%s", t->nodes[e->node].name);
	snprintf(rec->ns_node, sizeof(rec->ns_node), "%s", t->nodes[e->node].name);
	snprintf(rec->object, sizeof(rec->object), "%s", t->tunnels[ti].name);
	rec->side = 0;
	snprintf(rec->detail, sizeof(rec->detail),
	         "%s reloads %s with IKE %s, ESP %s (peer %s expects IKE %s); IKE SA terminated",
	         t->nodes[e->node].name, t->tunnels[ti].name, MISMATCH_IKE, MISMATCH_ESP,
	         t->nodes[t->tunnels[ti].end[1].node].name, t->tunnels[ti].end[1].ike.ike_proposal);
	return 0;
}

static int ike_apply(struct lab_view *v, struct fault_rec *rec)
{
	struct topo *t;
	if (lab_view_load_scaled(v, &t) < 0)
		return -1;
	uint32_t ti;
	int rc = fault_tunnel(t, rec->tunnel, &ti);
	struct ipsec_vici *vc = NULL;
	if (rc == 0)
		rc = vici_of(v, rec->ns_node, &vc, NS_PER_SEC);
	if (rc == 0) {
		struct topo_ike *ike = &t->tunnels[ti].end[rec->side].ike;
		snprintf(ike->ike_proposal, sizeof(ike->ike_proposal), "%s", MISMATCH_IKE);
		snprintf(ike->esp_proposal, sizeof(ike->esp_proposal), "%s", MISMATCH_ESP);
		rc = load_conn(v, vc, t, ti, rec->side);
	}
	if (rc == 0) {
		struct vmsg m;
		rc = call(vc, &m, ipsec_msg_terminate(rec->tunnel, &m));
	}
	if (vc)
		ipsec_vici_close(vc);
	topo_free(t);
	return rc;
}

static int ike_undo(struct lab_view *v, const struct fault_rec *rec)
{
	struct topo *t;
	if (lab_view_load_scaled(v, &t) < 0)
		return -1;
	uint32_t ti;
	struct ipsec_vici *vc = NULL;
	int rc = fault_tunnel(t, rec->tunnel, &ti);
	if (rc == 0)
		rc = vici_of(v, rec->ns_node, &vc, NS_PER_SEC);
	if (rc == 0)
		rc = load_conn(v, vc, t, ti, rec->side);
	if (vc)
		ipsec_vici_close(vc);
	if (rc == 0)
		rc = initiate(v, t, ti);
	topo_free(t);
	return rc;
}

int fault_restart_charon(struct lab_view *v, const char *node, bool spawn)
{
	struct topo *t;
	if (lab_view_load_scaled(v, &t) < 0)
		return -1;
	char plugin[PATH_MAX];
	int rc = -1;
	struct ipsec_vici *vc = NULL;
	uint32_t n;
	if (fault_node(t, node, &n) < 0 || ipsec_plugin_path(plugin, sizeof(plugin)) < 0)
		goto out;
	/* The spawn `up` does (lab/ipsec/ipsec_service.c); the dead record becomes replaced. */
	if ((spawn && ipsec_charon_spawn(&v->run, node, plugin, true) < 0) ||
	    vici_of(v, node, &vc, VICI_WAIT_NS) < 0)
		goto out;
	enum ipsec_backend b;
	if (ipsec_backend_load(&v->run, &b) < 0 || ipsec_node_load(vc, &v->run, t, n, b) < 0)
		goto out;
	struct ipsec_node_ends e;
	ipsec_node_ends(t, n, &e);
	/* The peer still holds the IKE SA the dead charon shared (it never saw a
	 * DELETE): drop it there without waiting for an answer, or initiating would
	 * try a CREATE_CHILD_SA on an SA the new charon does not know. */
	for (size_t k = 0; k < e.n; k++) {
		const char *peer = t->nodes[t->tunnels[e.tunnel[k]].end[1 - e.side[k]].node].name;
		struct ipsec_vici *pv;
		if (vici_of(v, peer, &pv, NS_PER_SEC) == 0) {
			struct vmsg m;
			vmsg_init(&m, "terminate");
			vmsg_kv(&m, "ike", "%s", t->tunnels[e.tunnel[k]].name);
			vmsg_kv(&m, "force", "yes");
			vmsg_kv(&m, "timeout", "1000");
			vmsg_kv(&m, "loglevel", "-1");
			call(pv, &m, vmsg_ok(&m)); /* "no matching SAs" is fine */
			ipsec_vici_close(pv);
		}
		lab_err_clear();
	}
	for (size_t k = 0; k < e.n; k++)
		if (initiate(v, t, e.tunnel[k]) < 0)
			goto out;
	rc = 0;
out:
	if (vc)
		ipsec_vici_close(vc);
	topo_free(t);
	return rc;
}

#else /* no strongSwan headers at build time */

static int no_ipsec(void)
{
	return lab_err(LAB_EXIT_FAIL, "labctl was built without the strongSwan headers "
	                              "(scripts/setup fetches them): no VICI");
}

static int ike_plan(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec)
{
	(void)v, (void)r, (void)rec;
	return no_ipsec();
}

static int ike_apply(struct lab_view *v, struct fault_rec *rec)
{
	(void)v, (void)rec;
	return no_ipsec();
}

static int ike_undo(struct lab_view *v, const struct fault_rec *rec)
{
	(void)v, (void)rec;
	return no_ipsec();
}

int fault_restart_charon(struct lab_view *v, const char *node, bool spawn)
{
	(void)v, (void)node, (void)spawn;
	return no_ipsec();
}
#endif

const struct fault_ops fault_ops_ike = {ike_plan, ike_apply, ike_undo};
