/* `labctl compare`: the same failover, N runs per fault, on variants of one topology
 * that differ only in the mechanism that detects a dead tunnel (topo/override.h).
 *
 * Each variant is its own lab, brought up with `labctl up --override MECH` (so its
 * state records the override and `labctl report` rebuilds its runs), run through
 * the experiment module (experiment.h: exp_run_series, the same sequence as
 * `labctl failover`) once per fault kind, and taken down. The measurement of every
 * run comes from the variant's journals (exp_collect), never from what was seen
 * while waiting. */
#ifndef LAB_EXPERIMENT_COMPARE_H
#define LAB_EXPERIMENT_COMPARE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/json.h"
#include "experiment/experiment.h"
#include "report/report.h"
#include "topo/override.h"

#define CMP_MAX_MECHS 8
#define CMP_MAX_FAULTS 8

struct cmp_spec {
	/* A topology (name or file: each mechanism gets a lab of its own), or NULL and
	 * `lab`: one lab that is up, measured as it is (mechanisms must be empty). */
	const char *topology, *lab;
	struct topo_override mechs[CMP_MAX_MECHS];
	size_t n_mechs;
	enum fault_kind faults[CMP_MAX_FAULTS];
	size_t n_faults;
	long runs;
	double time_scale; /* for `up`; with `lab`, checked against it (0: the lab's) */
	const volatile sig_atomic_t *stop;
	/* Progress lines ("bringing up cmp1-hold ...") and experiment events; may be NULL. */
	void (*say)(void *ctx, const char *line);
	void *say_ctx;
};

/* One mechanism x fault. */
struct cmp_cell {
	char mech[TOPO_OVERRIDE_MAX], fault[24], lab[40];
	bool ok; /* the runs happened; else error says why */
	char error[512];
	struct report rep; /* every run, from the journals */
	/* The lab model's window of the first run (the same for every run of a cell). */
	bool has_pred;
	struct timers_window pred[TIMERS_NDIR];
	char pred_mech[24];
	/* What is left with instant detection: propagation + route programming of the
	 * slower direction (the lab model's parts). NaN: no prediction. */
	double floor_s[TIMERS_NDIR];
	size_t n_measured, n_inside;
	double min_s, med_s, max_s; /* round trip over the runs with an outage */
	double dir_med_s[2];        /* one-way medians, fwd and rev (NaN: no outage) */
	/* Per run: what ended the round-trip outage (short: hold, track, dpd, bfd,
	 * tcp-close, nexthop-unreachable, heal, no-loss, not-recovered, not-modelled). */
	char ended[64][24];
};

struct cmp_result {
	struct cmp_cell *cells; /* n_mechs x n_faults, mechanism-major */
	size_t n_cells;
	double time_scale;
	char topology[64];
};

/* Runs every cell. 0 when every cell ran (some runs may lie outside their window:
 * see the cells), -1 with lab_err when stopped or when nothing could run. */
int cmp_run(const struct cmp_spec *spec, struct cmp_result *out);
void cmp_free(struct cmp_result *r);

/* The short name of what ended run i's round-trip outage (cmp_cell.ended). */
void cmp_ended(const struct report_run *run, char *buf, size_t len);

/* Renderings (compare_out.c, compare_svg.c). */
void cmp_text(const struct cmp_result *r, FILE *f);
void cmp_json(const struct cmp_result *r, struct json *j);
int cmp_svg(const struct cmp_result *r, FILE *f);

#endif
