/* Prefix ingest, labctl-bgpd next to BIRD 2 receiving the same feed.
 *
 * A feeder BIRD (AS 65001, namespace F) announces N IPv4 /24s from a static
 * protocol over eBGP to a receiver (AS 64512, namespace R): first labctl-bgpd,
 * then BIRD, each in fresh namespaces. Measured from the receiver's session
 * becoming Established (ours: its uptime; BIRD: its "since" stamp) until all N are
 * in its routing table (ours: Loc-RIB; BIRD: imported by the BGP channel) and all N
 * were written to the kernel (ours: fib_installed; BIRD: exported by the kernel
 * protocol), polled every POLL_MS, then checked once with a count of the kernel's
 * routes. Both are asked for counters only (ours: `show summary`; BIRD: `show
 * protocols all`), which cost little. CPU: the receiver's user+system time over the
 * same span. Memory: growth of its RSS from before the session to the end, per
 * 100k prefixes. Our speaker runs without a journal (a line per prefix is not what
 * is measured).
 *
 * usage: bgp-ingest [-n 10000,100000] [-r RUNS]     (root; prints a table)
 * env: LABCTL_BGPD (the speaker; default beside this program's build root),
 *      BGP_INGEST_JOURNAL=1 (journal on), BGP_INGEST_KEEP=1 (keep the work
 *      directory), BGP_INGEST_DEBUG=1 (every sample on stderr) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "../tests/nspair.h"
#include "run/run.h"

#define POLL_MS 10
#define STOP_NS (30 * NS_PER_SEC) /* a receiver with 100k routes takes a while */
#define MAX_SIZES 8
#define MAX_RUNS 15

static struct {
	char ns_f[48], ns_r[48], dir[96];
	struct nspair net; /* feeder: ns_f (fd0), receiver: ns_r (rv0) */
	pid_t feeder, recv;
} L;

static void net_down(void)
{
	nsp_stop(&L.recv, SIGTERM, STOP_NS);
	nsp_stop(&L.feeder, SIGTERM, STOP_NS);
	nspair_delete(&L.net);
}

static void cleanup(void)
{
	net_down();
	if (L.dir[0] && !getenv("BGP_INGEST_KEEP"))
		remove_tree(L.dir);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int net_up(void)
{
	net_down();
	return nspair_create(&L.net, L.ns_f, L.ns_r, "fd0", "rv0", "10.202.0.1/30",
	                     "10.202.0.2/30");
}

static int start_bird(const char *ns, const char *tag, const char *text, pid_t *pid)
{
	char conf[160], sock[160], pidf[160], out[160];
	snprintf(conf, sizeof(conf), "%s/%s.conf", L.dir, tag);
	snprintf(sock, sizeof(sock), "%s/%s.ctl", L.dir, tag);
	snprintf(pidf, sizeof(pidf), "%s/%s.pid", L.dir, tag);
	snprintf(out, sizeof(out), "%s/%s.out", L.dir, tag);
	if (write_file_atomic(conf, text, strlen(text), 0600) < 0)
		return -1;
	char *argv[] = {"bird", "-f", "-c", conf, "-s", sock, "-P", pidf, NULL};
	*pid = nsp_spawn(ns, argv, out);
	return *pid > 0 ? 0 : -1;
}

static int start_feeder(long n)
{
	struct sbuf b = {0};
	sbuf_printf(&b, "router id 10.202.0.1;\nprotocol device {}\n"
	                "protocol static feed { ipv4;\n");
	for (long i = 0; i < n; i++)
		sbuf_printf(&b, " route %ld.%ld.%ld.0/24 blackhole;\n", 16 + (i >> 16),
		            (i >> 8) & 255, i & 255);
	sbuf_printf(&b, "}\nprotocol bgp r {\n local 10.202.0.1 as 65001;\n"
	                " neighbor 10.202.0.2 as 64512;\n hold time 240;\n"
	                " connect retry time 1;\n connect delay time 1;\n error wait time 1, 2;\n"
	                " ipv4 { import none; export where proto = \"feed\"; };\n}\n");
	int rc = b.oom ? -1 : start_bird(L.ns_f, "feeder", b.s, &L.feeder);
	sbuf_free(&b);
	if (rc < 0)
		return -1;
	/* the feed is loaded (the static protocol up) before any receiver starts */
	char sock[160];
	snprintf(sock, sizeof(sock), "%s/feeder.ctl", L.dir);
	for (int i = 0; i < 6000; i++) {
		char *reply = NULL;
		if (bgp_svc_bird_request(sock, "show protocols feed", &reply) == 0) {
			bool up = strstr(reply, " up ") != NULL;
			free(reply);
			if (up)
				return 0;
		}
		lab_err_clear();
		usleep(20000);
	}
	return -1;
}

static int start_ours(const char *bgpd)
{
	char conf[160], text[512], out[160];
	snprintf(conf, sizeof(conf), "%s/bgpd.conf", L.dir);
	/* BGP_INGEST_JOURNAL=1: journal on (to see where the time goes) */
	char journal[200] = "";
	if (getenv("BGP_INGEST_JOURNAL"))
		snprintf(journal, sizeof(journal), "journal %s/events.jsonl\n", L.dir);
	snprintf(text, sizeof(text),
	         "asn 64512\nrouter-id 10.202.0.2\ncontrol %s/bgpd.sock\nmax-paths 1\n%s"
	         "neighbor 10.202.0.1 remote-as 65001 local-address 10.202.0.2 hold-ms 240000 "
	         "keepalive-ms 80000 connect-retry-ms 1000 passive\n",
	         L.dir, journal);
	if (write_file_atomic(conf, text, strlen(text), 0600) < 0)
		return -1;
	snprintf(out, sizeof(out), "%s/bgpd.log", L.dir);
	char *argv[] = {(char *)bgpd, "-c", conf, NULL};
	L.recv = nsp_spawn(L.ns_r, argv, out);
	return L.recv > 0 ? 0 : -1;
}

static int start_bird_recv(void)
{
	const char *text =
	    "router id 10.202.0.2;\ntimeformat protocol \"%s.%6f\";\n"
	    "protocol device {}\n"
	    "protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }\n"
	    "protocol bgp f {\n local 10.202.0.2 as 64512;\n"
	    " neighbor 10.202.0.1 as 65001;\n hold time 240;\n passive on;\n"
	    " graceful restart off;\n long lived graceful restart off;\n"
	    " ipv4 { import all; export none; };\n}\n";
	return start_bird(L.ns_r, "recv", text, &L.recv);
}

struct sample {
	bool answered;
	bool established;
	int64_t since; /* CLOCK_MONOTONIC ns when the session became Established */
	long rib, fib;
};

/* CLOCK_MONOTONIC of a CLOCK_REALTIME instant (BIRD prints wall-clock times). */
static int64_t real_to_mono(double real_s)
{
	struct timespec r;
	clock_gettime(CLOCK_REALTIME, &r);
	int64_t off = (int64_t)r.tv_sec * NS_PER_SEC + r.tv_nsec - mono_ns();
	return (int64_t)(real_s * 1e9) - off;
}

static long num_after(const char *s, const char *key)
{
	const char *p = s ? strstr(s, key) : NULL;
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void poll_ours(struct sample *x)
{
	char sock[160], *reply = NULL;
	snprintf(sock, sizeof(sock), "%s/bgpd.sock", L.dir);
	memset(x, 0, sizeof(*x));
	if (bgp_svc_bgpd_request(sock, "show summary", &reply) < 0) {
		lab_err_clear();
		return;
	}
	int64_t now = mono_ns(); /* the uptime was taken no earlier than this */
	x->answered = true;
	struct bgp_svc_session v[4];
	size_t nv = bgp_svc_parse_bgpd_sessions(reply, v, 4);
	for (size_t i = 0; i < nv && !x->established; i++)
		if (v[i].established) {
			x->established = true;
			x->since = now - v[i].uptime_ms * NS_PER_MS;
		}
	long long rib, fib;
	bgp_svc_bgpd_rib_counts(reply, &rib, &fib);
	x->rib = rib;
	x->fib = fib;
	free(reply);
}

/* "Routes:         N imported, M exported" of one BIRD protocol. */
static long bird_routes(const char *sock, const char *proto, bool imported)
{
	char cmd[64], *reply = NULL;
	snprintf(cmd, sizeof(cmd), "show protocols all %s", proto);
	if (bgp_svc_bird_request(sock, cmd, &reply) < 0) {
		lab_err_clear();
		return -1;
	}
	long imp = -1, exp = -1;
	const char *p = strstr(reply, "Routes:");
	if (p)
		sscanf(p, "Routes: %ld imported, %ld exported", &imp, &exp);
	free(reply);
	return imported ? imp : exp;
}

static void poll_bird(struct sample *x)
{
	char sock[160], *reply = NULL;
	snprintf(sock, sizeof(sock), "%s/recv.ctl", L.dir);
	memset(x, 0, sizeof(*x));
	if (bgp_svc_bird_request(sock, "show protocols f", &reply) < 0) {
		lab_err_clear();
		return;
	}
	x->answered = true;
	x->established = strstr(reply, "Established") != NULL;
	/* "1002-f  BGP  ---  up  <since: %s.%6f>  Established" */
	char name[16], proto[16], table[16], state[16];
	double since;
	const char *l = strstr(reply, "1002-");
	if (x->established && l &&
	    sscanf(l + 5, "%15s %15s %15s %15s %lf", name, proto, table, state, &since) == 5)
		x->since = real_to_mono(since);
	free(reply);
	if (!x->established)
		return;
	x->rib = bird_routes(sock, "f", true);
	x->fib = bird_routes(sock, "kernel1", false);
}

static long rss_kib(pid_t pid)
{
	char path[64], *text;
	size_t len;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, &text, &len) < 0)
		return -1;
	long v = num_after(text, "VmRSS:");
	free(text);
	return v;
}

struct result {
	double rib_s, fib_s, kib_per_100k, cpu_s;
	long kernel;
	bool ok;
};

static struct result run_one(const char *bgpd, long n, bool bird)
{
	struct result r = {0};
	if (net_up() != 0 || start_feeder(n) < 0) {
		fprintf(stderr, "bgp-ingest: cannot set up the feeder\n");
		return r;
	}
	if ((bird ? start_bird_recv() : start_ours(bgpd)) < 0)
		return r;
	struct sample x;
	int64_t t0 = 0, t_rib = 0, t_fib = 0, deadline = mono_ns() + 60 * NS_PER_SEC;
	long rss0 = -1;
	double cpu0 = -1;
	char feeder_sock[160];
	snprintf(feeder_sock, sizeof(feeder_sock), "%s/feeder.ctl", L.dir);
	while (mono_ns() < deadline) {
		/* BIRD 2.0.12 as a feeder may leave its last, partly filled UPDATE unsent
		 * until something wakes its event loop (seen: up to ~1 s, until the next
		 * netlink event): a control-socket request every poll is such a wake-up,
		 * the same for both receivers. */
		char *fr = NULL;
		if (bgp_svc_bird_request(feeder_sock, "show status", &fr) < 0)
			lab_err_clear();
		free(fr);
		bird ? poll_bird(&x) : poll_ours(&x);
		int64_t now = mono_ns(); /* when the answer was in: the counts held then */
		if (getenv("BGP_INGEST_DEBUG"))
			fprintf(stderr, "%.3f answered %d est %d since %.3f rib %ld fib %ld\n",
			        now / 1e9, x.answered, x.established, x.since / 1e9, x.rib, x.fib);
		if (x.answered && !x.established && rss0 < 0) {
			rss0 = rss_kib(L.recv); /* up, nothing learnt yet */
			cpu0 = run_pid_cpu_s(L.recv);
		}
		if (!t0 && x.established) {
			t0 = x.since ? x.since : now;
			deadline = now + 600 * NS_PER_SEC;
		}
		if (t0 && !t_rib && x.rib >= n)
			t_rib = now;
		if (t0 && !t_fib && x.fib >= n)
			t_fib = now;
		if (t_rib && t_fib)
			break;
		sleep_ns(POLL_MS * NS_PER_MS);
	}
	if (t_rib && t_fib) {
		r.ok = true;
		r.rib_s = (t_rib - t0) / 1e9;
		r.fib_s = (t_fib - t0) / 1e9;
		r.kib_per_100k = rss0 < 0 ? -1 : (rss_kib(L.recv) - rss0) * 100000.0 / (double)n;
		r.cpu_s = cpu0 < 0 ? -1 : run_pid_cpu_s(L.recv) - cpu0;
		FILE *p;
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "ip -n %s route show proto %s | wc -l", L.ns_r,
		         bird ? "bird" : "bgp");
		p = popen(cmd, "r");
		if (p) {
			if (fscanf(p, "%ld", &r.kernel) != 1)
				r.kernel = -1;
			pclose(p);
		}
	} else {
		fprintf(stderr, "bgp-ingest: %s did not get %ld prefixes (rib %ld, fib %ld)\n",
		        bird ? "bird" : "labctl-bgpd", n, x.rib, x.fib);
	}
	net_down();
	return r;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void bgpd_path(char *buf, size_t len, const char *argv0)
{
	const char *e = getenv("LABCTL_BGPD");
	if (e && *e) {
		snprintf(buf, len, "%s", e);
		return;
	}
	char exe[512];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	(void)argv0;
	if (k > 0) {
		exe[k] = 0;
		char *s = strrchr(exe, '/');
		if (s) {
			*s = 0;
			s = strrchr(exe, '/');
			if (s)
				*s = 0; /* bench/ -> build root */
			snprintf(buf, len, "%s/labctl-bgpd", exe);
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "labctl-bgpd");
}

int main(int argc, char **argv)
{
	long sizes[MAX_SIZES] = {10000, 100000};
	int nsizes = 2, runs = 3, c;
	while ((c = getopt(argc, argv, "n:r:h")) != -1) {
		if (c == 'n') {
			nsizes = 0;
			for (char *t = strtok(optarg, ","); t && nsizes < MAX_SIZES;
			     t = strtok(NULL, ","))
				sizes[nsizes++] = strtol(t, NULL, 10);
		} else if (c == 'r') {
			runs = atoi(optarg);
		} else {
			fprintf(stderr, "usage: bgp-ingest [-n 10000,100000,1000000] [-r RUNS]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bgp-ingest: -r %d: expected 1..%d\n", runs, MAX_RUNS);
		return 2;
	}
	for (int i = 0; i < nsizes; i++)
		if (sizes[i] < 1 || sizes[i] > 4000000) {
			fprintf(stderr, "bgp-ingest: -n %ld: expected 1..4000000\n", sizes[i]);
			return 2;
		}
	if (geteuid() != 0) {
		fprintf(stderr, "bgp-ingest: needs root (namespaces); run it with sudo\n");
		return 2;
	}
	char bgpd[600];
	bgpd_path(bgpd, sizeof(bgpd), argv[0]);
	snprintf(L.ns_f, sizeof(L.ns_f), "bench-feed-%d", (int)getpid());
	snprintf(L.ns_r, sizeof(L.ns_r), "bench-recv-%d", (int)getpid());
	snprintf(L.dir, sizeof(L.dir), "/tmp/bench-bgp-ingest-%d", (int)getpid());
	if (mkdir(L.dir, 0700) < 0) {
		perror(L.dir);
		return 1;
	}
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	printf("# %s vs BIRD 2, medians of %d runs; times from session Established\n", bgpd, runs);
	printf("%-9s %-12s %10s %10s %10s %12s %10s\n", "prefixes", "receiver", "loc-rib s",
	       "fib s", "cpu s", "KiB/100k", "kernel");
	int rc = 0;
	for (int i = 0; i < nsizes; i++) {
		double med[2][4];
		long kernel[2] = {0, 0};
		for (int who = 0; who < 2; who++) {
			double v[4][MAX_RUNS];
			int ok = 0;
			for (int k = 0; k < runs; k++) {
				struct result r = run_one(bgpd, sizes[i], who == 1);
				if (!r.ok)
					continue;
				v[0][ok] = r.rib_s, v[1][ok] = r.fib_s, v[2][ok] = r.kib_per_100k;
				v[3][ok] = r.cpu_s;
				kernel[who] = r.kernel;
				ok++;
			}
			if (!ok) {
				rc = 1;
				med[who][0] = med[who][1] = med[who][2] = med[who][3] = -1;
				continue;
			}
			for (int m = 0; m < 4; m++)
				med[who][m] = median(v[m], ok);
			printf("%-9ld %-12s %10.3f %10.3f %10.3f %12.0f %10ld\n", sizes[i],
			       who ? "bird" : "labctl-bgpd", med[who][0], med[who][1], med[who][3],
			       med[who][2], kernel[who]);
			fflush(stdout);
		}
		if (med[0][1] > 0 && med[1][1] > 0)
			printf("%-9ld ratio bird/ours: loc-rib %.2f, fib %.2f, cpu %.2f (>1: ours "
			       "faster)\n",
			       sizes[i], med[1][0] / med[0][0], med[1][1] / med[0][1],
			       med[0][3] > 0 ? med[1][3] / med[0][3] : 0);
	}
	return rc;
}
