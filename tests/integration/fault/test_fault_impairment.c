/* The two impairment fault kinds measured, not just applied: `delay` (netem on
 * the underlay toward both tunnel ends) and `loss` (an nftables numgen drop of the
 * tunnel's IKE and ESP packets in the underlay). One kind per run (argument):
 * netem is missing from this machine's kernel, so `delay` runs inside user-mode
 * Linux (uml-netem.sh); UML's kernel has no nftables `ip` family
 * (CONFIG_NF_TABLES_IPV4 unset in its config), so `loss` runs on the host.
 *
 * The lab is single-tunnel's network as `up` builds it (run_net_build), without
 * daemons: both faults act on the underlay only, and packets between the two
 * public addresses show what they do. Faults are injected and healed through
 * fault_inject/fault_heal, the code behind `labctl fault` and `labctl heal`.
 *
 *   delay 200: every packet between the ends waits 200 ms in the underlay, so a
 *              round trip takes at least 400 ms; heal restores the baseline.
 *   loss 30:   each IKE (UDP 4500) and ESP packet is dropped with p = 0.3 in
 *              either direction; other traffic is untouched; heal restores 0 %.
 * The loss bounds are 5 standard deviations of a binomial count (N = 2000,
 * sd = sqrt(N p (1-p)) = 20.5 packets): a correct fault fails them about once in
 * 10^6 runs, a fault that drops nothing, everything or only one direction always
 * does. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/monotime.h"
#include "fault/fault.h"
#include "netns/netns.h"
#include "run/lab_view.h"
#include "run/net.h"
#include "run/run.h"
#include "topo/topo.h"

#define DELAY_MS 200
#define LOSS_PCT 30
#define N_LOSS 2000
#define N_CLEAN 500
#define BURST 50 /* datagrams in flight at once: far below any socket buffer */
#define MAGIC 0x6c616263u

struct end {
	struct netns *ns;
	struct in_addr addr;
	int udp;  /* bound to addr:4500 (IKE with NAT-T, as kernel-libipsec uses) */
	int udp2; /* bound to addr:5001: traffic the loss fault must not touch */
	int esp;  /* raw IPPROTO_ESP bound to addr */
};

struct msg {
	uint32_t magic, phase, seq;
};

static uint32_t phase_id;

static int open_sock(struct end *e, int type, int proto, uint16_t port)
{
	int fd = netns_socket(e->ns, AF_INET, type, proto);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = {
	    .sin_family = AF_INET, .sin_addr = e->addr, .sin_port = htons(port)};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "bind %s:%u: %s\n", inet_ntoa(e->addr), port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void send_msg(int fd, struct in_addr to, uint16_t port, uint32_t seq)
{
	struct msg m = {MAGIC, phase_id, seq};
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = to, .sin_port = htons(port)};
	if (sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&sa, sizeof(sa)) != sizeof(m))
		fprintf(stderr, "sendto %s: %s\n", inet_ntoa(to), strerror(errno));
}

/* One of our messages from fd within timeout_ms: its seq, or -1 (timeout or
 * foreign). A raw socket's datagram starts with the IP header. */
static long recv_msg(int fd, bool raw, int timeout_ms, struct sockaddr_in *from)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	unsigned char buf[256];
	socklen_t fl = sizeof(*from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)from, &fl);
	size_t off = 0;
	if (raw && n >= (ssize_t)sizeof(struct iphdr))
		off = (size_t)((const struct iphdr *)buf)->ihl * 4;
	struct msg m;
	if (n < 0 || (size_t)n < off + sizeof(m))
		return -2;
	memcpy(&m, buf + off, sizeof(m));
	return m.magic == MAGIC && m.phase == phase_id ? (long)m.seq : -2;
}

/* Sends n datagrams from `src` to dst:port in bursts, collects them on `dst_fd`;
 * returns how many distinct ones never arrived. */
static int count_lost(int src, int dst_fd, bool raw, struct in_addr dst, uint16_t port, int n)
{
	static unsigned char seen[N_LOSS];
	struct sockaddr_in from;
	memset(seen, 0, sizeof(seen));
	phase_id++;
	int got = 0;
	for (int b = 0; b < n; b += BURST) {
		for (int i = b; i < b + BURST && i < n; i++)
			send_msg(src, dst, port, (uint32_t)i);
		/* Lost packets are only known by their absence: wait until the line is
		 * quiet (no delay fault is active while counting). A straggler of one
		 * burst still counts in the next; the last burst waits longer. */
		int quiet_ms = b + BURST >= n ? 300 : 30;
		long s;
		while ((s = recv_msg(dst_fd, raw, quiet_ms, &from)) != -1)
			if (s >= 0 && s < n && !seen[s]) {
				seen[s] = 1;
				got++;
			}
	}
	return n - got;
}

/* Round trip of one datagram a -> b -> a over UDP 4500, echoed by the test
 * itself; ns, or -1 when either leg took longer than 3 s. */
static int64_t rtt_once(struct end *a, struct end *b, uint32_t seq)
{
	struct sockaddr_in from;
	int64_t t0 = mono_ns();
	send_msg(a->udp, b->addr, 4500, seq);
	if (recv_msg(b->udp, false, 3000, &from) != (long)seq)
		return -1;
	send_msg(b->udp, a->addr, 4500, seq);
	if (recv_msg(a->udp, false, 3000, &from) != (long)seq)
		return -1;
	return mono_ns() - t0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Median, minimum and maximum of 5 round trips in ms; -1 if any was lost. */
static double rtt_ms(struct end *e, double *min_ms, double *max_ms)
{
	int64_t r[5];
	phase_id++;
	for (uint32_t i = 0; i < 5; i++)
		if ((r[i] = rtt_once(&e[0], &e[1], i)) < 0)
			return -1;
	qsort(r, 5, sizeof(r[0]), cmp_i64);
	*min_ms = (double)r[0] / 1e6;
	*max_ms = (double)r[4] / 1e6;
	return (double)r[2] / 1e6;
}

static int inject(struct lab_view *v, enum fault_kind k, double param)
{
	struct fault_req req = {.kind = k, .param = param};
	snprintf(req.target, sizeof(req.target), "tun0");
	char detail[512] = "";
	int rc = fault_inject(v, &req, detail, sizeof(detail));
	if (rc < 0)
		fprintf(stderr, "fault %s: %s\n", fault_kind_name(k), lab_err_msg());
	else
		fprintf(stderr, "fault %s: %s\n", fault_kind_name(k), detail);
	return rc;
}

static int heal(struct lab_view *v)
{
	size_t n = 0;
	if (fault_heal(v, NULL, &n) < 0) {
		fprintf(stderr, "heal: %s\n", lab_err_msg());
		return -1;
	}
	return (int)n;
}

/* What loss does to each kind of traffic the fault names, and to one it does not. */
static void measure_loss(struct end *e, int lost[4], int n)
{
	lost[0] = count_lost(e[0].udp, e[1].udp, false, e[1].addr, 4500, n);
	lost[1] = count_lost(e[1].udp, e[0].udp, false, e[0].addr, 4500, n);
	lost[2] = count_lost(e[0].esp, e[1].esp, true, e[1].addr, 0, n);
	lost[3] = count_lost(e[0].udp2, e[1].udp2, false, e[1].addr, 5001, n);
	fprintf(stderr, "lost of %d: IKE a->b %d, IKE b->a %d, ESP a->b %d, other UDP a->b %d\n", n,
	        lost[0], lost[1], lost[2], lost[3]);
}

static int journaled(const char *jpath)
{
	char *text = NULL;
	size_t len;
	int n = 0;
	if (read_file(jpath, &text, &len) == 0)
		for (const char *p = text; (p = strstr(p, "\"src\":\"fault\"")); p++)
			n++;
	free(text);
	return n;
}

static void baseline(struct end *e)
{
	double mn, mx, base = rtt_ms(e, &mn, &mx);
	fprintf(stderr, "baseline RTT: median %.3f ms, max %.3f ms\n", base, mx);
	CHECK(base >= 0 && mx < DELAY_MS);
	int lost[4];
	measure_loss(e, lost, N_CLEAN);
	for (int i = 0; i < 4; i++)
		CHECK_INT(lost[i], 0);
}

/* delay: each direction crosses one netem'd interface of the underlay. */
static void run_delay(struct lab_view *v, struct end *e)
{
	double mn, mx;
	CHECK_INT(inject(v, FAULT_DELAY, DELAY_MS), 0);
	CHECK_INT(fault_active_count(v), 1);
	double d = rtt_ms(e, &mn, &mx);
	fprintf(stderr, "delay %d ms: RTT median %.3f ms, min %.3f ms\n", DELAY_MS, d, mn);
	/* netem holds each packet at least DELAY_MS; above that only scheduling adds */
	CHECK(d >= 0 && mn >= 2 * DELAY_MS && d < 2 * DELAY_MS + 150);
	CHECK_INT(heal(v), 1);
	CHECK_INT(fault_active_count(v), 0);
	/* A netem left on either interface would add DELAY_MS to every round trip. */
	double h = rtt_ms(e, &mn, &mx);
	fprintf(stderr, "after heal: RTT median %.3f ms, max %.3f ms\n", h, mx);
	CHECK(h >= 0 && mx < DELAY_MS);
}

static void run_loss(struct lab_view *v, struct end *e)
{
	int lost[4];
	CHECK_INT(inject(v, FAULT_LOSS, LOSS_PCT), 0);
	CHECK_INT(fault_active_count(v), 1);
	measure_loss(e, lost, N_LOSS);
	/* 5 sd of Binomial(2000, 0.3) = 102 packets around the mean of 600 */
	for (int i = 0; i < 3; i++)
		CHECK(lost[i] >= 600 - 103 && lost[i] <= 600 + 103);
	CHECK_INT(lost[3], 0);
	CHECK_INT(heal(v), 1);
	CHECK_INT(fault_active_count(v), 0);
	measure_loss(e, lost, N_CLEAN);
	for (int i = 0; i < 4; i++)
		CHECK_INT(lost[i], 0);
}

/* The tool the fault runs, on the PATH fault_exec gives it. */
static bool have_tool(const char *name)
{
	static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};
	char path[64];
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	bool delay = argc == 2 && !strcmp(argv[1], "delay");
	bool loss = argc == 2 && !strcmp(argv[1], "loss");
	if (!delay && !loss) {
		fprintf(stderr, "usage: test-fault-impairment delay|loss\n");
		return 2;
	}
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	if (delay && !have_tool("tc"))
		return check_skip("tc is missing (package iproute2)");
	if (loss && !have_tool("nft"))
		return check_skip("nft is missing (package nftables)");
	char root[128], lab[32], topo_path[PATH_MAX];
	snprintf(root, sizeof(root), "/run/labctl-test-impair.%d", (int)getpid());
	snprintf(lab, sizeof(lab), "fimp%d", (int)getpid() % 100000);
	snprintf(topo_path, sizeof(topo_path), "%s/topologies/single-tunnel.yaml",
	         LABCTL_SOURCE_ROOT);
	setenv("LABCTL_RUN_DIR", root, 1);
	remove_tree(root);
	if (mkdir_p(root, 0700) < 0) {
		fprintf(stderr, "cannot create %s: %s\n", root, strerror(errno));
		return 1;
	}

	struct topo_diags diags = {0};
	struct topo *t = NULL;
	struct run_lab rl;
	struct run_net net = {0};
	bool created = false;
	struct end e[2];
	memset(e, 0, sizeof(e));
	for (int s = 0; s < 2; s++)
		e[s].udp = e[s].udp2 = e[s].esp = -1;

	if (topo_load(topo_path, &t, &diags) < 0) {
		topo_diags_print(&diags, stderr);
		CHECK(!"single-tunnel.yaml loads");
		goto out;
	}
	if (run_lab_create(lab, &rl) < 0) {
		fprintf(stderr, "%s\n", lab_err_msg());
		CHECK(!"lab directory created");
		goto out;
	}
	created = true;
	/* As `up` does: the lab keeps its topology, which lab_view (and so the faults)
	 * reads back. */
	char copy[PATH_MAX + 16], *text = NULL;
	size_t tlen;
	snprintf(copy, sizeof(copy), "%s/topology.yaml", rl.dir);
	CHECK(read_file(topo_path, &text, &tlen) == 0 &&
	      write_file_atomic(copy, text, tlen, 0600) == 0);
	free(text);
	for (size_t i = 0; i < t->n_nodes; i++)
		CHECK(run_node_mkdir(&rl, t->nodes[i].name) == 0);
	if (run_net_build(&rl, t, &net) < 0) {
		fprintf(stderr, "network: %s\n", lab_err_msg());
		CHECK(!"network built");
		goto out;
	}
	struct run_check *chk = NULL;
	size_t nchk = 0;
	int waiting = -1;
	if (run_net_checks(t, &chk, &nchk) == 0)
		waiting = run_net_wait(t, &net, chk, nchk, mono_ns() + 20 * NS_PER_SEC);
	free(chk);
	CHECK_INT(waiting, 0);

	for (int s = 0; s < 2; s++) {
		const struct topo_tunnel_end *te = &t->tunnels[0].end[s];
		e[s].ns = net.ns[te->node];
		e[s].addr = t->nodes[te->node].ifaces[te->uplink].addr.addr;
		e[s].udp = open_sock(&e[s], SOCK_DGRAM, 0, 4500);
		e[s].udp2 = open_sock(&e[s], SOCK_DGRAM, 0, 5001);
		e[s].esp = open_sock(&e[s], SOCK_RAW, IPPROTO_ESP, 0);
		CHECK(e[s].udp >= 0 && e[s].udp2 >= 0 && e[s].esp >= 0);
	}
	struct lab_view v;
	if (check_failures == 0 && lab_view_open(lab, &v) == 0) {
		char jdir[PATH_MAX], jpath[PATH_MAX + 16];
		run_node_dir(&v.run, "internet", jdir, sizeof(jdir));
		snprintf(jpath, sizeof(jpath), "%s/events.jsonl", jdir);
		baseline(e);
		if (delay)
			run_delay(&v, e);
		if (loss)
			run_loss(&v, e);
		/* Each inject and heal is journaled in the underlay node's journal. */
		CHECK_INT(journaled(jpath), 2);
		/* The inject event carries the parameter: the report's loss model reads
		 * P from it (lab/report/loss_check.c). */
		char want[64], *jt = NULL;
		size_t jl;
		snprintf(want, sizeof(want), "\"param\":%d,", loss ? LOSS_PCT : DELAY_MS);
		CHECK(read_file(jpath, &jt, &jl) == 0 && jt && strstr(jt, want));
		free(jt);
		/* a failed check must not leave a fault behind in the namespaces */
		heal(&v);
		lab_view_close(&v);
	} else if (check_failures == 0) {
		fprintf(stderr, "lab view: %s\n", lab_err_msg());
		CHECK(!"lab view opens");
	}

out:
	for (int s = 0; s < 2; s++) {
		if (e[s].udp >= 0)
			close(e[s].udp);
		if (e[s].udp2 >= 0)
			close(e[s].udp2);
		if (e[s].esp >= 0)
			close(e[s].esp);
	}
	run_net_close(&net);
	if (created) {
		run_lab_close(&rl);
		struct run_down_stats st;
		if (run_lab_down(lab, &st) < 0)
			fprintf(stderr, "down %s: %s\n", lab, lab_err_msg());
	}
	if (t)
		topo_free(t);
	topo_diags_free(&diags);
	remove_tree(root);
	return check_done();
}
