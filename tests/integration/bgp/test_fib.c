/* FIB over libmnl in a private namespace: a 2-path ECMP route with protocol bgp,
 * replaced by a single path, deleted; an unresolvable next hop is left out; the
 * flush removes only protocol-bgp routes; interface notifications survive an
 * overrun (ENOBUFS) by a full re-read. Checked with `ip -j route`. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "bgp/fib.h"
#include "bgp/rib_int.h"
#include "common/monotime.h"

static char ns[64];

static int sh(const char *fmt, const char *arg)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), fmt, arg, arg);
	return system(cmd);
}

/* `ip -j route show ...` in the namespace, whitespace stripped. */
static char *routes(const char *filter)
{
	static char out[8192];
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "ip -n %s -j route show %s", ns, filter);
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	int c;
	while (p && (c = fgetc(p)) != EOF && n + 1 < sizeof(out))
		if (c != ' ' && c != '\n')
			out[n++] = (char)c;
	out[n] = 0;
	if (p)
		pclose(p);
	return out;
}

/* 4000 /32 addresses added and removed on v1 in one `ip -batch`, then 10.97.0.1/24
 * on v0: far more notifications than the socket buffer holds. */
static int overrun_flood(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/labtest-fib-%d.batch", (int)getpid());
	FILE *b = fopen(path, "w");
	if (!b)
		return -1;
	for (int op = 0; op < 2; op++)
		for (int i = 0; i < 2000; i++)
			fprintf(b, "addr %s 10.96.%d.%d/32 dev v1\n", op ? "del" : "add", i / 200,
			        i % 200 + 1);
	fprintf(b, "addr add 10.97.0.1/24 dev v0\n");
	fclose(b);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "ip -n %s -batch %s", ns, path);
	int rc = system(cmd);
	unlink(path);
	return rc;
}

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

static int no_send(void *ctx, uint32_t peer, const struct bgp_update *u)
{
	(void)ctx, (void)peer, (void)u;
	return 0;
}

/* The RIB over the real FIB: a learnt route is written, survives its interface
 * being re-created (new index: the kernel drops the route, the RIB writes it again
 * on the netlink notification), has no best path while its interface is down, and
 * goes with its session and on exit. */
static void rib_part(void)
{
	static const struct rib_ops ops = {.send_update = no_send};
	struct rib_peer_cfg pc = {.addr = ip("10.99.0.2"), .remote_as = 65001};
	struct rib_params p = {.asn = 64512, .max_paths = 2, .n_peers = 1, .peers = &pc};
	struct rib *rib = rib_new_params(&p, &ops, NULL, true);
	CHECK(rib != NULL);
	if (!rib)
		return;
	struct rib_peer_info info = {.remote_id = ip("10.99.0.2"), .local_addr = ip("10.99.0.1")};
	int64_t now = mono_ns();
	CHECK_INT(rib_peer_up(rib, 0, &info, now), 0);
	struct bgp_update u;
	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	u.attrs.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	                  BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	uint32_t as = 65001;
	bgp_as_path_append(&u.attrs.as_path, BGP_AS_SEQUENCE, &as, 1);
	u.attrs.next_hop = ip("10.99.0.2");
	bgp_prefixes_add(&u.nlri, (struct bgp_prefix){.addr = ip("192.0.2.0"), .len = 24});
	CHECK_INT(rib_update(rib, 0, &u, now), 0);
	bgp_prefixes_free(&u.nlri);
	bgp_attrs_free(&u.attrs);
	CHECK(strstr(routes("proto bgp"),
	             "\"dst\":\"192.0.2.0/24\",\"gateway\":\"10.99.0.2\",\"dev\":\"v0\"") != NULL);

	char cmd[512];
	snprintf(cmd, sizeof(cmd),
	         "ip -n %s link del v0 && ip -n %s link add v0 type veth peer name v1 && "
	         "ip -n %s addr add 10.99.0.1/24 dev v0 && ip -n %s link set v0 up && "
	         "ip -n %s link set v1 up",
	         ns, ns, ns, ns, ns);
	CHECK_INT(system(cmd), 0);
	CHECK(strstr(routes("proto bgp"), "192.0.2.0") == NULL); /* the kernel dropped it */
	CHECK_INT(rib_fib_event(rib, now), 0);
	CHECK(strstr(routes("proto bgp"),
	             "\"dst\":\"192.0.2.0/24\",\"gateway\":\"10.99.0.2\",\"dev\":\"v0\"") != NULL);

	/* its interface set down: the next hop no longer resolves, so the route has
	 * no best path (RFC 4271 s9.1.2.1) until the interface is up again */
	struct rib_stats st;
	snprintf(cmd, sizeof(cmd), "ip -n %s link set v0 down", ns);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(rib_fib_event(rib, now), 0);
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 0);
	CHECK_INT(st.fib_installed, 0);
	snprintf(cmd, sizeof(cmd), "ip -n %s link set v0 up", ns);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(rib_fib_event(rib, now), 0);
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 1);
	CHECK(strstr(routes("proto bgp"),
	             "\"dst\":\"192.0.2.0/24\",\"gateway\":\"10.99.0.2\",\"dev\":\"v0\"") != NULL);

	/* a write the kernel refuses (a broadcast address as gateway) is not counted
	 * as installed */
	struct bgp_update b;
	memset(&b, 0, sizeof(b));
	bgp_attrs_init(&b.attrs);
	b.attrs.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	                  BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	bgp_as_path_append(&b.attrs.as_path, BGP_AS_SEQUENCE, &as, 1);
	b.attrs.next_hop = ip("10.99.0.255");
	bgp_prefixes_add(&b.nlri, (struct bgp_prefix){.addr = ip("198.18.0.0"), .len = 15});
	CHECK_INT(rib_update(rib, 0, &b, now + 3350 * NS_PER_MS), 0);
	bgp_prefixes_free(&b.nlri);
	bgp_attrs_free(&b.attrs);
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 2);
	CHECK_INT(st.fib_installed, 1);
	CHECK(strstr(routes("proto bgp"), "198.18.0.0") == NULL);

	rib_peer_down(rib, 0, now + 3400 * NS_PER_MS);
	CHECK_STR(routes("proto bgp"), "[]");
	rib_free(rib);
}

int main(void)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	snprintf(ns, sizeof(ns), "labtest-fib-%d", (int)getpid());
	if (sh("ip netns add %s", ns) != 0)
		return check_broken("cannot create the network namespace %s as root", ns);
	int rc = 1;
	char path[128];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && self >= 0);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
	         "ip -n %s link add v0 type veth peer name v1 && "
	         "ip -n %s addr add 10.99.0.1/24 dev v0 && ip -n %s link set v0 up && "
	         "ip -n %s link set v1 up && ip -n %s route add 198.51.100.0/24 dev v0",
	         ns, ns, ns, ns, ns);
	CHECK_INT(system(cmd), 0);
	if (fd < 0 || self < 0 || setns(fd, CLONE_NEWNET) < 0)
		goto out;

	struct fib *f = fib_open();
	CHECK(f != NULL);
	if (!f)
		goto back;
	struct in_addr dst = ip("192.0.2.0");
	struct in_addr two[2] = {ip("10.99.0.2"), ip("10.99.0.3")};
	CHECK_INT(fib_replace(f, dst, 24, two, 2), 2);
	CHECK_INT(fib_commit(f), 0);
	char *r = routes("proto bgp");
	CHECK(strstr(r, "\"dst\":\"192.0.2.0/24\"") != NULL);
	CHECK(strstr(r, "\"nexthops\"") != NULL);
	CHECK(strstr(r, "\"gateway\":\"10.99.0.2\"") != NULL);
	CHECK(strstr(r, "\"gateway\":\"10.99.0.3\"") != NULL);
	CHECK(strstr(r, "\"metric\":20") != NULL);
	if (!strstr(r, "10.99.0.3"))
		fprintf(stderr, "routes: %s\n", r);

	/* replace swaps the set: one path left, still one route */
	CHECK_INT(fib_replace(f, dst, 24, two + 1, 1), 1);
	CHECK_INT(fib_commit(f), 0);
	r = routes("proto bgp");
	CHECK(strstr(r, "\"gateway\":\"10.99.0.3\",\"dev\":\"v0\"") != NULL);
	CHECK(strstr(r, "10.99.0.2") == NULL);
	CHECK(strstr(r, "nexthops") == NULL);

	/* a next hop no connected prefix covers is left out */
	struct in_addr mixed[2] = {ip("172.31.0.1"), ip("10.99.0.2")};
	CHECK_INT(fib_replace(f, ip("203.0.113.0"), 24, mixed, 2), 1);
	CHECK_INT(fib_replace(f, ip("203.0.114.0"), 24, mixed, 1), 0);
	CHECK_INT(fib_commit(f), 0);
	r = routes("proto bgp");
	CHECK(strstr(r, "203.0.113.0/24") != NULL);
	CHECK(strstr(r, "172.31.0.1") == NULL);
	CHECK(strstr(r, "203.0.114.0") == NULL);

	/* delete */
	CHECK_INT(fib_delete(f, dst, 24), 0);
	CHECK_INT(fib_commit(f), 0);
	r = routes("proto bgp");
	CHECK(strstr(r, "192.0.2.0") == NULL);
	/* deleting what is not there is refused by the kernel, and counted */
	CHECK_INT(fib_delete(f, dst, 24), 0);
	CHECK_INT(fib_commit(f), 1);

	/* flush: ours go, the static route stays */
	CHECK_INT(fib_flush_proto(f), 1);
	CHECK_STR(routes("proto bgp"), "[]");
	CHECK(strstr(routes(""), "198.51.100.0/24") != NULL);

	/* notifications overrun (ENOBUFS): thousands of address changes while nobody
	 * reads; the full re-read that follows still finds the last change (an address
	 * whose prefix covers a next hop nothing covered before) */
	fib_changes(f, NULL, NULL);
	CHECK(!fib_nh_resolvable(f, ip("10.97.0.2")));
	CHECK_INT(overrun_flood(), 0);
	CHECK_INT(fib_monitor_read(f), 0);
	fprintf(stderr, "notification overruns: %u\n", fib_monitor_overruns(f));
	CHECK(fib_monitor_overruns(f) > 0);
	CHECK(fib_changes(f, NULL, NULL));
	CHECK(fib_nh_resolvable(f, ip("10.97.0.2")));
	fib_close(f);
	rib_part();
back:
	CHECK(setns(self, CLONE_NEWNET) == 0);
out:
	if (fd >= 0)
		close(fd);
	if (self >= 0)
		close(self);
	sh("ip netns del %s", ns);
	rc = check_done();
	return rc;
}
