/* Nodes: role, interfaces, static routes and the BGP section. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_limits.h"
#include "topo/topo_int.h"

static const char *const node_keys[] = {"role", "forwarding", "interfaces", "routes", "bgp", NULL};
static const char *const iface_keys[] = {"address", "mtu", NULL};
static const char *const route_keys[] = {"to", "via", "dev", NULL};
static const char *const bgp_keys[] = {
    "speaker",    "asn",      "router_id", "timers", "max_paths", "route_programming_delay",
    "error_wait", "networks", "neighbors", NULL};
static const char *const nbr_keys[] = {"address",       "asn",    "passive", "track_tunnel",
                                       "next_hop_self", "timers", "bfd",     NULL};
/* (two lines: the man page test reads each key list up to its closing brace) */
static const char *const bfd_keys[] = {"interval", "multiplier", NULL};

#define DELAY_MAX_MS (3600u * 1000u)

static bool ld_role(struct ld *l, const struct ynode *n, enum topo_role *out)
{
	static const struct {
		const char *name;
		enum topo_role role;
	} roles[] = {{"host", TOPO_ROLE_HOST},
	             {"router", TOPO_ROLE_ROUTER},
	             {"gateway", TOPO_ROLE_GATEWAY},
	             {"underlay", TOPO_ROLE_UNDERLAY}};
	if (!ld_scalar(l, n, "role"))
		return false;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(n->str, roles[i].name)) {
			*out = roles[i].role;
			return true;
		}
	ld_err(l, n->pos, "role '%s' is unknown; expected host, router, gateway or underlay",
	       n->str);
	return false;
}

static void ld_iface(struct ld *l, struct topo_node *node, const struct ynode *key,
                     const struct ynode *v)
{
	struct topo_iface *ifc = &node->ifaces[node->n_ifaces];
	*ifc = (struct topo_iface){.link = TOPO_NONE, .pos = key->pos};
	if (!ld_ifname(l, key, "interface name", ifc->name))
		return;
	if (ld_ifname_reserved(l, key, "interface name", ifc->name, "eth0 or dummy0"))
		return;
	node->n_ifaces++;
	if (ynode_is_null(v))
		return; /* an interface without an address */
	if (v->kind == YNODE_SCALAR) {
		ld_prefix(l, v, "address", false, &ifc->addr);
		return;
	}
	char ctx[64];
	snprintf(ctx, sizeof(ctx), "interface '%s'", ifc->name);
	if (!ld_map(l, v, ifc->name))
		return;
	ld_keys(l, v, ctx, iface_keys);
	const struct ynode *x;
	if ((x = ymap_get(v, "address")) && !ynode_is_null(x))
		ld_prefix(l, x, "address", false, &ifc->addr);
	if ((x = ymap_get(v, "mtu")))
		ld_u32(l, x, "mtu", 68, 65535, &ifc->mtu);
}

static void ld_route(struct ld *l, struct topo_node *node, const struct ynode *v)
{
	struct topo_route *r = &node->routes[node->n_routes++];
	*r = (struct topo_route){.pos = v->pos};
	if (!ld_map(l, v, "route"))
		return;
	ld_keys(l, v, "route", route_keys);
	const struct ynode *to = ymap_get(v, "to"), *via = ymap_get(v, "via"),
	                   *dev = ymap_get(v, "dev");
	if (!to)
		ld_err(l, v->pos,
		       "route without 'to'; expected a destination such as 'to: 10.0.0.0/16'");
	else
		ld_prefix(l, to, "to", true, &r->dst);
	if (dev)
		ld_ifname(l, dev, "dev", r->dev);
	if (!via) {
		if (!dev)
			ld_err(l, v->pos,
			       "route without 'via' or 'dev'; expected a gateway address, a list "
			       "of them, or an interface");
		return;
	}
	if (via->kind == YNODE_SEQ) {
		if (via->n == 0 || via->n > TOPO_MAX_NEXTHOPS) {
			ld_err(l, via->pos, "'via' has %zu addresses; expected 1..%d", via->n,
			       TOPO_MAX_NEXTHOPS);
			return;
		}
		for (size_t i = 0; i < via->n; i++)
			if (ld_addr(l, via->vals[i], "via", &r->via[r->nvia]))
				r->nvia++;
	} else if (ld_addr(l, via, "via", &r->via[0])) {
		r->nvia = 1;
	}
}

/* bfd: {interval: 300ms, multiplier: 3}: interval required, multiplier 3 if absent. */
static void ld_bfd(struct ld *l, struct topo_bfd *out, const struct ynode *v)
{
	struct topo_bfd b = {.multiplier = 3, .pos = v->pos};
	if (!ld_map(l, v, "bfd"))
		return;
	ld_keys(l, v, "bfd", bfd_keys);
	const struct ynode *x;
	if (!(x = ymap_get(v, "interval"))) {
		ld_err(
		    l, v->pos,
		    "bfd without 'interval'; expected e.g. bfd: {interval: 300ms, multiplier: 3}");
		return;
	}
	if (!ld_duration(l, x, "bfd interval", TOPO_BFD_MAX_INTERVAL_MS, &b.interval_ms))
		return;
	if (b.interval_ms < TOPO_BFD_MIN_INTERVAL_MS) {
		ld_err(l, x->pos, "bfd interval %s is below 10 ms; expected at least 10ms", x->str);
		return;
	}
	if ((x = ymap_get(v, "multiplier")) &&
	    !ld_u32(l, x, "bfd multiplier", 1, 255, &b.multiplier))
		return;
	*out = b;
}

static void ld_neighbor(struct ld *l, struct topo_bgp *b, const struct ynode *v,
                        const struct topo_bgp_timers *node_timers)
{
	struct topo_bgp_neighbor *nb = &b->neighbors[b->n_neighbors++];
	*nb = (struct topo_bgp_neighbor){
	    .node = TOPO_NONE, .tunnel = TOPO_NONE, .timers = *node_timers, .pos = v->pos};
	if (!ld_map(l, v, "neighbor"))
		return;
	ld_keys(l, v, "neighbor", nbr_keys);
	const struct ynode *x;
	if (!(x = ymap_get(v, "address")))
		ld_err(l, v->pos, "neighbor without 'address'; expected the peer's address");
	else
		ld_addr(l, x, "address", &nb->addr);
	if (!(x = ymap_get(v, "asn")))
		ld_err(l, v->pos, "neighbor without 'asn'; expected the peer's AS number");
	else
		ld_asn(l, x, "asn", &nb->asn);
	if ((x = ymap_get(v, "passive")))
		ld_bool(l, x, "passive", &nb->passive);
	if ((x = ymap_get(v, "track_tunnel")))
		ld_bool(l, x, "track_tunnel", &nb->track_tunnel);
	if ((x = ymap_get(v, "next_hop_self")))
		ld_bool(l, x, "next_hop_self", &nb->next_hop_self);
	if ((x = ymap_get(v, "timers"))) {
		struct ld_timers lt;
		if (ld_timers(l, x, "neighbor", &lt))
			ld_timers_apply(&nb->timers, &lt);
	}
	if ((x = ymap_get(v, "bfd")))
		ld_bfd(l, &nb->bfd, x);
}

static void ld_bgp(struct ld *l, struct topo_node *node, const struct ynode *v,
                   const struct ld_timers *def)
{
	struct topo_bgp *b = calloc(1, sizeof(*b));
	if (!b) {
		ld_err(l, v->pos, "out of memory");
		return;
	}
	node->bgp = b;
	b->pos = v->pos;
	b->max_paths = 1;
	b->error_wait_ms = 60000; /* BIRD's own default */
	/* RFC 4271 s10 suggested values, then the file's defaults, the node's, the neighbor's */
	b->timers = (struct topo_bgp_timers){
	    .keepalive_ms = 30000, .hold_ms = 90000, .connect_retry_ms = 120000};
	ld_timers_apply(&b->timers, def);
	char ctx[64];
	snprintf(ctx, sizeof(ctx), "bgp of node '%s'", node->name);
	if (!ld_map(l, v, "bgp"))
		return;
	ld_keys(l, v, ctx, bgp_keys);
	const struct ynode *x;
	if ((x = ymap_get(v, "speaker")) && ld_scalar(l, x, "speaker")) {
		if (!strcmp(x->str, "builtin"))
			b->speaker = TOPO_SPEAKER_BUILTIN;
		else if (!strcmp(x->str, "bird"))
			b->speaker = TOPO_SPEAKER_BIRD;
		else
			ld_err(l, x->pos, "speaker '%s' is unknown; expected builtin or bird",
			       x->str);
	}
	if (!(x = ymap_get(v, "asn")))
		ld_err(l, v->pos, "bgp without 'asn'; expected the node's AS number");
	else
		ld_asn(l, x, "asn", &b->asn);
	if ((x = ymap_get(v, "router_id")) && ld_addr(l, x, "router_id", &b->router_id) &&
	    !b->router_id.s_addr)
		/* RFC 6286 s2.1: a non-zero BGP Identifier (0 would otherwise be silently
		 * replaced by the default below) */
		ld_err(l, x->pos,
		       "router_id 0.0.0.0; expected a non-zero address (RFC 6286), or no router_id "
		       "for the node's first interface address");
	if ((x = ymap_get(v, "timers"))) {
		struct ld_timers lt;
		if (ld_timers(l, x, ctx, &lt))
			ld_timers_apply(&b->timers, &lt);
	}
	if ((x = ymap_get(v, "max_paths")))
		ld_u32(l, x, "max_paths", 1, TOPO_MAX_NEXTHOPS, &b->max_paths);
	if ((x = ymap_get(v, "route_programming_delay")))
		ld_duration(l, x, "route_programming_delay", DELAY_MAX_MS,
		            &b->route_programming_delay_ms);
	if ((x = ymap_get(v, "error_wait")))
		ld_duration(l, x, "error_wait", DELAY_MAX_MS, &b->error_wait_ms);
	if ((x = ymap_get(v, "networks")) && ld_seq(l, x, "networks")) {
		b->networks = calloc(x->n ? x->n : 1, sizeof(*b->networks));
		for (size_t i = 0; b->networks && i < x->n; i++)
			if (ld_prefix(l, x->vals[i], "network", true, &b->networks[b->n_networks]))
				b->n_networks++;
	}
	if ((x = ymap_get(v, "neighbors")) && ld_seq(l, x, "neighbors")) {
		/* labctl-bgpd refuses a longer configuration at start (bgp/bgp_limits.h):
		 * said here, at the list, rather than as a dead speaker at up. BIRD has
		 * no such limit, but one rule for both speakers keeps a topology
		 * portable between them. */
		if (x->n > BGP_CONFIG_MAX_NEIGHBORS)
			ld_err(l, x->pos,
			       "%zu neighbors; a speaker takes at most %d (labctl-bgpd's limit, "
			       "docs/bgpd.md \"Many neighbors\"); expected fewer, e.g. split the "
			       "hub over more routers",
			       x->n, BGP_CONFIG_MAX_NEIGHBORS);
		b->neighbors = calloc(x->n ? x->n : 1, sizeof(*b->neighbors));
		for (size_t i = 0; b->neighbors && i < x->n; i++)
			ld_neighbor(l, b, x->vals[i], &b->timers);
	}
	if (!b->router_id.s_addr) {
		/* default: the first interface address, as most BGP speakers pick one */
		for (size_t i = 0; i < node->n_ifaces && !b->router_id.s_addr; i++)
			if (node->ifaces[i].addr.len)
				b->router_id = node->ifaces[i].addr.addr;
		if (!b->router_id.s_addr)
			ld_err(l, v->pos,
			       "bgp without 'router_id' on a node without addresses; expected "
			       "router_id: A.B.C.D");
	}
}

static void ld_node(struct ld *l, const struct ynode *key, const struct ynode *v,
                    const struct ld_timers *def)
{
	struct topo *t = l->t;
	struct topo_node *node = &t->nodes[t->n_nodes];
	*node = (struct topo_node){.pos = key->pos, .role = TOPO_ROLE_HOST};
	if (key->kind == YNODE_SCALAR && strlen(key->str) >= sizeof(node->name)) {
		ld_err(l, key->pos,
		       "node name '%s' is %zu characters long; expected at most %zu (namespaces "
		       "are named <lab>.<node>, at most %d characters)",
		       key->str, strlen(key->str), sizeof(node->name) - 1, TOPO_NETNS_NAME_MAX);
		return;
	}
	if (!ld_name(l, key, "node name", node->name, sizeof(node->name)))
		return;
	t->n_nodes++;
	char ctx[64];
	snprintf(ctx, sizeof(ctx), "node '%s'", node->name);
	if (!ld_map(l, v, node->name))
		return;
	ld_keys(l, v, ctx, node_keys);
	const struct ynode *x;
	if (!(x = ymap_get(v, "role")))
		ld_err(l, v->pos,
		       "node '%s' without 'role'; expected host, router, gateway or underlay",
		       node->name);
	else
		ld_role(l, x, &node->role);
	node->forwarding = node->role != TOPO_ROLE_HOST;
	if ((x = ymap_get(v, "forwarding")))
		ld_bool(l, x, "forwarding", &node->forwarding);
	if ((x = ymap_get(v, "interfaces")) && ld_map(l, x, "interfaces")) {
		node->ifaces = calloc(x->n ? x->n : 1, sizeof(*node->ifaces));
		for (size_t i = 0; node->ifaces && i < x->n; i++)
			ld_iface(l, node, x->keys[i], x->vals[i]);
	}
	if ((x = ymap_get(v, "routes")) && ld_seq(l, x, "routes")) {
		node->routes = calloc(x->n ? x->n : 1, sizeof(*node->routes));
		for (size_t i = 0; node->routes && i < x->n; i++)
			ld_route(l, node, x->vals[i]);
	}
	if ((x = ymap_get(v, "bgp")))
		ld_bgp(l, node, x, def);
}

void ld_nodes(struct ld *l, const struct ynode *nodes, const struct ld_timers *def)
{
	if (!ld_map(l, nodes, "nodes"))
		return;
	l->t->nodes = calloc(nodes->n ? nodes->n : 1, sizeof(*l->t->nodes));
	if (!l->t->nodes) {
		ld_err(l, nodes->pos, "out of memory");
		return;
	}
	if (!nodes->n)
		ld_err(l, nodes->pos, "'nodes' is empty; expected at least one node");
	for (size_t i = 0; i < nodes->n; i++)
		ld_node(l, nodes->keys[i], nodes->vals[i], def);
}
