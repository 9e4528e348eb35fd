/* Shared between the closed form and the simulator: which scenario each model runs. */
#ifndef LAB_TIMERS_INTERNAL_H
#define LAB_TIMERS_INTERNAL_H

#include "timers/timers.h"

enum timers_model_kind {
	TIMERS_MODEL_ARTICLE, /* the article's formula, not a mechanism */
	TIMERS_MODEL_RFC4271, /* both speakers RFC 4271 exact, hold timer only, switch */
	TIMERS_MODEL_BIRD,    /* both speakers BIRD, hold timer only, switch */
	TIMERS_MODEL_LAB,     /* the input as configured */
};

struct timers_variant {
	enum timers_model_kind kind;
	const char *name;
	/* The article's "route switch-over" replaces propagation + programming. */
	bool switch_named;
};

/* Resolves a model name and derives the scenario it runs from the lab's input.
 * 0 or -1 + lab_err(2) for an unknown name. */
int timers_variant(const struct timers_input *in, const char *model, struct timers_variant *v,
		   struct timers_input *out);

/* The probe resolution part: measured outage lies in (T, T + 2I). */
static inline double timers_probe_span(const struct timers_input *in)
{
	return 2 * in->probe_interval_s;
}

/* Longest silence on the tunnel before the fault, as charon's DPD sees it: the peer's
 * KEEPALIVEs, else the probes, else DPD's own exchanges. */
static inline double timers_inbound_gap(const struct timers_input *in,
					const struct timers_session *ses, uint32_t side)
{
	if (ses->keepalive_s[side ^ 1] > 0)
		return ses->keepalive_s[side ^ 1];
	if (in->probe_interval_s > 0)
		return in->probe_interval_s;
	return in->side[side].dpd_delay_s;
}

#endif
