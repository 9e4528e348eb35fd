#include "fault/experiment.h"

#include <arpa/inet.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "fault/netns_exec.h"
#include "fault/fault_int.h"
#include "probe/wire.h"
#include "report/evlog.h"
#include "report/samples.h"
#include "run/service.h"
#include "topo/topo.h"

int exp_services_ready(struct lab_view *v, const struct topo *scaled, int64_t deadline,
		       char *why, size_t whylen)
{
	struct lab_ctx ctx = {.run = &v->run, .topo = scaled, .time_scale = v->time_scale};
	why[0] = '\0';
	for (;;) {
		bool all = true;
		for (size_t i = 0; lab_services[i] && all; i++) {
			char w[512] = "";
			int r = lab_services[i]->ready ? lab_services[i]->ready(&ctx, w, sizeof(w)) : 1;
			if (r < 0)
				return -1;
			if (r == 0) {
				all = false;
				snprintf(why, whylen, "%s: %s", lab_services[i]->name, w);
			}
		}
		if (all)
			return 1;
		if (mono_ns() > deadline)
			return 0;
		sleep_ns(200 * NS_PER_MS);
	}
}

/* The journals of the probes' nodes only: the steady-state check runs several
 * times a second, and a lab of 100 sites writes 150 MB of journals in 15 minutes
 * (docs/scale.md). Every journal when the topology is unreadable. */
static int probe_journals_load(const struct lab_view *v, struct evlog *log)
{
	const struct topo *t = v->topo;
	if (!t || t->n_probes == 0)
		return evlog_load_lab(log, v->run.dir);
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		bool used = false;
		for (size_t k = 0; k < t->n_probes && !used; k++)
			used = t->probes[k].from == n || t->probes[k].to == n;
		char path[PATH_MAX];
		if (!used || run_node_dir(&v->run, t->nodes[n].name, path, sizeof(path) - 16) < 0)
			continue;
		strcat(path, "/events.jsonl");
		if (access(path, F_OK) == 0 && evlog_add_file(log, path, t->nodes[n].name) < 0)
			return -1;
	}
	evlog_sort(log);
	return 0;
}

int exp_probe_health(const struct lab_view *v, int64_t since, uint32_t k, struct exp_health *h)
{
	memset(h, 0, sizeof(*h));
	struct evlog log;
	evlog_init(&log);
	struct samples S;
	if (probe_journals_load(v, &log) < 0) {
		evlog_free(&log);
		return -1;
	}
	if (samples_collect(&log, &S) < 0) {
		evlog_free(&log);
		return -1;
	}
	/* Per (probe end, flow): the newest k judged probes of the current session. */
	struct { uint16_t pd, flow; uint32_t ok_run; bool seen; } st[SAMPLES_MAX_PD * 16];
	size_t nst = 0;
	h->all_ok = true;
	for (size_t i = S.n; i-- > 0;) {
		const struct psample *p = &S.v[i];
		if (p->session != S.pd[p->pd].sessions || !p->decided)
			continue;
		bool ok = p->echo_t && p->reply_t;
		if (!ok && p->sent_t >= since && (!h->loss_since || p->sent_t < h->first_loss_t)) {
			h->loss_since = true;
			h->first_loss_t = p->sent_t;
		}
		size_t j = 0;
		while (j < nst && !(st[j].pd == p->pd && st[j].flow == p->flow))
			j++;
		if (j == nst) {
			if (nst == sizeof(st) / sizeof(st[0]))
				continue;
			st[nst].pd = p->pd;
			st[nst].flow = p->flow;
			st[nst].ok_run = 0;
			st[nst].seen = false;
			nst++;
		}
		if (st[j].seen)
			continue; /* its newest k are judged already */
		if (!ok) {
			st[j].seen = true;
			continue;
		}
		if (++st[j].ok_run >= k)
			st[j].seen = true;
	}
	h->streams = nst;
	for (size_t j = 0; j < nst; j++)
		if (st[j].ok_run < k)
			h->all_ok = false;
	if (nst == 0)
		h->all_ok = false;
	samples_free(&S);
	evlog_free(&log);
	return 0;
}

/* "... via A.B.C.D dev X" -> A.B.C.D; directly connected (no via) -> dst. */
static int route_get(const struct lab_view *v, const char *node, const char *dst,
		     const char *src, const char *iif, unsigned sport, unsigned dport,
		     struct in_addr *via)
{
	char ns[128], out[512], sp[16], dp[16];
	fault_netns(v, node, ns, sizeof(ns));
	snprintf(sp, sizeof(sp), "%u", sport);
	snprintf(dp, sizeof(dp), "%u", dport);
	char *with_iif[] = {"ip", "-4", "route", "get", (char *)dst, "from", (char *)src, "iif",
			    (char *)iif, "ipproto", "udp", "sport", sp, "dport", dp, NULL};
	char *local[] = {"ip", "-4", "route", "get", (char *)dst, "from", (char *)src,
			 "ipproto", "udp", "sport", sp, "dport", dp, NULL};
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
	unsigned sport = PROBE_SRC_PORT_BASE + 256 * probe + flow, dport = PROBE_PORT_DEFAULT + probe;
	uint32_t node = pr->from;
	const char *iif = NULL;
	for (int hop = 0; hop < 16; hop++) {
		for (size_t i = 0; i < t->n_tunnels; i++)
			if (t->tunnels[i].end[0].node == node || t->tunnels[i].end[1].node == node) {
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
