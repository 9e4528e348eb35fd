/* rib_new() from the parsed bgpd.conf: the RIB keeps only what it needs. */
#include <stdlib.h>

#include "common/err.h"
#include "bgpd_config.h"
#include "rib_int.h"

struct rib *rib_new(const struct bgp_config *cfg, const struct rib_ops *ops, void *ctx, bool fib)
{
	struct rib_params p = {
	    .asn = cfg->asn,
	    .router_id = cfg->router_id,
	    .max_paths = cfg->max_paths,
	    .delay_ms = cfg->route_programming_delay_ms,
	    .networks = cfg->networks,
	    .n_networks = cfg->n_networks,
	    .n_peers = cfg->n_neighbors,
	};
	p.peers = calloc(cfg->n_neighbors ? cfg->n_neighbors : 1, sizeof(*p.peers));
	if (!p.peers) {
		lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_neighbors; i++) {
		p.peers[i].addr = cfg->neighbors[i].addr;
		p.peers[i].remote_as = cfg->neighbors[i].remote_as;
		p.peers[i].next_hop_self = cfg->neighbors[i].next_hop_self;
	}
	struct rib *rib = rib_new_params(&p, ops, ctx, fib);
	free(p.peers);
	return rib;
}
