#include "timers/budget.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "topo/topo.h"

bool timers_budget_from_topo(const struct topo *t, uint32_t probe, struct timers_budget *out)
{
	bool any = false;
	memset(out, 0, sizeof(*out));
	for (int d = 0; d < TIMERS_NDIR; d++) {
		uint32_t ms;
		if (topo_budget_get(t, probe, d, &ms)) {
			out->set[d] = true;
			out->max_s[d] = ms / 1000.0;
			any = true;
		}
	}
	return any;
}

int timers_budget_check(const struct timers_prediction *p, const char *const *models,
                        const struct timers_budget *b, struct timers_budget_check *out, size_t max)
{
	static const char *const lab_only[] = {"lab", NULL};
	size_t n = 0;
	if (!models)
		models = lab_only;
	for (size_t i = 0; models[i]; i++) {
		const struct timers_model *m = timers_find_model(p, models[i]);
		if (!m) {
			char names[128] = "";
			for (size_t k = 0; k < p->n_models; k++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
				         "%s%s", k ? ", " : "", p->models[k].name);
			return lab_err(LAB_EXIT_USAGE,
			               "model '%s' is not one of the prediction's "
			               "(%s)",
			               models[i], names);
		}
		for (int d = 0; d < TIMERS_NDIR; d++) {
			if (!b->set[d] || n >= max)
				continue;
			struct timers_budget_check *c = &out[n++];
			memset(c, 0, sizeof(*c));
			snprintf(c->model, sizeof(c->model), "%s", m->name);
			c->dir = (enum timers_dir)d;
			c->limit_s = b->max_s[d];
			c->worst_s = m->dir[d].w.max_s;
			/* 1 us of slack for the float sums of the closed form */
			c->ok = c->worst_s <= c->limit_s + 1e-6;
		}
	}
	return (int)n;
}

static void fmt_s(char *b, size_t n, double v)
{
	if (isinf(v))
		snprintf(b, n, "never ends");
	else
		snprintf(b, n, "%.6g s", v);
}

bool timers_budget_verdict(const struct timers_budget_check *c, size_t n, char *buf, size_t len)
{
	if (!n) {
		snprintf(buf, len,
		         "no budget: neither --max-outage nor the topology's expect: "
		         "max_outage sets one");
		return true;
	}
	size_t bad = 0, pick = 0;
	for (size_t i = 0; i < n; i++)
		bad += !c[i].ok;
	/* Over budget: the largest excess. Within: the smallest margin. */
	for (size_t i = 1; i < n; i++) {
		double di = c[i].worst_s - c[i].limit_s, dp = c[pick].worst_s - c[pick].limit_s;
		if (bad ? (!c[i].ok && (c[pick].ok || di > dp)) : di > dp)
			pick = i;
	}
	const struct timers_budget_check *w = &c[pick];
	char worst[32];
	fmt_s(worst, sizeof(worst), w->worst_s);
	if (bad) {
		char by[48];
		if (isinf(w->worst_s))
			snprintf(by, sizeof(by), "the outage never ends");
		else
			snprintf(by, sizeof(by), "by %.6g s", w->worst_s - w->limit_s);
		char of[64] = "";
		if (n > 1)
			snprintf(of, sizeof(of), " (%zu of %zu checks over)", bad, n);
		snprintf(buf, len,
		         "over budget: model %s, %s: worst case %s exceeds max_outage "
		         "%.6g s %s%s",
		         w->model, timers_dir_name(w->dir), worst, w->limit_s, by, of);
		return false;
	}
	char of[64] = "";
	if (n > 1)
		snprintf(of, sizeof(of), " (the closest of %zu checks)", n);
	snprintf(buf, len,
	         "within budget: model %s, %s: worst case %s, %.6g s under max_outage "
	         "%.6g s%s",
	         w->model, timers_dir_name(w->dir), worst, w->limit_s - w->worst_s, w->limit_s, of);
	return true;
}

void timers_budget_json(struct json *j, const struct timers_budget_check *c, size_t n)
{
	char verdict[256];
	bool ok = timers_budget_verdict(c, n, verdict, sizeof(verdict));
	json_obj_begin(j);
	json_kv_bool(j, "ok", ok);
	json_kv_str(j, "verdict", verdict);
	json_key(j, "checks");
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j);
		json_kv_str(j, "model", c[i].model);
		json_kv_str(j, "dir", timers_dir_name(c[i].dir));
		json_kv_double(j, "max_outage_s", c[i].limit_s);
		json_kv_double(j, "worst_s", c[i].worst_s);
		json_kv_bool(j, "ok", c[i].ok);
		json_kv_double(j, "excess_s", c[i].worst_s - c[i].limit_s);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
