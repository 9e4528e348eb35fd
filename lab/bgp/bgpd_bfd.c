/* BFD on the speaker's loop. See bgpd_bfd.h. */
#include "bgpd_bfd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bfd_io.h"
#include "bgp_log.h"
#include "common/err.h"
#include "session.h"

struct bgpd_bfd {
	struct bfd_set set;
	int fd;
	struct bgpd_fd ref;
	struct bfd_entry **by_nb; /* per neighbor index, NULL: no BFD */
};

static struct bgp_session *session_of(struct bgpd *d, const struct bfd_entry *e)
{
	return &d->sessions[(uintptr_t)e->user];
}

static void journal(struct bgpd *d, const struct bfd_entry *e, const struct bfd_action *a)
{
	char p[INET_ADDRSTRLEN];
	bool up = a->to == BFD_ST_UP;
	struct json *j = bgpd_journal_begin(d, up ? "bfd-up" : "bfd-down");
	if (!j)
		return;
	json_kv_str(j, "peer", inet_ntop(AF_INET, &e->peer, p, sizeof(p)));
	json_kv_str(j, "from", bfd_state_name(a->from));
	json_kv_str(j, "to", bfd_state_name(a->to));
	if (!up) {
		json_kv_int(j, "diag", a->diag);
		json_kv_str(j, "diag_name", bfd_diag_name(a->diag));
		json_kv_int(j, "remote_diag", e->s.remote_diag);
		json_kv_bool(j, "remote_admin_down", a->remote_admin_down);
		/* when the last packet arrived (same clock as `t`): a detection is
		 * last_rx_t + detect_time_us */
		if (e->s.last_rx_ns >= 0)
			json_kv_int(j, "last_rx_t", e->s.last_rx_ns);
	}
	json_kv_uint(j, "tx_interval_us", bfd_tx_interval_us(&e->s));
	json_kv_uint(j, "detect_time_us", bfd_detect_time_us(&e->s));
	bgpd_journal_end(d);
}

/* A state change: journal it when it enters or leaves Up (what a client sees), and
 * apply RFC 5882 to the BGP session. */
static void state_change(struct bgpd *d, struct bfd_entry *e, const struct bfd_action *a)
{
	struct bgp_session *s = session_of(d, e);
	bgp_log_peer(BGP_LOG_INFO, s->nb, "BFD %s -> %s (%s)", bfd_state_name(a->from),
	             bfd_state_name(a->to), bfd_diag_name(a->diag));
	if (a->to == BFD_ST_UP) {
		journal(d, e, a);
		if (!d->stopping)
			bgp_session_event(s, -1, BGP_EV_BFD_UP, NULL);
		return;
	}
	if (a->from != BFD_ST_UP)
		return;
	journal(d, e, a);
	/* RFC 5882 s3.2: a peer's AdminDown "SHOULD NOT" be taken for a path failure;
	 * our own AdminDown is only ever the shutdown, which stops BGP anyway. */
	if (a->remote_admin_down || a->to == BFD_ST_ADMIN_DOWN || d->stopping)
		return;
	bgp_session_event(s, -1, BGP_EV_BFD_DOWN, NULL);
}

static void carry_out(struct bgpd *d, struct bfd_entry *e, const struct bfd_out *out)
{
	for (int i = 0; i < out->n; i++) {
		const struct bfd_action *a = &out->a[i];
		if (a->what == BFD_DO_STATE) {
			state_change(d, e, a);
		} else if (bfd_io_send(e, a->final, d->cfg.bfd_port) < 0) {
			/* BFD tolerates loss; a path that stays broken is what detection
			 * is for. Debug only: this repeats every interval. */
			bgp_log_peer_errno(BGP_LOG_DEBUG, session_of(d, e)->nb, errno, "BFD send");
		}
	}
}

int bgpd_bfd_start(struct bgpd *d)
{
	struct bgpd_bfd *b;
	bool any = false;
	for (size_t i = 0; i < d->cfg.n_neighbors; i++)
		any |= d->cfg.neighbors[i].bfd_interval_ms != 0;
	if (!any)
		return 0;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->by_nb = calloc(d->cfg.n_neighbors, sizeof(*b->by_nb)))) {
		free(b);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	b->fd = -1;
	d->bfd = b;
	bfd_set_init(&b->set, &d->clock, (uint64_t)d->started_ns ^ (uint64_t)getpid());
	for (size_t i = 0; i < d->cfg.n_neighbors; i++) {
		const struct bgp_neighbor_config *nb = &d->cfg.neighbors[i];
		if (!nb->bfd_interval_ms)
			continue;
		/* The lab's one knob: we send every interval and accept the peer's
		 * packets that often (s6.8.1 DesiredMinTx = RequiredMinRx). */
		struct bfd_cfg cfg = {.desired_min_tx_us = nb->bfd_interval_ms * 1000u,
		                      .required_min_rx_us = nb->bfd_interval_ms * 1000u,
		                      .detect_mult = nb->bfd_multiplier};
		struct in_addr local = nb->has_local_addr ? nb->local_addr : (struct in_addr){0};
		struct bfd_entry *e = bfd_set_add(&b->set, nb->addr, local, &cfg);
		if (!e)
			return lab_err(LAB_EXIT_FAIL, "out of memory");
		e->user = (void *)(uintptr_t)i;
		if (bfd_io_open(e, &b->set.rng) < 0)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "BFD socket for neighbor %u",
			                     (unsigned)i);
		b->by_nb[i] = e;
	}
	struct in_addr any_addr = {.s_addr = htonl(INADDR_ANY)};
	b->fd = bfd_io_listen(any_addr, d->cfg.bfd_port);
	if (b->fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "listen on BFD UDP port %u",
		                     d->cfg.bfd_port);
	b->ref = (struct bgpd_fd){.kind = BGPD_FD_BFD};
	return bgpd_fd_add(d, b->fd, EPOLLIN, &b->ref);
}

void bgpd_bfd_input(struct bgpd *d)
{
	struct bgpd_bfd *b = d->bfd;
	/* A bound on one wake-up, so a flood cannot starve the BGP sockets. */
	for (int i = 0; b && i < 256; i++) {
		struct bfd_out out = {0};
		struct bfd_entry *e;
		int r = bfd_io_input(&b->set, b->fd, &out, &e);
		if (r <= 0) {
			if (r < 0)
				bgp_log_errno(BGP_LOG_WARN, errno, "BFD receive");
			return;
		}
		if (e)
			carry_out(d, e, &out);
	}
}

void bgpd_bfd_timers(struct bgpd *d)
{
	struct bgpd_bfd *b = d->bfd;
	for (size_t i = 0; b && i < b->set.n; i++) {
		struct bfd_entry *e = b->set.v[i];
		struct bfd_out out = {0};
		while (bfd_session_tick(&e->s, &out)) {
			carry_out(d, e, &out);
			out.n = 0;
		}
	}
}

int64_t bgpd_bfd_next_due(const struct bgpd *d)
{
	return d->bfd ? bfd_set_next_due(&d->bfd->set) : INT64_MAX;
}

void bgpd_bfd_stop(struct bgpd *d)
{
	struct bgpd_bfd *b = d->bfd;
	if (!b)
		return;
	for (size_t i = 0; i < b->set.n; i++) {
		struct bfd_entry *e = b->set.v[i];
		struct bfd_out out = {0};
		bfd_session_admin(&e->s, false, &out);
		carry_out(d, e, &out);
		bfd_io_close(e);
	}
	if (b->fd >= 0) {
		bgpd_fd_del(d, b->fd);
		close(b->fd);
	}
	bfd_set_free(&b->set);
	free(b->by_nb);
	free(b);
	d->bfd = NULL;
}

const char *bgpd_bfd_state(const struct bgpd *d, uint32_t idx)
{
	if (!d->bfd || idx >= d->cfg.n_neighbors || !d->bfd->by_nb[idx])
		return NULL;
	return bfd_state_name(d->bfd->by_nb[idx]->s.state);
}

static void ago(struct json *j, const char *key, int64_t at, int64_t now)
{
	if (at < 0) {
		json_key(j, key);
		json_null(j);
	} else {
		json_kv_int(j, key, (now - at) / 1000000);
	}
}

static void session_json(const struct bfd_entry *e, struct json *j, int64_t now)
{
	const struct bfd_session *s = &e->s;
	char a[INET_ADDRSTRLEN];
	json_obj_begin(j);
	json_kv_str(j, "peer", inet_ntop(AF_INET, &e->peer, a, sizeof(a)));
	json_kv_str(j, "local", inet_ntop(AF_INET, &e->local, a, sizeof(a)));
	json_kv_uint(j, "src_port", e->src_port);
	json_kv_str(j, "state", bfd_state_name(s->state));
	json_kv_str(j, "remote_state", bfd_state_name(s->remote_state));
	json_kv_int(j, "state_ms", (now - s->state_ns) / 1000000);
	json_kv_int(j, "diag", s->local_diag);
	json_kv_str(j, "diag_name", bfd_diag_name(s->local_diag));
	json_kv_int(j, "remote_diag", s->remote_diag);
	json_kv_uint(j, "local_discr", s->local_disc);
	json_kv_uint(j, "remote_discr", s->remote_disc);
	json_key(j, "configured");
	json_obj_begin(j);
	json_kv_uint(j, "interval_us", s->cfg.desired_min_tx_us);
	json_kv_uint(j, "multiplier", s->cfg.detect_mult);
	json_obj_end(j);
	json_kv_uint(j, "desired_min_tx_us", s->desired_min_tx_us);
	json_kv_uint(j, "required_min_rx_us", s->required_min_rx_us);
	json_kv_uint(j, "remote_desired_min_tx_us", s->remote_desired_tx_us);
	json_kv_uint(j, "remote_required_min_rx_us", s->remote_min_rx_us);
	json_kv_uint(j, "remote_multiplier", s->remote_detect_mult);
	/* negotiated: what we send at, what we expect the peer to send at, and the
	 * detection time that follows (s6.8.2-s6.8.4) */
	json_kv_uint(j, "tx_interval_us", bfd_tx_interval_us(s));
	json_kv_uint(j, "rx_interval_us", bfd_rx_interval_us(s));
	json_kv_uint(j, "detect_time_us", bfd_detect_time_us(s));
	json_kv_bool(j, "poll", s->poll);
	ago(j, "last_rx_ms_ago", s->last_rx_ns, now);
	ago(j, "last_tx_ms_ago", s->last_tx_ns, now);
	json_kv_uint(j, "rx_packets", s->rx_packets);
	json_kv_uint(j, "tx_packets", s->tx_packets);
	json_kv_uint(j, "up_count", s->up_count);
	json_obj_end(j);
}

void bgpd_bfd_json(const struct bgpd *d, struct json *j, int64_t now)
{
	const struct bgpd_bfd *b = d->bfd;
	if (!b)
		return;
	json_key(j, "bfd");
	json_obj_begin(j);
	json_kv_uint(j, "port", d->cfg.bfd_port);
	json_kv_uint(j, "rx_accepted", b->set.rx_accepted);
	json_key(j, "drops");
	json_obj_begin(j);
	for (int i = 0; i < BFD_DROP_MAX; i++)
		json_kv_uint(j, bfd_drop_name((enum bfd_drop)i), b->set.drops[i]);
	json_obj_end(j);
	json_key(j, "sessions");
	json_arr_begin(j);
	for (size_t i = 0; i < b->set.n; i++)
		session_json(b->set.v[i], j, now);
	json_arr_end(j);
	json_obj_end(j);
}
