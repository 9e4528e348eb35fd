/* RIB internals shared by rib*.c (not for the session layer: use rib.h).
 *
 * One hash table of prefix entries is the whole RIB. Each entry holds:
 * - its paths (the Adj-RIB-In of every peer for that prefix, plus an originated
 *   path), kept ordered by the decision process so that paths[0] is the best and
 *   the first nbest paths are the ECMP set (the Loc-RIB);
 * - out[peer]: the attribute set last announced to each peer (the Adj-RIB-Out),
 *   NULL when nothing is announced, so an update goes out only when it differs;
 * - its FIB state: installed or not, and a place in the programming-delay queue.
 * Attribute sets are interned (shared, reference counted): a feed of a million
 * prefixes with one attribute set stores that set once. */
#ifndef LAB_BGP_RIB_INT_H
#define LAB_BGP_RIB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "bgpd_config.h"
#include "common/json.h"
#include "msg.h"
#include "rib.h"

#define RIB_PEER_LOCAL UINT32_MAX /* the path of an originated network */
#define RIB_DEFAULT_LOCAL_PREF 100
#define RIB_EXPORT_CACHE 64

struct fib;

/* An interned attribute set. */
struct rib_attr {
	struct bgp_attrs a;
	uint32_t hash;
	uint32_t refcnt;
	uint32_t path_len;    /* bgp_as_path_length, cached for the decision process */
	uint32_t neighbor_as; /* bgp_as_path_first: MED is compared within one AS */
	uint32_t nh_gen;      /* rib->nh_gen when nh_ok was found (0: never) */
	bool nh_ok;           /* NEXT_HOP resolvable (s9.1.2.1) */
	struct rib_attr *hnext;
};

struct rib_path {
	struct rib_path *next;
	struct rib_attr *attr; /* after import policy */
	uint32_t peer;         /* neighbor index, or RIB_PEER_LOCAL */
	bool chosen;           /* scratch of rib_decide: a candidate */
};

enum {
	RIB_E_FIB_INSTALLED = 1 << 0, /* the kernel has a route for it (ours) */
	RIB_E_FIB_QUEUED = 1 << 1,    /* on the programming-delay queue */
	RIB_E_GC = 1 << 2,            /* on the list of entries to free if unused */
	RIB_E_RESYNC = 1 << 3,        /* queued to repair the kernel, not by a change */
};

struct rib_entry {
	struct rib_entry *hnext; /* hash chain */
	struct rib_entry *qnext; /* programming-delay queue */
	int64_t fib_due;         /* first pending Loc-RIB change + the delay */
	struct rib_path *paths;
	struct in_addr addr;
	uint8_t len;
	uint8_t nbest; /* 0: no usable path */
	uint8_t flags;
	struct rib_attr *out[]; /* [n_peers] */
};

struct rib_peer {
	/* configuration */
	struct in_addr addr;
	uint32_t remote_as;
	bool ibgp;
	bool next_hop_self;
	/* session */
	bool up;
	struct rib_peer_info info;
	uint64_t prefixes_in;
	/* export cache: best-path attribute set -> what this peer gets */
	struct rib_attr *cache_src[RIB_EXPORT_CACHE];
	struct rib_attr *cache_out[RIB_EXPORT_CACHE];
	/* entries whose out[] changed in the current batch */
	struct rib_entry **pend;
	size_t npend, cappend;
};

struct rib_params {
	uint32_t asn;
	struct in_addr router_id;
	uint32_t max_paths;
	uint32_t delay_ms; /* route programming delay */
	const struct bgp_prefix *networks;
	size_t n_networks;
	size_t n_peers;
	struct rib_peer_cfg {
		struct in_addr addr;
		uint32_t remote_as;
		bool next_hop_self;
	} * peers;
};

/* Fixed-size object pool (rib_pool.c). */
struct rib_pool {
	size_t size;
	void *free;
	struct pool_chunk *chunks;
	char *next, *end;
};
void rib_pool_init(struct rib_pool *p, size_t size);
void *rib_pool_alloc(struct rib_pool *p);
void rib_pool_free(struct rib_pool *p, void *x);
void rib_pool_destroy(struct rib_pool *p);

struct rib {
	uint32_t asn;
	struct in_addr router_id;
	uint32_t max_paths;
	int64_t delay_ns;
	const struct rib_ops *ops;
	void *ctx;

	size_t n_peers;
	struct rib_peer *peers;
	/* rib_decide's scratch: a prefix can have a path from every peer */
	struct rib_path **cand, **cand_before;

	/* prefix table */
	struct rib_entry **buckets;
	size_t nbuckets, nentries;
	uint64_t npaths, nbest_prefixes, nfib;

	/* attribute interning */
	struct rib_attr **abuckets;
	size_t nabuckets, nattrs;

	/* programming-delay queue (FIFO: every entry waits the same delay) */
	struct rib_entry *qhead, *qtail;
	uint64_t nqueued;
	/* entries that may have become unused, freed at the end of a batch */
	struct rib_entry **gc;
	size_t ngc, capgc;
	struct rib_pool entry_pool, path_pool;

	struct fib *fib;
	/* next-hop resolvability: answers cached per attribute set, for one generation */
	rib_resolve_fn resolve;
	void *resolve_ctx;
	uint32_t nh_gen;
	int journal_fd;
	struct json jbuf;
};

struct rib *rib_new_params(const struct rib_params *p, const struct rib_ops *ops, void *ctx,
                           bool fib);

/* rib_attr.c */
struct rib_attr *rib_attr_intern(struct rib *rib, const struct bgp_attrs *a);
void rib_attr_ref(struct rib_attr *ra);
void rib_attr_unref(struct rib *rib, struct rib_attr *ra);
void rib_attr_table_free(struct rib *rib);

/* rib_policy.c: both return 0 with *out a new reference, or NULL when import
 * rejects the path (treated as withdraw) or nothing goes to that peer; -1 when out
 * of memory (lab_err set). */
int rib_import(struct rib *rib, uint32_t peer, const struct bgp_attrs *a, struct rib_attr **out);
int rib_export(struct rib *rib, uint32_t peer, const struct rib_entry *e, struct rib_attr **out);
void rib_export_cache_clear(struct rib *rib, struct rib_peer *p);

/* rib_decide.c: reorders e->paths and sets e->nbest. Paths whose next hop does not
 * resolve are not candidates (they go after the ECMP set). */
void rib_decide(struct rib *rib, struct rib_entry *e);
bool rib_nh_ok(struct rib *rib, struct rib_attr *ra);

/* rib.c */
struct rib_entry *rib_entry_get(struct rib *rib, struct in_addr addr, uint8_t len, bool create);
/* The distinct next hops of the ECMP set that go into the FIB, ascending (none for
 * an originated best or no best). */
struct rib_nhset {
	size_t n;
	struct in_addr nh[BGP_CONFIG_MAX_PATHS];
};
void rib_entry_nexthops(const struct rib_entry *e, struct rib_nhset *out);
/* After e's paths changed (old = its next hops before): decision, Adj-RIB-Out
 * marks, FIB scheduling and the `best` journal event when the next hops changed. */
void rib_entry_changed(struct rib *rib, struct rib_entry *e, const struct rib_nhset *old,
                       int64_t now);
void rib_gc(struct rib *rib);
/* Decides every prefix again after resolvability changed and sends what changed to
 * the peers (the FIB writes wait in the queue: the caller runs it). */
void rib_recheck_nexthops(struct rib *rib, int64_t now);
void rib_gc_add(struct rib *rib, struct rib_entry *e);

/* rib_out.c */
void rib_out_mark(struct rib *rib, struct rib_entry *e);
void rib_out_flush(struct rib *rib);
/* Whole Adj-RIB-Out to one peer (up, route refresh). */
int rib_out_full(struct rib *rib, uint32_t peer);

/* rib_fibq.c */
void rib_fib_schedule(struct rib *rib, struct rib_entry *e, int64_t now);
void rib_journal_best(struct rib *rib, const struct rib_entry *e, int64_t now);
/* Every route the Loc-RIB wants in the kernel is queued for a write now (the
 * interfaces changed under the FIB; see rib_iface.c). */
void rib_fib_resync(struct rib *rib, int64_t now);

/* rib_iface.c: when the FIB saw the interfaces change since the last call, journals
 * the next hops that became unreachable, decides every prefix again and queues the
 * repair writes. Called first thing by rib_run_timers. */
void rib_iface_changed(struct rib *rib, int64_t now);

#endif
