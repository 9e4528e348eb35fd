#include "fault/netns_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "netns/netns.h"

static void child(const char *netns, char *const argv[], int in_fd, int err_fd)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, netns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		dprintf(err_fd, "cannot enter namespace %s: %s", netns, strerror(errno));
		_exit(126);
	}
	if (dup2(in_fd, 0) < 0 || dup2(err_fd, 2) < 0 || dup2(err_fd, 1) < 0)
		_exit(126);
	static char *const env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", NULL};
	execvpe(argv[0], argv, env);
	dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
	_exit(127);
}

int fault_exec(const char *netns, char *const argv[], const char *input, char *err, size_t errlen)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1};
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0)
				close(in[i]);
			if (out[i] >= 0)
				close(out[i]);
		}
		return lab_err_errno(LAB_EXIT_FAIL, e, "pipe");
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return lab_err_errno(LAB_EXIT_FAIL, e, "fork");
	}
	if (pid == 0)
		child(netns, argv, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	/* Input is small (a ruleset): written whole before reading, no deadlock risk
	 * as long as it fits the pipe, which a few hundred bytes do. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	if (input) {
		size_t len = strlen(input), off = 0;
		while (off < len) {
			ssize_t n = write(in[1], input + off, len - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	close(in[1]);
	signal(SIGPIPE, old);
	size_t got = 0;
	for (;;) {
		char buf[512];
		ssize_t n = read(out[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && errlen && got + 1 < errlen; i++)
			err[got++] = buf[i];
	}
	if (errlen)
		err[got] = '\0';
	/* Trailing newlines make poor message endings. */
	while (got > 0 && (err[got - 1] == '\n' || err[got - 1] == ' '))
		err[--got] = '\0';
	close(out[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "waitpid");
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return lab_err(LAB_EXIT_FAIL, "%s killed by signal %d", argv[0], WTERMSIG(st));
}
