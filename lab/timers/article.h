/* The reference article's published experiment, in one place: its formula's parts,
 * the window they give, what it measured, and the one explanation of why RFC 4271
 * gives something else. Every output that shows the article (predict, fit, report
 * text and JSON) takes it from here, so they cannot drift apart.
 *
 * Real time, never scaled: a lab at time scale F shows them beside its own numbers
 * multiplied by F where it says so. The numbers are macros as well as data so that
 * usage texts can spell them (TIMERS_ARTICLE_STR). */
#ifndef LAB_TIMERS_ARTICLE_H
#define LAB_TIMERS_ARTICLE_H

#include <stddef.h>

#include "common/json.h"

/* The formula: keepalive K in [1 s, 10 s] + hold H 30 s + switch-over 1 s. */
#define TIMERS_ARTICLE_K_MIN_S 1
#define TIMERS_ARTICLE_K_MAX_S 10
#define TIMERS_ARTICLE_HOLD_S 30
#define TIMERS_ARTICLE_SWITCH_S 1
#define TIMERS_ARTICLE_MIN_S 32 /* K_MIN + HOLD + SWITCH */
#define TIMERS_ARTICLE_MAX_S 41 /* K_MAX + HOLD + SWITCH */
/* The two failovers it measured (seconds of lost pings). */
#define TIMERS_ARTICLE_MEASURED_0 36.7
#define TIMERS_ARTICLE_MEASURED_1 36.9

#define TIMERS_ARTICLE_STR_(x) #x
#define TIMERS_ARTICLE_STR(x) TIMERS_ARTICLE_STR_(x)

/* "32-41 s" and "36.7 s and 36.9 s", for prose. */
#define TIMERS_ARTICLE_WINDOW_TEXT                                                                 \
	TIMERS_ARTICLE_STR(TIMERS_ARTICLE_MIN_S) "-" TIMERS_ARTICLE_STR(TIMERS_ARTICLE_MAX_S) " s"
#define TIMERS_ARTICLE_MEASURED_TEXT                                                               \
	TIMERS_ARTICLE_STR(TIMERS_ARTICLE_MEASURED_0)                                              \
	" s and " TIMERS_ARTICLE_STR(TIMERS_ARTICLE_MEASURED_1) " s"
/* "36.7,36.9": the --measured argument of `labctl fit`. */
#define TIMERS_ARTICLE_MEASURED_ARG                                                                \
	TIMERS_ARTICLE_STR(TIMERS_ARTICLE_MEASURED_0)                                              \
	"," TIMERS_ARTICLE_STR(TIMERS_ARTICLE_MEASURED_1)

struct timers_article {
	double k_min_s, k_max_s, hold_s, switch_s;
	double min_s, max_s;
	double measured_s[2];
	size_t n_measured;
	const char *formula; /* "keepalive 1-10 s + hold 30 s + switch 1 s" */
	const char *why;     /* why RFC 4271 (and the lab) differ: one text everywhere */
};

extern const struct timers_article timers_article;

/* The "article" object of every JSON output (docs/timer-math.md): {"formula",
 * "min_s", "max_s", "measured_s": [...], "why_rfc4271_differs"}. */
void timers_article_json(struct json *j);

#endif
