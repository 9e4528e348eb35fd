/* exp_plan_fault without a lab: which tunnel and target a run's fault gets from
 * the spec (tunnel by name or index, an explicit target, the node faults' end-0
 * gateway, the loss cap), and the usage errors for what the lab lacks. */
#include <stdio.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "experiment/experiment.h"
#include "topo/topo.h"

static struct topo *topo;

static int plan(const struct exp_spec *s, struct exp_run *run)
{
	struct exp e;
	memset(&e, 0, sizeof(e));
	e.spec = s;
	e.topo = topo;
	snprintf(e.view.run.name, sizeof(e.view.run.name), "unit");
	memset(run, 0, sizeof(*run));
	return exp_plan_fault(&e, run);
}

int main(void)
{
	struct topo_diags d = {0};
	CHECK_INT(topo_load(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml", &topo, &d), 0);
	topo_diags_free(&d);
	if (!topo)
		return check_done();
	struct exp_run run;

	/* A tunnel by name: tunnel faults act on it, with the parameter capped. */
	struct exp_spec s = {.kind = FAULT_LOSS, .tunnel = "tun1", .param = 150};
	CHECK_INT(plan(&s, &run), 0);
	CHECK_INT(run.tunnel, 1);
	CHECK_STR(run.fault.target, "tun1");
	CHECK(run.fault.kind == FAULT_LOSS && run.fault.param == 100);

	/* By index; node faults go to the tunnel's end-0 gateway, without a parameter. */
	s = (struct exp_spec){.kind = FAULT_LINK_DOWN, .tunnel = "1", .param = 100};
	CHECK_INT(plan(&s, &run), 0);
	CHECK_INT(run.tunnel, 1);
	CHECK_STR(run.fault.target, "ali-vpn1");
	CHECK(run.fault.param == 0);
	s.kind = FAULT_KILL;
	s.tunnel = "tun0";
	CHECK_INT(plan(&s, &run), 0);
	CHECK_STR(run.fault.target, "ali-vpn0");

	/* An explicit target (a scenario's "fault KIND TARGET"): its tunnel found by
	 * gateway, either end, a process suffix ignored. */
	s = (struct exp_spec){.kind = FAULT_KILL, .target = "azure-vpn1:bird"};
	CHECK_INT(plan(&s, &run), 0);
	CHECK_INT(run.tunnel, 1);
	CHECK_STR(run.fault.target, "azure-vpn1:bird");
	s = (struct exp_spec){.kind = FAULT_BLACKHOLE, .target = "tun0", .param = 100};
	CHECK_INT(plan(&s, &run), 0);
	CHECK_INT(run.tunnel, 0);

	/* What the lab does not have: usage errors naming it. */
	s = (struct exp_spec){.kind = FAULT_BLACKHOLE, .tunnel = "2"};
	CHECK_INT(plan(&s, &run), -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "2 tunnel(s)") != NULL);
	s.tunnel = "tun9";
	CHECK_INT(plan(&s, &run), -1);
	CHECK(strstr(lab_err_msg(), "tun9") != NULL);
	s = (struct exp_spec){.kind = FAULT_KILL, .target = "ecs"};
	CHECK_INT(plan(&s, &run), -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "ecs") != NULL);
	lab_err_clear();
	topo_free(topo);
	return check_done();
}
