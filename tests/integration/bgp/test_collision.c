/* Connection collision (RFC 4271 s6.8) between two labctl-bgpd over real TCP, both
 * ways. Both speakers are active. nft in both namespaces drops every BGP segment
 * that carries data, so both TCP connections (a->b and b->a) come up while every
 * OPEN is lost (SYNs are held back first, so that both sides' connects are under
 * way at once). With both speakers stopped (SIGSTOP) the rule goes and TCP
 * delivers the OPENs; the rule returns before SIGCONT, so each speaker handles the
 * OPENs of both connections before anything it answers reaches the other: the
 * second OPEN finds the first connection in OpenConfirm on both sides. The
 * connection initiated by the speaker with the higher BGP identifier must survive
 * on both sides, the other is closed with CEASE 6/7 by both. Round 1: b has the
 * higher id; round 2: a has. */
#include "pair.h"

static void write_conf(int i, int round)
{
	/* Round 1: ids are the addresses (b higher). Round 2: a gets 10.77.9.9. */
	static const char *const tmpl =
	    "asn %s\nrouter-id %s\ncontrol %s/%c.sock\njournal %s/%c.jsonl\nport 1179\n"
	    "neighbor 10.77.0.%d remote-as %s local-address 10.77.0.%d hold-ms 9000 "
	    "keepalive-ms 3000 connect-retry-ms 400\n";
	char path[160], text[1024], id[32];
	if (round == 2 && i == 0)
		snprintf(id, sizeof(id), "10.77.9.9");
	else
		snprintf(id, sizeof(id), "10.77.0.%d", i + 1);
	snprintf(path, sizeof(path), "%s/%c.conf", L.dir, 'a' + i);
	snprintf(text, sizeof(text), tmpl, i ? "65515" : "64512", id, L.dir, 'a' + i, L.dir,
	         'a' + i, 2 - i, i ? "64512" : "65515", i + 1);
	write_file_atomic(path, text, strlen(text), 0600);
}

/* nft tables in each namespace, one per phase: "syn" drops connection attempts,
 * "data" every BGP segment with payload (IP length > 64: SYNs of 60 and pure ACKs of
 * 52 octets pass). */
static int nft(const char *table, bool on)
{
	const char *match =
	    !strcmp(table, "syn") ? "tcp flags & (syn | ack) == syn" : "ip length > 64";
	for (int i = 0; i < 2; i++) {
		int r =
		    on ? nsp_sh(
		             "ip netns exec %s nft 'add table inet bgp%s; add chain inet bgp%s out "
		             "{ type filter hook output priority 0; }; "
		             "add rule inet bgp%s out tcp dport 1179 %s drop; "
		             "add rule inet bgp%s out tcp sport 1179 %s drop'",
		             L.net.ns[i], table, table, table, match, table, match)
		       : nsp_sh("ip netns exec %s nft delete table inet bgp%s", L.net.ns[i], table);
		if (r)
			return -1;
	}
	return 0;
}

/* Both BGP connections of namespace i hold received data and have nothing left to
 * send: the retransmitted OPENs have all arrived. */
static bool opens_delivered(int i)
{
	char cmd[256], line[256];
	snprintf(cmd, sizeof(cmd),
	         "ip netns exec %s ss -Htn state established "
	         "'( sport = :1179 or dport = :1179 )'",
	         L.net.ns[i]);
	FILE *p = popen(cmd, "r");
	int ready = 0, lines = 0;
	while (p && fgets(line, sizeof(line), p)) {
		unsigned rq, sq;
		lines++;
		if (sscanf(line, "%u %u", &rq, &sq) == 2 && rq > 0 && sq == 0)
			ready++;
	}
	if (p)
		pclose(p);
	return lines == 2 && ready == 2;
}

static const char *conn_of(int i)
{
	const char *show = ctl(i, "show\n");
	if (strstr(show, "\"conn\":\"out\""))
		return "out";
	if (strstr(show, "\"conn\":\"in\""))
		return "in";
	return "none";
}

static int g_winner; /* the side whose connection must survive (round_) */

static bool survivor_settled(int unused)
{
	(void)unused;
	return !strcmp(conn_of(g_winner), "out") && !strcmp(conn_of(!g_winner), "in");
}

/* OPENs journaled by speaker i in one direction ("tx" or "rx"). */
static int opens(int i, const char *ev)
{
	char path[160], line[1024], key[32];
	int n = 0;
	snprintf(path, sizeof(path), "%s/%c.jsonl", L.dir, 'a' + i);
	snprintf(key, sizeof(key), "\"ev\":\"%s\"", ev);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, key) && strstr(line, "\"type\":\"open\"");
	if (f)
		fclose(f);
	return n;
}

/* Both connections up with the OPENs held back: one OPEN sent on each. */
static bool two_opens_sent(int i)
{
	return opens(i, "tx") >= 2;
}

/* Both OPENs handled, so the collision has been resolved on this side. */
static bool two_opens_received(int i)
{
	return opens(i, "rx") >= 2;
}

static void round_(const char *bgpd, int round, int winner_initiator)
{
	for (int i = 0; i < 2; i++) {
		char path[160];
		snprintf(path, sizeof(path), "%s/%c.jsonl", L.dir, 'a' + i);
		unlink(path);
		write_conf(i, round);
	}
	/* Accepting a connection stops our own ConnectRetry (RFC 4271 s8.2.2), so two
	 * connections only exist when both connects are under way before either side
	 * accepts: hold every SYN back until both speakers are retrying. */
	CHECK(nft("syn", true) == 0);
	CHECK(nft("data", true) == 0);
	int64_t t0 = mono_ns();
	for (int i = 0; i < 2; i++)
		L.pid[i] = spawn(i, bgpd);
	usleep(1200 * 1000);
	CHECK(nft("syn", false) == 0);
	/* Each side now connects and accepts: two connections, an OPEN sent on each. */
	CHECK(wait_for(two_opens_sent, 0, 5 * NS_PER_SEC));
	CHECK(wait_for(two_opens_sent, 1, 5 * NS_PER_SEC));
	/* Both speakers stopped, the OPENs let through: TCP delivers them into the
	 * receive buffers, and on SIGCONT each speaker reads an OPEN on both of its
	 * connections in one go, so one is in OpenConfirm when the other's OPEN is
	 * handled, whatever the retransmission timing was. */
	for (int i = 0; i < 2; i++)
		kill(L.pid[i], SIGSTOP);
	CHECK(nft("data", false) == 0);
	CHECK(wait_for(opens_delivered, 0, 10 * NS_PER_SEC));
	CHECK(wait_for(opens_delivered, 1, 10 * NS_PER_SEC));
	/* What each speaker sends after its first OPEN (a KEEPALIVE on that
	 * connection) is held back again until both have handled both OPENs: were the
	 * second speaker resumed after the first's KEEPALIVE reached it, it would read
	 * OPEN and KEEPALIVE on one connection, be Established on it, and RFC 4271
	 * s6.8 then has it keep that one and close the other; both connections close
	 * and whichever reconnects first survives, by timing rather than identifier. */
	CHECK(nft("data", true) == 0);
	for (int i = 0; i < 2; i++)
		kill(L.pid[i], SIGCONT);
	CHECK(wait_for(two_opens_received, 0, 5 * NS_PER_SEC));
	CHECK(wait_for(two_opens_received, 1, 5 * NS_PER_SEC));
	CHECK(nft("data", false) == 0);
	CHECK(wait_for(established, 0, 10 * NS_PER_SEC));
	CHECK(wait_for(established, 1, 10 * NS_PER_SEC));
	/* The survivor is the connection the winner initiated: "out" on the winner's
	 * side, "in" on the other; read once it is Established, and again half a
	 * second later, so that a loser closed late would be seen. */
	g_winner = winner_initiator;
	CHECK(wait_for(survivor_settled, 0, NS_PER_SEC));
	usleep(500 * 1000);
	CHECK_STR(conn_of(winner_initiator), "out");
	CHECK_STR(conn_of(!winner_initiator), "in");
	/* Each side handled the second OPEN while the first connection was in
	 * OpenConfirm, so each closed the loser itself with CEASE 6/7. */
	int ceases = 0;
	for (int i = 0; i < 2; i++)
		ceases += journal_find(i, t0, "\"ev\":\"tx\"", "\"code\":6,\"subcode\":7") > 0;
	CHECK(ceases == 2);
	if (check_failures)
		fprintf(stderr, "round %d failed; logs and journals: %s (LABTEST_KEEP=1)\n", round,
		        L.dir);
	for (int i = 0; i < 2; i++)
		stop(i, SIGTERM);
}

int main(void)
{
	const char *bgpd = NULL;
	int pre = pair_prereq(&bgpd);
	if (pre)
		return pre;
	if (nsp_sh("command -v nft >/dev/null"))
		return check_skip("nft (nftables) not installed");
	CHECK(pair_setup("bgpc") == 0);
	if (check_failures)
		return check_done();
	round_(bgpd, 1, 1); /* b = 10.77.0.2 > a = 10.77.0.1: b's connection wins */
	round_(bgpd, 2, 0); /* a = 10.77.9.9 > b: a's connection wins */
	return check_done();
}
