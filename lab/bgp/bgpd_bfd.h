/* The speaker's BFD (RFC 5880/5881) on its event loop: one session per neighbor
 * configured with `bfd-interval-ms`, the receiving socket on the loop's epoll, the
 * sessions' timers among the loop's deadlines, journal events `bfd-up` and
 * `bfd-down`, and the BGP side of RFC 5882: the neighbor's BFD session leaving Up
 * takes its BGP session down at once (CEASE 6/10) and keeps it down until BFD is Up
 * again (fsm.h); a peer's AdminDown does not (s3.2).
 *
 * The protocol itself is in bfd_session.c (state machine), bfd_set.c (reception
 * checks, demultiplexing) and bfd_io.c (sockets); this file only wires them to the
 * daemon. */
#ifndef LAB_BGP_BGPD_BFD_H
#define LAB_BGP_BGPD_BFD_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd.h"
#include "common/json.h"

/* Creates the sessions and sockets when any neighbor asks for BFD (d->bfd stays
 * NULL otherwise). Returns 0 or -1 with lab_err set. */
int bgpd_bfd_start(struct bgpd *d);
/* The receiving socket is readable. */
void bgpd_bfd_input(struct bgpd *d);
/* Fires due BFD timers. */
void bgpd_bfd_timers(struct bgpd *d);
/* Earliest BFD deadline, INT64_MAX when none. */
int64_t bgpd_bfd_next_due(const struct bgpd *d);
/* Shutdown: AdminDown (diagnostic 7) to every peer (RFC 5882 s3.2: they keep their
 * BGP sessions for the CEASE to end), then the sockets close. */
void bgpd_bfd_stop(struct bgpd *d);
/* `show`: the "bfd" object (sessions, counters); nothing when BFD is off. */
void bgpd_bfd_json(const struct bgpd *d, struct json *j, int64_t now);
/* The BFD state of neighbor idx for its BGP session's line in `show`, or NULL. */
const char *bgpd_bfd_state(const struct bgpd *d, uint32_t idx);

#endif
