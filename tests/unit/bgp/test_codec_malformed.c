/* The malformed-message corpus: each case is a message (hex) and the outcome RFC 4271
 * s6 / RFC 7606 prescribe: session reset with a NOTIFICATION code/subcode,
 * treat-as-withdraw, attribute discard, or nothing. */
#include <arpa/inet.h>

#include "check.h"
#include "codec_util.h"
#include "msg.h"

/* Pieces of a valid UPDATE from AS 65001 (4-octet ASNs). */
#define ORIGIN "40010100"
#define ASPATH "400206 0201 0000fde9"
#define NH "400304 0a000001"
#define GOOD ORIGIN ASPATH NH
#define NLRI "180a0100"
#define OPEN_HEAD "04 fde9 001e 0a000001"

enum { RAW = 0 }; /* type 0: hex is the whole message, header included */

struct mcase {
	const char *name;
	char ctx; /* e: eBGP as4 peer 65001, i: iBGP as4, 2: eBGP 2-octet */
	uint8_t type;
	const char *hex; /* the body (or whole message for RAW); NULL: UPDATE parts */
	const char *wd, *attrs, *nlri;
	enum bgp_err_action action;
	uint8_t code, subcode;
	int data_len; /* -1: not checked */
};

#define M(name, ctx, type, hex, act, c, s, dl)                                                     \
	{                                                                                          \
		name, ctx, type, hex, NULL, NULL, NULL, act, c, s, dl                              \
	}
#define U(name, ctx, wd, attrs, nlri, act, c, s, dl)                                               \
	{                                                                                          \
		name, ctx, BGP_MSG_UPDATE, NULL, wd, attrs, nlri, act, c, s, dl                    \
	}

static const struct mcase cases[] = {
    /* --- header (RFC 4271 s6.1): always a reset --- */
    M("marker not all ones", 'e', RAW, "ffffffffffffffffffffffffffffff00 0013 04", BGP_ACT_RESET, 1,
      1, 0),
    M("length below 19", 'e', RAW, "ffffffffffffffffffffffffffffffff 0012 04", BGP_ACT_RESET, 1, 2,
      2),
    M("length above 4096", 'e', RAW, "ffffffffffffffffffffffffffffffff 1001 04", BGP_ACT_RESET, 1,
      2, 2),
    M("length field longer than the bytes", 'e', RAW, "ffffffffffffffffffffffffffffffff 0014 04",
      BGP_ACT_RESET, 1, 2, 2),
    M("unknown type", 'e', 6, "", BGP_ACT_RESET, 1, 3, 1),
    M("type 0", 'e', RAW, "ffffffffffffffffffffffffffffffff 0013 00", BGP_ACT_RESET, 1, 3, 1),
    M("KEEPALIVE with a body", 'e', BGP_MSG_KEEPALIVE, "00", BGP_ACT_RESET, 1, 2, 2),
    M("OPEN too short", 'e', BGP_MSG_OPEN, "04 fde9 001e 0a000001", BGP_ACT_RESET, 1, 2, 2),
    M("UPDATE too short", 'e', BGP_MSG_UPDATE, "0000 00", BGP_ACT_RESET, 1, 2, 2),
    M("NOTIFICATION too short", 'e', BGP_MSG_NOTIFICATION, "06", BGP_ACT_RESET, 1, 2, 2),
    M("ROUTE-REFRESH too short", 'e', BGP_MSG_ROUTE_REFRESH, "0001 00", BGP_ACT_RESET, 1, 2, 2),
    M("BoRR with extra bytes", 'e', BGP_MSG_ROUTE_REFRESH, "0001 01 01 00", BGP_ACT_RESET, 7, 1,
      24),
    M("ROUTE-REFRESH with ORF bytes is fine", 'e', BGP_MSG_ROUTE_REFRESH, "0001 00 01 01",
      BGP_ACT_NONE, 0, 0, -1),

    /* --- OPEN (RFC 4271 s6.2, RFC 5492) --- */
    M("OPEN optional parameters overrun", 'e', BGP_MSG_OPEN, OPEN_HEAD "05 0203 0104",
      BGP_ACT_RESET, 2, 0, 0),
    M("OPEN optional parameters short of the end", 'e', BGP_MSG_OPEN, OPEN_HEAD "00 00",
      BGP_ACT_RESET, 2, 0, 0),
    M("OPEN unsupported optional parameter", 'e', BGP_MSG_OPEN, OPEN_HEAD "03 0101 00",
      BGP_ACT_RESET, 2, 4, 1),
    M("OPEN capability overruns parameter", 'e', BGP_MSG_OPEN, OPEN_HEAD "04 0202 0104",
      BGP_ACT_RESET, 2, 0, 0),
    M("OPEN MP capability of 3 bytes", 'e', BGP_MSG_OPEN, OPEN_HEAD "07 0205 0103 000100",
      BGP_ACT_RESET, 2, 0, 0),
    M("OPEN AS4 capability of 2 bytes", 'e', BGP_MSG_OPEN, OPEN_HEAD "06 0204 4102 fde9",
      BGP_ACT_RESET, 2, 0, 0),
    M("OPEN unknown capabilities tolerated", 'e', BGP_MSG_OPEN,
      OPEN_HEAD "0e 020c 0104 00010001 9902 abcd 4900", BGP_ACT_NONE, 0, 0, -1),
    M("OPEN extended optional parameters (RFC 9072)", 'e', BGP_MSG_OPEN,
      OPEN_HEAD "ff ff 0009 02 0006 0104 00010001", BGP_ACT_NONE, 0, 0, -1),

    /* --- UPDATE structure: reset (RFC 4271 s6.3, RFC 7606 s5) --- */
    M("withdrawn length beyond message", 'e', BGP_MSG_UPDATE, "0005 0a0100 0000", BGP_ACT_RESET, 3,
      1, 0),
    M("attribute length beyond message", 'e', BGP_MSG_UPDATE, "0000 0010 40010100", BGP_ACT_RESET,
      3, 1, 0),
    U("withdrawn prefix length 33", 'e', "210a010000ff", "", "", BGP_ACT_RESET, 3, 10, 0),
    U("withdrawn prefix overruns", 'e', "180a01", "", "", BGP_ACT_RESET, 3, 10, 0),
    U("NLRI prefix length 33", 'e', "", GOOD, "210a01000001", BGP_ACT_RESET, 3, 10, 0),
    U("NLRI prefix overruns", 'e', "", GOOD, "180a01", BGP_ACT_RESET, 3, 10, 0),
    U("unrecognized well-known attribute", 'e', "", GOOD "406301 00", NLRI, BGP_ACT_RESET, 3, 2, 4),
    U("MP_REACH repeated", 'e', "",
      GOOD "800e0c 0001 01 04 0a000001 00 100a02"
           "800e0c 0001 01 04 0a000001 00 100a03",
      NLRI, BGP_ACT_RESET, 3, 1, 0),
    U("MP_UNREACH repeated", 'e', "", "800f03 000101 800f03 000101", "", BGP_ACT_RESET, 3, 1, 0),
    U("MP_REACH next hop of 16 bytes", 'e', "",
      ORIGIN ASPATH "800e18 0001 01 10 20010db8000000000000000000000001 00 100a02", "",
      BGP_ACT_RESET, 3, 9, 27),
    U("MP_REACH truncated", 'e', "", ORIGIN ASPATH "800e02 0001", "", BGP_ACT_RESET, 3, 9, 5),
    U("MP_REACH prefix length 40", 'e', "", ORIGIN ASPATH "800e0c 0001 01 04 0a000001 00 280a02",
      "", BGP_ACT_RESET, 3, 9, 0),
    U("MP_UNREACH truncated", 'e', "", "800f01 00", "", BGP_ACT_RESET, 3, 9, 4),
    U("MP_UNREACH prefix overruns", 'e', "", "800f05 0001 01 180a", "", BGP_ACT_RESET, 3, 9, 0),
    U("MP_REACH with transitive flag", 'e', "",
      ORIGIN ASPATH "c00e0c 0001 01 04 0a000001 00 100a02", "", BGP_ACT_RESET, 3, 4, 15),

    /* --- treat-as-withdraw (RFC 7606 s7) --- */
    U("ORIGIN value 3", 'e', "", "40010103" ASPATH NH, NLRI, BGP_ACT_WITHDRAW, 3, 6, 4),
    U("ORIGIN of 2 bytes", 'e', "", "4001020000" ASPATH NH, NLRI, BGP_ACT_WITHDRAW, 3, 5, 5),
    U("ORIGIN marked optional", 'e', "", "c0010100" ASPATH NH, NLRI, BGP_ACT_WITHDRAW, 3, 4, 4),
    U("ORIGIN with Partial bit", 'e', "", "60010100" ASPATH NH, NLRI, BGP_ACT_WITHDRAW, 3, 4, 4),
    U("AS_PATH segment type 5", 'e', "", ORIGIN "400206 0501 0000fde9" NH, NLRI, BGP_ACT_WITHDRAW,
      3, 11, 9),
    U("AS_PATH empty segment", 'e', "", ORIGIN "400206 0200 0000fde9" NH, NLRI, BGP_ACT_WITHDRAW, 3,
      11, 9),
    U("AS_PATH segment overruns", 'e', "", ORIGIN "400206 0202 0000fde9" NH, NLRI, BGP_ACT_WITHDRAW,
      3, 11, 9),
    U("AS_PATH 2-octet form from a 4-octet peer", 'e', "", ORIGIN "400204 0201 fde9" NH, NLRI,
      BGP_ACT_WITHDRAW, 3, 11, 7),
    U("AS_PATH confederation from eBGP", 'e', "", ORIGIN "40020c 0301 0000fc00 0201 0000fde9" NH,
      NLRI, BGP_ACT_WITHDRAW, 3, 11, 15),
    U("AS_PATH not starting with the peer AS", 'e', "", ORIGIN "400206 0201 0000fdea" NH, NLRI,
      BGP_ACT_WITHDRAW, 3, 11, 0),
    U("NEXT_HOP of 5 bytes", 'e', "", ORIGIN ASPATH "400305 0a00000100", NLRI, BGP_ACT_WITHDRAW, 3,
      5, 8),
    U("NEXT_HOP 0.0.0.0", 'e', "", ORIGIN ASPATH "400304 00000000", NLRI, BGP_ACT_WITHDRAW, 3, 8,
      7),
    U("NEXT_HOP multicast", 'e', "", ORIGIN ASPATH "400304 e0000001", NLRI, BGP_ACT_WITHDRAW, 3, 8,
      7),
    U("NEXT_HOP loopback", 'e', "", ORIGIN ASPATH "400304 7f000001", NLRI, BGP_ACT_WITHDRAW, 3, 8,
      7),
    U("MED of 3 bytes", 'e', "", GOOD "800403 000064", NLRI, BGP_ACT_WITHDRAW, 3, 5, 6),
    U("MED marked transitive", 'e', "", GOOD "c00404 00000064", NLRI, BGP_ACT_WITHDRAW, 3, 4, 7),
    U("LOCAL_PREF of 3 bytes (iBGP)", 'i', "", ORIGIN "400200" NH "400503 000064", NLRI,
      BGP_ACT_WITHDRAW, 3, 5, 6),
    U("COMMUNITIES of 5 bytes", 'e', "", GOOD "c00805 0001000200", NLRI, BGP_ACT_WITHDRAW, 3, 5, 8),
    U("ORIGIN missing", 'e', "", ASPATH NH, NLRI, BGP_ACT_WITHDRAW, 3, 3, 1),
    U("AS_PATH missing", 'e', "", ORIGIN NH, NLRI, BGP_ACT_WITHDRAW, 3, 3, 1),
    U("NEXT_HOP missing", 'e', "", ORIGIN ASPATH, NLRI, BGP_ACT_WITHDRAW, 3, 3, 1),
    U("NLRI without any attribute", 'e', "", "", NLRI, BGP_ACT_WITHDRAW, 3, 3, 1),
    U("LOCAL_PREF missing on iBGP", 'i', "", ORIGIN "400200" NH, NLRI, BGP_ACT_WITHDRAW, 3, 3, 1),
    U("MP_REACH without ORIGIN", 'e', "", ASPATH "800e0c 0001 01 04 0a000001 00 100a02", "",
      BGP_ACT_WITHDRAW, 3, 3, 1),
    U("MP_REACH next hop 0.0.0.0", 'e', "", ORIGIN ASPATH "800e0c 0001 01 04 00000000 00 100a02",
      "", BGP_ACT_WITHDRAW, 3, 8, 0),
    U("attribute overruns the block", 'e', "", GOOD "800408 00000064", NLRI, BGP_ACT_WITHDRAW, 3, 5,
      0),
    U("two stray bytes after the attributes", 'e', "", GOOD "8004", NLRI, BGP_ACT_WITHDRAW, 3, 1,
      0),
    U("extended length header truncated", 'e', "", GOOD "9004 00", NLRI, BGP_ACT_WITHDRAW, 3, 5, 0),

    /* --- attribute discard / ignore --- */
    U("ATOMIC_AGGREGATE of 1 byte", 'e', "", GOOD "40060100", NLRI, BGP_ACT_ATTR_DISCARD, 3, 5, 4),
    U("ATOMIC_AGGREGATE marked optional", 'e', "", GOOD "c00600", NLRI, BGP_ACT_ATTR_DISCARD, 3, 4,
      3),
    U("AGGREGATOR of 7 bytes", 'e', "", GOOD "c00707 0000fde9 0a0000", NLRI, BGP_ACT_ATTR_DISCARD,
      3, 5, 10),
    U("AGGREGATOR of 8 bytes from a 2-octet peer", '2', "",
      ORIGIN "400204 0201 fde9" NH "c00708 0000fde9 0a000001", NLRI, BGP_ACT_ATTR_DISCARD, 3, 5,
      11),
    U("ORIGIN repeated: first wins", 'e', "", GOOD "40010102", NLRI, BGP_ACT_ATTR_DISCARD, 3, 1, 4),
    U("AS4_PATH malformed from a 2-octet peer", '2', "",
      ORIGIN "400204 0201 fde9" NH "c01103 0201 00", NLRI, BGP_ACT_ATTR_DISCARD, 3, 9, 6),
    U("AS4_PATH with confederation segment", '2', "",
      ORIGIN "400204 0201 fde9" NH "c01106 0301 0000fde9", NLRI, BGP_ACT_ATTR_DISCARD, 3, 9, 9),
    U("AS4_AGGREGATOR of 6 bytes", '2', "", ORIGIN "400204 0201 fde9" NH "c01206 fde9 0a000001",
      NLRI, BGP_ACT_ATTR_DISCARD, 3, 5, 9),
    U("AS4_PATH from a 4-octet peer ignored", 'e', "", GOOD "c01106 0201 0000fde9", NLRI,
      BGP_ACT_NONE, 0, 0, -1),
    U("LOCAL_PREF from eBGP ignored", 'e', "", GOOD "400504 00000064", NLRI, BGP_ACT_NONE, 0, 0,
      -1),
    U("unknown optional non-transitive ignored", 'e', "", GOOD "806302 abcd", NLRI, BGP_ACT_NONE, 0,
      0, -1),
    U("unknown optional transitive kept", 'e', "", GOOD "c06302 abcd", NLRI, BGP_ACT_NONE, 0, 0,
      -1),
    U("MP for IPv6 skipped", 'e', "", "800f03 000201", "", BGP_ACT_NONE, 0, 0, -1),
    U("withdrawal only, no attributes", 'e', "100a01 00", "", "", BGP_ACT_NONE, 0, 0, -1),
    U("host bits in NLRI are cleared", 'e', "", GOOD, "180a01ff", BGP_ACT_NONE, 0, 0, -1),
};

static struct bgp_codec_ctx ctx_of(char c)
{
	switch (c) {
	case 'i': return (struct bgp_codec_ctx){.as4 = true, .ibgp = true};
	case '2': return (struct bgp_codec_ctx){.as4 = false, .peer_as = 65001};
	default: return (struct bgp_codec_ctx){.as4 = true, .peer_as = 65001};
	}
}

static void run_case(const struct mcase *c)
{
	uint8_t b[8192];
	size_t n;
	struct bgp_codec_ctx ctx = ctx_of(c->ctx);
	struct bgp_msg m;
	struct bgp_error err;
	int rc, failed_before = check_failures;

	if (c->type == RAW)
		n = hex_to_bytes(c->hex, b, sizeof(b));
	else if (c->hex)
		n = make_msg_hex(c->type, c->hex, b, sizeof(b));
	else
		n = make_update_hex(c->wd, c->attrs, c->nlri, b, sizeof(b));
	rc = bgp_msg_parse(b, n, &ctx, &m, &err);
	CHECK_INT(rc, c->action == BGP_ACT_RESET ? -1 : 0);
	CHECK_INT(err.action, c->action);
	if (c->action != BGP_ACT_NONE) {
		CHECK_INT(err.code, c->code);
		CHECK_INT(err.subcode, c->subcode);
		if (c->data_len >= 0)
			CHECK_INT(err.data_len, c->data_len);
	}
	if (rc == 0 && m.type == BGP_MSG_UPDATE) {
		CHECK_INT(m.update.treat_as_withdraw, c->action == BGP_ACT_WITHDRAW);
		/* treat-as-withdraw: what was announced is now withdrawn. */
		if (c->action == BGP_ACT_WITHDRAW) {
			CHECK_INT(m.update.nlri.n, 0);
			CHECK(m.update.withdrawn.n > 0);
			CHECK_INT(m.update.attrs.present, 0);
		}
	}
	if (rc == 0)
		bgp_msg_free(&m);
	if (check_failures != failed_before)
		fprintf(stderr, "  in case '%s': got action %d %u/%u data %u (%s)\n", c->name,
		        err.action, err.code, err.subcode, err.data_len, err.reason);
}

/* Details of a few cases beyond the outcome. */
static void test_details(void)
{
	struct bgp_codec_ctx e = ctx_of('e');
	uint8_t b[512];
	struct bgp_msg m;
	struct bgp_error err;
	size_t n;
	char s[BGP_PREFIX_STRLEN];

	/* The repeated ORIGIN: the first value (IGP) is kept. */
	n = make_update_hex("", GOOD "40010102", NLRI, b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK_INT(m.update.attrs.origin, BGP_ORIGIN_IGP);
	CHECK_INT(m.update.attrs_discarded, 1);
	CHECK_INT(m.update.nlri.n, 1);
	bgp_msg_free(&m);

	/* An unknown optional transitive attribute is kept with the Partial bit. */
	n = make_update_hex("", GOOD "c06302 abcd", NLRI, b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK_INT(m.update.attrs.nraw, 1);
	if (m.update.attrs.nraw == 1) {
		CHECK_INT(m.update.attrs.raw[0].type, 0x63);
		CHECK_INT(m.update.attrs.raw[0].flags, 0xe0);
		CHECK_INT(m.update.attrs.raw[0].len, 2);
	}
	bgp_msg_free(&m);

	/* Host bits cleared, not refused. */
	n = make_update_hex("", GOOD, "180a01ff", b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK_STR(bgp_prefix_format(m.update.nlri.v[0], s), "10.1.255.0/24");
	bgp_msg_free(&m);
	n = make_update_hex("", GOOD, "170a01ff", b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK_STR(bgp_prefix_format(m.update.nlri.v[0], s), "10.1.254.0/23");
	bgp_msg_free(&m);

	/* MP_REACH/MP_UNREACH IPv4 fold into the same lists, with the MP next hop. */
	n = make_update_hex("100a09",
	                    ORIGIN ASPATH "800e0c 0001 01 04 0a000002 00 100a02"
	                                  "800f06 0001 01 100a08",
	                    "", b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK_INT(err.action, BGP_ACT_NONE);
	CHECK_INT(m.update.nlri.n, 1);
	CHECK_INT(m.update.withdrawn.n, 2);
	CHECK_INT(m.update.attrs.next_hop.s_addr, htonl(0x0a000002));
	CHECK(!m.update.end_of_rib);
	bgp_msg_free(&m);

	/* End-of-RIB in its MP form. */
	n = make_update_hex("", "800f03 000101", "", b, sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK(m.update.end_of_rib);
	bgp_msg_free(&m);

	/* treat-as-withdraw also turns MP_REACH prefixes into withdrawals. */
	n = make_update_hex("", "40010105" ASPATH "800e0c 0001 01 04 0a000002 00 100a02", NLRI, b,
	                    sizeof(b));
	CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
	CHECK(m.update.treat_as_withdraw);
	CHECK_INT(m.update.withdrawn.n, 2);
	bgp_msg_free(&m);
}

/* bgp_open_check: the session-level OPEN rules (RFC 4271 s6.2, RFC 6286, RFC 5492). */
static void test_open_check(void)
{
	static const struct {
		const char *name, *body;
		uint32_t expected_as;
		const char *local_id;
		int rc;
		uint8_t subcode;
		int data_len;
	} oc[] = {
	    {"good", OPEN_HEAD "00", 65001, "0.0.0.0", 0, 0, 0},
	    {"version 3", "03 fde9 001e 0a000001 00", 65001, "0.0.0.0", -1, 1, 2},
	    {"wrong peer AS", OPEN_HEAD "00", 65002, "0.0.0.0", -1, 2, 0},
	    {"AS 0", "04 0000 001e 0a000001 00", 0, "0.0.0.0", -1, 2, 0},
	    {"hold 1", "04 fde9 0001 0a000001 00", 65001, "0.0.0.0", -1, 6, 0},
	    {"hold 2", "04 fde9 0002 0a000001 00", 65001, "0.0.0.0", -1, 6, 0},
	    {"hold 0 is fine", "04 fde9 0000 0a000001 00", 65001, "0.0.0.0", 0, 0, 0},
	    {"hold 3 is fine", "04 fde9 0003 0a000001 00", 65001, "0.0.0.0", 0, 0, 0},
	    {"BGP identifier 0", "04 fde9 001e 00000000 00", 65001, "0.0.0.0", -1, 3, 0},
	    {"iBGP peer with our identifier", OPEN_HEAD "00", 65001, "10.0.0.1", -1, 3, 0},
	    {"only IPv6 unicast offered", OPEN_HEAD "08 0206 0104 00020001", 65001, "0.0.0.0", -1,
	     7, 6},
	    {"4-octet AS from the capability", "04 5ba0 001e 0a000001 08 0206 4104 fa56ea01",
	     4200000001u, "0.0.0.0", 0, 0, 0},
	    {"4-octet AS not the expected one", "04 5ba0 001e 0a000001 08 0206 4104 fa56ea01",
	     23456, "0.0.0.0", -1, 2, 0},
	};
	struct bgp_codec_ctx e = ctx_of('e');

	for (size_t i = 0; i < sizeof(oc) / sizeof(oc[0]); i++) {
		uint8_t b[512];
		size_t n = make_msg_hex(BGP_MSG_OPEN, oc[i].body, b, sizeof(b));
		struct bgp_msg m;
		struct bgp_error err;
		struct in_addr local;
		int failed_before = check_failures;

		inet_pton(AF_INET, oc[i].local_id, &local);
		CHECK_INT(bgp_msg_parse(b, n, &e, &m, &err), 0);
		CHECK_INT(bgp_open_check(&m.open, oc[i].expected_as, local, &err), oc[i].rc);
		if (oc[i].rc) {
			CHECK_INT(err.action, BGP_ACT_RESET);
			CHECK_INT(err.code, 2);
			CHECK_INT(err.subcode, oc[i].subcode);
			CHECK_INT(err.data_len, oc[i].data_len);
		}
		if (check_failures != failed_before)
			fprintf(stderr, "  in OPEN case '%s' (%s)\n", oc[i].name, err.reason);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	fprintf(stderr, "%zu malformed cases\n", sizeof(cases) / sizeof(cases[0]));
	test_details();
	test_open_check();
	return check_done();
}
