/* From a validated topology to the timer model's scenario. Reads struct topo only
 * (no look-ups that allocate, no I/O), so CI runs it offline like the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "timers/timers.h"
#include "topo/model.h"

/* Is gateway `gw` on the same site as `host`, i.e. reachable over links without
 * crossing the underlay? Breadth-first over nodes; the topology is small. */
static int same_site(const struct topo *t, uint32_t host, uint32_t gw, bool *out)
{
	uint32_t *queue = calloc(t->n_nodes, sizeof(*queue));
	bool *seen = calloc(t->n_nodes, sizeof(*seen));
	size_t head = 0, tail = 0;

	if (!queue || !seen) {
		free(queue);
		free(seen);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	*out = false;
	queue[tail++] = host;
	seen[host] = true;
	while (head < tail && !*out) {
		uint32_t n = queue[head++];
		if (n == gw) {
			*out = true;
			break;
		}
		if (t->nodes[n].role == TOPO_ROLE_UNDERLAY)
			continue;
		for (size_t i = 0; i < t->n_links; i++)
			for (int e = 0; e < 2; e++) {
				uint32_t a = t->links[i].end[e].node, b = t->links[i].end[!e].node;
				if (a == n && b < t->n_nodes && !seen[b] &&
				    t->nodes[b].role != TOPO_ROLE_UNDERLAY) {
					seen[b] = true;
					queue[tail++] = b;
				}
			}
	}
	free(queue);
	free(seen);
	return 0;
}

/* The gateway's session over this tunnel. */
static const struct topo_bgp_neighbor *tunnel_session(const struct topo_bgp *b, uint32_t tunnel)
{
	for (size_t i = 0; i < b->n_neighbors; i++)
		if (b->neighbors[i].tunnel == tunnel)
			return &b->neighbors[i];
	return NULL;
}

/* The router behind the gateway that chooses between tunnels: its first iBGP
 * neighbor inside the topology that is not reached over a tunnel, as in the
 * article's clouds; else its first such eBGP neighbor (a generated hub gives each
 * gateway instance its own AS towards the hub router, docs/topology-format.md). */
static uint32_t router_behind(const struct topo *t, uint32_t gw)
{
	const struct topo_bgp *b = t->nodes[gw].bgp;
	uint32_t ebgp = TOPO_NONE;
	for (size_t i = 0; i < b->n_neighbors; i++) {
		const struct topo_bgp_neighbor *nb = &b->neighbors[i];
		if (nb->tunnel != TOPO_NONE || nb->node == TOPO_NONE || !t->nodes[nb->node].bgp)
			continue;
		if (nb->asn == b->asn)
			return nb->node;
		if (ebgp == TOPO_NONE)
			ebgp = nb->node;
	}
	return ebgp != TOPO_NONE ? ebgp : gw;
}

static int fill_side(const struct topo *t, uint32_t tunnel, int end, struct timers_side *s)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	uint32_t gw = tun->end[end].node;
	const struct topo_node *n = &t->nodes[gw];

	memset(s, 0, sizeof(*s));
	snprintf(s->gateway, sizeof(s->gateway), "%s", n->name);
	if (!n->bgp)
		return lab_err(LAB_EXIT_USAGE,
		               "%s:%u:%u: tunnel '%s': gateway '%s' runs no BGP, so nothing moves "
		               "traffic off the tunnel; give it a bgp section",
		               t->path ? t->path : "?", tun->pos.line, tun->pos.col, tun->name,
		               n->name);
	const struct topo_bgp_neighbor *nb = tunnel_session(n->bgp, tunnel);
	if (!nb)
		return lab_err(LAB_EXIT_USAGE,
		               "%s:%u:%u: tunnel '%s': gateway '%s' has no BGP neighbor across it; "
		               "add the peer's inside address as a neighbor",
		               t->path ? t->path : "?", n->bgp->pos.line, n->bgp->pos.col,
		               tun->name, n->name);
	s->speaker =
	    n->bgp->speaker == TOPO_SPEAKER_BIRD ? TIMERS_SPEAKER_BIRD : TIMERS_SPEAKER_RFC4271;
	/* The lab runs BIRD 2.0: its withdrawal waits for its next wake-up. */
	s->wake_max_s = s->speaker == TIMERS_SPEAKER_BIRD ? TIMERS_BIRD_WAKE_MAX_S : 0;
	s->keepalive_s = nb->timers.keepalive_ms / 1000.0;
	s->hold_s = nb->timers.hold_ms / 1000.0;
	/* Tunnel events reach only our speaker (the charon plugin writes to its control
	 * socket); a BIRD gateway ignores track_tunnel, so the model must too. */
	s->track_tunnel = nb->track_tunnel && s->speaker == TIMERS_SPEAKER_RFC4271;
	s->dpd_delay_s = tun->end[end].ike.dpd_delay_ms / 1000.0;
	const struct topo_ike *ike = &tun->end[end].ike;
	if (ike->retransmit_timeout_ms)
		s->retransmit =
		    (struct timers_ike_retransmit){ike->retransmit_timeout_ms / 1000.0,
		                                   ike->retransmit_base, ike->retransmit_tries};
	s->bfd_detect_mult = 3;
	/* BFD as the session runs it: detection = multiplier x interval (the model's
	 * bfd mechanism); both ends configure the same key. */
	if (nb->bfd.interval_ms) {
		s->bfd_interval_s = nb->bfd.interval_ms / 1000.0;
		s->bfd_detect_mult = nb->bfd.multiplier;
	}
	uint32_t r = router_behind(t, gw);
	snprintf(s->router, sizeof(s->router), "%s", t->nodes[r].name);
	s->programming_s = t->nodes[r].bgp->route_programming_delay_ms / 1000.0;
	return 0;
}

int timers_input_from_topo(const struct topo *t, uint32_t tunnel_index, const char *fault,
                           struct timers_input *out)
{
	struct timers_input in;
	int side0_end = 0;

	if (tunnel_index >= t->n_tunnels)
		return lab_err(LAB_EXIT_USAGE,
		               "topology '%s' has %zu tunnel(s); tunnel %u does not "
		               "exist",
		               t->name, t->n_tunnels, tunnel_index);
	timers_input_article(&in);
	if (fault && timers_fault_parse(fault, &in.fault) < 0)
		return -1;
	/* Side 0 is the end the first probe's source reaches without the underlay, so
	 * that fwd (from -> to) is the direction side 0's router has to repair. */
	if (t->n_probes > 0) {
		bool near = true;
		if (same_site(t, t->probes[0].from, t->tunnels[tunnel_index].end[0].node, &near) <
		    0)
			return -1;
		side0_end = near ? 0 : 1;
		in.probe_interval_s = t->probes[0].interval_ms / 1000.0;
	} else {
		in.probe_interval_s = t->defaults.probe_interval_ms / 1000.0;
	}
	for (int i = 0; i < 2; i++)
		if (fill_side(t, tunnel_index, i ^ side0_end, &in.side[i]) < 0)
			return -1;
	/* Another tunnel between the sites is what the routers can fail over to. */
	in.alternate_path = t->n_tunnels > 1;
	if (timers_input_check(&in) < 0)
		return -1;
	*out = in;
	return 0;
}
