/* `labctl down`: remove a lab from its state alone.
 *
 * The order makes a second run after a crash in any step finish the job: processes
 * first (they hold namespaces and files), then namespaces, then the directory,
 * which holds the state and so goes last. */
#include "run/run.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "netns/netns.h"

/* Lab daemons keep nothing worth a long goodbye, and charon 5.9.8 sometimes spins
 * after SIGTERM (seen here: one thread running, never exiting, in about 1 of 6
 * downs right after up), so the grace before SIGKILL is short. */
#define TERM_GRACE_NS (1 * NS_PER_SEC)
#define KILL_GRACE_NS (2 * NS_PER_SEC)
/* Plus this much per process: the kernel tears a killed process down thread by
 * thread, and a lab of 50 sites (450 daemons, 14 threads per charon) on a loaded
 * 2-core machine outlived the fixed 2 s (docs/scale.md). */
#define GRACE_PER_PROC_NS (20 * NS_PER_MS)

struct target {
	pid_t pid;
	uint64_t start;
};

struct targets {
	struct target *v;
	size_t n, cap;
};

static void add_target(struct targets *t, pid_t pid, uint64_t start)
{
	if (pid <= 0 || pid == getpid() || start == 0)
		return;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].pid == pid)
			return;
	if (t->n == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		struct target *nv = realloc(t->v, nc * sizeof(*nv));
		if (!nv)
			return; /* stop_targets reports the processes that outlive the lab */
		t->v = nv;
		t->cap = nc;
	}
	t->v[t->n++] = (struct target){pid, start};
}

/* The lab's namespaces: recorded ones plus any /run/netns/<lab>.* (a namespace can
 * exist whose record was written but whose creation we never saw finish). */
static int lab_namespaces(const char *lab, const struct run_state *st, char (**out)[64], size_t *n)
{
	char(*v)[64] = calloc(st->n_netns + 1, sizeof(*v));
	size_t cnt = 0, cap = st->n_netns + 1;
	if (!v)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < st->n_netns; i++)
		snprintf(v[cnt++], sizeof(v[0]), "%s", st->netns[i]);
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s.", lab);
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) || strlen(e->d_name) >= 64)
			continue;
		bool dup = false;
		for (size_t i = 0; i < cnt; i++)
			dup |= !strcmp(v[i], e->d_name);
		if (dup)
			continue;
		if (cnt == cap) {
			char(*nv)[64] = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv) {
				closedir(d);
				free(v);
				return lab_err(LAB_EXIT_FAIL, "out of memory");
			}
			v = nv;
		}
		snprintf(v[cnt++], sizeof(v[0]), "%s", e->d_name);
	}
	if (d)
		closedir(d);
	*out = v;
	*n = cnt;
	return 0;
}

/* Every process whose network namespace is one of the lab's: daemons that were not
 * recorded (a `labctl exec` shell, something a daemon forked) would otherwise keep
 * a namespace alive after its name is gone. */
static void processes_in(char (*ns)[64], size_t nns, struct targets *t)
{
	ino_t inos[256];
	size_t ninos = 0;
	for (size_t i = 0; i < nns && ninos < 256; i++) {
		char path[128];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, ns[i]);
		if (netns_exists(ns[i]) && stat(path, &st) == 0)
			inos[ninos++] = st.st_ino;
	}
	if (ninos == 0)
		return;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) < 0)
			continue;
		for (size_t i = 0; i < ninos; i++)
			if (st.st_ino == inos[i])
				add_target(t, (pid_t)pid, run_pid_starttime((pid_t)pid));
	}
	if (d)
		closedir(d);
}

static size_t signal_alive(struct targets *t, int sig)
{
	size_t alive = 0;
	for (size_t i = 0; i < t->n; i++)
		if (run_pid_alive(t->v[i].pid, t->v[i].start)) {
			kill(t->v[i].pid, sig);
			alive++;
		}
	return alive;
}

static bool wait_gone(struct targets *t, int64_t grace)
{
	int64_t deadline = mono_ns() + grace;
	for (;;) {
		size_t alive = 0;
		for (size_t i = 0; i < t->n; i++)
			alive += run_pid_alive(t->v[i].pid, t->v[i].start);
		if (alive == 0)
			return true;
		if (mono_ns() >= deadline)
			return false;
		sleep_ns(5 * NS_PER_MS);
	}
}

/* Signals the targets, waits, SIGKILLs what is left. *stopped += those signalled. */
static int stop_targets(const char *lab, struct targets *t, size_t *stopped)
{
	size_t n = signal_alive(t, SIGTERM);
	*stopped += n;
	int64_t per = (int64_t)n * GRACE_PER_PROC_NS;
	if (n && !wait_gone(t, TERM_GRACE_NS + per)) {
		signal_alive(t, SIGKILL);
		if (!wait_gone(t, KILL_GRACE_NS + per))
			return lab_err(LAB_EXIT_FAIL, "processes of lab '%s' survive SIGKILL", lab);
	}
	return 0;
}

/* The `up` that builds the lab goes first, alone: until it is gone it may still
 * create namespaces and spawn daemons that a state read now would miss. */
static int stop_up(const char *lab, const struct run_state *st, size_t *stopped)
{
	struct targets *t = calloc(1, sizeof(*t));
	if (!t)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	add_target(t, st->up_pid, st->up_start);
	int rc = stop_targets(lab, t, stopped);
	free(t->v);
	free(t);
	return rc;
}

static int stop_processes(const char *lab, const struct run_state *st, char (*ns)[64], size_t nns,
                          size_t *stopped)
{
	struct targets *t = calloc(1, sizeof(*t));
	if (!t)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < st->n_procs; i++)
		add_target(t, st->procs[i].pid, st->procs[i].starttime);
	processes_in(ns, nns, t);
	int rc = stop_targets(lab, t, stopped);
	free(t->v);
	free(t);
	return rc;
}

int run_lab_down(const char *lab, struct run_down_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	struct run_lab l;
	struct run_state st;
	char(*ns)[64] = NULL;
	size_t nns = 0;
	if (run_lab_name_check(lab) < 0)
		return -1;
	bool have_dir = run_lab_open(lab, &l) == 0;
	if (!have_dir) {
		lab_err_clear();
		memset(&l, 0, sizeof(l));
		l.state_fd = -1;
	}
	memset(&st, 0, sizeof(st));
	if (have_dir && run_state_read(&l, &st) < 0)
		goto fail;
	if (run_pid_alive(st.up_pid, st.up_start)) {
		if (stop_up(lab, &st, &stats->killed) < 0)
			goto fail;
		run_state_free(&st);
		if (run_state_read(&l, &st) < 0) /* what it did until it stopped */
			goto fail;
	}
	if (lab_namespaces(lab, &st, &ns, &nns) < 0)
		goto fail;
	size_t abandoned = run_sweep_abandoned(lab);
	stats->existed = have_dir || nns > 0 || abandoned > 0;
	if (stop_processes(lab, &st, ns, nns, &stats->killed) < 0)
		goto fail;
	const char **names = calloc(nns + 1, sizeof(*names));
	if (!names) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < nns; i++) {
		stats->namespaces += netns_exists(ns[i]);
		names[i] = ns[i];
	}
	int drc = netns_delete_many(names, nns);
	free(names);
	if (drc < 0)
		goto fail;
	run_test_hook("down-namespaces");
	run_lab_close(&l);
	if (have_dir && remove_tree(l.dir) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "removing %s", l.dir);
		goto fail;
	}
	free(ns);
	run_state_free(&st);
	return 0;
fail:
	run_lab_close(&l);
	free(ns);
	run_state_free(&st);
	return -1;
}
