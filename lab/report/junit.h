/* JUnit XML, the verdict format CI test reporters read (Jenkins, GitLab, GitHub
 * reporters): one <testsuite> of <testcase>s inside <testsuites>, each passed,
 * failed (with the numbers as its message) or skipped (with why). Generic: predict,
 * failover, compare and scenario runs each fill an array of cases. The element
 * structure is Ant's XMLJUnitResultFormatter's as Jenkins' junit-4.xsd describes it;
 * the tests validate against tests/junit.xsd. Written with libxml2's xmlwriter. */
#ifndef LAB_REPORT_JUNIT_H
#define LAB_REPORT_JUNIT_H

#include <stddef.h>
#include <stdio.h>

struct junit_case {
	const char *name;      /* the check: "within the budget" */
	const char *classname; /* where: "dual-tunnel.ecs-vm.lab.rtt" */
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
