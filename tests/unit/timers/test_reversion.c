/* The reversion window (lab/timers/reversion.c): each part from its input, the
 * earlier of the two ends' connection attempts, passive ends, a session that never
 * dropped, and the mapping from dual-tunnel at time scale 0.1. */
#include <math.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "common/json.h"
#include "timers/reversion.h"
#include "topo/topo.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void sides(struct timers_reversion_input *in)
{
	memset(in, 0, sizeof(*in));
	struct timers_reversion_side *a = &in->side[0], *b = &in->side[1];
	strcpy(a->gateway, "ali-vpn0");
	strcpy(a->router, "ali-tr");
	a->speaker = TIMERS_SPEAKER_RFC4271;
	a->connect_retry_s = 5;
	a->programming_s = 11.7;
	strcpy(b->gateway, "azure-vpn0");
	strcpy(b->router, "azure-hub");
	b->speaker = TIMERS_SPEAKER_BIRD;
	b->connect_retry_s = 5;
	b->error_wait_max_s = 2;
	b->connect_delay_s = 1;
	b->programming_s = 8.7;
	in->probe_interval_s = 0.1;
	in->session_lost = true;
}

int main(int argc, char **argv)
{
	struct timers_reversion_input in;
	struct timers_reversion r;

	/* BIRD's error wait 0-2 (longer than IKE's 0-1) + the first attempt of
	 * either end (both retry within 5 s; ours on a tie) + 11.7 + 0-0.2 */
	sides(&in);
	CHECK_INT(timers_reversion_predict(&in, &r), 0);
	CHECK(NEAR(r.w.min_s, 11.7) && NEAR(r.w.max_s, 2 + 5 + 11.7 + 0.2));
	CHECK_INT(r.n_parts, 4);
	CHECK_STR(r.parts[0].name, "ike|error-wait");
	CHECK_STR(r.parts[0].where, "azure-vpn0");
	CHECK_STR(r.parts[1].name, "bgp-reconnect");
	CHECK_STR(r.parts[1].where, "ali-vpn0");
	CHECK_STR(r.parts[2].where, "ali-tr");
	/* the JSON the report embeds: one valid document, windows as objects */
	struct json j;
	json_init(&j);
	timers_reversion_json(&j, &r);
	size_t jlen = 0;
	const char *doc = json_out(&j, &jlen);
	CHECK(doc != NULL);
	CHECK(doc && strstr(doc, "\"window\":{\"min_s\":"));
	json_free(&j);
	/* a shorter BIRD retry makes BIRD's attempt the first */
	in.side[1].connect_retry_s = 3;
	CHECK_INT(timers_reversion_predict(&in, &r), 0);
	CHECK(NEAR(r.w.max_s, 2 + 3 + 11.7 + 0.2));
	CHECK_STR(r.parts[1].where, "azure-vpn0");

	/* BIRD passive: our speaker's retry decides; a short error wait is hidden by IKE */
	sides(&in);
	in.side[1].passive = true;
	in.side[1].error_wait_max_s = 0.5;
	CHECK_INT(timers_reversion_predict(&in, &r), 0);
	CHECK(NEAR(r.w.max_s, 1 + 5 + 11.7 + 0.2));
	CHECK_STR(r.parts[0].name, "ike");
	CHECK_STR(r.parts[1].where, "ali-vpn0");
	in.side[0].passive = true;

	/* both passive: never */
	in.side[1].passive = true;
	CHECK_INT(timers_reversion_predict(&in, &r), 0);
	CHECK(isinf(r.w.max_s) && strstr(r.note, "passive") != NULL);

	/* healed before the session dropped: the tunnel alone */
	sides(&in);
	in.session_lost = false;
	CHECK_INT(timers_reversion_predict(&in, &r), 0);
	CHECK(NEAR(r.w.min_s, 0) && NEAR(r.w.max_s, 1.2));
	CHECK(strstr(r.note, "stayed up") != NULL);

	/* bad input */
	sides(&in);
	in.side[1].connect_retry_s = 0;
	CHECK_INT(timers_reversion_predict(&in, &r), -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	lab_err_clear();

	/* dual-tunnel at 0.1: connect retry 5 s -> 1 s (whole seconds), BIRD error wait
	 * 1 s (max 2 s). */
	char path[4096];
	snprintf(path, sizeof(path), "%s/dual-tunnel.yaml", argc > 1 ? argv[1] : "topologies");
	struct topo *t = NULL;
	CHECK_INT(topo_load(path, &t, NULL), 0);
	if (t) {
		CHECK_INT(topo_apply_time_scale(t, 0.1), 0);
		struct timers_input ti;
		CHECK_INT(timers_input_from_topo(t, 0, NULL, &ti), 0);
		CHECK_INT(timers_reversion_from_topo(t, 0, &ti, &in), 0);
		CHECK(NEAR(in.side[0].connect_retry_s, 1) && NEAR(in.side[1].error_wait_max_s, 2));
		CHECK_INT(timers_reversion_predict(&in, &r), 0);
		/* max(IKE 1, error wait 2) + min(our retry 1, BIRD's delay 1) + the slower
		 * router's programming delay as the topology has it + 2 probe intervals */
		double p = fmax(ti.side[0].programming_s, ti.side[1].programming_s);
		CHECK(p > 0);
		CHECK(NEAR(r.w.min_s, p) && NEAR(r.w.max_s, 2 + 1 + p + 0.2));
		topo_free(t);
	}
	return check_done();
}
