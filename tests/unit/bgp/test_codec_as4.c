/* 4-octet ASNs (RFC 6793): what goes on the wire to an OLD (2-octet) speaker, how
 * its AS_PATH + AS4_PATH are merged back, and the path operations the RIB uses. */
#include <arpa/inet.h>

#include "check.h"
#include "codec_util.h"
#include "msg.h"

static const struct bgp_codec_ctx old_ebgp = {.as4 = false};
static const struct bgp_codec_ctx new_ebgp = {.as4 = true};

static struct bgp_attrs attrs_with_path(const uint32_t *asn, size_t n)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	bgp_as_path_append(&a.as_path, BGP_AS_SEQUENCE, asn, n);
	inet_pton(AF_INET, "192.0.2.1", &a.next_hop);
	return a;
}

/* Finds attribute `type` in an UPDATE and returns its value length, or -1. */
static int find_attr(const uint8_t *msg, size_t len, uint8_t type, size_t *value_at)
{
	size_t wd = (size_t)msg[19] << 8 | msg[20];
	size_t at = 21 + wd, alen = (size_t)msg[at] << 8 | msg[at + 1];
	size_t p = at + 2, end = at + 2 + alen;

	while (p + 3 <= end && end <= len) {
		uint8_t flags = msg[p], t = msg[p + 1];
		size_t hl = flags & BGP_ATTR_F_EXTLEN ? 4 : 3;
		size_t vl =
		    flags & BGP_ATTR_F_EXTLEN ? ((size_t)msg[p + 2] << 8 | msg[p + 3]) : msg[p + 2];

		if (t == type) {
			*value_at = p + hl;
			return (int)vl;
		}
		p += hl + vl;
	}
	return -1;
}

static void test_to_old_speaker(void)
{
	uint32_t path[] = {4200000001u, 65002, 4200000003u};
	struct bgp_attrs a = attrs_with_path(path, 3);
	struct bgp_prefix nlri = pfx("10.1.0.0/16");
	uint8_t b[512];
	struct wbuf w;
	size_t wi = 0, ni = 0, at;
	struct bgp_msg m;
	struct bgp_error err;
	char s[128];

	a.present |= BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
	a.aggregator_as = 4200000009u;
	inet_pton(AF_INET, "192.0.2.9", &a.aggregator_id);

	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_update(&w, &old_ebgp, NULL, 0, &wi, &a, &nlri, 1, &ni), 0);
	/* AS_PATH: one sequence of 3 two-octet ASNs, big ones as AS_TRANS. */
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS_PATH, &at), 2 + 3 * 2);
	CHECK_INT(b[at], BGP_AS_SEQUENCE);
	CHECK_INT(b[at + 1], 3);
	CHECK_INT(b[at + 2] << 8 | b[at + 3], BGP_AS_TRANS);
	CHECK_INT(b[at + 4] << 8 | b[at + 5], 65002);
	CHECK_INT(b[at + 6] << 8 | b[at + 7], BGP_AS_TRANS);
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS4_PATH, &at), 2 + 3 * 4);
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AGGREGATOR, &at), 6);
	CHECK_INT(b[at] << 8 | b[at + 1], BGP_AS_TRANS);
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS4_AGGREGATOR, &at), 8);

	/* And back: the OLD speaker's view merged into the true path. */
	CHECK_INT(bgp_msg_parse(b, w.len, &old_ebgp, &m, &err), 0);
	CHECK_INT(err.action, BGP_ACT_NONE);
	bgp_as_path_format(&m.update.attrs.as_path, s, sizeof(s));
	CHECK_STR(s, "4200000001 65002 4200000003");
	CHECK_INT(m.update.attrs.aggregator_as, 4200000009u);
	CHECK(bgp_attrs_equal(&m.update.attrs, &a));
	bgp_msg_free(&m);

	/* To a NEW speaker: 4-octet AS_PATH, no AS4_* at all. */
	wi = ni = 0;
	wbuf_init(&w, b, sizeof(b));
	CHECK_INT(bgp_build_update(&w, &new_ebgp, NULL, 0, &wi, &a, &nlri, 1, &ni), 0);
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS_PATH, &at), 2 + 3 * 4);
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS4_PATH, &at), -1);
	CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS4_AGGREGATOR, &at), -1);
	CHECK_INT(bgp_msg_parse(b, w.len, &new_ebgp, &m, &err), 0);
	CHECK(bgp_attrs_equal(&m.update.attrs, &a));
	bgp_msg_free(&m);

	/* Only small ASNs: no AS4_PATH needed even for an OLD speaker. */
	{
		uint32_t small[] = {65001, 65002};
		struct bgp_attrs s2 = attrs_with_path(small, 2);

		wi = ni = 0;
		wbuf_init(&w, b, sizeof(b));
		CHECK_INT(bgp_build_update(&w, &old_ebgp, NULL, 0, &wi, &s2, &nlri, 1, &ni), 0);
		CHECK_INT(find_attr(b, w.len, BGP_ATTR_AS4_PATH, &at), -1);
		bgp_attrs_free(&s2);
	}
	bgp_attrs_free(&a);
}

/* RFC 6793 s4.2.3 cases, built by hand as an OLD speaker would pass them on. */
static void test_merge_cases(void)
{
	static const struct {
		const char *name, *attrs, *want;
	} cases[] = {
	    /* An OLD speaker 65005 prepended itself in front of the AS4_PATH. */
	    {"old speaker prepended",
	     "40010100"
	     "40020a"
	     "0204"
	     "fded 5ba0 fdea 5ba0"
	     "40030 4c0000201"
	     "c0110e"
	     "0203"
	     "fa56ea01 0000fdea fa56ea03",
	     "65005 4200000001 65002 4200000003"},
	    /* AS4_PATH longer than AS_PATH: ignored, AS_TRANS stays. */
	    {"AS4_PATH longer is ignored",
	     "40010100"
	     "400206"
	     "0202 5ba0 fdea"
	     "400304c0000201"
	     "c0110e"
	     "0203"
	     "fa56ea01 0000fdea fa56ea03",
	     "23456 65002"},
	    /* An AS_SET counts as one; the leading sequence part is kept. */
	    {"set counts one",
	     "40010100"
	     "40020c"
	     "0202 fded fdee"
	     "0102 5ba0 5ba0"
	     "400304c0000201"
	     "c0110a"
	     "0102"
	     "fa56ea01 fa56ea02",
	     "65005 65006 {4200000001 4200000002}"},
	    /* A leading set counts one towards the ASNs kept from AS_PATH. */
	    {"leading set counts one",
	     "40010100"
	     "40020c"
	     "0102 fded fdee"
	     "0202 fdea 5ba0"
	     "400304c0000201"
	     "c01106"
	     "0201"
	     "fa56ea01",
	     "{65005 65006} 65002 4200000001"},
	    /* AGGREGATOR not AS_TRANS + AS4_AGGREGATOR: both AS4_* are stale. */
	    {"stale AS4 attributes",
	     "40010100"
	     "400206"
	     "0202 fded 5ba0"
	     "400304c0000201"
	     "c00706 fdee c0000209"
	     "c0120 8fa56ea09c0000209"
	     "c0110a"
	     "0202"
	     "0000fded fa56ea01",
	     "65005 23456"},
	    /* A malformed AS4_PATH is discarded, the update stays. */
	    {"bad AS4_PATH discarded",
	     "40010100"
	     "400206"
	     "0202 fded 5ba0"
	     "400304c0000201"
	     "c01103 0201 00",
	     "65005 23456"},
	};
	uint8_t b[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bgp_msg m;
		struct bgp_error err;
		char s[128] = "";
		size_t n = make_update_hex("", cases[i].attrs, "100a01", b, sizeof(b));

		CHECK_INT(bgp_msg_parse(b, n, &old_ebgp, &m, &err), 0);
		if (m.type == BGP_MSG_UPDATE) {
			CHECK(!m.update.treat_as_withdraw);
			bgp_as_path_format(&m.update.attrs.as_path, s, sizeof(s));
		}
		if (strcmp(s, cases[i].want))
			fprintf(stderr, "case '%s' (%s)\n", cases[i].name, err.reason);
		CHECK_STR(s, cases[i].want);
		bgp_msg_free(&m);
	}
}

static void test_path_ops(void)
{
	struct bgp_as_path p = {0}, q = {0};
	uint32_t seq[300], set[] = {1, 2, 3};
	char s[4096];

	for (uint32_t i = 0; i < 300; i++)
		seq[i] = 1000 + i;
	CHECK_INT(bgp_as_path_length(&p), 0);
	CHECK_INT(bgp_as_path_first(&p), 0);
	CHECK_INT(bgp_as_path_prepend(&p, 65001), 0);
	CHECK_INT(bgp_as_path_first(&p), 65001);
	CHECK_INT(bgp_as_path_append(&p, BGP_AS_SET, set, 3), 0);
	CHECK_INT(bgp_as_path_length(&p), 2);
	CHECK(bgp_as_path_contains(&p, 2));
	CHECK(!bgp_as_path_contains(&p, 4));
	bgp_as_path_format(&p, s, sizeof(s));
	CHECK_STR(s, "65001 {1 2 3}");
	bgp_as_path_free(&p);

	/* In front of a set a new sequence starts. */
	bgp_as_path_append(&p, BGP_AS_SET, set, 3);
	CHECK_INT(bgp_as_path_prepend(&p, 64512), 0);
	CHECK_INT(p.nseg, 2);
	CHECK_INT(bgp_as_path_first(&p), 64512);
	bgp_as_path_free(&p);

	/* Segments hold at most 255 ASNs: longer sequences are split, and their
	 * length is still the sum. */
	CHECK_INT(bgp_as_path_append(&p, BGP_AS_SEQUENCE, seq, 300), 0);
	CHECK_INT(p.nseg, 2);
	CHECK_INT(p.seg[0].count, 255);
	CHECK_INT(bgp_as_path_length(&p), 300);
	CHECK_INT(bgp_as_path_prepend(&p, 7), 0);
	CHECK_INT(bgp_as_path_length(&p), 301);
	CHECK_INT(p.seg[0].count, 255);
	CHECK_INT(bgp_as_path_first(&p), 7);
	CHECK_INT(bgp_as_path_copy(&q, &p), 0);
	CHECK(bgp_as_path_equal(&p, &q));
	q.asn[10]++;
	CHECK(!bgp_as_path_equal(&p, &q));

	/* A 301-ASN path survives the wire both ways (4-octet: 1210 bytes, extended
	 * attribute length). */
	{
		struct bgp_attrs a;
		struct bgp_prefix n1 = pfx("10.0.0.0/8");
		uint8_t b[BGP_MAX_MSG_LEN];
		struct wbuf w;
		size_t wi = 0, ni = 0;
		struct bgp_msg m;
		struct bgp_error err;

		bgp_attrs_init(&a);
		a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
		bgp_as_path_copy(&a.as_path, &p);
		inet_pton(AF_INET, "192.0.2.1", &a.next_hop);
		for (int as4 = 0; as4 < 2; as4++) {
			struct bgp_codec_ctx c = {.as4 = as4};

			wi = ni = 0;
			wbuf_init(&w, b, sizeof(b));
			CHECK_INT(bgp_build_update(&w, &c, NULL, 0, &wi, &a, &n1, 1, &ni), 0);
			CHECK_INT(bgp_msg_parse(b, w.len, &c, &m, &err), 0);
			CHECK_INT(err.action, BGP_ACT_NONE);
			CHECK(bgp_as_path_equal(&m.update.attrs.as_path, &p));
			bgp_msg_free(&m);
		}
		bgp_attrs_free(&a);
	}
	bgp_as_path_free(&p);
	bgp_as_path_free(&q);

	/* Confederation segments: formatted apart, not counted. */
	{
		uint32_t c[] = {64600, 64601};

		bgp_as_path_append(&p, BGP_AS_CONFED_SEQUENCE, c, 2);
		bgp_as_path_append(&p, BGP_AS_SEQUENCE, set, 1);
		CHECK_INT(bgp_as_path_length(&p), 1);
		bgp_as_path_format(&p, s, sizeof(s));
		CHECK_STR(s, "(64600 64601) 1");
		bgp_as_path_format(&p, s, 8);
		CHECK_STR(s, "(64600 "); /* cut where the buffer ends */
		bgp_as_path_free(&p);
	}
}

int main(void)
{
	test_to_old_speaker();
	test_merge_cases();
	test_path_ops();
	return check_done();
}
