/* The speaker's BFD sessions and the reception path that is not about sockets:
 * decode, the s6.8.6 checks that need a session, demultiplexing, drop counters.
 * Pure (no sockets; bfd_io.c reads and writes), so unit tests and the fuzz target
 * run every received byte through exactly what the daemon runs.
 *
 * Demultiplexing (RFC 5880 s6.3, RFC 5881 s3): a nonzero Your Discriminator selects
 * the session whose local discriminator it is; a zero one (allowed only in a packet
 * whose State is Down or AdminDown) selects by the packet's source address, which
 * single-hop BFD allows since there is one session per peer address. */
#ifndef LAB_BGP_BFD_SET_H
#define LAB_BGP_BFD_SET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "bfd_session.h"

struct bfd_entry {
	struct in_addr peer, local;
	struct bfd_session s;
	int fd;            /* bfd_io.c: the session's transmit socket, -1 when none */
	uint16_t src_port; /* its source port (RFC 5881 s4: one per session) */
	void *user;        /* the owner's (the BGP session it protects) */
};

struct bfd_set {
	const struct bgp_clock *clock;
	struct bgp_rng rng;
	struct bfd_entry **v;
	size_t n, cap;
	uint64_t rx_accepted;
	uint64_t drops[BFD_DROP_MAX];
};

void bfd_set_init(struct bfd_set *set, const struct bgp_clock *clock, uint64_t seed);
void bfd_set_free(struct bfd_set *set);
/* A new session towards peer (Down, transmitting). NULL when out of memory or when
 * peer already has one. The entry's address is stable until bfd_set_free. */
struct bfd_entry *bfd_set_add(struct bfd_set *set, struct in_addr peer, struct in_addr local,
                              const struct bfd_cfg *cfg);
struct bfd_entry *bfd_set_by_peer(const struct bfd_set *set, struct in_addr peer);
struct bfd_entry *bfd_set_by_disc(const struct bfd_set *set, uint32_t local_disc);
/* One received UDP payload from src. Returns the session it was for, its actions
 * appended to out, or NULL when it was dropped (counted in set->drops). */
struct bfd_entry *bfd_set_input(struct bfd_set *set, const uint8_t *data, size_t len,
                                struct in_addr src, struct bfd_out *out);
void bfd_set_count_drop(struct bfd_set *set, enum bfd_drop why);
/* Earliest timer of any session, BGP_TIMER_OFF if none. */
int64_t bfd_set_next_due(const struct bfd_set *set);
uint64_t bfd_set_drops_total(const struct bfd_set *set);

#endif
