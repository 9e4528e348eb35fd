/* Probe samples joined from journal lines: each send with its echo (arrival at the
 * other end) and its reply, keyed by probe, direction, session, flow and sequence. */
#ifndef LAB_REPORT_SAMPLES_H
#define LAB_REPORT_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/evlog.h"

#define SAMPLES_MAX_PD 64

struct psample {
	uint16_t pd;      /* index into samples.pd */
	uint16_t session; /* nth start of that probe end */
	uint16_t flow;
	uint32_t seq;
	uint32_t ord;                    /* order of sending within (pd, flow), across sessions */
	int64_t sent_t, echo_t, reply_t; /* 0: not seen */
	bool decided; /* false: sent too close to the end of the journals to judge */
};

struct pdinfo {
	char probe[32];
	uint8_t dir;
	uint16_t sessions;
	int64_t interval_ns;
	bool stopped; /* the current session ended with a stop event */
	uint32_t next_ord[256];
};

struct samples {
	struct psample *v;
	size_t n, cap;
	struct pdinfo pd[SAMPLES_MAX_PD];
	size_t n_pd;
	uint64_t *hkeys; /* open addressing: key+1, 0 = empty */
	uint32_t *hidx;
	size_t hcap;
};

/* Joins every probe event of the log. 0 or -1 with lab_err set. */
int samples_collect(const struct evlog *log, struct samples *s);
void samples_free(struct samples *s);

/* A probe answered (or arriving) later than this after its send counts as lost:
 * it sat in a queue while the path was down. max(50 ms, 2 x interval). */
int64_t samples_late_ns(int64_t interval_ns);

#endif
