/* The mechanisms that end an outage besides the hold timer, as `compare` varies
 * them: a cloud's DPD schedule per gateway (strongSwan's retransmission sum), the
 * next hop vanishing with charon's TUN (kill-charon under kernel-libipsec), and
 * tracking only where the speaker receives tunnel events (ours, not BIRD). Closed
 * form against Monte Carlo for each. */
#include <math.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/timers.h"
#include "topo/override.h"
#include "topo/topo.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void inside_mc(const struct timers_input *in)
{
	struct timers_prediction p;
	struct timers_mc_result mc;
	CHECK(timers_predict(in, &p) == 0);
	CHECK(timers_simulate(in, "lab", 20000, 7, &mc) == 0);
	const struct timers_model *lab = timers_find_model(&p, "lab");
	for (int d = 0; lab && d < TIMERS_NDIR; d++) {
		CHECK(mc.dir[d].w.min_s >= lab->dir[d].w.min_s - 1e-9);
		CHECK(mc.dir[d].w.max_s <= lab->dir[d].w.max_s + 1e-9);
	}
}

int main(int argc, char **argv)
{
	struct timers_input in;
	struct timers_ike_retransmit def = {4, 1.8, 5}, aws = {10, 1, 2};
	/* strongSwan's documented total for the defaults, and AWS's 30 s after the
	 * first unanswered probe. */
	CHECK(fabs(timers_retransmit_total(&def) - 165.0611) < 1e-3);
	CHECK(NEAR(timers_retransmit_total(&aws), 30));

	/* A silent fault, no hold timer, tracking + DPD 10 s with AWS's schedule on
	 * side 0 only: side 0 detects in (10 - 1 - gap, 10 + 1] + 30, side 1 never. */
	timers_input_article(&in);
	in.fault = TIMERS_FAULT_BLACKHOLE;
	in.alternate_path = true;
	for (int s = 0; s < 2; s++) {
		in.side[s].track_tunnel = true;
		in.side[s].dpd_delay_s = 10;
		in.side[s].speaker = TIMERS_SPEAKER_RFC4271;
		in.side[s].wake_max_s = 0;
		in.side[s].hold_s = 0; /* no hold timer: DPD alone */
		in.side[s].keepalive_s = 0;
	}
	in.side[0].retransmit = aws;
	enum timers_mechanism m;
	struct timers_window w0 = timers_detection(&in, 0, &m);
	CHECK(m == TIMERS_MECH_DPD);
	CHECK(NEAR(w0.max_s, 10 + 1 + 30));
	struct timers_window w1 = timers_detection(&in, 1, &m);
	CHECK(NEAR(w1.max_s, 10 + 1 + timers_retransmit_total(&def))); /* the defaults */
	inside_mc(&in);
	/* Scaling scales each gateway's schedule like every other timer. */
	CHECK(timers_input_scale_model(&in, 0.1) == 0);
	CHECK(NEAR(in.side[0].retransmit.timeout_s, 1));
	CHECK(NEAR(in.retransmit.timeout_s, 0.4));

	/* kill-charon: the faulted side's TUN is gone at once, the other side waits. */
	timers_input_article(&in);
	in.fault = TIMERS_FAULT_KILL_CHARON;
	in.fault_side = 0;
	in.alternate_path = true;
	in.side[0].dev_dies_with_charon = true;
	struct timers_window k0 = timers_detection(&in, 0, &m);
	CHECK(m == TIMERS_MECH_NEXTHOP);
	CHECK(NEAR(k0.min_s, 0) && NEAR(k0.max_s, 0));
	timers_detection(&in, 1, &m);
	CHECK(m == TIMERS_MECH_HOLD);
	inside_mc(&in);
	/* The detection-only variants keep to the hold timer. */
	struct timers_prediction p;
	CHECK(timers_predict(&in, &p) == 0);
	const struct timers_model *rfc = timers_find_model(&p, "rfc4271");
	CHECK(rfc && rfc->dir[TIMERS_FWD].mechanism == TIMERS_MECH_HOLD);

	/* dual-tunnel with tracking on: only the built-in speaker's side tracks. */
	if (argc > 1) {
		char path[4096];
		struct topo *t = NULL;
		struct topo_diags d = {0};
		struct topo_override o;
		snprintf(path, sizeof(path), "%s/dual-tunnel.yaml", argv[1]);
		CHECK(topo_load(path, &t, &d) == 0);
		topo_diags_free(&d);
		if (t) {
			CHECK(topo_override_parse("track", &o) == 0 &&
			      topo_override_apply(t, &o) == 0);
			CHECK(timers_input_from_topo(t, 0, "ike-mismatch", &in) == 0);
			CHECK(in.side[0].track_tunnel); /* ali-vpn0: labctl-bgpd */
			CHECK(
			    !in.side[1].track_tunnel); /* azure-vpn0: BIRD gets no tunnel events */
			CHECK(timers_predict(&in, &p) == 0);
			const struct timers_model *lab = timers_find_model(&p, "lab");
			CHECK(lab && lab->dir[TIMERS_FWD].mechanism == TIMERS_MECH_TRACK);
			CHECK(lab && lab->dir[TIMERS_REV].mechanism == TIMERS_MECH_HOLD);
			topo_free(t);
		}
	}
	return check_done();
}
