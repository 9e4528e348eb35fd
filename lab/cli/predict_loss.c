#include "cli/predict_loss.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/timers_cli.h"
#include "common/err.h"
#include "common/json.h"
#include "timers/loss_model.h"
#include "topo/topo.h"

/* The lab's tunnels run over veth pairs between namespaces: well under 1 ms. */
#define PREDICT_LOSS_RTT_S 0.001

int predict_loss(const struct predict_loss_opts *o)
{
	struct timers_cli_topo ct;
	struct timers_loss_input li = {.duration_s = o->duration_s,
	                               .rtt_s = PREDICT_LOSS_RTT_S,
	                               .samples = o->samples ? o->samples : TIMERS_LOSS_SAMPLES,
	                               .seed = o->seed};
	struct timers_loss_result r;
	int rc = LAB_EXIT_USAGE;

	if (timers_loss_parse(o->fault, &li.p) < 0)
		return LAB_EXIT_USAGE;
	/* The scenario is the blackhole's (its limit at p = 1); the loss model reads
	 * the timers and mechanisms, not the fault kind. */
	if (timers_cli_load(o->topology, o->tunnel, "blackhole", o->time_scale, &ct) < 0)
		return LAB_EXIT_USAGE;
	if (timers_loss_predict(&ct.in, &li, &r) < 0)
		goto out;
	if (o->json) {
		struct json j;
		json_init(&j);
		timers_loss_doc(&j, ct.topo->name, ct.tunnel_name, o->time_scale, &ct.in, &r);
		rc = timers_cli_put_json(&j) < 0 ? LAB_EXIT_FAIL : LAB_EXIT_OK;
		goto out;
	}
	char *buf = malloc(4096);
	if (!buf) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		rc = LAB_EXIT_FAIL;
		goto out;
	}
	timers_loss_format(&r, "", buf, 4096);
	printf("%s: tunnel %s (%s <-> %s), fault loss %g %%, time scale %g\n", ct.topo->name,
	       ct.tunnel_name, ct.in.side[0].gateway, ct.in.side[1].gateway, li.p * 100,
	       o->time_scale);
	printf("fwd = %s side -> far side (off the lossy tunnel when %s switches), rev = the "
	       "other way, rtt = a ping\n\n%s",
	       ct.in.side[0].gateway, ct.in.side[0].router, buf);
	printf("\nnot modelled: TCP tail loss probes and fast retransmit (they would repair "
	       "lost KEEPALIVEs sooner),\nthe session coming back over the lossy tunnel after a "
	       "failover, the 1 s clock of charon's DPD\n(docs/timer-math.md \"Partial loss\")\n");
	free(buf);
	rc = LAB_EXIT_OK;
out:
	timers_cli_free(&ct);
	return rc;
}
