/* The RIB's prefix table and the entry points the session layer calls (rib.h). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "fib.h"
#include "rib_int.h"

static size_t pfx_hash(struct in_addr a, uint8_t len, size_t nb)
{
	uint64_t h = ((uint64_t)ntohl(a.s_addr) << 8 | len) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (nb - 1);
}

static int table_grow(struct rib *rib)
{
	size_t n = rib->nbuckets ? rib->nbuckets * 2 : 1024;
	struct rib_entry **b = calloc(n, sizeof(*b));
	if (!b)
		return -1;
	for (size_t i = 0; i < rib->nbuckets; i++)
		for (struct rib_entry *e = rib->buckets[i], *next; e; e = next) {
			next = e->hnext;
			size_t h = pfx_hash(e->addr, e->len, n);
			e->hnext = b[h];
			b[h] = e;
		}
	free(rib->buckets);
	rib->buckets = b;
	rib->nbuckets = n;
	return 0;
}

struct rib_entry *rib_entry_get(struct rib *rib, struct in_addr addr, uint8_t len, bool create)
{
	if (rib->nbuckets) {
		for (struct rib_entry *e = rib->buckets[pfx_hash(addr, len, rib->nbuckets)]; e;
		     e = e->hnext)
			if (e->addr.s_addr == addr.s_addr && e->len == len)
				return e;
	}
	if (!create)
		return NULL;
	if (rib->nentries >= rib->nbuckets && table_grow(rib) < 0)
		return NULL;
	struct rib_entry *e = rib_pool_alloc(&rib->entry_pool);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e) + rib->n_peers * sizeof(e->out[0]));
	e->addr = addr;
	e->len = len;
	size_t h = pfx_hash(addr, len, rib->nbuckets);
	e->hnext = rib->buckets[h];
	rib->buckets[h] = e;
	rib->nentries++;
	return e;
}

static void entry_unlink_free(struct rib *rib, struct rib_entry *e)
{
	struct rib_entry **pp = &rib->buckets[pfx_hash(e->addr, e->len, rib->nbuckets)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	rib->nentries--;
	rib_pool_free(&rib->entry_pool, e);
}

void rib_gc_add(struct rib *rib, struct rib_entry *e)
{
	if (e->flags & RIB_E_GC)
		return;
	if (rib->ngc == rib->capgc) {
		size_t n = rib->capgc ? rib->capgc * 2 : 256;
		struct rib_entry **v = realloc(rib->gc, n * sizeof(*v));
		if (!v)
			return; /* kept until the table is freed */
		rib->gc = v;
		rib->capgc = n;
	}
	e->flags |= RIB_E_GC;
	rib->gc[rib->ngc++] = e;
}

/* Frees entries left with nothing: no path, nothing announced, no kernel route,
 * not waiting for the FIB. Runs after the Adj-RIB-Out flush (which still reads
 * the entries it withdrew). */
void rib_gc(struct rib *rib)
{
	for (size_t i = 0; i < rib->ngc; i++) {
		struct rib_entry *e = rib->gc[i];
		e->flags &= ~RIB_E_GC;
		if (e->paths || (e->flags & (RIB_E_FIB_INSTALLED | RIB_E_FIB_QUEUED)))
			continue;
		bool announced = false;
		for (size_t i = 0; i < rib->n_peers && !announced; i++)
			announced = e->out[i] != NULL;
		if (!announced)
			entry_unlink_free(rib, e);
	}
	rib->ngc = 0;
}

void rib_entry_nexthops(const struct rib_entry *e, struct rib_nhset *out)
{
	out->n = 0;
	if (!e->nbest || e->paths->peer == RIB_PEER_LOCAL)
		return;
	const struct rib_path *p = e->paths;
	for (size_t i = 0; i < e->nbest && p; i++, p = p->next) {
		uint32_t v = ntohl(p->attr->a.next_hop.s_addr);
		size_t k = 0;
		while (k < out->n && ntohl(out->nh[k].s_addr) < v)
			k++;
		if (k < out->n && ntohl(out->nh[k].s_addr) == v)
			continue;
		memmove(&out->nh[k + 1], &out->nh[k], (out->n - k) * sizeof(out->nh[0]));
		out->nh[k] = p->attr->a.next_hop;
		out->n++;
	}
}

static bool nhset_equal(const struct rib_nhset *a, const struct rib_nhset *b)
{
	return a->n == b->n && !memcmp(a->nh, b->nh, a->n * sizeof(a->nh[0]));
}

void rib_entry_changed(struct rib *rib, struct rib_entry *e, const struct rib_nhset *old,
                       int64_t now)
{
	bool had = e->nbest > 0;
	rib_decide(rib, e);
	rib->nbest_prefixes += (e->nbest > 0) - had;
	struct rib_nhset cur;
	rib_entry_nexthops(e, &cur);
	if (!nhset_equal(old, &cur)) {
		rib_journal_best(rib, e, now);
		rib_fib_schedule(rib, e, now);
	}
	rib_out_mark(rib, e);
	if (!e->paths)
		rib_gc_add(rib, e);
}

static struct rib_path **path_find(struct rib_entry *e, uint32_t peer)
{
	struct rib_path **pp = &e->paths;
	while (*pp && (*pp)->peer != peer)
		pp = &(*pp)->next;
	return pp;
}

/* Removes peer's path from e; true if there was one. */
static bool path_remove(struct rib *rib, struct rib_entry *e, uint32_t peer)
{
	struct rib_path **pp = path_find(e, peer);
	struct rib_path *p = *pp;
	if (!p)
		return false;
	*pp = p->next;
	rib_attr_unref(rib, p->attr);
	rib_pool_free(&rib->path_pool, p);
	rib->npaths--;
	if (peer != RIB_PEER_LOCAL)
		rib->peers[peer].prefixes_in--;
	return true;
}

/* Sets peer's path on e to ra (a reference is taken). 1 changed, 0 same, -1 oom. */
static int path_set(struct rib *rib, struct rib_entry *e, uint32_t peer, struct rib_attr *ra)
{
	struct rib_path **pp = path_find(e, peer);
	if (*pp) {
		if ((*pp)->attr == ra)
			return 0;
		rib_attr_unref(rib, (*pp)->attr);
		rib_attr_ref(ra);
		(*pp)->attr = ra;
		return 1;
	}
	struct rib_path *p = rib_pool_alloc(&rib->path_pool);
	if (!p)
		return -1;
	rib_attr_ref(ra);
	p->attr = ra;
	p->peer = peer;
	p->chosen = false;
	p->next = e->paths;
	e->paths = p;
	rib->npaths++;
	if (peer != RIB_PEER_LOCAL)
		rib->peers[peer].prefixes_in++;
	return 1;
}

/* Ends a batch: updates out to every peer, frees what is unused, and writes the
 * FIB at once when there is no programming delay. */
static void batch_end(struct rib *rib, int64_t now)
{
	rib_out_flush(rib);
	if (rib->delay_ns == 0)
		rib_run_timers(rib, now);
	rib_gc(rib);
}

void rib_set_resolver(struct rib *rib, rib_resolve_fn fn, void *ctx)
{
	rib->resolve = fn;
	rib->resolve_ctx = ctx;
	rib->nh_gen++;
}

void rib_recheck_nexthops(struct rib *rib, int64_t now)
{
	rib->nh_gen++;
	if (rib->nh_gen == 0) /* 0 marks a set never asked */
		rib->nh_gen = 1;
	for (size_t b = 0; b < rib->nbuckets; b++)
		for (struct rib_entry *e = rib->buckets[b]; e; e = e->hnext) {
			if (!e->paths || e->paths->peer == RIB_PEER_LOCAL)
				continue;
			struct rib_nhset old;
			rib_entry_nexthops(e, &old);
			rib_entry_changed(rib, e, &old, now);
		}
	rib_out_flush(rib);
}

void rib_resolve_changed(struct rib *rib, int64_t now)
{
	rib_recheck_nexthops(rib, now);
	if (rib->delay_ns == 0)
		rib_run_timers(rib, now);
	rib_gc(rib);
}

static int originate(struct rib *rib, const struct bgp_prefix *nets, size_t n)
{
	struct bgp_attrs a;
	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	a.origin = BGP_ORIGIN_IGP;
	a.local_pref = RIB_DEFAULT_LOCAL_PREF;
	struct rib_attr *ra = rib_attr_intern(rib, &a);
	if (!ra)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct rib_entry *e = rib_entry_get(rib, nets[i].addr, nets[i].len, true);
		struct rib_nhset old;
		if (!e || path_set(rib, e, RIB_PEER_LOCAL, ra) < 0) {
			rc = lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
			break;
		}
		rib_entry_nexthops(e, &old);
		rib_entry_changed(rib, e, &old, 0);
	}
	rib_attr_unref(rib, ra);
	return rc;
}

struct rib *rib_new_params(const struct rib_params *p, const struct rib_ops *ops, void *ctx,
                           bool fib)
{
	struct rib *rib = calloc(1, sizeof(*rib));
	if (!rib) {
		lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
		return NULL;
	}
	rib->asn = p->asn;
	rib->router_id = p->router_id;
	rib->max_paths = p->max_paths ? p->max_paths : 1;
	if (rib->max_paths > BGP_CONFIG_MAX_PATHS)
		rib->max_paths = BGP_CONFIG_MAX_PATHS;
	rib->delay_ns = (int64_t)p->delay_ms * 1000000;
	rib->ops = ops;
	rib->ctx = ctx;
	rib->journal_fd = -1;
	rib->nh_gen = 1;
	json_init(&rib->jbuf);
	rib->n_peers = p->n_peers;
	rib_pool_init(&rib->entry_pool,
	              sizeof(struct rib_entry) + p->n_peers * sizeof(struct rib_attr *));
	rib_pool_init(&rib->path_pool, sizeof(struct rib_path));
	rib->peers = calloc(p->n_peers ? p->n_peers : 1, sizeof(*rib->peers));
	rib->cand = calloc(p->n_peers + 1, sizeof(*rib->cand));
	rib->cand_before = calloc(p->n_peers + 1, sizeof(*rib->cand_before));
	if (!rib->peers || !rib->cand || !rib->cand_before) {
		lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < p->n_peers; i++) {
		rib->peers[i].addr = p->peers[i].addr;
		rib->peers[i].remote_as = p->peers[i].remote_as;
		rib->peers[i].ibgp = p->peers[i].remote_as == p->asn;
		rib->peers[i].next_hop_self = p->peers[i].next_hop_self;
	}
	if (fib) {
		rib->fib = fib_open();
		if (!rib->fib)
			goto fail;
		/* Routes of a previous instance that died without cleaning up. */
		fib_flush_proto(rib->fib);
	}
	if (originate(rib, p->networks, p->n_networks) < 0)
		goto fail;
	rib_gc(rib);
	return rib;
fail:
	rib_free(rib);
	return NULL;
}

void rib_set_journal(struct rib *rib, int fd)
{
	rib->journal_fd = fd;
}

int rib_peer_up(struct rib *rib, uint32_t peer, const struct rib_peer_info *info, int64_t now)
{
	if (peer >= rib->n_peers)
		return lab_err(LAB_EXIT_FAIL, "bgp rib: no peer %u", peer);
	struct rib_peer *p = &rib->peers[peer];
	if (p->up)
		rib_peer_down(rib, peer, now);
	p->up = true;
	p->info = *info;
	int rc = rib_out_full(rib, peer);
	rib_gc(rib);
	return rc;
}

void rib_peer_down(struct rib *rib, uint32_t peer, int64_t now)
{
	if (peer >= rib->n_peers || !rib->peers[peer].up)
		return;
	struct rib_peer *p = &rib->peers[peer];
	p->up = false;
	p->npend = 0;
	for (size_t b = 0; b < rib->nbuckets; b++)
		for (struct rib_entry *e = rib->buckets[b]; e; e = e->hnext) {
			rib_attr_unref(rib, e->out[peer]);
			e->out[peer] = NULL;
			struct rib_nhset old;
			rib_entry_nexthops(e, &old);
			if (path_remove(rib, e, peer))
				rib_entry_changed(rib, e, &old, now);
			else if (!e->paths)
				rib_gc_add(rib, e);
		}
	rib_export_cache_clear(rib, p);
	batch_end(rib, now);
}

int rib_update(struct rib *rib, uint32_t peer, const struct bgp_update *u, int64_t now)
{
	if (peer >= rib->n_peers || !rib->peers[peer].up)
		return 0;
	int rc = 0;
	for (size_t i = 0; i < u->withdrawn.n; i++) {
		struct rib_entry *e =
		    rib_entry_get(rib, u->withdrawn.v[i].addr, u->withdrawn.v[i].len, false);
		if (!e)
			continue;
		struct rib_nhset old;
		rib_entry_nexthops(e, &old);
		if (path_remove(rib, e, peer))
			rib_entry_changed(rib, e, &old, now);
	}
	struct rib_attr *ra = NULL;
	if (u->nlri.n && rib_import(rib, peer, &u->attrs, &ra) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < u->nlri.n; i++) {
		const struct bgp_prefix *pf = &u->nlri.v[i];
		struct rib_entry *e = rib_entry_get(rib, pf->addr, pf->len, ra != NULL);
		if (!e) {
			if (ra) {
				rc = lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
				break;
			}
			continue;
		}
		struct rib_nhset old;
		rib_entry_nexthops(e, &old);
		int changed = ra ? path_set(rib, e, peer, ra) : path_remove(rib, e, peer);
		if (changed < 0) {
			rc = lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
			break;
		}
		if (changed)
			rib_entry_changed(rib, e, &old, now);
	}
	rib_attr_unref(rib, ra);
out:
	batch_end(rib, now);
	return rc;
}

int rib_route_refresh(struct rib *rib, uint32_t peer)
{
	if (peer >= rib->n_peers || !rib->peers[peer].up)
		return 0;
	return rib_out_full(rib, peer);
}

void rib_stats(const struct rib *rib, struct rib_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->prefixes = rib->nbest_prefixes;
	out->paths = rib->npaths;
	out->fib_installed = rib->nfib;
	out->fib_pending = rib->nqueued;
}

uint64_t rib_peer_prefixes_in(const struct rib *rib, uint32_t peer)
{
	return peer < rib->n_peers ? rib->peers[peer].prefixes_in : 0;
}

void rib_free(struct rib *rib)
{
	if (!rib)
		return;
	if (rib->fib) {
		fib_flush_proto(rib->fib);
		fib_close(rib->fib);
	}
	rib_pool_destroy(&rib->entry_pool);
	rib_pool_destroy(&rib->path_pool);
	free(rib->buckets);
	free(rib->gc);
	for (size_t i = 0; i < rib->n_peers; i++)
		free(rib->peers[i].pend);
	free(rib->peers);
	free(rib->cand);
	free(rib->cand_before);
	/* Every attribute set goes at once: no need to drop references one by one. */
	rib_attr_table_free(rib);
	json_free(&rib->jbuf);
	free(rib);
}
