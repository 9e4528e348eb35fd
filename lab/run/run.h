/* A lab's state on disk and the processes it runs.
 *
 * /run/labctl/<lab>/            mode 0700, owned by root
 *   state                       intent log: one line per resource, written BEFORE the
 *                               resource is created, so `down` after SIGKILL at any
 *                               point finds everything ("netns <name>", "pid <pid>
 *                               <starttime> <node> <what>", ...)
 *   topology.yaml               copy of the file the lab was built from
 *   <node>/                     per node: configs, logs, sockets, events.jsonl
 *   <node>/run/                 the node's private /run (charon's fixed pid file)
 *
 * Namespaces are named "<lab>.<node>" and bound under /run/netns like `ip netns`
 * does, so `ip netns exec <lab>.<node> ...` works too.
 *
 * Daemons and `labctl exec` run in the node's network namespace with a private mount
 * namespace in which /run is <node>/run and /run/labctl/<lab> is bound back at its
 * own path, so every lab path means the same file inside and outside a node. */
#ifndef LAB_RUN_RUN_H
#define LAB_RUN_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define RUN_ROOT_DEFAULT "/run/labctl"
#define RUN_LAB_NAME_MAX 32

/* RUN_ROOT_DEFAULT unless LABCTL_RUN_DIR is set (tests use a private root). */
const char *run_root(void);

struct run_lab {
	char name[RUN_LAB_NAME_MAX];
	char dir[PATH_MAX];
	int state_fd; /* O_APPEND on <dir>/state, -1 when opened read-only */
};

/* Creates the lab directory, its state already recording this process as the
 * lab's `up`; fails with a clear message if the lab exists. */
int run_lab_create(const char *lab, struct run_lab *out);
int run_lab_open(const char *lab, struct run_lab *out);
void run_lab_close(struct run_lab *l);

/* Appends one intent line to the state file (and fsyncs nothing: /run is tmpfs). */
int run_record(struct run_lab *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* <dir>/<node> (created 0700 by run_node_mkdir). */
int run_node_dir(const struct run_lab *l, const char *node, char *buf, size_t len);
int run_node_mkdir(const struct run_lab *l, const char *node);
void run_netns_name(const char *lab, const char *node, char *buf, size_t len);

struct run_spawn {
	const char *node; /* whose namespaces to enter */
	const char *what; /* short tag for state/status: "charon", "bgpd", "bird", "probe" */
	char *const *argv;
	char *const *envp;       /* NULL: a minimal clean environment (PATH, LANG=C) */
	const char *stdout_path; /* appended; NULL: /dev/null */
	bool new_session;        /* setsid(): a daemon that outlives labctl */
	/* A restart (heal of a kill): after the spawn, every earlier record of the same
	 * node and what that no longer runs gets a "replaced" line, so supervision and
	 * status stop counting the dead one (docs/run-dir.md). */
	bool replaces_dead;
};

/* Forks, enters the node (network namespace + private mount view), execs. The pid
 * and its start time are recorded in the state file before the child execs, so a
 * recycled pid is never signalled by `down`. */
int run_spawn(struct run_lab *l, const struct run_spawn *s, pid_t *pid);

/* A labctl helper binary (labctl-bgpd, labctl-probe): $env_var if set, else `name`
 * beside the running executable or up to 3 directories above it (the build root
 * holds labctl; tests sit deeper), else plain `name` for the PATH (installed). */
void run_helper_path(const char *name, const char *env_var, char *buf, size_t len);

/* Enters the node in the calling process (for `labctl exec`/`shell`, then execvp). */
int run_enter_node(const struct run_lab *l, const char *node);

/* Whether a recorded process is still the one we started (pid + start time). */
bool run_pid_alive(pid_t pid, uint64_t starttime);
uint64_t run_pid_starttime(pid_t pid);
/* CPU time (user + system, every thread) pid has used, seconds; -1 if it is gone. */
double run_pid_cpu_s(pid_t pid);

/* Refuses (exit code 2) without CAP_NET_ADMIN and CAP_SYS_ADMIN, naming the command. */
int run_require_privilege(const char *command);

/* ---- Added by the run layer (docs/run-dir.md describes the state file). ---- */

/* Lab names: [a-z0-9-], starting with a letter or digit, at most RUN_LAB_NAME_USER_MAX
 * characters, so "<lab>.<node>" stays a readable namespace name. 0 or -1 (exit 2). */
#define RUN_LAB_NAME_USER_MAX 24
int run_lab_name_check(const char *lab);

/* Interfaces of a topology node get fixed indices in their namespace: iface i of
 * node->ifaces has ifindex RUN_IFINDEX_BASE + i (lo is 1). Daemons should still look
 * names up; this only saves `up` a round trip per address. */
#define RUN_IFINDEX_BASE 10

/* Appends one event to <dir>/<node>/events.jsonl (src "lab"). fields may be NULL:
 * otherwise called with the open json object to add fields with json_kv_*. */
struct json;
int run_journal(const struct run_lab *l, const char *node, const char *ev,
                void (*fields)(struct json *j, void *arg), void *arg);

/* What the state file says (parsed; later lines win for "phase"). */
struct run_proc {
	pid_t pid;
	uint64_t starttime;
	char node[32];
	char what[16];
	bool died_noted; /* a "died" line exists: service-died was journaled already */
};

struct run_state {
	int64_t created; /* unix seconds */
	pid_t up_pid;    /* the `labctl up` that built the lab (0: unknown) */
	uint64_t up_start;
	char phase[32];        /* "building", "services", "waiting", "ready", "failed" */
	char source[PATH_MAX]; /* the topology file `up` was given */
	char (*netns)[64];
	size_t n_netns;
	struct run_proc *procs;
	size_t n_procs;
};

int run_state_read(const struct run_lab *l, struct run_state *st);
/* One word (plus detail) for status and list: "ready", "degraded (2 dead)", "failed",
 * "starting", "incomplete (up exited during building)". dead: from run_supervise. */
void run_state_describe(const struct run_state *st, int dead, char *buf, size_t len);
void run_state_free(struct run_state *st);

/* Supervision: the recorded daemons that are no longer running. Each newly noticed
 * death is journaled once (src lab, ev service-died, in the node's journal) and
 * noted in the state file. Returns the number of dead processes, -1 on error. */
int run_supervise(struct run_lab *l, struct run_state *st, bool *dead_out /* n_procs or NULL */);

/* The whole teardown of `labctl down`, from the state file alone: stops recorded
 * processes (pid + start time must match) and any process still inside the lab's
 * namespaces, deletes the namespaces (recorded ones and /run/netns/<lab>.*), removes
 * the lab directory. Idempotent: 0 also when nothing was there (*existed = false). */
struct run_down_stats {
	bool existed;
	size_t killed, namespaces;
};
int run_lab_down(const char *lab, struct run_down_stats *stats);

/* Every lab directory under run_root(): malloc'd array of names (free each + array). */
int run_lab_list(char ***names, size_t *n);

/* Removes the hidden directories of `up`s that died before their lab got its name
 * (.LAB.creating.PID whose recorded `up` no longer runs); LAB NULL means every lab.
 * Nothing else exists for such an `up` yet: no namespace, no process. Returns how
 * many were removed. */
size_t run_sweep_abandoned(const char *lab);

/* Test hook: when LABCTL_TEST_DIE_AFTER equals step, _exit(99) at once (simulates a
 * SIGKILL at a named point of `up`; see tests/integration/run). */
void run_test_hook(const char *step);

#endif
