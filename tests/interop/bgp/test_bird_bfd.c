/* BFD between labctl-bgpd and BIRD 2 in two private namespaces (RFC 5880/5881,
 * RFC 5882): both BFD sessions Up with the negotiated values, then each side in
 * turn silenced (nftables in its own namespace drops its outgoing UDP to 3784): the
 * other side detects it within multiplier x interval of the fault (plus scheduling
 * slack), the BGP session goes down at once, stays down while BFD is down, and both
 * come back when the packets flow again. I = 100 ms, M = 3 on both sides; BGP hold
 * 9 s, so within these windows only BFD can take a session down. */
#include "bird_pair.h"

#define I_MS 100
#define M 3
#define I_NS ((int64_t)I_MS * NS_PER_MS)
#define SLACK_NS (80 * NS_PER_MS) /* scheduling on a loaded machine; polling BIRD */

static int start_ours(void)
{
	return bp_start_ours(true,
	                     "network 10.10.0.0/16\n"
	                     "neighbor 10.201.0.2 remote-as 65515 local-address 10.201.0.1 "
	                     "hold-ms 9000 keepalive-ms 3000 connect-retry-ms 1000 "
	                     "bfd-interval-ms %d bfd-multiplier %d\n",
	                     I_MS, M);
}

/* The BFD block as lab/bgp_svc/speaker_conf.c writes it for a topology's
 * `bfd: {interval, multiplier}`. */
static int start_bird(void)
{
	return bp_start_bird(
	    "protocol bfd { }\n"
	    "protocol static lab_networks { ipv4; route 172.20.0.0/16 blackhole; }\n"
	    "protocol bgp n_10_201_0_1 {\n local 10.201.0.2 as 65515;\n"
	    " neighbor 10.201.0.1 as 64512;\n hold time 9;\n keepalive time 3;\n"
	    " connect retry time 1;\n connect delay time 1;\n error wait time 1, 2;\n"
	    " bfd { min rx interval %d ms; min tx interval %d ms; multiplier %d; };\n"
	    " ipv4 { import all; export where source ~ [RTS_STATIC, RTS_BGP]; };\n}\n",
	    I_MS, I_MS, M);
}

static char *ours_show(void)
{
	return bp_ask_ours("show summary");
}

static bool ours_up(void)
{
	char *s = ours_show();
	bool up = s && strstr(s, "\"state\":\"Established\"") && strstr(s, "\"bfd\":\"Up\"");
	free(s);
	return up;
}

/* BIRD's BFD session with us and its BGP protocol, as it reports them. */
static bool bird_bfd_up(void)
{
	char *r = bp_ask_bird("show bfd sessions");
	const char *l = r ? strstr(r, "10.201.0.1") : NULL;
	const char *eol = l ? strchr(l, '\n') : NULL;
	const char *up = l ? strstr(l, " Up ") : NULL;
	bool ok = up && (!eol || up < eol);
	free(r);
	return ok;
}

/* Ours at the negotiated rate with no Poll Sequence running, and BIRD Up. */
static bool steady(void)
{
	char *s = ours_show();
	bool ok = s && strstr(s, "\"detect_time_us\":300000") && strstr(s, "\"poll\":false") &&
	          strstr(s, "\"tx_interval_us\":100000") &&
	          strstr(s, "\"remote_desired_min_tx_us\":100000");
	free(s);
	return ok && bird_bfd_up();
}

static bool bird_established(void)
{
	char *r = bp_ask_bird("show protocols");
	struct bgp_svc_session v[4];
	bool ok = r && bgp_svc_parse_bird_sessions(r, v, 4) >= 1 && v[0].established;
	free(r);
	return ok;
}

static bool all_up(void)
{
	return ours_up() && bird_bfd_up() && bird_established();
}

static bool wait_pred(bool (*pred)(void), int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	while (mono_ns() < end) {
		if (pred())
			return true;
		sleep_ns(20 * NS_PER_MS);
	}
	return false;
}

/* First line of our journal after t_min with both needles (its text in line). */
static int64_t journal_find(int64_t t_min, const char *a, const char *b, char *line, size_t cap)
{
	char path[160], buf[2048];
	snprintf(path, sizeof(path), "%s/events.jsonl", L.dir);
	FILE *f = fopen(path, "r");
	int64_t found = -1;
	while (f && found < 0 && fgets(buf, sizeof(buf), f)) {
		long long t;
		if (sscanf(buf, "{\"t\":%lld", &t) == 1 && t > t_min && strstr(buf, a) &&
		    (!b || strstr(buf, b))) {
			found = t;
			if (line)
				snprintf(line, cap, "%s", buf);
		}
	}
	if (f)
		fclose(f);
	return found;
}

static int64_t wait_journal(int64_t t_min, const char *a, const char *b, char *line, size_t cap,
                            int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns, t;
	while ((t = journal_find(t_min, a, b, line, cap)) < 0 && mono_ns() < end)
		sleep_ns(10 * NS_PER_MS);
	return t;
}

static int nft(int side, bool drop)
{
	if (drop)
		return nsp_sh("ip netns exec %s nft 'add table inet labtest_bfd; add chain inet "
		              "labtest_bfd out { type filter hook output priority 0; }; add rule "
		              "inet labtest_bfd out udp dport 3784 drop'",
		              L.net.ns[side]);
	return nsp_sh("ip netns exec %s nft delete table inet labtest_bfd", L.net.ns[side]);
}

static void heal(int side)
{
	int64_t h = mono_ns();
	CHECK_INT(nft(side, false), 0);
	CHECK(wait_pred(all_up, 15 * NS_PER_SEC));
	int64_t bu = journal_find(h, "\"ev\":\"bfd-up\"", NULL, NULL, 0);
	int64_t eu = journal_find(h, "\"ev\":\"state\"", "\"to\":\"Established\"", NULL, 0);
	CHECK(bu > 0 && eu > bu); /* BGP only after BFD (RFC 5882) */
	fprintf(stderr, "healed: our BFD Up %.0f ms, BGP Established %.0f ms after\n",
	        (double)(bu - h) / 1e6, (double)(eu - h) / 1e6);
}

/* BIRD's BFD packets dropped: ours detects (diagnostic 1), its BGP goes down at
 * once and stays down until BFD is back. */
static void silence_bird(void)
{
	char line[2048] = "";
	CHECK(wait_pred(steady, 5 * NS_PER_SEC));
	int64_t t0 = mono_ns();
	CHECK_INT(nft(1, true), 0);
	int64_t t1 = mono_ns();
	int64_t det = wait_journal(t0, "\"ev\":\"bfd-down\"", "\"diag\":1,", line, sizeof(line),
	                           M * I_NS + 3 * NS_PER_SEC);
	CHECK(det > 0);
	long long last = 0;
	const char *lr = strstr(line, "\"last_rx_t\":");
	CHECK(lr && sscanf(lr, "\"last_rx_t\":%lld", &last) == 1);
	fprintf(stderr,
	        "BIRD silenced (nft took %.0f ms): ours detected it %.1f ms after BIRD's last "
	        "packet, %.1f ms after the rule was in (M x I = %d ms)\n",
	        (double)(t1 - t0) / 1e6, (double)(det - last) / 1e6, (double)(det - t1) / 1e6,
	        M * I_MS);
	/* exactly one detection time after the last packet; that packet came at most
	 * one (jittered, <= I) interval before the fault */
	CHECK(det - last >= M * I_NS && det - last <= M * I_NS + SLACK_NS);
	CHECK(last >= t0 - I_NS - SLACK_NS && last <= t1);
	CHECK(det - t1 <= M * I_NS + SLACK_NS);
	/* The state line follows the bfd-down line (a NOTIFICATION is sent between):
	 * wait for it to be written; its stamp, not when it is read, is what counts. */
	int64_t bgp =
	    wait_journal(t0, "\"reason\":\"bfd-down\"", "\"to\":\"Idle\"", NULL, 0, NS_PER_SEC);
	CHECK(bgp >= det && bgp - det < 20 * NS_PER_MS);
	sleep_ns(2 * NS_PER_SEC); /* BIRD's connect retry is 1 s: we must refuse */
	char *s = ours_show();
	CHECK(s && !strstr(s, "\"state\":\"Established\"") && strstr(s, "\"bfd_down\":true"));
	free(s);
	heal(1);
}

/* Our BFD packets dropped: BIRD detects, and ours learns it from BIRD's Down
 * (diagnostic 3); both BGP sides go down. */
static void silence_ours(void)
{
	CHECK(wait_pred(steady, 5 * NS_PER_SEC));
	int64_t t0 = mono_ns();
	CHECK_INT(nft(0, true), 0);
	int64_t t1 = mono_ns(), det = -1, bgp_down = -1;
	while (mono_ns() < t1 + M * I_NS + 3 * NS_PER_SEC && (det < 0 || bgp_down < 0)) {
		if (det < 0 && !bird_bfd_up())
			det = mono_ns();
		if (bgp_down < 0 && !bird_established())
			bgp_down = mono_ns();
		sleep_ns(5 * NS_PER_MS);
	}
	CHECK(det > 0);
	fprintf(stderr,
	        "ours silenced (nft took %.0f ms): BIRD's BFD left Up %.1f..%.1f ms after the "
	        "fault (window [%d, %d] ms + slack), its BGP %.1f ms after its BFD\n",
	        (double)(t1 - t0) / 1e6, (double)(det - t1) / 1e6, (double)(det - t0) / 1e6,
	        (M - 1) * I_MS, M * I_MS, (double)(bgp_down - det) / 1e6);
	CHECK(det - t0 >= (M - 1) * I_NS - SLACK_NS);
	CHECK(det - t1 <= M * I_NS + SLACK_NS);
	/* ours hears BIRD's Down (diagnostic 1 on BIRD's side, 3 on ours) */
	int64_t od = wait_journal(t0, "\"ev\":\"bfd-down\"", "\"diag\":3,", NULL, 0, NS_PER_SEC);
	CHECK(od > 0);
	/* Our session leaves Established by whichever of BIRD's two messages arrives
	 * first: its BFD Down (then reason bfd-down, after od) or the Cease BIRD sends as
	 * its BGP session goes down with its BFD (the CI runs saw both orders). */
	char idle[2048] = "";
	int64_t gone =
	    wait_journal(t0, "\"ev\":\"state\"", "\"to\":\"Idle\"", idle, sizeof(idle), NS_PER_SEC);
	CHECK(gone > 0);
	if (strstr(idle, "\"reason\":\"bfd-down\""))
		CHECK(gone >= od);
	else
		CHECK(strstr(idle, "\"reason\":\"notification-received") &&
		      gone - t0 >= (M - 1) * I_NS - SLACK_NS);
	/* BIRD's BGP session went down with its BFD (to our polling's resolution: two
	 * birdc requests) */
	CHECK(bgp_down > 0 && bgp_down - det < SLACK_NS);
	sleep_ns(2 * NS_PER_SEC);
	CHECK(!bird_established());
	heal(0);
}

int main(void)
{
	int pre = bp_setup("bfd", true);
	if (pre)
		return pre;
	CHECK_INT(start_ours(), 0);
	CHECK_INT(start_bird(), 0);
	CHECK(wait_pred(all_up, 20 * NS_PER_SEC));
	char *s = ours_show();
	CHECK(s && strstr(s, "\"tx_interval_us\":100000") &&
	      strstr(s, "\"detect_time_us\":300000") && strstr(s, "\"remote_multiplier\":3") &&
	      strstr(s, "\"remote_state\":\"Up\""));
	free(s);
	if (!check_failures) {
		silence_bird();
		silence_ours();
	}
	if (check_failures)
		bp_show_logs();
	return check_done();
}
