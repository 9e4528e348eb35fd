/* BFD over UDP/IPv4, single hop (RFC 5881): the sockets. One receiving socket per
 * speaker on the control port (3784), one transmitting socket per session bound to
 * the session's local address and a source port in 49152-65535 (s4), TTL 255 sent
 * and required on receipt (s5, checked here where the TTL is known, counted as
 * BFD_DROP_TTL). Non-blocking; the speaker's epoll loop calls bfd_io_input when the
 * receiving socket is readable. */
#ifndef LAB_BGP_BFD_IO_H
#define LAB_BGP_BFD_IO_H

#include <netinet/in.h>
#include <stdint.h>

#include "bfd_set.h"

/* The receiving socket on addr:port (INADDR_ANY in a node; tests use loopback and a
 * high port). Returns the fd or -1 with errno set. */
int bfd_io_listen(struct in_addr addr, uint16_t port);
/* Opens e's transmitting socket (e->fd, e->src_port). The local address need not
 * exist yet (a tunnel interface that comes later): IP_FREEBIND. Returns 0 or -1
 * with errno set. */
int bfd_io_open(struct bfd_entry *e, struct bgp_rng *rng);
void bfd_io_close(struct bfd_entry *e);
/* Builds e's packet (bfd_session_packet) and sends it to peer:dport. Returns 0 or
 * -1 with errno set (the packet then counts as sent: BFD tolerates loss). */
int bfd_io_send(struct bfd_entry *e, bool final, uint16_t dport);
/* Reads one datagram from fd and feeds it to set. Returns 1 when a datagram was
 * read (*which: its session, or NULL when it was dropped), 0 when none was
 * waiting, -1 on a socket error (errno). */
int bfd_io_input(struct bfd_set *set, int fd, struct bfd_out *out, struct bfd_entry **which);

#endif
