/* Minimal test harness shared by every C test: a failed CHECK prints where and
 * what, the test continues, and check_done() turns the count into the exit code.
 * Exit 77 is meson's "skipped": use check_skip() with the reason. */
#ifndef LAB_TESTS_CHECK_H
#define LAB_TESTS_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		check_count++;                                                         \
		if (!(cond)) {                                                         \
			check_failures++;                                              \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                                \
	do {                                                                           \
		const char *check_a_ = (a), *check_b_ = (b);                           \
		check_count++;                                                         \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) {            \
			check_failures++;                                              \
			fprintf(stderr, "%s:%d: CHECK_STR failed:\n  got:      %s\n  expected: %s\n", \
				__FILE__, __LINE__, check_a_ ? check_a_ : "(null)",    \
				check_b_ ? check_b_ : "(null)");                        \
		}                                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                                \
	do {                                                                           \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);        \
		check_count++;                                                         \
		if (check_a_ != check_b_) {                                            \
			check_failures++;                                              \
			fprintf(stderr, "%s:%d: CHECK_INT failed: %s = %lld, expected %lld\n", \
				__FILE__, __LINE__, #a, check_a_, check_b_);            \
		}                                                                      \
	} while (0)

static inline int check_done(void)
{
	if (check_count == 0) {
		fprintf(stderr, "no checks ran\n");
		return 1;
	}
	fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

static inline int check_skip(const char *reason)
{
	printf("SKIP: %s\n", reason);
	fprintf(stderr, "SKIP: %s\n", reason);
	return 77;
}

#endif
