/* Which tunnel a run breaks, and the fault request for it. */
#include "experiment/experiment.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "fault/netns_exec.h"
#include "probe/wire.h"
#include "topo/topo.h"

/* "... via A.B.C.D dev X" -> A.B.C.D; directly connected (no via) -> dst. The
 * protocol by number: `ip` resolves "udp" through /etc/protocols, which a minimal
 * Debian (no netbase) lacks. */
static int route_get(const struct lab_view *v, const char *node, const char *dst, const char *src,
                     const char *iif, unsigned sport, unsigned dport, struct in_addr *via)
{
	char ns[128], out[512], sp[16], dp[16];
	run_netns_name(v->run.name, node, ns, sizeof(ns));
	snprintf(sp, sizeof(sp), "%u", sport);
	snprintf(dp, sizeof(dp), "%u", dport);
	char *with_iif[] = {"ip",        "-4",    "route",     "get",     (char *)dst, "from",
	                    (char *)src, "iif",   (char *)iif, "ipproto", "17",        "sport",
	                    sp,          "dport", dp,          NULL};
	char *local[] = {"ip",      "-4", "route", "get", (char *)dst, "from", (char *)src,
	                 "ipproto", "17", "sport", sp,    "dport",     dp,     NULL};
	int st = fault_exec(ns, iif ? with_iif : local, NULL, out, sizeof(out));
	if (st < 0)
		return -1;
	if (st != 0)
		return lab_err(LAB_EXIT_FAIL, "route lookup on %s failed: %s", node, out);
	const char *p = strstr(out, " via ");
	char a[INET_ADDRSTRLEN] = "";
	if (p)
		sscanf(p + 5, "%15s", a);
	else
		snprintf(a, sizeof(a), "%s", dst);
	if (inet_pton(AF_INET, a, via) != 1)
		return lab_err(LAB_EXIT_FAIL, "route lookup on %s: cannot read '%s'", node, out);
	return 0;
}

int exp_flow_tunnel(const struct lab_view *v, const struct topo *t, uint32_t probe, uint32_t flow,
                    uint32_t *tunnel)
{
	if (probe >= t->n_probes)
		return lab_err(LAB_EXIT_USAGE, "topology %s has no probe %u", t->name, probe);
	const struct topo_probe *pr = &t->probes[probe];
	char dst[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &pr->to_addr, dst, sizeof(dst));
	inet_ntop(AF_INET, &pr->from_addr, src, sizeof(src));
	unsigned sport = PROBE_SRC_PORT_BASE + 256 * probe + flow,
	         dport = PROBE_PORT_DEFAULT + probe;
	uint32_t node = pr->from;
	const char *iif = NULL;
	for (int hop = 0; hop < 16; hop++) {
		for (size_t i = 0; i < t->n_tunnels; i++)
			if (t->tunnels[i].end[0].node == node ||
			    t->tunnels[i].end[1].node == node) {
				*tunnel = (uint32_t)i;
				return 0;
			}
		struct in_addr via;
		if (route_get(v, t->nodes[node].name, dst, src, iif, sport, dport, &via) < 0)
			return -1;
		uint32_t ifc;
		uint32_t next = topo_addr_owner(t, via, &ifc);
		if (next == TOPO_NONE || next == node)
			break;
		node = next;
		iif = t->nodes[node].ifaces[ifc].name;
	}
	return lab_err(LAB_EXIT_FAIL, "probe %s flow %u reaches no tunnel gateway", pr->name, flow);
}

/* --tunnel: "auto", an index or a name. */
static int pick_tunnel(struct exp *e, struct exp_run *run)
{
	const struct topo *t = e->topo;
	const char *which = e->spec->tunnel ? e->spec->tunnel : "auto";
	if (!strcmp(which, "auto")) {
		if (exp_flow_tunnel(&e->view, t, e->spec->probe, 0, &run->tunnel) == 0)
			return 0;
		char msg[600];
		snprintf(msg, sizeof(msg), "%s; using the first tunnel", lab_err_msg());
		lab_err_clear();
		if (e->observe)
			e->observe(e->observe_ctx, EXP_EV_WARNING, run, msg);
		run->tunnel = 0;
		return t->n_tunnels
		           ? 0
		           : lab_err(LAB_EXIT_USAGE, "lab %s has no tunnel", e->view.run.name);
	}
	char *end;
	unsigned long n = strtoul(which, &end, 10);
	if (!*end && end != which) {
		if (n >= t->n_tunnels)
			return lab_err(LAB_EXIT_USAGE, "--tunnel %lu: lab %s has %zu tunnel(s)", n,
			               e->view.run.name, t->n_tunnels);
		run->tunnel = (uint32_t)n;
		return 0;
	}
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, which)) {
			run->tunnel = (uint32_t)i;
			return 0;
		}
	return lab_err(LAB_EXIT_USAGE, "--tunnel %s: no such tunnel in lab %s", which,
	               e->view.run.name);
}

/* An explicit target: the tunnel it names, else the first tunnel with the node
 * (before a ':' process suffix) as a gateway, end 0 first. */
static int target_tunnel(struct exp *e, const char *target, uint32_t *ti)
{
	const struct topo *t = e->topo;
	char node[64];
	snprintf(node, sizeof(node), "%s", target);
	char *colon = strchr(node, ':');
	if (colon)
		*colon = '\0';
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, target)) {
			*ti = (uint32_t)i;
			return 0;
		}
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < t->n_tunnels; i++)
			if (!strcmp(t->nodes[t->tunnels[i].end[s].node].name, node)) {
				*ti = (uint32_t)i;
				return 0;
			}
	return lab_err(LAB_EXIT_USAGE,
	               "fault target %s is neither a tunnel nor a tunnel gateway "
	               "of lab %s",
	               target, e->view.run.name);
}

int exp_plan_fault(struct exp *e, struct exp_run *run)
{
	struct fault_req *r = &run->fault;
	memset(r, 0, sizeof(*r));
	r->kind = e->spec->kind;
	/* A node fault takes no parameter (recorded as 0 in its journal event). */
	if (r->kind != FAULT_LINK_DOWN && r->kind != FAULT_KILL)
		r->param = e->spec->param > 100 ? 100 : e->spec->param;
	if (e->spec->target) {
		snprintf(r->target, sizeof(r->target), "%s", e->spec->target);
		return target_tunnel(e, e->spec->target, &run->tunnel);
	}
	if (pick_tunnel(e, run) < 0)
		return -1;
	/* The tunnel itself, or its end-0 gateway for the faults that act on a node. */
	const struct topo *t = e->topo;
	if (r->kind == FAULT_LINK_DOWN || r->kind == FAULT_KILL)
		snprintf(r->target, sizeof(r->target), "%s",
		         t->nodes[t->tunnels[run->tunnel].end[0].node].name);
	else
		snprintf(r->target, sizeof(r->target), "%s", t->tunnels[run->tunnel].name);
	return 0;
}
