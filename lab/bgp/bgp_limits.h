/* The speaker's limits that others check before they write a bgpd.conf (the
 * topology validator): plain constants, no other includes, so any part of labctl
 * can include this header without depending on the speaker. docs/bgpd.md, "Many
 * neighbors". */
#ifndef LAB_BGP_LIMITS_H
#define LAB_BGP_LIMITS_H

/* The most neighbors one speaker takes (a hub router). Nothing is sized by it: the
 * sessions, the RIB's peer table and the epoll set grow with the configuration. It
 * bounds what grows with it: each prefix in the RIB keeps one Adj-RIB-Out pointer
 * per neighbor (8 bytes: 32 KiB per prefix at the cap), each Loc-RIB change is
 * offered to every neighbor, and each neighbor holds one or two sockets (two only
 * during a connection collision), which must fit under RLIMIT_NOFILE (labctl-bgpd
 * raises its soft limit to the hard limit at start). 1,000 neighbors are tested
 * (tests/integration/bgp/test_neighbors.c). The topology validator checks
 * against this value. */
#define BGP_CONFIG_MAX_NEIGHBORS 4096
/* The largest ECMP set (max-paths): one kernel route holds at most this many next
 * hops (fib.c builds the RTA_MULTIPATH request in a fixed buffer). */
#define BGP_CONFIG_MAX_PATHS 64

#endif
