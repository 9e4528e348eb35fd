/* What `labctl predict` adds for CI: an outage budget (--max-outage or the
 * topology's expect: key) with a one-line verdict and exit code 1 when the worst
 * case exceeds it, JUnit XML (--junit), and sweeps over topology values (--sweep,
 * text table, JSON, SVG plot). predict.c parses its own options and hands these
 * over. */
#ifndef LAB_CLI_PREDICT_GATE_H
#define LAB_CLI_PREDICT_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/timers_cli.h"
#include "timers/budget.h"
#include "timers/timers.h"

struct predict_gate {
	bool have_max;
	double max_s; /* --max-outage */
	bool have_dir;
	enum timers_dir dir; /* --direction: the direction --max-outage applies to */
	const char *models[TIMERS_MAX_MODELS + 1]; /* --model, NULL-terminated; none: lab */
	size_t n_models;
	const char *junit, *svg;
	const char *sweep[2];
	size_t n_sweep;
	double scale; /* --time-scale, set by predict.c */
};

/* Options this module owns; predict.c's getopt table includes them. */
#define PREDICT_GATE_OPTIONS                                                                       \
	{"max-outage", required_argument, NULL, 1001}, {"model", required_argument, NULL, 1002},   \
	    {"junit", required_argument, NULL, 1003}, {"sweep", required_argument, NULL, 1004},    \
	{                                                                                          \
		"svg", required_argument, NULL, 1005                                               \
	}

#define PREDICT_GATE_USAGE                                                                         \
	"  --max-outage DUR the budget: exit 1 when a model's worst case exceeds it\n"             \
	"                   (default: the topology's expect: max_outage; 40, 40s, 1m)\n"           \
	"                   --direction D (above) also limits --max-outage to D\n"                 \
	"  --model M        the model the budget gates (default lab; repeat, or all)\n"            \
	"  --junit FILE     JUnit XML: one case per model x direction within the budget\n"         \
	"  --sweep KEY=FROM..TO[:STEP]  the windows as a topology value varies (twice:\n"          \
	"                   a grid); KEY: bgp.hold, bgp.keepalive, route_programming_delay,\n"     \
	"                   nodes.NODE.bgp.timers.hold|keepalive,\n"                               \
	"                   nodes.NODE.bgp.route_programming_delay, tunnels.NAME.ike.dpd\n"        \
	"  --svg FILE       with --sweep: the plot (a heat map for a grid)\n"

/* Handles one of PREDICT_GATE_OPTIONS (and --direction). 0, or -1 + lab_err(2). */
int predict_gate_option(struct predict_gate *g, int opt, const char *arg);

/* The checks of pred against the budget (--max-outage, else the topology's for the
 * probe the model follows), into out[max]. Returns how many, or -1 + lab_err. */
int predict_gate_checks(const struct predict_gate *g, const struct timers_cli_topo *ct,
                        const struct timers_prediction *pred, struct timers_budget_check *out,
                        size_t max);

/* Prints the verdict (stdout, or stderr when stdout carries JSON), writes --junit.
 * Returns the exit code (0 within, 1 over) or -1 + lab_err. */
int predict_gate_finish(const struct predict_gate *g, const struct timers_cli_topo *ct,
                        const struct timers_budget_check *c, size_t n, bool json);

/* --sweep: loads the topology again unscaled, runs the sweep, prints the table (or
 * the JSON document), writes --svg. 0 or -1 + lab_err. */
struct timers_sweep;
int predict_gate_sweep(const struct predict_gate *g, const char *topology, const char *tunnel,
                       const char *fault, uint32_t fault_side, double scale,
                       const struct timers_cli_topo *ct, const struct timers_budget_check *c,
                       size_t n, bool json);

#endif
