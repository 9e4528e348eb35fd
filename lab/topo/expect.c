/* The `expect:` key: outage budgets for the whole topology and per probe, and the
 * look-up that says which limit applies to a probe's direction. */
#include <stdio.h>
#include <string.h>

#include "topo/topo_int.h"

static const char *const expect_keys[] = {"max_outage", "probes", NULL};
static const char *const probe_expect_keys[] = {"max_outage", NULL};
static const char *const dir_keys[] = {"fwd", "rev", "rtt", NULL};

/* A day: longer is no failover budget but a typo (a missing "ms"). */
#define BUDGET_MAX_MS 86400000u

/* `max_outage: D` (every direction) or `max_outage: {fwd: D, rev: D, rtt: D}`. */
static void ld_max_outage(struct ld *l, const struct ynode *v, struct topo_budget *b)
{
	if (v->kind == YNODE_SCALAR) {
		uint32_t ms;
		if (!ld_duration(l, v, "max_outage", BUDGET_MAX_MS, &ms))
			return;
		*b = (struct topo_budget){.set = {true, true, true},
		                          .max_outage_ms = {ms, ms, ms},
		                          .pos = {v->pos, v->pos, v->pos}};
		return;
	}
	if (v->kind != YNODE_MAP) {
		ld_err(l, v->pos,
		       "max_outage is %s; expected a duration (every direction) or a "
		       "mapping such as {fwd: 40, rev: 40, rtt: 40}",
		       ynode_kind_name(v));
		return;
	}
	ld_keys(l, v, "max_outage", dir_keys);
	if (!v->n)
		ld_err(l, v->pos, "max_outage is empty; expected at least one of fwd, rev, rtt");
	for (int d = 0; d < TOPO_BUDGET_NDIR; d++) {
		const struct ynode *x = ymap_get(v, dir_keys[d]);
		char what[32];
		snprintf(what, sizeof(what), "max_outage %s", dir_keys[d]);
		if (x && ld_duration(l, x, what, BUDGET_MAX_MS, &b->max_outage_ms[d])) {
			b->set[d] = true;
			b->pos[d] = x->pos;
		}
	}
}

static void ld_budget(struct ld *l, const struct ynode *v, const char *ctx, const char *const *keys,
                      struct topo_budget *b)
{
	if (!ld_map(l, v, ctx))
		return;
	ld_keys(l, v, ctx, keys);
	const struct ynode *x = ymap_get(v, "max_outage");
	if (x)
		ld_max_outage(l, x, b);
}

void ld_expect(struct ld *l, const struct ynode *v)
{
	struct topo *t = l->t;
	ld_budget(l, v, "expect", expect_keys, &t->expect);
	const struct ynode *probes = ymap_get(v, "probes");
	if (!probes || !ld_map(l, probes, "expect probes"))
		return;
	for (size_t i = 0; i < probes->n; i++) {
		const struct ynode *key = probes->keys[i];
		struct topo_probe *p = NULL;
		for (size_t k = 0; k < t->n_probes; k++)
			if (!strcmp(t->probes[k].name, key->str))
				p = &t->probes[k];
		if (!p) {
			ld_err(l, key->pos,
			       "expect: probe '%s' is not in 'probes'; expected one of "
			       "the topology's probes%s%s",
			       key->str, t->n_probes ? ", e.g. " : " (it has none)",
			       t->n_probes ? t->probes[0].name : "");
			continue;
		}
		char ctx[64];
		snprintf(ctx, sizeof(ctx), "expect for probe '%s'", p->name);
		ld_budget(l, probes->vals[i], ctx, probe_expect_keys, &p->expect);
	}
}

bool topo_budget_get(const struct topo *t, uint32_t probe, int dir, uint32_t *ms)
{
	if (dir < 0 || dir >= TOPO_BUDGET_NDIR)
		return false;
	if (probe < t->n_probes && t->probes[probe].expect.set[dir]) {
		*ms = t->probes[probe].expect.max_outage_ms[dir];
		return true;
	}
	if (t->expect.set[dir]) {
		*ms = t->expect.max_outage_ms[dir];
		return true;
	}
	return false;
}
