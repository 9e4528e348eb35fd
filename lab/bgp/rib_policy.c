/* The fixed routing policy of the lab's speaker (RFC 4271 s9.1.1, s9.1.3, s5.1):
 *
 * import, eBGP: a path holding our own AS is a loop and is rejected (treated as a
 *   withdraw of that prefix from that peer); LOCAL_PREF is ours to set: 100.
 * import, iBGP: LOCAL_PREF as received, 100 when missing.
 * export: the best path only (ECMP is a forwarding matter); never back to the peer
 *   it came from; never from one iBGP peer to another (no route reflection);
 *   eBGP: own AS prepended, NEXT_HOP = our address on that session, LOCAL_PREF
 *   dropped, MED dropped unless we originate the route (s5.1.4: a MED is not
 *   passed on to other ASes);
 *   iBGP: NEXT_HOP kept (s5.1.3) unless next-hop-self or originated by us. */
#include <stdlib.h>

#include "common/err.h"
#include "rib_int.h"

int rib_import(struct rib *rib, uint32_t peer, const struct bgp_attrs *a, struct rib_attr **out)
{
	const struct rib_peer *p = &rib->peers[peer];
	*out = NULL;
	if (!p->ibgp && bgp_as_path_contains(&a->as_path, rib->asn))
		return 0;
	struct bgp_attrs t = *a; /* shallow: intern() copies what it keeps */
	if (!p->ibgp || !(t.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF))) {
		t.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		t.local_pref = RIB_DEFAULT_LOCAL_PREF;
	}
	*out = rib_attr_intern(rib, &t);
	return *out ? 0 : -1;
}

static struct rib_attr *export_build(struct rib *rib, struct rib_peer *p,
                                     const struct rib_path *best)
{
	struct bgp_attrs t = best->attr->a;
	struct bgp_as_path path = {0};
	bool local = best->peer == RIB_PEER_LOCAL;
	t.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	if (!p->ibgp) {
		if (bgp_as_path_copy(&path, &t.as_path) < 0 ||
		    bgp_as_path_prepend(&path, rib->asn) < 0) {
			bgp_as_path_free(&path);
			lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory building an AS_PATH");
			return NULL;
		}
		t.as_path = path;
		t.present |= BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
		t.next_hop = p->info.local_addr;
		t.present &= ~BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		t.local_pref = 0;
		if (!local) {
			t.present &= ~BGP_ATTR_BIT(BGP_ATTR_MED);
			t.med = 0;
		}
	} else {
		if (local || p->next_hop_self)
			t.next_hop = p->info.local_addr;
		if (!(t.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF))) {
			t.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
			t.local_pref = RIB_DEFAULT_LOCAL_PREF;
		}
	}
	struct rib_attr *ra = rib_attr_intern(rib, &t);
	bgp_as_path_free(&path);
	return ra;
}

void rib_export_cache_clear(struct rib *rib, struct rib_peer *p)
{
	for (size_t i = 0; i < RIB_EXPORT_CACHE; i++) {
		rib_attr_unref(rib, p->cache_src[i]);
		rib_attr_unref(rib, p->cache_out[i]);
		p->cache_src[i] = p->cache_out[i] = NULL;
	}
}

int rib_export(struct rib *rib, uint32_t peer, const struct rib_entry *e, struct rib_attr **out)
{
	struct rib_peer *p = &rib->peers[peer];
	*out = NULL;
	if (!p->up || !e->nbest)
		return 0;
	const struct rib_path *best = e->paths;
	if (best->peer == peer)
		return 0;
	if (best->peer != RIB_PEER_LOCAL && rib->peers[best->peer].ibgp && p->ibgp)
		return 0;
	/* The same source set always exports to the same set for one peer: a feed of
	 * many prefixes sharing attributes builds the exported set once. */
	size_t slot = ((uintptr_t)best->attr >> 4) % RIB_EXPORT_CACHE;
	if (p->cache_src[slot] == best->attr) {
		rib_attr_ref(p->cache_out[slot]);
		*out = p->cache_out[slot];
		return 0;
	}
	struct rib_attr *ra = export_build(rib, p, best);
	if (!ra)
		return -1;
	rib_attr_unref(rib, p->cache_src[slot]);
	rib_attr_unref(rib, p->cache_out[slot]);
	rib_attr_ref(best->attr);
	rib_attr_ref(ra);
	p->cache_src[slot] = best->attr;
	p->cache_out[slot] = ra;
	*out = ra;
	return 0;
}
