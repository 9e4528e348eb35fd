/* Sweeps over topology values (sweep.h). Each point writes the value into the
 * topology, scales and maps it as `labctl predict` does, then restores what it
 * changed, so a point is exactly the prediction of the file with that value. */
#include "timers/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "topo/topo.h"

const char timers_sweep_keys_text[] =
    "bgp.hold, bgp.keepalive, route_programming_delay, nodes.NODE.bgp.timers.hold, "
    "nodes.NODE.bgp.timers.keepalive, nodes.NODE.bgp.route_programming_delay, "
    "tunnels.NAME.ike.dpd";

#define HOLD_MAX_MS 65535000u
#define DELAY_MAX_MS 3600000u

/* ---- what a point changes (and topo_apply_time_scale scales), saved and restored ---- */

struct saved {
	struct topo_bgp_timers def;
	struct topo_budget expect;
	struct topo_bgp *bgp;        /* per node; only the scalars are used */
	struct topo_bgp_timers **nb; /* per node: its neighbors' timers */
	struct topo_ike *ike;        /* per tunnel end */
	struct topo_budget *probe_expect;
};

static void saved_free(struct saved *s, const struct topo *t)
{
	for (size_t i = 0; s->nb && i < t->n_nodes; i++)
		free(s->nb[i]);
	free(s->nb);
	free(s->bgp);
	free(s->ike);
	free(s->probe_expect);
	memset(s, 0, sizeof(*s));
}

static int save(struct saved *s, const struct topo *t)
{
	memset(s, 0, sizeof(*s));
	s->bgp = calloc(t->n_nodes + 1, sizeof(*s->bgp));
	s->nb = calloc(t->n_nodes + 1, sizeof(*s->nb));
	s->ike = calloc(2 * t->n_tunnels + 1, sizeof(*s->ike));
	s->probe_expect = calloc(t->n_probes + 1, sizeof(*s->probe_expect));
	if (!s->bgp || !s->nb || !s->ike || !s->probe_expect)
		goto oom;
	s->def = t->defaults.bgp_timers;
	s->expect = t->expect;
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_bgp *b = t->nodes[i].bgp;
		if (!b)
			continue;
		s->bgp[i] = *b;
		if (!(s->nb[i] = calloc(b->n_neighbors + 1, sizeof(*s->nb[i]))))
			goto oom;
		for (size_t k = 0; k < b->n_neighbors; k++)
			s->nb[i][k] = b->neighbors[k].timers;
	}
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++)
			s->ike[2 * i + e] = t->tunnels[i].end[e].ike;
	for (size_t i = 0; i < t->n_probes; i++)
		s->probe_expect[i] = t->probes[i].expect;
	return 0;
oom:
	saved_free(s, t);
	return lab_err(LAB_EXIT_FAIL, "out of memory");
}

static void restore(const struct saved *s, struct topo *t)
{
	t->defaults.bgp_timers = s->def;
	t->expect = s->expect;
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct topo_bgp *b = t->nodes[i].bgp;
		if (!b)
			continue;
		b->timers = s->bgp[i].timers;
		b->route_programming_delay_ms = s->bgp[i].route_programming_delay_ms;
		b->error_wait_ms = s->bgp[i].error_wait_ms;
		for (size_t k = 0; k < b->n_neighbors; k++)
			b->neighbors[k].timers = s->nb[i][k];
	}
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++)
			t->tunnels[i].end[e].ike = s->ike[2 * i + e];
	for (size_t i = 0; i < t->n_probes; i++)
		t->probes[i].expect = s->probe_expect[i];
}

/* ---- setting one value ---- */

static void set_timers(struct topo_bgp_timers *tm, bool hold, uint32_t ms)
{
	if (hold) {
		/* as a timers level that gives only hold: keepalive a third, whole seconds */
		tm->hold_ms = ms;
		tm->keepalive_ms = ms / 3000 * 1000;
	} else {
		tm->keepalive_ms = ms;
	}
}

static void set_node(struct topo_bgp *b, enum timers_sweep_kind k, uint32_t ms)
{
	if (k == SWEEP_DELAY || k == SWEEP_NODE_DELAY) {
		b->route_programming_delay_ms = ms;
		return;
	}
	bool hold = k == SWEEP_BGP_HOLD || k == SWEEP_NODE_HOLD;
	set_timers(&b->timers, hold, ms);
	/* the node's sessions: a neighbor's own timers are resolved at load, so the
	 * value goes to every session of the node */
	for (size_t i = 0; i < b->n_neighbors; i++)
		set_timers(&b->neighbors[i].timers, hold, ms);
}

static void apply(struct topo *t, const struct timers_sweep_axis *a, uint32_t ms)
{
	switch (a->kind) {
	case SWEEP_DPD:
		for (int e = 0; e < 2; e++)
			t->tunnels[a->index].end[e].ike.dpd_delay_ms = ms;
		return;
	case SWEEP_NODE_HOLD:
	case SWEEP_NODE_KEEPALIVE:
	case SWEEP_NODE_DELAY: set_node(t->nodes[a->index].bgp, a->kind, ms); return;
	default:
		for (size_t i = 0; i < t->n_nodes; i++)
			if (t->nodes[i].bgp)
				set_node(t->nodes[i].bgp, a->kind, ms);
	}
}

/* ---- parsing and checking ---- */

static int parse_key(struct timers_sweep_axis *a, const struct topo *t, const char *key)
{
	char name[64];
	const char *rest;
	if (strlen(key) >= sizeof(a->key))
		return lab_err(LAB_EXIT_USAGE,
		               "--sweep %.40s...: the key is too long; supported "
		               "keys: %s",
		               key, timers_sweep_keys_text);
	memcpy(a->key, key, strlen(key) + 1);
	if (!strcmp(key, "bgp.hold"))
		a->kind = SWEEP_BGP_HOLD;
	else if (!strcmp(key, "bgp.keepalive"))
		a->kind = SWEEP_BGP_KEEPALIVE;
	else if (!strcmp(key, "route_programming_delay"))
		a->kind = SWEEP_DELAY;
	else if (!strncmp(key, "nodes.", 6) && (rest = strchr(key + 6, '.')) &&
	         (size_t)(rest - key - 6) < sizeof(name)) {
		snprintf(name, sizeof(name), "%.*s", (int)(rest - key - 6), key + 6);
		if (!strcmp(rest, ".bgp.timers.hold"))
			a->kind = SWEEP_NODE_HOLD;
		else if (!strcmp(rest, ".bgp.timers.keepalive"))
			a->kind = SWEEP_NODE_KEEPALIVE;
		else if (!strcmp(rest, ".bgp.route_programming_delay"))
			a->kind = SWEEP_NODE_DELAY;
		else
			goto unknown;
		a->index = topo_node_index(t, name);
		if (a->index == TOPO_NONE || !t->nodes[a->index].bgp)
			return lab_err(LAB_EXIT_USAGE,
			               "--sweep %s: topology '%s' has no node '%s' "
			               "with a bgp section",
			               key, t->name, name);
	} else if (!strncmp(key, "tunnels.", 8) && (rest = strchr(key + 8, '.')) &&
	           !strcmp(rest, ".ike.dpd") && (size_t)(rest - key - 8) < sizeof(name)) {
		snprintf(name, sizeof(name), "%.*s", (int)(rest - key - 8), key + 8);
		a->kind = SWEEP_DPD;
		a->index = TOPO_NONE;
		for (size_t i = 0; i < t->n_tunnels; i++)
			if (!strcmp(t->tunnels[i].name, name))
				a->index = (uint32_t)i;
		if (a->index == TOPO_NONE)
			return lab_err(LAB_EXIT_USAGE,
			               "--sweep %s: topology '%s' has no tunnel '%s'", key, t->name,
			               name);
	} else {
		goto unknown;
	}
	return 0;
unknown:
	if (!strncmp(key, "bfd.", 4))
		return lab_err(LAB_EXIT_USAGE,
		               "--sweep %s: topologies have no BFD key yet, so "
		               "there is nothing to sweep; supported keys: %s",
		               key, timers_sweep_keys_text);
	return lab_err(LAB_EXIT_USAGE, "--sweep %s: not a key a sweep can set; supported keys: %s",
	               key, timers_sweep_keys_text);
}

/* The loader's rules for the value written at the key (docs/topology-format.md). */
static int check_value(const struct timers_sweep_axis *a, const struct topo *t, uint32_t ms)
{
	bool hold = a->kind == SWEEP_BGP_HOLD || a->kind == SWEEP_NODE_HOLD;
	bool ka = a->kind == SWEEP_BGP_KEEPALIVE || a->kind == SWEEP_NODE_KEEPALIVE;
	double s = ms / 1000.0;
	if (hold && (ms % 1000 || (ms && ms < 3000) || ms > HOLD_MAX_MS))
		return lab_err(LAB_EXIT_USAGE,
		               "--sweep %s: hold %g s; expected 0 or 3 to 65535 "
		               "whole seconds (RFC 4271 s4.2): use whole-second "
		               "ends and step",
		               a->key, s);
	if ((a->kind == SWEEP_DELAY || a->kind == SWEEP_NODE_DELAY) && ms > DELAY_MAX_MS)
		return lab_err(LAB_EXIT_USAGE, "--sweep %s: %g s; expected at most 1 h", a->key, s);
	if (!ka)
		return 0;
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_bgp *b = t->nodes[i].bgp;
		if (!b || (a->kind == SWEEP_NODE_KEEPALIVE && i != a->index))
			continue;
		for (size_t k = 0; k <= b->n_neighbors; k++) {
			const struct topo_bgp_timers *tm =
			    k ? &b->neighbors[k - 1].timers : &b->timers;
			if (!ms || !tm->hold_ms || ms >= tm->hold_ms)
				return lab_err(
				    LAB_EXIT_USAGE,
				    "--sweep %s: keepalive %g s at node '%s' whose hold is "
				    "%g s; expected a keepalive above 0 and below the hold "
				    "time (RFC 4271 s4.4)",
				    a->key, s, t->nodes[i].name, tm->hold_ms / 1000.0);
		}
	}
	return 0;
}

static int parse_dur(const char *arg, const char *what, const char *s, uint32_t *ms)
{
	int r = topo_duration_parse(s, HOLD_MAX_MS, ms);
	if (r == 0)
		return 0;
	return lab_err(LAB_EXIT_USAGE, "--sweep %s: %s '%s' %s", arg, what, s,
	               r == TOPO_DURATION_FINE ? "is finer than a millisecond; expected whole ms"
	               : r == TOPO_DURATION_LONG
	                   ? "is too long; expected at most 65535 s"
	                   : "is not a duration; expected seconds (30, 0.5) or a number with "
	                     "ms, s, m or h, as in KEY=3..180 or KEY=0..2s:100ms");
}

int timers_sweep_add(struct timers_sweep *sw, const struct topo *t, const char *arg)
{
	if (sw->n_axes >= TIMERS_SWEEP_MAX_AXES)
		return lab_err(LAB_EXIT_USAGE, "--sweep %s: at most two sweeps (a grid)", arg);
	struct timers_sweep_axis *a = &sw->axis[sw->n_axes];
	memset(a, 0, sizeof(*a));
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *eq = strchr(buf, '='), *dots = eq ? strstr(eq, "..") : NULL;
	if (!eq || !dots)
		return lab_err(LAB_EXIT_USAGE,
		               "--sweep '%s': expected KEY=FROM..TO[:STEP], e.g. "
		               "bgp.hold=3..180 or route_programming_delay=0..20:0.5",
		               arg);
	*eq = *dots = 0;
	char *to = dots + 2, *step = strchr(to, ':');
	if (step)
		*step++ = 0;
	if (parse_key(a, t, buf) < 0)
		return -1;
	for (size_t i = 0; i < sw->n_axes; i++)
		if (!strcmp(sw->axis[i].key, a->key))
			return lab_err(LAB_EXIT_USAGE, "--sweep %s given twice", a->key);
	uint32_t from, upto, st = 0;
	if (parse_dur(arg, "FROM", eq + 1, &from) < 0 || parse_dur(arg, "TO", to, &upto) < 0 ||
	    (step && parse_dur(arg, "STEP", step, &st) < 0))
		return -1;
	if (upto < from)
		return lab_err(LAB_EXIT_USAGE,
		               "--sweep %s: TO is below FROM; expected FROM..TO "
		               "with FROM <= TO",
		               arg);
	if (step && !st)
		return lab_err(LAB_EXIT_USAGE, "--sweep %s: STEP 0; expected a positive step", arg);
	if (!step)
		st = upto - from >= 20000 ? 1000 : (upto - from) / 20 ? (upto - from) / 20 : 1;
	uint64_t n = (uint64_t)(upto - from) / st + 1;
	bool tail = (uint64_t)from + (n - 1) * st < upto;
	if (n + tail > TIMERS_SWEEP_MAX_POINTS)
		return lab_err(LAB_EXIT_USAGE,
		               "--sweep %s: %llu points; expected at most %d "
		               "(give a larger STEP)",
		               arg, (unsigned long long)(n + tail), TIMERS_SWEEP_MAX_POINTS);
	a->n = (size_t)(n + tail);
	if (!(a->ms = calloc(a->n, sizeof(*a->ms))))
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < a->n; i++)
		a->ms[i] = i + 1 == a->n ? upto : from + (uint32_t)i * st;
	for (size_t i = 0; i < a->n; i++)
		if (check_value(a, t, a->ms[i]) < 0) {
			free(a->ms);
			a->ms = NULL;
			return -1;
		}
	sw->n_axes++;
	return 0;
}

/* ---- computing ---- */

static int predict_here(struct topo *t, uint32_t tunnel, const char *fault, uint32_t side, double f,
                        struct timers_prediction *out)
{
	struct timers_input in;
	if (topo_apply_time_scale(t, f) < 0 || timers_input_from_topo(t, tunnel, fault, &in) < 0)
		return -1;
	in.fault_side = side;
	if (timers_input_scale_model(&in, f) < 0)
		return -1;
	return timers_predict(&in, out);
}

static bool same_windows(const struct timers_sweep_point *p, const struct timers_prediction *b)
{
	for (size_t m = 0; m < b->n_models; m++)
		for (int d = 0; d < TIMERS_NDIR; d++) {
			const struct timers_window *x = &p->w[m][d], *y = &b->models[m].dir[d].w;
			if (!(fabs(x->min_s - y->min_s) < 1e-9 || x->min_s == y->min_s) ||
			    !(fabs(x->max_s - y->max_s) < 1e-9 || x->max_s == y->max_s))
				return false;
		}
	return true;
}

int timers_sweep_run(struct timers_sweep *sw, struct topo *t, uint32_t tunnel, const char *fault,
                     uint32_t fault_side, double time_scale)
{
	if (!sw->n_axes)
		return lab_err(LAB_EXIT_USAGE, "no sweep given");
	size_t n = sw->axis[0].n * (sw->n_axes > 1 ? sw->axis[1].n : 1);
	if (n > TIMERS_SWEEP_MAX_GRID)
		return lab_err(LAB_EXIT_USAGE,
		               "the grid has %zu points; expected at most %d (give "
		               "larger steps)",
		               n, TIMERS_SWEEP_MAX_GRID);
	struct saved s;
	struct timers_prediction pred;
	if (save(&s, t) < 0)
		return -1;
	int rc = -1;
	free(sw->pts);
	sw->n = 0;
	if (!(sw->pts = calloc(n, sizeof(*sw->pts)))) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		goto out;
	}
	if (predict_here(t, tunnel, fault, fault_side, time_scale, &sw->base) < 0)
		goto out;
	restore(&s, t);
	for (size_t i = 0; i < n; i++) {
		struct timers_sweep_point *p = &sw->pts[i];
		size_t idx[2] = {sw->n_axes > 1 ? i / sw->axis[1].n : i,
		                 sw->n_axes > 1 ? i % sw->axis[1].n : 0};
		for (size_t a = 0; a < sw->n_axes; a++) {
			p->ms[a] = sw->axis[a].ms[idx[a]];
			apply(t, &sw->axis[a], p->ms[a]);
		}
		int r = predict_here(t, tunnel, fault, fault_side, time_scale, &pred);
		restore(&s, t);
		if (r < 0)
			goto out;
		if (pred.n_models != sw->base.n_models) {
			lab_err(LAB_EXIT_FAIL, "the models changed within the sweep");
			goto out;
		}
		for (size_t m = 0; m < pred.n_models; m++)
			for (int d = 0; d < TIMERS_NDIR; d++)
				p->w[m][d] = pred.models[m].dir[d].w;
		p->as_file = same_windows(p, &sw->base);
		sw->n = i + 1;
	}
	rc = 0;
out:
	restore(&s, t);
	saved_free(&s, t);
	return rc;
}

double timers_sweep_x(const struct timers_sweep_point *p, size_t a)
{
	return p->ms[a] / 1000.0;
}

int timers_sweep_model(const struct timers_sweep *sw, const char *name)
{
	for (size_t m = 0; m < sw->base.n_models; m++)
		if (!strcmp(sw->base.models[m].name, name))
			return (int)m;
	return -1;
}

void timers_sweep_free(struct timers_sweep *sw)
{
	for (size_t a = 0; a < TIMERS_SWEEP_MAX_AXES; a++)
		free(sw->axis[a].ms);
	free(sw->pts);
	memset(sw, 0, sizeof(*sw));
}
