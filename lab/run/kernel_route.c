#include "run/kernel_route.h"

#include <arpa/inet.h>
#include <string.h>

#include "common/err.h"
#include "run/run.h"
#include "topo/topo.h"

int run_kernel_route(const struct topo_node *node, const struct topo_route *r,
                     run_ifindex_fn ifindex, void *ctx, struct netns_route *out)
{
	char dst[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &r->dst.addr, dst, sizeof(dst));
	memset(out, 0, sizeof(*out));
	out->dst = r->dst.addr;
	out->dst_len = r->dst.len;
	int dev = 0;
	if (r->dev[0]) {
		uint32_t i = topo_iface_index(node, r->dev);
		if (i == TOPO_NONE)
			return lab_err(LAB_EXIT_USAGE,
			               "node %s: route %s/%u names dev %s, which is not one of its "
			               "interfaces",
			               node->name, dst, r->dst.len, r->dev);
		dev = ifindex ? ifindex(ctx, node, i) : RUN_IFINDEX_BASE + (int)i;
		if (dev < 0)
			return -1;
	}
	if (r->nvia == 0) {
		if (!dev)
			return lab_err(LAB_EXIT_USAGE,
			               "node %s: route %s/%u has neither via nor dev", node->name,
			               dst, r->dst.len);
		out->n_nh = 1; /* on-link: "to D dev X" */
		out->nh[0].ifindex = dev;
		return 0;
	}
	for (uint32_t i = 0; i < r->nvia && i < NETNS_MAX_NEXTHOPS; i++) {
		out->nh[i].via = r->via[i];
		out->nh[i].ifindex = dev;
		out->n_nh++;
	}
	return 0;
}
