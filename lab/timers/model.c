/* Scenario defaults, validation, names, BGP timer negotiation and time scaling. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "timers/article.h"
#include "timers/timers.h"

static void side_defaults(struct timers_side *s, const char *gw, const char *router,
                          enum timers_speaker sp, double k, double h)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->gateway, sizeof(s->gateway), "%s", gw);
	snprintf(s->router, sizeof(s->router), "%s", router);
	s->speaker = sp;
	s->keepalive_s = k;
	s->hold_s = h;
	s->bfd_detect_mult = 3;
}

void timers_input_article(struct timers_input *in)
{
	memset(in, 0, sizeof(*in));
	side_defaults(&in->side[0], "ali-vpn0", "ali-tr", TIMERS_SPEAKER_RFC4271, 10, 30);
	side_defaults(&in->side[1], "azure-vpn0", "azure-hub", TIMERS_SPEAKER_BIRD, 60, 180);
	in->fault = TIMERS_FAULT_IKE_MISMATCH;
	in->alternate_path = true;
	in->probe_interval_s = 0.1;
	in->clock_granularity_s = 1.0;
	/* strongSwan's defaults (charon.retransmit_timeout/base/tries). */
	in->retransmit.timeout_s = 4.0;
	in->retransmit.base = 1.8;
	in->retransmit.tries = 5;
	in->article_k_min_s = timers_article.k_min_s;
	in->article_switch_s = timers_article.switch_s;
}

static int bad_time(double v)
{
	return !isfinite(v) || v < 0;
}

int timers_input_check(const struct timers_input *in)
{
	for (int i = 0; i < 2; i++) {
		const struct timers_side *s = &in->side[i];
		const double t[] = {s->keepalive_s,   s->hold_s,         s->track_latency_s,
		                    s->dpd_delay_s,   s->bfd_interval_s, s->propagation_s,
		                    s->programming_s, s->wake_max_s};
		for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
			if (bad_time(t[k]))
				return lab_err(LAB_EXIT_USAGE,
				               "side %d (%s): times must be finite and >= 0", i,
				               s->gateway);
		/* RFC 4271 s4.2: a hold time of 1 or 2 s must be rejected. */
		if (s->hold_s != 0 && s->hold_s < 3)
			return lab_err(LAB_EXIT_USAGE,
			               "side %d (%s): hold time %g s: must be 0 or at least 3 s "
			               "(RFC 4271 section 4.2)",
			               i, s->gateway, s->hold_s);
		if (s->hold_s != 0 && s->keepalive_s > s->hold_s)
			return lab_err(LAB_EXIT_USAGE,
			               "side %d (%s): keepalive %g s exceeds hold %g s", i,
			               s->gateway, s->keepalive_s, s->hold_s);
		if (s->last_rx_known &&
		    (bad_time(s->last_rx_age_s) || (s->hold_s > 0 && s->last_rx_age_s > s->hold_s)))
			return lab_err(
			    LAB_EXIT_USAGE,
			    "side %d (%s): last KEEPALIVE %g s old at the fault: must be "
			    ">= 0 and within the hold time %g s (else the session was "
			    "already down)",
			    i, s->gateway, s->last_rx_age_s, s->hold_s);
		if (s->bfd_interval_s > 0 && s->bfd_detect_mult == 0)
			return lab_err(LAB_EXIT_USAGE, "side %d (%s): BFD detect multiplier 0", i,
			               s->gateway);
	}
	if (in->fault_side > 1)
		return lab_err(LAB_EXIT_USAGE, "fault side %u: must be 0 or 1", in->fault_side);
	if (bad_time(in->probe_interval_s) || bad_time(in->clock_granularity_s) ||
	    bad_time(in->article_k_min_s) || bad_time(in->article_switch_s) ||
	    bad_time(in->retransmit.timeout_s) || !isfinite(in->retransmit.base) ||
	    in->retransmit.base < 1 || in->retransmit.tries > 64)
		return lab_err(
		    LAB_EXIT_USAGE,
		    "probe interval, clock granularity, article terms and the "
		    "retransmit schedule must be finite and >= 0 (base >= 1, tries <= 64)");
	return 0;
}

static int check_scale(double f)
{
	if (!(f > 0 && f <= 1))
		return lab_err(LAB_EXIT_USAGE,
		               "time scale %g is outside (0, 1]; expected e.g. 0.1 for timers ten "
		               "times shorter",
		               f);
	return 0;
}

/* Whole seconds (OPEN carries the hold time in seconds; BIRD and strongSwan take
 * seconds), never below `floor_s`. */
static double whole_seconds(double v, double floor_s)
{
	double r = round(v);
	return r < floor_s ? floor_s : r;
}

static double ms(double v)
{
	return round(v * 1000) / 1000;
}

int timers_input_scale_model(struct timers_input *in, double f)
{
	if (check_scale(f) < 0)
		return -1;
	in->retransmit.timeout_s = ms(in->retransmit.timeout_s * f);
	for (int i = 0; i < 2; i++)
		in->side[i].retransmit.timeout_s = ms(in->side[i].retransmit.timeout_s * f);
	in->article_k_min_s = ms(in->article_k_min_s * f);
	in->article_switch_s = ms(in->article_switch_s * f);
	return 0;
}

int timers_input_scale(struct timers_input *in, double f)
{
	if (check_scale(f) < 0)
		return -1;
	if (f == 1)
		return 0;
	for (int i = 0; i < 2; i++) {
		struct timers_side *s = &in->side[i];
		if (s->hold_s != 0) {
			s->hold_s = whole_seconds(s->hold_s * f, 3);
			s->keepalive_s = whole_seconds(s->keepalive_s * f, 1);
			double k_max = floor(s->hold_s / 3);
			if (s->keepalive_s > k_max)
				s->keepalive_s = k_max;
		}
		if (s->dpd_delay_s > 0)
			s->dpd_delay_s = whole_seconds(s->dpd_delay_s * f, 1);
		s->track_latency_s = ms(s->track_latency_s * f);
		s->bfd_interval_s = ms(s->bfd_interval_s * f);
		s->propagation_s = ms(s->propagation_s * f);
		s->programming_s = ms(s->programming_s * f);
	}
	return timers_input_scale_model(in, f);
}

/* What interval a side sends KEEPALIVEs at once the session runs with hold h. */
static double keepalive_of(const struct timers_side *s, double h)
{
	if (h == 0)
		return 0; /* RFC 4271 s4.4: no KEEPALIVEs when the hold time is zero */
	if (s->speaker == TIMERS_SPEAKER_BIRD) {
		/* BIRD scales its configured keepalive by negotiated/configured hold and
		 * never goes below 1 s (docs/reference.md: 60/180 against 10/30 gives 10/30).
		 * Whole milliseconds, as our scaled configurations are. */
		double k = s->keepalive_s > 0 ? floor(s->keepalive_s * h / s->hold_s * 1000) / 1000
		                              : h / 3;
		return k < 1 ? 1 : k;
	}
	double k = h / 3;
	if (s->keepalive_s > 0 && s->keepalive_s < k)
		k = s->keepalive_s;
	return k;
}

void timers_negotiate(const struct timers_input *in, struct timers_session *s)
{
	double h0 = in->side[0].hold_s, h1 = in->side[1].hold_s;
	memset(s, 0, sizeof(*s));
	/* RFC 4271 s4.2: the smaller of both OPENs; either being 0 makes it 0. */
	s->hold_s = h0 < h1 ? h0 : h1;
	for (int i = 0; i < 2; i++) {
		s->keepalive_s[i] = keepalive_of(&in->side[i], s->hold_s);
		/* BIRD restarts its hold timer with up to 25 % jitter (bgp_start_timer). */
		s->hold_min_s[i] =
		    in->side[i].speaker == TIMERS_SPEAKER_BIRD ? 0.75 * s->hold_s : s->hold_s;
	}
}

static const char *const fault_names[] = {
    [TIMERS_FAULT_IKE_MISMATCH] = "ike-mismatch", [TIMERS_FAULT_BLACKHOLE] = "blackhole",
    [TIMERS_FAULT_LINK_DOWN] = "link-down",       [TIMERS_FAULT_KILL_CHARON] = "kill-charon",
    [TIMERS_FAULT_KILL_SPEAKER] = "kill-speaker",
};

const char *timers_fault_name(enum timers_fault f)
{
	return (unsigned)f < sizeof(fault_names) / sizeof(fault_names[0]) ? fault_names[f] : "?";
}

int timers_fault_parse(const char *s, enum timers_fault *out)
{
	for (size_t i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++)
		if (!strcmp(s, fault_names[i])) {
			*out = (enum timers_fault)i;
			return 0;
		}
	if (!strcmp(s, "kill-bgp") || !strcmp(s, "kill-bird")) {
		*out = TIMERS_FAULT_KILL_SPEAKER;
		return 0;
	}
	if (!strcmp(s, "kill"))
		return lab_err(LAB_EXIT_USAGE, "fault 'kill': name what dies: kill-charon or "
		                               "kill-speaker (kill-bgp, kill-bird)");
	if (!strncmp(s, "loss", 4))
		return lab_err(
		    LAB_EXIT_USAGE,
		    "fault '%s' degrades a tunnel without breaking it: it has no outage "
		    "window; `labctl predict TOPOLOGY --fault loss:P` gives its own model "
		    "(which mechanism fires, when, the loss-derived time)",
		    s);
	if (!strcmp(s, "delay"))
		return lab_err(
		    LAB_EXIT_USAGE,
		    "fault '%s' degrades a tunnel without breaking it: the timer model "
		    "has no outage window for it; use ike-mismatch, blackhole, link-down, "
		    "kill-charon or kill-speaker",
		    s);
	return lab_err(LAB_EXIT_USAGE,
	               "unknown fault '%s'; expected ike-mismatch, blackhole, link-down, "
	               "kill-charon or kill-speaker",
	               s);
}

const char *timers_speaker_name(enum timers_speaker s)
{
	return s == TIMERS_SPEAKER_BIRD ? "bird" : "rfc4271";
}

const char *timers_mechanism_name(enum timers_mechanism m)
{
	switch (m) {
	case TIMERS_MECH_NONE: return "none";
	case TIMERS_MECH_HOLD: return "hold-timer";
	case TIMERS_MECH_TRACK: return "tunnel-tracking";
	case TIMERS_MECH_DPD: return "dpd";
	case TIMERS_MECH_BFD: return "bfd-model";
	case TIMERS_MECH_TCP_CLOSE: return "tcp-close";
	case TIMERS_MECH_MIXED: return "mixed";
	case TIMERS_MECH_NEXTHOP: return "nexthop-unreachable";
	}
	return "?";
}

const char *timers_dir_name(enum timers_dir d)
{
	switch (d) {
	case TIMERS_FWD: return "fwd";
	case TIMERS_REV: return "rev";
	case TIMERS_RTT: return "rtt";
	case TIMERS_NDIR: break;
	}
	return "?";
}
