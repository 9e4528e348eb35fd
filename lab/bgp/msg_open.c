/* OPEN and its capabilities (RFC 4271 s4.2, RFC 5492, RFC 4760, RFC 6793, RFC 2918,
 * RFC 7313, RFC 9072 for extended optional parameters). */
#include "codec.h"

#include <string.h>

#define OPT_PARAM_CAPABILITIES 2
#define OPT_PARAM_EXTENDED 255    /* RFC 9072 */
#define CAP_ROUTE_REFRESH_OLD 128 /* pre-standard Cisco code, still seen */

static int open_err(struct bgp_error *err, uint8_t subcode, const uint8_t *data, size_t n,
                    const char *reason)
{
	return bgp_err_raise(err, BGP_ACT_RESET, BGP_ERR_OPEN, subcode, data, n, reason);
}

static void note_unknown(struct bgp_caps *c, uint8_t code)
{
	if (c->n_unknown < BGP_CAP_MAX_UNKNOWN)
		c->unknown[c->n_unknown] = code;
	c->n_unknown++;
}

/* One capability TLV body. Known capabilities of the wrong length make the OPEN
 * malformed (2/0), as BIRD and FRR treat them; unknown ones are skipped (RFC 5492 s3). */
static int parse_cap(uint8_t code, struct rbuf *v, struct bgp_caps *c, struct bgp_error *err)
{
	size_t len = rbuf_left(v);
	uint16_t afi;
	uint8_t reserved, safi;

	switch (code) {
	case BGP_CAP_MP:
		if (len != 4)
			return open_err(err, 0, NULL, 0, "multiprotocol capability not 4 bytes");
		rbuf_u16(v, &afi);
		rbuf_u8(v, &reserved);
		rbuf_u8(v, &safi);
		if (afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST)
			c->mp_ipv4_unicast = true;
		else
			c->mp_other++;
		return 0;
	case BGP_CAP_AS4:
		if (len != 4)
			return open_err(err, 0, NULL, 0, "4-octet AS capability not 4 bytes");
		c->as4 = true;
		return rbuf_u32(v, &c->as4_value);
	case BGP_CAP_ROUTE_REFRESH:
	case CAP_ROUTE_REFRESH_OLD: c->route_refresh = true; return 0;
	case BGP_CAP_ENHANCED_RR: c->enhanced_route_refresh = true; return 0;
	case BGP_CAP_GRACEFUL_RESTART:
		if (len < 2)
			return open_err(err, 0, NULL, 0, "graceful restart capability too short");
		c->graceful_restart = true;
		return rbuf_u16(v, &c->gr_flags_time);
	case BGP_CAP_LLGR: c->llgr = true; return 0;
	default: note_unknown(c, code); return 0;
	}
}

static int parse_caps(struct rbuf *p, struct bgp_caps *c, struct bgp_error *err)
{
	c->present = true;
	while (rbuf_left(p) > 0) {
		uint8_t code, len;
		struct rbuf v;

		rbuf_u8(p, &code);
		rbuf_u8(p, &len);
		if (rbuf_sub(p, len, &v) < 0)
			return open_err(err, 0, NULL, 0, "capability overruns its parameter");
		if (parse_cap(code, &v, c, err) < 0)
			return -1;
	}
	return 0;
}

int bgp_parse_open(struct rbuf *r, struct bgp_open *o, struct bgp_error *err)
{
	uint8_t opt_len, first;
	uint16_t ext_len;
	uint32_t id;
	bool extended = false;
	struct rbuf params;

	rbuf_u8(r, &o->version);
	rbuf_u16(r, &o->my_as2);
	rbuf_u16(r, &o->hold_time);
	rbuf_u32(r, &id);
	o->bgp_id.s_addr = htonl(id);
	o->my_as = o->my_as2;
	rbuf_u8(r, &opt_len);
	/* RFC 9072 s2: length 255 with a first type of 255 announces 2-octet lengths. */
	if (opt_len == 255 && rbuf_peek_u8(r, 0, &first) == 0 && first == OPT_PARAM_EXTENDED) {
		rbuf_skip(r, 1);
		rbuf_u16(r, &ext_len);
		extended = true;
		if (rbuf_sub(r, ext_len, &params) < 0)
			return open_err(err, 0, NULL, 0, "optional parameters overrun the OPEN");
	} else if (rbuf_sub(r, opt_len, &params) < 0) {
		return open_err(err, 0, NULL, 0, "optional parameters overrun the OPEN");
	}
	if (!rbuf_ok(r) || rbuf_left(r) != 0)
		return open_err(err, 0, NULL, 0,
		                "optional parameters length does not match the OPEN");
	while (rbuf_left(&params) > 0) {
		uint8_t type, len8;
		uint16_t len;
		struct rbuf v;

		rbuf_u8(&params, &type);
		if (extended) {
			rbuf_u16(&params, &len);
		} else {
			rbuf_u8(&params, &len8);
			len = len8;
		}
		if (rbuf_sub(&params, len, &v) < 0)
			return open_err(err, 0, NULL, 0, "optional parameter overruns the OPEN");
		if (type != OPT_PARAM_CAPABILITIES) {
			uint8_t d = type;
			return open_err(err, BGP_ERR_OPEN_UNSUP_PARAM, &d, 1,
			                "unsupported optional parameter");
		}
		if (parse_caps(&v, &o->caps, err) < 0)
			return -1;
	}
	if (o->caps.as4)
		o->my_as = o->caps.as4_value;
	return 0;
}

int bgp_open_check(const struct bgp_open *o, uint32_t expected_as, struct in_addr local_id,
                   struct bgp_error *err)
{
	memset(err, 0, sizeof(*err));
	if (o->version != BGP_VERSION) {
		/* RFC 4271 s6.2: data = the largest version we support. */
		uint8_t d[2] = {0, BGP_VERSION};
		return open_err(err, BGP_ERR_OPEN_VERSION, d, 2, "unsupported BGP version");
	}
	if (o->my_as == 0 || (expected_as && o->my_as != expected_as))
		return open_err(err, BGP_ERR_OPEN_BAD_PEER_AS, NULL, 0,
		                "peer AS is not the configured one");
	/* RFC 6286 s2.2: any non-zero value, but not ours on an internal session. The
	 * caller passes local_id only for iBGP (INADDR_ANY otherwise). */
	if (o->bgp_id.s_addr == 0 || (local_id.s_addr != 0 && o->bgp_id.s_addr == local_id.s_addr))
		return open_err(err, BGP_ERR_OPEN_BAD_BGP_ID, NULL, 0, "bad BGP identifier");
	/* RFC 4271 s4.2: the hold time MUST be 0 or at least 3 seconds. */
	if (o->hold_time == 1 || o->hold_time == 2)
		return open_err(err, BGP_ERR_OPEN_HOLD_TIME, NULL, 0,
		                "hold time of 1 or 2 seconds");
	/* A peer that lists address families but not IPv4 unicast would leave the
	 * session with nothing to carry; 2/7 quotes the capability we need (RFC 5492 s3). */
	if (o->caps.mp_other > 0 && !o->caps.mp_ipv4_unicast) {
		uint8_t d[6] = {BGP_CAP_MP, 4, 0, BGP_AFI_IPV4, 0, BGP_SAFI_UNICAST};
		return open_err(err, BGP_ERR_OPEN_UNSUP_CAP, d, sizeof(d),
		                "peer does not offer IPv4 unicast");
	}
	return 0;
}

static void put_cap(struct wbuf *w, uint8_t code, uint8_t len)
{
	wbuf_u8(w, code);
	wbuf_u8(w, len);
}

int bgp_build_open(struct wbuf *w, const struct bgp_open *o)
{
	const struct bgp_caps *c = &o->caps;
	size_t start, plen_at, caps_at;

	if (bgp_hdr_begin(w, BGP_MSG_OPEN, &start) < 0)
		return -1;
	wbuf_u8(w, BGP_VERSION);
	wbuf_u16(w, o->my_as > 0xffff ? BGP_AS_TRANS : (uint16_t)o->my_as);
	wbuf_u16(w, o->hold_time);
	wbuf_u32(w, ntohl(o->bgp_id.s_addr));
	plen_at = w->len;
	wbuf_u8(w, 0);
	if (c->present) {
		wbuf_u8(w, OPT_PARAM_CAPABILITIES);
		caps_at = w->len;
		wbuf_u8(w, 0);
		if (c->mp_ipv4_unicast) {
			put_cap(w, BGP_CAP_MP, 4);
			wbuf_u16(w, BGP_AFI_IPV4);
			wbuf_u8(w, 0);
			wbuf_u8(w, BGP_SAFI_UNICAST);
		}
		if (c->route_refresh)
			put_cap(w, BGP_CAP_ROUTE_REFRESH, 0);
		if (c->enhanced_route_refresh)
			put_cap(w, BGP_CAP_ENHANCED_RR, 0);
		if (c->graceful_restart) {
			put_cap(w, BGP_CAP_GRACEFUL_RESTART, 2);
			wbuf_u16(w, c->gr_flags_time);
		}
		if (c->as4) {
			put_cap(w, BGP_CAP_AS4, 4);
			wbuf_u32(w, o->my_as);
		}
		if (!w->overflow) {
			/* One parameter of at most 255 bytes holds everything we send. */
			wbuf_set_u8(w, caps_at, (uint8_t)(w->len - caps_at - 1));
			wbuf_set_u8(w, plen_at, (uint8_t)(w->len - plen_at - 1));
		}
	}
	return bgp_hdr_end(w, start);
}
