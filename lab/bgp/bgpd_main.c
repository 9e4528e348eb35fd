/* labctl-bgpd -c CONF: the built-in BGP speaker. One process per node, one thread,
 * one epoll loop that sleeps until the next FSM or RIB timer is due (epoll_pwait2,
 * nanosecond timeout, on CLOCK_MONOTONIC). SIGTERM/SIGINT: every Established peer
 * gets a CEASE NOTIFICATION, the RIB removes its kernel routes, exit 0. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp_log.h"
#include "bgpd.h"
#include "bgpd_bfd.h"
#include "common/err.h"
#include "common/journal.h"
#include "control_socket.h"
#include "rib.h"
#include "session.h"

static int listen_open(struct bgpd *d)
{
	int one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(d->cfg.port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* A hub's neighbors may all connect at once (after a restart): a short
	 * backlog would drop their SYNs and cost each a retransmission (1 s). */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, SOMAXCONN) < 0) {
		int e = errno;
		close(fd);
		return lab_err_errno(LAB_EXIT_FAIL, e, "listen on TCP port %u", d->cfg.port);
	}
	d->listen_fd = fd;
	d->listen_ref = (struct bgpd_fd){.kind = BGPD_FD_LISTEN};
	return bgpd_fd_add(d, fd, EPOLLIN, &d->listen_ref);
}

static void listen_accept(struct bgpd *d)
{
	for (;;) {
		struct sockaddr_in sa;
		socklen_t len = sizeof(sa);
		int fd = accept4(d->listen_fd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
		if (fd < 0)
			return;
		int i =
		    sa.sin_family == AF_INET ? bgp_config_find_neighbor(&d->cfg, sa.sin_addr) : -1;
		if (i < 0 || d->stopping) {
			char a[INET_ADDRSTRLEN];
			bgp_log(BGP_LOG_WARN, "connection from %s refused: %s",
			        inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a)),
			        i < 0 ? "not a configured neighbor" : "stopping");
			close(fd);
			continue;
		}
		bgp_session_accept(&d->sessions[i], fd);
	}
}

/* Descriptors besides the sessions': epoll, signalfd, the BGP and control listeners,
 * the journal, two netlink sockets, a few control clients. */
#define BGPD_FIXED_FDS 16

/* Each neighbor holds one socket, two during a connection collision. The default
 * soft limit (1024) is below what a hub with 1,000 neighbors needs, so the soft
 * limit goes up to the hard one; too low a hard limit is an error (sessions would
 * fail at random later), one that only a collision storm could reach is a warning. */
static int raise_nofile(size_t neighbors)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "getrlimit(RLIMIT_NOFILE)");
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "setrlimit(RLIMIT_NOFILE)");
		bgp_log(BGP_LOG_INFO, "open files limit raised from %llu to the hard limit %llu",
		        (unsigned long long)was, (unsigned long long)rl.rlim_cur);
	}
	unsigned long long have = rl.rlim_cur, least = neighbors + BGPD_FIXED_FDS,
	                   most = 2 * neighbors + BGPD_FIXED_FDS;
	if (rl.rlim_cur != RLIM_INFINITY && have < least)
		return lab_err(LAB_EXIT_FAIL,
		               "%zu neighbors need at least %llu open files, the hard limit is "
		               "%llu: raise it (ulimit -Hn, or LimitNOFILE= for a service)",
		               neighbors, least, have);
	if (rl.rlim_cur != RLIM_INFINITY && have < most)
		bgp_log(BGP_LOG_WARN,
		        "open files limit %llu: enough for %zu neighbors, not for a connection "
		        "collision on all of them at once (%llu)",
		        have, neighbors, most);
	return 0;
}

static int64_t next_due(struct bgpd *d)
{
	int64_t t = d->rib ? rib_next_timer_ns(d->rib) : INT64_MAX;
	int64_t b = bgpd_bfd_next_due(d);
	if (b < t)
		t = b;
	for (size_t i = 0; i < d->n_sessions; i++) {
		int64_t s = bgp_fsm_next_due(&d->sessions[i].fsm);
		if (s < t)
			t = s;
	}
	return t;
}

static int signals_open(struct bgpd *d, struct bgpd_fd *ref)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "signalfd");
	*ref = (struct bgpd_fd){.kind = BGPD_FD_SIGNAL};
	if (bgpd_fd_add(d, fd, EPOLLIN, ref) < 0)
		return -1;
	return fd;
}

static void dispatch(struct bgpd *d, struct epoll_event *e, int sigfd)
{
	struct bgpd_fd *ref = e->data.ptr;
	switch (ref->kind) {
	case BGPD_FD_LISTEN: listen_accept(d); break;
	case BGPD_FD_CTL_LISTEN: ctl_accept(d); break;
	case BGPD_FD_CTL_CLIENT: ctl_client_io(d, ref); break;
	case BGPD_FD_CONN: bgp_session_io(ref->obj, ref->conn, e->events); break;
	case BGPD_FD_FIB:
		if (rib_fib_event(d->rib, bgp_now(&d->clock)) < 0)
			bgp_log(BGP_LOG_ERR, "%s", lab_err_msg());
		break;
	case BGPD_FD_BFD: bgpd_bfd_input(d); break;
	case BGPD_FD_SIGNAL: {
		struct signalfd_siginfo si;
		while (read(sigfd, &si, sizeof(si)) == sizeof(si))
			d->stopping = true;
		break;
	}
	}
}

static int run(struct bgpd *d, int sigfd)
{
	struct epoll_event ev[32];
	while (!d->stopping) {
		int64_t due = next_due(d), t = bgp_now(&d->clock);
		struct timespec ts, *tsp = NULL;
		if (due != INT64_MAX) {
			int64_t left = due > t ? due - t : 0;
			ts.tv_sec = left / 1000000000LL;
			ts.tv_nsec = left % 1000000000LL;
			tsp = &ts;
		}
		int n = epoll_pwait2(d->epfd, ev, 32, tsp, NULL);
		if (n < 0 && errno != EINTR)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "epoll_pwait2");
		for (int i = 0; i < n; i++) {
			/* An earlier event may have closed this fd (collision): the session
			 * code ignores events for closed connections. */
			dispatch(d, &ev[i], sigfd);
		}
		bgpd_bfd_timers(d);
		for (size_t i = 0; i < d->n_sessions; i++)
			bgp_session_timers(&d->sessions[i]);
		if (d->rib)
			rib_run_timers(d->rib, bgp_now(&d->clock));
	}
	return 0;
}

static void shutdown_all(struct bgpd *d)
{
	/* BFD first, as AdminDown: the peers' BGP sessions end with our CEASE below, not
	 * with a detection (RFC 5882 s3.2). */
	bgpd_bfd_stop(d);
	/* ManualStop: CEASE/Administrative Shutdown to every peer in OpenSent or later. */
	for (size_t i = 0; i < d->n_sessions; i++)
		bgp_session_event(&d->sessions[i], -1, BGP_EV_MANUAL_STOP, NULL);
	for (size_t i = 0; i < d->n_sessions; i++)
		bgp_session_free(&d->sessions[i]);
	rib_free(d->rib); /* deletes our kernel routes */
	d->rib = NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl-bgpd -c CONFIG [-v] [--no-fib]\n"
	           "  the built-in BGP speaker; configuration format: docs/bgpd.md\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"no-fib", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *conf = NULL;
	bool fib = true;
	int verbose = 0, c;
	while ((c = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'v': verbose++; break;
		case 'n': fib = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return LAB_EXIT_USAGE;
		}
	}
	if (!conf || optind != argc) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	bgp_log_set_level(verbose ? BGP_LOG_DEBUG : BGP_LOG_INFO);

	struct bgpd d;
	memset(&d, 0, sizeof(d));
	d.epfd = d.listen_fd = d.ctl_fd = d.journal_fd = -1;
	int ret = LAB_EXIT_FAIL, sigfd = -1;
	struct bgpd_fd sigref;
	json_init(&d.jscratch);
	bgp_clock_real(&d.clock);
	d.started_ns = bgp_now(&d.clock);
	if (bgp_config_load(conf, &d.cfg) < 0)
		goto out;
	if (d.cfg.journal[0] && (d.journal_fd = journal_open(d.cfg.journal)) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "journal %s", d.cfg.journal);
		goto out;
	}
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d.epfd < 0 || (sigfd = signals_open(&d, &sigref)) < 0)
		goto out;
	if (raise_nofile(d.cfg.n_neighbors) < 0)
		goto out;
	d.n_sessions = d.cfg.n_neighbors;
	d.sessions = calloc(d.n_sessions ? d.n_sessions : 1, sizeof(*d.sessions));
	if (!d.sessions) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < d.n_sessions; i++)
		bgp_session_init(&d.sessions[i], &d, (uint32_t)i);
	d.rib = rib_new(&d.cfg, &bgp_session_rib_ops, &d, fib);
	if (!d.rib)
		goto out;
	rib_set_journal(d.rib, d.journal_fd);
	d.fib_ref = (struct bgpd_fd){.kind = BGPD_FD_FIB};
	if (rib_fib_fd(d.rib) >= 0 && bgpd_fd_add(&d, rib_fib_fd(d.rib), EPOLLIN, &d.fib_ref) < 0)
		goto out;
	if (listen_open(&d) < 0 || ctl_open(&d) < 0 || bgpd_bfd_start(&d) < 0)
		goto out;
	bgp_log(BGP_LOG_INFO, "AS %u, %zu neighbors, port %u, pid %d", d.cfg.asn, d.n_sessions,
	        d.cfg.port, (int)getpid());
	for (size_t i = 0; i < d.n_sessions; i++)
		bgp_session_event(&d.sessions[i], -1, BGP_EV_MANUAL_START, NULL);
	if (run(&d, sigfd) < 0)
		goto out;
	bgp_log(BGP_LOG_INFO, "stopping");
	ret = LAB_EXIT_OK;
out:
	if (ret != LAB_EXIT_OK && lab_err_msg())
		bgp_log(BGP_LOG_ERR, "%s", lab_err_msg());
	if (d.sessions)
		shutdown_all(&d);
	else
		rib_free(d.rib);
	ctl_close(&d);
	if (d.listen_fd >= 0)
		close(d.listen_fd);
	if (sigfd >= 0)
		close(sigfd);
	if (d.epfd >= 0)
		close(d.epfd);
	if (d.journal_fd >= 0)
		close(d.journal_fd);
	free(d.sessions);
	json_free(&d.jscratch);
	bgp_config_free(&d.cfg);
	if (ret != LAB_EXIT_OK && lab_err_code() == LAB_EXIT_USAGE)
		ret = LAB_EXIT_USAGE;
	return ret;
}
