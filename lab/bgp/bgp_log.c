/* One diagnostics helper for the speaker (see bgp_log.h). */
#include "bgp_log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "bgpd_config.h"

static enum bgp_log_level max_level = BGP_LOG_INFO;

void bgp_log_set_level(enum bgp_log_level max)
{
	max_level = max;
}

enum bgp_log_level bgp_log_level(void)
{
	return max_level;
}

static const char *level_name(enum bgp_log_level lv)
{
	switch (lv) {
	case BGP_LOG_ERR: return "error";
	case BGP_LOG_WARN: return "warning";
	case BGP_LOG_INFO: return "info";
	default: return "debug";
	}
}

char *bgp_log_format(char *buf, size_t size, enum bgp_log_level lv,
                     const struct bgp_neighbor_config *nb, int err, const char *fmt, va_list ap)
{
	size_t n = (size_t)snprintf(buf, size, "labctl-bgpd: %s: ", level_name(lv));
	if (nb && n < size) {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &nb->addr, a, sizeof(a));
		n += (size_t)snprintf(buf + n, size - n, "neighbor %s (AS %u): ", a, nb->remote_as);
	}
	if (n < size)
		n += (size_t)vsnprintf(buf + n, size - n, fmt, ap);
	if (err && n < size)
		snprintf(buf + n, size - n, ": %s", strerror(err));
	return buf;
}

static void emit(enum bgp_log_level lv, const struct bgp_neighbor_config *nb, int err,
                 const char *fmt, va_list ap)
{
	if (lv > max_level)
		return;
	/* One fputs per line: lines from one process never interleave mid-line. */
	char line[1024];
	bgp_log_format(line, sizeof(line) - 1, lv, nb, err, fmt, ap);
	strcat(line, "\n");
	fputs(line, stderr);
}

void bgp_log(enum bgp_log_level lv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(lv, NULL, 0, fmt, ap);
	va_end(ap);
}

void bgp_log_errno(enum bgp_log_level lv, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(lv, NULL, err, fmt, ap);
	va_end(ap);
}

void bgp_log_peer(enum bgp_log_level lv, const struct bgp_neighbor_config *nb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(lv, nb, 0, fmt, ap);
	va_end(ap);
}

void bgp_log_peer_errno(enum bgp_log_level lv, const struct bgp_neighbor_config *nb, int err,
                        const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(lv, nb, err, fmt, ap);
	va_end(ap);
}
