/* The topology model: what a topology file means, validated and immutable.
 *
 * topo_load() (topo.h) builds a struct topo from YAML and validates it; everything
 * downstream (netns plans, strongSwan and BGP configuration, timer math, graphs)
 * reads this and nothing else. Cross references are resolved to indices at load
 * time, so users never look names up again and a dangling name cannot survive
 * loading. Every element keeps the position it came from for later diagnostics.
 *
 * Times are integer milliseconds: the protocol values are whole seconds, but
 * --time-scale and sub-second probe intervals need finer steps, and integers keep
 * golden outputs exact. IPv4 only for now (the reference topology is IPv4 only). */
#ifndef LAB_TOPO_MODEL_H
#define LAB_TOPO_MODEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOPO_NAME_MAX 32 /* node, tunnel, probe and lab names, incl. NUL */
/* The topology's name is the default lab name, so it follows the lab name rules of
 * `labctl up` (lab/run: RUN_LAB_NAME_USER_MAX, [a-z0-9-]); a unit test keeps the two
 * equal. */
#define TOPO_LAB_NAME_MAX 24
#define TOPO_IFNAME_MAX 16 /* IFNAMSIZ */
#define TOPO_MAX_NEXTHOPS 16
#define TOPO_NONE UINT32_MAX /* "no index" */

struct topo_pos {
	uint32_t line, col; /* 1-based; 0 = not from a file */
};

struct topo_prefix {
	struct in_addr addr; /* network byte order; host bits allowed for interface addresses */
	uint8_t len;
};

enum topo_role {
	TOPO_ROLE_HOST,     /* an end system: ecs, vm */
	TOPO_ROLE_ROUTER,   /* forwards: ali-tr, azure-hub */
	TOPO_ROLE_GATEWAY,  /* forwards and terminates tunnels: ali-vpn0 ... */
	TOPO_ROLE_UNDERLAY, /* the "internet" between public addresses */
};

struct topo_iface {
	char name[TOPO_IFNAME_MAX];
	struct topo_prefix addr; /* addr.len == 0: no address */
	uint32_t link;           /* index into topo.links, TOPO_NONE if unlinked */
	uint32_t mtu;            /* 0: kernel default */
	struct topo_pos pos;
};

struct topo_route {
	struct topo_prefix dst;
	struct in_addr via[TOPO_MAX_NEXTHOPS]; /* ECMP when nvia > 1 */
	uint32_t nvia;
	char dev[TOPO_IFNAME_MAX]; /* optional output interface ("" = resolve by via) */
	struct topo_pos pos;
};

enum topo_speaker {
	TOPO_SPEAKER_BUILTIN, /* lab/bgp */
	TOPO_SPEAKER_BIRD,    /* BIRD 2 */
};

struct topo_bgp_timers {
	uint32_t keepalive_ms; /* hold/3 when not given */
	uint32_t hold_ms;      /* 0 or >= 3000 (RFC 4271 s4.2) */
	uint32_t connect_retry_ms;
};

/* BFD on a BGP session (RFC 5880/5881 single hop): one interval used as both the
 * desired transmit and the required receive interval, and the detect multiplier. */
#define TOPO_BFD_MIN_INTERVAL_MS 10
#define TOPO_BFD_MAX_INTERVAL_MS 60000
struct topo_bfd {
	uint32_t interval_ms; /* 0: no BFD */
	uint32_t multiplier;  /* 1-255 */
	struct topo_pos pos;
};

struct topo_bgp_neighbor {
	struct in_addr addr;
	uint32_t asn;
	uint32_t node;     /* index of the node owning addr (resolved), TOPO_NONE if outside */
	uint32_t tunnel;   /* tunnel the session runs over, TOPO_NONE if none (resolved) */
	bool passive;      /* wait for the peer to connect */
	bool track_tunnel; /* drop the session on CHILD SA down (off in the article) */
	bool next_hop_self;
	struct topo_bgp_timers timers; /* neighbor override, else the node's */
	struct topo_bfd bfd;
	struct topo_pos pos;
};

struct topo_bgp {
	enum topo_speaker speaker;
	uint32_t asn;
	struct in_addr router_id;
	struct topo_bgp_timers timers;
	uint32_t max_paths;                  /* ECMP paths into the FIB; 1 = no ECMP */
	uint32_t route_programming_delay_ms; /* Loc-RIB change -> FIB write */
	uint32_t error_wait_ms;              /* BIRD: delay after an error before reconnecting */
	struct topo_prefix *networks;        /* originated */
	size_t n_networks;
	struct topo_bgp_neighbor *neighbors;
	size_t n_neighbors;
	struct topo_pos pos;
};

struct topo_node {
	char name[TOPO_NAME_MAX];
	enum topo_role role;
	bool forwarding; /* net.ipv4.ip_forward; routers, gateways and underlay default on */
	struct topo_iface *ifaces;
	size_t n_ifaces;
	struct topo_route *routes;
	size_t n_routes;
	struct topo_bgp *bgp; /* NULL: no BGP on this node */
	struct topo_pos pos;
};

struct topo_link_end {
	uint32_t node, iface; /* indices */
};

struct topo_link {
	struct topo_link_end end[2];
	struct topo_pos pos;
};

struct topo_ike {
	uint32_t version;      /* 2 */
	char ike_proposal[96]; /* strongSwan syntax, e.g. "aes256-sha256-modp1024" */
	char esp_proposal[96]; /* e.g. "aes256-sha256" (no DH group: no PFS) */
	uint32_t ike_lifetime_ms;
	uint32_t child_lifetime_ms;
	uint32_t dpd_delay_ms; /* 0: DPD off */
	bool nat_traversal;    /* forced UDP encapsulation (encap = yes) */
	/* charon.retransmit_timeout/base/tries (strongswan.conf(5)): charon-wide, so
	 * every tunnel end on one gateway must agree (checked at load). DPD declares
	 * the peer dead when this schedule runs out. Defaults 4 s, 1.8, 5. */
	uint32_t retransmit_timeout_ms;
	double retransmit_base;
	uint32_t retransmit_tries;
	/* swanctl.conf dpd_action: what charon does when DPD declares the peer dead.
	 * TOPO_DPD_ACTION_DEFAULT: restart on the initiating end, clear on the other. */
	enum topo_dpd_action {
		TOPO_DPD_ACTION_DEFAULT,
		TOPO_DPD_ACTION_CLEAR,
		TOPO_DPD_ACTION_RESTART
	} dpd_action;
};

struct topo_tunnel_end {
	uint32_t node;                /* gateway node index */
	uint32_t uplink;              /* iface index whose address is the IKE endpoint */
	char ifname[TOPO_IFNAME_MAX]; /* route-based tunnel interface, e.g. "ipsec0" */
	struct topo_prefix inside;    /* 169.254.21.1/30 */
	struct topo_ike ike;          /* per end: a fault may make the ends disagree */
	/* This end's pre-shared key: its own (`psk` or `psk_file` in the end) or a copy
	 * of the tunnel's. Exactly one is set. Real clouds configure the key on each
	 * side separately, which is how keys come to differ. Never print the key. */
	char *psk;
	char *psk_file; /* absolute */
	/* Where this end's own psk_file value is in topo.source, when written as a
	 * relative path (see topo_tunnel); 0 when inherited or absolute. */
	size_t psk_file_span_off, psk_file_span_len;
};

struct topo_tunnel {
	char name[TOPO_NAME_MAX];
	struct topo_tunnel_end end[2];
	/* The key both ends use unless they have their own (topo_tunnel_end.psk): at
	 * most one of these is set, none when both ends have their own. The key itself
	 * is held only in memory and only ever written to 0600 files or sent over
	 * VICI; never print it. */
	char *psk;
	char *psk_file; /* resolved relative to the topology file's directory */
	struct topo_pos pos;
	/* Where the psk_file value is in topo.source (bytes), when it was written as a
	 * relative path: topo_copy_file() rewrites it so that the copy resolves to
	 * the same key file. psk_file_span_len == 0: nothing to rewrite. */
	size_t psk_file_span_off, psk_file_span_len;
};

/* An outage budget (`expect: max_outage`, docs/topology-format.md): the longest
 * outage the topology's owner accepts, per direction as the timer model and the
 * probes measure them (0 fwd, 1 rev, 2 rtt, as enum timers_dir). */
#define TOPO_BUDGET_NDIR 3
struct topo_budget {
	bool set[TOPO_BUDGET_NDIR];
	uint32_t max_outage_ms[TOPO_BUDGET_NDIR];
	struct topo_pos pos[TOPO_BUDGET_NDIR]; /* where each limit was written */
};

struct topo_probe {
	char name[TOPO_NAME_MAX];
	uint32_t from, to;      /* node indices */
	struct in_addr to_addr; /* target address on `to` (first routable if not given) */
	struct in_addr from_addr;
	uint32_t interval_ms;
	uint32_t flows;            /* parallel flows (distinct ports) so ECMP spreads them */
	struct topo_budget expect; /* this probe's own budget (expect.probes.NAME) */
	struct topo_pos pos;
};

struct topo_defaults {
	char ipsec_backend[16]; /* "auto", "xfrm", "libipsec" */
	uint32_t ready_timeout_ms;
	struct topo_bgp_timers bgp_timers;
	uint32_t probe_interval_ms;
};

struct topo {
	char *path; /* as given */
	char name[TOPO_NAME_MAX];
	char *description;
	struct topo_defaults defaults;
	struct topo_node *nodes;
	size_t n_nodes;
	struct topo_link *links;
	size_t n_links;
	struct topo_tunnel *tunnels;
	size_t n_tunnels;
	struct topo_probe *probes;
	size_t n_probes;
	struct topo_budget expect; /* every probe's budget unless it has its own */
	/* The exact text that was loaded and validated (it may hold an inline key:
	 * wiped by topo_free). topo_copy_file() writes it for a lab's records. */
	char *source;
	size_t source_len;
};

#endif
