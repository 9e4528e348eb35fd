#include "report/lab_report.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "topo/topo.h"

static int fill_tunnels(struct lab_report *lr)
{
	const struct topo *t = lr->view->topo;
	if (!t || !t->n_tunnels)
		return 0;
	lr->tunnels = calloc(t->n_tunnels, sizeof(*lr->tunnels));
	if (!lr->tunnels)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tu = &t->tunnels[i];
		struct report_tunnel *rt = &lr->tunnels[i];
		snprintf(rt->name, sizeof(rt->name), "%s", tu->name);
		for (int s = 0; s < 2; s++) {
			const struct topo_node *n = &t->nodes[tu->end[s].node];
			snprintf(rt->gw[s], sizeof(rt->gw[s]), "%s", n->name);
			inet_ntop(AF_INET, &tu->end[s].inside.addr, rt->addr[s],
			          sizeof(rt->addr[s]));
			rt->bird[s] = n->bgp && n->bgp->speaker == TOPO_SPEAKER_BIRD;
			for (size_t k = 0; k < n->n_ifaces && rt->n_gw_addrs[s] < 8; k++)
				if (n->ifaces[k].addr.len)
					inet_ntop(AF_INET, &n->ifaces[k].addr.addr,
					          rt->gw_addrs[s][rt->n_gw_addrs[s]++], 16);
		}
	}
	lr->n_tunnels = t->n_tunnels;
	return 0;
}

int lab_report_open(struct lab_report *lr, struct lab_view *v, bool sync_bird)
{
	memset(lr, 0, sizeof(*lr));
	lr->view = v;
	if (sync_bird && v->topo && bgp_svc_bird_logs_sync(&v->run, v->topo) < 0)
		lab_err_clear();
	return fill_tunnels(lr);
}

void lab_report_close(struct lab_report *lr)
{
	free(lr->tunnels);
	lr->tunnels = NULL;
	lr->n_tunnels = 0;
}

static int predict(void *ctx, const struct report_run *run, struct timers_prediction *out)
{
	const struct lab_report *lr = ctx;
	return lab_view_predict(lr->view, run->kind, run->target, run->tunnel, run->resolution_ns,
	                        out);
}

static int model_input(void *ctx, const struct report_run *run, struct timers_input *out)
{
	const struct lab_report *lr = ctx;
	return lab_view_timers_input(lr->view, run->kind, run->target, run->tunnel,
	                             run->resolution_ns, out);
}

/* A loss run's tunnel as the blackhole's scenario: the loss model reads the timers
 * and mechanisms, and a blackhole is its limit at 100 %. */
static int loss_input(void *ctx, const struct report_run *run, struct timers_input *out)
{
	const struct lab_report *lr = ctx;
	return lab_view_timers_input(lr->view, "blackhole", run->target, run->tunnel,
	                             run->resolution_ns, out);
}

/* The reversion window from the lab's scaled topology (connect retry and BIRD's
 * error wait as the daemons run them). */
static int predict_reversion(void *ctx, const struct report_run *run, struct timers_reversion *out)
{
	struct lab_report *lr = ctx;
	struct topo *t = NULL;
	uint32_t ti = TOPO_NONE;
	struct timers_input in;
	struct timers_reversion_input rin;
	int rc = -1;
	if (!lr->view->topo || lab_view_load_scaled(lr->view, &t) < 0)
		goto out;
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, run->tunnel))
			ti = (uint32_t)i;
	if (ti == TOPO_NONE || timers_input_from_topo(t, ti, NULL, &in) < 0 ||
	    timers_reversion_from_topo(t, ti, &in, &rin) < 0)
		goto out;
	if (run->resolution_ns > 0)
		rin.probe_interval_s = (double)run->resolution_ns / 1e9;
	rin.session_lost = run->side_down_t[0] || run->side_down_t[1] || run->rev_session_back;
	rc = timers_reversion_predict(&rin, out);
out:
	if (rc < 0)
		lab_err_clear();
	topo_free(t);
	return rc;
}

static bool budget(void *ctx, const char *probe, enum timers_dir d, double *max_s)
{
	const struct lab_report *lr = ctx;
	const struct topo *t = lr->view->topo;
	if (!t)
		return false;
	uint32_t p = TOPO_NONE, ms;
	for (size_t i = 0; i < t->n_probes; i++)
		if (!strcmp(t->probes[i].name, probe))
			p = (uint32_t)i;
	/* the view's topology is at the lab's time scale, and so are its budgets */
	if (!topo_budget_get(t, p, (int)d, &ms))
		return false;
	*max_s = ms / 1000.0;
	return true;
}

void lab_report_config(struct lab_report *lr, struct report_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->lab = lr->view->run.name;
	cfg->time_scale = lr->view->time_scale;
	cfg->tunnels = lr->tunnels;
	cfg->n_tunnels = lr->n_tunnels;
	cfg->predict = predict;
	cfg->predict_reversion = predict_reversion;
	cfg->model_input = model_input;
	cfg->loss_input = loss_input;
	cfg->predict_ctx = lr;
	cfg->budget = budget;
}
