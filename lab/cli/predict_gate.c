#include "cli/predict_gate.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "report/junit.h"
#include "topo/topo.h"

int predict_gate_option(struct predict_gate *g, int opt, const char *arg)
{
	uint32_t ms;
	switch (opt) {
	case 1001: {
		int r = topo_duration_parse(arg, 86400000u, &ms);
		if (r < 0)
			return lab_err(
			    LAB_EXIT_USAGE, "--max-outage '%s': %s", arg,
			    r == TOPO_DURATION_FINE ? "finer than a millisecond; expected whole ms"
			    : r == TOPO_DURATION_LONG
			        ? "longer than a day; expected a failover budget such as 40s"
			        : "not a duration; expected seconds (40, 0.5) or a number "
			          "with ms, s, m or h (40s, 1m)");
		g->have_max = true;
		g->max_s = ms / 1000.0;
		return 0;
	}
	case 'd':
		for (int d = 0; d < TIMERS_NDIR; d++)
			if (!strcmp(arg, timers_dir_name((enum timers_dir)d))) {
				g->have_dir = true;
				g->dir = (enum timers_dir)d;
				return 0;
			}
		return lab_err(LAB_EXIT_USAGE, "--direction '%s': expected fwd, rev or rtt", arg);
	case 1002:
		if (!strcmp(arg, "all")) {
			static const char *const all[] = {"article", "rfc4271", "bird", "lab"};
			g->n_models = 0;
			for (size_t i = 0; i < 4; i++)
				g->models[g->n_models++] = all[i];
			g->models[g->n_models] = NULL;
			return 0;
		}
		if (g->n_models >= TIMERS_MAX_MODELS)
			return lab_err(LAB_EXIT_USAGE, "--model given more than %d times",
			               TIMERS_MAX_MODELS);
		g->models[g->n_models++] = arg;
		g->models[g->n_models] = NULL;
		return 0;
	case 1003: g->junit = arg; return 0;
	case 1004:
		if (g->n_sweep >= 2)
			return lab_err(LAB_EXIT_USAGE,
			               "--sweep given more than twice; two make a grid");
		g->sweep[g->n_sweep++] = arg;
		return 0;
	case 1005: g->svg = arg; return 0;
	}
	return lab_err(LAB_EXIT_USAGE, "unknown option");
}

int predict_gate_checks(const struct predict_gate *g, const struct timers_cli_topo *ct,
                        const struct timers_prediction *pred, struct timers_budget_check *out,
                        size_t max)
{
	struct timers_budget b = {0};
	if (g->have_max) {
		/* a budget is for the scenario at full scale, like the topology's (which
		 * topo_apply_time_scale scales): ct->in is already scaled */
		double f = g->scale > 0 ? g->scale : 1;
		for (int d = 0; d < TIMERS_NDIR; d++)
			if (!g->have_dir || g->dir == (enum timers_dir)d) {
				b.set[d] = true;
				b.max_s[d] = llround(g->max_s * 1000 * f) / 1000.0;
			}
	} else {
		timers_budget_from_topo(ct->topo, ct->topo->n_probes ? 0 : TOPO_NONE, &b);
		if (g->have_dir)
			for (int d = 0; d < TIMERS_NDIR; d++)
				b.set[d] &= g->dir == (enum timers_dir)d;
	}
	return timers_budget_check(pred, g->n_models ? g->models : NULL, &b, out, max);
}

static int write_junit(const struct predict_gate *g, const struct timers_cli_topo *ct,
                       const struct timers_budget_check *c, size_t n)
{
	struct junit_case cases[TIMERS_MAX_MODELS * TIMERS_NDIR] = {{0}};
	char cls[TIMERS_MAX_MODELS * TIMERS_NDIR][160], msg[TIMERS_MAX_MODELS * TIMERS_NDIR][192];
	const char *probe = ct->topo->n_probes ? ct->topo->probes[0].name : "-";
	size_t k = 0;
	for (size_t i = 0; i < n && k < sizeof(cases) / sizeof(cases[0]); i++, k++) {
		snprintf(cls[k], sizeof(cls[k]), "%s.%s.%s.%s", ct->topo->name, probe, c[i].model,
		         timers_dir_name(c[i].dir));
		cases[k].classname = cls[k];
		cases[k].name = "within the budget";
		if (c[i].ok)
			continue;
		if (isinf(c[i].worst_s))
			snprintf(msg[k], sizeof(msg[k]),
			         "model %s %s: the outage never ends (no "
			         "other path), max_outage %.6g s",
			         c[i].model, timers_dir_name(c[i].dir), c[i].limit_s);
		else
			snprintf(msg[k], sizeof(msg[k]),
			         "model %s %s: worst case %.6g s, max_outage "
			         "%.6g s (over by %.6g s)",
			         c[i].model, timers_dir_name(c[i].dir), c[i].worst_s, c[i].limit_s,
			         c[i].worst_s - c[i].limit_s);
		cases[k].failure = msg[k];
	}
	char suite[96];
	snprintf(suite, sizeof(suite), "labctl predict %s", ct->topo->name);
	if (strcmp(g->junit, "-"))
		return junit_write_file(g->junit, suite, cases, k, 0);
	if (junit_write(stdout, suite, cases, k, 0) < 0 || fflush(stdout) != 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "writing JUnit XML to stdout");
	return 0;
}

int predict_gate_finish(const struct predict_gate *g, const struct timers_cli_topo *ct,
                        const struct timers_budget_check *c, size_t n, bool json)
{
	if (g->junit && !n)
		return lab_err(LAB_EXIT_USAGE, "--junit: no budget to check; give --max-outage DUR "
		                               "or an expect: max_outage key in the topology");
	if (g->junit && write_junit(g, ct, c, n) < 0)
		return -1;
	if (!n)
		return LAB_EXIT_OK;
	char v[320];
	bool ok = timers_budget_verdict(c, n, v, sizeof(v));
	fprintf(json ? stderr : stdout, "%s%s: %s\n", json ? "" : "\n", ct->topo->name, v);
	return ok ? LAB_EXIT_OK : LAB_EXIT_FAIL;
}
