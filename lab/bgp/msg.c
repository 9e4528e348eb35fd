/* Framing, dispatch, and the small messages: KEEPALIVE, NOTIFICATION,
 * ROUTE-REFRESH (RFC 4271 s4, RFC 2918, RFC 7313). */
#include "codec.h"

#include <stdio.h>
#include <string.h>

int bgp_err_raise(struct bgp_error *err, enum bgp_err_action action, uint8_t code, uint8_t subcode,
                  const uint8_t *data, size_t data_len, const char *reason)
{
	/* RFC 7606 s3: the most severe outcome wins; the first error of a given
	 * severity is the one reported. */
	if (action > err->action) {
		err->action = action;
		err->code = code;
		err->subcode = subcode;
		if (data_len > sizeof(err->data))
			data_len = sizeof(err->data);
		if (data_len)
			memcpy(err->data, data, data_len);
		err->data_len = (uint16_t)data_len;
		snprintf(err->reason, sizeof(err->reason), "%s", reason);
	}
	return action == BGP_ACT_RESET ? -1 : 0;
}

static int err_u16(struct bgp_error *err, uint8_t code, uint8_t subcode, uint16_t v,
                   const char *reason)
{
	uint8_t d[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	return bgp_err_raise(err, BGP_ACT_RESET, code, subcode, d, sizeof(d), reason);
}

int bgp_frame_len(const uint8_t *buf, size_t avail, struct bgp_error *err)
{
	struct rbuf r;
	uint8_t b;
	uint16_t len;

	memset(err, 0, sizeof(*err));
	if (avail < BGP_HEADER_LEN)
		return 0;
	rbuf_init(&r, buf, avail);
	for (int i = 0; i < BGP_MARKER_LEN; i++) {
		rbuf_u8(&r, &b);
		if (b != 0xff)
			return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_HEADER,
			                     BGP_ERR_HDR_NOT_SYNC, NULL, 0,
			                     "marker is not all ones");
	}
	rbuf_u16(&r, &len);
	if (len < BGP_HEADER_LEN || len > BGP_MAX_MSG_LEN)
		return err_u16(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH, len,
		               "message length outside 19..4096");
	return len <= avail ? len : 0;
}

int bgp_hdr_begin(struct wbuf *w, uint8_t type, size_t *start)
{
	/* Overflow is reported per message: an earlier one that did not fit must not
	 * fail this one. */
	w->overflow = false;
	*start = w->len;
	if (wbuf_fill(w, 0xff, BGP_MARKER_LEN) < 0 || wbuf_u16(w, 0) < 0 || wbuf_u8(w, type) < 0) {
		wbuf_truncate(w, *start);
		return -1;
	}
	return 0;
}

int bgp_hdr_end(struct wbuf *w, size_t start)
{
	size_t len = w->len - start;

	if (w->overflow || len > BGP_MAX_MSG_LEN) {
		wbuf_truncate(w, start);
		w->overflow = true;
		return -1;
	}
	return wbuf_set_u16(w, start + BGP_MARKER_LEN, (uint16_t)len);
}

/* Minimum length per type (RFC 4271 s6.1); exact for KEEPALIVE. */
static int check_type_len(uint8_t type, uint16_t len, struct bgp_error *err)
{
	uint16_t min;

	switch (type) {
	case BGP_MSG_OPEN: min = 29; break;
	case BGP_MSG_UPDATE: min = 23; break;
	case BGP_MSG_NOTIFICATION: min = 21; break;
	case BGP_MSG_KEEPALIVE:
		if (len != BGP_HEADER_LEN)
			return err_u16(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH, len,
			               "KEEPALIVE longer than 19 bytes");
		return 0;
	case BGP_MSG_ROUTE_REFRESH: min = 23; break;
	default: {
		uint8_t d = type;
		return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_TYPE, &d,
		                     1, "unknown message type");
	}
	}
	if (len < min)
		return err_u16(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH, len,
		               "message too short for its type");
	return 0;
}

static int parse_notification(struct rbuf *r, struct bgp_notification *n)
{
	rbuf_u8(r, &n->code);
	rbuf_u8(r, &n->subcode);
	n->data_len = (uint16_t)rbuf_left(r);
	return rbuf_copy(r, n->data, n->data_len);
}

static int parse_route_refresh(struct rbuf *r, uint16_t len, struct bgp_route_refresh *rr,
                               struct bgp_error *err)
{
	rbuf_u16(r, &rr->afi);
	rbuf_u8(r, &rr->subtype);
	rbuf_u8(r, &rr->safi);
	/* RFC 7313 s5: BoRR/EoRR are exactly 4 bytes of body. Subtype 0 may carry
	 * ORF entries (RFC 5291) that we do not use: they are ignored. */
	if ((rr->subtype == 1 || rr->subtype == 2) && len != 23) {
		/* RFC 7313 s5: the data is the whole message. */
		uint8_t data[BGP_MAX_MSG_LEN];
		size_t n;

		rbuf_skip(r, rbuf_left(r));
		n = rbuf_copy_since(r, 0, data, sizeof(data));
		return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_ROUTE_REFRESH,
		                     BGP_ERR_RR_BAD_LENGTH, data, n,
		                     "BoRR/EoRR ROUTE-REFRESH with a body other than 4 bytes");
	}
	return 0;
}

int bgp_msg_parse(const uint8_t *buf, size_t len, const struct bgp_codec_ctx *ctx,
                  struct bgp_msg *out, struct bgp_error *err)
{
	struct rbuf r;
	uint16_t wire_len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (bgp_frame_len(buf, len, err) < 0)
		return -1;
	if (len < BGP_HEADER_LEN || len > BGP_MAX_MSG_LEN)
		return err_u16(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH,
		               (uint16_t)(len > 0xffff ? 0xffff : len), "truncated message");
	rbuf_init(&r, buf, len);
	rbuf_skip(&r, BGP_MARKER_LEN);
	rbuf_u16(&r, &wire_len);
	rbuf_u8(&r, &out->type);
	if (wire_len != len)
		return err_u16(err, BGP_ERR_HEADER, BGP_ERR_HDR_BAD_LENGTH, wire_len,
		               "length field does not match the message");
	out->len = wire_len;
	if (check_type_len(out->type, wire_len, err) < 0)
		return -1;
	switch (out->type) {
	case BGP_MSG_OPEN: rc = bgp_parse_open(&r, &out->open, err); break;
	case BGP_MSG_UPDATE: rc = bgp_parse_update(&r, ctx, &out->update, err); break;
	case BGP_MSG_NOTIFICATION: rc = parse_notification(&r, &out->notification); break;
	case BGP_MSG_ROUTE_REFRESH:
		rc = parse_route_refresh(&r, wire_len, &out->route_refresh, err);
		break;
	default: /* KEEPALIVE: nothing more */ rc = 0; break;
	}
	if (rc < 0) {
		bgp_msg_free(out);
		out->type = 0;
		return -1;
	}
	return 0;
}

void bgp_msg_free(struct bgp_msg *m)
{
	if (m->type == BGP_MSG_UPDATE)
		bgp_update_free(&m->update);
}

int bgp_build_keepalive(struct wbuf *w)
{
	size_t start;

	if (bgp_hdr_begin(w, BGP_MSG_KEEPALIVE, &start) < 0)
		return -1;
	return bgp_hdr_end(w, start);
}

int bgp_build_notification(struct wbuf *w, uint8_t code, uint8_t subcode, const uint8_t *data,
                           size_t data_len)
{
	size_t start;

	if (data_len > BGP_ERR_DATA_MAX)
		data_len = BGP_ERR_DATA_MAX;
	if (bgp_hdr_begin(w, BGP_MSG_NOTIFICATION, &start) < 0)
		return -1;
	wbuf_u8(w, code);
	wbuf_u8(w, subcode);
	wbuf_bytes(w, data, data_len);
	return bgp_hdr_end(w, start);
}

int bgp_build_route_refresh(struct wbuf *w, uint16_t afi, uint8_t safi)
{
	size_t start;

	if (bgp_hdr_begin(w, BGP_MSG_ROUTE_REFRESH, &start) < 0)
		return -1;
	wbuf_u16(w, afi);
	wbuf_u8(w, 0);
	wbuf_u8(w, safi);
	return bgp_hdr_end(w, start);
}
