/* The lab network of a topology: building it, and checking that it works. */
#ifndef LAB_RUN_NET_H
#define LAB_RUN_NET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netns/netns.h"
#include "run/run.h"
#include "topo/model.h"

struct run_net {
	struct netns **ns; /* per node index; NULL where not (yet) created */
	size_t n;
};

/* Creates every namespace (recording each in the state file first), link, address,
 * route and sysctl of t. Steps, in order, each followed by run_test_hook(step):
 * "netns-first", "netns", "sysctl", "links", "addresses", "routes".
 * On failure the partial network stays (recorded): `down` removes it. */
int run_net_build(struct run_lab *l, const struct topo *t, struct run_net *net);
void run_net_close(struct run_net *net);

/* The MAC address of end (0 or 1) of link i: fixed, locally administered
 * (02:6c:<link, 24 bits>:<end>), so the permanent neighbour entry each end gets for
 * its peer (no ARP: docs/scale.md) is known before the link exists, to net.c and to
 * the ip script alike. */
void run_link_mac(size_t link, int end, uint8_t mac[6]);

/* The same network as iproute2 commands, one per line (ipscript.c): for
 * `labctl up --dry-run` and as the baseline of bench/up-down; and its removal. */
void run_net_ip_script(FILE *f, const char *lab, const struct topo *t);
void run_net_ip_script_down(FILE *f, const char *lab, const struct topo *t);

/* A reachability check: an ICMP echo from node `from` (source address src) to dst. */
struct run_check {
	uint32_t from, to; /* node indices (to: TOPO_NONE if outside the lab) */
	struct in_addr src, dst;
	const char *why; /* "underlay", "link", "next hop" */
	int ok;
};

/* The checks that say the network is ready, derived from the topology: every
 * underlay (public) address reaches every other one through the underlay node,
 * both ends of every link reach each other, and every host reaches the next hops
 * of its routes. malloc'd array in *out. */
int run_net_checks(const struct topo *t, struct run_check **out, size_t *n);

/* Sends echoes until every check got a reply or deadline_ns (CLOCK_MONOTONIC)
 * passes. Returns the number of checks still failing (0 = ready), -1 on error. */
int run_net_wait(const struct topo *t, struct run_net *net, struct run_check *c, size_t n,
                 int64_t deadline_ns);

#endif
