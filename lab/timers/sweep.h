/* Sweeps: the timer model's windows as one or two topology values vary. A sweep
 * sets the value in the topology itself, applies the time scale and maps the
 * topology to the model exactly as `labctl predict` does, so every point is the
 * prediction of the file with that value written in it. Pure (no I/O). */
#ifndef LAB_TIMERS_SWEEP_H
#define LAB_TIMERS_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timers/timers.h"

struct topo;

#define TIMERS_SWEEP_MAX_AXES 2
#define TIMERS_SWEEP_MAX_POINTS 2000 /* per axis */
#define TIMERS_SWEEP_MAX_GRID 40000  /* points of a grid */

enum timers_sweep_kind {
	SWEEP_BGP_HOLD,       /* bgp.hold: every speaker (keepalive = hold/3) */
	SWEEP_BGP_KEEPALIVE,  /* bgp.keepalive: every speaker */
	SWEEP_NODE_HOLD,      /* nodes.NODE.bgp.timers.hold (keepalive = hold/3) */
	SWEEP_NODE_KEEPALIVE, /* nodes.NODE.bgp.timers.keepalive */
	SWEEP_NODE_DELAY,     /* nodes.NODE.bgp.route_programming_delay */
	SWEEP_DELAY,          /* route_programming_delay: every speaker */
	SWEEP_DPD,            /* tunnels.NAME.ike.dpd: both ends */
};

struct timers_sweep_axis {
	char key[96]; /* as written */
	enum timers_sweep_kind kind;
	uint32_t index; /* the node or tunnel named in the key */
	uint32_t *ms;   /* the values, n of them */
	size_t n;
};

struct timers_sweep_point {
	uint32_t ms[TIMERS_SWEEP_MAX_AXES];
	/* each model's window per direction, models in the order of sweep.base */
	struct timers_window w[TIMERS_MAX_MODELS][TIMERS_NDIR];
	bool as_file; /* the same windows as the topology as written */
};

struct timers_sweep {
	struct timers_sweep_axis axis[TIMERS_SWEEP_MAX_AXES];
	size_t n_axes;
	struct timers_sweep_point *pts; /* row-major: axis 0 outer, axis 1 inner */
	size_t n;
	struct timers_prediction base; /* the topology as written */
};

/* The keys a sweep takes, for messages and usage texts. */
extern const char timers_sweep_keys_text[];

/* Parses "KEY=FROM..TO[:STEP]" (durations as topologies write them) against t and
 * adds the axis to sw. The values: FROM, FROM+STEP, ... and TO. STEP defaults to
 * 1 s, or a twentieth of the range when it is under 20 s. Every value is checked as
 * the topology loader would check it written in the file. 0, or -1 + lab_err(2). */
int timers_sweep_add(struct timers_sweep *sw, const struct topo *t, const char *arg);

/* Computes every point (and base). t is the topology as loaded, NOT time-scaled
 * (each point applies time_scale itself); it is changed during the call and
 * restored before it returns. 0, or -1 + lab_err. */
int timers_sweep_run(struct timers_sweep *sw, struct topo *t, uint32_t tunnel, const char *fault,
                     uint32_t fault_side, double time_scale);

/* The value of point p on axis a in seconds. */
double timers_sweep_x(const struct timers_sweep_point *p, size_t a);
/* The index of a model in sweep.base (and every point's w), or -1. */
int timers_sweep_model(const struct timers_sweep *sw, const char *name);

void timers_sweep_free(struct timers_sweep *sw);

#endif
