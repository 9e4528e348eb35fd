/* Two labctl-bgpd in two private namespaces joined by a veth pair (session layer,
 * bgpsession): they reach Established and exchange a route into each other's
 * kernel; `tunnel NAME down` drops the tracked session at once with a CEASE and `up`
 * brings it back; `refresh` sends ROUTE-REFRESH; a silenced peer (SIGSTOP) is
 * detected after its last KEEPALIVE + H exactly, i.e. within (H-K, H] of the fault;
 * SIGTERM sends CEASE/Administrative Shutdown and removes the daemon's routes.
 * Before that, a fake peer gets NOTIFICATION 2/6 for hold 1 s, 2/2 for a wrong AS and
 * 1/1 for a broken marker, over real TCP. H = 3 s, K = 1 s. Timings are read from the
 * journals (CLOCK_MONOTONIC). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>
#include <poll.h>

#include "../../check.h"
#include "common/clock.h"
#include "common/fsutil.h"
#include "msg.h"

#define H_NS (3000 * NS_PER_MS)
#define K_NS (1000 * NS_PER_MS)
#define TOL_NS (50 * NS_PER_MS)

static struct {
	char ns[2][48], dir[96];
	pid_t pid[2];
} L;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int stop(int i, int sig)
{
	int status = -1;
	if (L.pid[i] <= 0)
		return -1;
	kill(L.pid[i], SIGCONT);
	kill(L.pid[i], sig);
	for (int n = 0; n < 300; n++) {
		if (waitpid(L.pid[i], &status, WNOHANG) == L.pid[i]) {
			L.pid[i] = 0;
			return status;
		}
		usleep(10000);
	}
	kill(L.pid[i], SIGKILL);
	waitpid(L.pid[i], &status, 0);
	L.pid[i] = 0;
	return -1;
}

static void cleanup(void)
{
	for (int i = 0; i < 2; i++) {
		stop(i, SIGTERM);
		if (L.ns[i][0])
			sh("ip netns del %s 2>/dev/null", L.ns[i]);
		L.ns[i][0] = 0;
	}
	if (L.dir[0] && !getenv("LABTEST_KEEP"))
		remove_tree(L.dir);
	L.dir[0] = 0;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static pid_t spawn(int i, const char *bgpd)
{
	char conf[160], log[160], nsp[96];
	snprintf(conf, sizeof(conf), "%s/%c.conf", L.dir, 'a' + i);
	snprintf(log, sizeof(log), "%s/%c.log", L.dir, 'a' + i);
	snprintf(nsp, sizeof(nsp), "/run/netns/%s", L.ns[i]);
	pid_t pid = fork();
	if (pid == 0) {
		int nfd = open(nsp, O_RDONLY | O_CLOEXEC);
		int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (nfd < 0 || setns(nfd, CLONE_NEWNET) < 0 || lfd < 0)
			_exit(127);
		dup2(lfd, 1);
		dup2(lfd, 2);
		execl(bgpd, bgpd, "-c", conf, "-v", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* One control-socket request; the answer in a static buffer ("" on failure). */
static const char *ctl(int i, const char *req)
{
	static char buf[1 << 16];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%c.sock", L.dir, 'a' + i);
	buf[0] = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return buf;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
		size_t len = 0;
		ssize_t n;
		while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		buf[len] = 0;
	}
	close(fd);
	return buf;
}

static bool established(int i)
{
	return strstr(ctl(i, "show\n"), "\"state\":\"Established\"") != NULL;
}

static bool wait_for(bool (*pred)(int), int i, int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	while (mono_ns() < end) {
		if (pred(i))
			return true;
		usleep(20000);
	}
	return false;
}

/* First journal line of node i after t_min containing every needle; its t or -1. */
static int64_t journal_find(int i, int64_t t_min, const char *n1, const char *n2)
{
	char path[160], line[1024];
	snprintf(path, sizeof(path), "%s/%c.jsonl", L.dir, 'a' + i);
	FILE *f = fopen(path, "r");
	int64_t found = -1;
	while (f && fgets(line, sizeof(line), f)) {
		long long t;
		if (sscanf(line, "{\"t\":%lld", &t) != 1 || t <= t_min)
			continue;
		if (strstr(line, n1) && (!n2 || strstr(line, n2))) {
			found = t;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static int64_t wait_journal(int i, int64_t t_min, const char *n1, const char *n2,
			    int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns, t;
	while ((t = journal_find(i, t_min, n1, n2)) < 0 && mono_ns() < end)
		usleep(10000);
	return t;
}

/* From B's namespace (as B's address), connects to A's speaker, sends msg and
 * returns the NOTIFICATION A answers with (code << 8 | subcode), or -1. */
static int probe_notification(const uint8_t *msg, size_t len)
{
	char nsp[96];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1, result = -1;
	snprintf(nsp, sizeof(nsp), "/run/netns/%s", L.ns[1]);
	int nfd = open(nsp, O_RDONLY | O_CLOEXEC);
	if (self < 0 || nfd < 0 || setns(nfd, CLONE_NEWNET) < 0)
		goto out;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a4d0002)};
	struct sockaddr_in ra = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x0a4d0001),
				 .sin_port = htons(1179)};
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
	CHECK_INT(probe_notification(buf, w.len), 2 << 8 | 6);
	/* The wrong AS: 2/2. */
	o.hold_time = 90;
	o.my_as = o.caps.as4_value = 65000;
	wbuf_init(&w, buf, sizeof(buf));
	CHECK(bgp_build_open(&w, &o) == 0);
	CHECK_INT(probe_notification(buf, w.len), 2 << 8 | 2);
	/* A broken marker: 1/1 Connection Not Synchronized. */
	memset(buf, 0, BGP_HEADER_LEN);
	buf[17] = BGP_HEADER_LEN;
	buf[18] = BGP_MSG_KEEPALIVE;
	CHECK_INT(probe_notification(buf, BGP_HEADER_LEN), 1 << 8 | 1);
}

static bool has_route(int i, const char *prefix)
{
	return sh("ip -n %s route show %s proto bgp | grep -q .", L.ns[i], prefix) == 0;
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
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	const char *bgpd = getenv("LABCTL_BGPD");
	if (!bgpd || access(bgpd, X_OK))
		return check_skip("LABCTL_BGPD (the labctl-bgpd binary) not set");
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	int p = getpid();
	snprintf(L.dir, sizeof(L.dir), "/tmp/labtest-bgps-%d", p);
	for (int i = 0; i < 2; i++)
		snprintf(L.ns[i], sizeof(L.ns[i]), "labtest-bgps%d%c", p, 'a' + i);
	CHECK(mkdir_p(L.dir, 0700) == 0);
	CHECK(sh("ip netns add %s && ip netns add %s", L.ns[0], L.ns[1]) == 0);
	CHECK(sh("ip -n %s link add v0 type veth peer name v1 netns %s", L.ns[0], L.ns[1]) == 0);
	for (int i = 0; i < 2; i++) {
		CHECK(sh("ip -n %s addr add 10.77.0.%d/30 dev v%d && ip -n %s link set v%d up && "
			 "ip -n %s link set lo up", L.ns[i], i + 1, i, L.ns[i], i, L.ns[i]) == 0);
		write_conf(i);
	}
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
	int64_t det = wait_journal(0, fault, "\"reason\":\"hold-timer-expired\"", NULL,
				   H_NS + NS_PER_SEC);
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
	fprintf(stderr, "silenced peer: detected %.1f ms after the fault, %.3f ms after its "
		"last KEEPALIVE (H = 3000 ms, K = 1000 ms)\n", (double)(det - fault) / 1e6,
		(double)(det - last_rx) / 1e6);
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
