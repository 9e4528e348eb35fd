/* FIB over libmnl in a private namespace: a 2-path ECMP route with protocol bgp,
 * replaced by a single path, deleted; an unresolvable next hop is left out; the
 * flush removes only protocol-bgp routes. Checked with `ip -j route`. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "bgp/fib.h"

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

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

int main(void)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	snprintf(ns, sizeof(ns), "labtest-fib-%d", (int)getpid());
	if (sh("ip netns add %s", ns) != 0)
		return check_skip("cannot create a network namespace");
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
	fib_close(f);
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
