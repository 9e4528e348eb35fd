/* BFD, labctl-bgpd next to BIRD 2 (RFC 5880/5881 asynchronous mode, single hop).
 *
 * Both speakers' configurations are what labctl writes for a topology's
 * `bfd: {interval, multiplier}` (bgp_svc_bgpd_conf / bgp_svc_bird_conf on a topology
 * built in memory): node "a" and node "b" in two private namespaces joined by one
 * veth carrying one /30 per session.
 *
 * Detection: ours on a, BIRD on b, one session at I x M. One side is silenced (an
 * nftables rule in its own namespace drops its outgoing UDP to 3784); the other
 * side's detection is stamped by the speaker itself (ours: the journal's bfd-down
 * line; BIRD: its log line "changed state from Up to Down", microsecond wall clock).
 * The last packet the detector received is stamped by the kernel (an AF_PACKET
 * socket in the detector's namespace, SO_TIMESTAMPNS): RFC 5880 s6.8.4 starts the
 * detection timer at each received packet, so detection should come exactly M x I
 * after that packet, whatever the transmit jitter (s6.8.7) made of the gap before.
 * Printed: (detection - last packet) - M x I, median and max over RUNS, i.e. the
 * detector's own lateness (timer slack, scheduling). Beside it, detection measured
 * from the moment the nft command returned, minus M x I: about -I..0 plus that
 * lateness (the last packet left at most one interval before the fault), lower by
 * the part of nft's own time after the rule was in.
 *
 * CPU: one speaker on a with N sessions (one per /30) at 50 ms x 3 to the other
 * implementation on b; once every session is Up, its user+system time from
 * /proc/PID/stat over SECONDS, CPU RUNS times (median). Then BIRD on a, ours as its
 * peers. Printed: CPU ms per second (= per mille of one core) and ours/BIRD.
 *
 * usage: bfd-bench [-r RUNS] [-s SECONDS] [-c CPU_RUNS] [-n SESSIONS] [-D|-C]
 *        (-D detection only, -C CPU only; root)
 * env: LABCTL_BGPD (the speaker; default beside this program's build root),
 *      BFD_BENCH_KEEP=1 (keep the work directory), BFD_BENCH_DEBUG=1 (every run) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/monotime.h"
#include "topo/model.h"
#include "../tests/nspair.h"
#include "run/run.h"

#define MAX_SESSIONS 250
#define MAX_RUNS 50
#define STOP_NS (3 * NS_PER_SEC)
#define IFN_A "bfa0"
#define IFN_B "bfb0"

enum kind { OURS, BIRD };
static const char *const kind_name[] = {"labctl-bgpd", "bird"};

static struct {
	char dir[96], node_dir[2][128];
	struct nspair net;
	pid_t pid[2], cap[2];
	enum kind kind[2];
	int n;
	int64_t *last_rx; /* shared with the capture children: [side], CLOCK_REALTIME ns */
} L;

static void pair_down(void)
{
	for (int i = 0; i < 2; i++) {
		nsp_stop(&L.pid[i], SIGTERM, STOP_NS);
		nsp_stop(&L.cap[i], SIGKILL, STOP_NS);
	}
	nspair_delete(&L.net); /* the nftables tables go with the namespaces */
}

static void cleanup(void)
{
	pair_down();
	if (L.dir[0] && !getenv("BFD_BENCH_KEEP"))
		remove_tree(L.dir);
	L.dir[0] = 0;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* Session i: a is 10.91.x.(4i+1)/30, b the .2 of the same /30. */
static struct in_addr sess_addr(int i, int side)
{
	uint32_t v = (10u << 24) | (91u << 16) | (uint32_t)(4 * i + 1 + side);
	return (struct in_addr){.s_addr = htonl(v)};
}

/* The topology labctl would load for this pair: each node with one interface
 * address per session (the interfaces are only there for bgp_svc_local_addr: the
 * kernel has them all on one veth) and one neighbor per session with BFD. */
static struct topo_node nodes[2];
static struct topo_bgp bgps[2];
static struct topo_iface ifaces[2][MAX_SESSIONS];
static struct topo_bgp_neighbor nbs[2][MAX_SESSIONS];
static struct topo topo = {
    .path = "bench/bfd (in memory)", .name = "bench-bfd", .nodes = nodes, .n_nodes = 2};

static void topo_build(int n, unsigned interval_ms, unsigned mult)
{
	for (int s = 0; s < 2; s++) {
		struct topo_node *nd = &nodes[s];
		memset(nd, 0, sizeof(*nd));
		snprintf(nd->name, sizeof(nd->name), "%c", 'a' + s);
		nd->role = TOPO_ROLE_ROUTER;
		nd->ifaces = ifaces[s];
		nd->n_ifaces = (size_t)n;
		nd->bgp = &bgps[s];
		struct topo_bgp *b = &bgps[s];
		memset(b, 0, sizeof(*b));
		b->speaker = L.kind[s] == OURS ? TOPO_SPEAKER_BUILTIN : TOPO_SPEAKER_BIRD;
		b->asn = s ? 65515 : 64512;
		b->router_id = sess_addr(0, s);
		/* hold 9 s: within a run only BFD takes a session down */
		b->timers = (struct topo_bgp_timers){
		    .keepalive_ms = 3000, .hold_ms = 9000, .connect_retry_ms = 1000};
		b->max_paths = 1;
		b->error_wait_ms = 1000;
		b->neighbors = nbs[s];
		b->n_neighbors = (size_t)n;
		for (int i = 0; i < n; i++) {
			ifaces[s][i] =
			    (struct topo_iface){.addr = {sess_addr(i, s), 30}, .link = TOPO_NONE};
			snprintf(ifaces[s][i].name, sizeof(ifaces[s][i].name), "s%d", i);
			nbs[s][i] = (struct topo_bgp_neighbor){
			    .addr = sess_addr(i, !s),
			    .asn = s ? 64512 : 65515,
			    .node = (uint32_t)!s,
			    .tunnel = TOPO_NONE,
			    .bfd = {.interval_ms = interval_ms, .multiplier = mult}};
		}
	}
}

/* The kernel stamp of the last UDP-to-3784 packet received on ifname, into *slot,
 * until killed. A child in namespace ns. */
static pid_t capture_start(const char *ns, const char *ifname, int64_t *slot)
{
	char path[96];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fflush(stdout);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	int one = 1, nfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nfd < 0 || setns(nfd, CLONE_NEWNET) < 0)
		_exit(127);
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	struct sockaddr_ll ll = {.sll_family = AF_PACKET,
	                         .sll_protocol = htons(ETH_P_IP),
	                         .sll_ifindex = (int)if_nametoindex(ifname)};
	if (fd < 0 || bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0)
		_exit(127);
	for (;;) {
		uint8_t pkt[256];
		char cbuf[256];
		struct sockaddr_ll from;
		struct iovec iov = {pkt, sizeof(pkt)};
		struct msghdr m = {.msg_name = &from,
		                   .msg_namelen = sizeof(from),
		                   .msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = cbuf,
		                   .msg_controllen = sizeof(cbuf)};
		ssize_t len = recvmsg(fd, &m, 0);
		if (len < (ssize_t)sizeof(struct iphdr) || from.sll_pkttype != PACKET_HOST)
			continue;
		const struct iphdr *ip = (const struct iphdr *)pkt;
		size_t hl = (size_t)ip->ihl * 4;
		if (ip->protocol != IPPROTO_UDP || (size_t)len < hl + sizeof(struct udphdr))
			continue;
		const struct udphdr *u = (const struct udphdr *)(pkt + hl);
		if (ntohs(u->dest) != 3784)
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;
				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				__atomic_store_n(slot, (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec,
				                 __ATOMIC_RELEASE);
			}
	}
}

static int start_side(int s, const char *bgpd)
{
	struct sbuf b = {0};
	char conf[192], out[192], sock[192], pidf[192];
	int rc = L.kind[s] == OURS ? bgp_svc_bgpd_conf(&topo, (uint32_t)s, L.node_dir[s], &b)
	                           : bgp_svc_bird_conf(&topo, (uint32_t)s, L.node_dir[s], &b);
	snprintf(conf, sizeof(conf), "%s/%s.conf", L.node_dir[s],
	         L.kind[s] == OURS ? "bgpd" : "bird");
	if (rc < 0 || b.oom || write_file_atomic(conf, b.s, b.len, 0600) < 0) {
		sbuf_free(&b);
		return -1;
	}
	sbuf_free(&b);
	if (L.kind[s] == OURS) {
		snprintf(out, sizeof(out), "%s/bgpd.log", L.node_dir[s]);
		char *argv[] = {(char *)bgpd, "-c", conf, NULL};
		L.pid[s] = nsp_spawn(L.net.ns[s], argv, out);
	} else {
		snprintf(out, sizeof(out), "%s/bird.out", L.node_dir[s]);
		snprintf(sock, sizeof(sock), "%s/bird.ctl", L.node_dir[s]);
		snprintf(pidf, sizeof(pidf), "%s/bird.pid", L.node_dir[s]);
		char *argv[] = {"bird", "-f", "-c", conf, "-s", sock, "-P", pidf, NULL};
		L.pid[s] = nsp_spawn(L.net.ns[s], argv, out);
	}
	return L.pid[s] > 0 ? 0 : -1;
}

/* Namespaces, n address pairs, both speakers and (capture) the two capture children,
 * which the CPU runs go without: they would load the machine being measured. */
static int pair_up(enum kind ka, const char *bgpd, int n, unsigned interval_ms, unsigned mult,
                   bool capture)
{
	char a[48], b[48], aa[24], ab[24], path[192];
	L.kind[0] = ka;
	L.kind[1] = ka == OURS ? BIRD : OURS;
	L.n = n;
	topo_build(n, interval_ms, mult);
	snprintf(a, sizeof(a), "bench-bfda-%d", (int)getpid());
	snprintf(b, sizeof(b), "bench-bfdb-%d", (int)getpid());
	inet_ntop(AF_INET, &(struct in_addr){sess_addr(0, 0).s_addr}, aa, sizeof(aa));
	inet_ntop(AF_INET, &(struct in_addr){sess_addr(0, 1).s_addr}, ab, sizeof(ab));
	strcat(aa, "/30");
	strcat(ab, "/30");
	if (nspair_create(&L.net, a, b, IFN_A, IFN_B, aa, ab) < 0)
		return -1;
	for (int s = 0; s < 2; s++) {
		snprintf(path, sizeof(path), "%s/addr-%c.batch", L.dir, 'a' + s);
		FILE *f = fopen(path, "w");
		if (!f)
			return -1;
		for (int i = 1; i < n; i++) {
			char x[24];
			struct in_addr ad = sess_addr(i, s);
			fprintf(f, "addr add %s/30 dev %s\n", inet_ntop(AF_INET, &ad, x, sizeof(x)),
			        s ? IFN_B : IFN_A);
		}
		fclose(f);
		if (n > 1 && nsp_sh("ip -n %s -batch %s", L.net.ns[s], path))
			return -1;
		snprintf(L.node_dir[s], sizeof(L.node_dir[s]), "%s/%c", L.dir, 'a' + s);
		remove_tree(L.node_dir[s]);
		if (mkdir(L.node_dir[s], 0700) < 0)
			return -1;
		L.last_rx[s] = 0;
		if (capture)
			L.cap[s] = capture_start(L.net.ns[s], s ? IFN_B : IFN_A, &L.last_rx[s]);
	}
	for (int s = 0; s < 2; s++)
		if (start_side(s, bgpd) < 0)
			return -1;
	return 0;
}

/* One control request; malloc'd reply or NULL. */
static char *ask(int s, const char *req)
{
	char sock[192], *reply = NULL;
	snprintf(sock, sizeof(sock), "%s/%s", L.node_dir[s],
	         L.kind[s] == OURS ? "bgpd.sock" : "bird.ctl");
	int rc = L.kind[s] == OURS ? bgp_svc_bgpd_request(sock, req, &reply)
	                           : bgp_svc_bird_request(sock, req, &reply);
	if (rc < 0) {
		lab_err_clear();
		return NULL;
	}
	return reply;
}

/* Sessions of side s in BFD Up at the negotiated rate: ours with no Poll Sequence
 * running and the configured transmit interval; BIRD with its timeout at M x I
 * (BIRD's `show bfd sessions`: address, interface, state, since, interval, timeout). */
static int steady_count(int s, unsigned interval_ms, unsigned mult)
{
	char *r = ask(s, L.kind[s] == OURS ? "show summary" : "show bfd sessions");
	int k = 0;
	if (r && L.kind[s] == OURS) {
		char tx[48], det[48];
		snprintf(tx, sizeof(tx), "\"tx_interval_us\":%u,", interval_ms * 1000);
		snprintf(det, sizeof(det), "\"detect_time_us\":%u,", interval_ms * mult * 1000);
		/* the "bfd" object's sessions, one per neighbor, each opening with its
		 * peer and then src_port: every field checked inside its own object */
		const char *p = strstr(r, "\"bfd\":{");
		while (p && (p = strstr(p + 1, "\"src_port\":"))) {
			const char *e = strstr(p + 1, "\"src_port\":");
			char *o = strndup(p, e ? (size_t)(e - p) : strlen(p));
			if (o && strstr(o, "\"state\":\"Up\"") && strstr(o, tx) && strstr(o, det) &&
			    strstr(o, "\"poll\":false"))
				k++;
			free(o);
		}
	} else if (r) {
		char want[32];
		snprintf(want, sizeof(want), "%.3f", interval_ms * mult / 1000.0);
		for (char *l = strtok(r, "\n"); l; l = strtok(NULL, "\n"))
			if (strstr(l, " Up ") && strstr(l, want))
				k++;
	}
	free(r);
	return k;
}

static bool wait_steady(unsigned interval_ms, unsigned mult, int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	while (mono_ns() < end) {
		if (steady_count(0, interval_ms, mult) == L.n &&
		    steady_count(1, interval_ms, mult) == L.n)
			return true;
		sleep_ns(50 * NS_PER_MS);
	}
	return false;
}

/* The detection by side s after realtime t0, CLOCK_REALTIME ns, or -1. Ours: the
 * journal's bfd-down with diagnostic 1 (its stamps are CLOCK_MONOTONIC: shifted).
 * BIRD: its log line for the session (local wall-clock time, microseconds). */
static int64_t detection(int s, int64_t t0_real)
{
	char path[192], line[2048];
	int64_t found = -1;
	snprintf(path, sizeof(path), "%s/%s", L.node_dir[s],
	         L.kind[s] == OURS ? "events.jsonl" : "bird.log");
	FILE *f = fopen(path, "r");
	int64_t shift = real_ns() - mono_ns();
	while (f && found < 0 && fgets(line, sizeof(line), f)) {
		int64_t t = -1;
		if (L.kind[s] == OURS) {
			long long m;
			if (sscanf(line, "{\"t\":%lld", &m) == 1 &&
			    strstr(line, "\"ev\":\"bfd-down\"") && strstr(line, "\"diag\":1,"))
				t = m + shift;
		} else if (strstr(line, "changed state from Up to Down")) {
			struct tm tm = {0};
			long us = 0;
			const char *rest = strptime(line, "%Y-%m-%d %H:%M:%S", &tm);
			if (rest && sscanf(rest, ".%6ld", &us) == 1) {
				tm.tm_isdst = -1;
				t = (int64_t)mktime(&tm) * NS_PER_SEC + us * 1000;
			}
		}
		if (t > t0_real)
			found = t;
	}
	if (f)
		fclose(f);
	return found;
}

static int nft(int s, bool drop)
{
	if (drop)
		return nsp_sh("ip netns exec %s nft 'add table inet bench_bfd; add chain inet "
		              "bench_bfd out { type filter hook output priority 0; }; add rule "
		              "inet bench_bfd out udp dport 3784 drop'",
		              L.net.ns[s]);
	return nsp_sh("ip netns exec %s nft delete table inet bench_bfd", L.net.ns[s]);
}

/* One silence of side !det; (detection - last packet) and (detection - rule in)
 * into *from_pkt, *from_fault (ns). 0 or -1. */
static int detect_once(int det, unsigned interval_ms, unsigned mult, int64_t *from_pkt,
                       int64_t *from_fault)
{
	int quiet = !det;
	if (!wait_steady(interval_ms, mult, 20 * NS_PER_SEC)) {
		fprintf(stderr, "bfd-bench: BFD not Up at %u ms x %u on both sides\n", interval_ms,
		        mult);
		return -1;
	}
	int64_t t0 = real_ns();
	if (nft(quiet, true))
		return -1;
	int64_t t1 = real_ns(), t = -1;
	int64_t end = mono_ns() + (int64_t)interval_ms * mult * NS_PER_MS + 3 * NS_PER_SEC;
	while ((t = detection(det, t0)) < 0 && mono_ns() < end)
		sleep_ns(10 * NS_PER_MS);
	int64_t last = __atomic_load_n(&L.last_rx[det], __ATOMIC_ACQUIRE);
	if (nft(quiet, false))
		return -1;
	if (t < 0) {
		fprintf(stderr, "bfd-bench: %s did not detect the silence (see %s)\n",
		        kind_name[L.kind[det]], L.node_dir[det]);
		return -1;
	}
	if (last <= 0 || last > t) {
		fprintf(stderr,
		        "bfd-bench: the capture in %s saw no BFD packet before the "
		        "detection\n",
		        L.net.ns[det]);
		return -1;
	}
	*from_pkt = t - last;
	*from_fault = t - t1;
	if (getenv("BFD_BENCH_DEBUG"))
		fprintf(stderr,
		        "%s detects at %u x %u: %.2f ms after the last packet, %.2f ms "
		        "after the rule (nft took %.1f ms)\n",
		        kind_name[L.kind[det]], interval_ms, mult, *from_pkt / 1e6,
		        *from_fault / 1e6, (t1 - t0) / 1e6);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double median_ms(int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	return (n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) / 1e6;
}

static int bench_detection(const char *bgpd, unsigned interval_ms, unsigned mult, int runs)
{
	int64_t pred = (int64_t)interval_ms * mult * NS_PER_MS;
	int rc = 0;
	if (pair_up(OURS, bgpd, 1, interval_ms, mult, true) < 0) {
		fprintf(stderr, "bfd-bench: cannot set up the pair\n");
		pair_down();
		return -1;
	}
	for (int det = 0; det < 2; det++) {
		int64_t pk[MAX_RUNS], ft[MAX_RUNS];
		int ok = 0;
		for (int k = 0; k < runs && rc == 0; k++)
			if (detect_once(det, interval_ms, mult, &pk[ok], &ft[ok]) == 0) {
				pk[ok] -= pred;
				ft[ok] -= pred;
				ok++;
			} else {
				rc = -1;
			}
		if (!ok)
			break;
		double pmed = median_ms(pk, ok), fmed = median_ms(ft, ok);
		printf("%4u ms x %u  %-12s %4d %9.2f %9.2f %11.2f %9.2f %9.2f\n", interval_ms, mult,
		       kind_name[L.kind[det]], ok, pmed, pk[ok - 1] / 1e6, fmed, ft[0] / 1e6,
		       ft[ok - 1] / 1e6);
		fflush(stdout);
	}
	pair_down();
	return rc;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median CPU ms per second of side a (kind k) carrying n sessions, or -1. */
static double bench_cpu(const char *bgpd, enum kind k, int n, int secs, int runs, double *peer)
{
	double v[MAX_RUNS], pv[MAX_RUNS];
	int ok = 0;
	if (pair_up(k, bgpd, n, 50, 3, false) < 0 || !wait_steady(50, 3, 90 * NS_PER_SEC)) {
		fprintf(stderr, "bfd-bench: %d sessions (%s) not all Up at 50 ms x 3: a %d, b %d\n",
		        n, kind_name[k], steady_count(0, 50, 3), steady_count(1, 50, 3));
		pair_down();
		return -1;
	}
	sleep_ns(2 * NS_PER_SEC); /* past the start's Poll Sequences and BGP's first updates */
	for (int r = 0; r < runs; r++) {
		double c0 = run_pid_cpu_s(L.pid[0]), p0 = run_pid_cpu_s(L.pid[1]);
		int64_t t0 = mono_ns();
		sleep_ns((int64_t)secs * NS_PER_SEC);
		double c1 = run_pid_cpu_s(L.pid[0]), p1 = run_pid_cpu_s(L.pid[1]);
		double dt = (mono_ns() - t0) / 1e9;
		int up = steady_count(0, 50, 3);
		if (c0 < 0 || c1 < 0 || up != n) {
			fprintf(stderr, "bfd-bench: %s: %d of %d sessions Up after window %d\n",
			        kind_name[k], up, n, r + 1);
			continue;
		}
		v[ok] = (c1 - c0) / dt * 1000;
		pv[ok] = (p1 - p0) / dt * 1000;
		if (getenv("BFD_BENCH_DEBUG"))
			fprintf(stderr, "%s with %d sessions: %.1f ms/s (peer %.1f)\n",
			        kind_name[k], n, v[ok], pv[ok]);
		ok++;
	}
	pair_down();
	if (!ok)
		return -1;
	qsort(v, (size_t)ok, sizeof(*v), cmp_d);
	qsort(pv, (size_t)ok, sizeof(*pv), cmp_d);
	*peer = ok % 2 ? pv[ok / 2] : (pv[ok / 2 - 1] + pv[ok / 2]) / 2;
	return ok % 2 ? v[ok / 2] : (v[ok / 2 - 1] + v[ok / 2]) / 2;
}

static void bgpd_path(char *buf, size_t len)
{
	const char *e = getenv("LABCTL_BGPD");
	char exe[512];
	ssize_t k;
	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return;
	}
	/* <build>/bench/bfd-bench -> <build>/labctl-bgpd */
	k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[k > 0 ? k : 0] = 0;
	char *s = strrchr(exe, '/');
	if (s)
		*s = 0;
	s = strrchr(exe, '/');
	if (s)
		*s = 0;
	snprintf(buf, len, "%s/labctl-bgpd", exe);
}

static int usage(const char *what)
{
	fprintf(stderr,
	        "bfd-bench: %s\nusage: bfd-bench [-r RUNS] [-s SECONDS] [-c CPU_RUNS] "
	        "[-n SESSIONS] [-D|-C]\n",
	        what);
	return 2;
}

int main(int argc, char **argv)
{
	int runs = 10, secs = 20, cpu_runs = 3, n = 64, c;
	bool det = true, cpu = true;
	while ((c = getopt(argc, argv, "r:s:c:n:DCh")) != -1) {
		switch (c) {
		case 'r': runs = atoi(optarg); break;
		case 's': secs = atoi(optarg); break;
		case 'c': cpu_runs = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'D': cpu = false; break;
		case 'C': det = false; break;
		default:
			return usage(c == 'h' ? "BFD detection and CPU, ours next to BIRD 2"
			                      : "bad option");
		}
	}
	if (optind < argc)
		return usage("unexpected argument");
	if (runs < 1 || runs > MAX_RUNS || cpu_runs < 1 || cpu_runs > MAX_RUNS)
		return usage("-r and -c: expected 1..50");
	if (secs < 1 || secs > 3600)
		return usage("-s: expected 1..3600 seconds");
	if (n < 1 || n > MAX_SESSIONS)
		return usage("-n: expected 1..250 sessions");
	if (!det && !cpu)
		return usage("-D and -C together leave nothing to do");
	if (geteuid() != 0) {
		fprintf(stderr, "bfd-bench: needs root (namespaces); run it with sudo\n");
		return 2;
	}
	char bgpd[600];
	bgpd_path(bgpd, sizeof(bgpd));
	if (access(bgpd, X_OK) || access("/usr/sbin/bird", X_OK) ||
	    nsp_sh("command -v nft >/dev/null")) {
		fprintf(stderr,
		        "bfd-bench: needs %s (LABCTL_BGPD), BIRD 2 (/usr/sbin/bird) and nft\n",
		        bgpd);
		return 2;
	}
	L.last_rx = mmap(NULL, 2 * sizeof(int64_t), PROT_READ | PROT_WRITE,
	                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (L.last_rx == MAP_FAILED)
		return 1;
	snprintf(L.dir, sizeof(L.dir), "/tmp/bench-bfd-%d", (int)getpid());
	if (mkdir(L.dir, 0700) < 0) {
		perror(L.dir);
		return 1;
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	int rc = 0;
	if (det) {
		printf("# BFD detection, %s next to BIRD 2 (one session; the other side silenced "
		       "by nftables), %d runs each\n",
		       bgpd, runs);
		printf("# measured minus predicted (M x I), ms: from the last packet received "
		       "(kernel stamp) and from the fault\n");
		printf("%-12s %-12s %4s %9s %9s %11s %9s %9s\n", "setting", "detector", "runs",
		       "pkt med", "pkt max", "fault med", "fault min", "fault max");
		if (bench_detection(bgpd, 300, 3, runs) < 0 ||
		    bench_detection(bgpd, 50, 3, runs) < 0)
			rc = 1;
	}
	if (cpu) {
		double peer[2] = {0, 0};
		printf("# CPU of one speaker with %d BFD sessions at 50 ms x 3 (peers: the other "
		       "implementation), median of %d windows of %d s\n",
		       n, cpu_runs, secs);
		printf("%-12s %10s %12s %14s\n", "speaker", "sessions", "CPU ms/s",
		       "peer CPU ms/s");
		double ours = bench_cpu(bgpd, OURS, n, secs, cpu_runs, &peer[0]);
		if (ours >= 0)
			printf("%-12s %10d %12.1f %14.1f\n", kind_name[OURS], n, ours, peer[0]);
		fflush(stdout);
		double bird = bench_cpu(bgpd, BIRD, n, secs, cpu_runs, &peer[1]);
		if (bird >= 0)
			printf("%-12s %10d %12.1f %14.1f\n", kind_name[BIRD], n, bird, peer[1]);
		if (ours >= 0 && bird > 0)
			printf("ratio labctl-bgpd/bird: %.2f (<1: ours cheaper)\n", ours / bird);
		else
			rc = 1;
	}
	printf("# load average at the end: ");
	fflush(stdout);
	nsp_sh("cut -d' ' -f1-3 /proc/loadavg");
	return rc;
}
