/* Real bytes from BIRD 2.0.12 (Debian bird2), captured from a BIRD in a namespace
 * (local as 65515, router id 10.0.0.1, hold 180) talking to a listener that sent a
 * 4-octet-AS OPEN: its OPEN, its first UPDATE (three static routes, export filter
 * bgp_med = 50 and community (65515,1)) and its End-of-RIB. */
#include <arpa/inet.h>

#include "check.h"
#include "codec_util.h"
#include "msg.h"

static const char bird_open[] = "ffffffffffffffffffffffffffffffff 0035 01"
                                "04 ffeb 00b4 0a000001 18"
                                "02 16 01040001 0001 0200 4002 0078 4104 0000ffeb 4600 4700";
static const char bird_update[] = "ffffffffffffffffffffffffffffffff 0047 02"
                                  "0000 0022 40010100 400206 0201 0000ffeb 400304 0a000001"
                                  "800404 00000032 c00804 ffeb0001"
                                  "19c63364 00 18c00002 20cb007107";
static const char bird_eor[] = "ffffffffffffffffffffffffffffffff 0017 02 0000 0000";

int main(void)
{
	uint8_t b[512], out[512];
	size_t n;
	struct bgp_msg m;
	struct bgp_error err;
	struct bgp_codec_ctx ctx = {.as4 = true, .peer_as = 65515};
	char s[64];

	n = hex_to_bytes(bird_open, b, sizeof(b));
	CHECK_INT(bgp_frame_len(b, n, &err), (int)n);
	CHECK_INT(bgp_msg_parse(b, n, &ctx, &m, &err), 0);
	CHECK_INT(m.type, BGP_MSG_OPEN);
	CHECK_INT(m.open.version, 4);
	CHECK_INT(m.open.my_as, 65515);
	CHECK_INT(m.open.hold_time, 180);
	CHECK_STR(inet_ntop(AF_INET, &m.open.bgp_id, s, sizeof(s)), "10.0.0.1");
	CHECK(m.open.caps.present);
	CHECK(m.open.caps.mp_ipv4_unicast);
	CHECK_INT(m.open.caps.mp_other, 0);
	CHECK(m.open.caps.route_refresh);
	CHECK(m.open.caps.enhanced_route_refresh);
	CHECK(m.open.caps.graceful_restart);
	CHECK_INT(m.open.caps.gr_flags_time, 120);
	CHECK(m.open.caps.as4);
	CHECK_INT(m.open.caps.as4_value, 65515);
	CHECK(m.open.caps.llgr);
	CHECK_INT(m.open.caps.n_unknown, 0);
	CHECK_INT(bgp_open_check(&m.open, 65515, (struct in_addr){0}, &err), 0);

	/* Our answer carries MP IPv4 unicast, or BIRD refuses it (docs/reference.md). */
	{
		struct bgp_open o = {.my_as = 65001,
		                     .hold_time = 30,
		                     .caps = {.present = true,
		                              .mp_ipv4_unicast = true,
		                              .as4 = true,
		                              .route_refresh = true}};
		struct wbuf w;
		struct bgp_msg back;

		inet_pton(AF_INET, "10.0.0.2", &o.bgp_id);
		wbuf_init(&w, out, sizeof(out));
		CHECK_INT(bgp_build_open(&w, &o), 0);
		/* Byte for byte what the capture listener sent (and BIRD accepted). */
		n = hex_to_bytes("ffffffffffffffffffffffffffffffff 002d 01 04 fde9 001e 0a000002 10"
		                 "02 0e 0104 00010001 0200 4104 0000fde9",
		                 b, sizeof(b));
		CHECK_INT(w.len, n);
		CHECK(w.len == n && memcmp(out, b, n) == 0);
		CHECK_INT(bgp_msg_parse(out, w.len, &ctx, &back, &err), 0);
		CHECK(back.open.caps.mp_ipv4_unicast);
	}

	n = hex_to_bytes(bird_update, b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &ctx, &m, &err), 0);
	CHECK_INT(err.action, BGP_ACT_NONE);
	CHECK_INT(m.type, BGP_MSG_UPDATE);
	CHECK_INT(m.update.withdrawn.n, 0);
	CHECK_INT(m.update.nlri.n, 3);
	if (m.update.nlri.n == 3) {
		CHECK_STR(bgp_prefix_format(m.update.nlri.v[0], s), "198.51.100.0/25");
		CHECK_STR(bgp_prefix_format(m.update.nlri.v[1], s), "192.0.2.0/24");
		CHECK_STR(bgp_prefix_format(m.update.nlri.v[2], s), "203.0.113.7/32");
	}
	CHECK_INT(m.update.attrs.origin, BGP_ORIGIN_IGP);
	bgp_as_path_format(&m.update.attrs.as_path, s, sizeof(s));
	CHECK_STR(s, "65515");
	CHECK_STR(inet_ntop(AF_INET, &m.update.attrs.next_hop, s, sizeof(s)), "10.0.0.1");
	CHECK(m.update.attrs.present & BGP_ATTR_BIT(BGP_ATTR_MED));
	CHECK_INT(m.update.attrs.med, 50);
	CHECK_INT(m.update.attrs.nraw, 1);
	if (m.update.attrs.nraw == 1) {
		CHECK_INT(m.update.attrs.raw[0].type, BGP_ATTR_COMMUNITIES);
		CHECK_INT(m.update.attrs.raw[0].len, 4);
	}
	/* Re-encoded for the same peer: BIRD's own bytes come out. */
	{
		struct wbuf w;
		size_t wi = 0, ni = 0;

		wbuf_init(&w, out, sizeof(out));
		CHECK_INT(bgp_build_update(&w, &ctx, NULL, 0, &wi, &m.update.attrs, m.update.nlri.v,
		                           m.update.nlri.n, &ni),
		          0);
		CHECK_INT(w.len, n);
		CHECK(w.len == n && memcmp(out, b, n) == 0);
	}
	bgp_msg_free(&m);

	n = hex_to_bytes(bird_eor, b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &ctx, &m, &err), 0);
	CHECK(m.update.end_of_rib);
	bgp_msg_free(&m);
	return check_done();
}
