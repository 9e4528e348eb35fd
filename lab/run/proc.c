/* Process identity (pid + start time), privilege, and noticing dead daemons. */
#include "run/run.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"

/* /proc/<pid>/stat: "pid (comm) state ppid ...": comm may hold spaces and ')', so
 * fields are counted from the last ')'. state is field 3, utime and stime fields 14
 * and 15, starttime field 22 (proc(5)), in clock ticks since boot: with the pid it
 * names one process for good. cpu (may be NULL): utime + stime, in clock ticks. */
static int read_stat(pid_t pid, char *state, uint64_t *start, uint64_t *cpu)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p++;
	*state = '?';
	for (int field = 3; field <= 22; field++) {
		p += strspn(p, " ");
		if (!*p)
			return -1;
		if (field == 3)
			*state = *p;
		if (cpu && field == 14)
			*cpu = strtoull(p, NULL, 10);
		if (cpu && field == 15)
			*cpu += strtoull(p, NULL, 10);
		if (field == 22) {
			*start = strtoull(p, NULL, 10);
			return 0;
		}
		p += strcspn(p, " ");
	}
	return -1;
}

uint64_t run_pid_starttime(pid_t pid)
{
	char state;
	uint64_t start;
	return pid > 0 && read_stat(pid, &state, &start, NULL) == 0 ? start : 0;
}

double run_pid_cpu_s(pid_t pid)
{
	char state;
	uint64_t start, cpu = 0;
	long hz = sysconf(_SC_CLK_TCK);
	if (pid <= 0 || hz <= 0 || read_stat(pid, &state, &start, &cpu) < 0)
		return -1;
	return (double)cpu / (double)hz;
}

bool run_pid_alive(pid_t pid, uint64_t starttime)
{
	char state;
	uint64_t start;
	if (pid <= 0 || read_stat(pid, &state, &start, NULL) < 0)
		return false;
	/* A zombie has finished; X (dead) may still show for an instant. */
	return start == starttime && state != 'Z' && state != 'X';
}

/* CAP_NET_ADMIN = 12, CAP_SYS_ADMIN = 21 (linux/capability.h). */
int run_require_privilege(const char *command)
{
	char *buf;
	uint64_t eff = 0;
	if (read_file("/proc/self/status", &buf, NULL) == 0) {
		const char *p = strstr(buf, "\nCapEff:");
		if (p)
			eff = strtoull(p + 8, NULL, 16);
		free(buf);
	}
	const uint64_t need = (1ULL << 12) | (1ULL << 21);
	if ((eff & need) == need)
		return 0;
	return lab_err(LAB_EXIT_USAGE,
	               "'labctl %s' needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN, missing: %s%s%s); "
	               "run it with sudo",
	               command, eff & (1ULL << 12) ? "" : "CAP_NET_ADMIN",
	               (eff & need) == 0 ? " " : "", eff & (1ULL << 21) ? "" : "CAP_SYS_ADMIN");
}

struct died_fields {
	const struct run_proc *p;
};

static void died_json(struct json *j, void *arg)
{
	const struct run_proc *p = ((struct died_fields *)arg)->p;
	json_kv_str(j, "what", p->what);
	json_kv_int(j, "pid", p->pid);
}

int run_supervise(struct run_lab *l, struct run_state *st, bool *dead_out)
{
	int dead = 0;
	for (size_t i = 0; i < st->n_procs; i++) {
		struct run_proc *p = &st->procs[i];
		bool d = !run_pid_alive(p->pid, p->starttime);
		if (dead_out)
			dead_out[i] = d;
		if (!d)
			continue;
		dead++;
		if (p->died_noted || l->state_fd < 0)
			continue;
		/* Note it first: a second `status` must not journal the same death again. */
		if (run_record(l, "died %d %" PRIu64, (int)p->pid, p->starttime) < 0)
			return -1;
		p->died_noted = true;
		struct died_fields f = {p};
		/* A node without a directory (its spawn failed early) has no journal. */
		if (run_journal(l, p->node, "service-died", died_json, &f) < 0)
			lab_err_clear();
	}
	return dead;
}
