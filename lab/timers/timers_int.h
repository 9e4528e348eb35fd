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

/* ---- montecarlo.c: the simulator as an iterator, one fault per draw ---- */

struct timers_rng {
	uint64_t s[4];
};

/* The simulator's generator, for the other Monte Carlos (loss_model.c): seeded by
 * splitmix64, the same sequence everywhere for a seed. */
void timers_rng_seed(struct timers_rng *r, uint64_t seed);
double timers_rng_unit(struct timers_rng *r); /* uniform in [0, 1) */

struct timers_mc {
	struct timers_variant v;
	struct timers_input mi; /* the scenario the model runs */
	struct timers_session ses;
	struct timers_rng rng;
	double k, warm;
};

/* One simulated fault, kept apart from the measurement so that a fit can add a
 * delay to each direction and measure again without drawing anew. */
struct timers_mc_draw {
	double fault_s, phase_s; /* fault instant and the probe grid's phase */
	double t_s[2];           /* side s stops sending into the tunnel t_s after the
	                          * fault (detection + wake + propagation + programming) */
};

int timers_mc_begin(struct timers_mc *mc, const struct timers_input *in, const char *model,
                    uint64_t seed);
void timers_mc_next(struct timers_mc *mc, struct timers_mc_draw *dr);
/* The outage the probes measure for direction d with add[s] more delay at side s's
 * router (add may be NULL); INFINITY when it never ends. */
double timers_mc_outage(const struct timers_mc *mc, const struct timers_mc_draw *dr,
                        const double add[2], enum timers_dir d);

#endif
