/* kill: SIGKILL one daemon of a node (charon, labctl-bgpd or BIRD), found in the
 * lab's state by node and kind with its start time, so a recycled pid is never hit.
 * Heal starts it again with what `up` left in the node directory. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "common/monotime.h"
#include "common/err.h"
#include "fault/fault_int.h"
#include "fault/restart.h"
#include "run/run.h"

/* The recorded process of kind `what` on node that is alive (the last one wins). */
static int find_proc(const struct lab_view *v, const char *node, const char *what,
                     struct run_proc *out, char *have, size_t hlen)
{
	struct run_state st;
	if (run_state_read(&v->run, &st) < 0)
		return -1;
	bool found = false;
	size_t off = 0;
	have[0] = '\0';
	for (size_t i = 0; i < st.n_procs; i++) {
		const struct run_proc *p = &st.procs[i];
		if (strcmp(p->node, node) || !run_pid_alive(p->pid, p->starttime))
			continue;
		if (off + 1 < hlen)
			off += (size_t)snprintf(have + off, hlen - off, "%s%s", off ? ", " : "",
			                        p->what);
		if (!strcmp(p->what, what)) {
			*out = *p;
			found = true;
		}
	}
	run_state_free(&st);
	if (!have[0])
		snprintf(have, hlen, "nothing");
	return found ? 1 : 0;
}

static int plan(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec)
{
	const struct topo *t = v->topo;
	char node[64], what[16] = "";
	snprintf(node, sizeof(node), "%s", r->target);
	char *colon = strchr(node, ':');
	if (colon) {
		*colon = '\0';
		snprintf(what, sizeof(what), "%s", colon + 1);
		if (strcmp(what, "charon") && strcmp(what, "bgpd") && strcmp(what, "bird"))
			return lab_err(LAB_EXIT_USAGE,
			               "kill %s: '%s' is not a daemon labctl runs; "
			               "expected NODE:charon, NODE:bgpd or NODE:bird",
			               r->target, what);
	}
	uint32_t n;
	if (fault_node(t, node, &n) < 0)
		return -1;
	bool gateway = false;
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (t->tunnels[i].end[0].node == n || t->tunnels[i].end[1].node == n) {
			gateway = true;
			if (!rec->tunnel[0])
				snprintf(rec->tunnel, sizeof(rec->tunnel), "%s",
				         t->tunnels[i].name);
		}
	if (!what[0]) {
		/* Without a name: the tunnel's daemon on a gateway, else the speaker. */
		if (gateway)
			snprintf(what, sizeof(what), "charon");
		else if (t->nodes[n].bgp)
			snprintf(what, sizeof(what), "%s",
			         t->nodes[n].bgp->speaker == TOPO_SPEAKER_BIRD ? "bird" : "bgpd");
		else
			return lab_err(LAB_EXIT_USAGE,
			               "node %s runs no daemon labctl can kill "
			               "(no tunnel, no BGP)",
			               node);
	}
	struct run_proc p;
	char have[128];
	int f = find_proc(v, node, what, &p, have, sizeof(have));
	if (f < 0)
		return -1;
	if (f == 0)
		return lab_err(LAB_EXIT_USAGE, "node %s runs no %s; running there: %s", node, what,
		               have);
	/* node is a topology node name here (< TOPO_NAME_MAX). */
	const char *nn = t->nodes[n].name;
	snprintf(rec->jnode, sizeof(rec->jnode), "%s", nn);
	snprintf(rec->ns_node, sizeof(rec->ns_node), "%s", nn);
	snprintf(rec->object, sizeof(rec->object), "%s", what);
	/* The target as the report and heal name it: node:what. */
	snprintf(rec->target, sizeof(rec->target), "%.31s:%.15s", nn, what);
	snprintf(rec->detail, sizeof(rec->detail), "SIGKILL %s on %s (pid %d)", what, node,
	         (int)p.pid);
	return 0;
}

static int apply(struct lab_view *v, struct fault_rec *rec)
{
	struct run_proc p;
	char have[128];
	int f = find_proc(v, rec->ns_node, rec->object, &p, have, sizeof(have));
	if (f <= 0)
		return f < 0 ? -1
		             : lab_err(LAB_EXIT_FAIL, "%s on %s exited before the kill",
		                       rec->object, rec->ns_node);
	if (kill(p.pid, SIGKILL) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "kill %d (%s on %s)", (int)p.pid,
		                     rec->object, rec->ns_node);
	/* Dead (a zombie of its own session leader counts) before we journal it. */
	for (int i = 0; i < 200 && run_pid_alive(p.pid, p.starttime); i++)
		sleep_ns(10 * NS_PER_MS);
	return 0;
}

static int undo(struct lab_view *v, const struct fault_rec *rec)
{
	struct run_proc p;
	char have[128];
	int f = find_proc(v, rec->ns_node, rec->object, &p, have, sizeof(have));
	if (f < 0)
		return -1;
	/* Running again already (an earlier heal restarted it but failed after): a
	 * charon still needs its connections; a speaker is complete. */
	if (!strcmp(rec->object, "charon"))
		return fault_restart_charon(v, rec->ns_node, f == 0);
	if (f == 1)
		return 0;
	return bgp_svc_restart(&v->run, rec->ns_node, rec->object);
}

const struct fault_ops fault_ops_kill = {plan, apply, undo};
