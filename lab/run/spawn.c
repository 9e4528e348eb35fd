/* Entering a node (network namespace + private mount view) and starting daemons
 * there.
 *
 * The node view (run.h): the node's network namespace; a private mount namespace
 * with / made rprivate so nothing propagates back; /run/netns detached (its
 * namespace mounts would otherwise keep every other lab's namespaces alive for as
 * long as this process lives); <node>/run bound onto /run (charon's fixed pid file);
 * the lab directory bound back at its own path; /sys remounted so it shows the
 * node's interfaces (as `ip netns exec` does). */
#include "run/run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"

static int enter_node(const struct run_lab *l, const char *node)
{
	char ns[128], path[PATH_MAX], noderun[PATH_MAX];
	run_netns_name(l->name, node, ns, sizeof(ns));
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (run_node_dir(l, node, noderun, sizeof(noderun)) < 0)
		return -1;
	strncat(noderun, "/run", sizeof(noderun) - strlen(noderun) - 1);

	int nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno,
		                     "node '%s' of lab '%s' has no namespace %s", node, l->name,
		                     path);
	int rc = setns(nsfd, CLONE_NEWNET);
	close(nsfd);
	if (rc < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "entering namespace %s", ns);
	if (mkdir_p(noderun, 0700) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", noderun);
	/* Where the lab directory must reappear once /run is covered. */
	bool under_run = !strncmp(l->dir, "/run/", 5);
	if (under_run) {
		char inner[PATH_MAX];
		snprintf(inner, sizeof(inner), "%s%s", noderun, l->dir + 4);
		if (mkdir_p(inner, 0700) < 0)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", inner);
	}
	if (unshare(CLONE_NEWNS) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "making / private");
	/* A detached copy of the lab directory, taken while it is still visible. */
	int tree = -1;
	if (under_run) {
		tree = open_tree(AT_FDCWD, l->dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (tree < 0)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "open_tree %s", l->dir);
	}
	umount2("/run/netns", MNT_DETACH); /* absent is fine */
	if (mount(noderun, "/run", NULL, MS_BIND | MS_REC, NULL) < 0) {
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "binding %s onto /run", noderun);
		goto out;
	}
	if (tree >= 0 && move_mount(tree, "", AT_FDCWD, l->dir, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "binding %s back inside node %s", l->dir,
		                   node);
		goto out;
	}
	/* sysfs shows the network namespace of whoever mounts it. */
	if (umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	rc = 0;
out:
	if (tree >= 0)
		close(tree);
	return rc;
}

int run_enter_node(const struct run_lab *l, const char *node)
{
	return enter_node(l, node);
}

/* Child side of run_spawn. Reports failures as text on errfd (close-on-exec, so a
 * successful exec reads as EOF in the parent). Never returns. */
static void child(const struct run_lab *l, const struct run_spawn *s, int gofd, int errfd)
{
	char go;
	/* The parent records our pid before saying go; EOF means it died first, and
	 * then nothing may run that `down` does not know about. */
	if (read(gofd, &go, 1) != 1)
		_exit(127);
	close(gofd);
	int out = open(s->stdout_path ? s->stdout_path : "/dev/null",
	               O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (out < 0 || in < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s",
		              s->stdout_path ? s->stdout_path : "/dev/null");
		goto fail;
	}
	if (enter_node(l, s->node) < 0)
		goto fail;
	if (s->new_session)
		setsid();
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "dup2");
		goto fail;
	}
	/* Nothing of labctl leaks into the daemon: every other fd closes on exec. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	static char *const clean_env[] = {
	    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", NULL};
	execvpe(s->argv[0], s->argv, s->envp ? s->envp : clean_env);
	lab_err_errno(LAB_EXIT_FAIL, errno, "exec %s", s->argv[0]);
fail:;
	const char *msg = lab_err_msg();
	ssize_t w = write(errfd, msg, strlen(msg));
	(void)w;
	_exit(127);
}

/* The dead records the new process takes over. Written after the spawn: a crash in
 * between leaves the lab "degraded", never a live process without a record. */
static int mark_replaced(struct run_lab *l, const struct run_spawn *s, pid_t pid)
{
	struct run_state st;
	if (run_state_read(l, &st) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < st.n_procs && rc == 0; i++) {
		const struct run_proc *p = &st.procs[i];
		if (p->pid != pid && !strcmp(p->node, s->node) && !strcmp(p->what, s->what) &&
		    !run_pid_alive(p->pid, p->starttime))
			rc = run_record(l, "replaced %d %" PRIu64, (int)p->pid, p->starttime);
	}
	run_state_free(&st);
	return rc;
}

int run_spawn(struct run_lab *l, const struct run_spawn *s, pid_t *pid_out)
{
	int go[2] = {-1, -1}, err[2] = {-1, -1};
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		int e = errno;
		if (go[0] >= 0) {
			close(go[0]);
			close(go[1]);
		}
		return lab_err_errno(LAB_EXIT_FAIL, e, "pipe");
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(go[0]), close(go[1]), close(err[0]), close(err[1]);
		return lab_err_errno(LAB_EXIT_FAIL, e, "fork for %s on %s", s->what, s->node);
	}
	if (pid == 0) {
		close(go[1]);
		close(err[0]);
		child(l, s, go[0], err[1]);
	}
	close(go[0]);
	close(err[1]);
	int rc = 0;
	uint64_t start = run_pid_starttime(pid);
	if (start == 0 ||
	    run_record(l, "pid %d %" PRIu64 " %s %s", (int)pid, start, s->node, s->what) < 0) {
		if (start == 0)
			lab_err(LAB_EXIT_FAIL, "reading the start time of pid %d", (int)pid);
		rc = -1;
		close(go[1]); /* EOF: the child exits without exec */
		waitpid(pid, NULL, 0);
		close(err[0]);
		return rc;
	}
	run_test_hook("spawn-recorded");
	ssize_t w = write(go[1], "g", 1);
	close(go[1]);
	char msg[600];
	ssize_t n, got = 0;
	while ((n = read(err[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
		got += n;
	close(err[0]);
	if (w != 1 || got > 0) {
		msg[got] = '\0';
		waitpid(pid, NULL, 0);
		return lab_err(LAB_EXIT_FAIL, "starting %s on node %s: %s", s->what, s->node,
		               got > 0 ? msg : "child did not start");
	}
	if (pid_out)
		*pid_out = pid;
	/* The process runs and is recorded: failing to mark the old one only leaves
	 * status saying "degraded", not worth reporting the start as failed. */
	if (s->replaces_dead && mark_replaced(l, s, pid) < 0)
		lab_err_clear();
	return 0;
}

void run_helper_path(const char *name, const char *env_var, char *buf, size_t len)
{
	const char *env = getenv(env_var);
	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = 0;
			if (snprintf(buf, len, "%s/%s", exe, name) < (int)len &&
			    access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "%s", name);
}
