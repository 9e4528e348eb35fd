/* Outage budgets against predicted windows: which model's worst case (the upper
 * end of its window) exceeds the longest outage the topology's owner accepts, in
 * which direction and by how much. Pure, like the rest of timers/: `labctl
 * predict --max-outage` gates a CI pipeline on it without root or a lab. */
#ifndef LAB_TIMERS_BUDGET_H
#define LAB_TIMERS_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "timers/timers.h"

struct json;
struct topo;

/* A limit per direction (fwd, rev, rtt); unset directions are not checked. */
struct timers_budget {
	bool set[TIMERS_NDIR];
	double max_s[TIMERS_NDIR];
};

struct timers_budget_check {
	char model[TIMERS_NAME_MAX];
	enum timers_dir dir;
	double limit_s;
	double worst_s; /* the window's upper end; INFINITY: the outage never ends */
	bool ok;        /* worst_s <= limit_s */
};

/* The budget of probe `probe` of t (TOPO_NONE: the topology's own), as topo_budget_get
 * gives it, in seconds. false if t sets none. */
bool timers_budget_from_topo(const struct topo *t, uint32_t probe, struct timers_budget *out);

/* One check per model named in `models` (NULL-terminated; NULL = the `lab` model
 * only) x direction with a limit, in model then direction order, into out (at most
 * max). Returns the number of checks, or -1 with lab_err (exit 2) for a model
 * name the prediction lacks. */
int timers_budget_check(const struct timers_prediction *p, const char *const *models,
                        const struct timers_budget *b, struct timers_budget_check *out, size_t max);

/* One line: "over budget: model lab, rtt: worst case 41.9 s exceeds max_outage 30 s
 * by 11.9 s" (the largest excess; the others counted), or "within budget: ..." with
 * the smallest margin. Returns true when every check passed. n == 0: "no budget". */
bool timers_budget_verdict(const struct timers_budget_check *c, size_t n, char *buf, size_t len);

/* {"ok", "verdict", "checks": [{"model", "dir", "max_outage_s", "worst_s", "ok",
 * "excess_s"}]} (worst_s null when the outage never ends). */
void timers_budget_json(struct json *j, const struct timers_budget_check *c, size_t n);

#endif
