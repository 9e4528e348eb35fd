/* Demultiplexing and the session-level reception checks. See bfd_set.h. */
#include "bfd_set.h"

#include <stdlib.h>
#include <string.h>

void bfd_set_init(struct bfd_set *set, const struct bgp_clock *clock, uint64_t seed)
{
	memset(set, 0, sizeof(*set));
	set->clock = clock;
	bgp_rng_seed(&set->rng, seed);
}

void bfd_set_free(struct bfd_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}

struct bfd_entry *bfd_set_by_peer(const struct bfd_set *set, struct in_addr peer)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->peer.s_addr == peer.s_addr)
			return set->v[i];
	return NULL;
}

struct bfd_entry *bfd_set_by_disc(const struct bfd_set *set, uint32_t local_disc)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i]->s.local_disc == local_disc)
			return set->v[i];
	return NULL;
}

struct bfd_entry *bfd_set_add(struct bfd_set *set, struct in_addr peer, struct in_addr local,
                              const struct bfd_cfg *cfg)
{
	struct bfd_entry *e;
	uint32_t disc;

	if (bfd_set_by_peer(set, peer))
		return NULL;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct bfd_entry **v = realloc(set->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		set->v = v;
		set->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	/* s6.8.1 bfd.LocalDiscr: "MUST be unique across all BFD sessions on this
	 * system, and nonzero. It SHOULD be set to a random (but still unique) value
	 * to improve security." */
	do
		disc = (uint32_t)(bgp_rng_next(&set->rng) >> 32);
	while (disc == 0 || bfd_set_by_disc(set, disc));
	e->peer = peer;
	e->local = local;
	e->fd = -1;
	bfd_session_init(&e->s, cfg, disc, set->clock, bgp_rng_next(&set->rng));
	set->v[set->n++] = e;
	return e;
}

void bfd_set_count_drop(struct bfd_set *set, enum bfd_drop why)
{
	if ((unsigned)why < BFD_DROP_MAX)
		set->drops[why]++;
}

struct bfd_entry *bfd_set_input(struct bfd_set *set, const uint8_t *data, size_t len,
                                struct in_addr src, struct bfd_out *out)
{
	struct bfd_pkt p;
	enum bfd_drop why;
	struct bfd_entry *e;

	if (bfd_pkt_decode(data, len, &p, &why) < 0) {
		bfd_set_count_drop(set, why);
		return NULL;
	}
	/* s6.8.6: "If the Your Discriminator field is nonzero, it MUST be used to
	 * select the session with which this BFD packet is associated. If no session
	 * is found, the packet MUST be discarded." */
	if (p.your_disc != 0) {
		e = bfd_set_by_disc(set, p.your_disc);
	} else {
		/* "If the Your Discriminator field is zero and the State field is not
		 * Down or AdminDown, the packet MUST be discarded." */
		if (p.state != BFD_ST_DOWN && p.state != BFD_ST_ADMIN_DOWN) {
			bfd_set_count_drop(set, BFD_DROP_YOUR_DISC_ZERO);
			return NULL;
		}
		/* "If the Your Discriminator field is zero, the session MUST be
		 * selected based on some combination of other fields, possibly
		 * including source addressing information" (RFC 5881 s3: single hop,
		 * by source address). */
		e = bfd_set_by_peer(set, src);
	}
	if (!e) {
		bfd_set_count_drop(set, BFD_DROP_NO_SESSION);
		return NULL;
	}
	/* "If the A bit is set and no authentication is in use (bfd.AuthType is
	 * zero), the packet MUST be discarded." We never use authentication. */
	if (p.auth) {
		bfd_set_count_drop(set, BFD_DROP_AUTH);
		return NULL;
	}
	/* An AdminDown session still takes the peer's values and a Final
	 * (bfd_session_rx), then discards: counted here. */
	if (e->s.state == BFD_ST_ADMIN_DOWN)
		bfd_set_count_drop(set, BFD_DROP_ADMIN_DOWN);
	else
		set->rx_accepted++;
	bfd_session_rx(&e->s, &p, out);
	return e;
}

int64_t bfd_set_next_due(const struct bfd_set *set)
{
	int64_t best = BGP_TIMER_OFF;
	for (size_t i = 0; i < set->n; i++) {
		int64_t d = bfd_session_next_due(&set->v[i]->s);
		if (d < best)
			best = d;
	}
	return best;
}

uint64_t bfd_set_drops_total(const struct bfd_set *set)
{
	uint64_t t = 0;
	for (int i = 0; i < BFD_DROP_MAX; i++)
		t += set->drops[i];
	return t;
}
