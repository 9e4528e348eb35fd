/* One ICMP echo across a tunnel, from inside a gateway's namespace: the readiness
 * check that traffic crosses (lab/run has no ping helper of its own). */
#ifndef LAB_IPSEC_PING_H
#define LAB_IPSEC_PING_H

#include <netinet/in.h>
#include <stdint.h>

#include "netns/netns.h"

/* Sends up to `tries` echo requests from src to dst, each waiting timeout_ns for its
 * reply. Returns the round trip in ns of the first reply, or -1 (lab_err). */
int64_t ipsec_ping(struct netns *ns, struct in_addr src, struct in_addr dst, int tries,
		   int64_t timeout_ns);

#endif
