/* BIRD's log into the node journal (docs/journal.md, src "bird").
 *
 * bird.conf has BIRD log with wall-clock microsecond stamps ("%F %T.%6f", local
 * time) and `debug protocols { states, events }`. For each BGP protocol
 * (named n_A_B_C_D after its neighbor) the lines that change the session are
 *   "<TRACE> n_...: BGP session established"  -> state to Established
 *   "<TRACE> n_...: BGP session closed"       -> state to Idle
 * with reason = the last "<RMT>"/"<ERR>" text of that protocol before it (e.g.
 * "Error: Hold timer expired", "Received: Administrative shutdown"), else the
 * line itself. Stamps become CLOCK_MONOTONIC by the offset between the two clocks
 * at conversion time (both are the machine's clocks; nothing steps them here).
 * Conversion is incremental: <node>/bird.log.pos holds the byte offset done. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/journal.h"

#define MAX_PROTOS 64

struct proto_reason {
	char name[48];
	char reason[160];
};

/* "2026-11-24 14:13:45.948634" -> ns since the epoch, or -1. */
static int64_t parse_stamp(const char *l)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *p = strptime(l, "%Y-%m-%d %H:%M:%S", &tm);
	if (!p || *p != '.')
		return -1;
	char *end;
	long us = strtol(p + 1, &end, 10);
	if (end - (p + 1) != 6)
		return -1;
	tm.tm_isdst = -1;
	time_t s = mktime(&tm);
	if (s == (time_t)-1)
		return -1;
	return (int64_t)s * NS_PER_SEC + us * 1000;
}

/* n_169_254_21_1 -> "169.254.21.1"; false for other protocol names. */
static bool proto_peer(const char *name, char *out, size_t len)
{
	unsigned a, b, c, d;
	char tail;
	if (sscanf(name, "n_%u_%u_%u_%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return false;
	snprintf(out, len, "%u.%u.%u.%u", a, b, c, d);
	return true;
}

static struct proto_reason *reason_slot(struct proto_reason *v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	if (*n == MAX_PROTOS)
		return NULL;
	struct proto_reason *r = &v[(*n)++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->reason[0] = 0;
	return r;
}

int bgp_svc_bird_log_convert(const char *text, size_t len, int64_t real_minus_mono, int fd)
{
	struct proto_reason reasons[MAX_PROTOS];
	size_t nr = 0;
	int count = 0;
	struct json j;
	json_init(&j);
	for (size_t off = 0; off < len;) {
		const char *l = text + off;
		const char *nl = memchr(l, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - l) : len - off;
		off += ll + (nl ? 1 : 0);
		char line[512];
		if (!nl || ll >= sizeof(line))
			continue; /* a partial last line waits for the next run */
		memcpy(line, l, ll);
		line[ll] = 0;
		/* "<date> <time> <CLASS> <proto>: <text>" */
		char *cls = strchr(line, '<');
		char *gt = cls ? strchr(cls, '>') : NULL;
		if (!gt || gt[1] != ' ')
			continue;
		char *name = gt + 2, *colon = strstr(name, ": ");
		if (!colon)
			continue;
		*colon = 0;
		const char *msg = colon + 2;
		char peer[INET_ADDRSTRLEN];
		if (!proto_peer(name, peer, sizeof(peer)))
			continue;
		struct proto_reason *r = reason_slot(reasons, &nr, name);
		if (!strncmp(cls, "<RMT>", 5) || !strncmp(cls, "<ERR>", 5)) {
			if (r)
				snprintf(r->reason, sizeof(r->reason), "%s", msg);
			continue;
		}
		const char *to = NULL;
		if (!strcmp(msg, "BGP session established"))
			to = "Established";
		else if (!strcmp(msg, "BGP session closed"))
			to = "Idle";
		if (!to)
			continue;
		int64_t real = parse_stamp(line);
		if (real < 0)
			continue;
		journal_begin(&j, real - real_minus_mono, "bird", "state");
		json_kv_str(&j, "peer", peer);
		json_kv_str(&j, "to", to);
		json_kv_str(&j, "reason",
		            r && r->reason[0] && !strcmp(to, "Idle") ? r->reason : msg);
		if (journal_write(fd, &j) == 0)
			count++;
		if (r)
			r->reason[0] = 0;
	}
	json_free(&j);
	return count;
}

static int64_t clock_offset(void)
{
	struct timespec r;
	int64_t m0 = mono_ns();
	clock_gettime(CLOCK_REALTIME, &r);
	int64_t m1 = mono_ns();
	return (int64_t)r.tv_sec * NS_PER_SEC + r.tv_nsec - (m0 + (m1 - m0) / 2);
}

int bgp_svc_bird_log_sync(const char *node_dir)
{
	char log[PATH_MAX], pos[PATH_MAX + 16], jpath[PATH_MAX + 16];
	snprintf(log, sizeof(log), "%.4000s/bird.log", node_dir);
	snprintf(pos, sizeof(pos), "%s.pos", log);
	snprintf(jpath, sizeof(jpath), "%.4000s/%s", node_dir, JOURNAL_FILE);
	char *text = NULL, *ptext = NULL;
	size_t len = 0, plen;
	if (read_file(log, &text, &len) < 0)
		return 0; /* BIRD has not logged yet */
	size_t done = 0;
	if (read_file(pos, &ptext, &plen) == 0) {
		done = (size_t)strtoull(ptext, NULL, 10);
		free(ptext);
	}
	if (done > len)
		done = 0; /* a new log */
	/* only whole lines: stop after the last newline */
	size_t end = len;
	while (end > done && text[end - 1] != '\n')
		end--;
	int rc = 0;
	if (end > done) {
		int fd = journal_open(jpath);
		if (fd < 0) {
			rc = lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s", jpath);
		} else {
			rc = bgp_svc_bird_log_convert(text + done, end - done, clock_offset(), fd);
			close(fd);
			char buf[32];
			int n = snprintf(buf, sizeof(buf), "%zu\n", end);
			if (write_file_atomic(pos, buf, (size_t)n, 0600) < 0)
				rc = lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", pos);
		}
	}
	free(text);
	return rc;
}
