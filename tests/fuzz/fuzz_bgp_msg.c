/* libFuzzer target for the BGP message parser.
 *
 * Every input is parsed as each kind of session would see it (4-octet eBGP with a
 * peer AS check, 2-octet eBGP, 4-octet iBGP). Beyond "no crash, no sanitizer
 * report", a parse that succeeds must survive re-encoding: the OPEN rebuilt from
 * its fields parses to the same fields, and the UPDATE rebuilt (split into as many
 * messages as needed) parses to the same prefixes and attributes. That catches a
 * writer and a reader that disagree, which no crash would reveal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Found bugs abort so the fuzzer (and the replay test) report them with the input. */
#define MUST(cond)                                                                                 \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_bgp_msg: %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void check_open(const struct bgp_open *o)
{
	uint8_t b[BGP_MAX_MSG_LEN];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_error err;
	struct bgp_codec_ctx ctx = {.as4 = true};
	struct bgp_open mine = *o;

	/* What we send is what bgp_build_open can express: version 4, our caps. */
	mine.version = BGP_VERSION;
	wbuf_init(&w, b, sizeof(b));
	MUST(bgp_build_open(&w, &mine) == 0);
	MUST(bgp_msg_parse(b, w.len, &ctx, &m, &err) == 0);
	MUST(m.type == BGP_MSG_OPEN);
	MUST(m.open.hold_time == o->hold_time);
	MUST(m.open.bgp_id.s_addr == o->bgp_id.s_addr);
	MUST(m.open.caps.present == o->caps.present);
	if (o->caps.present) {
		MUST(m.open.caps.mp_ipv4_unicast == o->caps.mp_ipv4_unicast);
		MUST(m.open.caps.as4 == o->caps.as4);
		MUST(m.open.caps.route_refresh == o->caps.route_refresh);
		MUST(m.open.caps.graceful_restart == o->caps.graceful_restart);
	}
	if (o->caps.as4)
		MUST(m.open.my_as == o->my_as);
	else
		MUST(m.open.my_as == (o->my_as > 0xffff ? BGP_AS_TRANS : o->my_as));
	(void)bgp_open_check(&m.open, 0, (struct in_addr){0}, &err);
}

static bool same_prefixes(const struct bgp_prefix *a, const struct bgp_prefix *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].addr.s_addr != b[i].addr.s_addr || a[i].len != b[i].len)
			return false;
	return true;
}

static bool has_confed(const struct bgp_as_path *p)
{
	for (size_t i = 0; i < p->nseg; i++)
		if (p->seg[i].type >= BGP_AS_CONFED_SEQUENCE)
			return true;
	return false;
}

/* msg_room: when non-zero, each message gets at most that many bytes of writer, which
 * forces the splitting paths with whatever attributes the input carried; a message
 * whose attributes do not fit that room is retried with the whole writer. */
static void check_update(const struct bgp_codec_ctx *ctx, const struct bgp_update *u,
                         size_t msg_room)
{
	static uint8_t out[256 * BGP_MAX_MSG_LEN];
	struct bgp_prefixes got_w = {0}, got_n = {0};
	const struct bgp_update *in = u;
	size_t wi = 0, ni = 0, off = 0, msgs = 0;
	struct wbuf w;

	/* Attributes without prefixes are not something we ever re-send. */
	if (u->withdrawn.n == 0 && u->nlri.n == 0)
		return;
	/* To an OLD speaker, confederation segments do not go into AS4_PATH (RFC 6793
	 * s3), so a path mixing them with big ASNs cannot come back identical. */
	if (!ctx->as4 && has_confed(&u->attrs.as_path))
		return;
	wbuf_init(&w, out, sizeof(out));
	while (wi < in->withdrawn.n || ni < in->nlri.n) {
		size_t w0 = wi, n0 = ni, len0 = w.len;
		int rc = -1;

		if (msg_room) {
			w.cap = w.len + msg_room < sizeof(out) ? w.len + msg_room : sizeof(out);
			rc = bgp_build_update(&w, ctx, in->withdrawn.v, in->withdrawn.n, &wi,
			                      &in->attrs, in->nlri.v, in->nlri.n, &ni);
			MUST(rc == 0 || (w.len == len0 && wi == w0 && ni == n0));
			w.cap = sizeof(out);
		}
		if (rc < 0 && bgp_build_update(&w, ctx, in->withdrawn.v, in->withdrawn.n, &wi,
		                               &in->attrs, in->nlri.v, in->nlri.n, &ni) < 0) {
			/* Only acceptable when the attributes alone exceed a message. */
			MUST(wi == in->withdrawn.n && ni == n0 && w0 == wi);
			return;
		}
		MUST(wi > w0 || ni > n0);
		MUST(++msgs <= 8192); /* each one carries at least one prefix */
	}
	while (off < w.len) {
		struct bgp_msg m;
		struct bgp_error err;
		int len = bgp_frame_len(out + off, w.len - off, &err);

		MUST(len >= BGP_HEADER_LEN && len <= BGP_MAX_MSG_LEN);
		MUST(bgp_msg_parse(out + off, (size_t)len, ctx, &m, &err) == 0);
		MUST(m.type == BGP_MSG_UPDATE);
		MUST(!m.update.treat_as_withdraw);
		MUST(err.action == BGP_ACT_NONE);
		for (size_t i = 0; i < m.update.withdrawn.n; i++)
			MUST(bgp_prefixes_add(&got_w, m.update.withdrawn.v[i]) == 0);
		for (size_t i = 0; i < m.update.nlri.n; i++)
			MUST(bgp_prefixes_add(&got_n, m.update.nlri.v[i]) == 0);
		if (m.update.nlri.n)
			MUST(bgp_attrs_equal(&m.update.attrs, &in->attrs));
		bgp_msg_free(&m);
		off += (size_t)len;
	}
	MUST(got_w.n == in->withdrawn.n && same_prefixes(got_w.v, in->withdrawn.v, got_w.n));
	MUST(got_n.n == in->nlri.n && same_prefixes(got_n.v, in->nlri.v, got_n.n));
	bgp_prefixes_free(&got_w);
	bgp_prefixes_free(&got_n);
}

static void one(const uint8_t *data, size_t size, const struct bgp_codec_ctx *ctx)
{
	struct bgp_msg m;
	struct bgp_error err;
	int len = bgp_frame_len(data, size, &err);
	char name[128], path[256];

	if (len < 0)
		MUST(err.action == BGP_ACT_RESET && err.code == BGP_ERR_HEADER);
	if (bgp_msg_parse(data, size, ctx, &m, &err) < 0) {
		MUST(err.action == BGP_ACT_RESET && err.code != 0);
		MUST(err.data_len <= sizeof(err.data));
		(void)bgp_notify_name(err.code, err.subcode, name, sizeof(name));
		return;
	}
	MUST(len == (int)size);
	MUST(err.action != BGP_ACT_RESET);
	switch (m.type) {
	case BGP_MSG_OPEN: check_open(&m.open); break;
	case BGP_MSG_UPDATE:
		bgp_as_path_format(&m.update.attrs.as_path, path, sizeof(path));
		for (size_t i = 0; i < m.update.nlri.n; i++)
			MUST(m.update.nlri.v[i].len <= 32);
		check_update(ctx, &m.update, 0);
		check_update(ctx, &m.update, 40 + size % 400);
		break;
	case BGP_MSG_NOTIFICATION:
		(void)bgp_notify_name(m.notification.code, m.notification.subcode, name,
		                      sizeof(name));
		break;
	default: break;
	}
	bgp_msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bgp_codec_ctx ctxs[] = {
	    {.as4 = true, .ibgp = false, .peer_as = 65001},
	    {.as4 = false, .ibgp = false},
	    {.as4 = true, .ibgp = true},
	};

	for (size_t i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++)
		one(data, size, &ctxs[i]);
	return 0;
}
