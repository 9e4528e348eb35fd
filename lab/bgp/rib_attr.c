/* Interned attribute sets: one copy of each distinct set, reference counted, so a
 * large feed that shares attributes costs one set, and "same attributes?" in the
 * Adj-RIB-Out diff is a pointer comparison. */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "rib_int.h"

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
	return h;
}

static uint32_t attrs_hash(const struct bgp_attrs *a)
{
	uint32_t h = mix(0, a->present);
	h = mix(h, a->origin);
	h = mix(h, a->next_hop.s_addr);
	h = mix(h, a->med);
	h = mix(h, a->local_pref);
	h = mix(h, a->aggregator_as);
	h = mix(h, a->aggregator_id.s_addr);
	for (size_t i = 0; i < a->as_path.nseg; i++)
		h = mix(h, (uint32_t)a->as_path.seg[i].type << 8 | a->as_path.seg[i].count);
	for (size_t i = 0; i < a->as_path.nasn; i++)
		h = mix(h, a->as_path.asn[i]);
	for (size_t i = 0; i < a->nraw; i++) {
		h = mix(h, (uint32_t)a->raw[i].type << 16 | a->raw[i].len);
		for (size_t k = 0; k < a->raw[i].len; k++)
			h = mix(h, a->raw[i].data[k]);
	}
	return h;
}

static int grow(struct rib *rib)
{
	size_t n = rib->nabuckets ? rib->nabuckets * 2 : 256;
	struct rib_attr **b = calloc(n, sizeof(*b));
	if (!b)
		return -1;
	for (size_t i = 0; i < rib->nabuckets; i++) {
		struct rib_attr *ra = rib->abuckets[i], *next;
		for (; ra; ra = next) {
			next = ra->hnext;
			ra->hnext = b[ra->hash & (n - 1)];
			b[ra->hash & (n - 1)] = ra;
		}
	}
	free(rib->abuckets);
	rib->abuckets = b;
	rib->nabuckets = n;
	return 0;
}

struct rib_attr *rib_attr_intern(struct rib *rib, const struct bgp_attrs *a)
{
	uint32_t h = attrs_hash(a);
	if (rib->nabuckets) {
		for (struct rib_attr *ra = rib->abuckets[h & (rib->nabuckets - 1)]; ra;
		     ra = ra->hnext)
			if (ra->hash == h && bgp_attrs_equal(&ra->a, a)) {
				ra->refcnt++;
				return ra;
			}
	}
	if (rib->nattrs >= rib->nabuckets && grow(rib) < 0)
		goto oom;
	struct rib_attr *ra = calloc(1, sizeof(*ra));
	if (!ra)
		goto oom;
	if (bgp_attrs_copy(&ra->a, a) < 0) {
		free(ra);
		goto oom;
	}
	ra->hash = h;
	ra->refcnt = 1;
	ra->path_len = (uint32_t)bgp_as_path_length(&ra->a.as_path);
	ra->neighbor_as = bgp_as_path_first(&ra->a.as_path);
	size_t b = h & (rib->nabuckets - 1);
	ra->hnext = rib->abuckets[b];
	rib->abuckets[b] = ra;
	rib->nattrs++;
	return ra;
oom:
	lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory interning attributes");
	return NULL;
}

void rib_attr_ref(struct rib_attr *ra)
{
	ra->refcnt++;
}

void rib_attr_unref(struct rib *rib, struct rib_attr *ra)
{
	if (!ra || --ra->refcnt)
		return;
	struct rib_attr **pp = &rib->abuckets[ra->hash & (rib->nabuckets - 1)];
	while (*pp != ra)
		pp = &(*pp)->hnext;
	*pp = ra->hnext;
	rib->nattrs--;
	bgp_attrs_free(&ra->a);
	free(ra);
}

void rib_attr_table_free(struct rib *rib)
{
	for (size_t i = 0; i < rib->nabuckets; i++) {
		struct rib_attr *ra = rib->abuckets[i], *next;
		for (; ra; ra = next) {
			next = ra->hnext;
			bgp_attrs_free(&ra->a);
			free(ra);
		}
	}
	free(rib->abuckets);
	rib->abuckets = NULL;
	rib->nabuckets = rib->nattrs = 0;
}
