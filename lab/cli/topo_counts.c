#include "cli/topo_counts.h"

void topo_counts_of(const struct topo *t, struct topo_counts *c)
{
	*c = (struct topo_counts){0};
	size_t neighbors = 0;
	for (size_t i = 0; i < t->n_nodes; i++) {
		if (!t->nodes[i].bgp)
			continue;
		c->speakers++;
		c->bird += t->nodes[i].bgp->speaker == TOPO_SPEAKER_BIRD;
		neighbors += t->nodes[i].bgp->n_neighbors;
	}
	/* validation guarantees every session is configured on both ends */
	c->sessions = neighbors / 2;
}

void topo_counts_json(struct json *j, const struct topo *t)
{
	struct topo_counts c;
	topo_counts_of(t, &c);
	json_kv_str(j, "name", t->name);
	json_kv_uint(j, "nodes", t->n_nodes);
	json_kv_uint(j, "links", t->n_links);
	json_kv_uint(j, "tunnels", t->n_tunnels);
	json_kv_uint(j, "bgp_speakers", c.speakers);
	json_kv_uint(j, "bird_speakers", c.bird);
	json_kv_uint(j, "bgp_sessions", c.sessions);
	json_kv_uint(j, "probes", t->n_probes);
}
