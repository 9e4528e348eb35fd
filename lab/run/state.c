/* Reading the intent log back (docs/run-dir.md lists the line kinds). Unknown or
 * truncated lines are skipped: the log may end mid-way after a SIGKILL, and `down`
 * must still find everything before that point. */
#include "run/run.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"

static int add_netns(struct run_state *st, const char *name)
{
	for (size_t i = 0; i < st->n_netns; i++)
		if (!strcmp(st->netns[i], name))
			return 0;
	char(*v)[64] = realloc(st->netns, (st->n_netns + 1) * sizeof(*v));
	if (!v)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	st->netns = v;
	snprintf(st->netns[st->n_netns++], sizeof(v[0]), "%s", name);
	return 0;
}

static int add_proc(struct run_state *st, const struct run_proc *p)
{
	struct run_proc *v = realloc(st->procs, (st->n_procs + 1) * sizeof(*v));
	if (!v)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	st->procs = v;
	st->procs[st->n_procs++] = *p;
	return 0;
}

static void note_died(struct run_state *st, pid_t pid, uint64_t start)
{
	for (size_t i = 0; i < st->n_procs; i++)
		if (st->procs[i].pid == pid && st->procs[i].starttime == start)
			st->procs[i].died_noted = true;
}

/* A record a restart took over is no longer the lab's: the live one is. */
static void drop_replaced(struct run_state *st, pid_t pid, uint64_t start)
{
	for (size_t i = 0; i < st->n_procs; i++)
		if (st->procs[i].pid == pid && st->procs[i].starttime == start) {
			memmove(&st->procs[i], &st->procs[i + 1],
			        (st->n_procs - i - 1) * sizeof(st->procs[0]));
			st->n_procs--;
			return;
		}
}

static int parse_line(struct run_state *st, char *line)
{
	char word[64], a[64];
	struct run_proc p = {0};
	long long pid;
	uint64_t start;
	if (sscanf(line, "%63s", word) != 1)
		return 0;
	const char *rest = line + strlen(word);
	rest += strspn(rest, " ");
	if (!strcmp(word, "created")) {
		st->created = strtoll(rest, NULL, 10);
	} else if (!strcmp(word, "up") && sscanf(rest, "%lld %" SCNu64, &pid, &start) == 2) {
		st->up_pid = (pid_t)pid;
		st->up_start = start;
	} else if (!strcmp(word, "phase") && sscanf(rest, "%31s", st->phase) == 1) {
	} else if (!strcmp(word, "source")) {
		snprintf(st->source, sizeof(st->source), "%s", rest);
	} else if (!strcmp(word, "netns") && sscanf(rest, "%63s", a) == 1) {
		return add_netns(st, a);
	} else if (!strcmp(word, "pid") &&
	           sscanf(rest, "%lld %" SCNu64 " %31s %15s", &pid, &start, p.node, p.what) == 4) {
		p.pid = (pid_t)pid;
		p.starttime = start;
		return add_proc(st, &p);
	} else if (!strcmp(word, "died") && sscanf(rest, "%lld %" SCNu64, &pid, &start) == 2) {
		note_died(st, (pid_t)pid, start);
	} else if (!strcmp(word, "replaced") && sscanf(rest, "%lld %" SCNu64, &pid, &start) == 2) {
		drop_replaced(st, (pid_t)pid, start);
	}
	return 0;
}

int run_state_read(const struct run_lab *l, struct run_state *st)
{
	memset(st, 0, sizeof(*st));
	char path[PATH_MAX + 8], *buf;
	snprintf(path, sizeof(path), "%s/state", l->dir);
	if (read_file(path, &buf, NULL) < 0) {
		if (errno == ENOENT)
			return 0; /* killed between mkdir and the first line */
		return lab_err_errno(LAB_EXIT_FAIL, errno, "reading %s", path);
	}
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if ((rc = parse_line(st, line)) < 0)
			break;
	free(buf);
	if (rc < 0)
		run_state_free(st);
	return rc;
}

void run_state_free(struct run_state *st)
{
	free(st->netns);
	free(st->procs);
	memset(st, 0, sizeof(*st));
}

void run_state_describe(const struct run_state *st, int dead, char *buf, size_t len)
{
	const char *phase = st->phase[0] ? st->phase : "building";
	if (!strcmp(phase, "ready")) {
		if (dead > 0)
			snprintf(buf, len, "degraded (%d dead process%s)", dead,
			         dead == 1 ? "" : "es");
		else
			snprintf(buf, len, "ready");
	} else if (!strcmp(phase, "failed")) {
		snprintf(buf, len, "failed");
	} else if (run_pid_alive(st->up_pid, st->up_start)) {
		snprintf(buf, len, "starting (%s)", phase);
	} else {
		snprintf(buf, len, "incomplete (up exited while %s)", phase);
	}
}
