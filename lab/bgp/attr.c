/* Path attributes of an UPDATE: parsing with RFC 7606 error handling, and writing.
 *
 * RFC 7606 replaced "reset the session on any bad attribute" with an outcome per
 * attribute: treat-as-withdraw for those that shape route selection (ORIGIN,
 * AS_PATH, NEXT_HOP, MED, LOCAL_PREF, COMMUNITIES), attribute discard for the
 * informational ones (ATOMIC_AGGREGATE, AGGREGATOR, AS4_*), session reset where the
 * message can no longer be trusted to be framed right (MP_REACH/MP_UNREACH, unknown
 * well-known attributes). The table below says which applies to which attribute. */
#include "codec.h"

#include <stdio.h>
#include <string.h>

struct attr_rule {
	uint8_t flags;              /* expected Optional and Transitive bits */
	enum bgp_err_action on_bad; /* RFC 7606 s7 */
};

static const struct attr_rule *rule_for(uint8_t type)
{
	static const struct attr_rule wk = {BGP_ATTR_F_TRANSITIVE, BGP_ACT_WITHDRAW};
	static const struct attr_rule med = {BGP_ATTR_F_OPTIONAL, BGP_ACT_WITHDRAW};
	static const struct attr_rule info_wk = {BGP_ATTR_F_TRANSITIVE, BGP_ACT_ATTR_DISCARD};
	static const struct attr_rule info = {BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE,
	                                      BGP_ACT_ATTR_DISCARD};
	static const struct attr_rule comm = {BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE,
	                                      BGP_ACT_WITHDRAW};
	static const struct attr_rule mp = {BGP_ATTR_F_OPTIONAL, BGP_ACT_RESET};

	switch (type) {
	case BGP_ATTR_ORIGIN:
	case BGP_ATTR_AS_PATH:
	case BGP_ATTR_NEXT_HOP:
	case BGP_ATTR_LOCAL_PREF: return &wk;
	case BGP_ATTR_MED: return &med;
	case BGP_ATTR_ATOMIC_AGGREGATE: return &info_wk;
	case BGP_ATTR_AGGREGATOR:
	case BGP_ATTR_AS4_PATH:
	case BGP_ATTR_AS4_AGGREGATOR: return &info;
	case BGP_ATTR_COMMUNITIES: return &comm;
	case BGP_ATTR_MP_REACH:
	case BGP_ATTR_MP_UNREACH: return &mp;
	default: return NULL;
	}
}

/* What one attribute's parser sees. */
struct attr_in {
	uint8_t flags, type;
	struct rbuf v;                   /* the value */
	uint8_t quote[BGP_ERR_DATA_MAX]; /* the whole attribute, for NOTIFICATION data */
	size_t quote_len;
	enum bgp_err_action on_bad;
};

/* State across the attributes of one UPDATE. */
struct attrs_state {
	const struct bgp_codec_ctx *ctx;
	struct bgp_update *u;
	struct bgp_error *err;
	struct bgp_as_path as4_path;
	bool have_as4_path, have_as4_aggr, have_mp_nh;
	uint32_t as4_aggr_as;
	struct in_addr as4_aggr_id, mp_nh;
	bool mp_reach_ipv4;
};

static int bad(struct attrs_state *s, struct attr_in *a, uint8_t subcode, const char *why)
{
	char reason[96];

	snprintf(reason, sizeof(reason), "attribute %u: %s", a->type, why);
	if (a->on_bad == BGP_ACT_ATTR_DISCARD) {
		s->u->attrs_discarded++;
		s->u->attrs.present &= ~BGP_ATTR_BIT(a->type);
	}
	return bgp_err_raise(s->err, a->on_bad, BGP_ERR_UPDATE, subcode, a->quote, a->quote_len,
	                     reason);
}

static int want_len(struct attrs_state *s, struct attr_in *a, size_t len)
{
	if (rbuf_left(&a->v) != len) {
		bad(s, a, BGP_ERR_UPD_ATTR_LENGTH, "wrong length");
		return -1;
	}
	return 0;
}

/* RFC 4271 s6.3 / RFC 5735: next hops that cannot be a neighbour's address. */
static bool nh_valid(struct in_addr nh)
{
	uint32_t a = ntohl(nh.s_addr);

	return a != 0 && (a >> 24) != 127 && (a >> 28) < 14;
}

static int parse_mp_reach(struct attrs_state *s, struct attr_in *a)
{
	uint16_t afi;
	uint8_t safi, nh_len, reserved;
	uint32_t nh;

	rbuf_u16(&a->v, &afi);
	rbuf_u8(&a->v, &safi);
	rbuf_u8(&a->v, &nh_len);
	if (!rbuf_ok(&a->v))
		return bad(s, a, BGP_ERR_UPD_OPTIONAL_ATTR, "MP_REACH_NLRI truncated");
	if (afi != BGP_AFI_IPV4 || safi != BGP_SAFI_UNICAST) {
		s->u->mp_other_afi++;
		return 0;
	}
	if (nh_len != 4)
		return bad(s, a, BGP_ERR_UPD_OPTIONAL_ATTR, "MP_REACH_NLRI next hop not 4 bytes");
	rbuf_u32(&a->v, &nh);
	rbuf_u8(&a->v, &reserved);
	if (!rbuf_ok(&a->v))
		return bad(s, a, BGP_ERR_UPD_OPTIONAL_ATTR, "MP_REACH_NLRI truncated");
	s->mp_nh.s_addr = htonl(nh);
	s->have_mp_nh = true;
	s->mp_reach_ipv4 = true;
	return bgp_parse_prefixes(&a->v, &s->u->nlri, BGP_ERR_UPD_OPTIONAL_ATTR, s->err);
}

static int parse_mp_unreach(struct attrs_state *s, struct attr_in *a)
{
	uint16_t afi;
	uint8_t safi;
	rbuf_u16(&a->v, &afi);
	rbuf_u8(&a->v, &safi);
	if (!rbuf_ok(&a->v))
		return bad(s, a, BGP_ERR_UPD_OPTIONAL_ATTR, "MP_UNREACH_NLRI truncated");
	if (afi != BGP_AFI_IPV4 || safi != BGP_SAFI_UNICAST) {
		s->u->mp_other_afi++;
		return 0;
	}
	if (rbuf_left(&a->v) == 0)
		s->u->end_of_rib = true; /* RFC 4724 s2, checked for "alone" by the caller */
	return bgp_parse_prefixes(&a->v, &s->u->withdrawn, BGP_ERR_UPD_OPTIONAL_ATTR, s->err);
}

/* AGGREGATOR / AS4_AGGREGATOR body; the caller has checked the length. */
static void read_aggregator(struct rbuf *v, bool as4, uint32_t *as, struct in_addr *id)
{
	uint16_t as2;
	uint32_t addr;

	if (as4) {
		rbuf_u32(v, as);
	} else {
		rbuf_u16(v, &as2);
		*as = as2;
	}
	rbuf_u32(v, &addr);
	id->s_addr = htonl(addr);
}

static int parse_one(struct attrs_state *s, struct attr_in *a)
{
	struct bgp_attrs *at = &s->u->attrs;
	const char *why = NULL;
	uint32_t v32;
	uint8_t v8;

	switch (a->type) {
	case BGP_ATTR_ORIGIN:
		if (want_len(s, a, 1) < 0)
			return 0;
		rbuf_u8(&a->v, &v8);
		if (v8 > BGP_ORIGIN_INCOMPLETE)
			return bad(s, a, BGP_ERR_UPD_ORIGIN, "undefined ORIGIN value");
		at->origin = v8;
		break;
	case BGP_ATTR_AS_PATH:
		if (bgp_as_path_parse(&a->v, s->ctx->as4, &at->as_path, &why) < 0)
			return bad(s, a, BGP_ERR_UPD_AS_PATH, why);
		at->present |= BGP_ATTR_BIT(a->type);
		for (size_t i = 0; i < at->as_path.nseg; i++)
			if (!s->ctx->ibgp && at->as_path.seg[i].type >= BGP_AS_CONFED_SEQUENCE)
				/* RFC 7606 s7.2: confederation segments from outside. */
				return bad(s, a, BGP_ERR_UPD_AS_PATH,
				           "confederation segment from an external peer");
		return 0;
	case BGP_ATTR_NEXT_HOP:
		if (want_len(s, a, 4) < 0)
			return 0;
		rbuf_u32(&a->v, &v32);
		at->next_hop.s_addr = htonl(v32);
		if (!nh_valid(at->next_hop))
			return bad(s, a, BGP_ERR_UPD_NEXT_HOP, "NEXT_HOP is not a unicast address");
		break;
	case BGP_ATTR_MED:
		if (want_len(s, a, 4) < 0)
			return 0;
		rbuf_u32(&a->v, &at->med);
		break;
	case BGP_ATTR_LOCAL_PREF:
		if (!s->ctx->ibgp) {
			/* RFC 4271 s5.1.5, RFC 7606 s7.5: ignored from external peers. */
			s->u->attrs_discarded++;
			return 0;
		}
		if (want_len(s, a, 4) < 0)
			return 0;
		rbuf_u32(&a->v, &at->local_pref);
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		if (want_len(s, a, 0) < 0)
			return 0;
		break;
	case BGP_ATTR_AGGREGATOR:
		if (rbuf_left(&a->v) != (s->ctx->as4 ? 8u : 6u))
			return bad(s, a, BGP_ERR_UPD_ATTR_LENGTH, "wrong length");
		read_aggregator(&a->v, s->ctx->as4, &at->aggregator_as, &at->aggregator_id);
		break;
	case BGP_ATTR_COMMUNITIES:
		if (rbuf_left(&a->v) % 4)
			return bad(s, a, BGP_ERR_UPD_ATTR_LENGTH, "length not a multiple of 4");
		goto keep_raw;
	case BGP_ATTR_MP_REACH: return parse_mp_reach(s, a);
	case BGP_ATTR_MP_UNREACH: return parse_mp_unreach(s, a);
	case BGP_ATTR_AS4_PATH:
		/* RFC 6793 s6: between two NEW speakers AS4_PATH has no business. */
		if (s->ctx->as4) {
			s->u->attrs_discarded++;
			return 0;
		}
		if (bgp_as_path_parse(&a->v, true, &s->as4_path, &why) < 0)
			return bad(s, a, BGP_ERR_UPD_OPTIONAL_ATTR, why);
		for (size_t i = 0; i < s->as4_path.nseg; i++)
			if (s->as4_path.seg[i].type >= BGP_AS_CONFED_SEQUENCE) {
				bgp_as_path_free(&s->as4_path);
				return bad(s, a, BGP_ERR_UPD_OPTIONAL_ATTR,
				           "confederation segment in AS4_PATH");
			}
		s->have_as4_path = true;
		return 0;
	case BGP_ATTR_AS4_AGGREGATOR:
		if (s->ctx->as4) {
			s->u->attrs_discarded++;
			return 0;
		}
		if (rbuf_left(&a->v) != 8)
			return bad(s, a, BGP_ERR_UPD_ATTR_LENGTH, "wrong length");
		read_aggregator(&a->v, true, &s->as4_aggr_as, &s->as4_aggr_id);
		s->have_as4_aggr = true;
		return 0;
	default:
		if (!(a->flags & BGP_ATTR_F_OPTIONAL))
			return bgp_err_raise(s->err, BGP_ACT_RESET, BGP_ERR_UPDATE,
			                     BGP_ERR_UPD_UNRECOGNIZED_WK, a->quote, a->quote_len,
			                     "unrecognized well-known attribute");
		/* RFC 4271 s5: optional non-transitive ones are dropped quietly,
		 * transitive ones passed on with the Partial bit set. */
		if (!(a->flags & BGP_ATTR_F_TRANSITIVE))
			return 0;
		a->flags |= BGP_ATTR_F_PARTIAL;
		goto keep_raw;
	}
	at->present |= BGP_ATTR_BIT(a->type);
	return 0;
keep_raw : {
	uint8_t data[BGP_MAX_MSG_LEN];
	uint16_t n = (uint16_t)rbuf_left(&a->v);

	rbuf_copy(&a->v, data, n);
	if (bgp_attrs_set_raw(at, a->flags & (uint8_t)~BGP_ATTR_F_EXTLEN, a->type, data, n) < 0)
		return bgp_err_raise(s->err, BGP_ACT_RESET, BGP_ERR_CEASE,
		                     BGP_CEASE_OUT_OF_RESOURCES, NULL, 0, "out of memory");
	return 0;
}
}

/* RFC 6793 s4.2.3: a 2-octet peer's path and aggregator rebuilt from the AS4_*
 * attributes. An AGGREGATOR that is not AS_TRANS means an OLD speaker aggregated
 * after the AS4_* were attached: then both are stale and ignored. */
static int apply_as4(struct attrs_state *s)
{
	struct bgp_attrs *at = &s->u->attrs;
	bool have_aggr = at->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);

	if (have_aggr && at->aggregator_as != BGP_AS_TRANS && s->have_as4_aggr)
		return 0;
	if (have_aggr && s->have_as4_aggr) {
		at->aggregator_as = s->as4_aggr_as;
		at->aggregator_id = s->as4_aggr_id;
	}
	if (s->have_as4_path && (at->present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH)) &&
	    bgp_as_path_merge_as4(&at->as_path, &s->as4_path) < 0)
		return bgp_err_raise(s->err, BGP_ACT_RESET, BGP_ERR_CEASE,
		                     BGP_CEASE_OUT_OF_RESOURCES, NULL, 0, "out of memory");
	return 0;
}

static void missing(struct attrs_state *s, uint8_t type, const char *why)
{
	/* RFC 4271 s6.3: the data is the type code of the missing attribute. */
	bgp_err_raise(s->err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_MISSING_WK, &type, 1,
	              why);
}

static void check_after(struct attrs_state *s, bool has_classic_nlri)
{
	struct bgp_attrs *at = &s->u->attrs;
	bool any_nlri = has_classic_nlri || s->u->nlri.n > 0;

	if (s->have_mp_nh && !(at->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP))) {
		if (!nh_valid(s->mp_nh))
			bgp_err_raise(s->err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE,
			              BGP_ERR_UPD_NEXT_HOP, NULL, 0,
			              "MP_REACH_NLRI next hop is not a unicast address");
		at->next_hop = s->mp_nh;
		at->present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	}
	/* RFC 7606 s3 d: missing mandatory attributes mean treat-as-withdraw, and only
	 * matter when something is announced. */
	if (!any_nlri)
		return;
	if (!(at->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)))
		missing(s, BGP_ATTR_ORIGIN, "ORIGIN missing");
	if (!(at->present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH)))
		missing(s, BGP_ATTR_AS_PATH, "AS_PATH missing");
	if (has_classic_nlri && !(at->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)))
		missing(s, BGP_ATTR_NEXT_HOP, "NEXT_HOP missing");
	if (s->ctx->ibgp && !(at->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF)))
		missing(s, BGP_ATTR_LOCAL_PREF, "LOCAL_PREF missing on an internal session");
	/* RFC 4271 s6.3: an external peer's path starts with its own AS. */
	if (!s->ctx->ibgp && s->ctx->peer_as && (at->present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH)) &&
	    bgp_as_path_first(&at->as_path) != s->ctx->peer_as)
		bgp_err_raise(s->err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_AS_PATH, NULL,
		              0, "AS_PATH does not start with the peer's AS");
}

int bgp_parse_attrs(struct rbuf *r, const struct bgp_codec_ctx *ctx, struct bgp_update *u,
                    bool has_classic_nlri, struct bgp_error *err)
{
	struct attrs_state s = {.ctx = ctx, .u = u, .err = err};
	uint8_t seen[32] = {0};
	int rc = 0;

	while (rbuf_left(r) > 0) {
		struct attr_in a;
		const struct attr_rule *rule;
		size_t start = r->pos;
		uint16_t len;
		uint8_t len8;

		/* RFC 7606 s4: a header or value running past the attribute block
		 * is treat-as-withdraw; the block length still locates the NLRI. */
		if (rbuf_left(r) < 3) {
			bgp_err_raise(err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST,
			              NULL, 0, "attribute header truncated");
			break;
		}
		rbuf_u8(r, &a.flags);
		rbuf_u8(r, &a.type);
		if (a.flags & BGP_ATTR_F_EXTLEN) {
			rbuf_u16(r, &len);
		} else {
			rbuf_u8(r, &len8);
			len = len8;
		}
		if (!rbuf_ok(r) || rbuf_sub(r, len, &a.v) < 0) {
			bgp_err_raise(err, BGP_ACT_WITHDRAW, BGP_ERR_UPDATE,
			              BGP_ERR_UPD_ATTR_LENGTH, NULL, 0,
			              "attribute overruns the attribute block");
			break;
		}
		a.quote_len = rbuf_copy_since(r, start, a.quote, sizeof(a.quote));
		rule = rule_for(a.type);
		a.on_bad = rule ? rule->on_bad : BGP_ACT_ATTR_DISCARD;
		if (seen[a.type / 8] & (1u << (a.type % 8))) {
			/* RFC 7606 s3 g: repeated MP attributes reset, others: first wins. */
			if (a.type == BGP_ATTR_MP_REACH || a.type == BGP_ATTR_MP_UNREACH) {
				rc = bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_UPDATE,
				                   BGP_ERR_UPD_ATTR_LIST, NULL, 0,
				                   "MP_REACH/MP_UNREACH repeated");
				break;
			}
			u->attrs_discarded++;
			bgp_err_raise(err, BGP_ACT_ATTR_DISCARD, BGP_ERR_UPDATE,
			              BGP_ERR_UPD_ATTR_LIST, a.quote, a.quote_len,
			              "repeated attribute discarded");
			continue;
		}
		seen[a.type / 8] |= (uint8_t)(1u << (a.type % 8));
		/* RFC 7606 s3 c: wrong Optional/Transitive bits make the attribute
		 * malformed; Partial is only allowed on optional transitive ones. */
		if (rule &&
		    ((a.flags & (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)) != rule->flags ||
		     ((a.flags & BGP_ATTR_F_PARTIAL) &&
		      rule->flags != (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)))) {
			if (bad(&s, &a, BGP_ERR_UPD_ATTR_FLAGS, "attribute flags conflict") < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		if (parse_one(&s, &a) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && !ctx->as4)
		rc = apply_as4(&s);
	if (rc == 0)
		check_after(&s, has_classic_nlri);
	bgp_as_path_free(&s.as4_path);
	return rc;
}

/* ---- writing ---- */

static void attr_hdr(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	flags &= (uint8_t)~BGP_ATTR_F_EXTLEN;
	if (len > 255) {
		wbuf_u8(w, flags | BGP_ATTR_F_EXTLEN);
		wbuf_u8(w, type);
		wbuf_u16(w, len > 0xffff ? 0xffff : (uint16_t)len);
	} else {
		wbuf_u8(w, flags);
		wbuf_u8(w, type);
		wbuf_u8(w, (uint8_t)len);
	}
}

static size_t path_len(const struct bgp_as_path *p, bool as4, bool skip_confed)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nseg; i++) {
		if (skip_confed && p->seg[i].type >= BGP_AS_CONFED_SEQUENCE)
			continue;
		n += 2 + (size_t)p->seg[i].count * (as4 ? 4 : 2);
	}
	return n;
}

int bgp_write_attrs(struct wbuf *w, const struct bgp_codec_ctx *ctx, const struct bgp_attrs *a)
{
	const uint8_t T = BGP_ATTR_F_TRANSITIVE, O = BGP_ATTR_F_OPTIONAL;
	bool big_aggr = false;

	if (a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)) {
		attr_hdr(w, T, BGP_ATTR_ORIGIN, 1);
		wbuf_u8(w, a->origin);
	}
	/* AS_PATH is well-known mandatory: an empty one (iBGP origination) still goes. */
	attr_hdr(w, T, BGP_ATTR_AS_PATH, path_len(&a->as_path, ctx->as4, false));
	bgp_as_path_write(w, &a->as_path, ctx->as4, false);
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)) {
		attr_hdr(w, T, BGP_ATTR_NEXT_HOP, 4);
		wbuf_u32(w, ntohl(a->next_hop.s_addr));
	}
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_MED)) {
		attr_hdr(w, O, BGP_ATTR_MED, 4);
		wbuf_u32(w, a->med);
	}
	/* RFC 4271 s5.1.5: never to external peers. */
	if (ctx->ibgp && (a->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF))) {
		attr_hdr(w, T, BGP_ATTR_LOCAL_PREF, 4);
		wbuf_u32(w, a->local_pref);
	}
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE))
		attr_hdr(w, T, BGP_ATTR_ATOMIC_AGGREGATE, 0);
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) {
		big_aggr = !ctx->as4 && a->aggregator_as > 0xffff;
		attr_hdr(w, O | T, BGP_ATTR_AGGREGATOR, ctx->as4 ? 8 : 6);
		if (ctx->as4)
			wbuf_u32(w, a->aggregator_as);
		else
			wbuf_u16(w, big_aggr ? BGP_AS_TRANS : (uint16_t)a->aggregator_as);
		wbuf_u32(w, ntohl(a->aggregator_id.s_addr));
	}
	for (size_t i = 0; i < a->nraw; i++) {
		const struct bgp_raw_attr *r = &a->raw[i];

		/* AS4_* are ours to generate; stale copies must not travel on. */
		if (r->type == BGP_ATTR_AS4_PATH || r->type == BGP_ATTR_AS4_AGGREGATOR)
			continue;
		attr_hdr(w, r->flags, r->type, r->len);
		wbuf_bytes(w, r->data, r->len);
	}
	/* RFC 6793 s4.2.2: to an OLD speaker, the true path travels in AS4_PATH. */
	if (!ctx->as4 && bgp_as_path_has_big(&a->as_path)) {
		attr_hdr(w, O | T, BGP_ATTR_AS4_PATH, path_len(&a->as_path, true, true));
		bgp_as_path_write(w, &a->as_path, true, true);
	}
	if (big_aggr) {
		attr_hdr(w, O | T, BGP_ATTR_AS4_AGGREGATOR, 8);
		wbuf_u32(w, a->aggregator_as);
		wbuf_u32(w, ntohl(a->aggregator_id.s_addr));
	}
	return w->overflow ? -1 : 0;
}
