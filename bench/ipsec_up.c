/* bench/ipsec-up: how long the ipsec service takes from start (charons spawned) to
 * every CHILD_SA installed on both ends, median of several runs, and the TCP
 * throughput through the first tunnel (informational).
 *
 *   sudo build/bench/ipsec-up [--runs N] [--backend auto|xfrm|libipsec] [TOPOLOGY]
 *
 * Each run builds the topology's network in a private run root, starts only the
 * ipsec service and tears the lab down again. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "ipsec/sa_status.h"
#include "ipsec/ipsec_service.h"
#include "netns/netns.h"
#include "run/net.h"
#include "run/run.h"
#include "topo/topo.h"

#define TPUT_PORT 5201
#define TPUT_NS (3 * NS_PER_SEC)

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static bool all_installed(struct run_lab *l, const struct topo *t)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int s = 0; s < 2; s++) {
			struct ipsec_end_view v;
			if (ipsec_end_view(l, t, (uint32_t)i, s, &v) < 0 ||
			    !ipsec_end_installed(&v))
				return false;
		}
	return true;
}

struct sink {
	int fd;
	uint64_t bytes;
};

static void *sink_main(void *arg)
{
	struct sink *s = arg;
	int c = accept(s->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	char buf[65536];
	ssize_t n;
	while ((n = read(c, buf, sizeof(buf))) > 0)
		s->bytes += (uint64_t)n;
	close(c);
	return NULL;
}

/* TCP from end[0]'s inside address to end[1]'s across the first tunnel. */
static double throughput_mbit(struct run_lab *l, const struct topo *t)
{
	const struct topo_tunnel *tun = &t->tunnels[0];
	char a[NETNS_NAME_MAX], b[NETNS_NAME_MAX];
	struct netns *na = NULL, *nb = NULL;
	double mbit = -1;
	run_netns_name(l->name, t->nodes[tun->end[0].node].name, a, sizeof(a));
	run_netns_name(l->name, t->nodes[tun->end[1].node].name, b, sizeof(b));
	if (netns_open(a, &na) < 0 || netns_open(b, &nb) < 0)
		goto out;
	struct sink s = {.fd = netns_socket(nb, AF_INET, SOCK_STREAM, 0)};
	int one = 1;
	setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons(TPUT_PORT),
	                         .sin_addr = tun->end[1].inside.addr};
	if (s.fd < 0 || bind(s.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s.fd, 1) < 0)
		goto out;
	pthread_t th;
	pthread_create(&th, NULL, sink_main, &s);
	int c = netns_socket(na, AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr = tun->end[0].inside.addr};
	if (c >= 0 && bind(c, (struct sockaddr *)&me, sizeof(me)) == 0 &&
	    connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		static char buf[131072];
		int64_t t0 = mono_ns();
		while (mono_ns() - t0 < TPUT_NS)
			if (write(c, buf, sizeof(buf)) < 0)
				break;
		shutdown(c, SHUT_WR);
		close(c);
		pthread_join(th, NULL);
		mbit = (double)s.bytes * 8 / ((double)(mono_ns() - t0) / NS_PER_SEC) / 1e6;
	} else {
		if (c >= 0)
			close(c);
		shutdown(s.fd, SHUT_RDWR);
		pthread_cancel(th);
		pthread_join(th, NULL);
	}
	close(s.fd);
out:
	netns_close(na);
	netns_close(nb);
	return mbit;
}

static int one_run(const char *topo_path, const char *backend, const char *lab, int64_t *took,
                   double *mbit, char *chosen, size_t chosen_len)
{
	struct topo *t = NULL;
	struct topo_diags d = {0};
	struct run_lab l;
	struct run_net net = {0};
	int rc = -1;
	bool created = false;
	if (topo_load(topo_path, &t, &d) < 0) {
		topo_diags_print(&d, stderr);
		goto out;
	}
	if (run_lab_create(lab, &l) < 0)
		goto out;
	created = true;
	if (run_net_build(&l, t, &net) < 0)
		goto out;
	struct lab_ctx ctx = {.run = &l, .topo = t, .time_scale = 1.0};
	snprintf(ctx.ipsec_backend, sizeof(ctx.ipsec_backend), "%s", backend);
	int64_t t0 = mono_ns();
	if (ipsec_service.start(&ctx) < 0)
		goto out;
	while (!all_installed(&l, t)) {
		if (mono_ns() - t0 > 60 * NS_PER_SEC) {
			lab_err(LAB_EXIT_FAIL, "CHILD_SAs not installed after 60 s");
			goto out;
		}
		sleep_ns(5 * NS_PER_MS);
	}
	*took = mono_ns() - t0;
	enum ipsec_backend b;
	if (ipsec_backend_load(&l, &b) == 0)
		snprintf(chosen, chosen_len, "%s", ipsec_backend_name(b));
	if (mbit)
		*mbit = throughput_mbit(&l, t);
	rc = 0;
out:
	topo_diags_free(&d);
	if (created) {
		run_net_close(&net);
		run_lab_close(&l);
		struct run_down_stats st;
		run_lab_down(lab, &st);
	}
	topo_free(t);
	return rc;
}

int main(int argc, char **argv)
{
	int runs = 5;
	const char *backend = "auto", *name = "dual-tunnel";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			backend = argv[++i];
		else if (argv[i][0] != '-')
			name = argv[i];
		else {
			fprintf(stderr, "usage: ipsec-up [--runs N] [--backend auto|xfrm|libipsec] "
			                "[TOPOLOGY]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 100)
		runs = 5;
	if (geteuid() != 0) {
		fprintf(stderr, "ipsec-up: needs root (namespaces, charon)\n");
		return 2;
	}
	char topo[PATH_MAX], root[64];
	if (topo_resolve_path(name, topo, sizeof(topo)) < 0)
		return lab_err_report();
	snprintf(root, sizeof(root), "/tmp/lcb%d", (int)getpid());
	mkdir(root, 0700);
	setenv("LABCTL_RUN_DIR", root, 1);
	int64_t *took = calloc((size_t)runs, sizeof(*took));
	double mbit = -1;
	char chosen[32] = "?";
	int ok = 0;
	for (int i = 0; i < runs; i++) {
		char lab[32];
		snprintf(lab, sizeof(lab), "bi%d-%d", (int)getpid(), i);
		if (one_run(topo, backend, lab, &took[ok], i == runs - 1 ? &mbit : NULL, chosen,
		            sizeof(chosen)) < 0) {
			fprintf(stderr, "run %d: %s\n", i, lab_err_msg());
			continue;
		}
		printf("run %d: all CHILD_SAs installed %.1f ms after the ipsec service started\n",
		       i, (double)took[ok] / NS_PER_MS);
		ok++;
	}
	remove_tree(root);
	if (ok == 0) {
		free(took);
		return 1;
	}
	qsort(took, (size_t)ok, sizeof(*took), cmp_i64);
	printf("ipsec-up %s, backend %s: median %.1f ms, min %.1f ms, max %.1f ms over %d runs\n",
	       name, chosen, (double)took[ok / 2] / NS_PER_MS, (double)took[0] / NS_PER_MS,
	       (double)took[ok - 1] / NS_PER_MS, ok);
	if (mbit >= 0)
		printf("TCP through the first tunnel (%s): %.1f Mbit/s over %d s\n", chosen, mbit,
		       (int)(TPUT_NS / NS_PER_SEC));
	free(took);
	return 0;
}
