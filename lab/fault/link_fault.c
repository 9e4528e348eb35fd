/* link-down: carrier loss on a gateway's uplink. The underlay's end of the veth is
 * set down, so the gateway's interface stays administratively up and keeps its
 * addresses and routes (NO-CARRIER), as with a pulled cable. The underlay loses its
 * routes through that interface (the kernel flushes them on admin down): heal sets
 * the link up and puts back the topology's routes of the underlay node.
 *
 * delay: netem on the underlay's interfaces toward both tunnel ends, where the
 * kernel has netem; otherwise it fails naming the missing kernel feature. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "fault/netns_exec.h"
#include "fault/fault_int.h"
#include "netns/netns.h"
#include "run/kernel_route.h"

/* The uplink of the first tunnel end on the node. */
static int gateway_uplink(const struct topo *t, uint32_t node, uint32_t *iface)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int s = 0; s < 2; s++)
			if (t->tunnels[i].end[s].node == node) {
				*iface = t->tunnels[i].end[s].uplink;
				return 0;
			}
	return lab_err(LAB_EXIT_USAGE,
	               "node %s ends no tunnel: link-down takes a gateway "
	               "(a node that ends a tunnel)",
	               t->nodes[node].name);
}

static int plan_link(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec)
{
	const struct topo *t = v->topo;
	uint32_t n, up = 0, pn, pi;
	if (fault_node(t, r->target, &n) < 0 || gateway_uplink(t, n, &up) < 0 ||
	    fault_link_peer(t, n, up, &pn, &pi) < 0)
		return -1;
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (t->tunnels[i].end[0].node == n || t->tunnels[i].end[1].node == n) {
			snprintf(rec->tunnel, sizeof(rec->tunnel), "%s", t->tunnels[i].name);
			break;
		}
	snprintf(rec->jnode, sizeof(rec->jnode), "%s", t->nodes[n].name);
	snprintf(rec->ns_node, sizeof(rec->ns_node), "%s", t->nodes[pn].name);
	snprintf(rec->object, sizeof(rec->object), "%s", t->nodes[pn].ifaces[pi].name);
	snprintf(rec->detail, sizeof(rec->detail), "%s:%s down: %s:%s loses carrier",
	         t->nodes[pn].name, t->nodes[pn].ifaces[pi].name, t->nodes[n].name,
	         t->nodes[n].ifaces[up].name);
	return 0;
}

/* By name: the namespace is the truth after a fault (run_kernel_route). */
static int ifindex_in(void *ctx, const struct topo_node *node, uint32_t iface)
{
	return netns_ifindex(ctx, node->ifaces[iface].name);
}

static int set_link(struct lab_view *v, const struct fault_rec *rec, bool up)
{
	char ns[128];
	fault_netns(v, rec->ns_node, ns, sizeof(ns));
	struct netns *h;
	if (netns_open(ns, &h) < 0)
		return -1;
	int idx = netns_ifindex(h, rec->object);
	int rc = idx < 0 ? -1 : netns_link_set_up(h, idx, up);
	if (rc == 0 && up) {
		/* The routes the kernel flushed with the link: the node's own from the
		 * topology (replace: the ones still there are left as they are). */
		const struct topo *t = v->topo;
		uint32_t node;
		if (fault_node(t, rec->ns_node, &node) == 0) {
			const struct topo_node *tn = &t->nodes[node];
			for (size_t i = 0; i < tn->n_routes && rc == 0; i++) {
				struct netns_route nr;
				rc = run_kernel_route(tn, &tn->routes[i], ifindex_in, h, &nr);
				nr.replace = true;
				if (rc == 0)
					rc = netns_route_add(h, &nr);
			}
		}
	}
	netns_close(h);
	return rc;
}

static int apply_link(struct lab_view *v, struct fault_rec *rec)
{
	return set_link(v, rec, false);
}

static int undo_link(struct lab_view *v, const struct fault_rec *rec)
{
	return set_link(v, rec, true);
}

const struct fault_ops fault_ops_link_down = {plan_link, apply_link, undo_link};

/* ---- delay ---- */

/* Whether the kernel has netem: tried on lo of the underlay namespace (a root qdisc
 * on lo changes nothing the lab uses and is removed at once). */
static int have_netem(const char *ns)
{
	char err[512];
	char *const add[] = {"tc",   "qdisc", "add",   "dev", "lo",
	                     "root", "netem", "delay", "1ms", NULL};
	int st = fault_exec(ns, add, NULL, err, sizeof(err));
	if (st < 0)
		return -1;
	if (st != 0)
		return 0;
	char *const del[] = {"tc", "qdisc", "del", "dev", "lo", "root", NULL};
	fault_exec(ns, del, NULL, err, sizeof(err));
	return 1;
}

static int plan_delay(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec)
{
	const struct topo *t = v->topo;
	uint32_t ti;
	if (fault_plan_underlay(v, r->target, rec, &ti) < 0)
		return -1;
	char ns[128];
	fault_netns(v, rec->ns_node, ns, sizeof(ns));
	int h = have_netem(ns);
	if (h < 0)
		return -1;
	if (h == 0)
		return lab_err(LAB_EXIT_USAGE, "delay needs the kernel's netem qdisc "
		                               "(CONFIG_NET_SCH_NETEM), which this kernel lacks");
	/* The underlay's interface toward end 0: delays both directions' packets of
	 * that end (egress toward it only; the other direction is end 1's side). */
	uint32_t pn, pi;
	for (int s = 0; s < 2; s++) {
		const struct topo_tunnel_end *e = &t->tunnels[ti].end[s];
		if (fault_link_peer(t, e->node, e->uplink, &pn, &pi) < 0)
			return -1;
		char *o = rec->object + strlen(rec->object);
		snprintf(o, sizeof(rec->object) - (size_t)(o - rec->object), "%s%s", s ? "," : "",
		         t->nodes[pn].ifaces[pi].name);
	}
	snprintf(rec->detail, sizeof(rec->detail), "netem delay %gms on %s:%s", r->param,
	         rec->ns_node, rec->object);
	return 0;
}

static int tc_each(struct lab_view *v, const struct fault_rec *rec, bool add)
{
	char ns[128], ifs[64], ms[32], err[512];
	fault_netns(v, rec->ns_node, ns, sizeof(ns));
	snprintf(ifs, sizeof(ifs), "%s", rec->object);
	snprintf(ms, sizeof(ms), "%gms", rec->param);
	for (char *save = NULL, *i = strtok_r(ifs, ",", &save); i; i = strtok_r(NULL, ",", &save)) {
		char *const a[] = {"tc",   "qdisc", "add",   "dev", i,
		                   "root", "netem", "delay", ms,    NULL};
		char *const d[] = {"tc", "qdisc", "del", "dev", i, "root", NULL};
		int st = fault_exec(ns, add ? a : d, NULL, err, sizeof(err));
		if (st < 0)
			return -1;
		if (st != 0 && add)
			return lab_err(LAB_EXIT_FAIL, "tc in %s failed: %s", ns, err);
	}
	return 0;
}

static int apply_delay(struct lab_view *v, struct fault_rec *rec)
{
	return tc_each(v, rec, true);
}

static int undo_delay(struct lab_view *v, const struct fault_rec *rec)
{
	return tc_each(v, rec, false);
}

const struct fault_ops fault_ops_delay = {plan_delay, apply_delay, undo_delay};
