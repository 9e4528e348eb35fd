/* labctl-bgpd's configuration: bgpd.conf as docs/bgpd.md describes it.
 *
 * One statement per line, '#' starts a comment. Parsing is strict: an unknown
 * keyword, a missing or malformed value, or a duplicate is an error naming the file
 * and line, so a typo in a generated config never silently changes a timer. */
#ifndef LAB_BGP_CONFIG_H
#define LAB_BGP_CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_limits.h"
#include "msg.h"

#define BGP_CONFIG_TUNNEL_MAX 64

/* Lab-sized defaults (RFC 4271 suggests 90 s hold, 120 s connect-retry). */
#define BGP_DEFAULT_HOLD_MS 90000
#define BGP_DEFAULT_KEEPALIVE_MS 30000
#define BGP_DEFAULT_CONNECT_RETRY_MS 5000
/* Hold timer while waiting for the peer's OPEN (RFC 4271 s8: "suggested 4 minutes"). */
#define BGP_DEFAULT_OPEN_HOLD_MS 240000
/* BFD (RFC 5880): the lab's floor for an interval, and the usual multiplier. */
#define BGP_BFD_MIN_INTERVAL_MS 10
#define BGP_BFD_MAX_INTERVAL_MS 60000
#define BGP_BFD_DEFAULT_MULTIPLIER 3
#define BGP_BFD_PORT 3784 /* RFC 5881 s4 */

struct bgp_neighbor_config {
	struct in_addr addr; /* network byte order */
	uint32_t remote_as;
	bool has_local_addr;
	struct in_addr local_addr; /* bind() the session to it; our NEXT_HOP */
	uint32_t hold_ms;          /* 0, or a multiple of 1000 >= 3000 */
	uint32_t keepalive_ms;     /* configured; the session uses min(this, hold/3) */
	uint32_t connect_retry_ms;
	uint32_t open_hold_ms;                    /* hold timer in OpenSent */
	bool passive;                             /* never connect, only accept */
	bool next_hop_self;                       /* towards iBGP peers */
	char track_tunnel[BGP_CONFIG_TUNNEL_MAX]; /* "" = not tracked */
	uint32_t bfd_interval_ms; /* BFD desired-min-tx = required-min-rx; 0 = no BFD */
	uint8_t bfd_multiplier;   /* BFD detect multiplier, 1..255 */
	int line;                 /* where it was configured (messages) */
};

struct bgp_config {
	uint32_t asn;
	struct in_addr router_id;
	char control[108];      /* unix socket path (sun_path size); "" = none */
	char journal[PATH_MAX]; /* "" = no journal */
	uint32_t max_paths;     /* ECMP maximum, >= 1 (default 1) */
	uint32_t route_programming_delay_ms;
	uint16_t port;     /* TCP port to listen on and connect to (default 179) */
	uint16_t bfd_port; /* BFD control UDP port, ours and the peers' (3784) */
	size_t n_networks;
	struct bgp_prefix *networks;
	size_t n_neighbors;
	struct bgp_neighbor_config *neighbors;
};

/* Parses text (the contents of the file named path, for messages). Returns 0, or -1
 * with lab_err set ("path:line: what; what to do", exit code 2) and *out freed. */
int bgp_config_parse(const char *text, const char *path, struct bgp_config *out);
/* Reads and parses path. */
int bgp_config_load(const char *path, struct bgp_config *out);
void bgp_config_free(struct bgp_config *c);

/* Index of the neighbor with address addr, or -1. */
int bgp_config_find_neighbor(const struct bgp_config *c, struct in_addr addr);

#endif
