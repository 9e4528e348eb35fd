/* The reversion window (reversion.h): heal -> both tunnels carry traffic again. */
#include "timers/reversion.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "topo/model.h"

static void part(struct timers_reversion *r, const char *name, const char *where, double lo,
                 double hi)
{
	if (r->n_parts == TIMERS_MAX_PARTS)
		return;
	struct timers_part *p = &r->parts[r->n_parts++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->where, sizeof(p->where), "%s", where);
	p->w = (struct timers_window){lo, hi};
	r->w.min_s += lo;
	r->w.max_s += hi;
}

/* The latest a side's next attempt can come once it may connect: a whole retry
 * period (its phase at the heal is unknown); BIRD's first attempt after its error
 * wait comes after its connect delay, so the longer of the two. INFINITY when it
 * never connects. */
static double attempt_max(const struct timers_reversion_side *s)
{
	if (s->passive)
		return INFINITY;
	if (s->speaker == TIMERS_SPEAKER_BIRD)
		return fmax(s->connect_delay_s, s->connect_retry_s);
	return s->connect_retry_s;
}

int timers_reversion_predict(const struct timers_reversion_input *in, struct timers_reversion *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 2; i++) {
		const struct timers_reversion_side *s = &in->side[i];
		if (!isfinite(s->connect_retry_s) || s->connect_retry_s <= 0 ||
		    !isfinite(s->programming_s) || s->programming_s < 0 || s->error_wait_max_s < 0)
			return lab_err(LAB_EXIT_USAGE,
			               "reversion: side %d (%s): connect retry must "
			               "be > 0 and delays >= 0",
			               i, s->gateway);
	}
	double ike = in->ike_max_s > 0 ? in->ike_max_s : TIMERS_REVERSION_IKE_MAX_S;
	/* BIRD refuses every connection during its error wait (it closes ours at
	 * once), so the session waits for the later of the tunnel and the error wait;
	 * how much of the wait is left at the heal depends on when the error was,
	 * so anything from none to all of it. */
	double ew = 0;
	const char *ew_who = "";
	for (int i = 0; in->session_lost && i < 2; i++)
		if (in->side[i].speaker == TIMERS_SPEAKER_BIRD &&
		    in->side[i].error_wait_max_s > ew) {
			ew = in->side[i].error_wait_max_s;
			ew_who = in->side[i].gateway;
		}
	if (ew > ike)
		part(out, "ike|error-wait", ew_who, 0, ew);
	else
		part(out, "ike", "", 0, ike);
	if (in->session_lost) {
		double a0 = attempt_max(&in->side[0]), a1 = attempt_max(&in->side[1]);
		double first = fmin(a0, a1);
		const char *who = a0 <= a1 ? in->side[0].gateway : in->side[1].gateway;
		part(out, "bgp-reconnect", who, 0, first);
		if (!isfinite(first))
			snprintf(out->note, sizeof(out->note),
			         "both ends passive: the session never comes back");
	}
	double p = fmax(in->side[0].programming_s, in->side[1].programming_s);
	const char *slow = in->side[0].programming_s >= in->side[1].programming_s
	                       ? in->side[0].router
	                       : in->side[1].router;
	if (in->session_lost)
		part(out, "programming", slow, p, p);
	else if (!out->note[0])
		snprintf(out->note, sizeof(out->note),
		         "the session stayed up: the routes never left, only the tunnel returns");
	part(out, "probe-resolution", "", 0, 2 * in->probe_interval_s);
	return 0;
}

static const struct topo_bgp_neighbor *session(const struct topo_bgp *b, uint32_t tunnel)
{
	for (size_t i = 0; i < b->n_neighbors; i++)
		if (b->neighbors[i].tunnel == tunnel)
			return &b->neighbors[i];
	return NULL;
}

int timers_reversion_from_topo(const struct topo *t, uint32_t tunnel, const struct timers_input *in,
                               struct timers_reversion_input *out)
{
	memset(out, 0, sizeof(*out));
	if (tunnel >= t->n_tunnels)
		return lab_err(LAB_EXIT_USAGE, "reversion: no tunnel %u", tunnel);
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	for (int i = 0; i < 2; i++) {
		struct timers_reversion_side *s = &out->side[i];
		const struct timers_side *is = &in->side[i];
		uint32_t gw = TOPO_NONE;
		for (int e = 0; e < 2; e++)
			if (!strcmp(t->nodes[tun->end[e].node].name, is->gateway))
				gw = tun->end[e].node;
		if (gw == TOPO_NONE || !t->nodes[gw].bgp)
			return lab_err(LAB_EXIT_USAGE, "reversion: %s is not a BGP gateway of %s",
			               is->gateway, tun->name);
		const struct topo_bgp *b = t->nodes[gw].bgp;
		const struct topo_bgp_neighbor *nb = session(b, tunnel);
		snprintf(s->gateway, sizeof(s->gateway), "%s", is->gateway);
		snprintf(s->router, sizeof(s->router), "%s", is->router);
		s->speaker = is->speaker;
		s->passive = nb && nb->passive;
		/* lab/bgp_svc/speaker_conf.c: 5 s when a topology leaves it unset; BIRD
		 * takes whole seconds, at least 1. */
		uint32_t cr =
		    nb && nb->timers.connect_retry_ms ? nb->timers.connect_retry_ms : 5000;
		s->connect_retry_s = cr / 1000.0;
		if (s->speaker == TIMERS_SPEAKER_BIRD) {
			s->connect_retry_s = fmax(1, round(s->connect_retry_s));
			/* speaker_conf.c: `error wait time EW, 2 EW` (EW default 1 s);
			 * `connect delay time 1` */
			double ew =
			    fmax(1, round((b->error_wait_ms ? b->error_wait_ms : 1000) / 1000.0));
			s->error_wait_max_s = 2 * ew;
			s->connect_delay_s = 1;
		}
		s->programming_s = is->programming_s;
	}
	out->probe_interval_s = in->probe_interval_s;
	out->session_lost = true;
	return 0;
}

void timers_reversion_json(struct json *j, const struct timers_reversion *r)
{
	json_obj_begin(j);
	json_key(j, "window");
	json_obj_begin(j);
	timers_window_json(j, &r->w);
	json_obj_end(j);
	json_key(j, "parts");
	json_arr_begin(j);
	for (size_t i = 0; i < r->n_parts; i++) {
		json_obj_begin(j);
		json_kv_str(j, "name", r->parts[i].name);
		json_kv_str(j, "where", r->parts[i].where);
		json_key(j, "window");
		json_obj_begin(j);
		timers_window_json(j, &r->parts[i].w);
		json_obj_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kv_str(j, "note", r->note);
	json_obj_end(j);
}
