/* The speaker's routing information bases: Adj-RIB-In per peer, the Loc-RIB chosen by
 * the RFC 4271 s9.1 decision process (with ECMP over equal paths, up to max-paths),
 * Adj-RIB-Out per peer, originated networks, and the FIB (kernel routes, proto bgp)
 * written after the configured route programming delay.
 *
 * The session side (FSM, main loop) owns sockets and the codec; the RIB never does
 * I/O on a peer. It talks back only through struct rib_ops, synchronously, from
 * inside the rib_* call that caused it.
 *
 * Peers are named by their index in the configuration's neighbor list
 * (0 .. n_neighbors-1), the same index the session layer uses.
 *
 * Call order for one peer: rib_peer_up (session reached Established) -> any number
 * of rib_update / rib_route_refresh -> rib_peer_down (session left Established, for
 * any reason). rib_peer_up sends the peer its whole Adj-RIB-Out followed by
 * End-of-RIB; from then on each rib_update on any peer sends every peer only what
 * changed for it.
 *
 * Time: the RIB reads no clock. Calls that may start the programming delay take `now`
 * (CLOCK_MONOTONIC ns, or the fake clock in tests); the main loop sleeps at most until
 * rib_next_timer_ns() and then calls rib_run_timers(). */
#ifndef LAB_BGP_RIB_H
#define LAB_BGP_RIB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct bgp_config; /* config.h (parsed bgpd.conf) */
struct bgp_update; /* msg.h (decoded / to-be-encoded UPDATE) */
struct json;       /* common/json.h */
struct rib;

struct rib_ops {
	/* Queue one UPDATE for peer. u holds withdrawn routes and/or one attribute set
	 * (u->attrs) with the prefixes announced with it (u->nlri), in the codec's
	 * representation; it may hold more prefixes than one message carries: encode
	 * it with bgp_build_update() until every prefix went out. u->end_of_rib set
	 * (and no prefixes) means: send End-of-RIB. u is only valid during the call.
	 * Returns 0, or -1 if the session cannot take it (the RIB still counts it as
	 * sent: the peer is expected to go down, which calls rib_peer_down). */
	int (*send_update)(void *ctx, uint32_t peer, const struct bgp_update *u);
	/* Optional: a batch of send_update calls for peer is complete (write it out). */
	void (*peer_flush)(void *ctx, uint32_t peer);
};

/* What the session learnt in the OPEN exchange and from its socket. */
struct rib_peer_info {
	struct in_addr remote_id;  /* peer's BGP identifier (decision tie-break, s9.1.2.2 f) */
	struct in_addr local_addr; /* our end of the TCP connection: NEXT_HOP we announce */
	bool as4;                  /* peer can take 4-octet AS numbers (codec concern only) */
};

/* Creates the RIB for cfg (AS, router id, neighbors, max-paths, route programming
 * delay, networks; the journal is set apart, rib_set_journal). When fib is true,
 * opens a netlink socket in the calling process's network namespace and owns the
 * kernel routes with protocol bgp there (deleting any left by a crashed instance);
 * unit tests pass false. Returns NULL with lab_err set. */
struct rib *rib_new(const struct bgp_config *cfg, const struct rib_ops *ops, void *ctx, bool fib);
/* Removes every route this RIB wrote into the kernel (immediately, no delay) and
 * frees everything. Safe on NULL. */
void rib_free(struct rib *rib);

/* The journal (events.jsonl) to write `best` and `fib` events to; -1 for none. */
void rib_set_journal(struct rib *rib, int fd);

/* Session with peer reached Established: sends it its Adj-RIB-Out and End-of-RIB. */
int rib_peer_up(struct rib *rib, uint32_t peer, const struct rib_peer_info *info, int64_t now);
/* Session left Established: its Adj-RIB-In is flushed (routes learnt from it are
 * withdrawn from the Loc-RIB, the FIB and the other peers) and its Adj-RIB-Out
 * forgotten. */
void rib_peer_down(struct rib *rib, uint32_t peer, int64_t now);

/* A received, well-formed UPDATE (treat-as-withdraw already applied by the codec:
 * such prefixes arrive as withdrawn). Import policy (loop prevention, defaults),
 * decision process, Adj-RIB-Out diffs to every up peer, FIB scheduling. Returns 0,
 * or -1 with lab_err set on internal failure (out of memory). */
int rib_update(struct rib *rib, uint32_t peer, const struct bgp_update *u, int64_t now);

/* The peer sent ROUTE-REFRESH: re-send its whole Adj-RIB-Out (then End-of-RIB). */
int rib_route_refresh(struct rib *rib, uint32_t peer);

/* Next-hop resolvability (RFC 4271 s9.1.2.1, s9.1.2(a)): a path whose NEXT_HOP
 * cannot be resolved takes no part in the decision process (it stays in the
 * Adj-RIB-In). With a FIB, resolvable means covered by the connected prefix of an
 * interface that is up in this namespace (fib_nh_resolvable); the event loop hands
 * the FIB's interface notifications to rib_fib_event, and every prefix is decided
 * again when they changed. Without a FIB every next hop resolves, unless a resolver is set
 * here (tests: a fake one). After what fn answers changed, call
 * rib_resolve_changed: decisions, Adj-RIB-Out and FIB scheduling follow. */
typedef bool (*rib_resolve_fn)(void *ctx, struct in_addr nh);
void rib_set_resolver(struct rib *rib, rib_resolve_fn fn, void *ctx);
void rib_resolve_changed(struct rib *rib, int64_t now);

/* The FIB's notification socket for the event loop (-1 without a FIB), and what
 * to call when it is readable: next hops through an interface or address that went
 * become unresolvable at once (journal `nexthop-unreachable` at now), the prefixes
 * are decided again, and the kernel routes are repaired. Returns 0, or -1 with
 * lab_err set when netlink failed. */
int rib_fib_fd(const struct rib *rib);
int rib_fib_event(struct rib *rib, int64_t now);

/* Route programming delay: the earliest instant at which rib_run_timers has work,
 * or INT64_MAX when nothing is pending. */
int64_t rib_next_timer_ns(const struct rib *rib);
/* Writes every FIB change that is due at now (coalesced per prefix). */
void rib_run_timers(struct rib *rib, int64_t now);

/* Appends "rib": {"routes": [{"prefix", "best": bool, "paths": [...],
 * "nexthops": [...], "fib": "installed|pending|none"}...], counters} as a member
 * of the caller's open object (the control socket's `show`). */
void rib_json(const struct rib *rib, struct json *j);
/* The same "rib" member with the counters only (no "routes"): `show summary`. */
void rib_json_summary(const struct rib *rib, struct json *j);

/* Counts for `show` and the readiness check. */
struct rib_stats {
	uint64_t prefixes;      /* Loc-RIB entries with a best path */
	uint64_t paths;         /* all Adj-RIB-In paths plus originated ones */
	uint64_t fib_installed; /* prefixes currently written into the kernel */
	uint64_t fib_pending;   /* waiting for the programming delay */
};
void rib_stats(const struct rib *rib, struct rib_stats *out);
/* Prefixes accepted from peer (its Adj-RIB-In after import policy). */
uint64_t rib_peer_prefixes_in(const struct rib *rib, uint32_t peer);

#endif
