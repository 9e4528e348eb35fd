/* UPDATE: the outer structure (RFC 4271 s4.3), NLRI fields, RFC 7606 framing rules,
 * and packing prefixes into as few 4096-byte messages as they need. */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

size_t bgp_prefix_wire_len(struct bgp_prefix p)
{
	return 1 + ((size_t)p.len + 7) / 8;
}

int bgp_write_prefix(struct wbuf *w, struct bgp_prefix p)
{
	uint32_t a = ntohl(p.addr.s_addr);
	size_t n = ((size_t)p.len + 7) / 8;

	wbuf_u8(w, p.len);
	for (size_t i = 0; i < n; i++)
		wbuf_u8(w, (uint8_t)(a >> (24 - 8 * i)));
	return w->overflow ? -1 : 0;
}

int bgp_parse_prefixes(struct rbuf *r, struct bgp_prefixes *out, uint8_t subcode,
                       struct bgp_error *err)
{
	while (rbuf_left(r) > 0) {
		struct bgp_prefix p;
		uint32_t a = 0;
		uint8_t len, b;

		rbuf_u8(r, &len);
		/* RFC 7606 s5.3: a prefix that is too long or runs past its field
		 * makes the rest of the field unparseable: session reset. */
		if (len > 32)
			return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_UPDATE, subcode, NULL, 0,
			                     "prefix length above 32");
		for (unsigned i = 0; i < (len + 7u) / 8; i++) {
			if (rbuf_u8(r, &b) < 0)
				return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_UPDATE, subcode,
				                     NULL, 0, "prefix runs past its field");
			a |= (uint32_t)b << (24 - 8 * i);
		}
		/* Trailing bits are "irrelevant" (RFC 4271 s4.3): cleared, not refused. */
		if (len < 32)
			a &= len ? ~(0xffffffffu >> len) : 0;
		p.addr.s_addr = htonl(a);
		p.len = len;
		if (bgp_prefixes_add(out, p) < 0)
			return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_CEASE,
			                     BGP_CEASE_OUT_OF_RESOURCES, NULL, 0, "out of memory");
	}
	return 0;
}

void bgp_update_free(struct bgp_update *u)
{
	bgp_prefixes_free(&u->withdrawn);
	bgp_prefixes_free(&u->nlri);
	bgp_attrs_free(&u->attrs);
}

/* RFC 7606 s2: the announced prefixes become withdrawals, the attributes go. */
static int treat_as_withdraw(struct bgp_update *u, struct bgp_error *err)
{
	for (size_t i = 0; i < u->nlri.n; i++)
		if (bgp_prefixes_add(&u->withdrawn, u->nlri.v[i]) < 0)
			return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_CEASE,
			                     BGP_CEASE_OUT_OF_RESOURCES, NULL, 0, "out of memory");
	u->nlri.n = 0;
	bgp_attrs_free(&u->attrs);
	u->treat_as_withdraw = true;
	return 0;
}

int bgp_parse_update(struct rbuf *r, const struct bgp_codec_ctx *ctx, struct bgp_update *u,
                     struct bgp_error *err)
{
	struct rbuf wd, attrs;
	uint16_t wd_len, attr_len;
	bool classic_nlri;

	memset(err, 0, sizeof(*err));
	bgp_attrs_init(&u->attrs);
	/* RFC 4271 s6.3: lengths that do not add up are a Malformed Attribute List
	 * (and RFC 7606 s5.1 keeps it a session reset: nothing can be trusted). */
	rbuf_u16(r, &wd_len);
	if (rbuf_sub(r, wd_len, &wd) < 0 || rbuf_u16(r, &attr_len) < 0)
		goto bad_lengths;
	if (rbuf_sub(r, attr_len, &attrs) < 0)
		goto bad_lengths;
	classic_nlri = rbuf_left(r) > 0;
	if (bgp_parse_prefixes(&wd, &u->withdrawn, BGP_ERR_UPD_NETWORK, err) < 0)
		goto fail;
	if (bgp_parse_attrs(&attrs, ctx, u, classic_nlri, err) < 0)
		goto fail;
	if (bgp_parse_prefixes(r, &u->nlri, BGP_ERR_UPD_NETWORK, err) < 0)
		goto fail;
	/* RFC 4724 s2: End-of-RIB is the UPDATE with nothing in it (or, for an MP
	 * family, with only an empty MP_UNREACH_NLRI). */
	if (wd_len == 0 && attr_len == 0 && !classic_nlri)
		u->end_of_rib = true;
	else if (u->end_of_rib &&
	         (u->withdrawn.n || u->nlri.n || u->attrs.present || u->attrs.nraw || classic_nlri))
		u->end_of_rib = false;
	if (err->action == BGP_ACT_WITHDRAW && treat_as_withdraw(u, err) < 0)
		goto fail;
	return 0;
bad_lengths:
	bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST, NULL, 0,
	              "withdrawn or attribute length exceeds the message");
fail:
	bgp_update_free(u);
	return -1;
}

int bgp_build_end_of_rib(struct wbuf *w)
{
	size_t start;

	if (bgp_hdr_begin(w, BGP_MSG_UPDATE, &start) < 0)
		return -1;
	wbuf_u16(w, 0);
	wbuf_u16(w, 0);
	return bgp_hdr_end(w, start);
}

int bgp_build_update(struct wbuf *w, const struct bgp_codec_ctx *ctx,
                     const struct bgp_prefix *withdrawn, size_t nw, size_t *wi,
                     const struct bgp_attrs *attrs, const struct bgp_prefix *nlri, size_t nn,
                     size_t *ni)
{
	size_t start, wd_at, attr_at, attrs_start, end, w0 = *wi, n0 = *ni;

	if (bgp_hdr_begin(w, BGP_MSG_UPDATE, &start) < 0)
		return -1;
	/* Where this message must end: the RFC's limit or the writer's room. */
	end = start + BGP_MAX_MSG_LEN;
	if (end > w->cap)
		end = w->cap;
	wd_at = w->len;
	wbuf_u16(w, 0);
	/* Leave room for the attribute length field behind the withdrawals. */
	while (*wi < nw && w->len + bgp_prefix_wire_len(withdrawn[*wi]) + 2 <= end) {
		bgp_write_prefix(w, withdrawn[*wi]);
		(*wi)++;
	}
	if (w->overflow || w->len + 2 > end)
		goto too_small;
	wbuf_set_u16(w, wd_at, (uint16_t)(w->len - wd_at - 2));
	attr_at = w->len;
	wbuf_u16(w, 0);
	if (*wi == nw && *ni < nn) {
		if (!attrs)
			goto too_small;
		attrs_start = w->len;
		if (bgp_write_attrs(w, ctx, attrs) < 0 || w->len >= end ||
		    w->len + bgp_prefix_wire_len(nlri[*ni]) > end) {
			/* The attributes only fit in a message of their own. */
			w->overflow = false;
			wbuf_truncate(w, attrs_start);
			if (*wi == w0)
				goto too_small;
		} else {
			wbuf_set_u16(w, attr_at, (uint16_t)(w->len - attrs_start));
			while (*ni < nn && w->len + bgp_prefix_wire_len(nlri[*ni]) <= end) {
				bgp_write_prefix(w, nlri[*ni]);
				(*ni)++;
			}
		}
	}
	/* Nothing went in although something was due: the writer is too small. */
	if (*wi == w0 && *ni == n0 && (w0 < nw || n0 < nn))
		goto too_small;
	if (bgp_hdr_end(w, start) < 0)
		goto too_small;
	return 0;
too_small:
	wbuf_truncate(w, start);
	w->overflow = true;
	*wi = w0;
	*ni = n0;
	return -1;
}
