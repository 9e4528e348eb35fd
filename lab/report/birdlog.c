/* BIRD's own log as journal events, for labs whose journals carry none from BIRD.
 *
 * The bgp service has BIRD log with microsecond wall-clock stamps ("%F %T.%6f") to
 * <node>/bird.log. They are moved onto CLOCK_MONOTONIC with the offset between the
 * two clocks now, which holds as long as the wall clock was not stepped in between
 * (good to well under a millisecond on a lab machine). Only the lines the report
 * needs become events (src bird):
 *   "<proto>: Error: Hold timer expired" -> state, to Idle, reason = the text
 *   "<proto>: BGP session established"  -> state, to Established
 *   "<proto>: Down"                     -> down: the protocol stopped and its routes
 *                                          were withdrawn from the other sessions
 * Protocol names n_A_B_C_D are the bgp service's for neighbor A.B.C.D. */
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/journal.h"
#include "report/evlog.h"

static int64_t wall_to_mono_offset(void)
{
	struct timespec r, m;
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return ((int64_t)r.tv_sec - m.tv_sec) * NS_PER_SEC + (r.tv_nsec - m.tv_nsec);
}

static void peer_of(const char *proto, char *buf, size_t len)
{
	buf[0] = '\0';
	if (strncmp(proto, "n_", 2))
		return;
	snprintf(buf, len, "%s", proto + 2);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = '.';
}

/* One event line into out through the journal's own builder. reason may be NULL. */
static void put_event(FILE *out, struct json *j, int64_t t, const char *ev, const char *peer,
                      const char *to, const char *reason)
{
	journal_begin(j, t, "bird", ev);
	json_kv_str(j, "peer", peer);
	if (to)
		json_kv_str(j, "to", to);
	if (reason)
		json_kv_str(j, "reason", reason);
	json_obj_end(j);
	json_fputs(j, out);
}

int evlog_add_bird_log(struct evlog *l, const char *path, const char *node, bool states, bool downs)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0
		                       : lab_err_errno(LAB_EXIT_FAIL, errno, "reading %s", path);
	int64_t off = wall_to_mono_offset();
	/* Lines go through the ordinary journal parser, from memory. */
	char *buf = NULL;
	size_t blen = 0;
	FILE *out = open_memstream(&buf, &blen);
	if (!out) {
		fclose(f);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	struct json j;
	json_init(&j);
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		struct tm tm = {0};
		int usec = 0, used = 0;
		if (sscanf(line, "%d-%d-%d %d:%d:%d.%6d %*s %n", &tm.tm_year, &tm.tm_mon,
		           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &usec, &used) < 7 ||
		    !used)
			continue;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_isdst = -1;
		time_t secs = mktime(&tm); /* BIRD writes local time */
		if (secs == (time_t)-1)
			continue;
		int64_t t = (int64_t)secs * NS_PER_SEC + (int64_t)usec * 1000 - off;
		char *msg = line + used, *colon = strstr(msg, ": ");
		if (!colon)
			continue;
		*colon = '\0';
		char peer[64];
		peer_of(msg, peer, sizeof(peer));
		if (!peer[0])
			continue;
		char *rest = colon + 2;
		rest[strcspn(rest, "\r\n")] = '\0';
		bool is_down = !strcmp(rest, "Down");
		if (is_down ? !downs : !states)
			continue;
		if (strstr(rest, "Hold timer expired"))
			put_event(out, &j, t, "state", peer, "Idle", rest);
		else if (!strcmp(rest, "BGP session established"))
			put_event(out, &j, t, "state", peer, "Established", rest);
		else if (!strcmp(rest, "Down"))
			put_event(out, &j, t, "down", peer, NULL, NULL);
	}
	json_free(&j);
	fclose(f);
	int rc = 0;
	if (fclose(out) != 0)
		rc = lab_err(LAB_EXIT_FAIL, "out of memory reading %s", path);
	FILE *in = rc == 0 && blen ? fmemopen(buf, blen, "r") : NULL;
	if (in) {
		rc = evlog_add_stream(l, in, path, node);
		fclose(in);
	}
	free(buf);
	return rc;
}
