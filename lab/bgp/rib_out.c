/* Adj-RIB-Out: what each peer has been told, and the UPDATEs that change it.
 *
 * A Loc-RIB change marks the entry for every up peer whose exported attribute set
 * differs from the one last sent (interned sets: a pointer comparison). At the end
 * of a batch the marks are grouped by attribute set, so one UPDATE (split by the
 * codec into as many messages as needed) carries every prefix sharing a set, and
 * one more carries the withdrawals. */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "rib_int.h"

static int pend_push(struct rib_peer *p, struct rib_entry *e)
{
	if (p->npend == p->cappend) {
		size_t n = p->cappend ? p->cappend * 2 : 256;
		struct rib_entry **v = realloc(p->pend, n * sizeof(*v));
		if (!v)
			return -1;
		p->pend = v;
		p->cappend = n;
	}
	p->pend[p->npend++] = e;
	return 0;
}

void rib_out_mark(struct rib *rib, struct rib_entry *e)
{
	for (uint32_t i = 0; i < rib->n_peers; i++) {
		struct rib_peer *p = &rib->peers[i];
		if (!p->up)
			continue;
		struct rib_attr *na;
		if (rib_export(rib, i, e, &na) < 0)
			continue; /* out of memory: the peer keeps the old state */
		if (na == e->out[i]) {
			rib_attr_unref(rib, na);
			continue;
		}
		if (pend_push(p, e) < 0) {
			rib_attr_unref(rib, na);
			continue;
		}
		rib_attr_unref(rib, e->out[i]);
		e->out[i] = na;
	}
}

static int pend_cmp(const void *a, const void *b, void *arg)
{
	size_t peer = *(const size_t *)arg;
	const struct rib_entry *x = *(struct rib_entry *const *)a;
	const struct rib_entry *y = *(struct rib_entry *const *)b;
	uintptr_t ax = (uintptr_t)x->out[peer], ay = (uintptr_t)y->out[peer];
	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void out_send(struct rib *rib, uint32_t peer, struct bgp_update *u)
{
	if (rib->ops && rib->ops->send_update)
		rib->ops->send_update(rib->ctx, peer, u);
}

static void flush_peer(struct rib *rib, uint32_t peer)
{
	struct rib_peer *p = &rib->peers[peer];
	if (!p->npend)
		return;
	size_t arg = peer;
	qsort_r(p->pend, p->npend, sizeof(p->pend[0]), pend_cmp, &arg);
	struct bgp_prefix *v = malloc(p->npend * sizeof(*v));
	if (!v) {
		p->npend = 0;
		return;
	}
	size_t i = 0;
	while (i < p->npend) {
		struct rib_attr *ra = p->pend[i]->out[peer];
		size_t n = 0;
		for (; i < p->npend && p->pend[i]->out[peer] == ra; i++) {
			if (n && i && p->pend[i] == p->pend[i - 1])
				continue;
			v[n].addr = p->pend[i]->addr;
			v[n].len = p->pend[i]->len;
			n++;
		}
		struct bgp_update u;
		memset(&u, 0, sizeof(u));
		if (ra) {
			u.attrs = ra->a;
			u.nlri = (struct bgp_prefixes){.n = n, .cap = n, .v = v};
		} else {
			u.withdrawn = (struct bgp_prefixes){.n = n, .cap = n, .v = v};
		}
		out_send(rib, peer, &u);
	}
	free(v);
	p->npend = 0;
	if (rib->ops && rib->ops->peer_flush)
		rib->ops->peer_flush(rib->ctx, peer);
}

void rib_out_flush(struct rib *rib)
{
	for (uint32_t i = 0; i < rib->n_peers; i++)
		if (rib->peers[i].up)
			flush_peer(rib, i);
		else
			rib->peers[i].npend = 0;
}

int rib_out_full(struct rib *rib, uint32_t peer)
{
	struct rib_peer *p = &rib->peers[peer];
	int rc = 0;
	for (size_t b = 0; b < rib->nbuckets; b++)
		for (struct rib_entry *e = rib->buckets[b]; e; e = e->hnext) {
			struct rib_attr *na;
			if (rib_export(rib, peer, e, &na) < 0) {
				rc = -1;
				continue;
			}
			rib_attr_unref(rib, e->out[peer]);
			e->out[peer] = na;
			if (na && pend_push(p, e) < 0)
				rc = lab_err(LAB_EXIT_FAIL, "bgp rib: out of memory");
		}
	flush_peer(rib, peer);
	struct bgp_update eor;
	memset(&eor, 0, sizeof(eor));
	eor.end_of_rib = true;
	out_send(rib, peer, &eor);
	if (rib->ops && rib->ops->peer_flush)
		rib->ops->peer_flush(rib->ctx, peer);
	return rc;
}
