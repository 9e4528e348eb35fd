/* Checks that need the whole model: addresses across nodes, routes against
 * connected subnets, BGP sessions against their peers, tunnel ends against each
 * other. Runs only when loading found nothing wrong, so every index is valid. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "topo/topo_int.h"

static uint32_t mask_of(uint8_t len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

static bool same_subnet(struct topo_prefix a, struct topo_prefix b)
{
	return a.len == b.len && ((a.addr.s_addr ^ b.addr.s_addr) & mask_of(a.len)) == 0;
}

static bool in_prefix(struct topo_prefix p, struct in_addr a)
{
	return ((p.addr.s_addr ^ a.s_addr) & mask_of(p.len)) == 0;
}

static const char *ip(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Every address once: interface addresses and tunnel inside addresses. */
static void check_addresses(struct ld *l)
{
	struct topo *t = l->t;
	char b[INET_ADDRSTRLEN];
	for (size_t i = 0; i < t->n_nodes; i++) {
		for (size_t j = 0; j < t->nodes[i].n_ifaces; j++) {
			const struct topo_iface *f = &t->nodes[i].ifaces[j];
			if (!f->addr.len)
				continue;
			uint32_t oi, on = topo_addr_owner(t, f->addr.addr, &oi);
			if (on != i || oi != j)
				ld_err(l, f->pos,
				       "address %s of %s:%s is also on %s:%s; expected each "
				       "address once",
				       ip(f->addr.addr, b), t->nodes[i].name, f->name,
				       t->nodes[on].name, t->nodes[on].ifaces[oi].name);
			uint32_t mask = mask_of(f->addr.len);
			if (f->addr.len <= 30 && ((f->addr.addr.s_addr & ~mask) == 0 ||
			                          (f->addr.addr.s_addr & ~mask) == ~mask))
				ld_err(l, f->pos,
				       "address %s/%u of %s:%s is the %s address of its subnet; "
				       "expected a host address",
				       ip(f->addr.addr, b), f->addr.len, t->nodes[i].name, f->name,
				       (f->addr.addr.s_addr & ~mask) ? "broadcast" : "network");
		}
	}
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		for (uint32_t e = 0; e < 2; e++) {
			struct in_addr a = tun->end[e].inside.addr;
			uint32_t oi, on = topo_addr_owner(t, a, &oi), oe;
			uint32_t ot = topo_addr_tunnel(t, a, &oe);
			if (oi != TOPO_NONE)
				ld_err(l, tun->pos,
				       "inside address %s of tunnel '%s' is also on %s:%s; "
				       "expected each address once",
				       ip(a, b), tun->name, t->nodes[on].name,
				       t->nodes[on].ifaces[oi].name);
			else if (ot != i || oe != e)
				ld_err(l, tun->pos,
				       "inside address %s of tunnel '%s' is also used by tunnel "
				       "'%s'; expected each address once",
				       ip(a, b), tun->name, t->tunnels[ot].name);
		}
		if (!same_subnet(tun->end[0].inside, tun->end[1].inside))
			ld_err(l, tun->pos,
			       "tunnel '%s' inside addresses %s/%u and %s/%u are not in one "
			       "subnet; expected e.g. 169.254.21.1/30 and 169.254.21.2/30",
			       tun->name, ip(tun->end[0].inside.addr, b), tun->end[0].inside.len,
			       ip(tun->end[1].inside.addr, (char[INET_ADDRSTRLEN]){0}),
			       tun->end[1].inside.len);
		/* Several tunnels may end on one node, each on its own interface. (With
		 * kernel-libipsec one charon drives one TUN, docs/reference.md; the IPsec layer
		 * refuses that combination when it picks the backend, not the file.) */
		for (size_t k = 0; k < i; k++)
			for (int e = 0; e < 2; e++)
				for (int f = 0; f < 2; f++)
					if (t->tunnels[k].end[f].node == tun->end[e].node &&
					    !strcmp(t->tunnels[k].end[f].ifname,
					            tun->end[e].ifname))
						ld_err(l, tun->pos,
						       "tunnel '%s' uses interface '%s' on node "
						       "'%s' like tunnel '%s'; expected a distinct "
						       "interface per tunnel (e.g. ipsec1)",
						       tun->name, tun->end[e].ifname,
						       t->nodes[tun->end[e].node].name,
						       t->tunnels[k].name);
	}
}

static void check_links(struct ld *l)
{
	struct topo *t = l->t;
	char b0[INET_ADDRSTRLEN], b1[INET_ADDRSTRLEN];
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *lk = &t->links[i];
		const struct topo_iface *a = &t->nodes[lk->end[0].node].ifaces[lk->end[0].iface];
		const struct topo_iface *z = &t->nodes[lk->end[1].node].ifaces[lk->end[1].iface];
		if (a->addr.len && z->addr.len && !same_subnet(a->addr, z->addr))
			ld_err(l, lk->pos,
			       "link ends %s/%u and %s/%u are not in one subnet; expected both "
			       "addresses in the same prefix",
			       ip(a->addr.addr, b0), a->addr.len, ip(z->addr.addr, b1),
			       z->addr.len);
		if (a->mtu && z->mtu && a->mtu != z->mtu)
			ld_err(l, lk->pos,
			       "link ends have MTU %u and %u; expected the same MTU on both ends",
			       a->mtu, z->mtu);
	}
}

static bool iface_subnet(const struct topo *t, uint32_t node, struct in_addr a)
{
	const struct topo_node *nd = &t->nodes[node];
	for (size_t i = 0; i < nd->n_ifaces; i++)
		if (nd->ifaces[i].addr.len && in_prefix(nd->ifaces[i].addr, a))
			return true;
	return false;
}

/* A next hop must be on a connected subnet: an interface's or a tunnel's. */
static bool connected(const struct topo *t, uint32_t node, struct in_addr a)
{
	if (iface_subnet(t, node, a))
		return true;
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++)
			if (t->tunnels[i].end[e].node == node &&
			    in_prefix(t->tunnels[i].end[e].inside, a))
				return true;
	return false;
}

/* The tunnel with an end on node whose interface is name, or TOPO_NONE. */
static uint32_t tunnel_ifname(const struct topo *t, uint32_t node, const char *name)
{
	for (uint32_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++)
			if (t->tunnels[i].end[e].node == node &&
			    !strcmp(t->tunnels[i].end[e].ifname, name))
				return i;
	return TOPO_NONE;
}

/* The tunnel with an end on node whose inside subnet holds a, or TOPO_NONE. */
static uint32_t tunnel_subnet(const struct topo *t, uint32_t node, struct in_addr a)
{
	for (uint32_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++)
			if (t->tunnels[i].end[e].node == node &&
			    in_prefix(t->tunnels[i].end[e].inside, a))
				return i;
	return TOPO_NONE;
}

/* Static routes are installed with the network, before charon runs, so they can use
 * only what exists then: interface subnets, not tunnel interfaces (created with the
 * IPsec service; routes over tunnels come from BGP). And the kernel refuses a route
 * identical to the connected route of an interface's subnet (EEXIST). */
static void check_route_kernel(struct ld *l, uint32_t node, const struct topo_route *r)
{
	const struct topo *t = l->t;
	const struct topo_node *nd = &t->nodes[node];
	char b[INET_ADDRSTRLEN];
	uint32_t tun;
	for (uint32_t v = 0; v < r->nvia; v++)
		if (!iface_subnet(t, node, r->via[v]) &&
		    (tun = tunnel_subnet(t, node, r->via[v])) != TOPO_NONE)
			ld_err(
			    l, r->pos,
			    "route via %s on node '%s' is inside tunnel '%s', whose interface does "
			    "not exist yet when static routes are installed; expected a next hop "
			    "on an interface's subnet (routes over tunnels come from BGP)",
			    ip(r->via[v], b), nd->name, t->tunnels[tun].name);
	if (r->dev[0] && topo_iface_index(nd, r->dev) == TOPO_NONE &&
	    (tun = tunnel_ifname(t, node, r->dev)) != TOPO_NONE)
		ld_err(l, r->pos,
		       "route dev '%s' on node '%s' is the interface of tunnel '%s', which does "
		       "not exist yet when static routes are installed; expected one of the node's "
		       "interfaces (routes over tunnels come from BGP)",
		       r->dev, nd->name, t->tunnels[tun].name);
	for (size_t i = 0; i < nd->n_ifaces; i++) {
		struct topo_prefix a = nd->ifaces[i].addr;
		if (a.len && a.len == r->dst.len && in_prefix(a, r->dst.addr))
			ld_err(l, r->pos,
			       "route to %s/%u on node '%s' is the subnet of its interface '%s', "
			       "which the kernel already routes (a second route is refused: File "
			       "exists); expected no static route for a connected subnet",
			       ip(r->dst.addr, b), r->dst.len, nd->name, nd->ifaces[i].name);
	}
}

static void check_routes(struct ld *l)
{
	struct topo *t = l->t;
	char b[INET_ADDRSTRLEN];
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *nd = &t->nodes[i];
		for (size_t j = 0; j < nd->n_routes; j++) {
			const struct topo_route *r = &nd->routes[j];
			for (uint32_t v = 0; v < r->nvia; v++)
				if (!connected(t, i, r->via[v]))
					ld_err(l, r->pos,
					       "route via %s on node '%s': no interface of the "
					       "node is in that subnet; expected a neighbor's "
					       "address on a connected subnet",
					       ip(r->via[v], b), nd->name);
			if (r->dev[0] && topo_iface_index(nd, r->dev) == TOPO_NONE &&
			    tunnel_ifname(t, i, r->dev) == TOPO_NONE)
				ld_err(l, r->pos,
				       "route dev '%s' is not an interface of node '%s'; expected "
				       "one of its interfaces",
				       r->dev, nd->name);
			check_route_kernel(l, i, r);
			for (size_t k = 0; k < j; k++)
				if (nd->routes[k].dst.len == r->dst.len &&
				    nd->routes[k].dst.addr.s_addr == r->dst.addr.s_addr)
					ld_err(
					    l, r->pos,
					    "route to %s/%u is already at line %u; expected one "
					    "route per destination (list several 'via' for ECMP)",
					    ip(r->dst.addr, b), r->dst.len, nd->routes[k].pos.line);
		}
	}
}

/* "40 s", "0.5 s" */
static const char *secs(uint32_t ms, char *buf)
{
	if (ms % 1000)
		snprintf(buf, 24, "%u.%03u s", ms / 1000, ms % 1000);
	else
		snprintf(buf, 24, "%u s", ms / 1000);
	return buf;
}

/* The timers in effect after inheritance (defaults, node, neighbor): each level was
 * checked alone while loading, a mix of levels is checked here. */
static bool timers_ok(struct ld *l, struct topo_pos pos, const char *what,
                      const struct topo_bgp_timers *tm)
{
	char k[24], h[24];
	if (tm->hold_ms == 0 && tm->keepalive_ms) {
		ld_err(l, pos,
		       "%s in effect: keepalive %s with hold 0; expected keepalive 0 when hold is "
		       "0 (RFC 4271 s4.4)",
		       what, secs(tm->keepalive_ms, k));
		return false;
	}
	if (tm->hold_ms && tm->keepalive_ms >= tm->hold_ms) {
		ld_err(l, pos,
		       "%s in effect: keepalive %s is not below hold %s; expected keepalive < hold",
		       what, secs(tm->keepalive_ms, k), secs(tm->hold_ms, h));
		return false;
	}
	return true;
}

static bool node_has_addr(const struct topo *t, uint32_t node, struct in_addr a)
{
	uint32_t iface;
	return topo_addr_owner(t, a, &iface) == node;
}

static void check_bgp(struct ld *l)
{
	struct topo *t = l->t;
	char b[INET_ADDRSTRLEN];
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		struct topo_node *nd = &t->nodes[i];
		struct topo_bgp *bg = nd->bgp;
		if (!bg)
			continue;
		timers_ok(l, bg->pos, "bgp timers", &bg->timers);
		for (uint32_t k = 0; k < i; k++)
			if (t->nodes[k].bgp &&
			    t->nodes[k].bgp->router_id.s_addr == bg->router_id.s_addr)
				ld_err(l, bg->pos,
				       "router_id %s of node '%s' is also the router_id of node "
				       "'%s'; expected a unique router_id per node",
				       ip(bg->router_id, b), nd->name, t->nodes[k].name);
		for (size_t j = 0; j < bg->n_neighbors; j++) {
			struct topo_bgp_neighbor *nb = &bg->neighbors[j];
			ip(nb->addr, b);
			timers_ok(l, nb->pos, "neighbor timers", &nb->timers);
			for (size_t k = 0; k < j; k++)
				if (bg->neighbors[k].addr.s_addr == nb->addr.s_addr)
					ld_err(l, nb->pos,
					       "neighbor %s is already at line %u; expected each "
					       "neighbor once",
					       b, bg->neighbors[k].pos.line);
			uint32_t owner = topo_addr_owner(t, nb->addr, NULL);
			if (owner == TOPO_NONE) {
				ld_err(l, nb->pos,
				       "neighbor %s belongs to no node; expected an interface or "
				       "tunnel inside address of another node",
				       b);
				continue;
			}
			nb->node = owner;
			const struct topo_node *peer = &t->nodes[owner];
			if (owner == i) {
				ld_err(l, nb->pos,
				       "neighbor %s is node '%s' itself; expected another node's "
				       "address",
				       b, nd->name);
				continue;
			}
			if (!peer->bgp) {
				ld_err(l, nb->pos,
				       "neighbor %s is node '%s', which has no bgp section; "
				       "expected a node that speaks BGP",
				       b, peer->name);
				continue;
			}
			if (peer->bgp->asn != nb->asn)
				ld_err(l, nb->pos,
				       "neighbor %s has asn %u, but its node '%s' is AS %u; "
				       "expected asn: %u",
				       b, nb->asn, peer->name, peer->bgp->asn, peer->bgp->asn);
			uint32_t end, tun = topo_addr_tunnel(t, nb->addr, &end);
			if (tun != TOPO_NONE) {
				if (t->tunnels[tun].end[!end].node != i)
					ld_err(l, nb->pos,
					       "neighbor %s is inside tunnel '%s', which does not "
					       "end on node '%s'; expected the far end of one of "
					       "this node's tunnels",
					       b, t->tunnels[tun].name, nd->name);
				else
					nb->tunnel = tun;
			} else if (!connected(t, i, nb->addr)) {
				ld_err(l, nb->pos,
				       "neighbor %s (node '%s') is not on a subnet of node '%s'; "
				       "expected a directly connected peer (multihop is not "
				       "supported)",
				       b, peer->name, nd->name);
			}
			if (nb->track_tunnel && nb->tunnel == TOPO_NONE)
				ld_err(l, nb->pos,
				       "track_tunnel on neighbor %s, which is not across a tunnel; "
				       "expected track_tunnel only on tunnel sessions",
				       b);
			/* by address only: a wrong ASN is reported on the side that wrote it */
			const struct topo_bgp_neighbor *back = NULL;
			for (size_t k = 0; k < peer->bgp->n_neighbors && !back; k++)
				if (node_has_addr(t, i, peer->bgp->neighbors[k].addr))
					back = &peer->bgp->neighbors[k];
			/* BFD (RFC 5881) runs between the two ends of a single-hop session:
			 * both must ask for it, or one side waits for a peer that never
			 * answers (the path itself was checked above: connected or a
			 * tunnel's far end). */
			if (back && nb->bfd.interval_ms && !back->bfd.interval_ms)
				ld_err(l, nb->bfd.pos,
				       "bfd on neighbor %s of node '%s', but the entry of node "
				       "'%s' for node '%s' (line %u) has none; expected bfd on "
				       "both ends of the session",
				       b, nd->name, peer->name, nd->name, back->pos.line);
			if (!back)
				ld_err(l, nb->pos,
				       "node '%s' has no neighbor entry for node '%s' (AS %u); "
				       "expected the session configured on both nodes",
				       peer->name, nd->name, bg->asn);
		}
	}
}

/* kernel-libipsec has one TUN per charon, named ipsec0, and matches outbound
 * packets against the first 0.0.0.0/0 policy only (lab/ipsec refuses the rest at
 * `up`): with the file asking for that backend, say so here. With auto the kernel
 * decides, which only `up` can see. */
static void check_libipsec(struct ld *l)
{
	const struct topo *t = l->t;
	if (strcmp(t->defaults.ipsec_backend, "libipsec"))
		return;
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		size_t n = 0;
		for (size_t k = 0; k < t->n_tunnels; k++)
			for (int e = 0; e < 2; e++)
				n += t->tunnels[k].end[e].node == i;
		if (n > 1)
			ld_err(l, t->nodes[i].pos,
			       "node '%s' ends %zu tunnels, but ipsec_backend libipsec carries one "
			       "tunnel per gateway (one TUN per charon); expected one tunnel per "
			       "gateway node, or ipsec_backend xfrm",
			       t->nodes[i].name, n);
	}
	for (size_t k = 0; k < t->n_tunnels; k++)
		for (int e = 0; e < 2; e++)
			if (strcmp(t->tunnels[k].end[e].ifname, "ipsec0"))
				ld_err(l, t->tunnels[k].pos,
				       "tunnel '%s' names interface '%s' on node '%s', but with "
				       "ipsec_backend libipsec the interface is charon's TUN, "
				       "ipsec0; expected interface: ipsec0 (or no interface)",
				       t->tunnels[k].name, t->tunnels[k].end[e].ifname,
				       t->nodes[t->tunnels[k].end[e].node].name);
}

void topo_validate(struct ld *l)
{
	check_libipsec(l);
	check_addresses(l);
	check_links(l);
	check_routes(l);
	check_bgp(l);
	topo_check_reach(l);
}
