/* Faults: break one thing in a running lab, remember exactly what was changed, and
 * undo exactly that on heal.
 *
 * Every inject and heal is journaled (src fault) in the journal of the node it acts
 * on, and every active fault is a file under <lab dir>/faults/ written BEFORE the
 * change is made, so a heal after a crash of labctl still finds it. A fault against
 * a target that does not exist changes nothing and fails with exit code 2, naming
 * what exists. */
#ifndef LAB_FAULT_FAULT_H
#define LAB_FAULT_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/lab_view.h"

enum fault_kind {
	FAULT_IKE_MISMATCH, /* TARGET tunnel: end 0 reloads a proposal end 1 refuses */
	FAULT_BLACKHOLE,    /* TARGET tunnel: the underlay drops its IKE and ESP */
	FAULT_LINK_DOWN,    /* TARGET gateway node: its uplink loses carrier */
	FAULT_KILL,         /* TARGET node[:charon|bgpd|bird]: SIGKILL */
	FAULT_LOSS,         /* TARGET tunnel, P%: random loss of its underlay packets */
	FAULT_DELAY,        /* TARGET tunnel, ms: netem on the underlay (if the kernel has it) */
	FAULT_NKINDS,
};

struct fault_req {
	enum fault_kind kind;
	char target[64];
	double param; /* loss: percent; delay: milliseconds */
};

/* "kind" [param] "target" as the CLI takes them: argv points at KIND. Consumes 2 or 3
 * words (*used). 0 or -1 with lab_err (exit 2). */
int fault_req_parse(int argc, char **argv, struct fault_req *r, int *used);
const char *fault_kind_name(enum fault_kind k);
/* Loss and delay: the path degrades but stays up, so there is no recovery to wait
 * for; an experiment holds them for a duration instead. */
bool fault_kind_grey(enum fault_kind k);

/* One fault as it was injected or healed: what `labctl fault`/`heal --json` print
 * (fault_info_json, docs/json.md "fault"). */
struct fault_info {
	char kind[16];
	char target[64];
	char tunnel[32]; /* the tunnel it acts on, "" if none */
	char node[32];   /* the node whose journal records it */
	double param;    /* loss: percent; delay: milliseconds; else 0 */
	char detail[512];
	int64_t t_ns;    /* CLOCK_MONOTONIC when the change began: the journal's "t" */
	int64_t wall_ns; /* CLOCK_REALTIME at the same moment, for people and logs */
};

/* Injects. detail (may be NULL) receives what was done, for the caller's output. */
int fault_inject(struct lab_view *v, const struct fault_req *r, char *detail, size_t dlen);
/* The same, the whole fault in *info (may be NULL). */
int fault_inject_info(struct lab_view *v, const struct fault_req *r, struct fault_info *info);

/* Heals every active fault, or those whose target is `target`, newest first.
 * *healed: how many. No active fault is not an error (0 healed). */
int fault_heal(struct lab_view *v, const char *target, size_t *healed);
/* The same, calling each (if not NULL) with every fault once it is healed. */
int fault_heal_each(struct lab_view *v, const char *target, size_t *healed,
                    void (*each)(const struct fault_info *f, void *arg), void *arg);

/* A fault as one JSON object (docs/json.md "fault"). */
struct json;
void fault_info_json(struct json *j, const struct fault_info *f);

/* How many faults are active (files under faults/). */
size_t fault_active_count(const struct lab_view *v);

#endif
