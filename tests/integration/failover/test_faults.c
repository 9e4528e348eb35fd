/* Every fault kind injected and healed on dual-tunnel (time scale 0.1), the lab
 * reconverging after each heal; faults against missing targets fail cleanly (exit 2,
 * nothing recorded, nothing changed); delay fails naming netem where the kernel
 * lacks it. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/json_read.h"
#include "common/monotime.h"
#include "experiment/experiment.h"
#include "fault/fault.h"
#include "lab_fixture.h"
#include "run/lab_view.h"
#include "run/run.h"
#include "topo/topo.h"

static int ready(struct fixture *f)
{
	struct lab_view v;
	if (lab_view_open(f->lab, &v) < 0)
		return -1;
	struct topo *t;
	int r = -1;
	char why[512] = "";
	if (lab_view_load_scaled(&v, &t) == 0) {
		r = exp_services_ready(&v, t, mono_ns() + 60 * NS_PER_SEC, why, sizeof(why));
		topo_free(t);
	}
	if (r != 1)
		fprintf(stderr, "not ready: %s\n", why);
	lab_view_close(&v);
	return r;
}

/* The status word `labctl status` shows: after a heal, a killed daemon's record is
 * replaced by its restart, so the lab is "ready", not "degraded". */
static void status_word(struct fixture *f, char *word, size_t len)
{
	struct run_lab l;
	struct run_state st;
	snprintf(word, len, "(cannot read the state)");
	if (run_lab_open(f->lab, &l) < 0)
		return;
	if (run_state_read(&l, &st) == 0) {
		int dead = run_supervise(&l, &st, NULL);
		run_state_describe(&st, dead < 0 ? 0 : dead, word, len);
		run_state_free(&st);
	}
	run_lab_close(&l);
}

static size_t active(struct fixture *f)
{
	struct lab_view v;
	if (lab_view_open(f->lab, &v) < 0)
		return 99;
	size_t n = fault_active_count(&v);
	lab_view_close(&v);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) /* the meson test() line passes it */
		return check_broken("usage: test-failover-faults PATH/labctl");
	int pre = fx_prereq(true);
	if (pre)
		return pre;
	struct fixture f;
	int r = fx_up(&f, argv[1], "dual-tunnel", "fofa", 0.1);
	if (r < 0)
		return 1;

	/* Missing targets: exit 2, nothing recorded. */
	CHECK_INT(fx_labctl(&f, "fault %s blackhole no-such-tunnel", f.lab), 2);
	CHECK_INT(fx_labctl(&f, "fault %s ike-mismatch tun7", f.lab), 2);
	CHECK_INT(fx_labctl(&f, "fault %s link-down nowhere", f.lab), 2);
	CHECK_INT(fx_labctl(&f, "fault %s link-down ali-tr", f.lab), 2); /* not a gateway */
	CHECK_INT(fx_labctl(&f, "fault %s kill ecs", f.lab), 2);         /* runs nothing */
	CHECK_INT(fx_labctl(&f, "fault %s kill ali-tr:bird", f.lab), 2); /* runs bgpd */
	CHECK_INT(fx_labctl(&f, "fault %s loss 200%% tun0", f.lab), 2);
	CHECK_INT(fx_labctl(&f, "fault %s wobble tun0", f.lab), 2);
	CHECK_INT(fx_labctl(&f, "fault no-such-lab blackhole tun0"), 1);
	CHECK_INT(active(&f), 0);
	/* delay: netem or a clear refusal. */
	int d = fx_labctl(&f, "fault %s delay 20 tun1", f.lab);
	CHECK(d == 0 || d == 2);
	if (d == 0)
		CHECK_INT(fx_labctl(&f, "heal %s tun1", f.lab), 0);
	CHECK_INT(active(&f), 0);

	static const char *const faults[] = {
	    "ike-mismatch tun0", "blackhole tun1",  "link-down ali-vpn0",   "loss 50% tun0",
	    "kill ali-vpn1",     "kill azure-vpn0", "kill azure-vpn1:bird", "kill ali-vpn0:bgpd",
	};
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const char *spec = faults[i];
		fprintf(stderr, "fault %s\n", spec);
		CHECK_INT(fx_labctl(&f, "fault %s %s", f.lab, spec), 0);
		CHECK_INT(active(&f), 1);
		/* The same fault twice is refused. */
		CHECK_INT(fx_labctl(&f, "fault %s %s", f.lab, spec), 2);
		sleep_ns(300 * NS_PER_MS);
		CHECK_INT(fx_labctl(&f, "heal %s", f.lab), 0);
		CHECK_INT(active(&f), 0);
		CHECK_INT(ready(&f), 1);
		char word[96];
		status_word(&f, word, sizeof(word));
		CHECK_STR(word, "ready");
	}
	/* Every inject and heal is in the journals. */
	char cmd[600];
	snprintf(cmd, sizeof(cmd),
	         "test $(cat %s/%s/*/events.jsonl | grep -c '\"src\":\"fault\"') -eq 16", f.root,
	         f.lab);
	CHECK_INT(system(cmd), 0);

	/* loss through failover: a grey failure has no recovery to wait for, so it is
	 * held for --duration and healed; the report puts the loss model beside it */
	char js[320];
	snprintf(js, sizeof(js), "%s.loss.json", f.root);
	CHECK_INT(
	    fx_labctl(&f, "failover %s --fault loss --param 30 --duration 2s --json %s", f.lab, js),
	    0);
	struct json_object *doc = json_parse_file(js);
	struct json_object *runs = doc ? json_get(doc, "runs") : NULL;
	struct json_object *r0 = runs && json_object_is_type(runs, json_type_array) &&
	                                 json_object_array_length(runs) == 1
	                             ? json_object_array_get_idx(runs, 0)
	                             : NULL;
	double heal_s = -1, lost_s = -1;
	CHECK(r0 && json_get_num(r0, "heal_s", &heal_s) && heal_s >= 2.0 && heal_s < 3.5);
	CHECK(r0 && json_object_is_type(json_get(r0, "loss_model"), json_type_object));
	CHECK(r0 && json_get_num(json_get(r0, "loss_derived_s"), "rtt", &lost_s) && lost_s > 0);
	fprintf(stderr, "loss 30%% held %.2f s: loss-derived round trip %.2f s\n", heal_s, lost_s);
	json_object_put(doc);
	unlink(js);
	CHECK_INT(active(&f), 0);
	fx_show_if_failed(&f, check_failures);
	fx_down(&f);
	return check_done();
}
