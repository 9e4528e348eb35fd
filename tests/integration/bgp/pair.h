/* Two labctl-bgpd in two private namespaces joined by a veth pair (10.77.0.1/30 on
 * "a", .2 on "b"): setup, spawn, control-socket requests, journal look-ups, and a
 * cleanup that runs on every exit path. Shared by the session-layer integration
 * tests; each includes it once. */
#ifndef TEST_BGP_PAIR_H
#define TEST_BGP_PAIR_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "../../nspair.h"
#include "common/monotime.h"
#include "common/fsutil.h"

static struct {
	struct nspair net;
	char dir[96];
	pid_t pid[2];
} L;

static inline int stop(int i, int sig)
{
	return nsp_stop(&L.pid[i], sig, 3 * NS_PER_SEC);
}

static inline void cleanup(void)
{
	for (int i = 0; i < 2; i++)
		stop(i, SIGTERM);
	nspair_delete(&L.net);
	if (L.dir[0] && !getenv("LABTEST_KEEP"))
		remove_tree(L.dir);
	L.dir[0] = 0;
}

static inline void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline pid_t spawn(int i, const char *bgpd)
{
	char conf[160], log[160], nsp[96];
	snprintf(conf, sizeof(conf), "%s/%c.conf", L.dir, 'a' + i);
	snprintf(log, sizeof(log), "%s/%c.log", L.dir, 'a' + i);
	snprintf(nsp, sizeof(nsp), "/run/netns/%s", L.net.ns[i]);
	pid_t pid = fork();
	if (pid == 0) {
		int nfd = open(nsp, O_RDONLY | O_CLOEXEC);
		int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (nfd < 0 || setns(nfd, CLONE_NEWNET) < 0 || lfd < 0)
			_exit(127);
		dup2(lfd, 1);
		dup2(lfd, 2);
		execl(bgpd, bgpd, "-c", conf, "-v", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* One control-socket request; the answer in a static buffer ("" on failure). */
static const char *ctl(int i, const char *req)
{
	static char buf[1 << 16];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%c.sock", L.dir, 'a' + i);
	buf[0] = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return buf;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
		size_t len = 0;
		ssize_t n;
		while (len < sizeof(buf) - 1 &&
		       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		buf[len] = 0;
	}
	close(fd);
	return buf;
}

static inline bool established(int i)
{
	return strstr(ctl(i, "show\n"), "\"state\":\"Established\"") != NULL;
}

static inline bool wait_for(bool (*pred)(int), int i, int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	while (mono_ns() < end) {
		if (pred(i))
			return true;
		usleep(20000);
	}
	return false;
}

/* First journal line of node i after t_min containing every needle; its t or -1. */
static inline int64_t journal_find(int i, int64_t t_min, const char *n1, const char *n2)
{
	char path[160], line[1024];
	snprintf(path, sizeof(path), "%s/%c.jsonl", L.dir, 'a' + i);
	FILE *f = fopen(path, "r");
	int64_t found = -1;
	while (f && fgets(line, sizeof(line), f)) {
		long long t;
		if (sscanf(line, "{\"t\":%lld", &t) != 1 || t <= t_min)
			continue;
		if (strstr(line, n1) && (!n2 || strstr(line, n2))) {
			found = t;
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static inline int64_t wait_journal(int i, int64_t t_min, const char *n1, const char *n2,
                                   int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns, t;
	while ((t = journal_find(i, t_min, n1, n2)) < 0 && mono_ns() < end)
		usleep(10000);
	return t;
}

/* 0: a pair test can run; else the exit code to return at once. It needs root
 * (missing: skipped) and the speaker this build made, LABCTL_BGPD (*bgpd), which the
 * meson test() line sets (missing: a broken test definition, a failure). */
static inline int pair_prereq(const char **bgpd)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	*bgpd = getenv("LABCTL_BGPD");
	if (!*bgpd || access(*bgpd, X_OK))
		return check_broken("LABCTL_BGPD (labctl-bgpd) unset or not executable: %s",
		                    *bgpd ? *bgpd : "(unset)");
	return 0;
}

/* Namespaces, veth and addresses under unique names; cleanup registered. */
static inline int pair_setup(const char *tag)
{
	int p = getpid();
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(L.dir, sizeof(L.dir), "/tmp/labtest-%s-%d", tag, p);
	char a[48], b[48];
	snprintf(a, sizeof(a), "labtest-%s%da", tag, p);
	snprintf(b, sizeof(b), "labtest-%s%db", tag, p);
	if (mkdir_p(L.dir, 0700) < 0 ||
	    nspair_create(&L.net, a, b, "v0", "v1", "10.77.0.1/30", "10.77.0.2/30") < 0)
		return -1;
	return 0;
}

#endif
