/* Mechanism overrides: one failure-detection mechanism applied to a loaded topology
 * in memory, so that `labctl compare` can bring up variants of one topology file
 * that differ only in how a dead tunnel is detected. `up --override SPEC` applies
 * one and records it in the lab's state; lab_view applies the recorded ones again
 * when it loads the lab's topology, so `report` rebuilds every run of a variant
 * from the lab alone (docs/mechanisms.md).
 *
 * SPEC (times in real time, before --time-scale):
 *   hold          nothing changes: the hold timer as configured
 *   timers:K/H    every session over a tunnel: keepalive K, hold H (seconds)
 *   track         every session over a tunnel: track_tunnel on; DPD off (SA events only)
 *   dpd           track_tunnel on; DPD with the topology's delay and schedule
 *   dpd:D/T/B/N   ... with DPD delay D s and charon.retransmit_timeout T s, base B,
 *                 tries N on every tunnel end (dpd:10/10/1/2: AWS's 10 s probes,
 *                 dead 30 s after the first unanswered one)
 *   bfd:IxM       BFD on every session over a tunnel: interval I (e.g. 300ms), M
 *                 (sets the neighbor's `bfd` key; refused by a build without it) */
#ifndef LAB_TOPO_OVERRIDE_H
#define LAB_TOPO_OVERRIDE_H

#include <stdint.h>

#include "topo/model.h"

/* The mechanisms `labctl compare` runs by default. */
#define TOPO_DEFAULT_MECHS "hold,timers:3/9,track,dpd,bfd:300msx3"

enum topo_mech { TOPO_MECH_HOLD, TOPO_MECH_TIMERS, TOPO_MECH_TRACK, TOPO_MECH_DPD, TOPO_MECH_BFD };

#define TOPO_OVERRIDE_MAX 48

struct topo_override {
	enum topo_mech kind;
	char spec[TOPO_OVERRIDE_MAX];             /* as given (validated), for state and reports */
	uint32_t keepalive_ms, hold_ms;           /* timers */
	uint32_t dpd_ms, rt_timeout_ms, rt_tries; /* dpd with a schedule (dpd_ms 0: topology's) */
	double rt_base;
	uint32_t bfd_interval_ms, bfd_mult; /* bfd */
};

/* 0, or -1 with lab_err (exit 2) naming the spec and what is expected. */
int topo_override_parse(const char *spec, struct topo_override *out);
/* Applies o to every BGP session over a tunnel (both ends) and, for dpd, to every
 * tunnel end. 0, or -1 with lab_err: the topology cannot take it (no session over
 * a tunnel; bfd before the topology has a bfd key). */
int topo_override_apply(struct topo *t, const struct topo_override *o);
/* The mechanism's short name: "hold", "timers", "track", "dpd", "bfd". */
const char *topo_mech_name(enum topo_mech m);

#endif
