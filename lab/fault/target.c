#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "fault/fault_int.h"
#include "run/run.h"

static void list_names(char *buf, size_t len, const char *(*name)(const struct topo *, size_t),
                       const struct topo *t, size_t n)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && off + 1 < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", name(t, i));
	if (n == 0)
		snprintf(buf, len, "none");
}

static const char *tunnel_name(const struct topo *t, size_t i)
{
	return t->tunnels[i].name;
}

static const char *node_name(const struct topo *t, size_t i)
{
	return t->nodes[i].name;
}

int fault_tunnel(const struct topo *t, const char *name, uint32_t *idx)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, name)) {
			*idx = (uint32_t)i;
			return 0;
		}
	char list[512];
	list_names(list, sizeof(list), tunnel_name, t, t->n_tunnels);
	return lab_err(LAB_EXIT_USAGE, "no tunnel '%s' in this lab; its tunnels: %s", name, list);
}

int fault_node(const struct topo *t, const char *name, uint32_t *idx)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name)) {
			*idx = (uint32_t)i;
			return 0;
		}
	char list[1024];
	list_names(list, sizeof(list), node_name, t, t->n_nodes);
	return lab_err(LAB_EXIT_USAGE, "no node '%s' in this lab; its nodes: %s", name, list);
}

int fault_link_peer(const struct topo *t, uint32_t node, uint32_t iface, uint32_t *pnode,
                    uint32_t *piface)
{
	uint32_t link = t->nodes[node].ifaces[iface].link;
	if (link == TOPO_NONE || link >= t->n_links)
		return lab_err(LAB_EXIT_USAGE, "interface %s of %s is not linked to anything",
		               t->nodes[node].ifaces[iface].name, t->nodes[node].name);
	const struct topo_link *k = &t->links[link];
	int e = k->end[0].node == node && k->end[0].iface == iface ? 1 : 0;
	*pnode = k->end[e].node;
	*piface = k->end[e].iface;
	return 0;
}

/* The underlay node between a tunnel's two ends (the peer of end 0's uplink). */
static int fault_underlay(const struct topo *t, uint32_t tunnel, uint32_t *node)
{
	const struct topo_tunnel_end *e = &t->tunnels[tunnel].end[0];
	uint32_t pn, pi;
	if (fault_link_peer(t, e->node, e->uplink, &pn, &pi) < 0)
		return -1;
	if (t->nodes[pn].role != TOPO_ROLE_UNDERLAY)
		return lab_err(LAB_EXIT_USAGE,
		               "tunnel %s: %s's uplink leads to %s, which is not an underlay node "
		               "(role: underlay); this fault acts in the underlay",
		               t->tunnels[tunnel].name, t->nodes[e->node].name, t->nodes[pn].name);
	*node = pn;
	return 0;
}

void fault_netns(const struct lab_view *v, const char *node, char *buf, size_t len)
{
	run_netns_name(v->run.name, node, buf, len);
}

int fault_plan_underlay(const struct lab_view *v, const char *target, struct fault_rec *rec,
                        uint32_t *tunnel)
{
	const struct topo *t = v->topo;
	uint32_t un = TOPO_NONE; /* set by fault_underlay on success */
	if (fault_tunnel(t, target, tunnel) < 0 || fault_underlay(t, *tunnel, &un) < 0)
		return -1;
	snprintf(rec->tunnel, sizeof(rec->tunnel), "%s", t->tunnels[*tunnel].name);
	snprintf(rec->ns_node, sizeof(rec->ns_node), "%s", t->nodes[un].name);
	snprintf(rec->jnode, sizeof(rec->jnode), "%s", t->nodes[un].name);
	return 0;
}
