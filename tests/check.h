/* Minimal test harness shared by every C test: a failed CHECK prints where and
 * what, the test continues, and check_done() turns the count into the exit code.
 * Exit 77 is meson's "skipped": check_skip() with the reason, and only for a machine
 * prerequisite the test checked before trying (root, an installed binary, a kernel
 * feature). Anything else that stops a test before its checks (a missing argument,
 * a scratch directory, a lab that does not come up) is check_broken(): a failure.
 * docs/testing.md has the policy; scripts/skip-guard enforces it in CI. */
#ifndef LAB_TESTS_CHECK_H
#define LAB_TESTS_CHECK_H

#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		check_count++;                                                                     \
		if (!(cond)) {                                                                     \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                       \
		check_count++;                                                                     \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_)) {                        \
			check_failures++;                                                          \
			fprintf(stderr,                                                            \
			        "%s:%d: CHECK_STR failed:\n  got:      %s\n  expected: %s\n",      \
			        __FILE__, __LINE__, check_a_ ? check_a_ : "(null)",                \
			        check_b_ ? check_b_ : "(null)");                                   \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
		check_count++;                                                                     \
		if (check_a_ != check_b_) {                                                        \
			check_failures++;                                                          \
			fprintf(stderr, "%s:%d: CHECK_INT failed: %s = %lld, expected %lld\n",     \
			        __FILE__, __LINE__, #a, check_a_, check_b_);                       \
		}                                                                                  \
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

/* The test cannot get to its checks on a machine that has what it needs: report
 * why and fail (exit 1), never skip. */
static inline int check_broken(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int check_broken(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	return 1;
}

/* A test that builds something outside itself (a lab, namespaces) registers how
 * to remove it here: meson's timeout sends SIGTERM, an operator SIGINT, and the
 * test must not leave its lab behind then either. The cleanup runs in the signal
 * handler: test code only, where system() and friends are an accepted risk next
 * to a leaked lab. */
static void (*check_cleanup_fn)(void);

static void check_on_signal(int sig)
{
	signal(sig, SIG_DFL);
	fprintf(stderr, "FAIL: stopped by signal %d; cleaning up\n", sig);
	if (check_cleanup_fn)
		check_cleanup_fn();
	_exit(1);
}

static inline void check_cleanup_on_signal(void (*fn)(void))
{
	check_cleanup_fn = fn;
	signal(SIGTERM, check_on_signal);
	signal(SIGINT, check_on_signal);
	signal(SIGHUP, check_on_signal);
}

static inline int check_skip(const char *reason)
{
	printf("SKIP: %s\n", reason);
	fprintf(stderr, "SKIP: %s\n", reason);
	return 77;
}

#endif
