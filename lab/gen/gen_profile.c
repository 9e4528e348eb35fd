/* The profile table. Each entry is one side of a shipped topology, so that a
 * generated lab runs the timers of a reference experiment: see the topology named
 * in `source` for the citation of every value; tests/unit/gen/test_gen_profile.c
 * fails when the two disagree. */
#include <string.h>

#include "gen/gen_profile.h"

static const struct gen_profile profiles[] = {
    {
        /* topologies/dual-tunnel.yaml, azure-vpn0/1 and azure-hub */
        .name = "azure-vwan",
        .source = "Azure Virtual WAN side of topologies/dual-tunnel.yaml",
        .gateway_bird = true,
        .keepalive = 60,
        .hold = 180,
        .connect_retry = 5,
        .error_wait = 1,
        .router_delay_ms = 7800,
        .ike_proposal = "aes256-sha256-modp1024",
        .esp = "aes256-sha256",
        .ike_lifetime = 3600,
        .child_lifetime = 27000,
        .dpd = 45,
        .nat_traversal = true,
    },
    {
        /* topologies/dual-tunnel.yaml, ali-vpn0/1 and ali-tr */
        .name = "alibaba-cen",
        .source = "Alibaba CEN side of topologies/dual-tunnel.yaml",
        .gateway_bird = false,
        .keepalive = 10,
        .hold = 30,
        .connect_retry = 5,
        .error_wait = 1,
        .router_delay_ms = 10800,
        .ike_proposal = "aes256-sha256-modp1024",
        .esp = "aes256-sha256",
        .ike_lifetime = 3600,
        .child_lifetime = 27000,
        .dpd = 45,
        .nat_traversal = true,
    },
};

const struct gen_profile *gen_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

void gen_profile_list(FILE *f)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		fprintf(f, "%s%s", i ? ", " : "", profiles[i].name);
}
