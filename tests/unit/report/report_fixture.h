/* What the report tests share: journal lines written into a lab-like directory,
 * dual-tunnel's two tunnels as the report sees them, and the text report as a
 * string. */
#ifndef TESTS_REPORT_FIXTURE_H
#define TESTS_REPORT_FIXTURE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/monotime.h"
#include "report/report.h"

#define S(x) ((int64_t)((x)*1000) * NS_PER_MS) /* seconds (ms precision) -> ns */

/* Appends {"t":T,FIELDS} to DIR/NODE/events.jsonl (the node directory made). */
static inline void rf_line(const char *dir, const char *node, int64_t t, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline void rf_line(const char *dir, const char *node, int64_t t, const char *fmt, ...)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", dir, node);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/%s/events.jsonl", dir, node);
	FILE *f = fopen(p, "a");
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(f, "{\"t\":%lld,", (long long)t);
	vfprintf(f, fmt, ap);
	fprintf(f, "}\n");
	va_end(ap);
	fclose(f);
}

/* dual-tunnel's tunnels: ends, inner addresses, which end runs BIRD, the router
 * and underlay address behind each end. */
static const struct report_tunnel rf_tunnels[] = {
    {"tunnel0",
     {"ali-vpn0", "azure-vpn0"},
     {"169.254.21.1", "169.254.21.2"},
     {false, true},
     {{"10.0.255.2", "198.51.100.1"}, {"172.16.200.2", "203.0.113.1"}},
     {2, 2}},
    {"tunnel1",
     {"ali-vpn1", "azure-vpn1"},
     {"169.254.21.5", "169.254.21.6"},
     {false, true},
     {{"10.0.254.2", "198.51.100.5"}, {"172.16.200.6", "203.0.113.5"}},
     {2, 2}},
};

/* report_text into a malloc'd string (free it). */
static inline char *rf_text(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	report_text(r, f);
	fclose(f);
	return buf;
}

#endif
