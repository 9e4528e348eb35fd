/* Two labctl-bgpd in two private namespaces joined by a veth pair (session layer,
 * bgpsession): they reach Established and exchange a route into each other's
 * kernel; `tunnel NAME down` drops the tracked session at once with a CEASE and `up`
 * brings it back; `refresh` sends ROUTE-REFRESH; a silenced peer (SIGSTOP) is
 * detected after its last KEEPALIVE + H exactly, i.e. within (H-K, H] of the fault;
 * SIGTERM sends CEASE/Administrative Shutdown and removes the daemon's routes.
 * Before that, a fake peer gets NOTIFICATION 2/6 for hold 1 s, 2/2 for a wrong AS and
 * 1/1 for a broken marker, over real TCP. H = 3 s, K = 1 s. Timings are read from the
 * journals (CLOCK_MONOTONIC). */
#include <netinet/in.h>
#include <poll.h>

#include "msg.h"
#include "pair.h"

#define H_NS (3000 * NS_PER_MS)
#define K_NS (1000 * NS_PER_MS)
#define TOL_NS (50 * NS_PER_MS)

/* From B's namespace (as B's address), connects to A's speaker, sends msg and
 * returns the NOTIFICATION A answers with (code << 8 | subcode), or -1; *seen (if
 * not NULL) gets a bit (1 << type) for every message type A sent. */
static int probe_notification(const uint8_t *msg, size_t len, unsigned *seen)
{
	char nsp[96];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1, result = -1;
	snprintf(nsp, sizeof(nsp), "/run/netns/%s", L.net.ns[1]);
	int nfd = open(nsp, O_RDONLY | O_CLOEXEC);
	if (self < 0 || nfd < 0 || setns(nfd, CLONE_NEWNET) < 0)
		goto out;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a4d0002)};
	struct sockaddr_in ra = {
	    .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a4d0001), .sin_port = htons(1179)};
	setns(self, CLONE_NEWNET); /* the socket stays in B's namespace */
	if (fd < 0 || bind(fd, (struct sockaddr *)&la, sizeof(la)) < 0 ||
	    connect(fd, (struct sockaddr *)&ra, sizeof(ra)) < 0 ||
	    write(fd, msg, len) != (ssize_t)len)
		goto out;
	uint8_t buf[8192];
	size_t have = 0;
	int64_t end = mono_ns() + 2 * NS_PER_SEC;
	while (mono_ns() < end && have < sizeof(buf)) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	/* A's OPEN comes first (it sent it on accepting), then the NOTIFICATION. */
	size_t off = 0;
	struct bgp_error err;
	int n;
	while ((n = bgp_frame_len(buf + off, have - off, &err)) > 0) {
		if (seen)
			*seen |= 1u << buf[off + 18];
		if (buf[off + 18] == BGP_MSG_NOTIFICATION && n >= 21)
			result = buf[off + 19] << 8 | buf[off + 20];
		off += (size_t)n;
	}
out:
	if (fd >= 0)
		close(fd);
	if (nfd >= 0)
		close(nfd);
	if (self >= 0) {
		setns(self, CLONE_NEWNET);
		close(self);
	}
	return result;
}

static void test_refusals(void)
{
	/* An OPEN with hold time 1 s: 2/6 Unacceptable Hold Time. */
	uint8_t buf[BGP_MAX_MSG_LEN];
	struct wbuf w;
	struct bgp_open o;
	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = 65515;
	o.hold_time = 1;
	o.bgp_id.s_addr = htonl(0x0a4d0002);
	o.caps.present = true;
	o.caps.mp_ipv4_unicast = true;
	o.caps.as4 = true;
	o.caps.as4_value = 65515;
	wbuf_init(&w, buf, sizeof(buf));
	CHECK(bgp_build_open(&w, &o) == 0);
	CHECK_INT(probe_notification(buf, w.len, NULL), 2 << 8 | 6);
	/* The wrong AS: 2/2. */
	o.hold_time = 90;
	o.my_as = o.caps.as4_value = 65000;
	wbuf_init(&w, buf, sizeof(buf));
	CHECK(bgp_build_open(&w, &o) == 0);
	CHECK_INT(probe_notification(buf, w.len, NULL), 2 << 8 | 2);
	/* Our own BGP identifier from an eBGP peer is fine (RFC 6286 s2.2): A answers
	 * the OPEN with a KEEPALIVE, no NOTIFICATION. */
	o.my_as = o.caps.as4_value = 65515;
	o.bgp_id.s_addr = htonl(0x0a4d0001);
	wbuf_init(&w, buf, sizeof(buf));
	CHECK(bgp_build_open(&w, &o) == 0);
	unsigned seen = 0;
	CHECK_INT(probe_notification(buf, w.len, &seen), -1);
	CHECK(seen & (1u << BGP_MSG_KEEPALIVE));
	/* A broken marker: 1/1 Connection Not Synchronized. */
	memset(buf, 0, BGP_HEADER_LEN);
	buf[17] = BGP_HEADER_LEN;
	buf[18] = BGP_MSG_KEEPALIVE;
	CHECK_INT(probe_notification(buf, BGP_HEADER_LEN, NULL), 1 << 8 | 1);
}

/* Line number (from 1) of the first journal line of node i with both needles, or 0. */
static int journal_line(int i, const char *n1, const char *n2)
{
	char path[160], line[1024];
	snprintf(path, sizeof(path), "%s/%c.jsonl", L.dir, 'a' + i);
	FILE *f = fopen(path, "r");
	int no = 0, found = 0;
	while (f && !found && fgets(line, sizeof(line), f)) {
		no++;
		if (strstr(line, n1) && strstr(line, n2))
			found = no;
	}
	if (f)
		fclose(f);
	return found;
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
	    "neighbor 10.77.0.%d remote-as %s local-address 10.77.0.%d hold-ms 3000 "
	    "keepalive-ms 1000 connect-retry-ms 500 track-tunnel t%d\n";
	char path[160], text[1024];
	snprintf(path, sizeof(path), "%s/%c.conf", L.dir, 'a' + i);
	snprintf(text, sizeof(text), tmpl, i ? "65515" : "64512", i + 1, L.dir, 'a' + i, L.dir,
	         'a' + i, i ? "10.2.0.0/16" : "10.1.0.0/16", 2 - i, i ? "64512" : "65515", i + 1,
	         i);
	write_file_atomic(path, text, strlen(text), 0600);
}

int main(void)
{
	const char *bgpd = NULL;
	int pre = pair_prereq(&bgpd);
	if (pre)
		return pre;
	CHECK(pair_setup("bgps") == 0);
	for (int i = 0; i < 2; i++)
		write_conf(i);
	if (check_failures)
		return check_done();
	/* 0. A alone; a fake B sends what A must refuse, each with its NOTIFICATION. */
	L.pid[0] = spawn(0, bgpd);
	int64_t end = mono_ns() + 5 * NS_PER_SEC;
	while (!strstr(ctl(0, "show\n"), "\"state\"") && mono_ns() < end)
		usleep(20000);
	test_refusals();
	L.pid[1] = spawn(1, bgpd);

	/* 1. Established both ways, routes in both kernels. */
	CHECK(wait_for(established, 0, 15 * NS_PER_SEC));
	CHECK(wait_for(established, 1, 5 * NS_PER_SEC));
	end = mono_ns() + 5 * NS_PER_SEC;
	while ((!has_route(0, "10.2.0.0/16") || !has_route(1, "10.1.0.0/16")) && mono_ns() < end)
		usleep(20000);
	CHECK(has_route(0, "10.2.0.0/16"));
	CHECK(has_route(1, "10.1.0.0/16"));
	const char *show = ctl(0, "show\n");
	CHECK(strstr(show, "\"hold_ms\":3000") && strstr(show, "\"keepalive_ms\":1000"));
	CHECK(strstr(show, "\"prefix\":\"10.2.0.0/16\""));
	/* Journal order: the session is Established before its first UPDATE goes out. */
	for (int i = 0; i < 2; i++) {
		int est = journal_line(i, "\"ev\":\"state\"", "\"to\":\"Established\"");
		int upd = journal_line(i, "\"ev\":\"tx\"", "\"type\":\"update\"");
		CHECK(est > 0 && upd > est);
	}
	if (check_failures)
		return check_done();

	/* 2. Tunnel down: A drops the session at once, B hears CEASE/Administrative Reset. */
	int64_t t0 = mono_ns();
	CHECK_STR(ctl(0, "tunnel t0 down\n"), "ok\n");
	int64_t td = journal_find(0, t0, "\"reason\":\"tunnel-down\"", "\"to\":\"Idle\"");
	CHECK(td > 0 && td - t0 < 100 * NS_PER_MS);
	CHECK(wait_journal(1, t0, "\"type\":\"notification\"", "\"code\":6,\"subcode\":4",
	                   NS_PER_SEC) > 0);
	usleep(1500 * 1000); /* longer than B's connect-retry: A must stay down */
	CHECK(!established(0));
	CHECK(strstr(ctl(0, "show\n"), "\"tunnel_down\":true"));
	CHECK_STR(ctl(0, "tunnel t0 up\n"), "ok\n");
	CHECK(wait_for(established, 0, 10 * NS_PER_SEC));
	CHECK(wait_for(established, 1, 5 * NS_PER_SEC));

	/* 3. ROUTE-REFRESH from A reaches B. */
	t0 = mono_ns();
	CHECK_STR(ctl(0, "refresh 10.77.0.2\n"), "ok\n");
	CHECK(wait_journal(1, t0, "\"ev\":\"rx\"", "\"type\":\"route-refresh\"", NS_PER_SEC) > 0);
	CHECK(strncmp(ctl(0, "refresh 10.9.9.9\n"), "error", 5) == 0);
	CHECK(strncmp(ctl(0, "bogus\n"), "error", 5) == 0);

	/* 4. B silenced: A detects it at last KEEPALIVE from B + H, within (H-K, H]. */
	usleep(1200 * 1000); /* a few keepalives in steady state */
	int64_t fault = mono_ns();
	kill(L.pid[1], SIGSTOP);
	int64_t det =
	    wait_journal(0, fault, "\"reason\":\"hold-timer-expired\"", NULL, H_NS + NS_PER_SEC);
	int64_t last_rx = -1;
	{
		/* the last KEEPALIVE A received (rx lines only) */
		char path[160], line[1024];
		snprintf(path, sizeof(path), "%s/a.jsonl", L.dir);
		FILE *f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			long long t;
			if (sscanf(line, "{\"t\":%lld", &t) == 1 && t < det &&
			    strstr(line, "\"ev\":\"rx\"") && strstr(line, "\"type\":\"keepalive\""))
				last_rx = t;
		}
		if (f)
			fclose(f);
	}
	CHECK(det > 0);
	fprintf(stderr,
	        "silenced peer: detected %.1f ms after the fault, %.3f ms after its "
	        "last KEEPALIVE (H = 3000 ms, K = 1000 ms)\n",
	        (double)(det - fault) / 1e6, (double)(det - last_rx) / 1e6);
	CHECK(det - fault > H_NS - K_NS);
	CHECK(det - fault <= H_NS + TOL_NS);
	CHECK(last_rx > 0 && det - last_rx >= H_NS && det - last_rx <= H_NS + TOL_NS);
	kill(L.pid[1], SIGCONT);
	CHECK(wait_for(established, 0, 15 * NS_PER_SEC));
	CHECK(wait_for(established, 1, 5 * NS_PER_SEC));
	end = mono_ns() + 5 * NS_PER_SEC;
	while (!has_route(0, "10.2.0.0/16") && mono_ns() < end)
		usleep(20000);
	CHECK(has_route(0, "10.2.0.0/16"));

	/* 5. SIGTERM: CEASE/Administrative Shutdown to B, A's kernel routes gone, exit 0. */
	t0 = mono_ns();
	int status = stop(0, SIGTERM);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!has_route(0, "10.2.0.0/16"));
	CHECK(wait_journal(1, t0, "\"type\":\"notification\"", "\"code\":6,\"subcode\":2",
	                   NS_PER_SEC) > 0);
	CHECK(wait_journal(1, t0, "\"reason\":\"notification-received\"", NULL, NS_PER_SEC) > 0);
	end = mono_ns() + 2 * NS_PER_SEC;
	while (has_route(1, "10.1.0.0/16") && mono_ns() < end)
		usleep(20000);
	CHECK(!has_route(1, "10.1.0.0/16"));
	if (check_failures)
		fprintf(stderr, "logs and journals: %s (LABTEST_KEEP=1 keeps them)\n", L.dir);
	return check_done();
}
