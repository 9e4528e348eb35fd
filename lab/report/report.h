/* The failover report, built from node journals alone (evlog.h).
 *
 * One run per fault injection found in the journals: the markers on its timeline
 * (fault, SA down, last KEEPALIVE received per side, hold expiry or other session
 * loss, withdrawal, FIB change, recovery, heal), the outage of every probe flow in
 * each direction (one way) and round trip, the predicted windows of every timer
 * model, which mechanism ended the outage, and whether the measurement lies inside
 * the lab's window. Rendered as text, JSON and an SVG timeline. */
#ifndef LAB_REPORT_REPORT_H
#define LAB_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/json.h"
#include "probe/outage.h"
#include "report/evlog.h"
#include "timers/loss_model.h"
#include "timers/reversion.h"
#include "timers/timers.h"

#define REPORT_NAME_MAX 32

/* What a tunnel means for reading its events (from the topology). */
struct report_tunnel {
	char name[REPORT_NAME_MAX];
	char gw[2][REPORT_NAME_MAX]; /* gateway nodes, end 0 and end 1 */
	char addr[2][16];            /* each end's inside address (its BGP address) */
	bool bird[2];                /* the end's speaker is BIRD (logs no keepalives) */
	/* Every interface address of each gateway: a withdrawal a router receives from
	 * one of them shows that gateway lost its session even when its speaker's own
	 * events are missing (BIRD's log not converted). */
	char gw_addrs[2][8][16];
	uint32_t n_gw_addrs[2];
};

struct report_run;

struct report_config {
	const char *lab;
	double time_scale;
	const struct report_tunnel *tunnels;
	size_t n_tunnels;
	/* Prediction for one run's fault (kind, target, tunnel and resolution are set
	 * when it is called); NULL or returning -1: none. */
	int (*predict)(void *ctx, const struct report_run *run, struct timers_prediction *out);
	void *predict_ctx;
	/* The reversion window of one run (lab/report/reversion.c); NULL: none. */
	int (*predict_reversion)(void *ctx, const struct report_run *run,
	                         struct timers_reversion *out);
	/* The timer model's scenario for one run's fault (lab/run/lab_view.h
	 * lab_view_timers_input): with it the runs are placed in the model's Monte
	 * Carlo and tested against it (model_test.c); NULL or -1: not. ctx is
	 * predict_ctx. */
	int (*model_input)(void *ctx, const struct report_run *run, struct timers_input *out);
	/* The timer model's scenario for a `loss` run's tunnel (the blackhole's, its
	 * limit at 100 %), for loss_check.c; NULL or -1: not predicted. ctx is
	 * predict_ctx. */
	int (*loss_input)(void *ctx, const struct report_run *run, struct timers_input *out);
	/* Faults injected before this instant are not reported (0: all). */
	int64_t since_t;
	/* The outage budget of a probe's direction (expect: max_outage, at the lab's
	 * time scale), true when one is set; NULL: no budgets. ctx is predict_ctx. */
	bool (*budget)(void *ctx, const char *probe, enum timers_dir d, double *max_s);
};

enum report_mark {
	MARK_FAULT,
	MARK_SA_DOWN,
	MARK_LAST_KEEPALIVE,
	MARK_HOLD_EXPIRY,
	MARK_SESSION_DOWN, /* lost for another reason: tunnel tracking, NOTIFICATION, TCP */
	MARK_WITHDRAW,
	MARK_FIB,
	MARK_RECOVERY,
	MARK_HEAL,
	MARK_NEXTHOP, /* a speaker saw a next hop become unreachable (netlink) */
};

struct report_marker {
	enum report_mark kind;
	int64_t t;
	char node[REPORT_NAME_MAX];
	char text[96];
};

/* A maximal run of equal probe results, for the timeline. */
struct report_span {
	int64_t from, to; /* send times of the first and last probe of the run */
	bool ok;
};

enum report_leg { LEG_ONEWAY, LEG_RTT };

struct report_stream {
	char probe[REPORT_NAME_MAX];
	uint16_t flow;
	uint8_t dir; /* the sender's direction (enum probe_dir) */
	enum report_leg leg;
	size_t sent, ok;
	bool has_outage; /* an outage overlapping the fault */
	struct outage o;
	bool has_rev_outage; /* lost probes after the heal: reversion */
	struct outage rev_o;
	struct report_span *spans;
	size_t n_spans;
};

/* After the heal (lab/report/reversion.c): until the restored tunnel carries
 * traffic again, from the journals: its session Established on both gateways,
 * then the first route write on a router behind each. */
struct report_reversion {
	bool healed;       /* the run has a heal: the rest is meaningful */
	int64_t est_t[2];  /* session Established again, per tunnel end; 0: not seen */
	int64_t fib_t[2];  /* first route write after it behind each end; 0: not seen */
	int64_t done_t;    /* both ends written: both tunnels carry traffic; 0: not */
	double time_s;     /* done_t - heal; < 0: unknown */
	double lost_max_s; /* worst flow's outage after the heal; < 0: none */
	size_t lost;       /* probes lost after the heal, one-way legs of every flow */
	bool has_pred;
	struct timers_reversion pred;
	int inside; /* time_s inside pred: 1, 0, -1 unknown */
};

/* One flow's outage in one direction against its budget (budget_check.c). */
struct report_budget_check {
	char probe[REPORT_NAME_MAX];
	uint16_t flow;
	enum timers_dir dir; /* fwd, rev (one way) or rtt (round trip) */
	double limit_s;
	double measured_s; /* 0: no outage */
	bool open;         /* the outage had not ended when the run's journals end */
	bool ok;
};

struct report_run {
	int64_t t0; /* the fault */
	char kind[24], target[64], node[REPORT_NAME_MAX], detail[512];
	char tunnel[REPORT_NAME_MAX]; /* the tunnel the fault acts on, "" if none */
	int64_t heal_t;               /* 0: not healed within the run */
	int64_t from_t, to_t;         /* the events that belong to this run */
	struct report_marker *marks;
	size_t n_marks;
	struct report_stream *streams;
	size_t n_streams;
	int64_t resolution_ns;
	double measured_s[TIMERS_NDIR]; /* worst flow per direction; < 0: no outage */
	/* RFC 6413 s3 loss-derived convergence time: the probes a stream lost between
	 * the fault and the heal divided by its offered rate (1 / interval), worst
	 * stream per direction; < 0: nothing lost. Beside measured_s (the longest gap)
	 * it tells a grey failure (many short gaps) from one outage. */
	double loss_derived_s[TIMERS_NDIR];
	int64_t recovery_t;        /* 0: none */
	int64_t dir_recovery_t[2]; /* per one-way direction (fwd, rev); 0: none */
	/* Per tunnel end (end 0 repairs fwd, end 1 rev): when its gateway lost the BGP
	 * session and how, as the journals show it. */
	int64_t side_down_t[2];
	char side_how[2][160];
	bool has_pred;
	struct timers_prediction pred;
	int inside[TIMERS_NDIR]; /* lab window: 1 inside, 0 outside, -1 unknown */
	char mechanism[640];
	struct report_reversion rev;
	bool rev_session_back; /* the tunnel's session Established again after the heal */
	struct report_budget_check *budget; /* every flow x direction with a budget */
	size_t n_budget;
	/* `loss` runs (loss_check.c): the fraction dropped (< 0 unknown), the loss
	 * model's prediction for it over the run's fault, the mechanism that fired
	 * first before the heal ("hold", "bfd", "dpd", "none", "unknown") and whether
	 * it was the model's likeliest outcome (1, 0, -1 not modelled). */
	double loss_p;
	bool has_loss_pred;
	struct timers_loss_result loss_pred;
	char loss_why[96];
	char loss_fired[16];
	char loss_fired_how[160];
	int64_t loss_fired_t;
	int loss_match;
};

/* The first probe's runs in one direction (its worst flow, as measured_s) against
 * the lab model (model_test.c). */
struct report_model_test {
	char probe[REPORT_NAME_MAX];
	enum timers_dir dir;
	bool placed;   /* gof.quantile holds every run's place */
	bool tested;   /* and gof's test is reported: at least REPORT_MODEL_MIN_RUNS runs */
	char why[256]; /* what was not done and why, or a caveat; "" if none */
	bool open[TIMERS_GOF_MAX_RUNS]; /* outage not ended: placed at a lower bound */
	size_t n_open;
	struct timers_gof gof;
};

struct report {
	char lab[REPORT_NAME_MAX];
	double time_scale;
	struct report_run *runs;
	size_t n_runs;
	size_t bad_lines;
	struct report_model_test *model_tests; /* fwd, rev, rtt of the first probe */
	size_t n_model_tests;                  /* 0: no model (cfg->model_input) */
};

/* 0, or -1 with lab_err set. A journal set without any fault is not an error: the
 * report then has no runs and says so. */
int report_build(const struct evlog *log, const struct report_config *cfg, struct report *out);
void report_free(struct report *r);

/* min/median/max over runs of the round-trip outage (runs with one). false if none. */
bool report_summary(const struct report *r, enum timers_dir d, double *min, double *med,
                    double *max, size_t *n);

void report_text(const struct report *r, FILE *f);
void report_json(const struct report *r, struct json *j);
/* The timeline of one run. 0 or -1 with lab_err set. */
int report_svg(const struct report *r, size_t run, FILE *f);

const char *report_mark_name(enum report_mark m);

/* reversion.c: fills run->rev from the events of the run (lo..hi in log). */
int report_reversion(const struct evlog *log, size_t lo, size_t hi, const struct report_config *cfg,
                     const struct report_tunnel *tun, struct report_run *run);
void report_reversion_text(const struct report_run *run, FILE *f);
void report_reversion_json(struct json *j, const struct report_run *run);
/* ---- budget_check.c: measured outages against expect: max_outage ---- */

/* Fills run->budget from cfg->budget (nothing when NULL). 0 or -1 with lab_err. */
int report_budget_judge(struct report_run *run, const struct report_config *cfg);
/* Some flow of some run exceeded its budget (or never recovered). */
bool report_budget_failed(const struct report *r);
void report_budget_text(const struct report_run *run, FILE *f);
/* "budget": {"ok", "checks": [...]} or null when no budget applies. */
void report_budget_json(const struct report_run *run, struct json *j);
/* JUnit XML to path: one case per run x flow x direction x check (inside the lab's
 * window, within the budget). 0 or -1 with lab_err. */
int report_junit_write(const struct report *r, const char *path);

/* ---- loss_check.c: a `loss P%` run against the partial-loss model ---- */
#define REPORT_LOSS_SAMPLES 20000
#define REPORT_LOSS_RTT_S 0.001 /* veth pairs between namespaces */
/* Fills the run's loss fields (nothing for other kinds). 0 (a run that cannot be
 * predicted says why in loss_why) or -1 + lab_err. */
int report_loss_judge(struct report_run *r, const struct jevent *fault,
                      const struct report_config *cfg);
/* The sentence the run's mechanism carries after the measured times. */
size_t report_loss_explain(const struct report_run *r, char *buf, size_t len);
void report_loss_text(const struct report_run *r, FILE *f);
/* The run's "loss_model" value: null for other kinds (docs/json.md). */
void report_loss_json(const struct report_run *r, struct json *j);

/* ---- model_test.c: the runs against the lab model's distribution ---- */

/* Fewer runs are placed but not tested: with 2, KS rejects at 0.05 only when both
 * sit beyond the model's p84 (or below its p16), so "consistent" would say little. */
#define REPORT_MODEL_MIN_RUNS 3
#define REPORT_MODEL_SAMPLES 200000 /* simulated faults per distinct fault */
#define REPORT_MODEL_SEED 1

/* Fills r->model_tests when cfg->model_input is set and there are runs. A run or
 * direction that cannot be placed is not an error: its entry says why. 0 or -1
 * with lab_err (out of memory). Called by report_build. */
int report_model_tests(struct report *r, const struct report_config *cfg);
/* One sentence: the test's result and what it means. */
void report_model_meaning(const struct report_model_test *t, char *buf, size_t len);
void report_model_text(const struct report *r, FILE *f);
/* An array, one object per direction (docs/json.md, report.model_test). */
void report_model_json(const struct report *r, struct json *j);

#endif
