/* JUnit XML, the verdict format CI systems read (Jenkins, GitLab, GitHub test
 * reporters): <testsuites> of <testsuite> of <testcase>, a failed check carrying a
 * <failure message="..."> with its numbers, a passed one its numbers in
 * <system-out>. Generic: predict, failover, compare and scenario runs each add
 * their own suites and cases. The element structure is the de-facto schema of
 * Ant's XMLJUnitResultFormatter as Jenkins' junit-4.xsd describes it; the repo's
 * tests validate against tests/junit.xsd. Written with libxml2's xmlwriter. */
#ifndef LAB_REPORT_JUNIT_H
#define LAB_REPORT_JUNIT_H

#include <stdbool.h>
#include <stddef.h>

enum junit_status { JUNIT_PASS, JUNIT_FAIL, JUNIT_SKIP };

struct junit_case {
	char *classname; /* dotted: "predict.lab.rtt", "failover.run1.ecs-vm.flow0.fwd" */
	char *name;      /* the check: "within the budget", "inside the lab window" */
	char *message;   /* the numbers (passed, failed), or why it does not apply (skipped) */
	enum junit_status status;
};

struct junit_suite {
	char *name;
	struct junit_case *cases;
	size_t n;
};

struct junit {
	char *name; /* <testsuites name> */
	struct junit_suite *suites;
	size_t n;
};

/* 0 or -1 with lab_err (out of memory). */
int junit_init(struct junit *j, const char *name);
/* Starts a suite; the cases that follow belong to it. */
int junit_suite(struct junit *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a case to the last suite (one is started, named after the document, if
 * there is none). message: the numbers, e.g. "worst case 41.9 s, max_outage 30 s". */
int junit_case(struct junit *j, const char *classname, const char *name,
	       enum junit_status status, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Cases in the document; *failures and *skipped (either may be NULL) of them. */
size_t junit_count(const struct junit *j, size_t *failures, size_t *skipped);
/* Writes the document to path ("-": stdout), atomically, mode 0644. 0 or -1 with
 * lab_err (exit code 1). */
int junit_write(const struct junit *j, const char *path);
void junit_free(struct junit *j);

#endif
