#include "probe/daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/journal.h"
#include "probe/wire.h"

#define MAX_FLOWS 256
#define JITTER_SAMPLES_MAX (1u << 22)

/* Set from the signal handler: the one piece of state a signal may touch. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	(void)sig;
	stop_signal = 1;
}

struct probe {
	const struct probe_config *c;
	int jfd;
	int resp_fd;
	int flow_fd[MAX_FLOWS];
	atomic_bool rx_stop;
	atomic_int rx_err; /* errno of a fatal receive error */
};

static int open_udp(struct in_addr addr, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "probe: socket");
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = addr, .sin_port = htons(port)};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &addr, a, sizeof(a));
		int e = errno;
		close(fd);
		return lab_err_errno(
		    LAB_EXIT_FAIL, e,
		    "probe: cannot bind UDP %s:%u (is the address on this node, the port free?)", a,
		    port);
	}
	return fd;
}

static void journal_probe(struct probe *p, struct json *j, int64_t t, const char *ev,
                          const struct probe_msg *m, int64_t rtt_ns)
{
	if (p->jfd < 0)
		return;
	journal_begin(j, t, "probe", ev);
	json_kv_str(j, "probe", p->c->name);
	json_kv_int(j, "flow", m->flow);
	json_kv_str(j, "dir", probe_dir_name(m->dir));
	json_kv_uint(j, "seq", m->seq);
	if (rtt_ns >= 0) {
		json_kv_int(j, "rtt_ns", rtt_ns);
		/* One-way legs: the clock is shared by every namespace of the machine. */
		json_kv_int(j, "out_ns", m->echo_ns - m->sent_ns);
	}
	journal_write(p->jfd, j);
}

static void journal_startstop(struct probe *p, const char *ev)
{
	if (p->jfd < 0)
		return;
	struct json j;
	json_init(&j);
	journal_begin(&j, mono_ns(), "probe", ev);
	json_kv_str(&j, "probe", p->c->name);
	json_kv_str(&j, "dir", probe_dir_name(p->c->dir));
	json_kv_int(&j, "interval_ns", p->c->interval_ns);
	json_kv_uint(&j, "flows", p->c->flows);
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p->c->peer_addr, a, sizeof(a));
	json_kv_str(&j, "peer", a);
	if (!strcmp(ev, "stop"))
		json_kv_int(&j, "linger_ns", p->c->linger_ns);
	journal_write(p->jfd, &j);
	json_free(&j);
}

static void handle_datagram(struct probe *p, int fd, struct json *j)
{
	uint8_t buf[64];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	int64_t now = mono_ns();
	if (n < 0)
		return; /* EAGAIN, or an ICMP error surfaced on a flow socket: a lost probe */
	struct probe_msg m;
	if (!probe_msg_decode(buf, (size_t)n, &m))
		return;
	if (m.type == PROBE_REQUEST && fd == p->resp_fd) {
		journal_probe(p, j, now, "echo", &m, -1);
		m.type = PROBE_REPLY;
		m.echo_ns = now;
		uint8_t out[PROBE_WIRE_LEN];
		probe_msg_encode(&m, out);
		sendto(fd, out, sizeof(out), MSG_DONTWAIT, (struct sockaddr *)&from, fl);
	} else if (m.type == PROBE_REPLY && fd != p->resp_fd) {
		journal_probe(p, j, now, "reply", &m, now - m.sent_ns);
	}
}

static void *rx_loop(void *arg)
{
	struct probe *p = arg;
	struct pollfd pfd[MAX_FLOWS + 1];
	size_t n = 0;
	pfd[n++] = (struct pollfd){.fd = p->resp_fd, .events = POLLIN};
	for (uint32_t f = 0; f < p->c->flows; f++)
		pfd[n++] = (struct pollfd){.fd = p->flow_fd[f], .events = POLLIN};
	struct json j;
	json_init(&j);
	while (!atomic_load(&p->rx_stop)) {
		/* The timeout only bounds how long a stop request waits. */
		int r = poll(pfd, n, 50);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			atomic_store(&p->rx_err, errno);
			break;
		}
		for (size_t i = 0; i < n && r > 0; i++)
			if (pfd[i].revents & (POLLIN | POLLERR))
				handle_datagram(p, pfd[i].fd, &j);
	}
	json_free(&j);
	return NULL;
}

/* Sleeps until deadline unless a stop signal arrives; false when stopping. */
static bool wait_deadline(int64_t deadline)
{
	struct timespec ts = {.tv_sec = deadline / NS_PER_SEC, .tv_nsec = deadline % NS_PER_SEC};
	while (!stop_signal) {
		int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (r == 0)
			return !stop_signal;
		if (r != EINTR)
			return false;
	}
	return false;
}

static void send_round(struct probe *p, uint32_t seq, struct json *j)
{
	struct sockaddr_in to = {
	    .sin_family = AF_INET, .sin_addr = p->c->peer_addr, .sin_port = htons(p->c->port)};
	for (uint32_t f = 0; f < p->c->flows; f++) {
		struct probe_msg m = {.type = PROBE_REQUEST,
		                      .dir = (uint8_t)p->c->dir,
		                      .flow = (uint16_t)f,
		                      .seq = seq,
		                      .sent_ns = mono_ns()};
		uint8_t out[PROBE_WIRE_LEN];
		probe_msg_encode(&m, out);
		/* A failed send (no route during reconvergence) is a lost probe, journaled
		 * as sent like any other. */
		sendto(p->flow_fd[f], out, sizeof(out), MSG_DONTWAIT, (struct sockaddr *)&to,
		       sizeof(to));
		journal_probe(p, j, m.sent_ns, "send", &m, -1);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void probe_jitter_summary(int64_t *late, uint64_t n, struct probe_jitter *out)
{
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	qsort(late, n, sizeof(*late), cmp_i64);
	out->n = n;
	out->median_ns = late[n / 2];
	uint64_t i99 = (n * 99) / 100;
	out->p99_ns = late[i99 < n ? i99 : n - 1];
	out->max_ns = late[n - 1];
}

static void print_stats(int64_t *late, uint64_t n, int64_t interval_ns)
{
	struct probe_jitter js;
	probe_jitter_summary(late, n, &js);
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_int(&j, "interval_ns", interval_ns);
	json_kv_uint(&j, "rounds", js.n);
	json_kv_int(&j, "late_median_ns", js.median_ns);
	json_kv_int(&j, "late_p99_ns", js.p99_ns);
	json_kv_int(&j, "late_max_ns", js.max_ns);
	json_obj_end(&j);
	json_fputs(&j, stdout);
	json_free(&j);
	fflush(stdout);
}

static void send_loop(struct probe *p, int64_t *late, uint64_t late_cap, uint64_t *nlate)
{
	struct json j;
	json_init(&j);
	int64_t start = mono_ns();
	for (uint64_t k = 0; p->c->count == 0 || k < p->c->count; k++) {
		int64_t deadline = start + (int64_t)k * p->c->interval_ns;
		if (!wait_deadline(deadline))
			break;
		int64_t woke = mono_ns();
		if (late && *nlate < late_cap)
			late[(*nlate)++] = woke - deadline;
		send_round(p, (uint32_t)k, &j);
	}
	json_free(&j);
}

int probe_run(const struct probe_config *c)
{
	int ret = -1;
	struct probe p = {.c = c, .jfd = -1, .resp_fd = -1};
	int64_t *late = NULL;
	uint64_t nlate = 0;
	bool rx_started = false;
	pthread_t rx;
	for (size_t i = 0; i < MAX_FLOWS; i++)
		p.flow_fd[i] = -1;
	if (c->flows > MAX_FLOWS)
		return lab_err(LAB_EXIT_USAGE, "probe: at most %d flows", MAX_FLOWS);

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (c->journal) {
		p.jfd = journal_open(c->journal);
		if (p.jfd < 0) {
			lab_err_errno(LAB_EXIT_FAIL, errno, "probe: cannot open journal %s",
			              c->journal);
			goto cleanup;
		}
	}
	p.resp_fd = open_udp(c->bind_addr, c->port);
	if (p.resp_fd < 0)
		goto cleanup;
	for (uint32_t f = 0; f < c->flows; f++) {
		p.flow_fd[f] = open_udp(c->bind_addr, (uint16_t)(c->src_port_base + f));
		if (p.flow_fd[f] < 0)
			goto cleanup;
	}
	if (c->stats) {
		uint64_t cap =
		    c->count && c->count < JITTER_SAMPLES_MAX ? c->count : JITTER_SAMPLES_MAX;
		late = calloc(cap ? cap : 1, sizeof(*late));
		if (!late) {
			lab_err(LAB_EXIT_FAIL, "probe: out of memory");
			goto cleanup;
		}
	}
	int e = pthread_create(&rx, NULL, rx_loop, &p);
	if (e) {
		lab_err_errno(LAB_EXIT_FAIL, e, "probe: cannot start the receiver thread");
		goto cleanup;
	}
	rx_started = true;
	journal_startstop(&p, "start");
	if (c->realtime) {
		/* Only the sender: its deadlines are what the probe promises. Refused
		 * without CAP_SYS_NICE, which is said once and not fatal. */
		struct sched_param sp = {.sched_priority = 10};
		int se = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
		if (se)
			fprintf(stderr, "labctl-probe: no real-time scheduling: %s\n",
			        strerror(se));
	}

	if (c->flows > 0) {
		send_loop(&p, late,
		          c->count && c->count < JITTER_SAMPLES_MAX ? c->count : JITTER_SAMPLES_MAX,
		          &nlate);
		sleep_ns(c->linger_ns); /* late replies still count */
	} else {
		/* Polling the flag avoids the lost-wakeup race of pause(). */
		while (!stop_signal)
			sleep_ns(50 * NS_PER_MS);
	}
	ret = 0;

cleanup:
	if (rx_started) {
		atomic_store(&p.rx_stop, true);
		pthread_join(rx, NULL);
		if (atomic_load(&p.rx_err) && ret == 0)
			ret =
			    lab_err_errno(LAB_EXIT_FAIL, atomic_load(&p.rx_err), "probe: receive");
		journal_startstop(&p, "stop");
	}
	if (ret == 0 && c->stats)
		print_stats(late, nlate, c->interval_ns);
	free(late);
	for (uint32_t f = 0; f < MAX_FLOWS; f++)
		if (p.flow_fd[f] >= 0)
			close(p.flow_fd[f]);
	if (p.resp_fd >= 0)
		close(p.resp_fd);
	if (p.jfd >= 0)
		close(p.jfd);
	return ret;
}
