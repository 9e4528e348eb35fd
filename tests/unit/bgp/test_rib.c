/* RIB: decision process, ECMP, policy (loop prevention, iBGP split horizon, next
 * hop and AS_PATH rewriting), withdraws, Adj-RIB-Out diffs, originated networks,
 * the route programming delay queue. No FIB (no root needed), fake time. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "bgp/rib_int.h"
#include "common/fsutil.h"

#define ASN 64512
#define MS 1000000LL

/* ---- what the RIB sent, as text lines per peer ---- */

struct sent {
	char lines[64][256];
	int n;
};
/* The built JSON, "" if it failed (then no strstr finds anything). */
static const char *jtext(struct json *j)
{
	size_t len;
	const char *s = json_out(j, &len);
	return s ? s : "";
}

static struct sent sent[8];

static int cap_send(void *ctx, uint32_t peer, const struct bgp_update *u)
{
	(void)ctx;
	struct sent *s = &sent[peer];
	char pfx[BGP_PREFIX_STRLEN], path[128], nh[INET_ADDRSTRLEN];
	if (u->end_of_rib && !u->nlri.n && !u->withdrawn.n && s->n < 64)
		snprintf(s->lines[s->n++], 256, "EOR");
	for (size_t i = 0; i < u->withdrawn.n && s->n < 64; i++)
		snprintf(s->lines[s->n++], 256, "W %s", bgp_prefix_format(u->withdrawn.v[i], pfx));
	for (size_t i = 0; i < u->nlri.n && s->n < 64; i++) {
		bgp_as_path_format(&u->attrs.as_path, path, sizeof(path));
		inet_ntop(AF_INET, &u->attrs.next_hop, nh, sizeof(nh));
		char lp[16] = "-", med[16] = "-";
		if (u->attrs.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF))
			snprintf(lp, sizeof(lp), "%u", u->attrs.local_pref);
		if (u->attrs.present & BGP_ATTR_BIT(BGP_ATTR_MED))
			snprintf(med, sizeof(med), "%u", u->attrs.med);
		snprintf(s->lines[s->n++], 256, "A %s path=[%s] nh=%s lp=%s med=%s",
		         bgp_prefix_format(u->nlri.v[i], pfx), path, nh, lp, med);
	}
	return 0;
}

static const struct rib_ops ops = {.send_update = cap_send};

static void clear_sent(void)
{
	memset(sent, 0, sizeof(sent));
}

static int sent_count(int peer, const char *prefix)
{
	int c = 0;
	for (int i = 0; i < sent[peer].n; i++)
		if (!strncmp(sent[peer].lines[i], prefix, strlen(prefix)))
			c++;
	return c;
}

static const char *sent_line(int peer, const char *prefix)
{
	for (int i = 0; i < sent[peer].n; i++)
		if (!strncmp(sent[peer].lines[i], prefix, strlen(prefix)))
			return sent[peer].lines[i];
	return "(none)";
}

/* ---- building updates ---- */

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	inet_pton(AF_INET, s, &a);
	return a;
}

static struct bgp_prefix pfx(const char *s)
{
	struct bgp_prefix p;
	bgp_prefix_parse(s, &p);
	return p;
}

struct ann {
	const char *prefix;
	const char *nh;
	uint32_t path[8];
	size_t npath;
	int origin;
	long med; /* -1: none */
	long lp;  /* -1: none */
};

static void announce(struct rib *rib, uint32_t peer, struct ann a, int64_t now)
{
	struct bgp_update u;
	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	u.attrs.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	                  BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	u.attrs.origin = (uint8_t)a.origin;
	if (a.npath)
		bgp_as_path_append(&u.attrs.as_path, BGP_AS_SEQUENCE, a.path, a.npath);
	u.attrs.next_hop = ip(a.nh);
	if (a.med >= 0) {
		u.attrs.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
		u.attrs.med = (uint32_t)a.med;
	}
	if (a.lp >= 0) {
		u.attrs.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		u.attrs.local_pref = (uint32_t)a.lp;
	}
	bgp_prefixes_add(&u.nlri, pfx(a.prefix));
	CHECK_INT(rib_update(rib, peer, &u, now), 0);
	bgp_prefixes_free(&u.nlri);
	bgp_attrs_free(&u.attrs);
}

static void withdraw(struct rib *rib, uint32_t peer, const char *prefix, int64_t now)
{
	struct bgp_update u;
	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	bgp_prefixes_add(&u.withdrawn, pfx(prefix));
	CHECK_INT(rib_update(rib, peer, &u, now), 0);
	bgp_prefixes_free(&u.withdrawn);
}

/* Peers: 0 eBGP AS 65001, 1 eBGP AS 65002, 2 iBGP next-hop-self, 3 iBGP. */
static struct rib_peer_cfg peer_cfg[4] = {
    {.remote_as = 65001},
    {.remote_as = 65002},
    {.remote_as = ASN, .next_hop_self = true},
    {.remote_as = ASN},
};
static const char *peer_addr[4] = {"10.0.0.1", "10.0.1.1", "10.0.2.1", "10.0.3.1"};
static const char *peer_local[4] = {"10.0.0.2", "10.0.1.2", "10.0.2.2", "10.0.3.2"};
static const char *peer_id[4] = {"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"};

static struct rib *mk(uint32_t max_paths, uint32_t delay_ms, const char *network)
{
	struct bgp_prefix net;
	struct rib_params p = {
	    .asn = ASN,
	    .router_id = ip("9.9.9.9"),
	    .max_paths = max_paths,
	    .delay_ms = delay_ms,
	    .n_peers = 4,
	    .peers = peer_cfg,
	};
	if (network) {
		net = pfx(network);
		p.networks = &net;
		p.n_networks = 1;
	}
	for (int i = 0; i < 4; i++)
		peer_cfg[i].addr = ip(peer_addr[i]);
	struct rib *rib = rib_new_params(&p, &ops, NULL, false);
	CHECK(rib != NULL);
	for (uint32_t i = 0; i < 4; i++) {
		struct rib_peer_info info = {
		    .remote_id = ip(peer_id[i]), .local_addr = ip(peer_local[i]), .as4 = true};
		CHECK_INT(rib_peer_up(rib, i, &info, 0), 0);
	}
	clear_sent();
	return rib;
}

static struct rib_entry *get(struct rib *rib, const char *prefix)
{
	struct bgp_prefix p = pfx(prefix);
	return rib_entry_get(rib, p.addr, p.len, false);
}

static int best_peer(struct rib *rib, const char *prefix)
{
	struct rib_entry *e = get(rib, prefix);
	return e && e->nbest ? (int)e->paths->peer : -1;
}

static int nbest(struct rib *rib, const char *prefix)
{
	struct rib_entry *e = get(rib, prefix);
	return e ? e->nbest : -1;
}

#define P "192.0.2.0/24"
#define A(...) ((struct ann){__VA_ARGS__})

static void test_decision(void)
{
	struct rib *rib = mk(4, 0, NULL);
	/* local pref (iBGP carries it) */
	announce(rib, 3, A(P, "10.0.3.1", {65001}, 1, 0, -1, 200), 0);
	announce(rib, 2, A(P, "10.0.2.1", {65001}, 1, 0, -1, 100), 0);
	CHECK_INT(best_peer(rib, P), 3);
	CHECK_INT(nbest(rib, P), 1);
	rib_free(rib);

	/* AS path length beats everything after it */
	rib = mk(4, 0, NULL);
	announce(rib, 0, A(P, "10.0.0.1", {65001, 65010}, 2, 0, -1, -1), 0);
	announce(rib, 1, A(P, "10.0.1.1", {65002, 65010, 65011}, 3, 0, -1, -1), 0);
	CHECK_INT(best_peer(rib, P), 0);
	CHECK_INT(nbest(rib, P), 1);
	rib_free(rib);

	/* origin: IGP < EGP < INCOMPLETE */
	rib = mk(4, 0, NULL);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, BGP_ORIGIN_INCOMPLETE, -1, -1), 0);
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, BGP_ORIGIN_EGP, -1, -1), 0);
	CHECK_INT(best_peer(rib, P), 1);
	rib_free(rib);

	/* MED: compared within the same neighbour AS only */
	rib = mk(4, 0, NULL);
	announce(rib, 0, A(P, "10.0.0.1", {65005}, 1, 0, 10, -1), 0);
	announce(rib, 1, A(P, "10.0.1.1", {65005}, 1, 0, 5, -1), 0);
	CHECK_INT(best_peer(rib, P), 1);
	CHECK_INT(nbest(rib, P), 1);
	announce(rib, 1, A(P, "10.0.1.1", {65006}, 1, 0, 5, -1), 0);
	CHECK_INT(nbest(rib, P), 2); /* different AS: MED ignored, equal -> ECMP */
	/* missing MED counts as 0 (the lowest) */
	announce(rib, 1, A(P, "10.0.1.1", {65005}, 1, 0, -1, -1), 0);
	CHECK_INT(best_peer(rib, P), 1);
	CHECK_INT(nbest(rib, P), 1);
	rib_free(rib);

	/* eBGP over iBGP */
	rib = mk(4, 0, NULL);
	announce(rib, 2, A(P, "10.0.2.1", {65001}, 1, 0, -1, 100), 0);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	CHECK_INT(best_peer(rib, P), 0);
	CHECK_INT(nbest(rib, P), 1);
	/* eBGP LOCAL_PREF is ours to set: a received 500 does not count */
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, 0, -1, 500), 0);
	CHECK_INT(nbest(rib, P), 2);
	rib_free(rib);

	/* router id tie break (and ECMP over both iBGP paths) */
	rib = mk(4, 0, NULL);
	announce(rib, 3, A(P, "10.0.3.1", {65001}, 1, 0, -1, 100), 0);
	announce(rib, 2, A(P, "10.0.2.1", {65001}, 1, 0, -1, 100), 0);
	CHECK_INT(best_peer(rib, P), 2); /* 3.3.3.3 < 4.4.4.4 */
	CHECK_INT(nbest(rib, P), 2);
	rib_free(rib);
	rib = mk(4, 0, NULL);
	struct rib_peer_info info = {.remote_id = ip("0.0.0.9"), .local_addr = ip("10.0.3.2")};
	rib_peer_up(rib, 3, &info, 0);
	announce(rib, 2, A(P, "10.0.2.1", {65001}, 1, 0, -1, 100), 0);
	announce(rib, 3, A(P, "10.0.3.1", {65001}, 1, 0, -1, 100), 0);
	CHECK_INT(best_peer(rib, P), 3);
	rib_free(rib);
}

static void test_ecmp(void)
{
	struct rib *rib = mk(4, 0, NULL);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, 0, -1, -1), 0);
	struct rib_nhset s;
	rib_entry_nexthops(get(rib, P), &s);
	CHECK_INT(s.n, 2);
	CHECK_INT(s.nh[0].s_addr, ip("10.0.0.1").s_addr);
	CHECK_INT(s.nh[1].s_addr, ip("10.0.1.1").s_addr);
	struct rib_stats st;
	rib_stats(rib, &st);
	CHECK_INT(st.fib_installed, 1);
	CHECK_INT(st.prefixes, 1);
	/* a worse third path does not join the set */
	announce(rib, 2, A(P, "10.0.2.1", {65001}, 1, 0, -1, 100), 0);
	CHECK_INT(nbest(rib, P), 2);
	/* the set shrinks on withdraw */
	withdraw(rib, 1, P, 0);
	CHECK_INT(nbest(rib, P), 1);
	CHECK_INT(best_peer(rib, P), 0);
	rib_free(rib);

	/* max-paths 1: a single path, the tie-break winner */
	rib = mk(1, 0, NULL);
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, 0, -1, -1), 0);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	CHECK_INT(nbest(rib, P), 1);
	CHECK_INT(best_peer(rib, P), 0);
	rib_free(rib);
}

/* Three equal eBGP paths, max-paths 2: the set is the two lowest BGP identifiers. */
static void test_max_paths_cut(void)
{
	struct rib_peer_cfg pc[3] = {
	    {.remote_as = 65001}, {.remote_as = 65002}, {.remote_as = 65003}};
	const char *addr[3] = {"10.1.0.1", "10.2.0.1", "10.3.0.1"};
	const char *id[3] = {"9.9.9.3", "9.9.9.1", "9.9.9.2"};
	for (int i = 0; i < 3; i++)
		pc[i].addr = ip(addr[i]);
	struct rib_params p = {.asn = ASN, .max_paths = 2, .n_peers = 3, .peers = pc};
	struct rib *rib = rib_new_params(&p, &ops, NULL, false);
	CHECK(rib != NULL);
	if (!rib)
		return;
	for (uint32_t i = 0; i < 3; i++) {
		struct rib_peer_info info = {.remote_id = ip(id[i]), .local_addr = ip("10.9.9.9")};
		rib_peer_up(rib, i, &info, 0);
	}
	for (uint32_t i = 0; i < 3; i++) {
		struct ann a = A(P, addr[i], {65001 + i}, 1, 0, -1, -1);
		announce(rib, i, a, 0);
	}
	CHECK_INT(nbest(rib, P), 2);
	CHECK_INT(best_peer(rib, P), 1); /* 9.9.9.1 */
	struct rib_nhset s;
	rib_entry_nexthops(get(rib, P), &s);
	CHECK_INT(s.n, 2);
	CHECK_INT(s.nh[0].s_addr, ip("10.2.0.1").s_addr);
	CHECK_INT(s.nh[1].s_addr, ip("10.3.0.1").s_addr);
	/* one of the set goes: the third path joins */
	withdraw(rib, 2, P, 0);
	rib_entry_nexthops(get(rib, P), &s);
	CHECK_INT(s.n, 2);
	CHECK_INT(s.nh[0].s_addr, ip("10.1.0.1").s_addr);
	rib_free(rib);
}

static void test_policy(void)
{
	struct rib *rib = mk(4, 0, NULL);
	/* loop prevention: our AS in the path from an eBGP peer */
	announce(rib, 0, A(P, "10.0.0.1", {65001, ASN, 65003}, 3, 0, -1, -1), 0);
	CHECK_INT(nbest(rib, P), -1);
	CHECK_INT(sent_count(1, "A"), 0);
	/* ... and it replaces (withdraws) a path accepted before */
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	CHECK_INT(nbest(rib, P), 1);
	announce(rib, 0, A(P, "10.0.0.1", {65001, ASN}, 2, 0, -1, -1), 0);
	CHECK_INT(nbest(rib, P), -1);
	CHECK_INT(sent_count(1, "W " P), 1);
	rib_free(rib);

	/* export rewriting from an eBGP route */
	rib = mk(4, 0, NULL);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, 77, -1), 0);
	CHECK_INT(sent_count(0, "A"), 0); /* not back to the source */
	CHECK_STR(sent_line(1, "A"), "A " P " path=[64512 65001] nh=10.0.1.2 lp=- med=-");
	CHECK_STR(sent_line(2, "A"), "A " P " path=[65001] nh=10.0.2.2 lp=100 med=77");
	CHECK_STR(sent_line(3, "A"), "A " P " path=[65001] nh=10.0.0.1 lp=100 med=77");
	rib_free(rib);

	/* iBGP split horizon: an iBGP route goes to eBGP peers only */
	rib = mk(4, 0, NULL);
	announce(rib, 2, A(P, "10.0.2.1", {65001}, 1, 0, -1, 150), 0);
	CHECK_INT(sent_count(3, "A"), 0);
	CHECK_INT(sent_count(2, "A"), 0);
	CHECK_STR(sent_line(0, "A"), "A " P " path=[64512 65001] nh=10.0.0.2 lp=- med=-");
	CHECK_INT(sent_count(1, "A"), 1);
	rib_free(rib);
}

static void test_out_diffs(void)
{
	struct rib *rib = mk(4, 0, NULL);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	CHECK_INT(sent_count(1, "A"), 1);
	clear_sent();
	/* the same again: nothing new goes out */
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	CHECK_INT(sent[1].n, 0);
	/* a worse path elsewhere: the best is unchanged, nothing goes out */
	announce(rib, 1, A(P, "10.0.1.1", {65002, 65003}, 2, 0, -1, -1), 0);
	CHECK_INT(sent[2].n, 0);
	CHECK_INT(sent[3].n, 0);
	/* an ECMP partner: the advertised best (by router id) stays the same */
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, 0, -1, -1), 0);
	CHECK_INT(sent[2].n, 0);
	CHECK_INT(nbest(rib, P), 2);
	/* the best goes: the other one is announced, no withdraw in between */
	withdraw(rib, 0, P, 0);
	CHECK_STR(sent_line(2, "A"), "A " P " path=[65002] nh=10.0.2.2 lp=100 med=-");
	CHECK_INT(sent_count(2, "W"), 0);
	/* peer 1's route is now announced to peer 0, and nothing to peer 1 */
	CHECK_INT(sent_count(0, "A"), 1);
	CHECK_INT(sent_count(1, "A"), 0);
	clear_sent();
	/* last one gone: withdrawn everywhere it was announced */
	withdraw(rib, 1, P, 0);
	CHECK_INT(sent_count(0, "W " P), 1);
	CHECK_INT(sent_count(2, "W " P), 1);
	CHECK_INT(sent_count(3, "W " P), 1);
	CHECK_INT(sent_count(1, "W"), 0);
	CHECK(get(rib, P) == NULL); /* entry freed */
	/* withdrawing what is not there sends nothing */
	clear_sent();
	withdraw(rib, 1, P, 0);
	CHECK_INT(sent[0].n + sent[2].n, 0);
	rib_free(rib);
}

static void test_peer_up_down_refresh(void)
{
	struct rib *rib = mk(4, 0, "10.0.0.0/16");
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	/* a peer coming up gets the table (originated + learnt) and End-of-RIB */
	rib_peer_down(rib, 1, 0);
	clear_sent();
	struct rib_peer_info info = {.remote_id = ip("2.2.2.2"), .local_addr = ip("10.0.1.2")};
	CHECK_INT(rib_peer_up(rib, 1, &info, 0), 0);
	CHECK_STR(sent_line(1, "A 10.0.0.0/16"),
	          "A 10.0.0.0/16 path=[64512] nh=10.0.1.2 lp=- med=-");
	CHECK_INT(sent_count(1, "A " P), 1);
	CHECK_STR(sent[1].lines[sent[1].n - 1], "EOR");
	/* `show` lists routes in address order */
	struct json js;
	json_init(&js);
	json_obj_begin(&js);
	rib_json(rib, &js);
	json_obj_end(&js);
	const char *r1 = strstr(jtext(&js), "\"prefix\":\"10.0.0.0/16\"");
	const char *r2 = strstr(jtext(&js), "\"prefix\":\"" P "\"");
	CHECK(r1 && r2 && r1 < r2);
	CHECK(strstr(jtext(&js), "\"truncated\":false") != NULL);
	json_free(&js);
	/* originated towards iBGP: next hop self, LOCAL_PREF 100, empty path */
	clear_sent();
	CHECK_INT(rib_route_refresh(rib, 3), 0);
	CHECK_STR(sent_line(3, "A 10.0.0.0/16"), "A 10.0.0.0/16 path=[] nh=10.0.3.2 lp=100 med=-");
	CHECK_INT(sent_count(3, "A"), 2);
	CHECK_INT(sent_count(3, "EOR"), 1);
	/* originated routes are not written to the FIB */
	struct rib_stats st;
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 2);
	CHECK_INT(st.fib_installed, 1);
	/* the session to peer 0 drops: its routes are withdrawn from the others */
	clear_sent();
	rib_peer_down(rib, 0, 0);
	CHECK_INT(sent_count(1, "W " P), 1);
	CHECK_INT(sent_count(2, "W " P), 1);
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 1);
	CHECK_INT(st.fib_installed, 0);
	CHECK_INT(rib_peer_prefixes_in(rib, 0), 0);
	/* updates from a peer that is down are ignored */
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 0);
	CHECK(get(rib, P) == NULL);
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	rib_json(rib, &j);
	json_obj_end(&j);
	CHECK(strstr(jtext(&j), "\"prefix\":\"10.0.0.0/16\"") != NULL);
	json_free(&j);
	rib_free(rib);
}

static void test_programming_delay(void)
{
	struct rib *rib = mk(4, 100, NULL);
	struct rib_stats st;
	char jpath[64];
	snprintf(jpath, sizeof(jpath), "/tmp/test-rib-journal-%d", (int)getpid());
	int jfd = open(jpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(jfd >= 0);
	rib_set_journal(rib, jfd);
	announce(rib, 0, A(P, "10.0.0.1", {65001}, 1, 0, -1, -1), 10 * MS);
	rib_stats(rib, &st);
	CHECK_INT(st.fib_pending, 1);
	CHECK_INT(st.fib_installed, 0);
	CHECK_INT(rib_next_timer_ns(rib), 110 * MS);
	rib_run_timers(rib, 109 * MS);
	rib_stats(rib, &st);
	CHECK_INT(st.fib_installed, 0);
	/* a second change while waiting coalesces: one write, at the first due time */
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, 0, -1, -1), 60 * MS);
	rib_stats(rib, &st);
	CHECK_INT(st.fib_pending, 1);
	CHECK_INT(rib_next_timer_ns(rib), 110 * MS);
	/* the Adj-RIB-Out does not wait for the FIB */
	CHECK_INT(sent_count(2, "A"), 1);
	rib_run_timers(rib, 110 * MS);
	rib_stats(rib, &st);
	CHECK_INT(st.fib_installed, 1);
	CHECK_INT(st.fib_pending, 0);
	CHECK_INT(rib_next_timer_ns(rib), INT64_MAX);
	/* withdraw: the route stays in the FIB for the delay */
	withdraw(rib, 0, P, 200 * MS);
	withdraw(rib, 1, P, 200 * MS);
	rib_stats(rib, &st);
	CHECK_INT(st.fib_installed, 1);
	CHECK(get(rib, P) != NULL);
	rib_run_timers(rib, 300 * MS);
	rib_stats(rib, &st);
	CHECK_INT(st.fib_installed, 0);
	CHECK(get(rib, P) == NULL);
	rib_free(rib);
	/* journal: the Loc-RIB change at once, the FIB write after the delay */
	char *text = NULL;
	size_t len;
	CHECK_INT(read_file(jpath, &text, &len), 0);
	CHECK(text && strstr(text, "{\"t\":10000000,\"src\":\"bgp\",\"ev\":\"best\",\"prefix\":\"" P
	                           "\",\"nexthops\":[\"10.0.0.1\"]}"));
	CHECK(text && strstr(text, "{\"t\":110000000,\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"" P
	                           "\",\"op\":\"replace\",\"nexthops\":[\"10.0.0.1\",\"10.0.1.1\"],"
	                           "\"delay_ms\":100,\"waited_ms\":100}"));
	CHECK(text &&
	      strstr(text,
	             "{\"t\":300000000,\"src\":\"bgp\",\"ev\":\"fib\",\"prefix\":\"" P
	             "\",\"op\":\"delete\",\"nexthops\":[],\"delay_ms\":100,\"waited_ms\":100}"));
	free(text);
	if (jfd >= 0)
		close(jfd);
	unlink(jpath);
}

/* ---- next-hop resolvability (RFC 4271 s9.1.2(a), s9.1.2.1) ---- */

static const char *fake_down; /* the one next hop the fake resolver refuses */

static bool fake_resolve(void *ctx, struct in_addr nh)
{
	(void)ctx;
	return !fake_down || nh.s_addr != ip(fake_down).s_addr;
}

#define Q "198.51.100.0/24"

/* An unresolvable next hop excludes the route from the decision: the worse path
 * wins, a prefix with no other path has no best and is not advertised; when the
 * next hop resolves again the prefixes are decided again, and back. */
static void test_unresolvable_next_hop(void)
{
	struct rib *rib = mk(1, 0, NULL);
	fake_down = "10.0.1.1";
	rib_set_resolver(rib, fake_resolve, NULL);
	announce(rib, 1, A(P, "10.0.1.1", {65002}, 1, 0, -1, -1), 0);
	announce(rib, 0, A(P, "10.0.0.1", {65001, 65009}, 2, 0, -1, -1), 0);
	announce(rib, 1, A(Q, "10.0.1.1", {65002}, 1, 0, -1, -1), 0);
	CHECK_INT(best_peer(rib, P), 0);
	CHECK_INT(nbest(rib, Q), 0);
	struct rib_nhset s;
	rib_entry_nexthops(get(rib, P), &s);
	CHECK(s.n == 1 && s.nh[0].s_addr == ip("10.0.0.1").s_addr);
	CHECK_INT(sent_count(3, "A " P " path=[65001 65009]"), 1);
	CHECK_INT(sent_count(3, "A " Q), 0);
	struct rib_stats st;
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 1);
	CHECK_INT(st.fib_installed, 1);
	CHECK_INT(rib_peer_prefixes_in(rib, 1), 2); /* kept in the Adj-RIB-In */
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	rib_json(rib, &j);
	json_obj_end(&j);
	CHECK(strstr(jtext(&j), "\"next_hop\":\"10.0.1.1\",\"local_pref\":100,"
	                        "\"ibgp\":false,\"nh_resolvable\":false") != NULL);
	CHECK(strstr(jtext(&j), "\"nh_resolvable\":true") != NULL);
	json_free(&j);

	/* resolvable now: both prefixes decided again */
	clear_sent();
	fake_down = NULL;
	rib_resolve_changed(rib, 0);
	CHECK_INT(best_peer(rib, P), 1);
	CHECK_INT(best_peer(rib, Q), 1);
	CHECK_INT(sent_count(3, "A " P " path=[65002]"), 1);
	CHECK_INT(sent_count(3, "A " Q " path=[65002]"), 1);
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 2);
	CHECK_INT(st.fib_installed, 2);

	/* and gone again: Q withdrawn, P back on the other path */
	clear_sent();
	fake_down = "10.0.1.1";
	rib_resolve_changed(rib, 0);
	CHECK_INT(best_peer(rib, P), 0);
	CHECK_INT(nbest(rib, Q), 0);
	CHECK_INT(sent_count(3, "W " Q), 1);
	CHECK_INT(sent_count(3, "A " P " path=[65001 65009]"), 1);
	rib_stats(rib, &st);
	CHECK_INT(st.prefixes, 1);
	CHECK_INT(st.fib_installed, 1);
	fake_down = NULL;
	rib_free(rib);
}

int main(void)
{
	test_unresolvable_next_hop();
	test_decision();
	test_ecmp();
	test_max_paths_cut();
	test_policy();
	test_out_diffs();
	test_peer_up_down_refresh();
	test_programming_delay();
	return check_done();
}
