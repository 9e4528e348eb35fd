/* run_kernel_route: every topology route form becomes the kernel route `up`, the dry
 * run and a link-down heal all use; a device-only route keeps its one next hop. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "run/kernel_route.h"
#include "run/net.h"
#include "run/run.h"
#include "topo/topo.h"

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

static int by_name(void *ctx, const struct topo_node *node, uint32_t iface)
{
	(void)ctx;
	return !strcmp(node->ifaces[iface].name, "eth1") ? 42 : -1;
}

static void conversions(void)
{
	struct topo_iface ifs[2] = {{.name = "eth0"}, {.name = "eth1"}};
	struct topo_node n = {.ifaces = ifs, .n_ifaces = 2};
	snprintf(n.name, sizeof(n.name), "r1");
	struct netns_route nr;

	/* Device only: one next hop, no gateway, on eth1. */
	struct topo_route dev_only = {.dst = {ip("192.0.2.0"), 24}};
	snprintf(dev_only.dev, sizeof(dev_only.dev), "eth1");
	CHECK_INT(run_kernel_route(&n, &dev_only, NULL, NULL, &nr), 0);
	CHECK(nr.dst.s_addr == ip("192.0.2.0").s_addr && nr.dst_len == 24);
	CHECK_INT(nr.n_nh, 1);
	CHECK(nr.nh[0].via.s_addr == 0);
	CHECK_INT(nr.nh[0].ifindex, RUN_IFINDEX_BASE + 1);
	CHECK(!nr.replace && nr.table == 0);
	/* The same through a resolver (link-down heal asks the namespace). */
	CHECK_INT(run_kernel_route(&n, &dev_only, by_name, NULL, &nr), 0);
	CHECK_INT(nr.n_nh, 1);
	CHECK_INT(nr.nh[0].ifindex, 42);

	/* One via, the kernel finds the device. */
	struct topo_route one = {.dst = {ip("0.0.0.0"), 0}, .via = {ip("10.0.1.1")}, .nvia = 1};
	CHECK_INT(run_kernel_route(&n, &one, NULL, NULL, &nr), 0);
	CHECK_INT(nr.n_nh, 1);
	CHECK(nr.nh[0].via.s_addr == ip("10.0.1.1").s_addr);
	CHECK_INT(nr.nh[0].ifindex, 0);

	/* ECMP through a named device: every next hop on it. */
	struct topo_route ecmp = {
	    .dst = {ip("172.16.0.0"), 12}, .via = {ip("10.0.255.2"), ip("10.0.254.2")}, .nvia = 2};
	snprintf(ecmp.dev, sizeof(ecmp.dev), "eth0");
	CHECK_INT(run_kernel_route(&n, &ecmp, NULL, NULL, &nr), 0);
	CHECK_INT(nr.n_nh, 2);
	CHECK(nr.nh[1].via.s_addr == ip("10.0.254.2").s_addr);
	CHECK_INT(nr.nh[0].ifindex, RUN_IFINDEX_BASE);
	CHECK_INT(nr.nh[1].ifindex, RUN_IFINDEX_BASE);

	/* A device the node does not have: usage error naming it; a resolver error
	 * passes through. */
	struct topo_route bad = dev_only;
	snprintf(bad.dev, sizeof(bad.dev), "eth7");
	CHECK_INT(run_kernel_route(&n, &bad, NULL, NULL, &nr), -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "eth7") != NULL && strstr(lab_err_msg(), "r1") != NULL);
	struct topo_route dev0 = dev_only;
	snprintf(dev0.dev, sizeof(dev0.dev), "eth0");
	CHECK_INT(run_kernel_route(&n, &dev0, by_name, NULL, &nr), -1);
	/* Neither via nor dev. */
	struct topo_route none = {.dst = {ip("192.0.2.0"), 24}};
	CHECK_INT(run_kernel_route(&n, &none, NULL, NULL, &nr), -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	lab_err_clear();
}

/* The dry run prints the device-only route the way `up` adds it. */
static void ip_script(void)
{
	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK_INT(topo_load(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml", &t, &d), 0);
	topo_diags_free(&d);
	if (!t)
		return;
	/* A device-only route on the underlay node, as a topology may give it. */
	uint32_t u = topo_node_index(t, "internet");
	CHECK(u != TOPO_NONE);
	if (u == TOPO_NONE) {
		topo_free(t);
		return;
	}
	struct topo_node *n = &t->nodes[u];
	struct topo_route *rs = realloc(n->routes, (n->n_routes + 1) * sizeof(*rs));
	CHECK(rs != NULL);
	if (!rs) {
		topo_free(t);
		return;
	}
	n->routes = rs;
	struct topo_route *r = &rs[n->n_routes++];
	memset(r, 0, sizeof(*r));
	r->dst.addr = ip("192.0.2.0");
	r->dst.len = 24;
	snprintf(r->dev, sizeof(r->dev), "%s", n->ifaces[0].name);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	run_net_ip_script(f, "L", t);
	fclose(f);
	char want[128];
	snprintf(want, sizeof(want),
	         "ip -n L.internet route add 192.0.2.0/24 dev %s proto static\n",
	         n->ifaces[0].name);
	CHECK(strstr(buf, want) != NULL);
	CHECK(strstr(buf, "ip -n L.ecs route add 0.0.0.0/0 via 10.0.1.1 proto static\n") != NULL);
	free(buf);
	topo_free(t);
}

int main(void)
{
	conversions();
	ip_script();
	return check_done();
}
