/* Closed-form outage windows (derivations in docs/timer-math.md).
 *
 * Every window is [infimum, supremum]: the physical ends are often open (a keepalive
 * cannot be exactly K old), which changes no number a report prints. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "timers/timers_int.h"

static const char *const model_names[] = {"article", "rfc4271", "bird", "lab"};

int timers_variant(const struct timers_input *in, const char *model, struct timers_variant *v,
                   struct timers_input *out)
{
	size_t k;
	for (k = 0; k < sizeof(model_names) / sizeof(model_names[0]); k++)
		if (!strcmp(model, model_names[k]))
			break;
	if (k == sizeof(model_names) / sizeof(model_names[0]))
		return lab_err(LAB_EXIT_USAGE,
		               "unknown model '%s'; expected article, rfc4271, bird or lab", model);
	*out = *in;
	v->kind = (enum timers_model_kind)k;
	v->name = model_names[k];
	v->switch_named = v->kind == TIMERS_MODEL_RFC4271 || v->kind == TIMERS_MODEL_BIRD;
	if (!v->switch_named)
		return 0;
	/* The detection variants answer one question: with the article's own 1 s
	 * switch-over, what does the hold timer alone give? So only the hold timer
	 * detects, and the cloud's delays are the article's switch-over. */
	for (int i = 0; i < 2; i++) {
		struct timers_side *s = &out->side[i];
		s->speaker =
		    v->kind == TIMERS_MODEL_BIRD ? TIMERS_SPEAKER_BIRD : TIMERS_SPEAKER_RFC4271;
		s->track_tunnel = false;
		s->dev_dies_with_charon = false;
		s->dpd_delay_s = 0;
		s->bfd_interval_s = 0;
		s->propagation_s = 0;
		s->programming_s = in->article_switch_s;
		s->wake_max_s = 0;
	}
	return 0;
}

double timers_retransmit_total(const struct timers_ike_retransmit *r)
{
	/* charon sends the request, then retransmits `tries` times, waiting
	 * timeout * base^n before retransmission n+1 and after the last one. */
	double total = 0, t = r->timeout_s;
	for (uint32_t n = 0; n <= r->tries; n++, t *= r->base)
		total += t;
	return total;
}

const struct timers_ike_retransmit *timers_side_retransmit(const struct timers_input *in,
                                                           uint32_t side)
{
	const struct timers_ike_retransmit *r = &in->side[side].retransmit;
	return r->timeout_s > 0 ? r : &in->retransmit;
}

static struct timers_window win(double a, double b)
{
	return (struct timers_window){a, b};
}

static const struct timers_window never = {INFINITY, INFINITY};

/* DPD: charon probes once nothing came in for dpd_delay, measured on a clock that
 * ticks in whole seconds (g), then gives up after the retransmission schedule.
 * The last inbound packet (the peer's KEEPALIVE) is up to `gap` before the fault. */
static struct timers_window dpd_window(const struct timers_input *in, uint32_t side, double gap)
{
	double d = in->side[side].dpd_delay_s, g = in->clock_granularity_s;
	double t = timers_retransmit_total(timers_side_retransmit(in, side));
	double lo = d - g - gap;
	return win((lo > 0 ? lo : 0) + t, d + g + t);
}

struct candidate {
	struct timers_window w;
	enum timers_mechanism m;
};

struct timers_window timers_detection(const struct timers_input *in, uint32_t side,
                                      enum timers_mechanism *mech)
{
	const struct timers_side *s = &in->side[side];
	uint32_t peer = side ^ 1;
	struct timers_session ses;
	struct candidate c[5];
	size_t n = 0;

	timers_negotiate(in, &ses);
	if (in->fault == TIMERS_FAULT_KILL_SPEAKER) {
		/* The crashed speaker's kernel sends FIN/RST over the intact tunnel. */
		*mech = TIMERS_MECH_TCP_CLOSE;
		return win(0, 0);
	}
	/* Hold timer: last restarted by the peer's last KEEPALIVE, which is at most one
	 * keepalive interval old at the fault: expiry in (Hmin - K_peer, H]. */
	if (ses.hold_s > 0 && s->last_rx_known) /* a run's journal gave the age */
		c[n++] = (struct candidate){win(fmax(0, ses.hold_min_s[side] - s->last_rx_age_s),
		                                ses.hold_s - s->last_rx_age_s),
		                            TIMERS_MECH_HOLD};
	else if (ses.hold_s > 0)
		c[n++] = (struct candidate){
		    win(ses.hold_min_s[side] - ses.keepalive_s[peer], ses.hold_s),
		    TIMERS_MECH_HOLD};
	if (s->track_tunnel) {
		bool sa_deleted = in->fault == TIMERS_FAULT_IKE_MISMATCH;
		/* A crashed charon takes its own tunnel events with it. */
		bool blind = in->fault == TIMERS_FAULT_KILL_CHARON && side == in->fault_side;
		double gap = timers_inbound_gap(in, &ses, side);
		if (sa_deleted)
			c[n++] = (struct candidate){win(s->track_latency_s, s->track_latency_s),
			                            TIMERS_MECH_TRACK};
		else if (!blind && s->dpd_delay_s > 0) {
			struct timers_window w = dpd_window(in, side, gap);
			c[n++] = (struct candidate){
			    win(w.min_s + s->track_latency_s, w.max_s + s->track_latency_s),
			    TIMERS_MECH_DPD};
		}
	}
	if (in->fault == TIMERS_FAULT_KILL_CHARON && side == in->fault_side &&
	    s->dev_dies_with_charon)
		/* The TUN goes with charon; the speaker hears it from netlink at once. */
		c[n++] = (struct candidate){win(0, 0), TIMERS_MECH_NEXTHOP};
	if (s->bfd_interval_s > 0 && s->bfd_detect_mult > 0) {
		/* Model: declared down detect_mult x interval after the last packet, which
		 * is at most one interval old. */
		double t = s->bfd_detect_mult * s->bfd_interval_s;
		c[n++] = (struct candidate){win(t - s->bfd_interval_s, t), TIMERS_MECH_BFD};
	}
	if (n == 0) {
		*mech = TIMERS_MECH_NONE;
		return never;
	}
	/* The first mechanism to fire ends detection: min of independent variables. */
	size_t best = 0;
	struct timers_window w = c[0].w;
	for (size_t i = 1; i < n; i++) {
		if (c[i].w.min_s < w.min_s)
			w.min_s = c[i].w.min_s;
		if (c[i].w.max_s < w.max_s) {
			w.max_s = c[i].w.max_s;
			best = i;
		}
	}
	*mech = c[best].m;
	for (size_t i = 0; i < n; i++)
		if (i != best && c[i].w.min_s < w.max_s)
			*mech = TIMERS_MECH_MIXED;
	return w;
}

static void add_part(struct timers_path *p, const char *name, const char *where,
                     struct timers_window w)
{
	if (p->n_parts == TIMERS_MAX_PARTS)
		return;
	struct timers_part *q = &p->parts[p->n_parts++];
	snprintf(q->name, sizeof(q->name), "%s", name);
	snprintf(q->where, sizeof(q->where), "%s", where);
	q->w = w;
	p->w.min_s += w.min_s;
	p->w.max_s += w.max_s;
}

/* Direction whose outage ends when `side` moves its traffic off the tunnel. The
 * probe part is added by the caller (core = everything but the measurement). */
static void core_path(const struct timers_input *in, const struct timers_variant *v, uint32_t side,
                      struct timers_path *p)
{
	const struct timers_side *s = &in->side[side];
	char hop[2 * TIMERS_NAME_MAX + 4];

	memset(p, 0, sizeof(*p));
	struct timers_window det = timers_detection(in, side, &p->mechanism);
	if (in->fault == TIMERS_FAULT_KILL_SPEAKER) {
		add_part(p, "detection", s->gateway, det);
		snprintf(p->note, sizeof(p->note),
		         "data path intact: traffic moves off the tunnel without loss");
		return;
	}
	add_part(p, "detection", s->gateway, det);
	/* Only the hold timer's expiry waits for the wake-up; mixed bounds it. */
	if (s->wake_max_s > 0 &&
	    (p->mechanism == TIMERS_MECH_HOLD || p->mechanism == TIMERS_MECH_MIXED))
		add_part(p, "wake", s->gateway, win(0, s->wake_max_s));
	if (v->switch_named) {
		add_part(p, "switch", "", win(s->programming_s, s->programming_s));
	} else {
		snprintf(hop, sizeof(hop), "%s->%s", s->gateway, s->router);
		add_part(p, "propagation", hop, win(s->propagation_s, s->propagation_s));
		add_part(p, "programming", s->router, win(s->programming_s, s->programming_s));
	}
	if (p->mechanism == TIMERS_MECH_NONE)
		snprintf(p->note, sizeof(p->note),
		         "never detected: hold time 0 and no tracking, DPD or BFD");
}

static void finish(const struct timers_input *in, struct timers_path *p)
{
	if (in->fault == TIMERS_FAULT_KILL_SPEAKER)
		return; /* nothing lost, nothing to resolve */
	add_part(p, "probe-resolution", "", win(0, timers_probe_span(in)));
	if (!in->alternate_path) {
		p->w = never;
		snprintf(p->note, sizeof(p->note),
		         "no alternate path: the outage lasts until the fault is healed");
	}
}

static void article_model(const struct timers_input *in, struct timers_model *m)
{
	struct timers_session ses;
	timers_negotiate(in, &ses);
	double k =
	    ses.keepalive_s[0] > ses.keepalive_s[1] ? ses.keepalive_s[0] : ses.keepalive_s[1];
	for (int d = 0; d < TIMERS_NDIR; d++) {
		struct timers_path *p = &m->dir[d];
		memset(p, 0, sizeof(*p));
		p->mechanism = TIMERS_MECH_HOLD;
		add_part(p, "keepalive", "", win(in->article_k_min_s, k));
		add_part(p, "hold", "", win(ses.hold_s, ses.hold_s));
		add_part(p, "switch", "", win(in->article_switch_s, in->article_switch_s));
		if (ses.hold_s == 0) {
			p->w = never;
			p->mechanism = TIMERS_MECH_NONE;
			snprintf(p->note, sizeof(p->note), "hold time 0: the formula has no end");
		}
	}
	snprintf(m->summary, sizeof(m->summary),
	         "the article's formula: keepalive %g-%g s + hold %g s + switch-over %g s",
	         in->article_k_min_s, k, ses.hold_s, in->article_switch_s);
}

static void mechanism_model(const struct timers_input *in, const struct timers_variant *v,
                            struct timers_model *m)
{
	struct timers_path *f = &m->dir[TIMERS_FWD], *r = &m->dir[TIMERS_REV],
	                   *rt = &m->dir[TIMERS_RTT];

	core_path(in, v, 0, f);
	core_path(in, v, 1, r);
	/* A ping needs both directions: its outage is the slower one. */
	memset(rt, 0, sizeof(*rt));
	struct timers_window w = {fmax(f->w.min_s, r->w.min_s), fmax(f->w.max_s, r->w.max_s)};
	const char *who = f->w.min_s >= r->w.max_s   ? "fwd"
	                  : r->w.min_s >= f->w.max_s ? "rev"
	                                             : "fwd|rev";
	add_part(rt, "slower-direction", who, w);
	rt->mechanism = f->mechanism == r->mechanism ? f->mechanism : TIMERS_MECH_MIXED;
	if (f->note[0])
		snprintf(rt->note, sizeof(rt->note), "%s", f->note);
	else if (r->note[0])
		snprintf(rt->note, sizeof(rt->note), "%s", r->note);
	if (in->fault == TIMERS_FAULT_KILL_SPEAKER)
		rt->parts[0].where[0] = '\0';
	finish(in, f);
	finish(in, r);
	finish(in, rt);

	struct timers_session ses;
	timers_negotiate(in, &ses);
	switch (v->kind) {
	case TIMERS_MODEL_RFC4271:
		snprintf(m->summary, sizeof(m->summary),
		         "RFC 4271 exact on both speakers: a silent peer is detected in "
		         "(H-K, H] = (%g, %g] s, + switch-over %g s",
		         ses.hold_s - ses.keepalive_s[1], ses.hold_s, in->article_switch_s);
		break;
	case TIMERS_MODEL_BIRD:
		snprintf(m->summary, sizeof(m->summary),
		         "BIRD on both speakers (hold timer jittered): detected in "
		         "(0.75H-K, H] = (%g, %g] s, + switch-over %g s",
		         ses.hold_min_s[0] - ses.keepalive_s[1], ses.hold_s, in->article_switch_s);
		break;
	default:
		snprintf(
		    m->summary, sizeof(m->summary),
		    "as configured: %s on %s, %s on %s, fault %s, route programming at %s and %s",
		    timers_speaker_name(in->side[0].speaker), in->side[0].gateway,
		    timers_speaker_name(in->side[1].speaker), in->side[1].gateway,
		    timers_fault_name(in->fault), in->side[0].router, in->side[1].router);
		break;
	}
}

int timers_predict(const struct timers_input *in, struct timers_prediction *out)
{
	if (timers_input_check(in) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	timers_negotiate(in, &out->session);
	for (size_t k = 0; k < sizeof(model_names) / sizeof(model_names[0]); k++) {
		struct timers_variant v;
		struct timers_input mi;
		struct timers_model *m = &out->models[out->n_models++];
		if (timers_variant(in, model_names[k], &v, &mi) < 0)
			return -1;
		snprintf(m->name, sizeof(m->name), "%s", v.name);
		if (v.kind == TIMERS_MODEL_ARTICLE)
			article_model(&mi, m);
		else
			mechanism_model(&mi, &v, m);
	}
	return 0;
}

const struct timers_model *timers_find_model(const struct timers_prediction *p, const char *name)
{
	for (size_t i = 0; i < p->n_models; i++)
		if (!strcmp(p->models[i].name, name))
			return &p->models[i];
	return NULL;
}
