/* JUnit XML, the format CI test reporters read (GitLab, Jenkins, GitHub actions'
 * reporters): one <testsuite> of <testcase>s, each passed, failed (with a message)
 * or skipped. Generic on purpose: `labctl run` writes one testcase per
 * expectation; budgets and predictions can write theirs with the same call. */
#ifndef LAB_REPORT_JUNIT_H
#define LAB_REPORT_JUNIT_H

#include <stddef.h>
#include <stdio.h>

struct junit_case {
	const char *name;      /* e.g. "scenarios/article.yaml:13 outage inside the lab window" */
	const char *classname; /* e.g. "labctl.scenario.article" */
	double time_s;         /* 0 when not measured */
	const char *failure;   /* NULL: passed; else the message (the numbers) */
	const char *skipped;   /* NULL, or why it was not judged */
};

/* Writes the document to f. 0, or -1 on a write error (errno set). Text is
 * escaped for XML; characters XML 1.0 cannot carry become '?'. */
int junit_write(FILE *f, const char *suite, const struct junit_case *cases, size_t n,
                double time_s);
/* The same into path (0644, replaced atomically). 0, or -1 with lab_err set. */
int junit_write_file(const char *path, const char *suite, const struct junit_case *cases, size_t n,
                     double time_s);

#endif
