/* Sweeps: every point equals the closed form written out for dual-tunnel at that
 * value, the topology is restored afterwards, bad sweeps are refused. */
#include <math.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/sweep.h"
#include "topo/topo.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-6)

static struct topo *load(const char *dir, const char *name)
{
	char path[4096];
	struct topo *t = NULL;
	struct topo_diags diags = {0};
	snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
	if (topo_load(path, &t, &diags) < 0)
		topo_diags_print(&diags, stderr);
	topo_diags_free(&diags);
	return t;
}

/* dual-tunnel, ike-mismatch on tun0 (docs/timer-math.md): ali-vpn0 runs RFC 4271
 * behind ali-tr (programming d0), azure-vpn0 BIRD 2.0 (wake 0-3 s) behind azure-hub
 * (d1), probes every 0.1 s. Both send every K; the negotiated hold is H. d0 and
 * d1 are read from the file (the fitted cloud delays, docs/timer-math.md).
 *   fwd (H - K + d0, H + d0 + 0.2)
 *   rev (0.75 H - K + d1, H + 3 + d1 + 0.2)
 *   rtt [max of the minima, max of the maxima] */
static void expect_lab(const struct timers_sweep *sw, const struct timers_sweep_point *p, double H,
                       double K, double d0, double d1)
{
	int m = timers_sweep_model(sw, "lab");
	CHECK(m >= 0);
	if (m < 0)
		return;
	const struct timers_window *w = p->w[m];
	double f0 = H - K + d0, f1 = H + d0 + 0.2, r0 = 0.75 * H - K + d1, r1 = H + 3 + d1 + 0.2;
	bool ok = NEAR(w[TIMERS_FWD].min_s, f0) && NEAR(w[TIMERS_FWD].max_s, f1) &&
	          NEAR(w[TIMERS_REV].min_s, r0) && NEAR(w[TIMERS_REV].max_s, r1) &&
	          NEAR(w[TIMERS_RTT].min_s, fmax(f0, r0)) &&
	          NEAR(w[TIMERS_RTT].max_s, fmax(f1, r1));
	CHECK(ok);
	if (!ok)
		fprintf(stderr,
		        "H %g K %g d %g/%g: fwd %g-%g (want %g-%g) rev %g-%g (want %g-%g)\n", H, K,
		        d0, d1, w[0].min_s, w[0].max_s, f0, f1, w[1].min_s, w[1].max_s, r0, r1);
	/* rfc4271: our hold timer at both ends, the article's 1 s switch-over */
	int r = timers_sweep_model(sw, "rfc4271");
	CHECK(r >= 0 && NEAR(p->w[r][TIMERS_RTT].min_s, H - K + 1) &&
	      NEAR(p->w[r][TIMERS_RTT].max_s, H + 1 + 0.2));
}

static double d0, d1;

static void test_hold(struct topo *t)
{
	struct timers_sweep sw = {0};
	CHECK_INT(timers_sweep_add(&sw, t, "bgp.hold=3..180"), 0);
	CHECK_INT(sw.axis[0].n, 178);
	CHECK_INT(timers_sweep_run(&sw, t, 0, NULL, 0, 1.0), 0);
	size_t as_file = 0;
	for (size_t i = 0; i < sw.n; i++) {
		const struct timers_sweep_point *p = &sw.pts[i];
		double H = p->ms[0] / 1000.0, K = floor(H / 3);
		expect_lab(&sw, p, H, K, d0, d1);
		if (p->as_file) {
			as_file++;
			CHECK_INT(p->ms[0], 30000); /* the file's 10/30 against BIRD's 60/180 */
		}
	}
	CHECK_INT(as_file, 1);
	timers_sweep_free(&sw);
}

static void test_grid_and_restore(struct topo *t)
{
	struct timers_input before, after;
	CHECK_INT(timers_input_from_topo(t, 0, NULL, &before), 0);
	struct timers_sweep sw = {0};
	CHECK_INT(timers_sweep_add(&sw, t, "bgp.hold=9..90:9"), 0);
	CHECK_INT(timers_sweep_add(&sw, t, "route_programming_delay=0..2s:250ms"), 0);
	CHECK_INT(sw.axis[1].n, 9);
	CHECK_INT(timers_sweep_run(&sw, t, 0, NULL, 0, 1.0), 0);
	CHECK_INT(sw.n, 10 * 9);
	for (size_t i = 0; i < sw.n; i++) {
		double H = sw.pts[i].ms[0] / 1000.0, d = sw.pts[i].ms[1] / 1000.0;
		expect_lab(&sw, &sw.pts[i], H, floor(H / 3), d, d);
	}
	timers_sweep_free(&sw);
	CHECK_INT(timers_input_from_topo(t, 0, NULL, &after), 0);
	CHECK(!memcmp(&before, &after, sizeof(before)));

	/* One node's delay, with a TO the step does not reach: it is added. */
	CHECK_INT(timers_sweep_add(&sw, t, "nodes.azure-hub.bgp.route_programming_delay=0..10:3"),
	          0);
	CHECK_INT(sw.axis[0].n, 5);
	CHECK_INT(sw.axis[0].ms[4], 10000);
	CHECK_INT(timers_sweep_run(&sw, t, 0, NULL, 0, 1.0), 0);
	for (size_t i = 0; i < sw.n; i++)
		expect_lab(&sw, &sw.pts[i], 30, 10, d0, sw.pts[i].ms[0] / 1000.0);
	timers_sweep_free(&sw);
}

/* At a time scale the base is what `predict --time-scale` gives for the file. */
static void test_scale(const char *dir, struct topo *t)
{
	struct topo *s = load(dir, "dual-tunnel");
	CHECK(s != NULL);
	if (!s)
		return;
	struct timers_input in;
	struct timers_prediction want;
	CHECK_INT(topo_apply_time_scale(s, 0.1), 0);
	CHECK_INT(timers_input_from_topo(s, 0, NULL, &in), 0);
	CHECK_INT(timers_input_scale_model(&in, 0.1), 0);
	CHECK_INT(timers_predict(&in, &want), 0);
	struct timers_sweep sw = {0};
	CHECK_INT(timers_sweep_add(&sw, t, "bgp.hold=30..30"), 0);
	CHECK_INT(timers_sweep_run(&sw, t, 0, NULL, 0, 0.1), 0);
	int m = timers_sweep_model(&sw, "lab");
	const struct timers_model *lab = timers_find_model(&want, "lab");
	CHECK(m >= 0 && lab &&
	      NEAR(sw.base.models[m].dir[TIMERS_RTT].w.max_s, lab->dir[TIMERS_RTT].w.max_s));
	CHECK(sw.pts[0].as_file);
	timers_sweep_free(&sw);
	topo_free(s);
}

static void test_refused(struct topo *t)
{
	static const char *const bad[] = {
	    "bgp.hold=1..3",                  /* hold 1 s */
	    "bgp.hold=3..10:500ms",           /* 3.5 s is not whole seconds */
	    "bgp.keepalive=1..40",            /* keepalive 30 s at a hold of 30 s */
	    "bfd.interval=1..3",              /* no BFD key */
	    "bgp.holdtime=3..9",              /* unknown key */
	    "nodes.ecs.bgp.timers.hold=3..9", /* ecs has no bgp */
	    "tunnels.tun9.ike.dpd=1..9",
	    "bgp.hold=90..30", /* TO below FROM */
	    "bgp.hold=3..180:0",
	    "bgp.hold",
	    "bgp.hold=0..65535:1ms", /* too many points */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct timers_sweep sw = {0};
		lab_err_clear();
		int r = timers_sweep_add(&sw, t, bad[i]);
		CHECK(r < 0 && lab_err_code() == LAB_EXIT_USAGE);
		if (r == 0)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		timers_sweep_free(&sw);
	}
	/* the message names the supported keys */
	struct timers_sweep sw = {0};
	CHECK(timers_sweep_add(&sw, t, "bfd.interval=1..3") < 0);
	CHECK(strstr(lab_err_msg(), "bgp.hold") && strstr(lab_err_msg(), "tunnels.NAME.ike.dpd"));
	timers_sweep_free(&sw);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	struct topo *t = load(argv[1], "dual-tunnel");
	CHECK(t != NULL);
	if (!t)
		return check_done();
	uint32_t tr = topo_node_index(t, "ali-tr"), hub = topo_node_index(t, "azure-hub");
	CHECK(tr != TOPO_NONE && hub != TOPO_NONE);
	if (tr == TOPO_NONE || hub == TOPO_NONE)
		return check_done();
	d0 = t->nodes[tr].bgp->route_programming_delay_ms / 1000.0;
	d1 = t->nodes[hub].bgp->route_programming_delay_ms / 1000.0;
	test_hold(t);
	test_grid_and_restore(t);
	test_scale(argv[1], t);
	test_refused(t);
	topo_free(t);
	return check_done();
}
