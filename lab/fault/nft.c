/* blackhole and loss: an nftables table of our own in the underlay namespace that
 * drops the tunnel's underlay packets (IKE on UDP 500/4500, ESP, both directions
 * between the two public addresses) always or at random. Heal deletes the table,
 * which is all the fault ever added. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "fault/netns_exec.h"
#include "fault/fault_int.h"

static int plan_common(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec)
{
	const struct topo *t = v->topo;
	uint32_t ti;
	if (fault_plan_underlay(v, r->target, rec, &ti) < 0)
		return -1;
	/* Table names allow [a-zA-Z0-9_]: tunnel names are [a-z0-9-]. */
	snprintf(rec->object, sizeof(rec->object), "labctl_%s_%s",
	         r->kind == FAULT_LOSS ? "loss" : "blackhole", t->tunnels[ti].name);
	for (char *p = rec->object; *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	return 0;
}

static void addrs(const struct lab_view *v, const struct fault_rec *rec, char a[2][16])
{
	const struct topo *t = v->topo;
	uint32_t ti = 0;
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, rec->tunnel))
			ti = (uint32_t)i;
	for (int s = 0; s < 2; s++) {
		const struct topo_tunnel_end *e = &t->tunnels[ti].end[s];
		inet_ntop(AF_INET, &t->nodes[e->node].ifaces[e->uplink].addr.addr, a[s], 16);
	}
}

static int nft(const struct lab_view *v, const struct fault_rec *rec, const char *script)
{
	char ns[128], err[1024];
	fault_netns(v, rec->ns_node, ns, sizeof(ns));
	char *const argv[] = {"nft", "-f", "-", NULL};
	int st = fault_exec(ns, argv, script, err, sizeof(err));
	if (st < 0)
		return -1;
	if (st != 0)
		return lab_err(LAB_EXIT_FAIL, "nft in %s failed (exit %d): %s", ns, st, err);
	return 0;
}

static int apply(struct lab_view *v, struct fault_rec *rec)
{
	char a[2][16];
	addrs(v, rec, a);
	bool loss = !strcmp(rec->kind, "loss");
	char verdict[64];
	/* Hundredths of a percent; 100 % is a plain drop (numgen's range ends at mod-1). */
	unsigned bp = (unsigned)(rec->param * 100 + 0.5);
	if (loss && bp < 10000)
		snprintf(verdict, sizeof(verdict), "numgen random mod 10000 < %u drop", bp);
	else
		snprintf(verdict, sizeof(verdict), "drop");
	char script[2048];
	size_t off =
	    (size_t)snprintf(script, sizeof(script),
	                     "table ip %s {\n  chain forward {\n    type filter hook forward "
	                     "priority -10; policy accept;\n",
	                     rec->object);
	/* Each packet must meet at most one rule: every rule draws its own random
	 * number, and NAT-T's 4500 -> 4500 (all kernel-libipsec sends) would otherwise
	 * be dropped with 1 - (1 - P)^2. */
	for (int s = 0; s < 2; s++) {
		const char *src = a[s], *dst = a[1 - s];
		off += (size_t)snprintf(script + off, sizeof(script) - off,
		                        "    ip saddr %s ip daddr %s udp dport { 500, 4500 } %s\n"
		                        "    ip saddr %s ip daddr %s udp sport { 500, 4500 } "
		                        "udp dport != { 500, 4500 } %s\n"
		                        "    ip saddr %s ip daddr %s meta l4proto esp %s\n",
		                        src, dst, verdict, src, dst, verdict, src, dst, verdict);
	}
	snprintf(script + off, sizeof(script) - off, "  }\n}\n");
	if (nft(v, rec, script) < 0)
		return -1;
	if (loss)
		snprintf(rec->detail, sizeof(rec->detail),
		         "nft table %s in %s drops %g%% of %s <-> %s (IKE, ESP)", rec->object,
		         rec->ns_node, rec->param, a[0], a[1]);
	else
		snprintf(rec->detail, sizeof(rec->detail),
		         "nft table %s in %s drops %s <-> %s (IKE, ESP)", rec->object, rec->ns_node,
		         a[0], a[1]);
	return 0;
}

static int undo(struct lab_view *v, const struct fault_rec *rec)
{
	char script[256];
	/* "destroy" would be idempotent but needs nft 1.0.8; add-then-delete is. */
	snprintf(script, sizeof(script), "table ip %s\ndelete table ip %s\n", rec->object,
	         rec->object);
	return nft(v, rec, script);
}

const struct fault_ops fault_ops_blackhole = {plan_common, apply, undo};
const struct fault_ops fault_ops_loss = {plan_common, apply, undo};
