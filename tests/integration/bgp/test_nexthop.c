/* A next hop that vanishes under a running labctl-bgpd (rib, FIB notifications):
 * A learns B's 10.2.0.0/16 via 10.77.0.2 on v0. Then, in A's namespace, the address
 * of v0 is removed, v0 is set down, and v0 is deleted. Each time A must journal
 * `nexthop-unreachable` (interface v0, the right `why`) and delete the kernel route
 * within LIMIT of the change: it learns of it from netlink notifications, not from a
 * periodic re-read (which took up to a second). The test makes each change itself
 * over rtnetlink, so the instant it took effect is known to the microsecond (an
 * `ip` command alone takes tens of ms to start). The session itself is untouched
 * (hold 30 s): only next-hop resolution acts. Between the steps the route must come
 * back as soon as the address or the link does. */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "pair.h"

#define LIMIT_NS (50 * NS_PER_MS)

enum change { ADDR_DEL, ADDR_ADD, LINK_DOWN, LINK_UP, LINK_DEL };

/* Makes the change to v0 in A's namespace; the monotonic time just before the
 * kernel got the request, or -1. */
static int64_t change(enum change c)
{
	char nsp[96], buf[MNL_SOCKET_BUFFER_SIZE];
	snprintf(nsp, sizeof(nsp), "/run/netns/%s", L.net.ns[0]);
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int nfd = open(nsp, O_RDONLY | O_CLOEXEC);
	struct mnl_socket *nl = NULL;
	unsigned ifi = 0;
	int64_t t0 = -1;
	if (self < 0 || nfd < 0 || setns(nfd, CLONE_NEWNET) < 0)
		goto out;
	nl = mnl_socket_open(NETLINK_ROUTE);
	ifi = if_nametoindex("v0");
	setns(self, CLONE_NEWNET); /* the socket stays in A's namespace */
	if (!nl || !ifi || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	if (c == ADDR_DEL || c == ADDR_ADD) {
		nlh->nlmsg_type = c == ADDR_DEL ? RTM_DELADDR : RTM_NEWADDR;
		if (c == ADDR_ADD)
			nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		ifa->ifa_prefixlen = 30;
		ifa->ifa_index = ifi;
		mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(0x0a4d0001));
		mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(0x0a4d0001));
	} else {
		nlh->nlmsg_type = c == LINK_DEL ? RTM_DELLINK : RTM_NEWLINK;
		struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_UNSPEC;
		ifm->ifi_index = (int)ifi;
		ifm->ifi_change = c == LINK_DEL ? 0 : IFF_UP;
		ifm->ifi_flags = c == LINK_UP ? IFF_UP : 0;
	}
	int64_t t = mono_ns();
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n > 0 && mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(nl), NULL, NULL) >= 0)
		t0 = t;
out:
	if (nl)
		mnl_socket_close(nl);
	if (nfd >= 0)
		close(nfd);
	if (self >= 0)
		close(self);
	return t0;
}

static bool has_route(int i, const char *prefix)
{
	return nsp_sh("ip -n %s route show %s proto bgp | grep -q .", L.net.ns[i], prefix) == 0;
}

static void write_conf(int i)
{
	static const char *const tmpl =
	    "asn %s\nrouter-id 10.77.0.%d\ncontrol %s/%c.sock\njournal %s/%c.jsonl\n"
	    "port 1179\nnetwork %s\n"
	    "neighbor 10.77.0.%d remote-as %s local-address 10.77.0.%d hold-ms 30000 "
	    "keepalive-ms 10000 connect-retry-ms 500\n";
	char path[160], text[1024];
	snprintf(path, sizeof(path), "%s/%c.conf", L.dir, 'a' + i);
	snprintf(text, sizeof(text), tmpl, i ? "65515" : "64512", i + 1, L.dir, 'a' + i, L.dir,
	         'a' + i, i ? "10.2.0.0/16" : "10.1.0.0/16", 2 - i, i ? "64512" : "65515", i + 1);
	write_file_atomic(path, text, strlen(text), 0600);
}

static bool route_back(int i)
{
	return has_route(i, "10.2.0.0/16");
}

/* Makes change c in A's namespace and checks A's reaction to it. */
static void step(const char *what, enum change c, const char *why)
{
	char need[64];
	snprintf(need, sizeof(need), "\"why\":\"%s\"", why);
	int64_t t0 = change(c);
	CHECK(t0 > 0);
	int64_t ev = wait_journal(0, t0, "\"ev\":\"nexthop-unreachable\"", need, 2 * NS_PER_SEC);
	int64_t del = wait_journal(0, t0, "\"ev\":\"fib\"", "\"op\":\"delete\"", 2 * NS_PER_SEC);
	CHECK(ev > 0 && del >= ev);
	CHECK(journal_find(0, t0, "\"nexthop\":\"10.77.0.2\",\"interface\":\"v0\"", need) == ev);
	fprintf(stderr, "%s: nexthop-unreachable %.3f ms, fib delete %.3f ms after the change\n",
	        what, (double)(ev - t0) / 1e6, (double)(del - t0) / 1e6);
	CHECK(ev - t0 < LIMIT_NS && del - t0 < LIMIT_NS);
	CHECK(!has_route(0, "10.2.0.0/16"));
	CHECK(strstr(ctl(0, "show\n"), "\"nh_resolvable\":false") != NULL);
	CHECK(established(0)); /* the session is not what reacted */
}

int main(void)
{
	const char *bgpd = NULL;
	int pre = pair_prereq(&bgpd);
	if (pre)
		return pre;
	CHECK(pair_setup("bgpnh") == 0);
	for (int i = 0; i < 2; i++)
		write_conf(i);
	if (check_failures)
		return check_done();
	for (int i = 0; i < 2; i++)
		L.pid[i] = spawn(i, bgpd);
	CHECK(wait_for(established, 0, 15 * NS_PER_SEC));
	CHECK(wait_for(route_back, 0, 5 * NS_PER_SEC));
	if (check_failures)
		return check_done();

	step("address removed", ADDR_DEL, "address-removed");
	int64_t t0 = change(ADDR_ADD);
	CHECK(t0 > 0);
	CHECK(wait_for(route_back, 0, NS_PER_SEC));
	int64_t back = wait_journal(0, t0, "\"ev\":\"fib\"", "\"op\":\"replace\"", NS_PER_SEC);
	CHECK(back > 0 && back - t0 < LIMIT_NS);
	fprintf(stderr, "back: fib replace %.3f ms after the change\n", (double)(back - t0) / 1e6);

	step("link down", LINK_DOWN, "link-down");
	t0 = change(LINK_UP);
	CHECK(t0 > 0);
	CHECK(wait_for(route_back, 0, NS_PER_SEC));
	back = wait_journal(0, t0, "\"ev\":\"fib\"", "\"op\":\"replace\"", NS_PER_SEC);
	CHECK(back > 0 && back - t0 < LIMIT_NS);
	fprintf(stderr, "back: fib replace %.3f ms after the change\n", (double)(back - t0) / 1e6);

	step("link deleted", LINK_DEL, "link-deleted");
	if (check_failures)
		fprintf(stderr, "logs and journals: %s (LABTEST_KEEP=1 keeps them)\n", L.dir);
	return check_done();
}
