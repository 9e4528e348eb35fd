/* The loss model's result as text lines (predict, report) and as JSON
 * (docs/json.md "loss_model"). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/json.h"
#include "timers/loss_model.h"

struct out {
	char *buf;
	size_t len, need;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->need < o->len ? o->buf + o->need : NULL,
	                  o->need < o->len ? o->len - o->need : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->need += (size_t)n;
}

/* p10 / p50 / p90 of a quantile array (levels 0.10, 0.50, 0.90 are indices 2, 4, 6). */
static void put_q(struct out *o, const double q[TIMERS_NQUANT])
{
	if (isnan(q[4]))
		put(o, "-");
	else
		put(o, "p10 %.2f  p50 %.2f  p90 %.2f s", q[2], q[4], q[6]);
}

size_t timers_loss_format(const struct timers_loss_result *r, const char *in, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	static const char *const dn[TIMERS_NDIR] = {"fwd", "rev", "rtt"};
	if (len)
		buf[0] = '\0';
	put(&o,
	    "%spartial loss %g %% for %g s (Monte Carlo: %llu faults, seed %llu; TCP RTO "
	    "%g s + RTT %g s, doubling, at most %g s)\n",
	    in, r->li.p * 100, r->li.duration_s, (unsigned long long)r->li.samples,
	    (unsigned long long)r->li.seed, TIMERS_LOSS_RTO_MIN_S, r->li.rtt_s,
	    TIMERS_LOSS_RTO_MAX_S);
	put(&o, "%s  %-5s %-14s %s\n", in, "mech", "fires within D",
	    "when it first fires (either side)");
	for (int k = 0; k < TIMERS_LOSS_NMECH; k++) {
		const struct timers_loss_mech_stats *m = &r->mech[k];
		put(&o, "%s  %-5s ", in, timers_loss_mech_name((enum timers_loss_mech)k));
		if (!m->configured) {
			put(&o, "%-14s -\n", "not configured");
			continue;
		}
		put(&o, "%6.2f %%       ", m->p_fire * 100);
		put_q(&o, m->q_s);
		put(&o, "\n");
	}
	put(&o,
	    "%s  ends it first: hold %.1f %%, bfd %.1f %%, dpd %.1f %%, none within D %.1f %%; "
	    "likeliest: %s\n",
	    in, r->p_first[TIMERS_LOSS_HOLD] * 100, r->p_first[TIMERS_LOSS_BFD] * 100,
	    r->p_first[TIMERS_LOSS_DPD] * 100, r->p_first[TIMERS_LOSS_NMECH] * 100,
	    r->likeliest == TIMERS_LOSS_NMECH
	        ? "none (the loss is not converted into a failover: traffic keeps flowing "
	          "at 1 - p until the heal)"
	        : timers_loss_mech_name(r->likeliest));
	for (int d = 0; d < TIMERS_NDIR; d++) {
		put(&o, "%s  %s: off the lossy tunnel within D %.1f %% (", in, dn[d],
		    r->p_failover[d] * 100);
		put_q(&o, r->switch_q_s[d]);
		put(&o, "); expected loss-derived time %.3f s (%.3f s without failover)\n",
		    r->loss_derived_s[d], r->loss_derived_nofire_s[d]);
	}
	return o.need;
}

static void quants(struct json *j, const char *key, const double q[TIMERS_NQUANT])
{
	json_key(j, key);
	json_obj_begin(j);
	for (int k = 0; k < TIMERS_NQUANT; k++) {
		char name[8];
		snprintf(name, sizeof(name), "p%d", (int)lround(timers_quantile_levels[k] * 100));
		json_kv_double(j, name, q[k]);
	}
	json_obj_end(j);
}

void timers_loss_json(struct json *j, const struct timers_loss_result *r)
{
	json_obj_begin(j);
	json_kv_double(j, "p", r->li.p);
	json_kv_double(j, "duration_s", r->li.duration_s);
	json_kv_double(j, "rtt_s", r->li.rtt_s);
	json_kv_double(j, "rto_min_s", TIMERS_LOSS_RTO_MIN_S);
	json_kv_double(j, "rto_max_s", TIMERS_LOSS_RTO_MAX_S);
	json_kv_uint(j, "samples", r->li.samples);
	json_kv_uint(j, "seed", r->li.seed);
	json_key(j, "mechanisms");
	json_obj_begin(j);
	for (int k = 0; k < TIMERS_LOSS_NMECH; k++) {
		const struct timers_loss_mech_stats *m = &r->mech[k];
		json_key(j, timers_loss_mech_name((enum timers_loss_mech)k));
		json_obj_begin(j);
		json_kv_bool(j, "configured", m->configured);
		json_kv_double(j, "p_fire", m->p_fire);
		quants(j, "when_s", m->q_s);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_key(j, "first");
	json_obj_begin(j);
	for (int k = 0; k <= TIMERS_LOSS_NMECH; k++)
		json_kv_double(j, timers_loss_mech_name((enum timers_loss_mech)k), r->p_first[k]);
	json_obj_end(j);
	json_kv_str(j, "likeliest", timers_loss_mech_name(r->likeliest));
	json_key(j, "dir");
	json_obj_begin(j);
	for (int d = 0; d < TIMERS_NDIR; d++) {
		json_key(j, timers_dir_name((enum timers_dir)d));
		json_obj_begin(j);
		json_kv_double(j, "p_failover", r->p_failover[d]);
		quants(j, "failover_s", r->switch_q_s[d]);
		json_kv_double(j, "loss_derived_s", r->loss_derived_s[d]);
		json_kv_double(j, "loss_derived_no_failover_s", r->loss_derived_nofire_s[d]);
		json_obj_end(j);
	}
	json_obj_end(j);
	json_obj_end(j);
}

void timers_loss_doc(struct json *j, const char *topology, const char *tunnel, double time_scale,
                     const struct timers_input *in, const struct timers_loss_result *r)
{
	json_obj_begin(j);
	json_kv_str(j, "topology", topology);
	json_kv_str(j, "tunnel", tunnel);
	json_kv_double(j, "time_scale", time_scale);
	json_key(j, "input");
	timers_input_json(j, in);
	json_key(j, "loss_model");
	timers_loss_json(j, r);
	json_obj_end(j);
}
