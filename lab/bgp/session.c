/* FSM actions -> TCP I/O, codec, RIB calls and journal events (see session.h). */
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp_log.h"
#include "bgpd_bfd.h"
#include "common/err.h"

static const char *type_key(uint8_t t)
{
	switch (t) {
	case BGP_MSG_OPEN: return "open";
	case BGP_MSG_UPDATE: return "update";
	case BGP_MSG_NOTIFICATION: return "notification";
	case BGP_MSG_KEEPALIVE: return "keepalive";
	case BGP_MSG_ROUTE_REFRESH: return "route-refresh";
	default: return "unknown";
	}
}

static const char *peer_str(const struct bgp_session *s, char *buf)
{
	return inet_ntop(AF_INET, &s->nb->addr, buf, INET_ADDRSTRLEN);
}

static int64_t now(const struct bgp_session *s)
{
	return bgp_now(&s->d->clock);
}

/* ---- journal ---- */

static void journal_msg(struct bgp_session *s, const char *ev, uint8_t type, int conn,
                        long announced, long withdrawn, int code, int subcode)
{
	struct json *j = bgpd_journal_begin(s->d, ev);
	char a[INET_ADDRSTRLEN];
	if (!j)
		return;
	json_kv_str(j, "peer", peer_str(s, a));
	json_kv_str(j, "type", type_key(type));
	json_kv_str(j, "conn", conn == BGP_CONN_OUT ? "out" : "in");
	if (type == BGP_MSG_UPDATE) {
		json_kv_int(j, "announced", announced);
		json_kv_int(j, "withdrawn", withdrawn);
	}
	if (code >= 0) {
		char name[96];
		json_kv_int(j, "code", code);
		json_kv_int(j, "subcode", subcode);
		json_kv_str(j, "name",
		            bgp_notify_name((uint8_t)code, (uint8_t)subcode, name, sizeof(name)));
	}
	bgpd_journal_end(s->d);
}

static void journal_state(struct bgp_session *s, const struct bgp_fsm_action *a)
{
	char p[INET_ADDRSTRLEN], name[96] = "";
	if (a->has_code)
		bgp_notify_name(a->code, a->subcode, name, sizeof(name));
	peer_str(s, p);
	bgp_log_peer(BGP_LOG_INFO, s->nb, "%s -> %s (%s%s%s)", bgp_state_name(a->from),
	             bgp_state_name(a->to), bgp_reason_name(a->reason), a->has_code ? ": " : "",
	             name);
	struct json *j = bgpd_journal_begin(s->d, "state");
	if (!j)
		return;
	json_kv_str(j, "peer", p);
	json_kv_str(j, "from", bgp_state_name(a->from));
	json_kv_str(j, "to", bgp_state_name(a->to));
	json_kv_str(j, "reason", bgp_reason_name(a->reason));
	if (a->has_code) {
		json_kv_int(j, "code", a->code);
		json_kv_int(j, "subcode", a->subcode);
		json_kv_str(j, "name", name);
	}
	bgpd_journal_end(s->d);
}

/* ---- connections ---- */

static void io_reset(struct bgp_conn_io *io)
{
	io->fd = -1;
	io->want_write = false;
	io->connecting = false;
	io->failed = false;
	io->rlen = 0;
	io->wlen = io->woff = 0;
	io->peer_as4 = io->peer_refresh = false;
	io->local.s_addr = 0;
}

static void io_events(struct bgp_session *s, int ci)
{
	struct bgp_conn_io *io = &s->io[ci];
	bool want = io->connecting || io->woff < io->wlen;
	if (io->fd < 0 || want == io->want_write)
		return;
	io->want_write = want;
	bgpd_fd_mod(s->d, io->fd, EPOLLIN | (want ? EPOLLOUT : 0), &io->ref);
}

/* Writes what the socket takes now. A write error is reported to the FSM after the
 * event being handled (io->failed), never from inside it. */
static void conn_flush(struct bgp_session *s, int ci)
{
	struct bgp_conn_io *io = &s->io[ci];
	while (io->fd >= 0 && !io->connecting && io->woff < io->wlen) {
		ssize_t n = send(io->fd, io->wq + io->woff, io->wlen - io->woff, MSG_NOSIGNAL);
		if (n > 0) {
			io->woff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		io->failed = true;
		break;
	}
	if (io->woff == io->wlen)
		io->woff = io->wlen = 0;
	io_events(s, ci);
}

static int conn_queue(struct bgp_session *s, int ci, const uint8_t *msg, size_t len)
{
	struct bgp_conn_io *io = &s->io[ci];
	if (io->fd < 0)
		return -1;
	if (io->wlen + len > io->wcap) {
		if (io->woff) {
			memmove(io->wq, io->wq + io->woff, io->wlen - io->woff);
			io->wlen -= io->woff;
			io->woff = 0;
		}
		if (io->wlen + len > io->wcap) {
			size_t cap = io->wcap ? io->wcap : 65536;
			while (cap < io->wlen + len)
				cap *= 2;
			uint8_t *q = realloc(io->wq, cap);
			if (!q) {
				io->failed = true;
				return -1;
			}
			io->wq = q;
			io->wcap = cap;
		}
	}
	memcpy(io->wq + io->wlen, msg, len);
	io->wlen += len;
	return 0;
}

static void conn_close(struct bgp_session *s, int ci)
{
	struct bgp_conn_io *io = &s->io[ci];
	if (io->fd < 0)
		return;
	/* Last chance for a queued NOTIFICATION: it is small and the socket buffer
	 * almost always takes it. */
	conn_flush(s, ci);
	/* close() with unread input makes the kernel send RST, and the peer may then
	 * lose the NOTIFICATION just queued: drain what has arrived first. */
	uint8_t sink[4096];
	for (int i = 0; i < 64 && recv(io->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++)
		;
	bgpd_fd_del(s->d, io->fd);
	close(io->fd);
	free(io->rbuf);
	io->rbuf = NULL;
	io_reset(io);
}

static int sock_setup(int fd)
{
	int one = 1;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -1;
	/* Keepalives and NOTIFICATIONs are tiny and time-critical. */
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void local_addr(struct bgp_conn_io *io)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	if (getsockname(io->fd, (struct sockaddr *)&sa, &len) == 0 && sa.sin_family == AF_INET)
		io->local = sa.sin_addr;
}

static void conn_connect(struct bgp_session *s)
{
	struct bgp_conn_io *io = &s->io[BGP_CONN_OUT];
	if (io->fd >= 0)
		conn_close(s, BGP_CONN_OUT);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sock_setup(fd) < 0)
		goto fail;
	if (s->nb->has_local_addr) {
		struct sockaddr_in la = {.sin_family = AF_INET, .sin_addr = s->nb->local_addr};
		if (bind(fd, (struct sockaddr *)&la, sizeof(la)) < 0)
			goto fail;
	}
	struct sockaddr_in ra = {
	    .sin_family = AF_INET, .sin_addr = s->nb->addr, .sin_port = htons(s->d->cfg.port)};
	if (connect(fd, (struct sockaddr *)&ra, sizeof(ra)) < 0 && errno != EINPROGRESS)
		goto fail;
	io->fd = fd;
	io->connecting = true;
	io->ref = (struct bgpd_fd){.kind = BGPD_FD_CONN, .obj = s, .conn = BGP_CONN_OUT};
	io->want_write = true;
	if (bgpd_fd_add(s->d, fd, EPOLLIN | EPOLLOUT, &io->ref) < 0) {
		io->fd = -1;
		goto fail;
	}
	return;
fail:
	/* Debug only: with the peer down this repeats every connect-retry time. */
	bgp_log_peer_errno(BGP_LOG_DEBUG, s->nb, errno, "connect");
	if (fd >= 0)
		close(fd);
	io->failed = true;
}

/* ---- sending ---- */

static void send_built(struct bgp_session *s, int ci, struct wbuf *w, uint8_t type, long ann,
                       long wd, int code, int sub)
{
	if (w->overflow || conn_queue(s, ci, w->data, w->len) < 0)
		return;
	s->out.n[type]++;
	if (type == BGP_MSG_KEEPALIVE)
		s->last_keepalive_tx_ns = now(s);
	journal_msg(s, "tx", type, ci, ann, wd, code, sub);
}

static void send_open(struct bgp_session *s, int ci)
{
	uint8_t buf[BGP_MAX_MSG_LEN];
	struct wbuf w;
	struct bgp_open o;
	memset(&o, 0, sizeof(o));
	o.version = BGP_VERSION;
	o.my_as = s->d->cfg.asn;
	o.hold_time = (uint16_t)(s->nb->hold_ms / 1000);
	o.bgp_id = s->d->cfg.router_id;
	/* BIRD refuses capabilities without MP IPv4 unicast (docs/reference.md). */
	o.caps.present = true;
	o.caps.mp_ipv4_unicast = true;
	o.caps.as4 = true;
	o.caps.as4_value = s->d->cfg.asn;
	o.caps.route_refresh = true;
	wbuf_init(&w, buf, sizeof(buf));
	if (bgp_build_open(&w, &o) == 0)
		send_built(s, ci, &w, BGP_MSG_OPEN, 0, 0, -1, -1);
	conn_flush(s, ci);
}

static void send_simple(struct bgp_session *s, int ci, uint8_t type, uint8_t code, uint8_t sub)
{
	uint8_t buf[BGP_MAX_MSG_LEN];
	struct wbuf w;
	const uint8_t *data = NULL;
	size_t dlen = 0;
	if (type == BGP_MSG_NOTIFICATION && s->err_pending && s->err.code == code &&
	    s->err.subcode == sub) {
		data = s->err.data;
		dlen = s->err.data_len;
	}
	s->err_pending = false;
	wbuf_init(&w, buf, sizeof(buf));
	int r = type == BGP_MSG_KEEPALIVE ? bgp_build_keepalive(&w)
	                                  : bgp_build_notification(&w, code, sub, data, dlen);
	if (r == 0)
		send_built(s, ci, &w, type, 0, 0, type == BGP_MSG_NOTIFICATION ? code : -1,
		           type == BGP_MSG_NOTIFICATION ? sub : -1);
	conn_flush(s, ci);
}

static struct bgp_codec_ctx codec_ctx(const struct bgp_session *s, int ci)
{
	bool ibgp = s->nb->remote_as == s->d->cfg.asn;
	struct bgp_codec_ctx c = {
	    .as4 = s->io[ci].peer_as4, /* we always offer it */
	    .ibgp = ibgp,
	    .peer_as = ibgp ? 0 : s->nb->remote_as,
	};
	return c;
}

/* ---- FSM plumbing ---- */

static void do_actions(struct bgp_session *s, const struct bgp_fsm_out *out)
{
	for (int i = 0; i < out->n; i++) {
		const struct bgp_fsm_action *a = &out->a[i];
		switch (a->what) {
		case BGP_DO_CONNECT: conn_connect(s); break;
		case BGP_DO_CLOSE: conn_close(s, a->conn); break;
		case BGP_DO_SEND_OPEN: send_open(s, a->conn); break;
		case BGP_DO_SEND_KEEPALIVE: send_simple(s, a->conn, BGP_MSG_KEEPALIVE, 0, 0); break;
		case BGP_DO_SEND_NOTIFICATION:
			send_simple(s, a->conn, BGP_MSG_NOTIFICATION, a->code, a->subcode);
			break;
		case BGP_DO_RIB_UP: {
			struct rib_peer_info info = {
			    .remote_id.s_addr = htonl(s->fsm.conn[a->conn].remote_id),
			    .local_addr = s->io[a->conn].local,
			    .as4 = s->io[a->conn].peer_as4,
			};
			s->rib_up = true;
			s->rib_conn = a->conn;
			if (s->d->rib && rib_peer_up(s->d->rib, s->idx, &info, now(s)) < 0)
				bgp_log_peer(BGP_LOG_ERR, s->nb, "RIB: %s", lab_err_msg());
			conn_flush(s, a->conn);
			break;
		}
		case BGP_DO_RIB_DOWN:
			/* Down first: nothing the RIB sends from inside rib_peer_down may
			 * go to this peer. */
			if (s->rib_up) {
				s->rib_up = false;
				if (s->d->rib)
					rib_peer_down(s->d->rib, s->idx, now(s));
			}
			break;
		case BGP_DO_STATE: journal_state(s, a); break;
		}
	}
}

/* Write errors and immediate connect failures, reported once the event that
 * caused them is complete. */
static void pending_failures(struct bgp_session *s)
{
	if (s->depth)
		return;
	for (int guard = 0; guard < 4; guard++) {
		int ci;
		for (ci = 0; ci < BGP_CONN_MAX; ci++)
			if (s->io[ci].failed)
				break;
		if (ci == BGP_CONN_MAX)
			return;
		s->io[ci].failed = false;
		bgp_session_event(s, ci, BGP_EV_TCP_FAILS, NULL);
	}
}

void bgp_session_event(struct bgp_session *s, int conn, enum bgp_event ev,
                       const struct bgp_fsm_in *in)
{
	struct bgp_fsm_out out = {0};
	bgp_fsm_event(&s->fsm, conn, ev, in, &out);
	s->depth++;
	do_actions(s, &out);
	s->depth--;
	pending_failures(s);
}

void bgp_session_timers(struct bgp_session *s)
{
	for (;;) {
		struct bgp_fsm_out out = {0};
		if (!bgp_fsm_tick(&s->fsm, &out))
			break;
		s->depth++;
		do_actions(s, &out);
		s->depth--;
		pending_failures(s);
	}
}

void bgp_session_accept(struct bgp_session *s, int fd)
{
	struct bgp_fsm_out out = {0};
	struct bgp_conn_io *io = &s->io[BGP_CONN_IN];
	if (io->fd >= 0 || sock_setup(fd) < 0 || bgp_fsm_accept(&s->fsm, &out) < 0) {
		bgp_log_peer(BGP_LOG_DEBUG, s->nb, "incoming connection refused in %s",
		             bgp_state_name(s->fsm.state));
		close(fd);
		return;
	}
	io->fd = fd;
	io->ref = (struct bgpd_fd){.kind = BGPD_FD_CONN, .obj = s, .conn = BGP_CONN_IN};
	io->want_write = false;
	if (bgpd_fd_add(s->d, fd, EPOLLIN, &io->ref) < 0)
		io->failed = true;
	local_addr(io);
	s->depth++;
	do_actions(s, &out);
	s->depth--;
	pending_failures(s);
}

/* ---- receiving ---- */

/* Returns the message type handled, or -1 when it could not be parsed. */
static int rx_msg(struct bgp_session *s, int ci, const uint8_t *buf, size_t len)
{
	struct bgp_codec_ctx ctx = codec_ctx(s, ci);
	struct bgp_msg m;
	struct bgp_error err;
	struct bgp_fsm_in in = {0};
	memset(&err, 0, sizeof(err));
	if (bgp_msg_parse(buf, len, &ctx, &m, &err) < 0) {
		uint8_t type = len > BGP_HEADER_LEN - 1 ? buf[BGP_HEADER_LEN - 1] : 0;
		if (type >= 1 && type <= 5)
			s->in.n[type]++;
		bgp_log_peer(BGP_LOG_WARN, s->nb, "bad %s: %s", type_key(type), err.reason);
		s->err = err;
		s->err_pending = true;
		in.code = err.code;
		in.subcode = err.subcode;
		bgp_session_event(s, ci, BGP_EV_MSG_ERROR, &in);
		return -1;
	}
	s->in.n[m.type]++;
	switch (m.type) {
	case BGP_MSG_OPEN:
		journal_msg(s, "rx", m.type, ci, 0, 0, -1, -1);
		/* The codec refuses our own identifier; RFC 6286 allows it from eBGP
		 * peers, so it only gets ours for iBGP (the FSM checks the rest). */
		struct in_addr own = s->d->cfg.router_id;
		if (s->nb->remote_as != s->d->cfg.asn)
			own.s_addr = 0;
		if (bgp_open_check(&m.open, s->nb->remote_as, own, &err) < 0) {
			bgp_log_peer(BGP_LOG_WARN, s->nb, "OPEN refused: %s", err.reason);
			s->err = err;
			s->err_pending = true;
			in.code = err.code;
			in.subcode = err.subcode;
			bgp_session_event(s, ci, BGP_EV_MSG_ERROR, &in);
			break;
		}
		s->io[ci].peer_as4 = m.open.caps.as4;
		s->io[ci].peer_refresh = m.open.caps.route_refresh;
		in.peer_as = m.open.my_as;
		in.hold_s = m.open.hold_time;
		in.peer_id = ntohl(m.open.bgp_id.s_addr);
		bgp_session_event(s, ci, BGP_EV_OPEN, &in);
		break;
	case BGP_MSG_UPDATE:
		journal_msg(s, "rx", m.type, ci, (long)m.update.nlri.n, (long)m.update.withdrawn.n,
		            -1, -1);
		s->last_update_rx_ns = now(s);
		bgp_session_event(s, ci, BGP_EV_UPDATE, NULL);
		if (s->rib_up && s->rib_conn == ci && s->d->rib &&
		    rib_update(s->d->rib, s->idx, &m.update, now(s)) < 0)
			bgp_log_peer(BGP_LOG_ERR, s->nb, "RIB: %s", lab_err_msg());
		break;
	case BGP_MSG_KEEPALIVE:
		journal_msg(s, "rx", m.type, ci, 0, 0, -1, -1);
		s->last_keepalive_rx_ns = now(s);
		bgp_session_event(s, ci, BGP_EV_KEEPALIVE, NULL);
		break;
	case BGP_MSG_NOTIFICATION:
		journal_msg(s, "rx", m.type, ci, 0, 0, m.notification.code, m.notification.subcode);
		in.code = m.notification.code;
		in.subcode = m.notification.subcode;
		bgp_session_event(s, ci, BGP_EV_NOTIFICATION, &in);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		journal_msg(s, "rx", m.type, ci, 0, 0, -1, -1);
		bgp_session_event(s, ci, BGP_EV_ROUTE_REFRESH, NULL);
		if (s->rib_up && s->rib_conn == ci && s->d->rib &&
		    m.route_refresh.afi == BGP_AFI_IPV4 && m.route_refresh.safi == BGP_SAFI_UNICAST)
			rib_route_refresh(s->d->rib, s->idx);
		break;
	}
	int type = m.type;
	bgp_msg_free(&m);
	return type;
}

static void conn_read(struct bgp_session *s, int ci)
{
	struct bgp_conn_io *io = &s->io[ci];
	/* Bounded, so that a peer flooding UPDATEs cannot starve our timers (the
	 * KEEPALIVEs we owe) or the other sessions: epoll is level-triggered and
	 * brings us back for the rest. */
	bool open_seen = false;
	if (!io->rbuf && !(io->rbuf = malloc(BGP_RBUF_SIZE))) {
		bgp_log_peer(BGP_LOG_ERR, s->nb, "out of memory for a read buffer");
		bgp_session_event(s, ci, BGP_EV_TCP_FAILS, NULL);
		return;
	}
	for (int round = 0; round < 64 && !open_seen; round++) {
		ssize_t n = read(io->fd, io->rbuf + io->rlen, BGP_RBUF_SIZE - io->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			bgp_session_event(s, ci, BGP_EV_TCP_FAILS, NULL);
			return;
		}
		io->rlen += (size_t)n;
		size_t off = 0;
		while (io->fd >= 0) {
			struct bgp_error err;
			err.data_len = 0;
			int len = bgp_frame_len(io->rbuf + off, io->rlen - off, &err);
			if (len < 0) {
				struct bgp_fsm_in in = {.code = err.code, .subcode = err.subcode};
				bgp_log_peer(BGP_LOG_WARN, s->nb, "bad message header: %s",
				             err.reason);
				s->err = err;
				s->err_pending = true;
				bgp_session_event(s, ci, BGP_EV_MSG_ERROR, &in);
				return;
			}
			if (len == 0)
				break;
			/* After an OPEN, read no more from this connection in this turn
			 * (epoll is level-triggered and comes back): an OPEN already
			 * waiting on the other connection of a collision must be seen
			 * before the peer's KEEPALIVE on this one can make it Established,
			 * or RFC 4271 s6.8's identifier rule never gets to decide. */
			if (rx_msg(s, ci, io->rbuf + off, (size_t)len) == BGP_MSG_OPEN)
				open_seen = true;
			off += (size_t)len;
		}
		if (io->fd < 0)
			return; /* closed while handling a message: the buffer is gone */
		memmove(io->rbuf, io->rbuf + off, io->rlen - off);
		io->rlen -= off;
	}
}

void bgp_session_io(struct bgp_session *s, int ci, uint32_t events)
{
	struct bgp_conn_io *io = &s->io[ci];
	if (io->fd < 0)
		return;
	if (io->connecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		io->connecting = false;
		io_events(s, ci);
		if (err) {
			bgp_log_peer_errno(BGP_LOG_DEBUG, s->nb, err, "connect");
			bgp_session_event(s, ci, BGP_EV_TCP_FAILS, NULL);
			return;
		}
		local_addr(io);
		bgp_session_event(s, ci, BGP_EV_TCP_CR_ACKED, NULL);
		return;
	}
	if (events & EPOLLOUT) {
		conn_flush(s, ci);
		pending_failures(s);
	}
	if (io->fd >= 0 && (events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		conn_read(s, ci);
}

/* ---- the RIB's way out (rib.h struct rib_ops) ---- */

static int rib_send_update(void *ctx, uint32_t peer, const struct bgp_update *u)
{
	struct bgpd *d = ctx;
	if (peer >= d->n_sessions)
		return -1;
	struct bgp_session *s = &d->sessions[peer];
	int ci = s->rib_conn;
	if (!s->rib_up || s->io[ci].fd < 0)
		return -1;
	struct bgp_codec_ctx cc = codec_ctx(s, ci);
	uint8_t buf[BGP_MAX_MSG_LEN];
	struct wbuf w;
	size_t nw = u->withdrawn.n, nn = u->nlri.n, wi = 0, ni = 0;
	if (nw == 0 && nn == 0) {
		wbuf_init(&w, buf, sizeof(buf));
		if (bgp_build_end_of_rib(&w) < 0)
			return -1;
		send_built(s, ci, &w, BGP_MSG_UPDATE, 0, 0, -1, -1);
	}
	while (wi < nw || ni < nn) {
		size_t wi0 = wi, ni0 = ni;
		wbuf_init(&w, buf, sizeof(buf));
		if (bgp_build_update(&w, &cc, u->withdrawn.v, nw, &wi, nn ? &u->attrs : NULL,
		                     u->nlri.v, nn, &ni) < 0)
			return -1;
		send_built(s, ci, &w, BGP_MSG_UPDATE, (long)(ni - ni0), (long)(wi - wi0), -1, -1);
	}
	/* Big initial dumps: do not let the queue grow without bound before a flush. */
	if (s->io[ci].wlen - s->io[ci].woff > (1u << 20))
		conn_flush(s, ci);
	/* s8.2.2 Established: an UPDATE sent restarts the KeepaliveTimer. */
	struct bgp_fsm_out out = {0};
	bgp_fsm_event(&s->fsm, ci, BGP_EV_UPDATE_SENT, NULL, &out);
	do_actions(s, &out);
	return s->io[ci].failed ? -1 : 0;
}

static void rib_peer_flush(void *ctx, uint32_t peer)
{
	struct bgpd *d = ctx;
	if (peer < d->n_sessions && d->sessions[peer].rib_up)
		conn_flush(&d->sessions[peer], d->sessions[peer].rib_conn);
}

const struct rib_ops bgp_session_rib_ops = {
    .send_update = rib_send_update,
    .peer_flush = rib_peer_flush,
};

int bgp_session_send_refresh(struct bgp_session *s)
{
	int ci = bgp_fsm_established_conn(&s->fsm);
	if (ci < 0)
		return -1;
	uint8_t buf[64];
	struct wbuf w;
	wbuf_init(&w, buf, sizeof(buf));
	if (bgp_build_route_refresh(&w, BGP_AFI_IPV4, BGP_SAFI_UNICAST) < 0)
		return -1;
	send_built(s, ci, &w, BGP_MSG_ROUTE_REFRESH, 0, 0, -1, -1);
	conn_flush(s, ci);
	pending_failures(s);
	return 0;
}

/* ---- lifetime ---- */

void bgp_session_init(struct bgp_session *s, struct bgpd *d, uint32_t idx)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->idx = idx;
	s->nb = &d->cfg.neighbors[idx];
	struct bgp_fsm_cfg fc = {
	    .local_as = d->cfg.asn,
	    .remote_as = s->nb->remote_as,
	    .local_id = ntohl(d->cfg.router_id.s_addr),
	    .hold_ms = s->nb->hold_ms,
	    .keepalive_ms = s->nb->keepalive_ms,
	    .connect_retry_ms = s->nb->connect_retry_ms,
	    .open_hold_ms = s->nb->open_hold_ms,
	    .passive = s->nb->passive,
	};
	/* Per-neighbor seed: two speakers started together must not jitter alike. */
	uint64_t seed = (uint64_t)bgp_now(&d->clock) ^ ((uint64_t)getpid() << 32) ^
	                ((uint64_t)s->nb->addr.s_addr * 0x9e3779b97f4a7c15ULL);
	bgp_fsm_init(&s->fsm, &fc, &d->clock, seed);
	for (int ci = 0; ci < BGP_CONN_MAX; ci++)
		io_reset(&s->io[ci]);
}

void bgp_session_free(struct bgp_session *s)
{
	for (int ci = 0; ci < BGP_CONN_MAX; ci++) {
		conn_close(s, ci);
		free(s->io[ci].wq);
		s->io[ci].wq = NULL;
		s->io[ci].wcap = 0;
	}
}

/* ---- `show` ---- */

static void counts_json(struct json *j, const char *key, const struct bgp_msg_counts *c)
{
	json_key(j, key);
	json_obj_begin(j);
	for (uint8_t t = BGP_MSG_OPEN; t <= BGP_MSG_ROUTE_REFRESH; t++)
		json_kv_uint(j, type_key(t), c->n[t]);
	json_obj_end(j);
}

static void ago_json(struct json *j, const char *key, int64_t t, int64_t now_ns)
{
	if (t)
		json_kv_int(j, key, (now_ns - t) / 1000000);
	else {
		json_key(j, key);
		json_null(j);
	}
}

void bgp_session_json(const struct bgp_session *s, struct json *j, int64_t t)
{
	const struct bgp_fsm *f = &s->fsm;
	char p[INET_ADDRSTRLEN], name[96];
	int mc = bgp_fsm_main_conn(f);
	const struct bgp_fsm_conn *c = mc >= 0 ? &f->conn[mc] : NULL;
	json_obj_begin(j);
	json_kv_str(j, "peer", peer_str(s, p));
	json_kv_uint(j, "remote_as", s->nb->remote_as);
	json_kv_str(j, "type", s->nb->remote_as == s->d->cfg.asn ? "ibgp" : "ebgp");
	json_kv_str(j, "state", bgp_state_name(f->state));
	if (mc >= 0 && s->io[mc].fd >= 0)
		json_kv_str(j, "conn", mc == BGP_CONN_OUT ? "out" : "in");
	if (f->state == BGP_ST_ESTABLISHED)
		json_kv_int(j, "uptime_ms", (t - f->established_ns) / 1000000);
	json_kv_uint(j, "established_count", f->established_count);
	json_kv_bool(j, "passive", s->nb->passive);
	if (s->nb->track_tunnel[0]) {
		json_kv_str(j, "track_tunnel", s->nb->track_tunnel);
		json_kv_bool(j, "tunnel_down", f->tunnel_down);
	}
	if (bgpd_bfd_state(s->d, s->idx)) {
		/* the BFD session's state; bfd_down: held down until BFD is Up (RFC 5882) */
		json_kv_str(j, "bfd", bgpd_bfd_state(s->d, s->idx));
		json_kv_bool(j, "bfd_down", f->bfd_down);
	}
	json_key(j, "configured");
	json_obj_begin(j);
	json_kv_uint(j, "hold_ms", s->nb->hold_ms);
	json_kv_uint(j, "keepalive_ms", s->nb->keepalive_ms);
	json_kv_uint(j, "connect_retry_ms", s->nb->connect_retry_ms);
	json_obj_end(j);
	if (c && c->state >= BGP_ST_OPENCONFIRM) {
		json_kv_uint(j, "hold_ms", c->hold_ms);
		json_kv_uint(j, "keepalive_ms", c->keepalive_ms);
		json_kv_str(
		    j, "remote_id",
		    inet_ntop(AF_INET, &(struct in_addr){htonl(c->remote_id)}, name, sizeof(name)));
	}
	json_key(j, "timers_ms_left"); /* -1: not running */
	json_obj_begin(j);
	json_kv_int(j, "hold", c ? bgp_timer_left_ms(&c->hold, t) : -1);
	json_kv_int(j, "keepalive", c ? bgp_timer_left_ms(&c->keepalive, t) : -1);
	json_kv_int(j, "connect_retry", bgp_timer_left_ms(&f->connect_retry, t));
	json_obj_end(j);
	counts_json(j, "msgs_in", &s->in);
	counts_json(j, "msgs_out", &s->out);
	ago_json(j, "last_keepalive_rx_ms_ago", s->last_keepalive_rx_ns, t);
	ago_json(j, "last_keepalive_tx_ms_ago", s->last_keepalive_tx_ns, t);
	ago_json(j, "last_update_rx_ms_ago", s->last_update_rx_ns, t);
	json_key(j, "last_error");
	if (f->last_error.set) {
		json_obj_begin(j);
		json_kv_int(j, "code", f->last_error.code);
		json_kv_int(j, "subcode", f->last_error.subcode);
		json_kv_str(j, "dir", f->last_error.sent ? "sent" : "received");
		json_kv_str(
		    j, "name",
		    bgp_notify_name(f->last_error.code, f->last_error.subcode, name, sizeof(name)));
		json_kv_int(j, "ms_ago", (t - f->last_error.at_ns) / 1000000);
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_obj_end(j);
}
