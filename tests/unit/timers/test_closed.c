/* Closed-form windows: the article's numbers, other timer pairs, edge cases. */
#include <math.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/timers.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)
#define CHECK_WIN(w, lo, hi)                                                                       \
	do {                                                                                       \
		CHECK(NEAR((w).min_s, (lo)));                                                      \
		CHECK(NEAR((w).max_s, (hi)));                                                      \
		if (!NEAR((w).min_s, (lo)) || !NEAR((w).max_s, (hi)))                              \
			fprintf(stderr, "  window [%.9g, %.9g], expected [%.9g, %.9g]\n",          \
			        (w).min_s, (w).max_s, (double)(lo), (double)(hi));                 \
	} while (0)

static const struct timers_model *model(const struct timers_input *in, struct timers_prediction *p,
                                        const char *name)
{
	if (timers_predict(in, p) < 0) {
		fprintf(stderr, "predict failed: %s\n", lab_err_msg());
		return NULL;
	}
	return timers_find_model(p, name);
}

static void set_side(struct timers_side *s, enum timers_speaker sp, double k, double h)
{
	s->speaker = sp;
	s->keepalive_s = k;
	s->hold_s = h;
}

/* The article's scenario: 10/30 (ours, RFC) against BIRD 60/180. */
static void test_article(void)
{
	struct timers_input in;
	struct timers_prediction p;
	timers_input_article(&in);
	const struct timers_model *a = model(&in, &p, "article");
	CHECK(a != NULL);
	if (!a)
		return;
	for (int d = 0; d < TIMERS_NDIR; d++)
		CHECK_WIN(a->dir[d].w, 32, 41);
	CHECK_STR(a->dir[TIMERS_RTT].parts[0].name, "keepalive");
	CHECK_WIN(a->dir[TIMERS_RTT].parts[0].w, 1, 10);
	CHECK_WIN(a->dir[TIMERS_RTT].parts[1].w, 30, 30);
	CHECK_WIN(a->dir[TIMERS_RTT].parts[2].w, 1, 1);

	/* Negotiation: hold 30 (min of the OPENs); BIRD scales 60 by 30/180 = 10. */
	CHECK(NEAR(p.session.hold_s, 30));
	CHECK(NEAR(p.session.keepalive_s[0], 10));
	CHECK(NEAR(p.session.keepalive_s[1], 10));
	CHECK(NEAR(p.session.hold_min_s[0], 30));
	CHECK(NEAR(p.session.hold_min_s[1], 22.5));

	/* RFC 4271 exact: (H-K, H] = (20, 30] + switch 1 + probe (0, 0.2). */
	const struct timers_model *r = timers_find_model(&p, "rfc4271");
	CHECK_WIN(r->dir[TIMERS_FWD].parts[0].w, 20, 30);
	CHECK_WIN(r->dir[TIMERS_FWD].w, 21, 31.2);
	CHECK_WIN(r->dir[TIMERS_RTT].w, 21, 31.2);
	CHECK_INT(r->dir[TIMERS_RTT].mechanism, TIMERS_MECH_HOLD);

	/* BIRD's jittered hold timer: (0.75H-K, H] = (12.5, 30]. */
	const struct timers_model *b = timers_find_model(&p, "bird");
	CHECK_WIN(b->dir[TIMERS_REV].parts[0].w, 12.5, 30);

	/* The lab: RFC side detects in (20, 30], BIRD side in (12.5, 30]; delays 0. */
	const struct timers_model *l = timers_find_model(&p, "lab");
	CHECK_WIN(l->dir[TIMERS_FWD].w, 20, 30.2);
	CHECK_WIN(l->dir[TIMERS_REV].w, 12.5, 30.2);
	CHECK_WIN(l->dir[TIMERS_RTT].w, 20, 30.2);
	CHECK_STR(l->dir[TIMERS_FWD].parts[0].where, "ali-vpn0");
	CHECK_STR(l->dir[TIMERS_FWD].parts[2].name, "programming");
	CHECK_STR(l->dir[TIMERS_FWD].parts[2].where, "ali-tr");
	CHECK_STR(l->dir[TIMERS_REV].parts[2].where, "azure-hub");
	CHECK_STR(l->dir[TIMERS_FWD].parts[3].name, "probe-resolution");

	/* With the programming delays the fit derives (11.7 s at both routers) the
	 * lab window holds both measurements and lies within a second of 32-41 s. */
	in.side[0].programming_s = in.side[1].programming_s = 11.7;
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_RTT].w, 31.7, 41.9);
	CHECK(l->dir[TIMERS_RTT].w.min_s < 36.7 && 36.9 <= l->dir[TIMERS_RTT].w.max_s);
	CHECK(fabs(l->dir[TIMERS_RTT].w.min_s - 32) <= 1 &&
	      fabs(l->dir[TIMERS_RTT].w.max_s - 41) <= 1);
}

/* The same pair in the other order, and other pairs. */
static void test_pairs(void)
{
	struct timers_input in;
	struct timers_prediction p;
	const struct timers_model *l;

	/* BIRD 60/180 on side 0, RFC 10/30 on side 1: the windows swap sides. */
	timers_input_article(&in);
	in.probe_interval_s = 0;
	set_side(&in.side[0], TIMERS_SPEAKER_BIRD, 60, 180);
	set_side(&in.side[1], TIMERS_SPEAKER_RFC4271, 10, 30);
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_FWD].w, 12.5, 30);
	CHECK_WIN(l->dir[TIMERS_REV].w, 20, 30);
	CHECK_WIN(l->dir[TIMERS_RTT].w, 20, 30);

	/* RFC 60/180 against RFC 10/30: the 60 s speaker must send every hold/3 = 10 s. */
	set_side(&in.side[0], TIMERS_SPEAKER_RFC4271, 60, 180);
	l = model(&in, &p, "lab");
	CHECK(NEAR(p.session.keepalive_s[0], 10));
	CHECK_WIN(l->dir[TIMERS_FWD].w, 20, 30);

	/* GCP's 20/60 on both sides (RFC): (40, 60]. */
	set_side(&in.side[0], TIMERS_SPEAKER_RFC4271, 20, 60);
	set_side(&in.side[1], TIMERS_SPEAKER_RFC4271, 20, 60);
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_FWD].w, 40, 60);
	CHECK_WIN(l->dir[TIMERS_RTT].w, 40, 60);

	/* 20/60 (RFC) against BIRD 60/180: hold 60, BIRD sends every 60*60/180 = 20 s,
	 * its own hold timer runs 45-60 s. */
	set_side(&in.side[1], TIMERS_SPEAKER_BIRD, 60, 180);
	l = model(&in, &p, "lab");
	CHECK(NEAR(p.session.keepalive_s[1], 20));
	CHECK_WIN(l->dir[TIMERS_FWD].w, 40, 60);
	CHECK_WIN(l->dir[TIMERS_REV].w, 25, 60);

	/* BIRD never goes below a 1 s keepalive: 2/9 against hold 3 scales to 0.67. */
	set_side(&in.side[0], TIMERS_SPEAKER_RFC4271, 1, 3);
	set_side(&in.side[1], TIMERS_SPEAKER_BIRD, 2, 9);
	l = model(&in, &p, "lab");
	CHECK(NEAR(p.session.keepalive_s[1], 1));
	CHECK_WIN(l->dir[TIMERS_FWD].w, 2, 3);    /* (H-K, H] at the 3 s minimum */
	CHECK_WIN(l->dir[TIMERS_REV].w, 1.25, 3); /* (0.75*3 - 1, 3] */
}

static void test_edges(void)
{
	struct timers_input in;
	struct timers_prediction p;
	const struct timers_model *l;

	/* Hold 0 on one side: no hold timer, no KEEPALIVEs; nothing detects. */
	timers_input_article(&in);
	in.side[1].hold_s = 0;
	l = model(&in, &p, "lab");
	CHECK(NEAR(p.session.hold_s, 0));
	CHECK(isinf(l->dir[TIMERS_FWD].w.min_s) && isinf(l->dir[TIMERS_FWD].w.max_s));
	CHECK_INT(l->dir[TIMERS_FWD].mechanism, TIMERS_MECH_NONE);
	CHECK(l->dir[TIMERS_FWD].note[0] != '\0');
	CHECK(isinf(timers_find_model(&p, "article")->dir[TIMERS_RTT].w.max_s));

	/* ... unless the speakers track the tunnel: the DELETE arrives at once. */
	in.side[0].track_tunnel = in.side[1].track_tunnel = true;
	in.side[0].track_latency_s = in.side[1].track_latency_s = 0.05;
	in.probe_interval_s = 0;
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_RTT].w, 0.05, 0.05);
	CHECK_INT(l->dir[TIMERS_RTT].mechanism, TIMERS_MECH_TRACK);

	/* A blackhole deletes nothing: tracking waits for DPD, which with strongSwan's
	 * schedule (4 s x 1.8^n, 5 tries = 165.06 s) loses to the hold timer. */
	in.side[1].hold_s = 180;
	in.fault = TIMERS_FAULT_BLACKHOLE;
	in.side[0].dpd_delay_s = in.side[1].dpd_delay_s = 45;
	CHECK(NEAR(timers_retransmit_total(&in.retransmit), 165.06112));
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_FWD].w, 20, 30);
	CHECK_INT(l->dir[TIMERS_FWD].mechanism, TIMERS_MECH_HOLD);
	/* Without a hold timer DPD decides: (45 - 1 - gap, 45 + 1] + 165.06 + 0.05. */
	in.side[0].hold_s = 0;
	in.probe_interval_s = 0.1;
	l = model(&in, &p, "lab");
	CHECK_INT(l->dir[TIMERS_FWD].mechanism, TIMERS_MECH_DPD);
	CHECK_WIN(l->dir[TIMERS_FWD].parts[0].w, 45 - 1 - 0.1 + 165.06112 + 0.05,
	          45 + 1 + 165.06112 + 0.05);

	/* A crashed speaker: TCP closes over the working tunnel, nothing is lost. */
	timers_input_article(&in);
	in.fault = TIMERS_FAULT_KILL_SPEAKER;
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_RTT].w, 0, 0);
	CHECK_INT(l->dir[TIMERS_FWD].mechanism, TIMERS_MECH_TCP_CLOSE);

	/* One tunnel only: nothing to fail over to. */
	timers_input_article(&in);
	in.alternate_path = false;
	l = model(&in, &p, "lab");
	CHECK(isinf(l->dir[TIMERS_RTT].w.max_s));
	CHECK(l->dir[TIMERS_RTT].note[0] != '\0');
	CHECK_WIN(l->dir[TIMERS_FWD].parts[0].w, 20, 30); /* detection still shown */

	/* BFD model: 3 x 0.3 s after a packet at most 0.3 s old. */
	timers_input_article(&in);
	in.probe_interval_s = 0;
	in.side[0].bfd_interval_s = 0.3;
	in.side[0].bfd_detect_mult = 3;
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_FWD].w, 0.6, 0.9);
	CHECK_INT(l->dir[TIMERS_FWD].mechanism, TIMERS_MECH_BFD);
}

/* BIRD 2.0 acts on its hold timer at its main loop's next wake-up (timers.h): the
 * lab model adds [0, wake_max_s] after a hold-timer detection, nothing else does. */
static void test_wake(void)
{
	struct timers_input in;
	struct timers_prediction p;
	const struct timers_model *l;

	timers_input_article(&in);
	in.side[1].wake_max_s = 3;
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_FWD].w, 20, 30.2);
	CHECK_WIN(l->dir[TIMERS_REV].w, 12.5, 33.2);
	CHECK_WIN(l->dir[TIMERS_RTT].w, 20, 33.2);
	CHECK_STR(l->dir[TIMERS_REV].parts[1].name, "wake");
	CHECK_STR(l->dir[TIMERS_REV].parts[1].where, "azure-vpn0");
	CHECK_WIN(l->dir[TIMERS_REV].parts[1].w, 0, 3);
	/* The variants answer what the hold timer alone gives. */
	CHECK_WIN(timers_find_model(&p, "bird")->dir[TIMERS_REV].w, 13.5, 31.2);
	CHECK_WIN(timers_find_model(&p, "rfc4271")->dir[TIMERS_REV].w, 21, 31.2);
	/* Not scaled: a property of the binary. */
	CHECK(timers_input_scale(&in, 0.1) == 0);
	CHECK(NEAR(in.side[1].wake_max_s, 3));
	/* Detected by tracking (the DELETE), not by the hold timer: no wake part. */
	timers_input_article(&in);
	in.side[1].wake_max_s = 3;
	in.side[1].track_tunnel = true;
	in.side[1].track_latency_s = 0.05;
	in.probe_interval_s = 0;
	l = model(&in, &p, "lab");
	CHECK_WIN(l->dir[TIMERS_REV].w, 0.05, 0.05);
	/* Negative or non-finite: bad input. */
	in.side[1].wake_max_s = -1;
	CHECK(timers_predict(&in, &p) == -1);
}

static void test_bad_input(void)
{
	struct timers_input in;
	struct timers_prediction p;
	enum timers_fault f;

	timers_input_article(&in);
	in.side[0].hold_s = 2; /* RFC 4271 s4.2: 1 and 2 s are illegal */
	CHECK(timers_predict(&in, &p) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "at least 3 s") != NULL);
	timers_input_article(&in);
	in.side[1].programming_s = -1;
	CHECK(timers_predict(&in, &p) == -1);
	timers_input_article(&in);
	in.side[0].keepalive_s = 40; /* > hold */
	CHECK(timers_predict(&in, &p) == -1);

	CHECK(timers_fault_parse("ike-mismatch", &f) == 0 && f == TIMERS_FAULT_IKE_MISMATCH);
	CHECK(timers_fault_parse("kill-bird", &f) == 0 && f == TIMERS_FAULT_KILL_SPEAKER);
	CHECK(timers_fault_parse("kill", &f) == -1);
	CHECK(timers_fault_parse("loss", &f) == -1);
	CHECK(strstr(lab_err_msg(), "degrades") != NULL);
	CHECK(timers_fault_parse("nonsense", &f) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
}

/* --time-scale 0.1: every timer and delay a tenth, so every window a tenth (the
 * probe interval is the measurement's resolution and stays; set it to 0 here). */
static void test_scale(void)
{
	struct timers_input in, sc;
	struct timers_prediction p, q;

	timers_input_article(&in);
	in.probe_interval_s = 0;
	in.side[0].programming_s = in.side[1].programming_s = 11.7;
	sc = in;
	CHECK(timers_input_scale(&sc, 0.1) == 0);
	CHECK(NEAR(sc.side[0].hold_s, 3) && NEAR(sc.side[1].hold_s, 18));
	CHECK(NEAR(sc.side[0].keepalive_s, 1) && NEAR(sc.side[1].keepalive_s, 6));
	CHECK(timers_predict(&in, &p) == 0 && timers_predict(&sc, &q) == 0);
	for (size_t m = 0; m < p.n_models; m++)
		for (int d = 0; d < TIMERS_NDIR; d++) {
			CHECK(NEAR(q.models[m].dir[d].w.min_s, 0.1 * p.models[m].dir[d].w.min_s));
			CHECK(NEAR(q.models[m].dir[d].w.max_s, 0.1 * p.models[m].dir[d].w.max_s));
		}
	CHECK_WIN(timers_find_model(&q, "article")->dir[TIMERS_RTT].w, 3.2, 4.1);

	/* The hold time keeps the RFC's 3 s minimum: 30 s x 0.05 = 1.5 s -> 3 s. */
	sc = in;
	CHECK(timers_input_scale(&sc, 0.05) == 0);
	CHECK(NEAR(sc.side[0].hold_s, 3));
	CHECK(NEAR(sc.side[0].keepalive_s, 1));
	CHECK(timers_input_scale(&sc, 0) == -1);
	CHECK(timers_input_scale(&sc, 2) == -1);
}

int main(void)
{
	test_article();
	test_pairs();
	test_edges();
	test_wake();
	test_bad_input();
	test_scale();
	return check_done();
}
