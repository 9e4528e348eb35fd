#include "control_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd_bfd.h"
#include "common/err.h"
#include "rib.h"
#include "session.h"

#define CTL_LINE_MAX 512

struct ctl_client {
	struct ctl_client *next;
	int fd;
	struct bgpd_fd ref;
	size_t len;
	char buf[CTL_LINE_MAX];
};

int ctl_open(struct bgpd *d)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *path = d->cfg.control;
	d->ctl_fd = -1;
	if (!path[0])
		return 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "control socket");
	unlink(path);
	/* Created 0600 from the start: no window in which others could connect. */
	mode_t old = umask(0177);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || chmod(path, 0600) < 0 || listen(fd, 8) < 0) {
		int e = errno;
		close(fd);
		return lab_err_errno(LAB_EXIT_FAIL, e, "control socket %s", path);
	}
	d->ctl_fd = fd;
	d->ctl_ref = (struct bgpd_fd){.kind = BGPD_FD_CTL_LISTEN, .obj = NULL};
	return bgpd_fd_add(d, fd, EPOLLIN, &d->ctl_ref);
}

static void client_done(struct bgpd *d, struct ctl_client *c)
{
	for (struct ctl_client **pp = &d->ctl_clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	bgpd_fd_del(d, c->fd);
	close(c->fd);
	free(c);
}

void ctl_close(struct bgpd *d)
{
	while (d->ctl_clients)
		client_done(d, d->ctl_clients);
	if (d->ctl_fd < 0)
		return;
	close(d->ctl_fd);
	d->ctl_fd = -1;
	unlink(d->cfg.control);
}

void ctl_accept(struct bgpd *d)
{
	int fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct ctl_client *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->ref = (struct bgpd_fd){.kind = BGPD_FD_CTL_CLIENT, .obj = c};
	if (bgpd_fd_add(d, fd, EPOLLIN, &c->ref) < 0) {
		close(fd);
		free(c);
		return;
	}
	c->next = d->ctl_clients;
	d->ctl_clients = c;
}

/* The response may be large (a big Loc-RIB): write it out with blocking writes
 * bounded by a send timeout, so a stuck client cannot hold the loop for long. */
static void respond(struct ctl_client *c, const char *text)
{
	struct timeval tv = {.tv_sec = 2};
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	size_t off = 0, len = text ? strlen(text) : 0;
	while (off < len) {
		ssize_t n = send(c->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

void ctl_client_io(struct bgpd *d, struct bgpd_fd *ref)
{
	struct ctl_client *c = ref->obj;
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		c->len += (size_t)n;
	c->buf[c->len] = 0;
	char *nl = strchr(c->buf, '\n');
	if (!nl && n > 0 && c->len < sizeof(c->buf) - 1)
		return; /* wait for the rest of the line */
	if (nl)
		*nl = 0;
	if (c->len) {
		struct json j;
		json_init(&j);
		const char *text = ctl_handle(d, c->buf, &j);
		if (text) {
			respond(c, text);
			respond(c, "\n");
		} else {
			size_t len;
			const char *line = json_line(&j, &len);
			/* An answer that failed to build (out of memory) is an empty line. */
			respond(c, line ? line : "\n");
		}
		json_free(&j);
	}
	client_done(d, c);
}

/* routes false: `show summary`, the RIB's counters without its route list (cheap
 * enough to poll while a large table loads). */
static void show(struct bgpd *d, struct json *j, bool routes)
{
	char a[INET_ADDRSTRLEN];
	int64_t t = bgp_now(&d->clock);
	json_obj_begin(j);
	json_kv_uint(j, "asn", d->cfg.asn);
	json_kv_str(j, "router_id", inet_ntop(AF_INET, &d->cfg.router_id, a, sizeof(a)));
	json_kv_int(j, "pid", getpid());
	json_kv_int(j, "uptime_ms", (t - d->started_ns) / 1000000);
	json_kv_uint(j, "port", d->cfg.port);
	json_key(j, "sessions");
	json_arr_begin(j);
	for (size_t i = 0; i < d->n_sessions; i++)
		bgp_session_json(&d->sessions[i], j, t);
	json_arr_end(j);
	bgpd_bfd_json(d, j, t);
	if (d->rib && routes)
		rib_json(d->rib, j);
	else if (d->rib)
		rib_json_summary(d->rib, j);
	json_obj_end(j);
}

const char *ctl_handle(struct bgpd *d, const char *line, struct json *j)
{
	char cmd[32] = "", arg[128] = "", arg2[32] = "";
	int n = sscanf(line, "%31s %127s %31s", cmd, arg, arg2);
	if (n >= 1 && !strcmp(cmd, "show") && n == 1) {
		show(d, j, true);
		return NULL;
	}
	if (n == 2 && !strcmp(cmd, "show") && !strcmp(arg, "summary")) {
		show(d, j, false);
		return NULL;
	}
	if (n == 3 && !strcmp(cmd, "tunnel") && (!strcmp(arg2, "down") || !strcmp(arg2, "up"))) {
		bool down = !strcmp(arg2, "down");
		/* The tunnel event itself is journaled by the charon plugin; the sessions
		 * journal their state changes (reason tunnel-down). */
		for (size_t i = 0; i < d->n_sessions; i++) {
			struct bgp_session *s = &d->sessions[i];
			if (strcmp(s->nb->track_tunnel, arg))
				continue;
			if (down)
				bgp_session_event(s, -1, BGP_EV_TUNNEL_DOWN, NULL);
			else if (s->fsm.tunnel_down && !d->stopping)
				bgp_session_event(s, -1, BGP_EV_MANUAL_START, NULL);
		}
		return "ok";
	}
	if (n == 2 && !strcmp(cmd, "refresh")) {
		struct in_addr addr;
		int i = inet_pton(AF_INET, arg, &addr) == 1
		            ? bgp_config_find_neighbor(&d->cfg, addr)
		            : -1;
		if (i < 0)
			return "error: no such neighbor";
		if (bgp_session_send_refresh(&d->sessions[i]) < 0)
			return "error: session not established";
		return "ok";
	}
	return "error: unknown request (show [summary] | tunnel NAME down|up | refresh PEER)";
}
