/* Scenario files: an experiment written down (docs/scenario-format.md).
 *
 * A scenario names a topology (with overrides), a time scale, a number of runs and
 * a list of steps: faults, heals, waits and expectations. scn_load.c reads and
 * validates it like a topology (every problem with file:line:col, nothing created);
 * scn_run.c runs the steps on a lab through the experiment module, the same steps
 * `labctl failover` composes; scn_expect.c judges each expectation against the
 * report built from the journals at that moment, so what a scenario asserts is what
 * `labctl report` shows. */
#ifndef LAB_SCENARIO_SCENARIO_H
#define LAB_SCENARIO_SCENARIO_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fault/fault.h"
#include "report/report.h"
#include "timers/timers.h"
#include "topo/topo.h"

enum scn_step_kind {
	SCN_FAULT,            /* fault KIND TARGET [PARAM] */
	SCN_HEAL,             /* heal [TARGET] */
	SCN_WAIT_TIME,        /* wait DURATION (scaled by the time scale) */
	SCN_WAIT_READY,       /* every service ready and every probe stream steady */
	SCN_WAIT_RECOVERED,   /* the outage of the last fault ended (bounded) */
	SCN_WAIT_ESTABLISHED, /* every service ready: tunnels up, sessions Established */
	SCN_EXPECT,           /* one or more expectations */
};

enum scn_expect_kind {
	SCN_EXP_INSIDE,           /* the outage inside the lab model's window */
	SCN_EXP_MAX_OUTAGE,       /* within a budget per direction */
	SCN_EXP_ENDED_BY,         /* the mechanism that ended the outage */
	SCN_EXP_NO_LOSS,          /* a flow (or every flow) lost no probe */
	SCN_EXP_OUTAGE,           /* some probe was lost (the fault did hit the flows) */
	SCN_EXP_SESSION,          /* a BGP session's state as its journal shows it now */
	SCN_EXP_REVERSION_INSIDE, /* reversion inside its predicted window */
	SCN_EXP_REVERSION_MAX,    /* reversion no longer than a budget */
};

/* ended_by: what the report finds ended the outage (see scn_ended_by). */
enum scn_mech {
	SCN_MECH_HOLD,    /* a hold timer expired before the recovery */
	SCN_MECH_SESSION, /* the session was lost another way (tracking, NOTIFICATION, TCP) */
	SCN_MECH_HEAL,    /* only the heal ended it */
	SCN_MECH_NONE,    /* no probe lost */
	SCN_MECH_OPEN,    /* not recovered */
};

struct scn_expect {
	enum scn_expect_kind kind;
	struct topo_pos pos;
	bool dir[TIMERS_NDIR];                         /* inside, max_outage: which directions */
	double max_s[TIMERS_NDIR];                     /* max_outage budget per direction */
	double reversion_max_s;                        /* reversion_max */
	enum scn_mech mech;                            /* ended_by */
	int32_t flow;                                  /* no_loss: -1 = every flow */
	char node[TOPO_NAME_MAX], peer[16], state[16]; /* session */
};

struct scn_step {
	enum scn_step_kind kind;
	struct topo_pos pos;
	char text[160];         /* as written, for progress and reports */
	struct fault_req fault; /* fault: kind, param; target "" = auto */
	bool target_auto;
	char heal_target[64]; /* heal: "" = every active fault */
	double wait_s;        /* wait DURATION, unscaled */
	struct scn_expect *expects;
	size_t n_expects;
};

struct scenario {
	char *path;
	char name[TOPO_NAME_MAX];
	char *description;
	char topology[PATH_MAX]; /* resolved path of the topology file */
	/* The topology text with the overrides merged in (NULL: none), what `up` is
	 * given when the scenario brings the lab up. */
	char *merged;
	size_t merged_len;
	double time_scale; /* 1 unless set */
	long runs;         /* the steps are run this many times */
	uint32_t probe;    /* index of the probe pair in the topology */
	struct scn_step *steps;
	size_t n_steps;
};

/* Loads and validates path (the topology too, with the overrides). 0 and *out, or
 * -1 with every problem in diags and lab_err set (exit 2). */
int scenario_load(const char *path, struct scenario **out, struct topo_diags *diags);
void scenario_free(struct scenario *s);

/* ---- scn_run.c ---- */

/* The verdict of one expectation in one run of the steps. */
struct scn_result {
	long iteration; /* 1-based */
	size_t step;    /* index into steps */
	size_t expect;  /* index into that step's expects */
	bool pass;
	char what[160]; /* the expectation as a phrase */
	char msg[512];  /* the numbers that decided it */
};

struct scn_outcome {
	struct scn_result *results;
	size_t n_results;
	size_t failed;
	struct report report; /* every fault of the scenario, from the journals */
};

/* Progress lines (steps as they start, what waits found); NULL for none. */
typedef void (*scn_progress)(void *ctx, const char *line);

struct scn_run_opts {
	const char *lab;   /* a lab that is up with the scenario's topology */
	double time_scale; /* the lab's (checked against it) */
	long runs;
	const volatile sig_atomic_t *stop;
	scn_progress progress;
	void *progress_ctx;
};

/* Runs the steps o->runs times on the lab and fills out (free with
 * scn_outcome_free). 0 (see out->failed), or -1 with lab_err (the lab or an action
 * failed; out holds what was judged until then). */
int scenario_run(const struct scenario *s, const struct scn_run_opts *o, struct scn_outcome *out);
void scn_outcome_free(struct scn_outcome *o);

/* ---- scn_expect.c ---- */

/* Judges one expectation against run (the last fault's report run, NULL when no
 * fault ran yet) and, for a session state, the lab's journals (labdir). */
void scn_judge(const struct scn_expect *x, const struct report_run *run, const char *labdir,
               struct scn_result *res);
/* The mechanism the report says ended run's outage. */
enum scn_mech scn_ended_by(const struct report_run *run);
const char *scn_mech_name(enum scn_mech m);
int scn_mech_parse(const char *s, enum scn_mech *out); /* 0 or -1 */

/* Text and JSON of the verdicts (the report itself is report_text/report_json). */
void scn_outcome_text(const struct scenario *s, const struct scn_outcome *o, FILE *f);
void scn_outcome_json(const struct scenario *s, const struct scn_outcome *o, struct json *j);

#endif
