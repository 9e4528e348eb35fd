/* The VICI requests for one tunnel end, from the topology (parameters: docs/reference.md). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "ipsec/ipsec.h"
#include "topo/topo.h"

void ipsec_node_ends(const struct topo *t, uint32_t node, struct ipsec_node_ends *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int s = 0; s < 2; s++)
			if (t->tunnels[i].end[s].node == node &&
			    out->n < sizeof(out->tunnel) / sizeof(out->tunnel[0])) {
				out->tunnel[out->n] = (uint32_t)i;
				out->side[out->n] = s;
				out->n++;
			}
}

uint32_t ipsec_if_id(uint32_t tunnel)
{
	return tunnel + 1;
}

static const char *uplink_addr(const struct topo *t, const struct topo_tunnel_end *e, char *buf,
                               size_t len)
{
	const struct topo_node *n = &t->nodes[e->node];
	return inet_ntop(AF_INET, &n->ifaces[e->uplink].addr.addr, buf, (socklen_t)len);
}

/* strongSwan durations: whole seconds, rounded up so a scaled-down lab never asks
 * for 0 (which means "never" for most of these keys). */
static unsigned secs(uint32_t ms)
{
	return ms ? (ms + 999) / 1000 : 0;
}

int ipsec_msg_load_conn(const struct topo *t, uint32_t tunnel, int side, enum ipsec_backend b,
                        struct vmsg *m)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	const struct topo_tunnel_end *me = &tun->end[side], *peer = &tun->end[!side];
	const struct topo_ike *ike = &me->ike;
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN];
	bool initiator = side == 0;

	if (!uplink_addr(t, me, local, sizeof(local)) ||
	    !uplink_addr(t, peer, remote, sizeof(remote)))
		return lab_err(LAB_EXIT_FAIL, "tunnel %s: uplink without an IPv4 address",
		               tun->name);
	vmsg_init(m, "load-conn");
	vmsg_section(m, tun->name);
	vmsg_kv(m, "version", "%u", ike->version ? ike->version : 2);
	vmsg_list(m, "local_addrs");
	vmsg_item(m, "%s", local);
	vmsg_list_end(m);
	vmsg_list(m, "remote_addrs");
	vmsg_item(m, "%s", remote);
	vmsg_list_end(m);
	vmsg_list(m, "proposals");
	vmsg_item(m, "%s", ike->ike_proposal);
	vmsg_list_end(m);
	if (ike->ike_lifetime_ms)
		vmsg_kv(m, "rekey_time", "%us", secs(ike->ike_lifetime_ms));
	vmsg_kv(m, "dpd_delay", "%us", secs(ike->dpd_delay_ms));
	/* kernel-libipsec always encapsulates (docs/reference.md); the topology's NAT-T flag
	 * forces it for the kernel backends too, as the clouds do behind NAT. */
	vmsg_kv(m, "encap", "%s", ike->nat_traversal || b == IPSEC_BACKEND_LIBIPSEC ? "yes" : "no");
	vmsg_kv(m, "mobike", "no");
	/* 0: retry forever, as a cloud gateway does; failures still show up as alerts
	 * in the journal, which is what `up` reads to fail fast. */
	vmsg_kv(m, "keyingtries", "0");
	vmsg_kv(m, "unique", "replace");
	vmsg_section(m, "local");
	vmsg_kv(m, "auth", "psk");
	vmsg_kv(m, "id", "%s", local);
	vmsg_end(m);
	vmsg_section(m, "remote");
	vmsg_kv(m, "auth", "psk");
	vmsg_kv(m, "id", "%s", remote);
	vmsg_end(m);
	vmsg_section(m, "children");
	vmsg_section(m, tun->name);
	/* route-based: any/any selectors, the interface and routes decide (docs/reference.md) */
	vmsg_list(m, "local_ts");
	vmsg_item(m, "0.0.0.0/0");
	vmsg_list_end(m);
	vmsg_list(m, "remote_ts");
	vmsg_item(m, "0.0.0.0/0");
	vmsg_list_end(m);
	vmsg_list(m, "esp_proposals");
	vmsg_item(m, "%s", ike->esp_proposal);
	vmsg_list_end(m);
	if (ike->child_lifetime_ms) {
		/* life_time defaults to 110 % of rekey_time in whole seconds: at a few
		 * seconds (time-scaled labs) that rounds to rekey_time itself and the SA
		 * expires instead of rekeying; keep at least a second between them */
		unsigned rekey = secs(ike->child_lifetime_ms), margin = rekey / 10;
		vmsg_kv(m, "rekey_time", "%us", rekey);
		vmsg_kv(m, "life_time", "%us", rekey + (margin ? margin : 1));
	}
	vmsg_kv(m, "mode", "tunnel");
	if (b == IPSEC_BACKEND_XFRMI) {
		vmsg_kv(m, "if_id_in", "%u", ipsec_if_id(tunnel));
		vmsg_kv(m, "if_id_out", "%u", ipsec_if_id(tunnel));
	} else if (b == IPSEC_BACKEND_VTI) {
		vmsg_kv(m, "mark_in", "%u", ipsec_if_id(tunnel));
		vmsg_kv(m, "mark_out", "%u", ipsec_if_id(tunnel));
	}
	vmsg_kv(m, "start_action", "none");
	enum topo_dpd_action da = t->tunnels[tunnel].end[side].ike.dpd_action;
	if (da == TOPO_DPD_ACTION_DEFAULT)
		da = initiator ? TOPO_DPD_ACTION_RESTART : TOPO_DPD_ACTION_CLEAR;
	vmsg_kv(m, "dpd_action", "%s", da == TOPO_DPD_ACTION_RESTART ? "restart" : "clear");
	vmsg_kv(m, "close_action", "%s", initiator ? "restart" : "none");
	vmsg_end(m);
	vmsg_end(m);
	vmsg_end(m);
	return vmsg_ok(m);
}

int ipsec_msg_load_shared(const struct topo *t, uint32_t tunnel, int side, const char *psk,
                          struct vmsg *m)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN];
	if (!uplink_addr(t, &tun->end[side], local, sizeof(local)) ||
	    !uplink_addr(t, &tun->end[!side], remote, sizeof(remote)))
		return lab_err(LAB_EXIT_FAIL, "tunnel %s: uplink without an IPv4 address",
		               tun->name);
	vmsg_init(m, "load-shared");
	vmsg_kv(m, "id", "%s", tun->name);
	vmsg_kv(m, "type", "IKE");
	vmsg_kv_secret(m, "data", psk);
	vmsg_list(m, "owners");
	vmsg_item(m, "%s", local);
	vmsg_item(m, "%s", remote);
	vmsg_list_end(m);
	return vmsg_ok(m);
}

int ipsec_msg_load_end_key(const struct topo *t, uint32_t tunnel, int side, struct vmsg *m)
{
	char psk[256];
	vmsg_init(m, "load-shared"); /* the caller frees it whatever happens */
	if (topo_tunnel_end_psk(t, &t->tunnels[tunnel], side, psk, sizeof(psk)) < 0)
		return -1;
	int rc = ipsec_msg_load_shared(t, tunnel, side, psk, m);
	explicit_bzero(psk, sizeof(psk));
	return rc;
}

int ipsec_msg_initiate(const char *name, uint32_t timeout_ms, struct vmsg *m)
{
	vmsg_init(m, "initiate");
	vmsg_kv(m, "child", "%s", name);
	vmsg_kv(m, "ike", "%s", name);
	vmsg_kv(m, "timeout", "%u", timeout_ms);
	/* no log streaming back to us: charon's log goes to the node's charon.log */
	vmsg_kv(m, "loglevel", "-1");
	return vmsg_ok(m);
}

int ipsec_msg_terminate(const char *name, struct vmsg *m)
{
	vmsg_init(m, "terminate");
	vmsg_kv(m, "ike", "%s", name);
	vmsg_kv(m, "timeout", "-1");
	return vmsg_ok(m);
}
