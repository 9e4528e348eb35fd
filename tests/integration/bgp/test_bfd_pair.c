/* BFD between two labctl-bgpd in two namespaces (RFC 5880/5881, RFC 5882): BFD Up
 * on both with the negotiated values in `show`; then each side in turn silenced
 * (nftables drops its outgoing UDP to 3784 in its own namespace): the other detects
 * it between (M - 1) x I and M x I after the fault (its last packet came at most one
 * interval before), the BGP session goes down at that instant with CEASE 6/10, stays
 * down while BFD is, and both come back when the packets flow again. Finally SIGTERM
 * on A: B hears AdminDown, which does not take B's BGP down (RFC 5882 s3.2): the
 * CEASE does. I = 100 ms, M = 3; BGP hold 9 s, so only BFD can explain a drop. */
#include "pair.h"

#define I_NS (100 * NS_PER_MS)
#define M 3
#define SLACK_NS (60 * NS_PER_MS) /* scheduling, a loaded 2-core machine */

static void write_conf(int i)
{
	static const char *const tmpl =
	    "asn %s\nrouter-id 10.77.0.%d\ncontrol %s/%c.sock\njournal %s/%c.jsonl\n"
	    "port 1179\nnetwork %s\n"
	    "neighbor 10.77.0.%d remote-as %s local-address 10.77.0.%d hold-ms 9000 "
	    "keepalive-ms 3000 connect-retry-ms 500 bfd-interval-ms 100 bfd-multiplier 3\n";
	char path[160], text[1024];
	snprintf(path, sizeof(path), "%s/%c.conf", L.dir, 'a' + i);
	snprintf(text, sizeof(text), tmpl, i ? "65515" : "64512", i + 1, L.dir, 'a' + i, L.dir,
	         'a' + i, i ? "10.2.0.0/16" : "10.1.0.0/16", 2 - i, i ? "64512" : "65515", i + 1);
	write_file_atomic(path, text, strlen(text), 0600);
}

/* The journal line of node i that contains needle (static buffer), or NULL. */
static const char *journal_line_of(int i, const char *needle)
{
	static char line[1024];
	char path[160];
	const char *found = NULL;
	snprintf(path, sizeof(path), "%s/%c.jsonl", L.dir, 'a' + i);
	FILE *f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			found = line;
	if (f)
		fclose(f);
	return found;
}

static bool bfd_up(int i)
{
	const char *s = ctl(i, "show summary\n");
	return strstr(s, "\"bfd\":\"Up\"") && strstr(s, "\"state\":\"Established\"");
}

static bool steady(int i)
{
	const char *s = ctl(i, "show summary\n");
	return strstr(s, "\"detect_time_us\":300000") && strstr(s, "\"poll\":false") &&
	       strstr(s, "\"tx_interval_us\":100000");
}

/* nft runs in node i's namespace: only its outgoing BFD packets are dropped. */
static int nft(int i, bool drop)
{
	if (drop)
		return nsp_sh("ip netns exec %s nft 'add table inet labtest_bfd; add chain inet "
		              "labtest_bfd out { type filter hook output priority 0; }; add rule "
		              "inet labtest_bfd out udp dport 3784 drop'",
		              L.net.ns[i]);
	return nsp_sh("ip netns exec %s nft delete table inet labtest_bfd", L.net.ns[i]);
}

static void silence_side(int quiet)
{
	int other = !quiet;
	/* steady state first: both at the negotiated rate, no Poll Sequence running */
	CHECK(wait_for(steady, 0, 5 * NS_PER_SEC));
	CHECK(wait_for(steady, 1, 5 * NS_PER_SEC));
	int64_t t0 = mono_ns();
	CHECK(nft(quiet, true) == 0);
	int64_t t1 = mono_ns();
	int64_t det = wait_journal(other, t0, "\"ev\":\"bfd-down\"", "\"diag\":1,",
	                           M * I_NS + 2 * NS_PER_SEC);
	CHECK(det > 0);
	if (det > 0) {
		/* `ip netns exec nft` takes a while: the fault is somewhere in [t0, t1].
		 * The detecting side's last packet from the quiet one came at most one
		 * interval before t1 (and after t0 - I), and detection is exactly one
		 * detection time after it, plus the loop's wake-up. */
		long long last = 0;
		char needle[32];
		snprintf(needle, sizeof(needle), "\"t\":%lld", (long long)det);
		const char *line = journal_line_of(other, needle);
		const char *lr = line ? strstr(line, "\"last_rx_t\":") : NULL;
		CHECK(lr && sscanf(lr, "\"last_rx_t\":%lld", &last) == 1);
		fprintf(stderr,
		        "%c silenced (nft took %.1f ms): %c detected it %.1f ms after the last "
		        "packet (detection time %lld ms), %.1f ms after the rule was in\n",
		        'a' + quiet, (double)(t1 - t0) / 1e6, 'a' + other,
		        (double)(det - last) / 1e6, (long long)(M * I_NS / NS_PER_MS),
		        (double)(det - t1) / 1e6);
		CHECK(det - last >= M * I_NS);
		CHECK(det - last <= M * I_NS + SLACK_NS);
		CHECK(last >= t0 - I_NS - SLACK_NS && last <= t1);
		CHECK(det - t1 <= M * I_NS + SLACK_NS);
		/* the BGP session of the detecting side, at once */
		/* written after the bfd-down line: wait for it; its stamp is what counts */
		int64_t bgp = wait_journal(other, t0, "\"reason\":\"bfd-down\"", "\"to\":\"Idle\"",
		                           NS_PER_SEC);
		CHECK(bgp >= det && bgp - det < 20 * NS_PER_MS);
		/* the quiet side hears CEASE 6/10 over TCP (still flowing) */
		CHECK(wait_journal(quiet, t0, "\"type\":\"notification\"",
		                   "\"code\":6,\"subcode\":10", NS_PER_SEC) > 0);
	}
	/* down while BFD is: longer than connect-retry (500 ms) */
	usleep(1500 * 1000);
	CHECK(!established(other));
	CHECK(strstr(ctl(other, "show summary\n"), "\"bfd_down\":true"));
	/* heal: BFD first, then BGP */
	int64_t h = mono_ns();
	CHECK(nft(quiet, false) == 0);
	CHECK(wait_for(bfd_up, 0, 10 * NS_PER_SEC));
	CHECK(wait_for(bfd_up, 1, 5 * NS_PER_SEC));
	int64_t bu = journal_find(other, h, "\"ev\":\"bfd-up\"", NULL);
	int64_t eu = wait_journal(other, h, "\"to\":\"Established\"", NULL, 5 * NS_PER_SEC);
	CHECK(bu > 0 && eu > bu);
	if (bu > 0 && eu > 0)
		fprintf(stderr, "healed: BFD Up %.1f ms, BGP Established %.1f ms after\n",
		        (double)(bu - h) / 1e6, (double)(eu - h) / 1e6);
}

int main(void)
{
	const char *bgpd = NULL;
	int pre = pair_prereq(&bgpd);
	if (pre)
		return pre;
	if (nsp_sh("command -v nft >/dev/null"))
		return check_skip("needs nft (nftables) to silence one side");
	CHECK(pair_setup("bfd") == 0);
	for (int i = 0; i < 2; i++)
		write_conf(i);
	if (check_failures)
		return check_done();
	for (int i = 0; i < 2; i++)
		L.pid[i] = spawn(i, bgpd);

	/* 1. BFD Up and BGP Established on both; the negotiated values. */
	CHECK(wait_for(bfd_up, 0, 15 * NS_PER_SEC));
	CHECK(wait_for(bfd_up, 1, 5 * NS_PER_SEC));
	for (int i = 0; i < 2; i++) {
		CHECK(journal_find(i, 0, "\"ev\":\"bfd-up\"", NULL) > 0);
		const char *s = ctl(i, "show\n");
		CHECK(strstr(s, "\"tx_interval_us\":100000"));
		CHECK(strstr(s, "\"rx_interval_us\":100000"));
		CHECK(strstr(s, "\"detect_time_us\":300000"));
		CHECK(strstr(s, "\"remote_state\":\"Up\""));
		CHECK(strstr(s, "\"ttl\":0"));
	}
	if (check_failures) {
		fprintf(stderr, "logs and journals: %s (LABTEST_KEEP=1 keeps them)\n", L.dir);
		return check_done();
	}

	/* 2. Each side silenced in turn. */
	silence_side(1);
	silence_side(0);

	/* 3. SIGTERM on A: AdminDown first; B's BGP ends by the CEASE, not by BFD. */
	int64_t t0 = mono_ns();
	int status = stop(0, SIGTERM);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(wait_journal(1, t0, "\"ev\":\"bfd-down\"", "\"remote_admin_down\":true", NS_PER_SEC) >
	      0);
	CHECK(wait_journal(1, t0, "\"reason\":\"notification-received\"", NULL, NS_PER_SEC) > 0);
	CHECK(journal_find(1, t0, "\"reason\":\"bfd-down\"", NULL) < 0);
	if (check_failures)
		fprintf(stderr, "logs and journals: %s (LABTEST_KEEP=1 keeps them)\n", L.dir);
	return check_done();
}
