/* The probe pair over a real veth between two namespaces: no loss while the link is
 * up, and a carrier loss of 0.5 s measured as an outage of 0.5 s within the probe
 * resolution, in both directions and round trip. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "../../nspair.h"
#include "common/monotime.h"
#include "common/fsutil.h"
#include "probe/wire.h"
#include "report/evlog.h"
#include "report/samples.h"
#include "probe/outage.h"

static struct nspair net;
static char dir[256];

static void cleanup(void)
{
	nspair_delete(&net);
	remove_tree(dir);
}

static pid_t start_probe(const char *probe_bin, int side, double interval, int count)
{
	static const char *addr[2] = {"192.0.2.1", "192.0.2.2"};
	char journal[400], iv[32], cnt[32];
	snprintf(journal, sizeof(journal), "%s/%s/events.jsonl", dir, side ? "b" : "a");
	snprintf(iv, sizeof(iv), "%g", interval);
	snprintf(cnt, sizeof(cnt), "%d", count);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("ip", "ip", "netns", "exec", net.ns[side], probe_bin, "--name", "pair",
		       "--dir", side ? "rev" : "fwd", "--bind", addr[side], "--peer",
		       addr[1 - side], "--flows", "3", "--interval", iv, "--count", cnt, "--linger",
		       "0.3", "--journal", journal, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int wait_ok(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void analyse(double expect_s, double res_s)
{
	struct evlog log;
	evlog_init(&log);
	CHECK_INT(evlog_load_lab(&log, dir), 0);
	struct samples S;
	CHECK_INT(samples_collect(&log, &S), 0);
	CHECK_INT(S.n_pd, 2);
	for (int leg = 0; leg < 2; leg++) {
		struct probe_sample *ps = calloc(S.n + 1, sizeof(*ps));
		size_t n = 0;
		for (size_t i = 0; i < S.n; i++) {
			const struct psample *p = &S.v[i];
			ps[n++] =
			    (struct probe_sample){.flow = p->flow,
			                          .dir = S.pd[p->pd].dir,
			                          .seq = p->ord,
			                          .sent_ns = p->sent_t,
			                          .ok = leg ? p->reply_t != 0 : p->echo_t != 0};
		}
		struct outage_set set;
		CHECK_INT(outage_compute(ps, n, (int64_t)(res_s * NS_PER_SEC), &set), 0);
		CHECK_INT(set.n, 6); /* 3 flows x 2 directions */
		for (size_t i = 0; i < set.n; i++) {
			const struct outage_stream *st = &set.streams[i];
			CHECK(st->sent >= 100);
			size_t k = st->n && st->v[0].leading ? 1 : 0;
			for (size_t q = 0; q < st->n && getenv("DEBUG"); q++)
				fprintf(
				    stderr,
				    "  dbg flow %u dir %u outage %zu: lost %u leading %d open %d\n",
				    st->flow, st->dir, q, st->v[q].lost, st->v[q].leading,
				    st->v[q].open);
			if (expect_s == 0) {
				CHECK_INT(st->n - k, 0);
				continue;
			}
			/* One outage, measured from the last success before to the first after:
			 * the carrier loss plus at most a probe interval at each end (and ARP
			 * resolution after the link comes back). Probes queued for ARP while the
			 * carrier was off arrive when it returns; those later than the late
			 * limit count as lost, so the outage can look shorter by that limit. */
			CHECK_INT(st->n - k, 1);
			if (st->n - k != 1)
				continue;
			const struct outage *o = &st->v[k];
			double d = (double)o->duration_ns / NS_PER_SEC;
			fprintf(stderr, "flow %u %s %s: outage %.3f s, %u lost\n", st->flow,
			        probe_dir_name(st->dir), leg ? "rtt" : "one-way", d, o->lost);
			CHECK(d >= expect_s - res_s -
			               (double)samples_late_ns((int64_t)(res_s * NS_PER_SEC)) /
			                   NS_PER_SEC &&
			      d <= expect_s + 2 * res_s + 0.15);
		}
		outage_set_free(&set);
		free(ps);
	}
	samples_free(&S);
	evlog_free(&log);
}

int main(int argc, char **argv)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	if (argc < 2)
		return check_broken("usage: test-probe-pair PATH/labctl-probe (from meson.build)");
	const char *probe = argv[1];
	char na[48], nb[48];
	snprintf(na, sizeof(na), "lctest-pa-%d", (int)getpid());
	snprintf(nb, sizeof(nb), "lctest-pb-%d", (int)getpid());
	snprintf(dir, sizeof(dir), "/tmp/labctl-test-probe.%d", (int)getpid());
	remove_tree(dir);
	if (mkdir_p(dir, 0700) < 0 || nsp_sh("mkdir -p %s/a %s/b", dir, dir) ||
	    nspair_create(&net, na, nb, "va", "vb", "192.0.2.1/24", "192.0.2.2/24") < 0) {
		cleanup();
		return check_broken("cannot create %s, namespaces and a veth pair as root", dir);
	}

	/* 1: 2 s at 10 ms, no loss. (Whichever end starts first may send before the
	 * other's responder is bound: such a leading loss is not an outage.) */
	pid_t b = start_probe(probe, 1, 0.01, 200);
	pid_t a = start_probe(probe, 0, 0.01, 200);
	CHECK_INT(wait_ok(a), 0);
	CHECK_INT(wait_ok(b), 0);
	analyse(0, 0.01);

	/* 2: carrier loss for 0.5 s in the middle of 3 s at 10 ms. */
	nsp_sh("rm -rf %s/a %s/b && mkdir -p %s/a %s/b", dir, dir, dir, dir);
	b = start_probe(probe, 1, 0.01, 300);
	a = start_probe(probe, 0, 0.01, 300);
	usleep(1200000);
	nsp_sh("ip -n %s link set va down", net.ns[0]);
	usleep(500000);
	nsp_sh("ip -n %s link set va up", net.ns[0]);
	CHECK_INT(wait_ok(a), 0);
	CHECK_INT(wait_ok(b), 0);
	analyse(0.5, 0.01);

	cleanup();
	return check_done();
}
