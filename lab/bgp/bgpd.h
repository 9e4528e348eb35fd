/* labctl-bgpd's process-wide context, shared by the event loop (main.c), the
 * sessions (session.c) and the control socket (ctl.c). One per process; nothing
 * here is a global: main() owns it and passes it down. */
#ifndef LAB_BGP_BGPD_H
#define LAB_BGP_BGPD_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_clock.h"
#include "common/json.h"
#include "bgpd_config.h"

struct rib;
struct bgp_session;
struct ctl_client;
struct bgpd_bfd;

/* What an epoll registration points at. */
enum bgpd_fd_kind {
	BGPD_FD_LISTEN,
	BGPD_FD_CTL_LISTEN,
	BGPD_FD_CTL_CLIENT,
	BGPD_FD_CONN,
	BGPD_FD_SIGNAL,
	BGPD_FD_FIB, /* the FIB's interface notifications (rib_fib_fd) */
	BGPD_FD_BFD, /* the BFD receiving socket (bgpd_bfd.c) */
};

struct bgpd_fd {
	enum bgpd_fd_kind kind;
	void *obj; /* struct bgp_session * or struct ctl_client * */
	int conn;  /* BGPD_FD_CONN: BGP_CONN_OUT / BGP_CONN_IN */
};

struct bgpd {
	struct bgp_config cfg;
	struct bgp_clock clock;
	int epfd;
	int listen_fd;
	struct bgpd_fd listen_ref;
	int ctl_fd;
	struct bgpd_fd ctl_ref;
	struct bgpd_fd fib_ref;
	struct ctl_client *ctl_clients; /* open control connections (ctl.c) */
	int journal_fd;                 /* -1: none */
	struct json jscratch;           /* journal line builder */
	struct rib *rib;
	struct bgpd_bfd *bfd; /* NULL: no neighbor runs BFD */
	size_t n_sessions;
	struct bgp_session *sessions;
	int64_t started_ns;
	bool stopping;
};

/* Journal helpers (docs/journal.md, src "bgp"): begin returns the builder (or NULL
 * when there is no journal), add fields with json_kv_*, then bgpd_journal_end. */
struct json *bgpd_journal_begin(struct bgpd *d, const char *ev);
void bgpd_journal_end(struct bgpd *d);

/* epoll helpers: events is EPOLLIN/EPOLLOUT mask. */
int bgpd_fd_add(struct bgpd *d, int fd, uint32_t events, struct bgpd_fd *ref);
int bgpd_fd_mod(struct bgpd *d, int fd, uint32_t events, struct bgpd_fd *ref);
void bgpd_fd_del(struct bgpd *d, int fd);

#endif
