/* lab/run: a daemon started with run_spawn lives in its node (network namespace,
 * private /run, lab dir bound back), is recorded with its start time before it
 * runs, is noticed when it dies (journal + state), and `down` stops the rest. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "netns/netns.h"
#include "run/run.h"

static char lab[32];

static void cleanup(void)
{
	struct run_down_stats st;
	run_lab_down(lab, &st);
}

static bool file_has(const char *path, const char *needle)
{
	char *buf;
	if (read_file(path, &buf, NULL) < 0)
		return false;
	bool r = strstr(buf, needle) != NULL;
	free(buf);
	return r;
}

/* Whether any mount of the process sits at DIR or below it. The mount point is
 * the fifth field of a mountinfo line; a substring search would also match a
 * chroot's DIR elsewhere on the host (a CI run failed on /work/fresh/run/netns). */
static bool mounted_under(const char *mountinfo, const char *dir)
{
	char *buf;
	if (read_file(mountinfo, &buf, NULL) < 0)
		return true; /* unreadable: cannot claim it is absent */
	bool found = false;
	size_t n = strlen(dir);
	for (char *line = strtok(buf, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char point[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		found = !strncmp(point, dir, n) && (point[n] == '\0' || point[n] == '/');
	}
	free(buf);
	return found;
}

static int count_in(const char *path, const char *needle)
{
	char *buf;
	int n = 0;
	if (read_file(path, &buf, NULL) < 0)
		return -1;
	for (const char *p = buf; (p = strstr(p, needle)); p++)
		n++;
	free(buf);
	return n;
}

int main(void)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)");
	snprintf(lab, sizeof(lab), "ts%d", (int)getpid());
	atexit(cleanup);
	CHECK(run_require_privilege("test") == 0);

	struct run_lab l;
	if (run_lab_create(lab, &l) < 0) {
		fprintf(stderr, "%s\n", lab_err_msg());
		return check_done() + 1;
	}
	struct run_lab dup;
	CHECK(run_lab_create(lab, &dup) == -1); /* exists */
	char ns[64];
	run_netns_name(lab, "n1", ns, sizeof(ns));
	struct netns *h = NULL;
	CHECK(run_record(&l, "netns %s", ns) == 0);
	CHECK(netns_create(ns, &h) == 0);
	netns_close(h);
	CHECK(run_node_mkdir(&l, "n1") == 0);

	char log[PATH_MAX + 32];
	snprintf(log, sizeof(log), "%s/n1/out.log", l.dir);
	char *sleep_argv[] = {"sleep", "300", NULL};
	struct run_spawn s = {.node = "n1",
	                      .what = "sleep",
	                      .argv = sleep_argv,
	                      .stdout_path = log,
	                      .new_session = true};
	pid_t pid = 0;
	CHECK(run_spawn(&l, &s, &pid) == 0);
	CHECK(pid > 0);
	uint64_t start = run_pid_starttime(pid);
	CHECK(start > 0 && run_pid_alive(pid, start));
	CHECK(!run_pid_alive(pid, start + 1));

	/* recorded with its start time */
	struct run_state st;
	CHECK(run_state_read(&l, &st) == 0);
	CHECK_INT(st.n_procs, 1);
	CHECK_INT(st.n_netns, 1);
	if (st.n_procs == 1) {
		CHECK_INT(st.procs[0].pid, pid);
		CHECK(st.procs[0].starttime == start);
		CHECK_STR(st.procs[0].node, "n1");
		CHECK_STR(st.procs[0].what, "sleep");
	}
	run_state_free(&st);

	/* in the node's network namespace, with the node's /run and the lab dir */
	char p[128], nspath[128];
	struct stat a, b;
	snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)pid);
	snprintf(nspath, sizeof(nspath), "/run/netns/%s", ns);
	CHECK(stat(p, &a) == 0 && stat(nspath, &b) == 0 && a.st_ino == b.st_ino);
	char mi[64], want[256];
	snprintf(mi, sizeof(mi), "/proc/%d/mountinfo", (int)pid);
	snprintf(want, sizeof(want), "/labctl/%s/n1/run /run ", lab);
	CHECK(file_has(mi, want));
	snprintf(want, sizeof(want), " /run/labctl/%s ", lab);
	CHECK(file_has(mi, want));
	CHECK(!mounted_under(mi, "/run/netns"));

	/* a short command: output in the log, sees the node's /run */
	char *sh_argv[] = {"sh", "-c", "echo hello; ls /run; ls /sys/class/net", NULL};
	struct run_spawn s2 = {.node = "n1", .what = "sh", .argv = sh_argv, .stdout_path = log};
	pid_t shpid = 0;
	CHECK(run_spawn(&l, &s2, &shpid) == 0);
	int status = -1;
	/* Only ever signal or wait for what was started: pid 0 would mean this test's
	 * own process group, killing it before its cleanup (seen when spawning failed). */
	CHECK(shpid > 0 && waitpid(shpid, &status, 0) == shpid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	CHECK(file_has(log, "hello\nlabctl\nlo\n"));

	/* exec failure is reported with the reason */
	char *bad_argv[] = {"/nonexistent/daemon", NULL};
	struct run_spawn s3 = {.node = "n1", .what = "bad", .argv = bad_argv};
	CHECK(run_spawn(&l, &s3, NULL) == -1);
	CHECK(strstr(lab_err_msg(), "/nonexistent/daemon") != NULL);
	struct run_spawn s4 = {.node = "nope", .what = "bad", .argv = sleep_argv};
	CHECK(run_spawn(&l, &s4, NULL) == -1);
	CHECK(strstr(lab_err_msg(), "nope") != NULL);

	/* supervision: a death is journaled once */
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	char journal[PATH_MAX + 32];
	snprintf(journal, sizeof(journal), "%s/n1/events.jsonl", l.dir);
	CHECK(run_state_read(&l, &st) == 0);
	int dead = run_supervise(&l, &st, NULL);
	CHECK(dead >= 2); /* sleep, sh (and the failed ones) */
	run_state_free(&st);
	int died = count_in(journal, "\"ev\":\"service-died\"");
	CHECK(died >= 2);
	CHECK(count_in(journal, "\"what\":\"sleep\"") == 1);
	CHECK(run_state_read(&l, &st) == 0);
	run_supervise(&l, &st, NULL);
	run_state_free(&st);
	CHECK_INT(count_in(journal, "\"ev\":\"service-died\""), died);

	/* down stops what is still running, deletes the namespace and the directory */
	pid_t pid2 = 0;
	CHECK(run_spawn(&l, &s, &pid2) == 0);
	run_lab_close(&l);
	struct run_down_stats ds;
	CHECK(run_lab_down(lab, &ds) == 0);
	CHECK(ds.existed);
	CHECK_INT(ds.killed, 1);
	CHECK_INT(ds.namespaces, 1);
	CHECK(pid2 > 0 && waitpid(pid2, &status, 0) == pid2 && WIFSIGNALED(status));
	CHECK(!netns_exists(ns));
	CHECK(access(l.dir, F_OK) == -1 && errno == ENOENT);
	CHECK(run_lab_down(lab, &ds) == 0 && !ds.existed);
	return check_done();
}
