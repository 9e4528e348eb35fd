/* A running (or stopped, or kept) lab as the commands that act on it after `up` see
 * it: its directory, the topology it was built from and the time scale `up`
 * applied. Faults, the experiment and the report all start from one.
 *
 * It lives in run/ because it is lab state on disk and nothing more: what a report
 * needs on top (the tunnels as the report reads them, predictions) is
 * report/lab_report.h, so that the layers above (fault/, experiment/) need not
 * depend on report/. */
#ifndef LAB_RUN_LAB_VIEW_H
#define LAB_RUN_LAB_VIEW_H

#include <stdint.h>

#include "run/run.h"
#include "timers/timers.h"
#include "topo/model.h"

struct lab_view {
	struct run_lab run;
	struct topo *topo; /* as in the topology file (unscaled); NULL if unreadable */
	double time_scale; /* recorded by up ("time-scale F" in the state); 1.0 if absent */
};

/* Opens an existing lab. A topology that no longer loads is not fatal (a report
 * then has no predictions); a missing lab is (exit 1, naming it). */
int lab_view_open(const char *lab, struct lab_view *v);
/* A lab kept by `labctl down --keep DIR` (report/keep.h): the same view, read from
 * DIR alone; predictions need DIR/topology.yaml to load. */
int lab_view_open_dir(const char *dir, struct lab_view *v);
void lab_view_close(struct lab_view *v);

/* A private copy of the lab's topology with the lab's time scale applied: what `up`
 * configured the daemons with. Free with topo_free. 0 or -1 with lab_err set. */
int lab_view_load_scaled(const struct lab_view *v, struct topo **out);

/* The timer model's name for one of our fault kinds ("kill" + "node:charon" ->
 * "kill-charon"); NULL when the model has none (loss). */
const char *lab_view_timers_fault(const char *kind, const char *target);

/* The timer model's scenario for a fault of `kind` on `target` acting on `tunnel`:
 * the lab's topology as `up` scaled it (lab_view_load_scaled), the probe interval
 * actually used (resolution_ns > 0), the faulted side and the IPsec backend. What
 * the predicted windows and the report's Monte Carlo both start from. -1 (no
 * lab_err) when the fault is not modelled, the topology unreadable, the tunnel
 * unknown. */
int lab_view_timers_input(const struct lab_view *v, const char *kind, const char *target,
                          const char *tunnel, int64_t resolution_ns, struct timers_input *out);

/* The lab's predicted windows for a fault of `kind` on `target` acting on `tunnel`:
 * the topology's timers for that tunnel, scaled as the lab runs, with the probe
 * interval actually used (resolution_ns > 0) as the measurement resolution.
 * -1 (no lab_err) when there is no prediction: topology unreadable, fault kind
 * not modelled, unknown tunnel. */
int lab_view_predict(const struct lab_view *v, const char *kind, const char *target,
                     const char *tunnel, int64_t resolution_ns, struct timers_prediction *out);

#endif
