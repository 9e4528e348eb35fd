/* labctl-bgpd against BIRD 2 in two private namespaces joined by a veth pair.
 *
 * Round 1: BIRD initiates (ours passive). Routes both ways, in both kernels;
 * ROUTE-REFRESH both ways; BIRD silenced (SIGSTOP): ours declares it dead inside
 * (H-K, H] (RFC 4271: the hold timer restarts on every KEEPALIVE, BIRD sends one
 * every 0.75K..K); ours silenced: BIRD declares it dead inside [0.75H - K, H]
 * (BIRD jitters its hold timer too, docs/reference.md). Sessions come back after SIGCONT.
 * Round 2: ours initiates (BIRD passive); routes both ways; on SIGTERM ours takes
 * its routes out of the kernel. H = 3 s, K = 1 s on both sides. */
#include <arpa/inet.h>
#include <sys/wait.h>

#include "bird_pair.h"

#define H_MS 3000
#define K_MS 1000
#define POLL_NS (10 * NS_PER_MS)
#define TOL_NS (150 * NS_PER_MS) /* polling, scheduling */

static int start_ours(bool passive)
{
	return bp_start_ours(false,
	                     "max-paths 2\nnetwork 10.10.0.0/16\n"
	                     "neighbor 10.201.0.2 remote-as 65515 local-address 10.201.0.1 "
	                     "hold-ms %d keepalive-ms %d connect-retry-ms 1000%s\n",
	                     H_MS, K_MS, passive ? " passive" : "");
}

static int start_bird(bool passive)
{
	return bp_start_bird(
	    "protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }\n"
	    "protocol static lab_networks { ipv4; route 172.20.0.0/16 blackhole; }\n"
	    "protocol bgp n_10_201_0_1 {\n local 10.201.0.2 as 65515;\n"
	    " neighbor 10.201.0.1 as 64512;\n hold time %d;\n keepalive time %d;\n"
	    " connect retry time 1;\n connect delay time 1;\n error wait time 1, 2;\n%s"
	    " ipv4 { import all; export where source ~ [RTS_STATIC, RTS_BGP]; };\n}\n",
	    H_MS / 1000, K_MS / 1000, passive ? " passive on;\n" : "");
}

/* Session state as each side reports it ("" when it cannot be asked). */
static void ours_state(char *state, size_t len, char **show)
{
	struct bgp_svc_session v[4];
	char *reply = bp_ask_ours("show");
	state[0] = 0;
	if (!reply)
		return;
	if (bgp_svc_parse_bgpd_sessions(reply, v, 4) >= 1)
		snprintf(state, len, "%s", v[0].state);
	if (show)
		*show = reply;
	else
		free(reply);
}

static void bird_state(char *state, size_t len)
{
	struct bgp_svc_session v[4];
	char *reply = bp_ask_bird("show protocols");
	state[0] = 0;
	if (reply && bgp_svc_parse_bird_sessions(reply, v, 4) >= 1)
		snprintf(state, len, "%s", v[0].state);
	free(reply);
}

static bool wait_established(int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	char a[32], b[32];
	while (mono_ns() < end) {
		ours_state(a, sizeof(a), NULL);
		bird_state(b, sizeof(b));
		if (!strcmp(a, "Established") && !strcmp(b, "Established"))
			return true;
		sleep_ns(50 * NS_PER_MS);
	}
	fprintf(stderr, "not established: ours %s, bird %s\n", a, b);
	return false;
}

static bool wait_route(const char *ns, const char *prefix, const char *proto, int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	while (mono_ns() < end) {
		if (nsp_sh("ip -n %s route show %s proto %s | grep -q .", ns, prefix, proto) == 0)
			return true;
		sleep_ns(50 * NS_PER_MS);
	}
	return false;
}

static int count_in_file(const char *file, const char *a, const char *b)
{
	char *text;
	size_t len;
	if (read_file(file, &text, &len) < 0)
		return 0;
	int n = 0;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		n += strstr(l, a) && (!b || strstr(l, b));
	free(text);
	return n;
}

static bool wait_count(const char *file, const char *a, const char *b, int above)
{
	int64_t end = mono_ns() + 3 * NS_PER_SEC;
	while (mono_ns() < end) {
		if (count_in_file(file, a, b) > above)
			return true;
		sleep_ns(50 * NS_PER_MS);
	}
	return false;
}

/* From our journal: time between the last KEEPALIVE/UPDATE received and the
 * hold-timer expiry (RFC 4271: exactly the negotiated hold time). -1 if absent. */
static int64_t hold_gap(const char *file)
{
	char *text;
	size_t len;
	if (read_file(file, &text, &len) < 0)
		return -1;
	int64_t last_rx = -1, gap = -1;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		long long t;
		if (sscanf(l, "{\"t\":%lld", &t) != 1)
			continue;
		if (strstr(l, "\"ev\":\"rx\"") &&
		    (strstr(l, "\"type\":\"keepalive\"") || strstr(l, "\"type\":\"update\"")))
			last_rx = t;
		if (strstr(l, "\"ev\":\"state\"") && strstr(l, "hold-timer-expired") && gap < 0)
			gap = last_rx >= 0 ? t - last_rx : -1;
	}
	free(text);
	return gap;
}

/* Silences one side with SIGSTOP; returns how long the other took to leave
 * Established (ns), or -1. */
static int64_t last_stop_ns;

static int64_t silence(pid_t victim, bool watch_ours)
{
	char s[32];
	int64_t t0 = mono_ns();
	last_stop_ns = t0;
	kill(victim, SIGSTOP);
	int64_t end = t0 + 3 * H_MS * NS_PER_MS;
	int64_t det = -1;
	while (mono_ns() < end) {
		if (watch_ours)
			ours_state(s, sizeof(s), NULL);
		else
			bird_state(s, sizeof(s));
		if (s[0] && strcmp(s, "Established")) {
			det = mono_ns() - t0;
			break;
		}
		sleep_ns(POLL_NS);
	}
	kill(victim, SIGCONT);
	return det;
}

static void round1(void)
{
	char journal[160], bird_log[160], *show = NULL, s[32];
	snprintf(journal, sizeof(journal), "%s/events.jsonl", L.dir);
	snprintf(bird_log, sizeof(bird_log), "%s/bird.log", L.dir);
	CHECK_INT(start_ours(true), 0);
	CHECK_INT(start_bird(false), 0);
	CHECK(wait_established(15 * NS_PER_SEC));
	ours_state(s, sizeof(s), &show);
	CHECK(show && strstr(show, "\"conn\":\"in\"")); /* BIRD connected to us */
	free(show);
	/* routes both ways, in both kernels */
	CHECK(wait_route(L.net.ns[0], "172.20.0.0/16", "bgp", 5 * NS_PER_SEC));
	CHECK(wait_route(L.net.ns[1], "10.10.0.0/16", "bird", 5 * NS_PER_SEC));
	CHECK_INT(nsp_sh("ip -n %s route show 172.20.0.0/16 | grep -q 'via 10.201.0.2 dev vb0'",
	                 L.net.ns[0]),
	          1); /* the device is ours: va0 */
	CHECK_INT(nsp_sh("ip -n %s route show 172.20.0.0/16 | grep -q 'via 10.201.0.2 dev va0'",
	                 L.net.ns[0]),
	          0);

	/* ROUTE-REFRESH from us: BIRD re-sends its routes */
	char sock[160], *reply = NULL;
	snprintf(sock, sizeof(sock), "%s/bgpd.sock", L.dir);
	int rx_before = count_in_file(journal, "\"ev\":\"rx\"", "\"type\":\"update\"");
	CHECK_INT(bgp_svc_bgpd_request(sock, "refresh 10.201.0.2", &reply), 0);
	CHECK(reply && !strncmp(reply, "ok", 2));
	free(reply);
	CHECK(wait_count(journal, "\"ev\":\"tx\"", "\"type\":\"route-refresh\"", 0));
	CHECK(wait_count(journal, "\"ev\":\"rx\"", "\"type\":\"update\"", rx_before));
	/* ROUTE-REFRESH from BIRD (`reload in`): we re-send ours */
	int tx_before = count_in_file(journal, "\"ev\":\"tx\"", "\"type\":\"update\"");
	snprintf(sock, sizeof(sock), "%s/bird.ctl", L.dir);
	reply = NULL;
	CHECK_INT(bgp_svc_bird_request(sock, "reload in n_10_201_0_1", &reply), 0);
	free(reply);
	CHECK(wait_count(journal, "\"ev\":\"rx\"", "\"type\":\"route-refresh\"", 0));
	CHECK(wait_count(journal, "\"ev\":\"tx\"", "\"type\":\"update\"", tx_before));

	/* BIRD silenced: ours detects it in (H-K, H] */
	int64_t d = silence(L.bird, true);
	fprintf(stderr, "ours detected silent BIRD after %.3f s (window (%.3f, %.3f])\n", d / 1e9,
	        (H_MS - K_MS) / 1e3, H_MS / 1e3);
	CHECK(d > (int64_t)(H_MS - K_MS) * NS_PER_MS - TOL_NS);
	CHECK(d <= (int64_t)H_MS * NS_PER_MS + TOL_NS);
	CHECK(count_in_file(journal, "\"ev\":\"state\"", "hold-timer-expired") >= 1);
	int64_t gap = hold_gap(journal);
	fprintf(stderr, "ours: last KEEPALIVE received -> hold expiry: %.3f s\n", gap / 1e9);
	CHECK(gap >= (int64_t)H_MS * NS_PER_MS &&
	      gap <= (int64_t)H_MS * NS_PER_MS + 50 * NS_PER_MS);
	/* the route goes with the session */
	sleep_ns(200 * NS_PER_MS);
	CHECK_INT(nsp_sh("ip -n %s route show proto bgp | grep -q 172.20.0.0", L.net.ns[0]), 1);
	CHECK(wait_established(15 * NS_PER_SEC));
	CHECK(wait_route(L.net.ns[0], "172.20.0.0/16", "bgp", 5 * NS_PER_SEC));

	/* ours silenced: BIRD detects it in [0.75H - K, H] */
	sleep_ns(1500 * NS_PER_MS); /* BIRD's own hold timer restarted long ago */
	d = silence(L.ours, false);
	fprintf(stderr, "BIRD detected silent ours after %.3f s (window [%.3f, %.3f])\n", d / 1e9,
	        (0.75 * H_MS - K_MS) / 1e3, H_MS / 1e3);
	CHECK(d >= (int64_t)(0.75 * H_MS - K_MS) * NS_PER_MS - TOL_NS);
	CHECK(d <= (int64_t)H_MS * NS_PER_MS + TOL_NS);
	CHECK(count_in_file(bird_log, "Hold timer expired", NULL) >= 1);
	/* BIRD's log, converted to journal events on the monotonic clock, places
	 * its hold-timer expiry inside the same window */
	CHECK(bgp_svc_bird_log_sync(L.dir) >= 0);
	CHECK(count_in_file(journal, "\"src\":\"bird\"", "\"to\":\"Established\"") >= 2);
	char *text = NULL;
	size_t len;
	int64_t t_bird = -1;
	if (read_file(journal, &text, &len) == 0) {
		for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
			long long t;
			if (strstr(l, "\"src\":\"bird\"") && strstr(l, "Hold timer expired") &&
			    sscanf(l, "{\"t\":%lld", &t) == 1 && t > last_stop_ns)
				t_bird = t;
		}
		free(text);
	}
	fprintf(stderr, "BIRD's log: hold expiry %.3f s after ours stopped\n",
	        (t_bird - last_stop_ns) / 1e9);
	CHECK(t_bird - last_stop_ns >= (int64_t)(0.75 * H_MS - K_MS) * NS_PER_MS - TOL_NS);
	CHECK(t_bird - last_stop_ns <= (int64_t)H_MS * NS_PER_MS + TOL_NS);
	CHECK(wait_established(15 * NS_PER_SEC));
	nsp_stop(&L.ours, SIGTERM, BP_STOP_NS);
	nsp_stop(&L.bird, SIGTERM, BP_STOP_NS);
}

static void round2(void)
{
	char s[32], *show = NULL;
	CHECK_INT(start_ours(false), 0);
	CHECK_INT(start_bird(true), 0);
	CHECK(wait_established(15 * NS_PER_SEC));
	ours_state(s, sizeof(s), &show);
	CHECK(show && strstr(show, "\"conn\":\"out\"")); /* we connected */
	free(show);
	CHECK(wait_route(L.net.ns[0], "172.20.0.0/16", "bgp", 5 * NS_PER_SEC));
	CHECK(wait_route(L.net.ns[1], "10.10.0.0/16", "bird", 5 * NS_PER_SEC));
	/* exit removes our routes from the kernel */
	nsp_stop(&L.ours, SIGTERM, BP_STOP_NS);
	CHECK_INT(nsp_sh("ip -n %s route show proto bgp | grep -q .", L.net.ns[0]), 1);
	nsp_stop(&L.bird, SIGTERM, BP_STOP_NS);
}

int main(void)
{
	int pre = bp_setup("bgp", false);
	if (pre)
		return pre;
	round1();
	round2();
	if (check_failures)
		bp_show_logs();
	return check_done();
}
