/* One configured neighbor: its FSM (fsm.h) and the TCP connections under it.
 *
 * session.c is the only place that turns FSM actions into I/O: non-blocking
 * connect() bound to the local address, TCP_NODELAY, reads framed with the codec's
 * bgp_frame_len(), an output queue flushed when the socket is writable, and the
 * journal events (state, rx, tx). It calls the RIB when a session becomes
 * Established, leaves it, or receives an UPDATE / ROUTE-REFRESH, and the RIB calls
 * back through bgp_session_rib_ops to queue UPDATEs (rib.h).
 *
 * TTL: left at the system default (64). eBGP runs directly over the tunnel
 * (single hop) and iBGP may be multi-hop inside a lab; GTSM is not used. */
#ifndef LAB_BGP_SESSION_H
#define LAB_BGP_SESSION_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgpd.h"
#include "fsm.h"
#include "msg.h"
#include "rib.h"

#define BGP_RBUF_SIZE (4 * BGP_MAX_MSG_LEN)

struct bgp_conn_io {
	int fd; /* -1: none */
	struct bgpd_fd ref;
	bool want_write;
	bool connecting; /* non-blocking connect() in progress */
	bool failed;     /* write/connect error, reported after the current event */
	/* BGP_RBUF_SIZE bytes from the first read until the connection closes: a
	 * hub's neighbors that are down or still connecting hold none. */
	uint8_t *rbuf;
	size_t rlen;
	uint8_t *wq; /* output queue */
	size_t wlen, woff, wcap;
	struct in_addr local; /* our address on this connection */
	bool peer_as4;        /* the peer's OPEN carried the 4-octet AS capability */
	bool peer_refresh;    /* ... and route refresh */
};

/* Message counters, indexed by enum bgp_msg_type (1..5). */
struct bgp_msg_counts {
	uint64_t n[6];
};

struct bgp_session {
	struct bgpd *d;
	uint32_t idx; /* neighbor index in the config, the RIB's peer number */
	const struct bgp_neighbor_config *nb;
	struct bgp_fsm fsm;
	struct bgp_conn_io io[BGP_CONN_MAX];
	struct bgp_msg_counts in, out;
	int64_t last_keepalive_rx_ns, last_keepalive_tx_ns; /* 0: never */
	int64_t last_update_rx_ns;
	bool rib_up;
	int rib_conn; /* the connection the RIB sees as up */
	int depth;    /* FSM events being handled (failures wait for depth 0) */
	/* The codec's verdict on the last bad message: its data goes into the
	 * NOTIFICATION the FSM then asks for (RFC 4271 s6: e.g. the bad length). */
	bool err_pending;
	struct bgp_error err;
};

/* Sets up s for neighbor idx of d's config (nothing started yet). */
void bgp_session_init(struct bgp_session *s, struct bgpd *d, uint32_t idx);
/* Feeds an FSM event and carries out what it asks for. */
void bgp_session_event(struct bgp_session *s, int conn, enum bgp_event ev,
                       const struct bgp_fsm_in *in);
/* Fires due timers. */
void bgp_session_timers(struct bgp_session *s);
/* A connection from the peer was accepted on the listening socket (fd owned now). */
void bgp_session_accept(struct bgp_session *s, int fd);
/* epoll reported events on one of the session's connections. */
void bgp_session_io(struct bgp_session *s, int conn, uint32_t events);
/* Control socket: ROUTE-REFRESH to the peer. 0, or -1 when not Established. */
int bgp_session_send_refresh(struct bgp_session *s);
/* Closes every socket without protocol (process exit after MANUAL_STOP). */
void bgp_session_free(struct bgp_session *s);
/* `show`: appends one session object to j (an array element). */
void bgp_session_json(const struct bgp_session *s, struct json *j, int64_t now);

extern const struct rib_ops bgp_session_rib_ops; /* ctx: struct bgpd * */

#endif
