/* libFuzzer target for the UPDATE writer: the input is not a message but a recipe
 * (session kind, attributes, AS path segments, raw attributes, prefix lists), so
 * the writer meets values the parser would never hand it, such as long paths
 * needing extended lengths, big ASNs for 2-octet peers, thousands of prefixes.
 * Whatever it writes must be framed, each message at most 4096 bytes, and parse
 * back to exactly the prefixes and attributes it was given. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(cond)                                                                                 \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_bgp_build: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Reading the recipe: past its end everything reads as zero. */
static uint8_t u8(struct rbuf *r)
{
	uint8_t v;

	rbuf_u8(r, &v);
	return v;
}

static uint32_t u32(struct rbuf *r)
{
	uint32_t v;

	rbuf_u32(r, &v);
	return v;
}

static struct bgp_prefix prefix(struct rbuf *r)
{
	struct bgp_prefix p;
	uint8_t len = u8(r) % 33;
	uint32_t a = u32(r);

	if (len < 32)
		a &= len ? ~(0xffffffffu >> len) : 0;
	p.addr.s_addr = htonl(a);
	p.len = len;
	return p;
}

static void recipe(struct rbuf *r, struct bgp_codec_ctx *ctx, struct bgp_attrs *a,
                   struct bgp_prefixes *wd, struct bgp_prefixes *nlri)
{
	uint8_t flags = u8(r), nseg = u8(r) % 6, nraw = u8(r) % 4;
	uint16_t nw = (uint16_t)(u8(r) << 8 | u8(r)), nn = (uint16_t)(u8(r) << 8 | u8(r));

	ctx->as4 = flags & 1;
	ctx->ibgp = flags & 2;
	bgp_attrs_init(a);
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	             BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	a->origin = u8(r) % 3;
	/* A unicast next hop, or the parser rightly withdraws. */
	a->next_hop.s_addr = htonl(0x0a000000u | (u32(r) & 0xffffff));
	if (flags & 4) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_MED);
		a->med = u32(r);
	}
	if ((flags & 8) || ctx->ibgp) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		a->local_pref = u32(r);
	}
	if (flags & 16)
		a->present |= BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE);
	if (flags & 32) {
		a->present |= BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
		a->aggregator_as = u32(r);
		a->aggregator_id.s_addr = u32(r);
	}
	for (unsigned i = 0; i < nseg; i++) {
		uint32_t asn[255];
		uint8_t type = 1 + u8(r) % 4, count = 1 + u8(r) % 255;

		/* Confederation segments only where they survive: iBGP, 4-octet. */
		if (type >= BGP_AS_CONFED_SEQUENCE && !(ctx->ibgp && ctx->as4))
			type -= 2;
		for (unsigned k = 0; k < count; k++)
			asn[k] = (flags & 64) ? u32(r) : (uint32_t)(u8(r) << 8 | u8(r));
		MUST(bgp_as_path_append(&a->as_path, type, asn, count) == 0);
	}
	for (unsigned i = 0; i < nraw; i++) {
		uint8_t buf[600], type = u8(r);
		uint16_t len = (uint16_t)((u8(r) << 8 | u8(r)) % sizeof(buf));

		for (unsigned k = 0; k < len; k++)
			buf[k] = u8(r);
		if (type % 2) {
			len -= len % 4;
			MUST(bgp_attrs_set_raw(a, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE,
			                       BGP_ATTR_COMMUNITIES, buf, len) == 0);
		} else {
			/* Unknown optional transitive, as the parser would keep it. */
			MUST(bgp_attrs_set_raw(a,
			                       BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE |
			                           BGP_ATTR_F_PARTIAL,
			                       (uint8_t)(200 + type % 50), buf, len) == 0);
		}
	}
	for (unsigned i = 0; i < nw % 1200; i++)
		MUST(bgp_prefixes_add(wd, prefix(r)) == 0);
	for (unsigned i = 0; i < nn % 1200; i++)
		MUST(bgp_prefixes_add(nlri, prefix(r)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[1024 * BGP_MAX_MSG_LEN];
	struct bgp_codec_ctx ctx = {0};
	struct bgp_attrs a, want;
	struct bgp_prefixes wd = {0}, nlri = {0}, got_w = {0}, got_n = {0};
	struct rbuf r;
	struct wbuf w;
	size_t wi = 0, ni = 0, off = 0;
	bool gave_up = false;

	rbuf_init(&r, data, size);
	recipe(&r, &ctx, &a, &wd, &nlri);
	wbuf_init(&w, out, sizeof(out));
	while (wi < wd.n || ni < nlri.n) {
		size_t w0 = wi, n0 = ni;

		if (bgp_build_update(&w, &ctx, wd.v, wd.n, &wi, &a, nlri.v, nlri.n, &ni) < 0) {
			/* Only when the attributes alone exceed a message. */
			MUST(wi == wd.n && wi == w0 && ni == n0 && w.overflow);
			gave_up = true;
			break;
		}
		MUST(wi > w0 || ni > n0);
	}
	MUST(bgp_attrs_copy(&want, &a) == 0);
	if (!ctx.ibgp)
		want.present &= ~BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	while (off < w.len) {
		struct bgp_msg m;
		struct bgp_error err;
		int len;

		len = bgp_frame_len(out + off, w.len - off, &err);
		MUST(len >= BGP_HEADER_LEN + 4 && len <= BGP_MAX_MSG_LEN);
		MUST(bgp_msg_parse(out + off, (size_t)len, &ctx, &m, &err) == 0);
		MUST(m.type == BGP_MSG_UPDATE && err.action == BGP_ACT_NONE);
		for (size_t i = 0; i < m.update.withdrawn.n; i++)
			MUST(bgp_prefixes_add(&got_w, m.update.withdrawn.v[i]) == 0);
		for (size_t i = 0; i < m.update.nlri.n; i++)
			MUST(bgp_prefixes_add(&got_n, m.update.nlri.v[i]) == 0);
		if (m.update.nlri.n)
			MUST(bgp_attrs_equal(&m.update.attrs, &want));
		bgp_msg_free(&m);
		off += (size_t)len;
	}
	MUST(got_w.n == wi && got_n.n == ni);
	MUST(gave_up || (wi == wd.n && ni == nlri.n));
	for (size_t i = 0; i < got_w.n; i++)
		MUST(got_w.v[i].addr.s_addr == wd.v[i].addr.s_addr &&
		     got_w.v[i].len == wd.v[i].len);
	for (size_t i = 0; i < got_n.n; i++)
		MUST(got_n.v[i].addr.s_addr == nlri.v[i].addr.s_addr &&
		     got_n.v[i].len == nlri.v[i].len);
	bgp_attrs_free(&a);
	bgp_attrs_free(&want);
	bgp_prefixes_free(&wd);
	bgp_prefixes_free(&nlri);
	bgp_prefixes_free(&got_w);
	bgp_prefixes_free(&got_n);
	return 0;
}
