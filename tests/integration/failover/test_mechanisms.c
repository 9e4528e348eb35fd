/* Every fault kind under the mechanisms that apply, on dual-tunnel at time scale
 * 0.1: each measured outage lies inside the lab model's window (each direction and
 * the round trip), and what the report names as its cause happened before the
 * recovery it explains (a session loss on that direction's gateway, or a next hop
 * that became unreachable), never "not modelled".
 *
 * Mechanism variants come from `up --override` as `labctl compare` makes them; the
 * runs go through the experiment module and the report from the journals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "experiment/experiment.h"
#include "lab_fixture.h"

struct fcase {
	enum fault_kind kind;
	const char *target; /* NULL: the experiment's default */
};

static bool nexthop_before(const struct report_run *r, int64_t t)
{
	for (size_t i = 0; i < r->n_marks; i++)
		if (r->marks[i].kind == MARK_NEXTHOP && r->marks[i].t >= r->t0 &&
		    r->marks[i].t <= t)
			return true;
	return false;
}

static void judge_run(const char *mech, const struct fcase *c, const struct report_run *r)
{
	fprintf(stderr, "%s / %s %s: rtt %.3f s, inside %d/%d/%d; %s\n", mech,
	        fault_kind_name(c->kind), c->target ? c->target : "", r->measured_s[TIMERS_RTT],
	        r->inside[0], r->inside[1], r->inside[2], r->mechanism);
	CHECK(strstr(r->mechanism, "not modelled") == NULL);
	CHECK(r->has_pred);
	for (int d = 0; d < TIMERS_NDIR; d++)
		if (r->measured_s[d] >= 0)
			CHECK_INT(r->inside[d], 1);
	for (int d = 0; d < 2; d++) {
		if (!r->dir_recovery_t[d])
			continue;
		bool session = r->side_down_t[d] && r->side_down_t[d] <= r->dir_recovery_t[d];
		CHECK(session || nexthop_before(r, r->dir_recovery_t[d]));
	}
}

static void run_cases(struct fixture *f, const char *mech, const struct fcase *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct exp_spec spec = {.kind = cs[i].kind,
		                        .target = cs[i].target,
		                        .tunnel = "auto",
		                        .param = 100,
		                        .runs = 1};
		struct exp e;
		struct report rep = {0};
		bool failed = false;
		int rc = exp_open(&e, f->lab, &spec, NULL, NULL);
		if (rc == 0)
			rc = exp_wait_steady(&e);
		if (rc == 0)
			rc = exp_probes_start(&e);
		if (rc == 0)
			rc = exp_run_series(&e, NULL, &failed);
		if (rc == 0) {
			exp_probes_stop(&e);
			rc = exp_collect(&e, &rep);
		}
		if (rc < 0)
			fprintf(stderr, "%s / %s: %s\n", mech, fault_kind_name(cs[i].kind),
			        lab_err_msg());
		CHECK_INT(rc, 0);
		CHECK(!failed);
		exp_close(&e);
		lab_err_clear();
		CHECK_INT(rep.n_runs, 1);
		for (size_t k = 0; k < rep.n_runs; k++)
			judge_run(mech, &cs[i], &rep.runs[k]);
		report_free(&rep);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return check_broken("usage: test-failover-mechanisms PATH/labctl");
	int pre = fx_prereq(true);
	if (pre)
		return pre;
	static const struct fcase hold[] = {
	    {FAULT_IKE_MISMATCH, NULL},        {FAULT_BLACKHOLE, NULL},
	    {FAULT_LINK_DOWN, NULL},           {FAULT_KILL, "ali-vpn0:charon"},
	    {FAULT_KILL, "azure-vpn0:charon"}, {FAULT_KILL, "ali-vpn0:bgpd"},
	    {FAULT_KILL, "azure-vpn0:bird"},
	};
	static const struct fcase track[] = {
	    {FAULT_IKE_MISMATCH, NULL}, {FAULT_BLACKHOLE, NULL}, {FAULT_KILL, "azure-vpn0:charon"}};
	/* A DPD fast enough to race the 3 s hold timer at this scale. */
	static const struct fcase dpd[] = {{FAULT_BLACKHOLE, NULL}, {FAULT_LINK_DOWN, NULL}};
	static const struct {
		const char *mech, *tag;
		const struct fcase *cs;
		size_t n;
	} variants[] = {
	    {"hold", "mhold", hold, sizeof(hold) / sizeof(hold[0])},
	    {"track", "mtrack", track, sizeof(track) / sizeof(track[0])},
	    {"dpd:2/1/1/1", "mdpd", dpd, sizeof(dpd) / sizeof(dpd[0])},
	};
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct fixture f;
		char topo[96];
		snprintf(topo, sizeof(topo), "dual-tunnel --override %s", variants[v].mech);
		if (fx_up(&f, argv[1], topo, variants[v].tag, 0.1) < 0)
			return 1;
		int before = check_failures;
		run_cases(&f, variants[v].mech, variants[v].cs, variants[v].n);
		fx_show_if_failed(&f, check_failures - before);
		fx_down(&f);
	}
	return check_done();
}
