/* A hub with 1,000 neighbors (no neighbor cap): speaker A is configured with 1,000
 * neighbors and started with the soft RLIMIT_NOFILE at the usual 1024, which 1,000
 * sessions plus its own descriptors exceed. 200 of them are sessions to speaker B
 * (200 neighbors of its own) over one veth carrying 200 address pairs; the other 800
 * point at addresses nobody owns, so their connects keep failing and retrying.
 * A must raise its limit (and say so), bring the 200 sessions to Established, list
 * all 1,000 on its control socket, and install B's network as one ECMP route of
 * max-paths (64) next hops chosen among the 200 paths. Prints A's memory and CPU per
 * neighbor. */
#include <sys/resource.h>

#include "pair.h"
#include "run/run.h"

#define N_ALL 1000
#define N_UP 200

/* Session i (0..N_UP): A is 10.80.1.(i+1)... spread over the /16, B the same in
 * 10.80.2.x; dead neighbors are 10.80.3.x and up. */
static void addr(char *buf, size_t n, int net, int i)
{
	snprintf(buf, n, "10.80.%d.%d", net + i / 250, i % 250 + 1);
}

static int add_addresses(void)
{
	char path[160];
	for (int side = 0; side < 2; side++) {
		snprintf(path, sizeof(path), "%s/addr%d.batch", L.dir, side);
		FILE *f = fopen(path, "w");
		if (!f)
			return -1;
		for (int i = 0; i < N_UP; i++) {
			char a[32];
			addr(a, sizeof(a), side ? 2 : 1, i);
			fprintf(f, "addr add %s/16 dev %s\n", a, side ? "v1" : "v0");
		}
		fclose(f);
		if (nsp_sh("ip -n %s -batch %s", L.net.ns[side], path))
			return -1;
	}
	return 0;
}

static void write_conf(int side)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%c.conf", L.dir, 'a' + side);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f,
	        "asn %s\nrouter-id 10.77.0.%d\ncontrol %s/%c.sock\njournal %s/%c.jsonl\n"
	        "port 1179\nmax-paths 64\nnetwork %s\n",
	        side ? "65515" : "64512", side + 1, L.dir, 'a' + side, L.dir, 'a' + side,
	        side ? "10.2.0.0/16" : "10.1.0.0/16");
	int n = side ? N_UP : N_ALL;
	for (int i = 0; i < n; i++) {
		char peer[32], local[32];
		if (i < N_UP) {
			addr(peer, sizeof(peer), side ? 1 : 2, i);
			addr(local, sizeof(local), side ? 2 : 1, i);
			fprintf(f,
			        "neighbor %s remote-as %s local-address %s connect-retry-ms 1000\n",
			        peer, side ? "64512" : "65515", local);
		} else {
			addr(peer, sizeof(peer), 3, i - N_UP);
			fprintf(f, "neighbor %s remote-as 65515 connect-retry-ms 1000\n", peer);
		}
	}
	fclose(f);
}

/* A control-socket request with an answer of any size (malloc'd, "" on failure). */
static char *ctl_big(int i, const char *req, int64_t *took_ns)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%c.sock", L.dir, 'a' + i);
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	int64_t t0 = mono_ns();
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
		ssize_t n;
		while ((n = read(fd, buf + len, cap - 1 - len)) > 0) {
			len += (size_t)n;
			if (len == cap - 1) {
				char *b = realloc(buf, cap * 2);
				if (!b)
					break;
				buf = b;
				cap *= 2;
			}
		}
	}
	if (fd >= 0)
		close(fd);
	buf[len] = 0;
	if (took_ns)
		*took_ns = mono_ns() - t0;
	return buf;
}

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int up_count;
static bool all_up(int i)
{
	char *s = ctl_big(i, "show summary\n", NULL);
	up_count = s ? count(s, "\"state\":\"Established\"") : 0;
	free(s);
	return up_count == N_UP;
}

/* RSS (KiB) and CPU time (ms) of pid. */
static void usage_of(pid_t pid, long *rss_kib, long *cpu_ms)
{
	char path[64], line[256];
	*rss_kib = *cpu_ms = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", rss_kib) == 1)
			break;
	if (f)
		fclose(f);
	double cpu = run_pid_cpu_s(pid);
	if (cpu >= 0)
		*cpu_ms = (long)(cpu * 1000);
}

int main(void)
{
	const char *bgpd = NULL;
	int pre = pair_prereq(&bgpd);
	if (pre)
		return pre;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_max < 2 * N_ALL + 64)
		return check_skip(
		    "the hard RLIMIT_NOFILE is below 2064: cannot hold 1,000 neighbors");
	CHECK(pair_setup("bgpn") == 0);
	CHECK(add_addresses() == 0);
	if (check_failures)
		return check_done();
	for (int i = 0; i < 2; i++)
		write_conf(i);
	/* The usual default soft limit, inherited by both speakers. */
	rl.rlim_cur = 1024;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	int64_t t0 = mono_ns();
	for (int i = 0; i < 2; i++)
		L.pid[i] = spawn(i, bgpd);
	bool ok = wait_for(all_up, 0, 60 * NS_PER_SEC);
	double secs = (double)(mono_ns() - t0) / 1e9;
	fprintf(stderr, "%d of %d sessions Established after %.2f s\n", up_count, N_UP, secs);
	CHECK(ok);

	int64_t took;
	char *s = ctl_big(0, "show summary\n", &took);
	CHECK(s && count(s, "\"peer\":") >= N_ALL);
	CHECK(s && count(s, "\"remote_as\":") == N_ALL); /* every neighbor listed */
	fprintf(stderr, "`show summary` with %d neighbors: %zu bytes in %.2f ms\n", N_ALL,
	        s ? strlen(s) : 0, (double)took / 1e6);
	free(s);

	/* B's network over 64 of the 200 equal paths, one kernel route. */
	int64_t end = mono_ns() + 10 * NS_PER_SEC;
	int hops = 0;
	while (mono_ns() < end) {
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "ip -n %s route show 10.2.0.0/16 proto bgp",
		         L.net.ns[0]);
		FILE *p = popen(cmd, "r");
		char line[256];
		hops = 0;
		while (p && fgets(line, sizeof(line), p))
			hops += strstr(line, "nexthop via 10.80.2.") != NULL;
		if (p)
			pclose(p);
		if (hops == 64)
			break;
		usleep(50000);
	}
	CHECK_INT(hops, 64);

	long rss, cpu;
	usage_of(L.pid[0], &rss, &cpu);
	fprintf(stderr,
	        "speaker A: RSS %ld KiB (%.1f KiB per neighbor), CPU %ld ms (%.2f ms per "
	        "neighbor) after %.1f s\n",
	        rss, (double)rss / N_ALL, cpu, (double)cpu / N_ALL, (double)(mono_ns() - t0) / 1e9);

	char log[160], line[512];
	snprintf(log, sizeof(log), "%s/a.log", L.dir);
	FILE *f = fopen(log, "r");
	bool raised = false;
	while (f && fgets(line, sizeof(line), f))
		raised |= strstr(line, "open files limit raised from 1024") != NULL;
	if (f)
		fclose(f);
	CHECK(raised);

	int status = stop(0, SIGTERM);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (check_failures)
		fprintf(stderr, "logs and journals: %s (LABTEST_KEEP=1 keeps them)\n", L.dir);
	return check_done();
}
