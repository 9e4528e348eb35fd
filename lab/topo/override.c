/* Mechanism overrides (override.h). Parsed strictly: a spec that `compare` records
 * in a lab's state must mean the same thing when `report` reads it back. */
#include "topo/override.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "topo/topo.h"

#define SPEC_HELP "expected hold, timers:K/H, track, dpd, dpd:D/T/B/N or bfd:INTERVALxMULT"

const char *topo_mech_name(enum topo_mech m)
{
	static const char *const n[] = {"hold", "timers", "track", "dpd", "bfd"};
	return (unsigned)m < sizeof(n) / sizeof(n[0]) ? n[m] : "?";
}

/* One duration of a mechanism spec ("3", "300ms", "1.5s"), up to the next '/' or
 * 'x': topology durations' parser, so a spec means what the same text means in a
 * topology file. Whole milliseconds > 0, at most a day. *s advances. */
static int parse_ms(const char **s, uint32_t *out)
{
	char tok[32];
	size_t n = strcspn(*s, "/x");
	if (n == 0 || n >= sizeof(tok))
		return -1;
	memcpy(tok, *s, n);
	tok[n] = '\0';
	if (topo_duration_parse(tok, 86400000, out) != 0 || *out == 0)
		return -1;
	*s += n;
	return 0;
}

static int bad(const char *spec, const char *why)
{
	return lab_err(LAB_EXIT_USAGE, "mechanism '%s': %s; %s", spec, why, SPEC_HELP);
}

int topo_override_parse(const char *spec, struct topo_override *out)
{
	struct topo_override o = {0};
	size_t len = strlen(spec);
	if (len >= sizeof(o.spec))
		return bad(spec, "too long");
	memcpy(o.spec, spec, len + 1);
	const char *p;
	if (!strcmp(spec, "hold")) {
		o.kind = TOPO_MECH_HOLD;
	} else if (!strcmp(spec, "track")) {
		o.kind = TOPO_MECH_TRACK;
	} else if (!strcmp(spec, "dpd")) {
		o.kind = TOPO_MECH_DPD;
	} else if (!strncmp(spec, "dpd:", 4)) {
		o.kind = TOPO_MECH_DPD;
		p = spec + 4;
		char *end;
		if (parse_ms(&p, &o.dpd_ms) < 0 || *p++ != '/' ||
		    parse_ms(&p, &o.rt_timeout_ms) < 0 || *p++ != '/')
			return bad(spec, "not dpd:DELAY/TIMEOUT/BASE/TRIES");
		o.rt_base = strtod(p, &end);
		if (end == p || *end != '/' || !(o.rt_base >= 1 && o.rt_base <= 10))
			return bad(spec, "retransmit base must be from 1 to 10");
		p = end + 1;
		unsigned long n = strtoul(p, &end, 10);
		if (end == p || *end || n > 64 || !isdigit((unsigned char)*p))
			return bad(spec, "retransmit tries must be 0 to 64");
		o.rt_tries = (uint32_t)n;
		if (o.dpd_ms % 1000)
			return bad(spec, "strongSwan's dpd_delay is whole seconds");
	} else if (!strncmp(spec, "timers:", 7)) {
		o.kind = TOPO_MECH_TIMERS;
		p = spec + 7;
		if (parse_ms(&p, &o.keepalive_ms) < 0 || *p++ != '/' ||
		    parse_ms(&p, &o.hold_ms) < 0 || *p)
			return bad(spec, "not timers:KEEPALIVE/HOLD in seconds");
		if (o.hold_ms < 3000 || o.keepalive_ms * 3ull > o.hold_ms)
			return bad(spec, "RFC 4271 s4.2 asks hold >= 3 s and keepalive <= hold/3");
	} else if (!strncmp(spec, "bfd:", 4)) {
		o.kind = TOPO_MECH_BFD;
		p = spec + 4;
		if (parse_ms(&p, &o.bfd_interval_ms) < 0 || *p++ != 'x')
			return bad(spec, "not bfd:INTERVALxMULT (e.g. bfd:300msx3)");
		char *end;
		unsigned long m = strtoul(p, &end, 10);
		if (end == p || *end || m < 1 || m > 255 || !isdigit((unsigned char)*p))
			return bad(spec, "the detect multiplier must be 1-255 (RFC 5880 s4.1)");
		o.bfd_mult = (uint32_t)m;
		if (o.bfd_interval_ms < 10)
			return bad(spec, "the interval must be at least 10 ms");
	} else {
		return bad(spec, "unknown mechanism");
	}
	*out = o;
	return 0;
}

int topo_override_apply(struct topo *t, const struct topo_override *o)
{
	size_t sessions = 0;
	for (size_t i = 0; i < t->n_nodes; i++) {
		struct topo_bgp *b = t->nodes[i].bgp;
		for (size_t j = 0; b && j < b->n_neighbors; j++) {
			struct topo_bgp_neighbor *nb = &b->neighbors[j];
			if (nb->tunnel == TOPO_NONE)
				continue;
			sessions++;
			switch (o->kind) {
			case TOPO_MECH_HOLD: break;
			case TOPO_MECH_TIMERS:
				nb->timers.keepalive_ms = o->keepalive_ms;
				nb->timers.hold_ms = o->hold_ms;
				break;
			case TOPO_MECH_TRACK:
			case TOPO_MECH_DPD: nb->track_tunnel = true; break;
			case TOPO_MECH_BFD:
				/* What the per-neighbor `bfd: {interval, multiplier}` key sets. */
				nb->bfd.interval_ms = o->bfd_interval_ms;
				nb->bfd.multiplier = o->bfd_mult;
				break;
			}
		}
	}
	if (!sessions)
		return lab_err(LAB_EXIT_USAGE,
		               "mechanism '%s': topology '%s' has no BGP session over a tunnel, "
		               "so no mechanism decides its failover",
		               o->spec, t->name);
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++) {
			struct topo_ike *ike = &t->tunnels[i].end[e].ike;
			if (o->kind == TOPO_MECH_TRACK) {
				ike->dpd_delay_ms = 0; /* SA events only */
			} else if (o->kind == TOPO_MECH_DPD && o->dpd_ms) {
				ike->dpd_delay_ms = o->dpd_ms;
				ike->retransmit_timeout_ms = o->rt_timeout_ms;
				ike->retransmit_base = o->rt_base;
				ike->retransmit_tries = o->rt_tries;
			} else if (o->kind == TOPO_MECH_DPD && !ike->dpd_delay_ms) {
				return lab_err(
				    LAB_EXIT_USAGE,
				    "mechanism 'dpd': tunnel '%s' has no dpd delay; give "
				    "it one (ike: {dpd: 10}) or use dpd:D/T/B/N",
				    t->tunnels[i].name);
			}
		}
	return 0;
}
