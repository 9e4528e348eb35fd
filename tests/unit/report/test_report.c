/* The report on a synthetic journal set: the article's fault on tunnel0, flow 0
 * through it and flow 1 through tunnel1, written as the lab's processes would. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "report_fixture.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "report/evlog.h"
#include "report/report.h"

static char dir[256];

/* fwd (ecs -> vm) through tunnel0 is broken from 100 s until ali-tr's FIB change at
 * 123.3 s, rev (vm -> ecs) until azure-hub's at 126.0 s. Flow 1 uses tunnel1. */
static bool leg_ok(int flow, int dir_, int64_t t)
{
	/* reversion: ECMP re-hashes flow 0 fwd onto tunnel0 before it carries */
	if (flow == 0 && dir_ == 0 && t >= S(141.5) && t < S(141.8))
		return false;
	if (flow == 1 || t < S(100) || t >= S(140))
		return true;
	return t >= (dir_ == 0 ? S(123.3) : S(126.0));
}

static void write_probes(void)
{
	const char *node[2] = {"ecs", "vm"}, *dn[2] = {"fwd", "rev"};
	for (int d = 0; d < 2; d++)
		rf_line(dir, node[d], S(90) - 1000,
		        "\"src\":\"probe\",\"ev\":\"start\",\"probe\":\"ecs-vm\","
		        "\"dir\":\"%s\",\"interval_ns\":100000000,\"flows\":2",
		        dn[d]);
	for (int k = 0; k < 600; k++) {
		int64_t s = S(90) + (int64_t)k * 100 * NS_PER_MS;
		for (int d = 0; d < 2; d++)
			for (int fl = 0; fl < 2; fl++) {
				const char *me = node[d], *peer = node[1 - d];
				rf_line(dir, me, s,
				        "\"src\":\"probe\",\"ev\":\"send\",\"probe\":\"ecs-vm\","
				        "\"flow\":%d,"
				        "\"dir\":\"%s\",\"seq\":%d",
				        fl, dn[d], k);
				if (!leg_ok(fl, d, s))
					continue;
				rf_line(dir, peer, s + NS_PER_MS,
				        "\"src\":\"probe\",\"ev\":\"echo\",\"probe\":"
				        "\"ecs-vm\",\"flow\":%d,\"dir\":\"%s\",\"seq\":%d",
				        fl, dn[d], k);
				if (!leg_ok(fl, 1 - d, s + NS_PER_MS))
					continue;
				rf_line(
				    dir, me, s + 2 * NS_PER_MS,
				    "\"src\":\"probe\",\"ev\":\"reply\",\"probe\":"
				    "\"ecs-vm\",\"flow\":%d,\"dir\":\"%s\",\"seq\":%d,\"rtt_ns\":"
				    "2000000",
				    fl, dn[d], k);
			}
	}
	for (int d = 0; d < 2; d++)
		rf_line(
		    dir, node[d], S(150.5),
		    "\"src\":\"probe\",\"ev\":\"stop\",\"probe\":\"ecs-vm\","
		    "\"dir\":\"%s\",\"interval_ns\":100000000,\"flows\":2,\"linger_ns\":500000000",
		    dn[d]);
}

static void write_control_plane(void)
{
	for (double t = 82.3; t < 100; t += 10)
		rf_line(dir, "ali-vpn0", S(t),
		        "\"src\":\"bgp\",\"ev\":\"rx\",\"peer\":\"169.254.21.2\","
		        "\"type\":\"keepalive\"");
	rf_line(dir, "ali-vpn0", S(100),
	        "\"src\":\"fault\",\"ev\":\"inject\",\"kind\":\"ike-mismatch\","
	        "\"target\":\"tunnel0\",\"detail\":\"ike proposal aes128-sha1-modp2048\"");
	rf_line(dir, "ali-vpn0", S(100.005),
	        "\"src\":\"ike\",\"ev\":\"child-down\",\"tunnel\":\"tunnel0\","
	        "\"child\":\"tunnel0\",\"spi_in\":\"c1\",\"spi_out\":\"c2\"");
	rf_line(dir, "azure-vpn0", S(100.01),
	        "\"src\":\"ike\",\"ev\":\"child-down\",\"tunnel\":\"tunnel0\","
	        "\"child\":\"tunnel0\",\"spi_in\":\"c2\",\"spi_out\":\"c1\"");
	rf_line(dir, "ali-vpn0", S(122.3),
	        "\"src\":\"bgp\",\"ev\":\"state\",\"peer\":\"169.254.21.2\","
	        "\"from\":\"Established\",\"to\":\"Idle\",\"reason\":\"hold-timer-expired\"");
	rf_line(dir, "ali-tr", S(122.31),
	        "\"src\":\"bgp\",\"ev\":\"rx\",\"peer\":\"10.0.255.2\","
	        "\"type\":\"update\",\"announced\":0,\"withdrawn\":1");
	rf_line(dir, "ali-tr", S(123.3),
	        "\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"172.16.1.0/24\","
	        "\"op\":\"replace\",\"nexthops\":[\"10.0.254.1\"],\"delay_ms\":1000");
	rf_line(dir, "azure-vpn0", S(125.0),
	        "\"src\":\"bird\",\"ev\":\"state\",\"peer\":\"169.254.21.1\","
	        "\"to\":\"Idle\",\"reason\":\"Error: Hold timer expired\"");
	rf_line(dir, "azure-vpn0", S(125.9),
	        "\"src\":\"bird\",\"ev\":\"down\",\"peer\":\"169.254.21.1\"");
	rf_line(dir, "azure-hub", S(126.0),
	        "\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"10.0.0.0/8\","
	        "\"op\":\"replace\",\"nexthops\":[\"172.16.200.5\"],\"delay_ms\":1000");
	rf_line(dir, "ali-vpn0", S(140),
	        "\"src\":\"fault\",\"ev\":\"heal\",\"kind\":\"ike-mismatch\","
	        "\"target\":\"tunnel0\",\"detail\":\"\"");
	/* Reversion: the session back on both ends, the routers behind them fed and
	 * programmed a second later. The fib on ali-tr at 140.5 s precedes the session
	 * and must not count. */
	rf_line(dir, "ali-tr", S(140.5),
	        "\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"192.0.2.0/24\","
	        "\"op\":\"replace\",\"nexthops\":[\"10.0.254.2\"],\"delay_ms\":1000");
	rf_line(
	    dir, "ali-vpn0", S(141.0),
	    "\"src\":\"bgp\",\"ev\":\"state\",\"peer\":\"169.254.21.2\","
	    "\"from\":\"OpenConfirm\",\"to\":\"Established\",\"reason\":\"keepalive-received\"");
	rf_line(dir, "azure-vpn0", S(141.01),
	        "\"src\":\"bird\",\"ev\":\"state\",\"peer\":\"169.254.21.1\","
	        "\"to\":\"Established\",\"reason\":\"\"");
	rf_line(dir, "ali-tr", S(141.02),
	        "\"src\":\"bgp\",\"ev\":\"rx\",\"peer\":\"10.0.255.2\","
	        "\"type\":\"update\",\"announced\":1,\"withdrawn\":0");
	rf_line(dir, "azure-hub", S(141.05),
	        "\"src\":\"bgp\",\"ev\":\"rx\",\"peer\":\"172.16.200.2\","
	        "\"type\":\"update\",\"announced\":1,\"withdrawn\":0");
	rf_line(
	    dir, "ali-tr", S(142.02),
	    "\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"172.16.1.0/24\","
	    "\"op\":\"replace\",\"nexthops\":[\"10.0.254.2\",\"10.0.255.2\"],\"delay_ms\":1000");
	rf_line(dir, "azure-hub", S(142.05),
	        "\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"10.0.0.0/8\","
	        "\"op\":\"replace\",\"nexthops\":[\"172.16.200.2\",\"172.16.200.6\"],\"delay_ms\":"
	        "1000");
	/* A line cut by a crash must be skipped, not fatal. */
	char path[600];
	snprintf(path, sizeof(path), "%s/ali-tr/events.jsonl", dir);
	FILE *f = fopen(path, "a");
	CHECK(f != NULL);
	if (f) {
		fputs("{\"t\":150000000000,\"src\":\"bgp\",\"ev\":\"rx\",\"pe", f);
		fclose(f);
	}
}

static int predict_article(void *ctx, const struct report_run *run, struct timers_prediction *out)
{
	(void)ctx;
	(void)run;
	struct timers_input in;
	timers_input_article(&in);
	return timers_predict(&in, out);
}

static void golden(const char *name, const char *got)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/tests/unit/report/golden/%s", LABCTL_SOURCE_ROOT, name);
	if (getenv("UPDATE_GOLDEN")) {
		write_file_atomic(p, got, strlen(got), 0644);
		return;
	}
	char *want = NULL;
	size_t n;
	CHECK_INT(read_file(p, &want, &n), 0);
	CHECK_STR(got, want);
	free(want);
}

static const struct report_stream *stream(const struct report_run *r, int flow, int d,
                                          enum report_leg leg)
{
	for (size_t i = 0; i < r->n_streams; i++)
		if (r->streams[i].flow == flow && r->streams[i].dir == d &&
		    r->streams[i].leg == leg)
			return &r->streams[i];
	return NULL;
}

/* The x of the first SVG <text> whose content starts with `label`, or -1. */
static double svg_text_x(const char *svg, const char *label)
{
	char needle[128];
	snprintf(needle, sizeof(needle), ">%s", label);
	const char *hit = strstr(svg, needle);
	if (!hit)
		return -1;
	const char *x = NULL;
	for (const char *p = svg; p && p < hit; p = strstr(p + 1, "<text x=\""))
		if (!strncmp(p, "<text x=\"", 9))
			x = p + 9;
	return x ? atof(x) : -1;
}

static void test_report(void)
{
	struct evlog log;
	evlog_init(&log);
	CHECK_INT(evlog_load_lab(&log, dir), 0);
	CHECK_INT(log.bad_lines, 1);
	struct report_config cfg = {
	    .lab = "article", .time_scale = 1.0, .tunnels = rf_tunnels, .n_tunnels = 2};
	struct report r;
	CHECK_INT(report_build(&log, &cfg, &r), 0);
	CHECK_INT(r.n_runs, 1);
	const struct report_run *run = &r.runs[0];
	CHECK_STR(run->tunnel, "tunnel0");
	CHECK_INT(run->n_streams, 8);
	const struct report_stream *s = stream(run, 0, 0, LEG_ONEWAY);
	CHECK(s && s->has_outage && s->o.duration_ns == S(23.4) && s->o.lost == 233);
	s = stream(run, 0, 1, LEG_ONEWAY);
	CHECK(s && s->has_outage && s->o.duration_ns == S(26.1));
	s = stream(run, 0, 0, LEG_RTT);
	CHECK(s && s->has_outage && s->o.duration_ns == S(26.1));
	s = stream(run, 1, 1, LEG_RTT);
	CHECK(s && !s->has_outage && s->ok == 530 && s->sent == 530);
	CHECK(run->measured_s[TIMERS_FWD] > 23.399 && run->measured_s[TIMERS_FWD] < 23.401);
	CHECK(run->measured_s[TIMERS_RTT] > 26.099 && run->measured_s[TIMERS_RTT] < 26.101);
	CHECK_INT(run->recovery_t, S(126.0));
	CHECK_INT(run->heal_t, S(140));
	CHECK(strstr(run->mechanism, "hold timer expired on ali-vpn0") != NULL);
	CHECK(strstr(run->mechanism, "rev: hold timer expired on azure-vpn0 (BIRD)") != NULL);
	bool bird_wd = false;
	for (size_t i = 0; i < run->n_marks; i++)
		bird_wd |= run->marks[i].kind == MARK_WITHDRAW &&
		           !strcmp(run->marks[i].node, "azure-vpn0");
	CHECK(bird_wd);
	CHECK(!run->has_pred && run->inside[TIMERS_RTT] == -1);
	/* reversion from the journals */
	const struct report_reversion *rv = &run->rev;
	CHECK(rv->healed);
	CHECK_INT(rv->est_t[0], S(141.0));
	CHECK_INT(rv->est_t[1], S(141.01));
	CHECK_INT(rv->fib_t[0], S(142.02));
	CHECK_INT(rv->fib_t[1], S(142.05));
	CHECK(rv->time_s > 2.049 && rv->time_s < 2.051);
	s = stream(run, 0, 0, LEG_ONEWAY);
	CHECK(s && s->has_rev_outage && s->rev_o.lost == 3);
	CHECK(s && s->has_outage && s->o.duration_ns == S(23.4)); /* the fault's, unchanged */
	CHECK(rv->lost_max_s > 0.399 && rv->lost_max_s < 0.401);
	CHECK_INT(rv->lost, 3); /* one way only: the round trips lost the same probes */
	CHECK(!rv->has_pred && rv->inside == -1);

	char *text = rf_text(&r);
	golden("article.txt", text);
	free(text);
	struct json j;
	json_init(&j);
	report_json(&r, &j);
	size_t jlen;
	const char *jtext = json_line(&j, &jlen);
	CHECK(jtext != NULL);
	golden("article.json", jtext ? jtext : "");
	json_free(&j);

	char svg[512];
	/* REPORT_SVG_OUT keeps the drawing for a look. */
	if (getenv("REPORT_SVG_OUT"))
		snprintf(svg, sizeof(svg), "%s", getenv("REPORT_SVG_OUT"));
	else
		snprintf(svg, sizeof(svg), "%s/timeline.svg", dir);
	FILE *f = fopen(svg, "w");
	CHECK_INT(report_svg(&r, 0, f), 0);
	fclose(f);
	CHECK(report_svg(&r, 1, stdout) < 0);
	char *body = NULL;
	size_t n;
	CHECK_INT(read_file(svg, &body, &n), 0);
	CHECK(body && strstr(body, "<svg") && strstr(body, "</svg>") &&
	      strstr(body, "hold timer expired"));
	free(body);
	if (system("command -v xmllint >/dev/null 2>&1") == 0) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", svg);
		CHECK_INT(system(cmd), 0);
	} else {
		fprintf(stderr, "note: xmllint not installed, SVG well-formedness not checked\n");
	}

	/* A mark before the probes' start is drawn where it happened, not pinned to
	 * the left edge: with probes from 95 s, the last KEEPALIVE (92.3 s) still
	 * lies 7.7 s before the fault, against 22.3 s from the fault to the hold
	 * expiry on ali-vpn0. */
	int64_t probes_from = r.runs[0].from_t;
	r.runs[0].from_t = S(95);
	char *late = NULL;
	size_t late_len = 0;
	FILE *m = open_memstream(&late, &late_len);
	CHECK_INT(report_svg(&r, 0, m), 0);
	fclose(m);
	double ka = svg_text_x(late, "last keepalive"), fault = svg_text_x(late, "fault ");
	double hold = svg_text_x(late, "hold timer expired (ali-vpn0)");
	CHECK(ka > 0 && fault > ka && hold > fault);
	if (hold > fault)
		CHECK((fault - ka) / (hold - fault) > 7.6 / 22.3 &&
		      (fault - ka) / (hold - fault) < 7.8 / 22.3);
	free(late);
	r.runs[0].from_t = probes_from;
	report_free(&r);

	/* With the timer model: the windows and the inside verdicts are filled. */
	cfg.predict = predict_article;
	CHECK_INT(report_build(&log, &cfg, &r), 0);
	CHECK(r.runs[0].has_pred);
	CHECK(r.runs[0].inside[TIMERS_RTT] != -1);
	CHECK(timers_find_model(&r.runs[0].pred, "article") != NULL);
	text = rf_text(&r);
	CHECK(strstr(text, "predicted window (s)") != NULL);
	free(text);
	report_free(&r);
	evlog_free(&log);
}

static void test_parser(void)
{
	struct jevent e;
	const char *l = "{\"t\":5,\"src\":\"a\",\"ev\":\"b\",\"s\":\"x\\\"\\u00e9\\n\",\"n\":-1.5,"
	                "\"arr\":[1,{\"k\":\"]\"}],\"b\":true,\"z\":null}";
	CHECK_INT(jevent_parse(l, strlen(l), &e), 0);
	CHECK_INT(e.t, 5);
	CHECK_STR(jev_str(&e, "s"), "x\"\xc3\xa9\n");
	int64_t v;
	CHECK(jev_int(&e, "n", &v) && v == -1);
	CHECK(jev_str(&e, "arr") == NULL);
	jevent_free(&e);
	const char *bad[] = {"",
	                     "{}",
	                     "{\"t\":1.5,\"src\":\"a\",\"ev\":\"b\"}",
	                     "{\"t\":1,\"src\":\"a\"}",
	                     "{\"t\":1,\"src\":\"a\",\"ev\":\"b\"",
	                     "{\"t\":1,\"src\":\"a\",\"ev\":\"b\"} x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(jevent_parse(bad[i], strlen(bad[i]), &e) < 0);
}

static void test_no_fault(void)
{
	char d2[300];
	snprintf(d2, sizeof(d2), "%s/empty", dir);
	mkdir(d2, 0700);
	struct evlog log;
	evlog_init(&log);
	CHECK(evlog_load_lab(&log, d2) < 0);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	evlog_free(&log);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/labctl-test-report.%d", (int)getpid());
	remove_tree(dir);
	mkdir(dir, 0700);
	write_probes();
	write_control_plane();
	test_parser();
	test_report();
	test_no_fault();
	remove_tree(dir);
	return check_done();
}
