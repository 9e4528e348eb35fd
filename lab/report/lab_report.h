/* What the report needs from a lab on top of its view (run/lab_view.h): the
 * tunnels as the report reads events by them, and the lab's predictions as the
 * report_config callback. Used by `labctl report`, the experiment and the tests
 * that rebuild a report. */
#ifndef LAB_REPORT_LAB_REPORT_H
#define LAB_REPORT_LAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "report/report.h"
#include "run/lab_view.h"

struct lab_report {
	struct lab_view *view; /* borrowed: must outlive this */
	struct report_tunnel *tunnels;
	size_t n_tunnels;
};

/* Fills the tunnels from v's topology (none if it did not load). With sync_bird,
 * first converts BIRD's newest log lines into the journals (the bgp service also
 * does on status and readiness), so a report does not miss the last hold expiry;
 * not for a kept directory, which is read-only input (`down --keep` synced it).
 * 0 or -1 with lab_err set. */
int lab_report_open(struct lab_report *lr, struct lab_view *v, bool sync_bird);
void lab_report_close(struct lab_report *lr);

/* A report_config for this lab: its name, time scale, tunnels and predictions.
 * Points into lr (and lr->view): keep both until the report is built. */
void lab_report_config(struct lab_report *lr, struct report_config *cfg);

#endif
