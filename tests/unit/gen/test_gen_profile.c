/* The generator's profiles are one side each of topologies/dual-tunnel.yaml (their
 * `source` says so); the values are written twice, in gen_profile.c and in the
 * topology, so this holds them together: change the topology (a refit of the cloud
 * delays, a timer) without the profile and this fails, naming the value. */
#include <stdio.h>
#include <string.h>

#include "../../check.h"
#include "gen/gen_profile.h"
#include "topo/topo.h"

static const struct topo *T;

static const struct topo_node *node(const char *name)
{
	for (size_t i = 0; i < T->n_nodes; i++)
		if (!strcmp(T->nodes[i].name, name))
			return &T->nodes[i];
	fprintf(stderr, "dual-tunnel has no node %s\n", name);
	return NULL;
}

/* The profile against its gateways (gw0, gw1), its router, and its end of every
 * tunnel. */
static void agree(const char *profile, const char *gw0, const char *gw1, const char *router)
{
	const struct gen_profile *p = gen_profile_find(profile);
	CHECK(p != NULL);
	if (!p)
		return;
	fprintf(stderr, "profile %s (%s)\n", p->name, p->source);
	const char *gws[2] = {gw0, gw1};
	for (int g = 0; g < 2; g++) {
		const struct topo_node *n = node(gws[g]);
		CHECK(n && n->bgp);
		if (!n || !n->bgp)
			continue;
		CHECK_INT(n->bgp->speaker == TOPO_SPEAKER_BIRD, p->gateway_bird);
		CHECK_INT(n->bgp->timers.keepalive_ms, p->keepalive * 1000);
		CHECK_INT(n->bgp->timers.hold_ms, p->hold * 1000);
		CHECK_INT(n->bgp->timers.connect_retry_ms, p->connect_retry * 1000);
		if (p->gateway_bird)
			CHECK_INT(n->bgp->error_wait_ms, p->error_wait * 1000);
		uint32_t self = (uint32_t)(n - T->nodes);
		int ends = 0;
		for (size_t t = 0; t < T->n_tunnels; t++)
			for (int e = 0; e < 2; e++) {
				const struct topo_tunnel_end *end = &T->tunnels[t].end[e];
				if (end->node != self)
					continue;
				ends++;
				CHECK_STR(end->ike.ike_proposal, p->ike_proposal);
				CHECK_STR(end->ike.esp_proposal, p->esp);
				CHECK_INT(end->ike.ike_lifetime_ms, p->ike_lifetime * 1000);
				CHECK_INT(end->ike.child_lifetime_ms, p->child_lifetime * 1000);
				CHECK_INT(end->ike.dpd_delay_ms, p->dpd * 1000);
				CHECK_INT(end->ike.nat_traversal, p->nat_traversal);
			}
		CHECK_INT(ends, 1);
	}
	const struct topo_node *r = node(router);
	CHECK(r && r->bgp);
	if (r && r->bgp)
		CHECK_INT(r->bgp->route_programming_delay_ms, p->router_delay_ms);
}

int main(void)
{
	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK_INT(topo_load(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml", &t, &d), 0);
	topo_diags_free(&d);
	if (!t)
		return check_done();
	T = t;
	agree("azure-vwan", "azure-vpn0", "azure-vpn1", "azure-hub");
	agree("alibaba-cen", "ali-vpn0", "ali-vpn1", "ali-tr");
	topo_free(t);
	return check_done();
}
