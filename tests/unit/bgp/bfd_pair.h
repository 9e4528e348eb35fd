/* Two BFD speakers on one fake clock, each with its own struct bfd_set, wired
 * through the real encoder and the real reception path (bfd_pkt_encode ->
 * bfd_set_input), so a test sees what the daemon would. Either direction can be
 * silenced. Every packet and state change is recorded with its time. */
#ifndef TEST_BGP_BFD_PAIR_H
#define TEST_BGP_BFD_PAIR_H

#include <string.h>

#include "bfd_set.h"

#define MS_ 1000000LL
#define US_ 1000LL
#define SEC_ 1000000000LL

#define ADDR_A 0x0a000001u /* 10.0.0.1 */
#define ADDR_B 0x0a000002u

struct pair_change {
	int side;
	int64_t t;
	struct bfd_action a;
};

struct pair_sent {
	int side;
	int64_t t;
	struct bfd_pkt p;
};

#define PAIR_LOG 4096
struct pair {
	struct bgp_clock clk;
	struct bfd_set set[2];
	struct bfd_entry *e[2];
	bool silent[2]; /* packets from this side are lost */
	struct pair_change ch[PAIR_LOG];
	int nch;
	struct pair_sent sent[PAIR_LOG];
	int nsent; /* wraps: only the last PAIR_LOG are kept */
	long total_sent[2];
	bool p_and_f; /* some packet had both P and F */
};

static inline struct in_addr pair_addr(uint32_t a)
{
	struct in_addr x = {.s_addr = htonl(a)};
	return x;
}

static inline void pair_init(struct pair *pr, const struct bfd_cfg *ca, const struct bfd_cfg *cb,
                             uint64_t seed)
{
	memset(pr, 0, sizeof(*pr));
	bgp_clock_fake(&pr->clk, 1000 * SEC_);
	bfd_set_init(&pr->set[0], &pr->clk, seed);
	bfd_set_init(&pr->set[1], &pr->clk, seed + 1);
	pr->e[0] = bfd_set_add(&pr->set[0], pair_addr(ADDR_B), pair_addr(ADDR_A), ca);
	pr->e[1] = bfd_set_add(&pr->set[1], pair_addr(ADDR_A), pair_addr(ADDR_B), cb);
}

static inline void pair_free(struct pair *pr)
{
	bfd_set_free(&pr->set[0]);
	bfd_set_free(&pr->set[1]);
}

static void pair_do(struct pair *pr, int side, struct bfd_out *out);

/* Side `side` sends one packet to the other. */
static inline void pair_send(struct pair *pr, int side, bool final)
{
	struct bfd_pkt p;
	uint8_t b[BFD_PKT_LEN];
	struct wbuf w;
	struct bfd_out out = {0};

	bfd_session_packet(&pr->e[side]->s, final, &p);
	if (p.poll && p.final)
		pr->p_and_f = true;
	pr->sent[pr->nsent % PAIR_LOG] = (struct pair_sent){side, bgp_now(&pr->clk), p};
	pr->nsent++;
	pr->total_sent[side]++;
	wbuf_init(&w, b, sizeof(b));
	if (bfd_pkt_encode(&w, &p) < 0 || pr->silent[side])
		return;
	if (bfd_set_input(&pr->set[!side], b, w.len, pr->e[side]->local, &out))
		pair_do(pr, !side, &out);
}

static void pair_do(struct pair *pr, int side, struct bfd_out *out)
{
	for (int i = 0; i < out->n; i++) {
		if (out->a[i].what == BFD_DO_STATE) {
			if (pr->nch < PAIR_LOG)
				pr->ch[pr->nch++] =
				    (struct pair_change){side, bgp_now(&pr->clk), out->a[i]};
		} else {
			pair_send(pr, side, out->a[i].final);
		}
	}
}

static inline void pair_tick(struct pair *pr)
{
	for (int side = 0; side < 2; side++) {
		struct bfd_out out = {0};
		while (bfd_session_tick(&pr->e[side]->s, &out)) {
			pair_do(pr, side, &out);
			out.n = 0;
		}
	}
}

/* Runs the pair until `until` (absolute ns), jumping from deadline to deadline. */
static inline void pair_run_until(struct pair *pr, int64_t until)
{
	pair_tick(pr);
	for (;;) {
		int64_t a = bfd_session_next_due(&pr->e[0]->s);
		int64_t b = bfd_session_next_due(&pr->e[1]->s);
		int64_t next = a < b ? a : b;
		if (next > until)
			break;
		if (next > bgp_now(&pr->clk))
			bgp_clock_set(&pr->clk, next);
		pair_tick(pr);
	}
	bgp_clock_set(&pr->clk, until);
}

static inline void pair_run(struct pair *pr, int64_t ns)
{
	pair_run_until(pr, bgp_now(&pr->clk) + ns);
}

/* The last state change of side, or NULL. */
static inline const struct pair_change *pair_last_change(const struct pair *pr, int side)
{
	for (int i = pr->nch - 1; i >= 0; i--)
		if (pr->ch[i].side == side)
			return &pr->ch[i];
	return NULL;
}

#endif
