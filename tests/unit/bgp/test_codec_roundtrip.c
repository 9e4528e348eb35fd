/* Every message type built, framed out of a byte stream, parsed back, compared; and
 * UPDATE packing: many prefixes split over 4096-byte messages, none lost. */
#include <arpa/inet.h>

#include "check.h"
#include "codec_util.h"
#include "msg.h"

static const struct bgp_codec_ctx ebgp4 = {.as4 = true, .ibgp = false, .peer_as = 65001};
static const struct bgp_codec_ctx ibgp4 = {.as4 = true, .ibgp = true};

static int parse_one(const uint8_t *b, size_t n, const struct bgp_codec_ctx *ctx, struct bgp_msg *m,
                     struct bgp_error *err)
{
	int len = bgp_frame_len(b, n, err);

	CHECK_INT(len, (int)n);
	return bgp_msg_parse(b, n, ctx, m, err);
}

static void test_keepalive(void)
{
	uint8_t b[64];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_error err;

	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_keepalive(&w), 0);
	CHECK_INT(w.len, 19);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.type, BGP_MSG_KEEPALIVE);
	/* A writer too small leaves nothing behind. */
	wbuf_init(&w, b, 18);
	CHECK_INT(bgp_build_keepalive(&w), -1);
	CHECK_INT(w.len, 0);
	CHECK(w.overflow);
}

static void test_notification(void)
{
	uint8_t b[BGP_MAX_MSG_LEN + 100], data[5000];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_error err;
	char name[128];

	memset(data, 0xab, sizeof(data));
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_notification(&w, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD_TIME, NULL, 0), 0);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.type, BGP_MSG_NOTIFICATION);
	CHECK_INT(m.notification.code, 2);
	CHECK_INT(m.notification.subcode, 6);
	CHECK_INT(m.notification.data_len, 0);
	CHECK_STR(bgp_notify_name(2, 6, name, sizeof(name)),
	          "OPEN Message Error / Unacceptable Hold Time");
	CHECK_STR(bgp_notify_name(4, 0, name, sizeof(name)), "Hold Timer Expired / Unspecific");
	CHECK_STR(bgp_notify_name(6, 7, name, sizeof(name)),
	          "Cease / Connection Collision Resolution");
	CHECK_STR(bgp_notify_name(9, 1, name, sizeof(name)), "unknown / unknown");

	/* Oversized data is clipped so the message still fits in 4096 bytes. */
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_notification(&w, 6, 2, data, sizeof(data)), 0);
	CHECK_INT(w.len, BGP_MAX_MSG_LEN);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.notification.data_len, BGP_MAX_MSG_LEN - 21);
	CHECK_INT(m.notification.data[100], 0xab);

	/* A parse error's data straight to the wire (what the session sends). */
	const uint8_t one[] = {7};
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_notification(&w, 3, 11, one, sizeof(one)), 0);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.notification.subcode, 11);
	CHECK_INT(m.notification.data_len, 1);
}

static void test_route_refresh(void)
{
	uint8_t b[64];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_error err;

	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_route_refresh(&w, BGP_AFI_IPV4, BGP_SAFI_UNICAST), 0);
	CHECK_INT(w.len, 23);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.type, BGP_MSG_ROUTE_REFRESH);
	CHECK_INT(m.route_refresh.afi, 1);
	CHECK_INT(m.route_refresh.safi, 1);
	CHECK_INT(m.route_refresh.subtype, 0);
}

static void test_open(void)
{
	uint8_t b[256];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_error err;
	struct bgp_open o = {
	    .version = 4,
	    .my_as = 4200000001u,
	    .hold_time = 30,
	    .caps = {.present = true,
	             .mp_ipv4_unicast = true,
	             .as4 = true,
	             .route_refresh = true,
	             .enhanced_route_refresh = true,
	             .graceful_restart = true,
	             .gr_flags_time = 120},
	};

	inet_pton(AF_INET, "169.254.21.1", &o.bgp_id);
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_open(&w, &o), 0);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.type, BGP_MSG_OPEN);
	CHECK_INT(m.open.version, 4);
	CHECK_INT(m.open.my_as2, BGP_AS_TRANS);
	CHECK_INT(m.open.my_as, 4200000001u);
	CHECK_INT(m.open.hold_time, 30);
	CHECK_INT(m.open.bgp_id.s_addr, o.bgp_id.s_addr);
	CHECK(m.open.caps.present);
	CHECK(m.open.caps.mp_ipv4_unicast);
	CHECK(m.open.caps.as4);
	CHECK_INT(m.open.caps.as4_value, 4200000001u);
	CHECK(m.open.caps.route_refresh);
	CHECK(m.open.caps.enhanced_route_refresh);
	CHECK(m.open.caps.graceful_restart);
	CHECK_INT(m.open.caps.gr_flags_time, 120);
	CHECK_INT(m.open.caps.n_unknown, 0);
	CHECK_INT(bgp_open_check(&m.open, 4200000001u, (struct in_addr){0}, &err), 0);

	/* Without capabilities: a plain RFC 4271 OPEN of 29 bytes. */
	memset(&o.caps, 0, sizeof(o.caps));
	o.my_as = 65001;
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_open(&w, &o), 0);
	CHECK_INT(w.len, 29);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(m.open.my_as, 65001);
	CHECK(!m.open.caps.present);
	CHECK_INT(bgp_open_check(&m.open, 65001, (struct in_addr){0}, &err), 0);
}

static void test_update(void)
{
	uint8_t b[BGP_MAX_MSG_LEN];
	struct wbuf w;
	struct bgp_msg m;
	struct bgp_error err;
	struct bgp_attrs a;
	struct bgp_prefix wd[] = {pfx("10.9.0.0/16"), pfx("0.0.0.0/0")};
	struct bgp_prefix nlri[] = {pfx("10.1.0.0/24"), pfx("192.0.2.128/25"),
	                            pfx("198.51.100.7/32"), pfx("10.0.0.0/8")};
	uint32_t path[] = {65001, 4200000000u, 65003};
	uint32_t set[] = {7, 8};
	uint8_t comm[] = {0xfd, 0xe8, 0, 1};
	size_t wi = 0, ni = 0;
	char s[128];

	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MED) |
	            BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) | BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE) |
	            BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
	a.origin = BGP_ORIGIN_EGP;
	CHECK_INT(bgp_as_path_append(&a.as_path, BGP_AS_SEQUENCE, path, 3), 0);
	CHECK_INT(bgp_as_path_append(&a.as_path, BGP_AS_SET, set, 2), 0);
	inet_pton(AF_INET, "169.254.21.2", &a.next_hop);
	a.med = 50;
	a.local_pref = 200;
	a.aggregator_as = 65003;
	inet_pton(AF_INET, "192.0.2.1", &a.aggregator_id);
	CHECK_INT(bgp_attrs_set_raw(&a, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE,
	                            BGP_ATTR_COMMUNITIES, comm, sizeof(comm)),
	          0);

	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_update(&w, &ibgp4, wd, 2, &wi, &a, nlri, 4, &ni), 0);
	CHECK_INT(wi, 2);
	CHECK_INT(ni, 4);
	CHECK_INT(parse_one(b, w.len, &ibgp4, &m, &err), 0);
	CHECK_INT(err.action, BGP_ACT_NONE);
	CHECK_INT(m.type, BGP_MSG_UPDATE);
	CHECK(!m.update.end_of_rib);
	CHECK(!m.update.treat_as_withdraw);
	CHECK_INT(m.update.withdrawn.n, 2);
	CHECK_STR(bgp_prefix_format(m.update.withdrawn.v[0], s), "10.9.0.0/16");
	CHECK_STR(bgp_prefix_format(m.update.withdrawn.v[1], s), "0.0.0.0/0");
	CHECK_INT(m.update.nlri.n, 4);
	CHECK_STR(bgp_prefix_format(m.update.nlri.v[1], s), "192.0.2.128/25");
	CHECK_STR(bgp_prefix_format(m.update.nlri.v[2], s), "198.51.100.7/32");
	CHECK(bgp_attrs_equal(&m.update.attrs, &a));
	bgp_as_path_format(&m.update.attrs.as_path, s, sizeof(s));
	CHECK_STR(s, "65001 4200000000 65003 {7 8}");
	bgp_msg_free(&m);

	/* eBGP: LOCAL_PREF is not sent (RFC 4271 s5.1.5). */
	wi = ni = 0;
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_update(&w, &ebgp4, NULL, 0, &wi, &a, nlri, 1, &ni), 0);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK_INT(err.action, BGP_ACT_NONE);
	CHECK(!(m.update.attrs.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF)));
	CHECK_INT(m.update.attrs.med, 50);
	bgp_msg_free(&m);

	/* End-of-RIB. */
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_end_of_rib(&w), 0);
	CHECK_INT(w.len, 23);
	CHECK_INT(parse_one(b, w.len, &ebgp4, &m, &err), 0);
	CHECK(m.update.end_of_rib);
	bgp_msg_free(&m);
	bgp_attrs_free(&a);
}

/* 3000 announcements and 2000 withdrawals must come out in order, each message
 * within 4096 bytes, withdrawals first. */
static void test_split(void)
{
	enum { NN = 3000, NW = 2000 };
	static struct bgp_prefix nlri[NN], wd[NW];
	static uint8_t out[64 * BGP_MAX_MSG_LEN];
	struct wbuf w;
	struct bgp_attrs a;
	uint32_t asn = 65001;
	size_t wi = 0, ni = 0, got_n = 0, got_w = 0, msgs = 0, off = 0;
	bool ok = true;

	for (uint32_t i = 0; i < NN; i++) {
		nlri[i].addr.s_addr = htonl(0x0a000000u | i << 8);
		nlri[i].len = 24;
	}
	for (uint32_t i = 0; i < NW; i++) {
		wd[i].addr.s_addr = htonl(0xac100000u | i << 12);
		wd[i].len = 20 + (i % 12); /* up to /31: the mask below shifts by len */
		wd[i].addr.s_addr &= htonl(~(0xffffffffu >> wd[i].len));
	}
	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	bgp_as_path_append(&a.as_path, BGP_AS_SEQUENCE, &asn, 1);
	inet_pton(AF_INET, "169.254.21.1", &a.next_hop);

	wbuf_init(&w, out, sizeof(out));
	while ((wi < NW || ni < NN) && msgs < 100) {
		CHECK_INT(bgp_build_update(&w, &ebgp4, wd, NW, &wi, &a, nlri, NN, &ni), 0);
		msgs++;
	}
	CHECK_INT(wi, NW);
	CHECK_INT(ni, NN);
	while (off < w.len) {
		struct bgp_msg m;
		struct bgp_error err;
		struct rbuf r;
		int len;

		wbuf_reader(&w, off, &r);
		len = bgp_frame_len(out + off, w.len - off, &err);
		CHECK(len > 0 && len <= BGP_MAX_MSG_LEN);
		if (len <= 0)
			break;
		CHECK_INT(bgp_msg_parse(out + off, (size_t)len, &ebgp4, &m, &err), 0);
		CHECK_INT(err.action, BGP_ACT_NONE);
		for (size_t i = 0; i < m.update.withdrawn.n; i++, got_w++)
			ok &= got_w < NW &&
			      m.update.withdrawn.v[i].addr.s_addr == wd[got_w].addr.s_addr &&
			      m.update.withdrawn.v[i].len == wd[got_w].len;
		for (size_t i = 0; i < m.update.nlri.n; i++, got_n++)
			ok &=
			    got_n < NN && m.update.nlri.v[i].addr.s_addr == nlri[got_n].addr.s_addr;
		if (m.update.nlri.n)
			ok &= got_w == NW; /* no announcement before all withdrawals */
		bgp_msg_free(&m);
		off += (size_t)len;
	}
	CHECK(ok);
	CHECK_INT(got_w, NW);
	CHECK_INT(got_n, NN);
	/* 3000 /24s at 4 bytes each fit in 3 full messages plus withdrawals in 3. */
	CHECK(msgs >= 5 && msgs <= 7);
	fprintf(stderr, "split: %zu messages, %zu bytes\n", msgs, w.len);

	/* A writer smaller than one message: as many as fit in it, then -1. */
	{
		uint8_t small[60];
		size_t before;

		wi = NW;
		ni = 0;
		wbuf_init(&w, small, sizeof(small));
		CHECK_INT(bgp_build_update(&w, &ebgp4, wd, NW, &wi, &a, nlri, NN, &ni), 0);
		CHECK(ni > 0 && ni < 10);
		before = ni;
		CHECK_INT(bgp_build_update(&w, &ebgp4, wd, NW, &wi, &a, nlri, NN, &ni), -1);
		CHECK_INT(ni, before);
	}
	bgp_attrs_free(&a);
}

/* A TCP stream cut anywhere: frames only complete messages. */
static void test_stream(void)
{
	uint8_t s[256];
	struct wbuf w;
	struct bgp_error err;

	wbuf_init(&w, s, sizeof(s));
	bgp_build_keepalive(&w);
	bgp_build_route_refresh(&w, 1, 1);
	for (size_t cut = 0; cut < 19; cut++)
		CHECK_INT(bgp_frame_len(s, cut, &err), 0);
	CHECK_INT(bgp_frame_len(s, 19, &err), 19);
	CHECK_INT(bgp_frame_len(s + 19, 22, &err), 0);
	CHECK_INT(bgp_frame_len(s + 19, 23, &err), 23);
	s[3] = 0;
	CHECK_INT(bgp_frame_len(s, 19, &err), -1);
	CHECK_INT(err.code, 1);
	CHECK_INT(err.subcode, 1);
}

static void test_prefix_text(void)
{
	struct bgp_prefix p;
	char s[BGP_PREFIX_STRLEN];

	CHECK_INT(bgp_prefix_parse("10.0.0.0/16", &p), 0);
	CHECK_INT(p.len, 16);
	CHECK_STR(bgp_prefix_format(p, s), "10.0.0.0/16");
	CHECK_INT(bgp_prefix_parse("255.255.255.255/32", &p), 0);
	CHECK_STR(bgp_prefix_format(p, s), "255.255.255.255/32");
	CHECK_INT(bgp_prefix_parse("10.0.0.1/16", &p), -1);
	CHECK_INT(bgp_prefix_parse("10.0.0.0/33", &p), -1);
	CHECK_INT(bgp_prefix_parse("10.0.0.0", &p), -1);
	CHECK_INT(bgp_prefix_parse("10.0.0.0/", &p), -1);
	CHECK_INT(bgp_prefix_parse("10.0.0.0/-1", &p), -1);
	CHECK_INT(bgp_prefix_parse("/8", &p), -1);
}

int main(void)
{
	test_keepalive();
	test_notification();
	test_route_refresh();
	test_open();
	test_update();
	test_split();
	test_stream();
	test_prefix_text();
	return check_done();
}
