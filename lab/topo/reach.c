/* Static reachability between tunnel endpoints: IKE needs each gateway's uplink
 * address to reach the other's through the underlay before any BGP runs, so the
 * static routes must already do it. A typo there would otherwise show up as IKE
 * retransmissions at `up` time, far from its cause. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "topo/topo_int.h"

#define REACH_MAX_HOPS 64

static uint32_t mask_of(uint8_t len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

static bool in_prefix(struct topo_prefix p, struct in_addr a)
{
	return ((p.addr.s_addr ^ a.s_addr) & mask_of(p.len)) == 0;
}

/* The node across a link from (node, iface) that owns addr, or TOPO_NONE. */
static uint32_t across(const struct topo *t, uint32_t node, uint32_t iface, struct in_addr addr)
{
	uint32_t lk = t->nodes[node].ifaces[iface].link;
	if (lk == TOPO_NONE)
		return TOPO_NONE;
	const struct topo_link *l = &t->links[lk];
	int far = l->end[0].node == node && l->end[0].iface == iface ? 1 : 0;
	const struct topo_iface *f = &t->nodes[l->end[far].node].ifaces[l->end[far].iface];
	return f->addr.len && f->addr.addr.s_addr == addr.s_addr ? l->end[far].node : TOPO_NONE;
}

/* The connected interface of node whose subnet holds addr (longest prefix). */
static uint32_t connected_iface(const struct topo_node *nd, struct in_addr addr, int *len)
{
	uint32_t best = TOPO_NONE;
	*len = -1;
	for (uint32_t i = 0; i < nd->n_ifaces; i++)
		if (nd->ifaces[i].addr.len && in_prefix(nd->ifaces[i].addr, addr) &&
		    nd->ifaces[i].addr.len > *len) {
			best = i;
			*len = nd->ifaces[i].addr.len;
		}
	return best;
}

/* Follows the static routes from `from` to dst. 0 if dst is reached; else -1 with
 * why (where it stopped). */
static int walk(const struct topo *t, uint32_t from, struct in_addr dst, char *why, size_t len)
{
	char b[INET_ADDRSTRLEN];
	uint32_t n = from;
	for (int hop = 0; hop < REACH_MAX_HOPS; hop++) {
		const struct topo_node *nd = &t->nodes[n];
		uint32_t iface;
		if (topo_addr_owner(t, dst, &iface) == n && iface != TOPO_NONE)
			return 0;
		if (hop > 0 && !nd->forwarding) {
			snprintf(why, len, "node '%s' does not forward", nd->name);
			return -1;
		}
		int clen;
		uint32_t ci = connected_iface(nd, dst, &clen);
		const struct topo_route *best = NULL;
		for (size_t r = 0; r < nd->n_routes; r++)
			if (in_prefix(nd->routes[r].dst, dst) && nd->routes[r].dst.len > clen &&
			    (!best || nd->routes[r].dst.len > best->dst.len))
				best = &nd->routes[r];
		struct in_addr next = dst;
		if (best) {
			if (!best->nvia) {
				snprintf(why, len,
				         "node '%s' sends it out of '%s' without a gateway",
				         nd->name, best->dev);
				return -1;
			}
			next = best->via[0];
			ci = connected_iface(nd, next, &clen);
			if (ci == TOPO_NONE) {
				snprintf(why, len,
				         "node '%s' routes it via %s, which is not on a link",
				         nd->name, inet_ntop(AF_INET, &next, b, sizeof(b)));
				return -1;
			}
		} else if (ci == TOPO_NONE) {
			snprintf(why, len, "node '%s' has no route to it", nd->name);
			return -1;
		}
		uint32_t nn = across(t, n, ci, next);
		if (nn == TOPO_NONE) {
			snprintf(why, len, "node '%s': nothing across %s owns %s", nd->name,
			         nd->ifaces[ci].name, inet_ntop(AF_INET, &next, b, sizeof(b)));
			return -1;
		}
		n = nn;
	}
	snprintf(why, len, "a routing loop (more than %d hops)", REACH_MAX_HOPS);
	return -1;
}

void topo_check_reach(struct ld *l)
{
	struct topo *t = l->t;
	char b[INET_ADDRSTRLEN], why[160];
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		for (int e = 0; e < 2; e++) {
			const struct topo_tunnel_end *a = &tun->end[e], *z = &tun->end[!e];
			struct in_addr dst = t->nodes[z->node].ifaces[z->uplink].addr.addr;
			if (walk(t, a->node, dst, why, sizeof(why)) < 0)
				ld_err(l, tun->pos,
				       "tunnel '%s': %s cannot reach %s (uplink of %s) by static "
				       "routes: %s; expected underlay routes between the uplinks",
				       tun->name, t->nodes[a->node].name,
				       inet_ntop(AF_INET, &dst, b, sizeof(b)),
				       t->nodes[z->node].name, why);
		}
	}
}
