/* A running (or stopped) lab as the report, failover and faults see it: its
 * directory, the topology it was built from and the time scale `up` applied. */
#ifndef LAB_REPORT_LABVIEW_H
#define LAB_REPORT_LABVIEW_H

#include "report/report.h"
#include "run/run.h"
#include "topo/model.h"

struct lab_view {
	struct run_lab run;
	struct topo *topo; /* as in the topology file (unscaled); NULL if unreadable */
	double time_scale; /* recorded by up ("time-scale F" in the state); 1.0 if absent */
	struct report_tunnel *tunnels;
	size_t n_tunnels;
};

/* Opens an existing lab. A topology that no longer loads is not fatal (the report
 * then has no predictions); a missing lab is (exit 1, naming it). */
int lab_view_open(const char *lab, struct lab_view *v);
/* A lab kept by `labctl down --keep DIR` (report/keep.h): the same view, read from
 * DIR alone; predictions need DIR/topology.yaml to load. */
int lab_view_open_dir(const char *dir, struct lab_view *v);
void lab_view_close(struct lab_view *v);

/* A private copy of the lab's topology with the lab's time scale applied: what `up`
 * configured the daemons with. Free with topo_free. 0 or -1 with lab_err set. */
int lab_view_load_scaled(const struct lab_view *v, struct topo **out);

/* The time scale from a lab directory's state file: the last "time-scale F" line. */
double lab_view_read_scale(const char *labdir);

/* report_config.predict for this lab: the topology's timers for the run's fault and
 * tunnel, scaled, with the probe interval actually measured as the resolution. */
int lab_view_predict(void *ctx, const struct report_run *run, struct timers_prediction *out);

/* The timer model's name for one of our fault kinds ("kill" + "node:charon" ->
 * "kill-charon"); NULL when the model has none (loss). */
const char *lab_view_timers_fault(const char *kind, const char *target);

/* Fills a report_config for this lab. */
void lab_view_report_config(struct lab_view *v, struct report_config *cfg);

#endif
