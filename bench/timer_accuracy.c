/* timer-accuracy LAB: how exactly each speaker's hold timer fires, from the journals
 * of the failover runs in a lab (run `labctl failover LAB --runs N` first, or use
 * bench/timer-accuracy, which does both).
 *
 * For every fault run: the built-in speaker's hold expiry minus the last message it
 * received from the peer, against the negotiated hold time H (RFC 4271: exactly H);
 * BIRD's hold expiry minus the last message the peer sent it before the fault,
 * against BIRD's jittered window [0.75 H, H] (docs/reference.md). Prints each run and the
 * median and max error in ms per speaker (error: distance outside the predicted
 * value or window; signed for ours), and how long after its hold expiry BIRD
 * withdrew the routes (its protocol "Down", which the hold timer alone does not
 * predict). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "report/lab_report.h"
#include "report/report.h"

#define MAX_RUNS 1024

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static bool is_msg(const struct jevent *e, const char *ev, const char *node, const char *peer)
{
	const char *p = jev_str(e, "peer"), *ty = jev_str(e, "type");
	return jev_is(e, "bgp", ev) && !strcmp(e->node, node) && p && !strcmp(p, peer) && ty &&
	       (!strcmp(ty, "keepalive") || !strcmp(ty, "update") || !strcmp(ty, "open"));
}

static void summary(const char *who, double *v, size_t n, bool abs_)
{
	if (!n) {
		printf("%-22s no hold expiry seen\n", who);
		return;
	}
	double a[MAX_RUNS];
	for (size_t i = 0; i < n; i++)
		a[i] = abs_ ? fabs(v[i]) : v[i];
	qsort(a, n, sizeof(a[0]), cmp_d);
	printf("%-22s runs %zu  median %.1f ms  max %.1f ms\n", who, n, a[n / 2], a[n - 1]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: timer-accuracy LAB\n");
		return 2;
	}
	struct lab_view v;
	struct lab_report lr;
	if (lab_view_open(argv[1], &v) < 0 || lab_report_open(&lr, &v, true) < 0)
		return lab_err_report();
	struct evlog log;
	evlog_init(&log);
	struct report r;
	struct report_config cfg;
	lab_report_config(&lr, &cfg);
	if (evlog_load_lab(&log, v.run.dir) < 0 || report_build(&log, &cfg, &r) < 0)
		return lab_err_report();
	double ours[MAX_RUNS], bird[MAX_RUNS], bird_wd[MAX_RUNS];
	size_t n_ours = 0, n_bird = 0, n_wd = 0;
	printf("lab %s, time scale %g\n", v.run.name, v.time_scale);
	for (size_t k = 0; k < r.n_runs && n_ours < MAX_RUNS; k++) {
		const struct report_run *run = &r.runs[k];
		const struct report_tunnel *tun = NULL;
		for (size_t i = 0; i < lr.n_tunnels; i++)
			if (!strcmp(lr.tunnels[i].name, run->tunnel))
				tun = &lr.tunnels[i];
		if (!tun || !run->has_pred)
			continue;
		double H = run->pred.session.hold_s;
		for (int s = 0; s < 2; s++) {
			const char *gw = tun->gw[s], *peer = tun->addr[1 - s], *me = tun->addr[s];
			int64_t expiry = 0, last = 0;
			for (size_t i = 0; i < log.n && !expiry; i++) {
				const struct jevent *e = &log.v[i];
				if (e->t < run->t0 || e->t >= run->to_t || strcmp(e->node, gw))
					continue;
				const char *reason = jev_str(e, "reason"), *p = jev_str(e, "peer");
				if (!p || strcmp(p, peer) || !reason)
					continue;
				if ((jev_is(e, "bgp", "state") &&
				     !strcmp(reason, "hold-timer-expired")) ||
				    (jev_is(e, "bird", "state") &&
				     strstr(reason, "Hold timer expired")))
					expiry = e->t;
			}
			if (!expiry)
				continue;
			/* The last message that reached it: what it received (ours), or what
			 * the peer sent before the fault cut the tunnel (BIRD logs no rx). */
			for (size_t i = 0; i < log.n && log.v[i].t < expiry; i++) {
				const struct jevent *e = &log.v[i];
				if (!tun->bird[s] && is_msg(e, "rx", gw, peer))
					last = e->t;
				if (tun->bird[s] && e->t < run->t0 &&
				    is_msg(e, "tx", tun->gw[1 - s], me))
					last = e->t;
			}
			if (!last)
				continue;
			double m = (double)(expiry - last) / NS_PER_SEC;
			if (tun->bird[s]) {
				double err = m < 0.75 * H ? m - 0.75 * H : m > H ? m - H : 0;
				bird[n_bird++] = err * 1000;
				printf("run %zu %-10s BIRD     hold %.3f s: fired %.3f s after the "
				       "last "
				       "message (%.2f H), %s\n",
				       k + 1, gw, H, m, m / H,
				       err == 0 ? "inside [0.75 H, H]" : "OUTSIDE [0.75 H, H]");
				/* BIRD withdraws when the protocol is down, not at the expiry. */
				for (size_t i = 0; i < log.n; i++) {
					const struct jevent *e = &log.v[i];
					const char *p = jev_str(e, "peer");
					if (e->t >= expiry && e->t < run->to_t &&
					    jev_is(e, "bird", "down") && !strcmp(e->node, gw) &&
					    p && !strcmp(p, peer)) {
						bird_wd[n_wd++] =
						    (double)(e->t - expiry) / NS_PER_MS;
						printf("run %zu %-10s BIRD     withdrew (protocol "
						       "down) %.1f ms "
						       "after its hold expiry\n",
						       k + 1, gw, bird_wd[n_wd - 1]);
						break;
					}
				}
			} else {
				ours[n_ours++] = (m - H) * 1000;
				printf("run %zu %-10s built-in hold %.3f s: fired %.3f s after the "
				       "last "
				       "message (%+.1f ms)\n",
				       k + 1, gw, H, m, (m - H) * 1000);
			}
		}
	}
	summary("built-in (vs H)", ours, n_ours, true);
	summary("BIRD (vs [0.75H, H])", bird, n_bird, true);
	summary("BIRD expiry->withdraw", bird_wd, n_wd, false);
	report_free(&r);
	evlog_free(&log);
	lab_report_close(&lr);
	lab_view_close(&v);
	return 0;
}
