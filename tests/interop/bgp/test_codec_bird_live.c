/* The codec against a live BIRD 2, without the daemon: a BIRD with a 4-octet AS
 * (4200000001) in one namespace, this test speaking raw BGP from another through
 * nothing but msg.h.
 *   1. As a 2-octet speaker (no AS4 capability): BIRD's OPEN carries AS_TRANS and
 *      its routes come as AS_TRANS + AS4_PATH; they must parse back to 4200000001.
 *      Our UPDATE with a 4-octet ASN (AS_TRANS + AS4_PATH) must show up in BIRD
 *      with the true path.
 *   2. As a 4-octet speaker: the same routes, 4-octet AS_PATH.
 *   3. An OPEN with capabilities but no MP IPv4 unicast: BIRD answers 2/7, which
 *      our parser must read as such (docs/reference.md#bird-capabilities). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"
#include "msg.h"

#define BIRD_AS 4200000001u
#define OUR_AS 65001

static struct {
	char ns_a[64], ns_b[64], dir[128];
	bool made;
} L;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static void cleanup(void)
{
	char pidfile[256], buf[32] = "";
	FILE *f;

	if (!L.made)
		return;
	snprintf(pidfile, sizeof(pidfile), "%s/bird.pid", L.dir);
	f = fopen(pidfile, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f) && atoi(buf) > 0)
			kill(atoi(buf), SIGTERM);
		fclose(f);
		usleep(200 * 1000);
	}
	sh("ip netns del %s 2>/dev/null", L.ns_a);
	sh("ip netns del %s 2>/dev/null", L.ns_b);
	sh("rm -rf %s", L.dir);
	L.made = false;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int setup(void)
{
	FILE *f;
	char path[256];
	int fd;

	snprintf(L.ns_a, sizeof(L.ns_a), "lt-codec-bird-%d", getpid());
	snprintf(L.ns_b, sizeof(L.ns_b), "lt-codec-us-%d", getpid());
	snprintf(L.dir, sizeof(L.dir), "/tmp/labtest-codec-bird-%d", getpid());
	L.made = true;
	if (mkdir(L.dir, 0700) < 0)
		return -1;
	if (sh("ip netns add %s && ip netns add %s && "
	       "ip -n %s link add va type veth peer name vb netns %s && "
	       "ip -n %s addr add 10.0.0.1/24 dev va && ip -n %s addr add 10.0.0.2/24 dev vb && "
	       "ip -n %s link set va up && ip -n %s link set vb up && "
	       "ip -n %s link set lo up && ip -n %s link set lo up",
	       L.ns_a, L.ns_b, L.ns_a, L.ns_b, L.ns_a, L.ns_b, L.ns_a, L.ns_b, L.ns_a, L.ns_b) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/bird.conf", L.dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
	        "router id 10.0.0.1;\n"
	        "protocol device {}\n"
	        "protocol static st { ipv4; route 192.0.2.0/24 blackhole;"
	        " route 198.51.100.0/25 blackhole; }\n"
	        "protocol bgp peer {\n"
	        "  local 10.0.0.1 as %u; neighbor 10.0.0.2 as %u;\n"
	        "  passive on; hold time 30; keepalive time 10; error wait time 1, 2;\n"
	        "  ipv4 { import all; export all; };\n}\n",
	        BIRD_AS, OUR_AS);
	fclose(f);
	if (sh("ip netns exec %s bird -c %s/bird.conf -s %s/bird.ctl -P %s/bird.pid", L.ns_a, L.dir,
	       L.dir, L.dir) < 0)
		return -1;
	/* This process speaks from the second namespace. */
	snprintf(path, sizeof(path), "/run/netns/%s", L.ns_b);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		return -1;
	close(fd);
	return 0;
}

struct conn {
	int fd;
	uint8_t buf[4 * BGP_MAX_MSG_LEN];
	size_t len;
};

static int conn_open(struct conn *c)
{
	struct sockaddr_in local = {.sin_family = AF_INET},
	                   peer = {.sin_family = AF_INET, .sin_port = htons(BGP_PORT)};
	struct timeval tv = {.tv_sec = 10};

	inet_pton(AF_INET, "10.0.0.2", &local.sin_addr);
	inet_pton(AF_INET, "10.0.0.1", &peer.sin_addr);
	c->len = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(c->fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    connect(c->fd, (struct sockaddr *)&peer, sizeof(peer)) < 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static int conn_send(struct conn *c, const struct wbuf *w)
{
	return send(c->fd, w->data, w->len, MSG_NOSIGNAL) == (ssize_t)w->len ? 0 : -1;
}

/* Next whole message; 0, or -1 on timeout/close/framing error. */
static int conn_recv(struct conn *c, const struct bgp_codec_ctx *ctx, struct bgp_msg *m,
                     struct bgp_error *err)
{
	for (;;) {
		int n = bgp_frame_len(c->buf, c->len, err);
		ssize_t r;

		if (n < 0)
			return -1;
		if (n > 0) {
			int rc = bgp_msg_parse(c->buf, (size_t)n, ctx, m, err);

			memmove(c->buf, c->buf + n, c->len - (size_t)n);
			c->len -= (size_t)n;
			return rc;
		}
		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (r <= 0)
			return -1;
		c->len += (size_t)r;
	}
}

static void send_open(struct conn *c, bool as4, bool mp)
{
	uint8_t b[256];
	struct wbuf w;
	struct bgp_open o = {
	    .my_as = OUR_AS,
	    .hold_time = 30,
	    .caps = {.present = true, .mp_ipv4_unicast = mp, .as4 = as4, .route_refresh = true}};

	inet_pton(AF_INET, "10.0.0.2", &o.bgp_id);
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_open(&w, &o), 0);
	CHECK_INT(bgp_build_keepalive(&w), 0);
	CHECK_INT(conn_send(c, &w), 0);
}

/* Connects (retrying while BIRD sits out its error wait) and exchanges OPENs.
 * Returns BIRD's first non-KEEPALIVE answer in *m (its OPEN, or a NOTIFICATION). */
static int session(struct conn *c, const struct bgp_codec_ctx *ctx, bool as4, bool mp,
                   struct bgp_msg *m)
{
	struct bgp_error err;

	for (int tries = 0; tries < 40; tries++, usleep(500 * 1000)) {
		if (conn_open(c) < 0)
			continue;
		send_open(c, as4, mp);
		if (conn_recv(c, ctx, m, &err) == 0) {
			/* Refused while BIRD restarts its protocol: try again. */
			if (m->type == BGP_MSG_NOTIFICATION &&
			    m->notification.code == BGP_ERR_CEASE) {
				close(c->fd);
				continue;
			}
			return 0;
		}
		close(c->fd);
	}
	return -1;
}

static void bye(struct conn *c)
{
	uint8_t b[64];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	bgp_build_notification(&w, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, NULL, 0);
	conn_send(c, &w);
	close(c->fd);
}

/* Reads up to End-of-RIB; checks every route BIRD sent. */
static void read_routes(struct conn *c, const struct bgp_codec_ctx *ctx)
{
	int routes = 0, msgs = 0;
	bool eor = false;

	while (!eor && msgs++ < 100) {
		struct bgp_msg m;
		struct bgp_error err;
		char s[128];

		if (conn_recv(c, ctx, &m, &err) < 0) {
			fprintf(stderr, "no End-of-RIB: %s\n", err.reason);
			CHECK(0);
			return;
		}
		if (m.type != BGP_MSG_UPDATE)
			continue;
		CHECK_INT(err.action, BGP_ACT_NONE);
		eor = m.update.end_of_rib;
		for (size_t i = 0; i < m.update.nlri.n; i++, routes++) {
			bgp_prefix_format(m.update.nlri.v[i], s);
			CHECK(!strcmp(s, "192.0.2.0/24") || !strcmp(s, "198.51.100.0/25"));
		}
		if (m.update.nlri.n) {
			bgp_as_path_format(&m.update.attrs.as_path, s, sizeof(s));
			CHECK_STR(s, "4200000001");
			CHECK_STR(inet_ntop(AF_INET, &m.update.attrs.next_hop, s, sizeof(s)),
			          "10.0.0.1");
		}
		bgp_msg_free(&m);
	}
	CHECK(eor);
	CHECK_INT(routes, 2);
}

static void check_bird_open(const struct bgp_msg *m)
{
	CHECK_INT(m->type, BGP_MSG_OPEN);
	CHECK_INT(m->open.my_as2, BGP_AS_TRANS);
	CHECK_INT(m->open.my_as, BIRD_AS);
	CHECK(m->open.caps.mp_ipv4_unicast);
	CHECK(m->open.caps.as4);
	CHECK(m->open.caps.route_refresh);
}

/* Our route with a 4-octet ASN in its path, sent to a session of the given kind;
 * BIRD must show the true path. */
static void announce(struct conn *c, const struct bgp_codec_ctx *ctx, const char *prefix)
{
	uint8_t b[BGP_MAX_MSG_LEN];
	struct wbuf w;
	struct bgp_attrs a;
	struct bgp_prefix p;
	uint32_t path[] = {OUR_AS, 4200000009u};
	size_t wi = 0, ni = 0;
	char cmd[512], out[4096] = "";
	bool seen = false;

	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	bgp_as_path_append(&a.as_path, BGP_AS_SEQUENCE, path, 2);
	inet_pton(AF_INET, "10.0.0.2", &a.next_hop);
	bgp_prefix_parse(prefix, &p);
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_update(&w, ctx, NULL, 0, &wi, &a, &p, 1, &ni), 0);
	CHECK_INT(bgp_build_end_of_rib(&w), 0);
	CHECK_INT(conn_send(c, &w), 0);
	bgp_attrs_free(&a);
	snprintf(cmd, sizeof(cmd), "ip netns exec %s birdc -s %s/bird.ctl show route %s all",
	         L.ns_a, L.dir, prefix);
	for (int i = 0; i < 50 && !seen; i++, usleep(100 * 1000)) {
		FILE *f = popen(cmd, "r");
		size_t n;

		if (!f)
			break;
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		pclose(f);
		seen = strstr(out, "BGP.as_path: 65001 4200000009") != NULL;
	}
	if (!seen)
		fprintf(stderr, "BIRD's view of %s:\n%s\n", prefix, out);
	CHECK(seen);
}

int main(void)
{
	struct conn c;
	struct bgp_msg m;
	struct bgp_codec_ctx old = {.as4 = false, .peer_as = BIRD_AS};
	struct bgp_codec_ctx new = {.as4 = true, .peer_as = BIRD_AS};

	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	if (system("command -v bird >/dev/null 2>&1") != 0)
		return check_skip("bird (Debian bird2) is not installed");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (setup() < 0) {
		fprintf(stderr, "setup failed: %s\n", strerror(errno));
		cleanup();
		return 1;
	}

	/* 1. We are an OLD speaker. */
	CHECK_INT(session(&c, &old, false, true, &m), 0);
	if (m.type == BGP_MSG_OPEN) {
		check_bird_open(&m);
		read_routes(&c, &old);
		announce(&c, &old, "10.77.0.0/16");
		bye(&c);
	}

	/* 2. We are a NEW speaker. */
	CHECK_INT(session(&c, &new, true, true, &m), 0);
	if (m.type == BGP_MSG_OPEN) {
		check_bird_open(&m);
		read_routes(&c, &new);
		announce(&c, &new, "10.78.0.0/16");
		bye(&c);
	}

	/* 3. Capabilities without MP IPv4 unicast: refused with 2/7. */
	CHECK_INT(session(&c, &new, true, false, &m), 0);
	if (m.type == BGP_MSG_OPEN) {
		struct bgp_error err;

		CHECK_INT(conn_recv(&c, &new, &m, &err), 0);
	}
	CHECK_INT(m.type, BGP_MSG_NOTIFICATION);
	if (m.type == BGP_MSG_NOTIFICATION) {
		char name[128];

		fprintf(stderr, "BIRD refused our OPEN: %s\n",
		        bgp_notify_name(m.notification.code, m.notification.subcode, name,
		                        sizeof(name)));
		CHECK_INT(m.notification.code, BGP_ERR_OPEN);
		CHECK_INT(m.notification.subcode, BGP_ERR_OPEN_UNSUP_CAP);
	}
	close(c.fd);
	cleanup();
	return check_done();
}
