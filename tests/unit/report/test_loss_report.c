/* A `loss 50%` run on synthetic journals: the report carries the partial-loss
 * model's prediction, names the mechanism that fired only when it fired before the
 * heal, and says whether it was the model's likeliest outcome. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "report_fixture.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/monotime.h"
#include "report/evlog.h"
#include "report/report.h"

static char root[256];

/* Half of the tunnel's packets dropped from 100 s until each direction's router
 * switched (fwd at sw_fwd, rev at sw_rev; 0: never) or the heal at 130 s. */
static unsigned lcg = 12345;
static bool leg_ok(int d, int64_t t, double sw_fwd, double sw_rev)
{
	double sw = d == 0 ? sw_fwd : sw_rev;
	if (t < S(100) || t >= S(130) || (sw > 0 && t >= S(sw)))
		return true;
	lcg = lcg * 1103515245u + 12345u;
	return (lcg >> 16) & 1;
}

static void write_lab(const char *dir, const char *fault_extra, double hold_t, double sw_fwd,
                      double sw_rev)
{
	const char *node[2] = {"ecs", "vm"}, *dn[2] = {"fwd", "rev"};
	mkdir(dir, 0700);
	for (int d = 0; d < 2; d++)
		rf_line(dir, node[d], S(90) - 1000,
		        "\"src\":\"probe\",\"ev\":\"start\",\"probe\":"
		        "\"ecs-vm\",\"dir\":\"%s\",\"interval_ns\":100000000,\"flows\":1",
		        dn[d]);
	for (int k = 0; k < 450; k++) {
		int64_t s = S(90) + (int64_t)k * 100 * NS_PER_MS;
		for (int d = 0; d < 2; d++) {
			rf_line(dir, node[d], s,
			        "\"src\":\"probe\",\"ev\":\"send\",\"probe\":\"ecs-vm\","
			        "\"flow\":0,\"dir\":\"%s\",\"seq\":%d",
			        dn[d], k);
			if (!leg_ok(d, s, sw_fwd, sw_rev))
				continue;
			rf_line(dir, node[1 - d], s + NS_PER_MS,
			        "\"src\":\"probe\",\"ev\":\"echo\","
			        "\"probe\":\"ecs-vm\",\"flow\":0,\"dir\":\"%s\",\"seq\":%d",
			        dn[d], k);
			if (!leg_ok(1 - d, s + NS_PER_MS, sw_fwd, sw_rev))
				continue;
			rf_line(
			    dir, node[d], s + 2 * NS_PER_MS,
			    "\"src\":\"probe\",\"ev\":\"reply\","
			    "\"probe\":\"ecs-vm\",\"flow\":0,\"dir\":\"%s\",\"seq\":%d,\"rtt_ns\":"
			    "2000000",
			    dn[d], k);
		}
	}
	for (int d = 0; d < 2; d++)
		rf_line(
		    dir, node[d], S(135.5),
		    "\"src\":\"probe\",\"ev\":\"stop\",\"probe\":\"ecs-vm\","
		    "\"dir\":\"%s\",\"interval_ns\":100000000,\"flows\":1,\"linger_ns\":500000000",
		    dn[d]);
	rf_line(dir, "underlay", S(100),
	        "\"src\":\"fault\",\"ev\":\"inject\",\"kind\":\"loss\","
	        "\"target\":\"tunnel0\",\"tunnel\":\"tunnel0\",%s",
	        fault_extra);
	if (hold_t > 0)
		rf_line(dir, "ali-vpn0", S(hold_t),
		        "\"src\":\"bgp\",\"ev\":\"state\",\"peer\":"
		        "\"169.254.21.2\",\"from\":\"Established\",\"to\":\"Idle\",\"reason\":"
		        "\"hold-timer-expired\"");
	rf_line(dir, "underlay", S(130),
	        "\"src\":\"fault\",\"ev\":\"heal\",\"kind\":\"loss\","
	        "\"target\":\"tunnel0\",\"detail\":\"\"");
}

/* The article's timers at a tenth of their length (3 s hold on the built-in
 * speaker's side): at 50 % loss the hold timer fires within the 30 s fault. */
static int loss_input(void *ctx, const struct report_run *run, struct timers_input *out)
{
	(void)ctx;
	(void)run;
	timers_input_article(out);
	out->fault = TIMERS_FAULT_BLACKHOLE;
	return timers_input_scale(out, 0.1);
}

static int build(const char *dir, struct report *rep, bool with_model)
{
	struct evlog log;
	evlog_init(&log);
	if (evlog_load_lab(&log, dir) < 0)
		return -1;
	struct report_config cfg = {.lab = "loss",
	                            .time_scale = 0.1,
	                            .tunnels = rf_tunnels,
	                            .n_tunnels = 1,
	                            .loss_input = with_model ? loss_input : NULL};
	int rc = report_build(&log, &cfg, rep);
	evlog_free(&log);
	return rc;
}

int main(void)
{
	char d[400];
	snprintf(root, sizeof(root), "/tmp/labctl-test-loss-report.%d", (int)getpid());
	remove_tree(root);
	mkdir(root, 0700);

	/* The hold timer fires at +12 s, before the heal: named, and the model's
	 * likeliest at 50 % with a 3 s hold is the hold timer. */
	snprintf(d, sizeof(d), "%s/hold", root);
	write_lab(d, "\"param\":50,\"detail\":\"nft table x drops 50% of a <-> b\"", 112, 114, 115);
	struct report r;
	CHECK_INT(build(d, &r, true), 0);
	CHECK_INT(r.n_runs, 1);
	if (r.n_runs == 1) {
		const struct report_run *run = &r.runs[0];
		CHECK(run->has_loss_pred);
		CHECK(run->loss_p == 0.5);
		CHECK_STR(run->loss_fired, "hold");
		CHECK(run->loss_pred.likeliest == TIMERS_LOSS_HOLD);
		CHECK_INT(run->loss_match, 1);
		CHECK(run->loss_pred.li.duration_s == 30);
		CHECK(strstr(run->mechanism, "hold fired first") != NULL);
		CHECK(strstr(run->mechanism, "matches it") != NULL);
		char *t = rf_text(&r);
		if (getenv("SHOW_REPORT") && t)
			fputs(t, stderr);
		CHECK(t && strstr(t, "partial loss 50 % for 30 s") != NULL);
		CHECK(t && strstr(t, "fired in this run: hold") != NULL);
		free(t);
		/* The SVG's loss strip: lost per second, the fault's own rate dashed. */
		char *svg = NULL;
		size_t svg_len = 0;
		FILE *sf = open_memstream(&svg, &svg_len);
		CHECK(sf && report_svg(&r, 0, sf) == 0);
		if (sf)
			fclose(sf);
		CHECK(svg && strstr(svg, ">lost per 1 s (rtt)</text>") != NULL);
		CHECK(svg && strstr(svg, "1 - (1 - p)^2 = 75 %") != NULL);
		if (getenv("SHOW_SVG") && svg)
			fputs(svg, stdout);
		free(svg);
		struct json j;
		json_init(&j);
		report_json(&r, &j);
		size_t len;
		const char *js = json_line(&j, &len);
		CHECK(js && strstr(js, "\"loss_model\":{\"p\":0.5,\"fired\":\"hold\"") != NULL);
		json_free(&j);
		report_free(&r);
	}

	/* The hold timer fires after the heal: not the cause of anything during the
	 * fault; the run is "none", and the journal without param still gives P. */
	snprintf(d, sizeof(d), "%s/late", root);
	write_lab(d, "\"detail\":\"nft table x drops 50% of a <-> b\"", 131, 0, 0);
	CHECK_INT(build(d, &r, true), 0);
	if (r.n_runs == 1) {
		const struct report_run *run = &r.runs[0];
		CHECK(run->loss_p == 0.5);
		CHECK_STR(run->loss_fired, "none");
		CHECK_INT(run->loss_match, 0);
		CHECK(strstr(run->mechanism, "not converted into a failover") != NULL);
		CHECK(strstr(run->mechanism, "differs from it") != NULL);
		report_free(&r);
	}

	/* No model: says so. */
	snprintf(d, sizeof(d), "%s/nomodel", root);
	write_lab(d, "\"param\":50,\"detail\":\"\"", 0, 0, 0);
	CHECK_INT(build(d, &r, false), 0);
	if (r.n_runs == 1) {
		CHECK(!r.runs[0].has_loss_pred);
		CHECK(strstr(r.runs[0].mechanism, "Not predicted: no topology") != NULL);
		report_free(&r);
	}
	remove_tree(root);
	return check_done();
}
