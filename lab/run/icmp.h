/* ICMP echo from inside a lab namespace over a raw socket (no `ping` processes):
 * the network readiness checks of `up` and the ipsec service's tunnel check. */
#ifndef LAB_RUN_ICMP_H
#define LAB_RUN_ICMP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "netns/netns.h"

/* A non-blocking raw ICMP socket in ns that receives echo replies only, bound to
 * src unless src is 0.0.0.0 (then the kernel picks the source). fd or -1 (lab_err). */
int icmp_open(struct netns *ns, struct in_addr src);

/* One echo request to dst. Failures (e.g. no route yet) are not errors: the caller
 * just sees no reply. */
void icmp_send_echo(int fd, struct in_addr dst, uint16_t id, uint16_t seq);

/* Reads every queued packet; true if one was an echo reply from dst with our id
 * (and sequence seq, unless seq < 0). A raw socket sees every echo reply of the
 * namespace, hence the matching. */
bool icmp_read_reply(int fd, struct in_addr dst, uint16_t id, int seq);

/* Sends up to `tries` echo requests from src to dst, each waiting timeout_ns for its
 * reply. Returns the round trip in ns of the first reply, or -1 (lab_err). */
int64_t icmp_ping(struct netns *ns, struct in_addr src, struct in_addr dst, int tries,
                  int64_t timeout_ns);

#endif
