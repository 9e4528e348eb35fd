/* The one clock every event is stamped with: CLOCK_MONOTONIC in nanoseconds.
 * Journals from different processes and namespaces are merged on it, so nothing
 * may use wall-clock time for ordering. */
#ifndef LAB_COMMON_CLOCK_H
#define LAB_COMMON_CLOCK_H

#include <stdint.h>

#define NS_PER_SEC 1000000000LL
#define NS_PER_MS 1000000LL

int64_t mono_ns(void);
/* Sleeps until the given CLOCK_MONOTONIC instant (absolute, immune to drift). */
void sleep_until_ns(int64_t deadline);
void sleep_ns(int64_t ns);

#endif
