/* The failover experiment: break one thing in a running lab while probes measure,
 * wait for the outage to end, heal, wait for the lab to settle, and build the report
 * from the journals.
 *
 * One module so that every caller runs the same experiment: `labctl failover` (one
 * fault kind, N runs), `labctl compare` (several mechanism variants of a topology,
 * each its own lab, N runs each with the same faults) and scenario files (a
 * sequence of steps: fault KIND TARGET, heal, wait DURATION, wait ready|recovered,
 * expectations). The steps are public one by one for the scenario runner, and
 * composed (exp_run_once, exp_run_series) for the first two.
 *
 * Why the experiment measures nothing itself: the probes and faults journal every
 * event on one clock, and the report (report/report.h) derives the outages, the
 * mechanism that ended each and the predicted windows from those journals alone.
 * The experiment only decides WHEN to act (inject, give up waiting, heal); what it
 * sees while waiting (struct exp_run) is a liveness check, not the measurement,
 * so `labctl report` after the fact gives exactly what the experiment printed.
 *
 * Errors: -1 with lab_err set (exit 1 product failure, 2 usage); the lab is never
 * left with a fault active by exp_close. Nothing here prints: progress goes to the
 * caller's observer. */
#ifndef LAB_EXPERIMENT_EXPERIMENT_H
#define LAB_EXPERIMENT_EXPERIMENT_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault/fault.h"
#include "report/evlog.h"
#include "probe/spawn.h"
#include "report/lab_report.h"
#include "report/report.h"
#include "run/lab_view.h"
#include "topo/model.h"

/* Consecutive answered probes per stream (probe flow x direction, both legs) that
 * count as steady: one answered probe after a loss can be a straggler. */
#define EXP_STEADY_K 5

/* What to do. Zero fields take the defaults named; the same spec for every variant
 * is what makes `compare` a comparison. */
struct exp_spec {
	enum fault_kind kind;
	/* The fault's target as `labctl fault` takes it (a tunnel, or a gateway node
	 * for link-down and kill). NULL: derived from `tunnel`: the tunnel itself, or
	 * its end-0 gateway for link-down and kill. */
	const char *target;
	/* NULL or "auto": the tunnel that carries flow 0 of the probe pair (asked of the
	 * routers' FIBs, so an ECMP lab breaks the path the measurement takes); else a
	 * tunnel index or name. Used when target is NULL. */
	const char *tunnel;
	double param; /* loss: percent (above 100 is 100) */
	/* loss and delay degrade the path without breaking it: nothing says when such
	 * an outage is over, so the fault is held this long, then healed (0: 60 s x
	 * the lab's time scale, the window `predict --fault loss:P` models). */
	double grey_hold_s;
	long runs;                 /* exp_run_series: how many (>= 1) */
	uint32_t probe;            /* which of the topology's probe pairs measures */
	int64_t probe_interval_ns; /* 0: the topology's */
	/* 0: whatever `up` set. Else it must be the lab's: the daemons were configured
	 * at up, so a different scale here would silently mismatch the prediction. */
	double time_scale;
	/* Timeouts, 0 for the default:
	 * ready: the lab's services before anything (topology's ready_timeout, else
	 *   120 s);
	 * slack: added to the model's window before giving up on recovery (max of 2 s
	 *   and 20 probe intervals: the scheduler and the probe resolution);
	 * reconverge: services and probes after heal (60 s + 200 s x time scale: a
	 *   re-established IKE SA and BGP session under the scaled timers). */
	double ready_timeout_s, slack_s, reconverge_timeout_s;
	/* Wait a uniformly random part of the longest KEEPALIVE interval before each
	 * fault, so the fault's phase in the KEEPALIVE schedule is the model's
	 * (exp_inject). Off for a step that must act at once (a scenario's). */
	bool random_phase;
	/* Set asynchronously (SIGINT) to stop at the next poll; NULL: never. */
	const volatile sig_atomic_t *stop;
};

/* What the caller may want to print while a run goes. msg is set for WARNING. */
enum exp_event {
	EXP_EV_WARNING,       /* e.g. the flow's tunnel could not be found: using tunnel 0 */
	EXP_EV_INJECTED,      /* the fault is in place; run->bound_s is the wait */
	EXP_EV_NOT_RECOVERED, /* gave up after run->bound_s; heal follows */
	EXP_EV_WAITING,       /* each poll while waiting for recovery (a progress display) */
	EXP_EV_HEALED,        /* the fault is undone; waiting for reconvergence follows */
};
struct exp_run;
typedef void (*exp_observer)(void *ctx, enum exp_event ev, const struct exp_run *run,
                             const char *msg);

enum exp_outcome {
	EXP_PENDING,
	EXP_RECOVERED,     /* a probe was lost, then every stream answered again */
	EXP_NO_LOSS,       /* no probe lost within the predicted window: no outage */
	EXP_NOT_RECOVERED, /* still losing probes at bound_s */
	EXP_STOPPED,       /* spec->stop was raised */
};

/* One run as the experiment lived it. The measurement of run i (outage per flow and
 * direction, the mechanism that ended it, predicted windows, whether inside) is
 * report.runs[i] of exp_collect: the journals, not these live observations. */
struct exp_run {
	long index;      /* 1-based */
	uint32_t tunnel; /* the tunnel the fault acts on (index in the topology) */
	struct fault_req fault;
	char detail[512]; /* what the fault did, from fault_inject */
	char not_ok[160]; /* EXP_NOT_RECOVERED: the stream still failing (exp_health) */
	/* The lab model's round-trip maximum plus slack: a fault that costs no probe
	 * has ended when this has passed. NaN: the model has no window for it. */
	double pred_max_s;
	/* How long to wait for recovery: twice pred_max_s plus slack (the model can
	 * be wrong, and a report of "outside the window" needs the end of the outage),
	 * or 200 s x time scale + slack without a model; for a grey failure
	 * (fault_kind_grey) how long the fault is held. */
	double bound_s;
	/* The longest KEEPALIVE interval of the two speakers (0: unknown) and the
	 * random part of it waited before injecting (spec->random_phase). */
	double phase_span_s, phase_wait_s;
	int64_t inject_t, recovered_t, heal_t, reconverged_t; /* CLOCK_MONOTONIC; 0: not */
	int64_t first_loss_t;                                 /* 0: no probe lost */
	enum exp_outcome outcome;
};

/* The probe nodes' journals as read so far (exp_probe_health reads what they have
 * grown by since). */
struct exp_journal_file {
	char path[PATH_MAX];
	const char *node; /* the lab view's topology owns it */
	long offset;      /* read up to here */
};
struct exp_journals {
	struct evlog log;
	struct exp_journal_file *f; /* NULL: no probe named, every journal re-read */
	size_t n;
	int64_t pruned_t; /* events before it dropped (but probe start/stop); 0: none */
	bool opened;
};
void exp_journals_free(struct exp_journals *j);

/* An experiment on one lab: the lab, its scaled topology, the running probes. */
struct exp {
	struct lab_view view;
	struct lab_report rep;
	struct topo *topo; /* the lab's topology with its time scale: what the daemons run */
	struct probe_pair probes;
	struct exp_journals journals;
	const struct exp_spec *spec;
	exp_observer observe;
	void *observe_ctx;
	int64_t start_t;  /* exp_collect reports the faults injected from here on */
	char not_ok[160]; /* exp_wait_probes_ok timed out: the stream still failing */
	bool open;
};

/* Opens the lab and checks it can run the spec: the time scale matches, the
 * topology loads and names a probe pair, no fault is active. spec must outlive e.
 * observer may be NULL. On failure e is still safe to exp_close. */
int exp_open(struct exp *e, const char *lab, const struct exp_spec *spec, exp_observer observer,
             void *observer_ctx);
/* Stops the probes; if a fault is still active (an error or a stop midway), heals
 * it, keeping the error that is being reported. Frees e. */
void exp_close(struct exp *e);

/* Every lab service (services/registry.h) ready at least once before deadline, as
 * configured from `scaled` (the lab's topology with its time scale). A lab, not an
 * experiment: tests and scenario steps (wait ready) ask it with faults active.
 * 1 ready, 0 timed out (why says what is missing), -1 failed (lab_err set). */
int exp_services_ready(struct lab_view *v, const struct topo *scaled, int64_t deadline, char *why,
                       size_t whylen);
/* Steady state before any fault: exp_services_ready within the spec's ready
 * timeout. 0, or -1 with lab_err naming what is not ready. */
int exp_wait_steady(struct exp *e);

/* Starts the spec's probe pair (L4 ECMP hash first, so its flows spread) and waits
 * until every stream answers EXP_STEADY_K in a row. 0 or -1. */
int exp_probes_start(struct exp *e);
void exp_probes_stop(struct exp *e);

struct exp_health {
	size_t streams;  /* probe flow x direction streams seen */
	bool all_ok;     /* each stream's last k probes answered, both legs */
	bool loss_since; /* some probe sent after `since` was lost */
	int64_t first_loss_t;
	/* When not all_ok: the first stream that is not, and why, in words ("ecs-vm
	 * fwd flow 2: 3 of the last 5 answered, the newest sent 0.4 s before the
	 * journals end lost"), so a wait that gives up says what it waited for. */
	char not_ok[160];
};
/* From the lab's journals now (j: what was read of them before). 0 or -1 with
 * lab_err. */
int exp_probe_health(struct exp_journals *j, const struct lab_view *v, int64_t since, uint32_t k,
                     struct exp_health *h);
/* Until all 2 x flows streams are steady (1), deadline or stop (0), error (-1). */
int exp_wait_probes_ok(struct exp *e, int64_t since, int64_t deadline);

/* The tunnel the given flow of probe pair idx takes from its `from` host (fwd),
 * found by asking each router's FIB for the flow's exact 5-tuple (the L4 ECMP
 * hash) hop by hop until a tunnel's gateway. 0 or -1 (lab_err set). */
int exp_flow_tunnel(const struct lab_view *v, const struct topo *t, uint32_t probe, uint32_t flow,
                    uint32_t *tunnel);
/* The spec's tunnel and fault request (see exp_spec.target and .tunnel). "auto"
 * falls back to tunnel 0 with an EXP_EV_WARNING when the path cannot be traced. */
int exp_plan_fault(struct exp *e, struct exp_run *run);

/* The steps of one run, in order. Each fills its part of run. */
int exp_inject(struct exp *e, struct exp_run *run);
/* Polls the probes until the outage has ended (EXP_RECOVERED), the window passed
 * without a loss (EXP_NO_LOSS), bound_s passed (EXP_NOT_RECOVERED, observer told)
 * or stop (EXP_STOPPED). 0, or -1 if the journals cannot be read. */
int exp_wait_recovered(struct exp *e, struct exp_run *run);
int exp_heal(struct exp *e, struct exp_run *run);
/* After heal: services ready and every probe stream steady again, within the
 * reconverge timeout. 0, or -1 with lab_err (the lab is broken: no further run). */
int exp_wait_reconverged(struct exp *e, struct exp_run *run);

/* plan, inject, wait recovered, heal, wait reconverged. 0 recovered (or no loss),
 * 1 not recovered in time (the next run can still go), -1 error or stop. */
int exp_run_once(struct exp *e, long index, struct exp_run *run);
/* spec->runs runs. *failed: some run did not recover in time. runs (may be NULL)
 * receives spec->runs results. 0, or -1 (stopped: the fault healed, "interrupted"). */
int exp_run_series(struct exp *e, struct exp_run *runs, bool *failed);

/* The report of every fault injected since exp_open, from the journals. Free with
 * report_free. 0 or -1. */
int exp_collect(struct exp *e, struct report *out);

#endif
