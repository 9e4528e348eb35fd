/* The journals as `labctl watch` follows them: each node's events.jsonl read from
 * where the last look stopped (complete lines only: a writer's line in flight is
 * read next time), feeding the probe flows' last send and reply and the list of
 * newest events. Probe sends, echoes and replies and BGP KEEPALIVEs are counted
 * into the flows and sessions views but kept out of the event list: at ten probes
 * a second per flow they would push everything else off the screen. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/monotime.h"
#include "report/evlog.h"
#include "watch/watch.h"

/* On the first look only the end of a journal matters: the flows' last replies
 * and the newest events. A probe journal grows by about 100 KB a second. */
#define FIRST_READ_BYTES (512 * 1024)
#define READ_MAX (8 * 1024 * 1024)

static struct watch_flow *flow_of(struct watch *w, const char *probe, long flow, const char *dir)
{
	for (size_t i = 0; i < w->n_flows; i++) {
		struct watch_flow *f = &w->flows[i];
		if (f->flow == flow && !strcmp(f->probe, probe) && !strcmp(f->dir, dir))
			return f;
	}
	if (w->n_flows == WATCH_MAX_FLOWS)
		return NULL;
	struct watch_flow *f = &w->flows[w->n_flows++];
	memset(f, 0, sizeof(*f));
	snprintf(f->probe, sizeof(f->probe), "%s", probe);
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	f->flow = flow;
	f->interval_ns = 100 * NS_PER_MS;
	/* The flows of one probe and direction share its start event's interval. */
	for (size_t i = 0; i + 1 < w->n_flows; i++)
		if (!strcmp(w->flows[i].probe, probe) && !strcmp(w->flows[i].dir, dir))
			f->interval_ns = w->flows[i].interval_ns;
	return f;
}

static void probe_event(struct watch *w, const struct jevent *e)
{
	const char *probe = jev_str(e, "probe"), *dir = jev_str(e, "dir");
	int64_t flow = 0;
	if (!probe || !dir)
		return;
	if (!strcmp(e->ev, "start")) {
		int64_t iv, nflows = 1;
		if (!jev_int(e, "interval_ns", &iv) || iv <= 0)
			return;
		jev_int(e, "flows", &nflows);
		for (int64_t k = 0; k < nflows && k < WATCH_MAX_FLOWS; k++) {
			struct watch_flow *f = flow_of(w, probe, (long)k, dir);
			if (f)
				f->interval_ns = iv;
		}
		return;
	}
	bool send = !strcmp(e->ev, "send"), reply = !strcmp(e->ev, "reply");
	if ((!send && !reply) || !jev_int(e, "flow", &flow))
		return;
	struct watch_flow *f = flow_of(w, probe, (long)flow, dir);
	if (!f)
		return;
	int64_t *slot = send ? &f->last_send_t : &f->last_reply_t;
	if (e->t > *slot)
		*slot = e->t;
}

static bool quiet_event(const struct jevent *e)
{
	if (!strcmp(e->src, "probe"))
		return strcmp(e->ev, "start") && strcmp(e->ev, "stop");
	if (!strcmp(e->src, "bgp") && (!strcmp(e->ev, "rx") || !strcmp(e->ev, "tx"))) {
		const char *type = jev_str(e, "type");
		return type && !strcmp(type, "keepalive");
	}
	return false;
}

static void describe(const struct jevent *e, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s %s", e->src, e->ev);
	const char *from = jev_str(e, "from"), *to = jev_str(e, "to");
	const char *peer = jev_str(e, "peer");
	if (!strcmp(e->ev, "state") && to) {
		snprintf(buf + n, len - n, " %s %s%s-> %s%s%s%s", peer ? peer : "",
		         from ? from : "", from ? " " : "", to, jev_str(e, "reason") ? " (" : "",
		         jev_str(e, "reason") ? jev_str(e, "reason") : "",
		         jev_str(e, "reason") ? ")" : "");
		return;
	}
	/* Any other event: its fields as key=value, in the order written. */
	for (uint32_t i = 0; i < e->nf && n + 4 < len; i++) {
		const struct jfield *f = &e->f[i];
		if (!strcmp(f->key, "t") || !strcmp(f->key, "src") || !strcmp(f->key, "ev") ||
		    f->type == JV_NULL || !f->str)
			continue;
		n += (size_t)snprintf(buf + n, len - n, " %s=%s", f->key, f->str);
	}
	if (n >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* Keeps the WATCH_EVENTS newest, sorted newest first. */
static void remember(struct watch *w, const struct jevent *e, const char *node)
{
	size_t n = w->n_events;
	if (n == WATCH_EVENTS && e->t <= w->events[n - 1].t)
		return;
	size_t at = 0;
	while (at < n && w->events[at].t >= e->t)
		at++;
	if (n == WATCH_EVENTS)
		n--;
	char text[sizeof(w->events[0].text)];
	describe(e, text, sizeof(text));
	/* The same event in several journals (labctl's up-ready goes to every node's)
	 * is shown once: same text within 100 ms. */
	for (size_t i = 0; i < w->n_events; i++)
		if (llabs(w->events[i].t - e->t) < 100 * NS_PER_MS &&
		    !strcmp(w->events[i].text, text))
			return;
	memmove(&w->events[at + 1], &w->events[at], (n - at) * sizeof(w->events[0]));
	struct watch_event *x = &w->events[at];
	x->t = e->t;
	snprintf(x->node, sizeof(x->node), "%s", node);
	memcpy(x->text, text, sizeof(text));
	w->n_events = n + 1;
}

static void read_journal(struct watch *w, struct watch_journal *j)
{
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return;
	}
	bool first = j->offset < 0;
	if (first || (long long)st.st_ino != j->inode || st.st_size < j->offset) {
		j->inode = (long long)st.st_ino;
		j->offset =
		    first && st.st_size > FIRST_READ_BYTES ? st.st_size - FIRST_READ_BYTES : 0;
	}
	long long want = st.st_size - j->offset;
	if (want <= 0) {
		close(fd);
		return;
	}
	if (want > READ_MAX) { /* fell far behind: skip to what is recent */
		j->offset = st.st_size - READ_MAX;
		want = READ_MAX;
	}
	char *buf = malloc((size_t)want + 1);
	ssize_t got = buf ? pread(fd, buf, (size_t)want, j->offset) : -1;
	close(fd);
	if (got <= 0) {
		free(buf);
		return;
	}
	buf[got] = 0;
	char *p = buf, *end = buf + got;
	/* Started mid-file: the first line is a fragment. */
	if (j->offset > 0 && first) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	for (;;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		struct jevent e;
		if (nl > p && jevent_parse(p, (size_t)(nl - p), &e) == 0) {
			if (!strcmp(e.src, "probe"))
				probe_event(w, &e);
			if (!quiet_event(&e))
				remember(w, &e, j->node);
			jevent_free(&e);
		}
		p = nl + 1;
	}
	j->offset += p - buf;
	free(buf);
}

void watch_journals_read(struct watch *w)
{
	for (size_t i = 0; i < w->n_journals; i++)
		read_journal(w, &w->journals[i]);
}

void watch_flows_update(struct watch *w)
{
	for (size_t i = 0; i < w->n_flows; i++) {
		struct watch_flow *f = &w->flows[i];
		/* Lost: probes went out for three intervals after the last reply (one
		 * late reply is not an outage; a stopped probe is not one either). */
		f->lost =
		    f->last_send_t > 0 && f->last_send_t - f->last_reply_t >= 3 * f->interval_ns;
		f->outage_ns = f->lost && f->last_reply_t > 0 ? w->now - f->last_reply_t : 0;
	}
}
