/* Talking to running speakers: our labctl-bgpd's control socket (docs/bgpd.md:
 * one request line, one reply, close) and BIRD's (the birdc protocol: a greeting
 * line "0001 BIRD <version> ready.", then for each command lines "CODE-text"
 * (more follow), " text" (continuation) and finally "CODE text"; codes 0xxx end a
 * reply, 1xxx are data, 2xxx table headers, 8xxx/9xxx errors). */
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/json_read.h"

#define CTL_TIMEOUT_MS 3000

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return lab_err(LAB_EXIT_FAIL, "control socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return lab_err_errno(LAB_EXIT_FAIL, e, "cannot connect to %s", path);
	}
	return fd;
}

static int send_all(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads into *buf (growing) until done(buf) says the reply is complete, EOF, or
 * the deadline. Returns 0 when complete (or EOF with done == NULL), else -1. */
static int read_reply(int fd, char **out, bool (*done)(const char *, size_t), int64_t deadline)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	if (!buf)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (;;) {
		int64_t left = (deadline - mono_ns()) / NS_PER_MS;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			free(buf);
			return lab_err(LAB_EXIT_FAIL, "control socket: no complete reply in %d ms",
			               CTL_TIMEOUT_MS);
		}
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return lab_err(LAB_EXIT_FAIL, "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return lab_err_errno(LAB_EXIT_FAIL, errno, "control socket");
		}
		len += (size_t)n;
		buf[len] = 0;
		if (n == 0 || (done && done(buf, len))) {
			if (n == 0 && done && !done(buf, len)) {
				free(buf);
				return lab_err(LAB_EXIT_FAIL, "control socket closed mid-reply");
			}
			*out = buf;
			return 0;
		}
	}
}

int bgp_svc_bgpd_request(const char *sock, const char *req, char **reply)
{
	int fd = ctl_connect(sock);
	if (fd < 0)
		return -1;
	char line[256];
	snprintf(line, sizeof(line), "%s\n", req);
	int rc = send_all(fd, line) < 0
	             ? lab_err_errno(LAB_EXIT_FAIL, errno, "%s", sock)
	             : read_reply(fd, reply, NULL, mono_ns() + CTL_TIMEOUT_MS * NS_PER_MS);
	close(fd);
	return rc;
}

/* The last complete line is "DDDD text" (a space after the code, code 0xxx or an
 * error 8xxx/9xxx). */
static bool bird_done(const char *buf, size_t len)
{
	if (len == 0 || buf[len - 1] != '\n')
		return false;
	size_t start = len - 1;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	const char *l = buf + start;
	if (len - start < 5)
		return false;
	for (int i = 0; i < 4; i++)
		if (l[i] < '0' || l[i] > '9')
			return false;
	return l[4] == ' ' && (l[0] == '0' || l[0] == '8' || l[0] == '9');
}

int bgp_svc_bird_request(const char *sock, const char *cmd, char **reply)
{
	int fd = ctl_connect(sock);
	if (fd < 0)
		return -1;
	int64_t deadline = mono_ns() + CTL_TIMEOUT_MS * NS_PER_MS;
	char *greeting = NULL;
	int rc = read_reply(fd, &greeting, bird_done, deadline);
	free(greeting);
	if (rc == 0) {
		char line[256];
		snprintf(line, sizeof(line), "%s\n", cmd);
		rc = send_all(fd, line) < 0 ? lab_err_errno(LAB_EXIT_FAIL, errno, "%s", sock)
		                            : read_reply(fd, reply, bird_done, deadline);
	}
	close(fd);
	return rc;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* Our `show`: "sessions", an array of objects with "peer", "state" (RFC 4271 name)
 * and, once Established, "uptime_ms" (docs/bgpd.md). An answer that is not JSON has
 * no sessions. */
size_t bgp_svc_parse_bgpd_sessions(const char *show, struct bgp_svc_session *v, size_t max)
{
	struct json_object *root = json_parse(show, strlen(show), "labctl-bgpd's show");
	if (!root)
		lab_err_clear(); /* not JSON: nothing in it */
	struct json_object *ss = json_get(root, "sessions");
	size_t n = 0,
	       len = json_object_is_type(ss, json_type_array) ? json_object_array_length(ss) : 0;
	for (size_t i = 0; i < len && n < max; i++) {
		const struct json_object *o = json_object_array_get_idx(ss, i);
		const char *state = json_get_str(o, "state"), *peer = json_get_str(o, "peer");
		if (!state)
			continue;
		struct bgp_svc_session *x = &v[n++];
		memset(x, 0, sizeof(*x));
		copy_str(x->state, sizeof(x->state), state, strlen(state));
		if (peer)
			copy_str(x->peer, sizeof(x->peer), peer, strlen(peer));
		x->established = !strcmp(x->state, "Established");
		int64_t up;
		x->uptime_ms = json_get_int(o, "uptime_ms", &up) ? up : -1;
	}
	json_object_put(root);
	return n;
}

bool bgp_svc_bgpd_rib_counts(const char *show, long long *prefixes, long long *fib_installed)
{
	struct json_object *root = json_parse(show, strlen(show), "labctl-bgpd's show");
	if (!root)
		lab_err_clear(); /* not JSON: nothing in it */
	struct json_object *rib = json_get(root, "rib");
	int64_t p = -1, f = -1;
	bool ok = json_object_is_type(rib, json_type_object);
	json_get_int(rib, "prefixes", &p);
	json_get_int(rib, "fib_installed", &f);
	*prefixes = p;
	*fib_installed = f;
	json_object_put(root);
	return ok;
}

bool bgp_svc_bgpd_route_in_fib(const char *show, const char *prefix)
{
	struct json_object *root = json_parse(show, strlen(show), "labctl-bgpd's show");
	if (!root)
		lab_err_clear(); /* not JSON: nothing in it */
	struct json_object *rs = json_get(json_get(root, "rib"), "routes");
	size_t len = json_object_is_type(rs, json_type_array) ? json_object_array_length(rs) : 0;
	bool found = false;
	for (size_t i = 0; i < len && !found; i++) {
		const struct json_object *r = json_object_array_get_idx(rs, i);
		const char *p = json_get_str(r, "prefix"), *fib = json_get_str(r, "fib");
		found = p && fib && !strcmp(p, prefix) && !strcmp(fib, "installed");
	}
	json_object_put(root);
	return found;
}

/* BIRD `show protocols`: "1002-name proto table state since info" (the first data
 * line carries the code, later ones start with a space). */
size_t bgp_svc_parse_bird_sessions(const char *reply, struct bgp_svc_session *v, size_t max)
{
	static const char *const states[] = {"Established", "OpenConfirm", "OpenSent",
	                                     "Active",      "Connect",     "Idle"};
	size_t n = 0;
	for (const char *l = reply; *l && n < max;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char line[512];
		copy_str(line, sizeof(line), l, len);
		const char *p = line;
		if (!strncmp(p, "1002-", 5))
			p += 5;
		else if (*p == ' ')
			p++;
		else
			p = NULL;
		char name[64], proto[32];
		if (p && sscanf(p, "%63s %31s", name, proto) == 2 && !strcmp(proto, "BGP")) {
			struct bgp_svc_session *x = &v[n++];
			memset(x, 0, sizeof(*x));
			snprintf(x->peer, sizeof(x->peer), "%s", name);
			snprintf(x->state, sizeof(x->state), "unknown");
			x->uptime_ms = -1;
			/* "Since" is local time; with BIRD's default format (date and
			 * time) it gives the uptime, else it is shown as it is. */
			char table[64], st[32], since[32], tod[32];
			int k = sscanf(p, "%*s %*s %63s %31s %31s %31s", table, st, since, tod);
			struct tm tm = {.tm_isdst = -1};
			if (k == 4 &&
			    sscanf(since, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3 &&
			    sscanf(tod, "%d:%d:%d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 3) {
				tm.tm_year -= 1900;
				tm.tm_mon -= 1;
				time_t at = mktime(&tm);
				if (at != (time_t)-1 && time(NULL) >= at)
					x->uptime_ms = (long long)(time(NULL) - at) * 1000;
			} else if (k >= 3)
				snprintf(x->since, sizeof(x->since), "%s", since);
			for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++)
				if (strstr(p + strlen(name), states[k])) {
					snprintf(x->state, sizeof(x->state), "%s", states[k]);
					break;
				}
			x->established = !strcmp(x->state, "Established");
		}
		l += len + (end ? 1 : 0);
	}
	return n;
}
