/* The decision process, RFC 4271 s9.1.2, as the elimination the RFC describes
 * (not a pairwise sort: the MED rule compares only routes from the same neighbour
 * AS, so "better than" is not transitive and a sort could depend on input order).
 *
 * Phase 1 (degree of preference) is LOCAL_PREF, set by import policy for eBGP.
 * Locally originated networks win over anything learnt (they are ours).
 * Tie-breaking s9.1.2.2: a) highest LOCAL_PREF, then shortest AS_PATH (an AS_SET
 * counts 1); b) lowest ORIGIN; c) lowest MED among routes from the same neighbour
 * AS (missing MED = 0); d) eBGP over iBGP; e) IGP cost to the next hop: not
 * applicable, every next hop in the lab is directly connected. Routes still equal
 * after e) form the ECMP set (at most max-paths of them); f) lowest BGP identifier
 * and g) lowest peer address order it and pick the single best that is
 * advertised. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "fib.h"
#include "rib_int.h"

static bool is_ebgp(const struct rib *rib, const struct rib_path *p)
{
	return p->peer != RIB_PEER_LOCAL && !rib->peers[p->peer].ibgp;
}

static uint32_t med_of(const struct rib_path *p)
{
	return p->attr->a.present & BGP_ATTR_BIT(BGP_ATTR_MED) ? p->attr->a.med : 0;
}

/* Keeps the candidates x (c[0..n)) for which cond holds; n is updated. */
#define FILTER(c, n, cond)                                                                         \
	do {                                                                                       \
		size_t k_ = 0;                                                                     \
		for (size_t i_ = 0; i_ < (n); i_++) {                                              \
			const struct rib_path *x = (c)[i_];                                        \
			if (cond)                                                                  \
				(c)[k_++] = (c)[i_];                                               \
		}                                                                                  \
		(n) = k_;                                                                          \
	} while (0)

/* s9.1.2.2 f, g: lower BGP identifier, then lower peer address. */
static int tie_cmp(const struct rib *rib, const struct rib_path *a, const struct rib_path *b)
{
	uint32_t ia = ntohl(rib->peers[a->peer].info.remote_id.s_addr);
	uint32_t ib = ntohl(rib->peers[b->peer].info.remote_id.s_addr);
	if (ia != ib)
		return ia < ib ? -1 : 1;
	uint32_t aa = ntohl(rib->peers[a->peer].addr.s_addr);
	uint32_t ab = ntohl(rib->peers[b->peer].addr.s_addr);
	return aa < ab ? -1 : aa > ab;
}

static int tie_qcmp(const void *a, const void *b, void *rib)
{
	return tie_cmp(rib, *(struct rib_path *const *)a, *(struct rib_path *const *)b);
}

/* s9.1.2(a): an unresolvable NEXT_HOP excludes the route. Interned sets share the
 * answer; a new generation (the interfaces changed) asks again. */
bool rib_nh_ok(struct rib *rib, struct rib_attr *ra)
{
	if (ra->nh_gen != rib->nh_gen) {
		struct in_addr nh = ra->a.next_hop;
		if (rib->resolve)
			ra->nh_ok = rib->resolve(rib->resolve_ctx, nh);
		else
			ra->nh_ok = !rib->fib || fib_nh_resolvable(rib->fib, nh);
		ra->nh_gen = rib->nh_gen;
	}
	return ra->nh_ok;
}

static size_t candidates(struct rib *rib, struct rib_entry *e, struct rib_path **c)
{
	size_t n = 0;
	for (struct rib_path *p = e->paths; p; p = p->next)
		if (p->peer == RIB_PEER_LOCAL) {
			c[0] = p;
			return 1;
		} else if (rib_nh_ok(rib, p->attr)) {
			c[n++] = p;
		}
	if (n <= 1)
		return n;

	uint32_t best_lp = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i]->attr->a.local_pref > best_lp)
			best_lp = c[i]->attr->a.local_pref;
	FILTER(c, n, x->attr->a.local_pref == best_lp);

	uint32_t best_len = UINT32_MAX;
	for (size_t i = 0; i < n; i++)
		if (c[i]->attr->path_len < best_len)
			best_len = c[i]->attr->path_len;
	FILTER(c, n, x->attr->path_len == best_len);

	uint8_t best_origin = 255;
	for (size_t i = 0; i < n; i++)
		if (c[i]->attr->a.origin < best_origin)
			best_origin = c[i]->attr->a.origin;
	FILTER(c, n, x->attr->a.origin == best_origin);

	/* c) drop a route if one from the same neighbour AS has a lower MED. The
	 * minimum per AS is taken over the set as it stood before this step. */
	struct rib_path **before = rib->cand_before;
	size_t nb = n;
	for (size_t i = 0; i < n; i++)
		before[i] = c[i];
	size_t k = 0;
	for (size_t i = 0; i < nb; i++) {
		bool beaten = false;
		for (size_t j = 0; j < nb && !beaten; j++)
			beaten = before[j]->attr->neighbor_as == before[i]->attr->neighbor_as &&
			         med_of(before[j]) < med_of(before[i]);
		if (!beaten)
			c[k++] = before[i];
	}
	n = k;

	bool any_ebgp = false;
	for (size_t i = 0; i < n; i++)
		any_ebgp |= is_ebgp(rib, c[i]);
	if (any_ebgp)
		FILTER(c, n, is_ebgp(rib, x));

	/* f, g (a hub may have a path from each of hundreds of peers) */
	qsort_r(c, n, sizeof(c[0]), tie_qcmp, rib);
	return n;
}

void rib_decide(struct rib *rib, struct rib_entry *e)
{
	struct rib_path **c = rib->cand;
	size_t n = candidates(rib, e, c);
	if (n == 0) {
		e->nbest = 0;
		return;
	}
	/* Relink: the candidates in order, then every other path. */
	for (size_t i = 0; i < n; i++)
		c[i]->chosen = true;
	struct rib_path *rest = NULL, **rtail = &rest;
	for (struct rib_path *p = e->paths, *next; p; p = next) {
		next = p->next;
		if (!p->chosen) {
			*rtail = p;
			rtail = &p->next;
		}
	}
	*rtail = NULL;
	for (size_t i = 0; i < n; i++)
		c[i]->chosen = false;
	for (size_t i = n; i-- > 0;) {
		c[i]->next = i + 1 < n ? c[i + 1] : rest;
	}
	e->paths = c[0];
	size_t max = rib->max_paths ? rib->max_paths : 1;
	e->nbest = (uint8_t)(n < max ? n : max);
}
