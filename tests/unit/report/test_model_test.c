/* The report's runs against the lab model (lab/report/model_test.c), with
 * synthetic runs: each run's quantile is where it lies in the model; runs drawn
 * from the model pass, runs shifted from it fail; the model a run is placed in is
 * the one its config gives (a time scale scales the distribution); fewer than 3
 * runs are placed but not tested; a run without a model is said, not guessed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/monotime.h"
#include "probe/wire.h"
#include "report/report.h"
#include "timers/timers_int.h"

#define MAX_RUNS 16

/* What model_input hands out: the article's scenario with the shipped cloud
 * delays, at a time scale; fail: no model. */
struct ctx {
	double scale;
	bool fail;
};

static void scenario(double scale, struct timers_input *in)
{
	timers_input_article(in);
	in->side[0].programming_s = 10.8;
	in->side[1].programming_s = 7.8;
	in->side[1].wake_max_s = TIMERS_BIRD_WAKE_MAX_S;
	if (scale != 1)
		CHECK(timers_input_scale(in, scale) == 0);
}

static int model_input(void *vctx, const struct report_run *run, struct timers_input *out)
{
	const struct ctx *c = vctx;
	(void)run;
	if (c->fail)
		return -1;
	scenario(c->scale, out);
	return 0;
}

/* A report of n runs of one fault; the worst flow of probe "vm" (flow 0) measured
 * x[i] round trip (and one way, the same), flow 1 half of it, no outage where
 * x[i] < 0. */
struct synth {
	struct report r;
	struct report_run runs[MAX_RUNS];
	struct report_stream streams[MAX_RUNS][6];
};

static void synth(struct synth *s, const double *x, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->r.runs = s->runs;
	s->r.n_runs = n;
	s->r.time_scale = 1;
	for (size_t i = 0; i < n; i++) {
		struct report_run *run = &s->runs[i];
		snprintf(run->kind, sizeof(run->kind), "ike-mismatch");
		snprintf(run->target, sizeof(run->target), "tunnel0");
		snprintf(run->tunnel, sizeof(run->tunnel), "tunnel0");
		run->resolution_ns = NS_PER_SEC / 10;
		run->streams = s->streams[i];
		run->n_streams = 6;
		static const struct {
			uint8_t dir;
			enum report_leg leg;
		} legs[3] = {
		    {PROBE_FWD, LEG_ONEWAY}, {PROBE_REV, LEG_ONEWAY}, {PROBE_FWD, LEG_RTT}};
		for (int k = 0; k < 6; k++) {
			struct report_stream *st = &s->streams[i][k];
			snprintf(st->probe, sizeof(st->probe), "vm");
			st->flow = (uint16_t)(k % 2);
			st->dir = legs[k / 2].dir;
			st->leg = legs[k / 2].leg;
			st->has_outage = x[i] >= 0;
			st->o.duration_ns = (int64_t)llround(x[i] * NS_PER_SEC / (k % 2 ? 2 : 1));
		}
	}
}

/* Tests s's runs; returns the round trip's entry. */
static const struct report_model_test *run_tests(struct synth *s, struct ctx *c)
{
	struct report_config cfg = {.model_input = model_input, .predict_ctx = c};
	CHECK_INT(report_model_tests(&s->r, &cfg), 0);
	CHECK_INT(s->r.n_model_tests, TIMERS_NDIR);
	return s->r.n_model_tests == TIMERS_NDIR ? &s->r.model_tests[TIMERS_RTT] : NULL;
}

/* n round trips drawn from the scenario at `scale` with their own seed, + shift. */
static void draw(double scale, uint64_t seed, double shift, double *x, size_t n)
{
	struct timers_input in;
	struct timers_mc mc;
	scenario(scale, &in);
	CHECK(timers_mc_begin(&mc, &in, "lab", seed) == 0);
	for (size_t i = 0; i < n; i++) {
		struct timers_mc_draw dr;
		timers_mc_next(&mc, &dr);
		x[i] = timers_mc_outage(&mc, &dr, NULL, TIMERS_RTT) + shift;
	}
}

/* How many of `trials` sets of 5 runs (drawn at draw_scale, shifted) the test
 * against the model at model_scale rejects. */
static int rejections(double draw_scale, double model_scale, double shift, int trials)
{
	struct synth *s = calloc(1, sizeof(*s));
	struct ctx c = {.scale = model_scale};
	int rejected = 0;
	for (int t = 0; s && t < trials; t++) {
		double x[5];
		draw(draw_scale, 500 + (uint64_t)t, shift, x, 5);
		synth(s, x, 5);
		const struct report_model_test *m = run_tests(s, &c);
		CHECK(m && m->placed && m->tested);
		if (m) {
			CHECK(m->gof.p_value >= 0 && m->gof.p_value <= 1);
			rejected += m->gof.reject;
		}
		free(s->r.model_tests);
	}
	free(s);
	fprintf(stderr, "drawn at scale %g %+.1f s, model at %g: %d of %d sets of 5 rejected\n",
	        draw_scale, shift, model_scale, rejected, trials);
	return rejected;
}

static void test_placement(void)
{
	struct timers_input in;
	struct timers_dist dist;
	scenario(1, &in);
	CHECK(timers_distribution(&in, "lab", TIMERS_DIST_SAMPLES, 7, &dist) == 0);
	const struct timers_dist_dir *q = &dist.dir[TIMERS_RTT];
	/* runs at the model's p10, p50, p90, none at all, and one far beyond */
	double x[5] = {q->q_s[2], q->q_s[4], q->q_s[6], -1, 1000};
	struct synth *s = calloc(1, sizeof(*s));
	struct ctx c = {.scale = 1};
	if (!s)
		return;
	synth(s, x, 5);
	const struct report_model_test *m = run_tests(s, &c);
	CHECK(m && m->placed && m->tested);
	if (m) {
		CHECK_STR(m->probe, "vm");
		CHECK(fabs(m->gof.quantile[0] - 0.10) < 0.02);
		CHECK(fabs(m->gof.quantile[1] - 0.50) < 0.02);
		CHECK(fabs(m->gof.quantile[2] - 0.90) < 0.02);
		CHECK(m->gof.quantile[3] == 0 && m->gof.outage_s[3] == 0); /* no outage: 0 s */
		CHECK(m->gof.quantile[4] == 1);
		/* the worst flow is the run's outage */
		for (int i = 0; i < 3; i++)
			CHECK(fabs(m->gof.outage_s[i] - x[i]) < 1e-9);
		/* the model's own quantiles are reported beside them */
		CHECK(fabs(m->gof.model.q_s[4] - q->q_s[4]) < 0.15);
	}
	/* the text: each run at its quantile, the test and its sentence */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	report_model_text(&s->r, f);
	fclose(f);
	CHECK(text && strstr(text, "runs against the lab model") != NULL);
	CHECK(text && strstr(text, "p50") != NULL);
	/* p10, p50, p90, 0 and 1 are spread as 5 uniform draws can be: consistent */
	CHECK(text && strstr(text, "5 runs consistent with the model (KS p = ") != NULL);
	free(text);
	free(s->r.model_tests);

	/* No flow lost a probe in any run: the direction did not cross the broken
	 * tunnel; nothing placed, and said so. */
	double quiet[3] = {-1, -1, -1};
	synth(s, quiet, 3);
	m = run_tests(s, &c);
	CHECK(m && !m->placed && strstr(m->why, "did not cross the broken tunnel"));
	free(s->r.model_tests);

	/* Two runs: placed, not tested, and said why. */
	synth(s, x, 2);
	m = run_tests(s, &c);
	CHECK(m && m->placed && !m->tested && strstr(m->why, "fewer than 3 runs"));
	free(s->r.model_tests);

	/* No model for the fault: nothing placed, the reason given. */
	c.fail = true;
	synth(s, x, 3);
	m = run_tests(s, &c);
	CHECK(m && !m->placed && !m->tested && strstr(m->why, "no timer model"));
	free(s->r.model_tests);

	/* No model_input: no entries, nothing printed. */
	struct report_config none = {0};
	s->r.model_tests = NULL;
	s->r.n_model_tests = 0;
	CHECK_INT(report_model_tests(&s->r, &none), 0);
	CHECK_INT(s->r.n_model_tests, 0);
	free(s);
}

static void test_sentence(void)
{
	double x[5];
	struct synth *s = calloc(1, sizeof(*s));
	struct ctx c = {.scale = 1};
	if (!s)
		return;
	draw(1, 42, 0, x, 5);
	synth(s, x, 5);
	const struct report_model_test *m = run_tests(s, &c);
	CHECK(m && m->tested);
	char buf[512];
	if (m && !m->gof.reject) {
		report_model_meaning(m, buf, sizeof(buf));
		CHECK(strstr(buf, "5 runs consistent with the model (KS p = ") == buf);
	}
	free(s->r.model_tests);
	/* 6 s longer: none below the model's p10, and the sentence says which way */
	draw(1, 42, 6, x, 5);
	synth(s, x, 5);
	m = run_tests(s, &c);
	CHECK(m && m->tested && m->gof.reject);
	if (m) {
		report_model_meaning(m, buf, sizeof(buf));
		CHECK(strstr(buf, "5 runs inconsistent with the model (KS p = ") == buf);
		CHECK(strstr(buf, " above its p90 and 0 below its p10") != NULL);
		CHECK(strstr(buf, "longer than it predicts") != NULL);
	}
	/* --junit: one case for the round trip, failed with the sentence */
	char path[] = "/tmp/labctl-model-junit.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		close(fd);
		snprintf(s->r.lab, sizeof(s->r.lab), "synth");
		CHECK_INT(report_junit_write(&s->r, path), 0);
		char *xml = NULL;
		size_t n = 0;
		CHECK_INT(read_file(path, &xml, &n), 0);
		CHECK(xml && strstr(xml, "classname=\"synth.model.vm.rtt\" "
		                         "name=\"runs consistent with the lab model\""));
		CHECK(xml && strstr(xml, "<failure type=\"labctl\" message=\"5 runs inconsistent"));
		free(xml);
		unlink(path);
	}
	free(s->r.model_tests);
	free(s);
}

int main(void)
{
	test_placement();
	test_sentence();
	/* From the model: a 5 % test rejects about 1 set in 20. */
	CHECK(rejections(1, 1, 0, 20) <= 3);
	/* 5 runs 5 s longer (the round trip's p10-p90 spans about 7 s): rejected. */
	CHECK(rejections(1, 1, 5, 20) >= 16);
	CHECK(rejections(1, 1, -5, 20) >= 16);
	/* At time scale 0.1 the runs are placed in the scaled model: runs of the scaled
	 * lab pass against it and fail against the unscaled one. */
	CHECK(rejections(0.1, 0.1, 0, 12) <= 2);
	CHECK(rejections(0.1, 1, 0, 12) == 12);
	return check_done();
}
