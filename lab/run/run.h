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

/* Creates the lab directory; fails with a clear message if the lab exists. */
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
	const char *node;        /* whose namespaces to enter */
	const char *what;        /* short tag for state/status: "charon", "bgpd", "bird", "probe" */
	char *const *argv;
	char *const *envp;       /* NULL: a minimal clean environment (PATH, LANG=C) */
	const char *stdout_path; /* appended; NULL: /dev/null */
	bool new_session;        /* setsid(): a daemon that outlives labctl */
};

/* Forks, enters the node (network namespace + private mount view), execs. The pid
 * and its start time are recorded in the state file before the child execs, so a
 * recycled pid is never signalled by `down`. */
int run_spawn(struct run_lab *l, const struct run_spawn *s, pid_t *pid);

/* Enters the node in the calling process (for `labctl exec`/`shell`, then execvp). */
int run_enter_node(const struct run_lab *l, const char *node);

/* Whether a recorded process is still the one we started (pid + start time). */
bool run_pid_alive(pid_t pid, uint64_t starttime);
uint64_t run_pid_starttime(pid_t pid);

/* Refuses (exit code 2) without CAP_NET_ADMIN and CAP_SYS_ADMIN, naming the command. */
int run_require_privilege(const char *command);

#endif
