/* Two private network namespaces joined by a veth pair, and the processes a test
 * runs in them: shared by the tests and benchmarks that need a wire but not a lab
 * (tests/integration/bgp, tests/integration/probe, tests/interop/bgp, bench).
 * Header-only: each program includes it once. Names are the caller's (unique per
 * run: include getpid()); nspair_delete is safe to call at any point. */
#ifndef LAB_TESTS_NSPAIR_H
#define LAB_TESTS_NSPAIR_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/monotime.h"

struct nspair {
	char ns[2][48];
};

/* A shell command; its exit code, or -1. stdout is flushed first so the child does
 * not print our buffered output a second time. */
static inline int nsp_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int nsp_sh(const char *fmt, ...)
{
	char cmd[1024];
	fflush(stdout);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Namespaces a and b, veth if_a (in a, address addr_a as "A.B.C.D/len") to if_b (in
 * b, addr_b), both ends and lo up. 0, or -1 (whatever exists is left for
 * nspair_delete). */
static inline int nspair_create(struct nspair *p, const char *a, const char *b, const char *if_a,
                                const char *if_b, const char *addr_a, const char *addr_b)
{
	snprintf(p->ns[0], sizeof(p->ns[0]), "%s", a);
	snprintf(p->ns[1], sizeof(p->ns[1]), "%s", b);
	const char *ifn[2] = {if_a, if_b}, *addr[2] = {addr_a, addr_b};
	if (nsp_sh("ip netns add %s && ip netns add %s", a, b) ||
	    nsp_sh("ip -n %s link add %s type veth peer name %s netns %s", a, if_a, if_b, b))
		return -1;
	for (int i = 0; i < 2; i++)
		if (nsp_sh("ip -n %s addr add %s dev %s && ip -n %s link set %s up && "
		           "ip -n %s link set lo up",
		           p->ns[i], addr[i], ifn[i], p->ns[i], ifn[i], p->ns[i]))
			return -1;
	return 0;
}

/* Deletes both namespaces (the veth goes with them). */
static inline void nspair_delete(struct nspair *p)
{
	for (int i = 0; i < 2; i++) {
		if (p->ns[i][0])
			nsp_sh("ip netns del %s 2>/dev/null", p->ns[i]);
		p->ns[i][0] = 0;
	}
}

/* argv in namespace ns (`ip netns exec`), stdout and stderr appended to out. The
 * child's pid, or -1. */
static inline pid_t nsp_spawn(const char *ns, char *const argv[], const char *out)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (freopen(out, "a", stdout))
			dup2(fileno(stdout), 2);
		char *av[16] = {"ip", "netns", "exec", (char *)ns};
		int n = 4;
		for (int i = 0; argv[i] && n < 15; i++)
			av[n++] = argv[i];
		av[n] = NULL;
		execvp("ip", av);
		_exit(127);
	}
	return pid;
}

/* Stops a child: SIGCONT (a test may have stopped it) and sig, up to timeout_ns for
 * it to exit, then SIGKILL. Its wait status, or -1 when it had to be killed (or
 * there was none); *pid becomes 0. */
static inline int nsp_stop(pid_t *pid, int sig, int64_t timeout_ns)
{
	int status = -1;
	if (*pid <= 0)
		return -1;
	kill(*pid, SIGCONT);
	kill(*pid, sig);
	for (int64_t end = mono_ns() + timeout_ns; mono_ns() < end;) {
		if (waitpid(*pid, &status, WNOHANG) == *pid) {
			*pid = 0;
			return status;
		}
		usleep(10000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = 0;
	return -1;
}

#endif
