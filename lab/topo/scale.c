/* --time-scale: the same scenario with shorter timers. */
#include <math.h>

#include "common/err.h"
#include "topo/topo.h"

static uint32_t scaled(uint32_t ms, double f)
{
	return (uint32_t)llround((double)ms * f);
}

/* Scaled and rounded to whole seconds, at least 1 s. */
static uint32_t whole_s(uint32_t ms, double f)
{
	uint32_t v = (uint32_t)llround((double)ms * f / 1000.0) * 1000;
	return v < 1000 ? 1000 : v;
}

/* RFC 4271 s4.2: hold 0 or >= 3 s, carried in whole seconds; s10: keepalive about
 * hold/3 and it can only be sent in whole seconds by BIRD. */
static void scale_timers(struct topo_bgp_timers *tm, double f)
{
	if (tm->hold_ms) {
		uint32_t h = (uint32_t)llround((double)tm->hold_ms * f / 1000.0) * 1000;
		tm->hold_ms = h < 3000 ? 3000 : h;
		uint32_t k = (uint32_t)llround((double)tm->keepalive_ms * f / 1000.0) * 1000;
		if (k < 1000)
			k = 1000;
		if (k > tm->hold_ms / 3000 * 1000)
			k = tm->hold_ms / 3000 * 1000;
		tm->keepalive_ms = k;
	}
	/* BIRD takes connect retry in whole seconds too */
	if (tm->connect_retry_ms >= 1000)
		tm->connect_retry_ms = whole_s(tm->connect_retry_ms, f);
}

int topo_apply_time_scale(struct topo *t, double f)
{
	if (!(f > 0.0 && f <= 1.0))
		return lab_err(LAB_EXIT_USAGE,
		               "time scale %g is outside (0, 1]; expected e.g. 0.1 for timers ten "
		               "times shorter",
		               f);
	if (f == 1.0)
		return 0;
	scale_timers(&t->defaults.bgp_timers, f);
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct topo_bgp *b = t->nodes[i].bgp;
		if (!b)
			continue;
		scale_timers(&b->timers, f);
		b->route_programming_delay_ms = scaled(b->route_programming_delay_ms, f);
		/* BIRD's error wait is whole seconds */
		if (b->error_wait_ms >= 1000)
			b->error_wait_ms = whole_s(b->error_wait_ms, f);
		for (size_t j = 0; j < b->n_neighbors; j++) {
			struct topo_bfd *bfd = &b->neighbors[j].bfd;
			scale_timers(&b->neighbors[j].timers, f);
			/* BFD intervals are ms on both speakers; the lab's floor holds */
			if (bfd->interval_ms) {
				bfd->interval_ms = scaled(bfd->interval_ms, f);
				if (bfd->interval_ms < TOPO_BFD_MIN_INTERVAL_MS)
					bfd->interval_ms = TOPO_BFD_MIN_INTERVAL_MS;
			}
		}
	}
	/* A budget is for the scenario at full scale: the same outage at scale f is
	 * judged against f times it. */
	for (int d = 0; d < TOPO_BUDGET_NDIR; d++) {
		t->expect.max_outage_ms[d] = scaled(t->expect.max_outage_ms[d], f);
		for (size_t i = 0; i < t->n_probes; i++)
			t->probes[i].expect.max_outage_ms[d] =
			    scaled(t->probes[i].expect.max_outage_ms[d], f);
	}
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++) {
			struct topo_ike *ike = &t->tunnels[i].end[e].ike;
			if (ike->dpd_delay_ms) /* strongSwan's dpd_delay: whole seconds */
				ike->dpd_delay_ms = whole_s(ike->dpd_delay_ms, f);
		}
	return 0;
}
