/* The DPD keys of an `ike` mapping: the retransmission schedule that decides when a
 * silent peer is dead, and what charon does then. strongSwan keeps the schedule in
 * strongswan.conf (charon.retransmit_timeout/base/tries), i.e. per charon and so
 * per gateway node here, while the topology writes it per tunnel end, beside `dpd`,
 * where a cloud documents it: ld_retransmit_agree() holds the two views together. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_int.h"

#define RETRANSMIT_TIMEOUT_MAX_MS (3600u * 1000u)
#define RETRANSMIT_TRIES_MAX 64u

void ld_ike_dpd(struct ld *l, const struct ynode *v, struct topo_ike *ike)
{
	const struct ynode *x;
	if ((x = ymap_get(v, "retransmit_timeout")) &&
	    ld_duration(l, x, "retransmit_timeout", RETRANSMIT_TIMEOUT_MAX_MS,
	                &ike->retransmit_timeout_ms) &&
	    ike->retransmit_timeout_ms < 100) {
		ld_err(l, x->pos,
		       "retransmit_timeout %u ms is below 100 ms; expected e.g. 4s "
		       "(strongSwan's default)",
		       ike->retransmit_timeout_ms);
		ike->retransmit_timeout_ms = 4000;
	}
	if ((x = ymap_get(v, "retransmit_base"))) {
		char buf[32], *end;
		if (ld_str(l, x, "retransmit_base", buf, sizeof(buf))) {
			double b = strtod(buf, &end);
			if (*end || end == buf || !isfinite(b) || b < 1.0 || b > 10.0)
				ld_err(l, x->pos,
				       "retransmit_base '%s'; expected a number from 1 to "
				       "10 (1.8 is strongSwan's default, 1 a fixed interval)",
				       buf);
			else
				ike->retransmit_base = b;
		}
	}
	if ((x = ymap_get(v, "retransmit_tries")))
		ld_u32(l, x, "retransmit_tries", 0, RETRANSMIT_TRIES_MAX, &ike->retransmit_tries);
	if ((x = ymap_get(v, "dpd_action"))) {
		char buf[16];
		if (!ld_str(l, x, "dpd_action", buf, sizeof(buf)))
			return;
		if (!strcmp(buf, "clear"))
			ike->dpd_action = TOPO_DPD_ACTION_CLEAR;
		else if (!strcmp(buf, "restart"))
			ike->dpd_action = TOPO_DPD_ACTION_RESTART;
		else
			ld_err(l, x->pos, "dpd_action '%s'; expected clear or restart", buf);
	}
}

static bool same_schedule(const struct topo_ike *a, const struct topo_ike *b)
{
	return a->retransmit_timeout_ms == b->retransmit_timeout_ms &&
	       a->retransmit_base == b->retransmit_base &&
	       a->retransmit_tries == b->retransmit_tries;
}

void ld_retransmit_agree(struct ld *l)
{
	const struct topo *t = l->t;
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++) {
			const struct topo_tunnel_end *a = &t->tunnels[i].end[e];
			if (a->node == TOPO_NONE)
				continue;
			for (size_t j = 0; j <= i; j++)
				for (int f = 0; f < 2; f++) {
					const struct topo_tunnel_end *b = &t->tunnels[j].end[f];
					if ((j == i && f >= e) || b->node != a->node ||
					    same_schedule(&a->ike, &b->ike))
						continue;
					ld_err(l, t->tunnels[i].pos,
					       "tunnel '%s' and tunnel '%s' end on node '%s' with "
					       "different retransmit_* settings; charon has one "
					       "schedule per node (charon.retransmit_*): give both "
					       "the "
					       "same",
					       t->tunnels[i].name, t->tunnels[j].name,
					       t->nodes[a->node].name);
					return;
				}
		}
}
