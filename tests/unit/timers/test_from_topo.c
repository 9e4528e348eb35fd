/* Topology -> scenario: sides, routers, timers, scaling like `up --time-scale`. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "gen/hub_spoke.h"
#include "timers/timers.h"
#include "topo/topo.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

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

int main(int argc, char **argv)
{
	struct timers_input in, sc;
	struct timers_prediction p, q;

	if (argc != 2)
		return 2;
	struct topo *t = load(argv[1], "dual-tunnel");
	CHECK(t != NULL);
	if (!t)
		return check_done();

	/* Tunnel 1: side 0 is the probe source's (ecs) end. */
	CHECK(timers_input_from_topo(t, 1, NULL, &in) == 0);
	CHECK_STR(in.side[0].gateway, "ali-vpn1");
	CHECK_STR(in.side[0].router, "ali-tr");
	CHECK_STR(in.side[1].gateway, "azure-vpn1");
	CHECK_STR(in.side[1].router, "azure-hub");
	CHECK_INT(in.side[0].speaker, TIMERS_SPEAKER_RFC4271);
	CHECK_INT(in.side[1].speaker, TIMERS_SPEAKER_BIRD);
	CHECK(NEAR(in.side[0].hold_s, 30) && NEAR(in.side[1].hold_s, 180));
	CHECK(NEAR(in.side[1].keepalive_s, 60));
	CHECK(NEAR(in.probe_interval_s, 0.1));
	CHECK(in.alternate_path);
	CHECK_INT(in.fault, TIMERS_FAULT_IKE_MISMATCH);
	CHECK(timers_input_from_topo(t, 0, "blackhole", &in) == 0);
	CHECK_INT(in.fault, TIMERS_FAULT_BLACKHOLE);
	CHECK(NEAR(in.side[0].dpd_delay_s, 45));

	/* Bad input: exit code 2 and nothing changed. */
	CHECK(timers_input_from_topo(t, 2, NULL, &in) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(timers_input_from_topo(t, 0, "loss", &in) == -1);

	/* --time-scale 0.1 as `up` applies it: every timer and delay a tenth, so the lab
	 * window without its probe part is a tenth (the probe interval stays 0.1 s). */
	CHECK(timers_input_from_topo(t, 0, NULL, &in) == 0);
	CHECK(topo_apply_time_scale(t, 0.1) == 0);
	CHECK(timers_input_from_topo(t, 0, NULL, &sc) == 0);
	CHECK(timers_input_scale_model(&sc, 0.1) == 0);
	CHECK(NEAR(sc.side[0].hold_s, 3) && NEAR(sc.side[0].keepalive_s, 1));
	CHECK(NEAR(sc.side[1].hold_s, 18) && NEAR(sc.side[1].keepalive_s, 6));
	/* BIRD's wake-up after its hold timer (timers.h) is its main loop's, not a
	 * timer: 3 s at every scale, in the lab model's rev only. */
	CHECK(NEAR(in.side[0].wake_max_s, 0) && NEAR(sc.side[0].wake_max_s, 0));
	CHECK(NEAR(in.side[1].wake_max_s, 3) && NEAR(sc.side[1].wake_max_s, 3));
	CHECK(timers_predict(&sc, &q) == 0);
	const struct timers_path *rev = &timers_find_model(&q, "lab")->dir[TIMERS_REV];
	CHECK_STR(rev->parts[1].name, "wake");
	CHECK_STR(rev->parts[1].where, "azure-vpn0");
	CHECK(NEAR(rev->parts[1].w.min_s, 0) && NEAR(rev->parts[1].w.max_s, 3));
	CHECK(
	    NEAR(rev->w.max_s, 3 + 3 + sc.side[1].propagation_s + sc.side[1].programming_s + 0.2));
	CHECK_INT((int)timers_find_model(&q, "bird")->dir[TIMERS_REV].n_parts, 3);
	/* Everything else scales. */
	in.side[1].wake_max_s = sc.side[1].wake_max_s = 0;
	CHECK(timers_predict(&in, &p) == 0);
	CHECK(timers_predict(&sc, &q) == 0);
	CHECK(NEAR(q.session.keepalive_s[1], 1)); /* BIRD: 6 x 3/18 */
	for (size_t m = 0; m < p.n_models; m++)
		for (int d = 0; d < TIMERS_NDIR; d++) {
			const struct timers_path *a = &p.models[m].dir[d], *b = &q.models[m].dir[d];
			double probe = strcmp(p.models[m].name, "article") ? 0.2 : 0;
			CHECK(NEAR(b->w.min_s, 0.1 * a->w.min_s));
			CHECK(NEAR(b->w.max_s - probe, 0.1 * (a->w.max_s - probe)));
		}
	topo_free(t);

	/* A generated hub: each gateway instance speaks eBGP to the hub router, which
	 * is still the router that moves the traffic (measured at 100 sites: FIB on
	 * hub-rt 10.8 s after hub0-s001's hold expiry, BIRD's wake and hub-rt's
	 * 7.8 s). */
	char gpath[64];
	snprintf(gpath, sizeof(gpath), "/tmp/from-topo-hub-%d.yaml", (int)getpid());
	FILE *g = fopen(gpath, "w");
	struct gen_hub_spoke o = {.sites = 2,
	                          .tunnels_per_site = 2,
	                          .hub_profile = "azure-vwan",
	                          .site_profile = "alibaba-cen"};
	CHECK(g && gen_hub_spoke(&o, g) == 0);
	if (g)
		fclose(g);
	struct topo_diags gd = {0};
	t = NULL;
	CHECK(topo_load(gpath, &t, &gd) == 0);
	topo_diags_free(&gd);
	unlink(gpath);
	if (t) {
		CHECK(timers_input_from_topo(t, 0, NULL, &in) == 0);
		CHECK_STR(in.side[0].gateway, "s001-gw0");
		CHECK_STR(in.side[0].router, "s001-rt");
		CHECK(NEAR(in.side[0].programming_s, 10.8));
		CHECK_STR(in.side[1].gateway, "hub0-s001");
		CHECK_STR(in.side[1].router, "hub-rt");
		CHECK(NEAR(in.side[1].programming_s, 7.8));
		topo_free(t);
	}

	/* One tunnel: no alternate path. */
	t = load(argv[1], "single-tunnel");
	CHECK(t != NULL);
	if (t) {
		CHECK(timers_input_from_topo(t, 0, NULL, &in) == 0);
		CHECK(!in.alternate_path);
		topo_free(t);
	}
	return check_done();
}
