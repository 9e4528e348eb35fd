/* The simulator against the closed form: with 200k faults per model its extremes
 * lie inside the closed window (up to float noise) and approach both ends. */
#include <math.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/timers.h"

#define SAMPLES 200000
#define EPS 1e-9

static void compare(const char *what, const struct timers_input *in, double rtt_tol_frac)
{
	static const char *const models[] = {"article", "rfc4271", "bird", "lab"};
	struct timers_prediction p;

	CHECK(timers_predict(in, &p) == 0);
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		struct timers_mc_result r;
		const struct timers_model *m = timers_find_model(&p, models[i]);
		CHECK(timers_simulate(in, models[i], SAMPLES, 42, &r) == 0);
		for (int d = 0; d < TIMERS_NDIR; d++) {
			const struct timers_window *cf = &m->dir[d].w, *mc = &r.dir[d].w;
			if (!isfinite(cf->max_s)) { /* never ends: no finite sample either */
				CHECK_INT(r.dir[d].n, 0);
				continue;
			}
			double width = cf->max_s - cf->min_s;
			/* Probe grids quantize measured outages to the interval. */
			double tol = (d == TIMERS_RTT ? rtt_tol_frac : 0.03) * width +
			             in->probe_interval_s + EPS;
			bool inside = mc->min_s >= cf->min_s - EPS && mc->max_s <= cf->max_s + EPS;
			bool close = mc->min_s - cf->min_s <= tol && cf->max_s - mc->max_s <= tol;
			CHECK(inside);
			CHECK(close);
			CHECK_INT(r.dir[d].n, SAMPLES);
			if (!inside || !close)
				fprintf(stderr,
				        "  %s %s %s: closed [%.6f, %.6f], simulated [%.6f, %.6f]\n",
				        what, models[i], timers_dir_name((enum timers_dir)d),
				        cf->min_s, cf->max_s, mc->min_s, mc->max_s);
		}
	}
}

int main(void)
{
	struct timers_input in;

	/* The article's scenario, exact probes and the article's 0.1 s probes. */
	timers_input_article(&in);
	in.side[0].programming_s = in.side[1].programming_s = 11.7;
	in.probe_interval_s = 0;
	compare("article exact", &in, 0.1);
	in.probe_interval_s = 0.1;
	compare("article 0.1 s", &in, 0.1);

	/* Both orders of 10/30 and 60/180, and 20/60 against BIRD. */
	timers_input_article(&in);
	in.probe_interval_s = 0;
	in.side[0] = (struct timers_side){.gateway = "a",
	                                  .router = "a",
	                                  .speaker = TIMERS_SPEAKER_BIRD,
	                                  .keepalive_s = 60,
	                                  .hold_s = 180};
	in.side[1] = (struct timers_side){.gateway = "b",
	                                  .router = "b",
	                                  .speaker = TIMERS_SPEAKER_RFC4271,
	                                  .keepalive_s = 10,
	                                  .hold_s = 30,
	                                  .programming_s = 2};
	compare("bird first", &in, 0.1);
	in.side[1].keepalive_s = 20;
	in.side[1].hold_s = 60;
	compare("20/60 vs bird", &in, 0.1);

	/* BIRD's wake-up after its hold timer expires (lab model only). */
	timers_input_article(&in);
	in.probe_interval_s = 0;
	in.side[1].wake_max_s = 3;
	compare("bird wake", &in, 0.1);

	/* DPD decides (no hold timer): charon's whole-second clock and check loop. */
	timers_input_article(&in);
	in.fault = TIMERS_FAULT_BLACKHOLE;
	in.side[0].hold_s = 0;
	for (int i = 0; i < 2; i++) {
		in.side[i].track_tunnel = true;
		in.side[i].dpd_delay_s = 10;
	}
	compare("dpd", &in, 0.1);

	/* BFD model beside the hold timer. */
	timers_input_article(&in);
	in.probe_interval_s = 0;
	in.side[0].bfd_interval_s = in.side[1].bfd_interval_s = 1;
	compare("bfd", &in, 0.1);

	/* Same seed, same numbers. */
	struct timers_mc_result a, b;
	timers_input_article(&in);
	CHECK(timers_simulate(&in, "lab", 1000, 7, &a) == 0);
	CHECK(timers_simulate(&in, "lab", 1000, 7, &b) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	CHECK(timers_simulate(&in, "lab", 1000, 8, &b) == 0);
	CHECK(a.dir[TIMERS_RTT].mean_s != b.dir[TIMERS_RTT].mean_s);
	CHECK(timers_simulate(&in, "nosuch", 10, 1, &a) == -1);
	CHECK(timers_simulate(&in, "lab", 0, 1, &a) == -1);
	return check_done();
}
