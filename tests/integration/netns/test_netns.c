/* netns/: namespaces visible to iproute2, veth pairs that never touch the root
 * namespace, addresses, ECMP routes with the right kernel weights, per-namespace
 * sysctls, and deletion. Checked with `ip` itself, the reference tool. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "netns/netns.h"

static char ns_a[64], ns_b[64];

/* Output of a shell command (trailing newline kept), "" on failure. */
static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	static char out[65536];
	out[0] = '\0';
	FILE *p = popen(cmd, "r");
	if (!p)
		return out;
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

/* The root namespace as `ip` shows it, without counters or lifetimes. */
static char *root_snapshot(void)
{
	return strdup(sh("ip -br link; ip -br addr; ip route show table all; "
	                 "cat /proc/sys/net/ipv4/ip_forward"));
}

static void cleanup(void)
{
	netns_delete(ns_a);
	netns_delete(ns_b);
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

int main(void)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)");
	snprintf(ns_a, sizeof(ns_a), "t%d.a", (int)getpid());
	snprintf(ns_b, sizeof(ns_b), "t%d.b", (int)getpid());
	atexit(cleanup);
	char *before = root_snapshot();

	struct netns *a = NULL, *b = NULL;
	CHECK(netns_create(ns_a, &a) == 0);
	CHECK(netns_create(ns_b, &b) == 0);
	if (!a || !b) {
		fprintf(stderr, "%s\n", lab_err_msg());
		return check_done();
	}
	CHECK(netns_exists(ns_a));
	CHECK(netns_create(ns_a, &(struct netns *){NULL}) == -1); /* exists */
	CHECK(strstr(sh("ip netns list"), ns_a) != NULL);
	CHECK(strstr(sh("ip -n %s -br link show lo", ns_a), "UNKNOWN") != NULL);

	CHECK(netns_veth(a, "va", 10, b, "vb", 11, 1400, NULL, NULL) == 0);
	CHECK(netns_veth(a, "va2", 0, b, "vb2", 0, 0, NULL, NULL) == 0);
	CHECK(if_nametoindex("va") == 0 && if_nametoindex("vb") == 0);
	CHECK(strstr(sh("ip -n %s -o link show va", ns_a), "10: va@") != NULL);
	CHECK(strstr(sh("ip -n %s -o link show vb", ns_b), "mtu 1400") != NULL);
	CHECK(strstr(sh("ip -n %s -o link show vb", ns_b), ",UP") != NULL);
	CHECK_INT(netns_ifindex(a, "va"), 10);
	int va2 = netns_ifindex(a, "va2"), vb2 = netns_ifindex(b, "vb2");
	CHECK(va2 > 0 && vb2 > 0);
	CHECK(netns_ifindex(a, "nope") == -1);

	CHECK(netns_addr_add(a, 10, ip4("10.99.0.1"), 30) == 0);
	CHECK(netns_addr_add(b, 11, ip4("10.99.0.2"), 30) == 0);
	CHECK(netns_addr_add(a, va2, ip4("10.99.1.1"), 30) == 0);
	CHECK(netns_addr_add(b, vb2, ip4("10.99.1.2"), 30) == 0);
	CHECK(strstr(sh("ip -n %s -o addr show va", ns_a), "10.99.0.1/30") != NULL);

	struct netns_route r = {.dst = ip4("192.0.2.0"), .dst_len = 24, .n_nh = 2};
	r.nh[0].via = ip4("10.99.0.2");
	r.nh[1].via = ip4("10.99.1.2");
	r.nh[1].weight = 3;
	CHECK(netns_route_add(a, &r) == 0);
	char *rt = sh("ip -n %s route show 192.0.2.0/24", ns_a);
	CHECK(strstr(rt, "nexthop via 10.99.0.2 dev va weight 1") != NULL);
	CHECK(strstr(rt, "nexthop via 10.99.1.2 dev va2 weight 3") != NULL);
	CHECK(netns_route_add(a, &r) == -1); /* exists, no replace */
	r.replace = true;
	r.n_nh = 1;
	CHECK(netns_route_add(a, &r) == 0);
	CHECK(strstr(sh("ip -n %s route show 192.0.2.0/24", ns_a),
	             "192.0.2.0/24 via 10.99.0.2 dev va proto static") != NULL);
	struct netns_route def = {.n_nh = 1};
	def.nh[0].via = ip4("10.99.0.1");
	CHECK(netns_route_add(b, &def) == 0);
	CHECK(strstr(sh("ip -n %s route show default", ns_b), "default via 10.99.0.1") != NULL);

	CHECK(netns_sysctl(a, "net/ipv4/ip_forward", "1") == 0);
	CHECK_STR(sh("ip netns exec %s cat /proc/sys/net/ipv4/ip_forward", ns_a), "1\n");
	CHECK_STR(sh("ip netns exec %s cat /proc/sys/net/ipv4/ip_forward", ns_b), "0\n");
	CHECK(netns_sysctl(a, "net/ipv4/../../x", "1") == -1);

	CHECK(strstr(sh("ip netns exec %s ping -c1 -W1 10.99.0.2", ns_a), "1 received") != NULL);
	int s = netns_socket(a, AF_INET, SOCK_DGRAM, 0);
	CHECK(s >= 0);
	if (s >= 0) {
		/* Binding an address that exists only in a proves the socket lives there. */
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = ip4("10.99.0.1")};
		CHECK(bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0);
		close(s);
	}

	struct netns *a2 = NULL;
	CHECK(netns_open(ns_a, &a2) == 0);
	CHECK(a2 && netns_ifindex(a2, "va") == 10);
	netns_close(a2);

	netns_close(a);
	netns_close(b);
	CHECK(netns_delete(ns_a) == 0);
	CHECK(netns_delete(ns_b) == 0);
	CHECK(netns_delete(ns_b) == 0); /* idempotent */
	CHECK(!netns_exists(ns_a));
	CHECK(strstr(sh("ip netns list"), ns_a) == NULL);
	CHECK(access("/run/netns", F_OK) == 0);

	char *after = root_snapshot();
	CHECK_STR(after, before);
	free(before);
	free(after);
	return check_done();
}
