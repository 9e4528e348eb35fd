/* The reception checks of RFC 5880 s6.8.6 (bfd_packet.c, bfd_set.c): each malformed
 * or unacceptable packet is dropped, counted under its own reason and nothing else,
 * and leaves the session as it was. Also the wire format of s4.1, byte for byte. */
#include <dirent.h>

#include "../../check.h"
#include "bfd_pair.h"

/* A valid packet from B (10.0.0.2) to A's session, as bytes. */
static size_t valid(uint8_t *b, uint32_t your_disc, enum bfd_state st)
{
	struct bfd_pkt p = {
	    .version = 1,
	    .state = st,
	    .detect_mult = 3,
	    .length = 24,
	    .my_disc = 0x11223344u,
	    .your_disc = your_disc,
	    .desired_min_tx_us = 300000,
	    .required_min_rx_us = 300000,
	};
	struct wbuf w;
	wbuf_init(&w, b, 64);
	CHECK(bfd_pkt_encode(&w, &p) == 0);
	return w.len;
}

static void test_wire(void)
{
	uint8_t b[64];
	struct bfd_pkt p = {
	    .diag = BFD_DIAG_NEIGHBOR_DOWN,
	    .state = BFD_ST_UP,
	    .poll = true,
	    .auth = true,       /* never ours to set */
	    .multipoint = true, /* nor this */
	    .detect_mult = 5,
	    .my_disc = 0x01020304u,
	    .your_disc = 0xa0b0c0d0u,
	    .desired_min_tx_us = 300000, /* 0x000493e0 */
	    .required_min_rx_us = 50000, /* 0x0000c350 */
	};
	static const uint8_t want[24] = {0x23, 0xe0, 0x05, 0x18, 1,    2,    3,    4,
	                                 0xa0, 0xb0, 0xc0, 0xd0, 0x00, 0x04, 0x93, 0xe0,
	                                 0x00, 0x00, 0xc3, 0x50, 0,    0,    0,    0};
	struct wbuf w;
	wbuf_init(&w, b, sizeof(b));
	CHECK(bfd_pkt_encode(&w, &p) == 0);
	CHECK_INT(w.len, 24);
	CHECK(memcmp(b, want, 24) == 0);

	struct bfd_pkt q;
	enum bfd_drop why;
	CHECK(bfd_pkt_decode(b, w.len, &q, &why) == 0);
	CHECK_INT(q.version, 1);
	CHECK_INT(q.diag, 3);
	CHECK_INT(q.state, BFD_ST_UP);
	CHECK(q.poll && !q.final && !q.auth && !q.multipoint && !q.demand && !q.cpi);
	CHECK_INT(q.detect_mult, 5);
	CHECK_INT(q.my_disc, 0x01020304u);
	CHECK_INT(q.your_disc, 0xa0b0c0d0u);
	CHECK_INT(q.desired_min_tx_us, 300000);
	CHECK_INT(q.required_min_rx_us, 50000);

	/* too small a writer: nothing written */
	wbuf_init(&w, b, 23);
	CHECK(bfd_pkt_encode(&w, &p) < 0);
	CHECK_INT(w.len, 0);
	/* bytes after Length (padding) are ignored */
	uint8_t big[40] = {0};
	memcpy(big, want, 24);
	CHECK(bfd_pkt_decode(big, sizeof(big), &q, &why) == 0);
}

struct drop_case {
	const char *name;
	enum bfd_drop why;
	/* mutation of the valid packet (24 bytes in b, len in *n) */
	void (*mutate)(uint8_t *b, size_t *n, uint32_t disc);
};

static void m_truncated(uint8_t *b, size_t *n, uint32_t d)
{
	(void)b, (void)d;
	*n = 3;
}
static void m_version(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[0] = (uint8_t)(2 << 5 | (b[0] & 0x1f));
	b[2] = 0; /* also multiplier 0: the version check comes first */
}
static void m_version0(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[0] &= 0x1f;
}
static void m_len_short(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[3] = 23;
}
static void m_len_short_auth(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[1] |= 0x04; /* A: the minimum is 26 */
	b[3] = 24;
}
static void m_len_over(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[3] = 25;
}
static void m_len_over_short_dgram(uint8_t *b, size_t *n, uint32_t d)
{
	(void)b, (void)d;
	*n = 10; /* Length says 24 */
}
static void m_mult_zero(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[2] = 0;
}
static void m_multipoint(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	b[1] |= 0x01;
}
static void m_my_disc_zero(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	memset(b + 4, 0, 4);
}
static void m_your_disc_unknown(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n;
	uint32_t x = d ^ 0x80000000u;
	b[8] = (uint8_t)(x >> 24), b[9] = (uint8_t)(x >> 16), b[10] = (uint8_t)(x >> 8),
	b[11] = (uint8_t)x;
}
static void m_your_disc_zero_up(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	memset(b + 8, 0, 4);
	b[1] = (uint8_t)(BFD_ST_UP << 6);
}
static void m_your_disc_zero_init(uint8_t *b, size_t *n, uint32_t d)
{
	(void)n, (void)d;
	memset(b + 8, 0, 4);
	b[1] = (uint8_t)(BFD_ST_INIT << 6);
}
static void m_auth(uint8_t *b, size_t *n, uint32_t d)
{
	(void)d;
	/* A set, a simple-password section (type 1, len 7, key id 1, "abcd") */
	static const uint8_t sec[] = {1, 7, 1, 'a', 'b', 'c', 'd'};
	b[1] |= 0x04;
	memcpy(b + 24, sec, sizeof(sec));
	b[3] = 24 + sizeof(sec);
	*n = 24 + sizeof(sec);
}

static const struct drop_case cases[] = {
    {"truncated", BFD_DROP_TRUNCATED, m_truncated},
    {"version 2", BFD_DROP_VERSION, m_version},
    {"version 0", BFD_DROP_VERSION, m_version0},
    {"length 23", BFD_DROP_LEN_SHORT, m_len_short},
    {"length 24 with A", BFD_DROP_LEN_SHORT, m_len_short_auth},
    {"length > payload", BFD_DROP_LEN_OVER, m_len_over},
    {"payload 10", BFD_DROP_LEN_OVER, m_len_over_short_dgram},
    {"detect mult 0", BFD_DROP_MULT_ZERO, m_mult_zero},
    {"multipoint", BFD_DROP_MULTIPOINT, m_multipoint},
    {"my disc 0", BFD_DROP_MY_DISC_ZERO, m_my_disc_zero},
    {"your disc unknown", BFD_DROP_NO_SESSION, m_your_disc_unknown},
    {"your disc 0 in Up", BFD_DROP_YOUR_DISC_ZERO, m_your_disc_zero_up},
    {"your disc 0 in Init", BFD_DROP_YOUR_DISC_ZERO, m_your_disc_zero_init},
    {"A bit", BFD_DROP_AUTH, m_auth},
};

/* Each case against a session that is Up: dropped, counted once under its reason,
 * and the session neither changes nor counts the packet as received. */
static void test_drops(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct drop_case *c = &cases[i];
		struct bfd_cfg cfg = {300000, 300000, 3};
		struct pair pr;
		uint8_t b[64] = {0};
		struct bfd_out out = {0};

		pair_init(&pr, &cfg, &cfg, 100 + i);
		pair_run(&pr, 5 * SEC_);
		struct bfd_session *a = &pr.e[0]->s;
		CHECK_INT(a->state, BFD_ST_UP);
		struct bfd_session before = *a;
		uint64_t drops_before = bfd_set_drops_total(&pr.set[0]);
		uint64_t accepted = pr.set[0].rx_accepted;

		size_t n = valid(b, a->local_disc, BFD_ST_UP);
		c->mutate(b, &n, a->local_disc);
		struct bfd_entry *e = bfd_set_input(&pr.set[0], b, n, pair_addr(ADDR_B), &out);
		if (e)
			fprintf(stderr, "%s: accepted\n", c->name);
		CHECK(e == NULL);
		CHECK_INT(out.n, 0);
		CHECK_INT(pr.set[0].drops[c->why], 1);
		CHECK_INT(bfd_set_drops_total(&pr.set[0]), drops_before + 1);
		CHECK_INT(pr.set[0].rx_accepted, accepted);
		CHECK_INT(a->state, before.state);
		CHECK_INT(a->rx_packets, before.rx_packets);
		CHECK_INT(a->last_rx_ns, before.last_rx_ns);
		CHECK_INT(a->remote_disc, before.remote_disc);
		CHECK_INT(a->remote_min_rx_us, before.remote_min_rx_us);
		CHECK_INT(a->remote_desired_tx_us, before.remote_desired_tx_us);
		CHECK_INT(a->detect.due_ns, before.detect.due_ns);
		CHECK_INT(a->tx.due_ns, before.tx.due_ns);
		CHECK_INT(a->poll, before.poll);
		/* still Up one detection time later: the valid packets keep flowing */
		pair_run(&pr, 2 * SEC_);
		CHECK_INT(a->state, BFD_ST_UP);
		CHECK_INT(bfd_set_drops_total(&pr.set[0]), drops_before + 1);
		pair_free(&pr);
	}
}

/* Your Discriminator 0 (Down/AdminDown) selects by source address: an unknown
 * source is no session, a known one is accepted. */
static void test_demux_by_source(void)
{
	struct bgp_clock clk;
	struct bfd_set set;
	struct bfd_cfg cfg = {300000, 300000, 3};
	uint8_t b[64];
	struct bfd_out out = {0};
	bgp_clock_fake(&clk, SEC_);
	bfd_set_init(&set, &clk, 5);
	struct bfd_entry *e = bfd_set_add(&set, pair_addr(ADDR_B), pair_addr(ADDR_A), &cfg);
	CHECK(e != NULL);
	CHECK(e->s.local_disc != 0);
	/* one session per peer */
	CHECK(bfd_set_add(&set, pair_addr(ADDR_B), pair_addr(ADDR_A), &cfg) == NULL);
	struct bfd_entry *e2 = bfd_set_add(&set, pair_addr(0x0a000003u), pair_addr(ADDR_A), &cfg);
	CHECK(e2 && e2->s.local_disc != e->s.local_disc);

	size_t n = valid(b, 0, BFD_ST_DOWN);
	CHECK(bfd_set_input(&set, b, n, pair_addr(0x0a000009u), &out) == NULL);
	CHECK_INT(set.drops[BFD_DROP_NO_SESSION], 1);
	CHECK(bfd_set_input(&set, b, n, pair_addr(ADDR_B), &out) == e);
	CHECK_INT(e->s.state, BFD_ST_INIT);
	CHECK_INT(e->s.remote_disc, 0x11223344u);
	CHECK_INT(e2->s.state, BFD_ST_DOWN);
	n = valid(b, 0, BFD_ST_ADMIN_DOWN);
	CHECK(bfd_set_input(&set, b, n, pair_addr(0x0a000003u), &out) == e2);
	CHECK_INT(set.rx_accepted, 2);
	CHECK_INT(bfd_set_drops_total(&set), 1);
	bfd_set_free(&set);
}

/* The fuzz corpus's named seeds (tests/fuzz/corpus/bfd): every drop-REASON file is
 * dropped under REASON (bfd_drop_name) by a session in Down and one in Up, which
 * stay as they were; every valid-* file is accepted by the Up one. */
static enum bfd_drop reason_of(const char *name)
{
	int best = -1;
	size_t best_len = 0;
	for (int d = 0; d < BFD_DROP_MAX; d++) {
		const char *n = bfd_drop_name((enum bfd_drop)d);
		size_t l = strlen(n);
		if (strncmp(name, n, l) == 0 && (name[l] == 0 || name[l] == '-') && l > best_len) {
			best = d;
			best_len = l;
		}
	}
	return (enum bfd_drop)best;
}

static struct bfd_entry *corpus_session(struct bfd_set *set, struct bgp_clock *clk, bool up)
{
	struct bfd_cfg cfg = {300000, 300000, 3};
	struct bfd_out out = {0};
	bgp_clock_fake(clk, SEC_);
	bfd_set_init(set, clk, 9);
	struct bfd_entry *e = bfd_set_add(set, pair_addr(ADDR_B), pair_addr(ADDR_A), &cfg);
	e->s.local_disc = 1; /* the seeds address Your Discriminator 1 */
	if (up) {
		struct bfd_pkt p = {.version = 1,
		                    .state = BFD_ST_DOWN,
		                    .detect_mult = 3,
		                    .length = 24,
		                    .my_disc = 0x77,
		                    .desired_min_tx_us = 300000,
		                    .required_min_rx_us = 300000};
		bfd_session_rx(&e->s, &p, &out);
		p.state = BFD_ST_UP;
		p.your_disc = 1;
		bfd_session_rx(&e->s, &p, &out);
	}
	return e;
}

static void test_corpus(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int drops = 0, valids = 0;
	CHECK(d != NULL);
	if (!d)
		return;
	while ((de = readdir(d))) {
		bool drop = strncmp(de->d_name, "drop-", 5) == 0;
		if (!drop && strncmp(de->d_name, "valid-", 6) != 0)
			continue;
		char path[4096];
		uint8_t b[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		FILE *f = fopen(path, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		size_t n = fread(b, 1, sizeof(b), f);
		fclose(f);
		enum bfd_drop want = drop ? reason_of(de->d_name + 5) : BFD_DROP_MAX;
		if (drop && (int)want < 0) {
			fprintf(stderr, "%s: no such drop reason\n", de->d_name);
			CHECK(0);
			continue;
		}
		for (int up = 0; up < 2; up++) {
			struct bgp_clock clk;
			struct bfd_set set;
			struct bfd_out out = {0};
			struct bfd_entry *e = corpus_session(&set, &clk, up);
			enum bfd_state st = e->s.state;
			uint64_t rx = e->s.rx_packets;
			struct bfd_entry *got = bfd_set_input(&set, b, n, pair_addr(ADDR_B), &out);
			if (drop) {
				if (got || set.drops[want] != 1)
					fprintf(stderr, "%s: not dropped as %s\n", de->d_name,
					        bfd_drop_name(want));
				CHECK(got == NULL);
				CHECK_INT(set.drops[want], 1);
				CHECK_INT(bfd_set_drops_total(&set), 1);
				CHECK_INT(e->s.state, st);
				CHECK_INT(e->s.rx_packets, rx);
			} else if (up) {
				if (!got)
					fprintf(stderr, "%s: dropped\n", de->d_name);
				CHECK(got == e);
				CHECK_INT(bfd_set_drops_total(&set), 0);
			}
			bfd_set_free(&set);
		}
		drop ? drops++ : valids++;
	}
	closedir(d);
	/* the seeds the corpus promises (tests/fuzz/meson.build) */
	CHECK(drops >= 12);
	CHECK(valids >= 3);
}

int main(int argc, char **argv)
{
	test_wire();
	test_drops();
	test_demux_by_source();
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	test_corpus(argv[1]);
	return check_done();
}
