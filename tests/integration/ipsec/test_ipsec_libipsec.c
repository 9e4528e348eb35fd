/* The ipsec service for real, with the libipsec backend (this machine's kernel has
 * no ESP): dual-tunnel's network, one charon per gateway, both tunnels up and
 * carrying traffic (SA counters), the plugin's events in order in the journals, the
 * key nowhere it must not be, an authentication failure and a proposal mismatch
 * (the latter from a topology file) reported with the tunnel and the reason within
 * a bounded time, a killed charon detected. Everything under a private run root
 * and lab names with our pid; torn down even when checks fail. */
#include <dirent.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "ipsec/backend.h"
#include "ipsec/sa_status.h"
#include "ipsec/ipsec_service.h"
#include "ipsec/vici.h"
#include "netns/netns.h"
#include "run/net.h"
#include "run/run.h"
#include "topo/topo.h"

#define PSK "aliazu12345"

/* Built twice: libipsec (this machine) and xfrm (kernel ESP: under user-mode Linux,
 * see uml-xfrm.sh, or on any kernel that has ESP). */
#ifndef IPSEC_TEST_BACKEND
#define IPSEC_TEST_BACKEND "libipsec"
#endif

struct lab {
	struct run_lab run;
	struct topo *topo;
	struct run_net net;
	struct lab_ctx ctx;
	bool created;
};

static int lab_up_tweaked(struct lab *L, const char *name, const char *topo_path,
                          void (*tweak)(struct topo *));

static int lab_up(struct lab *L, const char *name, const char *topo_path)
{
	return lab_up_tweaked(L, name, topo_path, NULL);
}

static int lab_up_tweaked(struct lab *L, const char *name, const char *topo_path,
                          void (*tweak)(struct topo *))
{
	struct topo_diags d = {0};
	memset(L, 0, sizeof(*L));
	if (topo_load(topo_path, &L->topo, &d) < 0) {
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		return -1;
	}
	topo_diags_free(&d);
	if (tweak)
		tweak(L->topo);
	if (run_lab_create(name, &L->run) < 0)
		return -1;
	L->created = true;
	/* as `up` does: the lab keeps its topology (0600) for status and labctl ipsec */
	char copy[PATH_MAX + 16], *text = NULL;
	size_t n;
	snprintf(copy, sizeof(copy), "%s/topology.yaml", L->run.dir);
	if (read_file(topo_path, &text, &n) < 0 || write_file_atomic(copy, text, n, 0600) < 0) {
		free(text);
		return lab_err(LAB_EXIT_FAIL, "copying %s", topo_path);
	}
	free(text);
	if (run_net_build(&L->run, L->topo, &L->net) < 0)
		return -1;
	L->ctx = (struct lab_ctx){.run = &L->run, .topo = L->topo, .time_scale = 1.0};
	snprintf(L->ctx.ipsec_backend, sizeof(L->ctx.ipsec_backend), "%s", IPSEC_TEST_BACKEND);
	return ipsec_service.start(&L->ctx);
}

/* Polls ready() like `up` does; returns its final value and the elapsed time. */
static int wait_ready(struct lab *L, int64_t limit_ns, int64_t *took, char *why, size_t len)
{
	int64_t t0 = mono_ns();
	int r;
	do {
		r = ipsec_service.ready(&L->ctx, why, len);
		if (r != 0)
			break;
		sleep_ns(100 * NS_PER_MS);
	} while (mono_ns() - t0 < limit_ns);
	*took = mono_ns() - t0;
	return r;
}

static void lab_down(struct lab *L, const char *name)
{
	if (L->created) {
		run_net_close(&L->net);
		run_lab_close(&L->run);
		struct run_down_stats st;
		if (run_lab_down(name, &st) < 0)
			fprintf(stderr, "down %s: %s\n", name, lab_err_msg());
	}
	if (L->topo)
		topo_free(L->topo);
}

static char *journal_of(struct lab *L, const char *node)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], *text = NULL;
	size_t n;
	run_node_dir(&L->run, node, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	return read_file(path, &text, &n) == 0 ? text : NULL;
}

/* ike-up then child-up for the tunnel, from the plugin (src ike), in this order. */
static void check_journal_order(struct lab *L, const char *node, const char *tunnel)
{
	char *text = journal_of(L, node), pat[64];
	CHECK(text != NULL);
	if (!text)
		return;
	snprintf(pat, sizeof(pat), "\"tunnel\":\"%s\"", tunnel);
	char *ike = strstr(text, "\"src\":\"ike\",\"ev\":\"ike-up\"");
	char *child = strstr(text, "\"src\":\"ike\",\"ev\":\"child-up\"");
	CHECK(ike != NULL);
	CHECK(child != NULL);
	CHECK(ike && child && ike < child);
	CHECK(strstr(text, pat) != NULL);
	CHECK(strstr(text, "\"spi_in\":\"") != NULL);
	free(text);
}

/* The key may only be in the lab's 0600 copy of the topology; never in charon's
 * files, journals, configs or any process's argv. */
static void check_no_key_leak(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			check_no_key_leak(path);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		char *text = NULL;
		size_t n;
		if (read_file(path, &text, &n) < 0)
			continue;
		if (memmem(text, n, PSK, strlen(PSK))) {
			bool allowed = !strcmp(e->d_name, "topology.yaml") && !(st.st_mode & 0077);
			if (!allowed)
				fprintf(stderr, "key found in %s (mode %o)\n", path,
				        st.st_mode & 0777);
			CHECK(allowed);
		}
		free(text);
	}
	closedir(d);
}

static void check_no_key_in_argv(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[300], *text = NULL;
		size_t n;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if (read_file(path, &text, &n) < 0)
			continue;
		bool leak = memmem(text, n, PSK, strlen(PSK)) != NULL;
		if (leak)
			fprintf(stderr, "key in argv of pid %s\n", e->d_name);
		CHECK(!leak);
		free(text);
	}
	if (d)
		closedir(d);
}

/* Stands in for the node's BGP speaker (docs/bgpd.md): collects request lines. */
struct fake_speaker {
	int fd;
	char got[512];
};

static int speaker_listen(struct lab *L, const char *node, struct fake_speaker *sp)
{
	char dir[PATH_MAX];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memset(sp, 0, sizeof(*sp));
	run_node_dir(&L->run, node, dir, sizeof(dir));
	if (strlen(dir) + sizeof("/bgpd.sock") > sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, dir, strlen(dir));
	strcat(sa.sun_path, "/bgpd.sock");
	sp->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (sp->fd < 0 || bind(sp->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(sp->fd, 8) < 0)
		return -1;
	return 0;
}

/* Serves requests for up to ns, answering "ok" like the speaker. */
static void speaker_serve(struct fake_speaker *sp, int64_t ns)
{
	int64_t end = mono_ns() + ns;
	while (mono_ns() < end) {
		struct pollfd p = {.fd = sp->fd, .events = POLLIN};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int c = accept(sp->fd, NULL, NULL);
		if (c < 0)
			continue;
		struct pollfd q = {.fd = c, .events = POLLIN};
		char buf[128];
		ssize_t n = poll(&q, 1, 1000) > 0 ? read(c, buf, sizeof(buf) - 1) : 0;
		if (n > 0) {
			buf[n] = '\0';
			strncat(sp->got, buf, sizeof(sp->got) - strlen(sp->got) - 1);
		}
		(void)!write(c, "ok\n", 3);
		close(c);
	}
}

/* `labctl ipsec LAB NODE --json` from the build tree (it inherits LABCTL_RUN_DIR). */
static void labctl_ipsec(const char *lab)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 128], out[8192] = "";
	/* uml-xfrm.sh: a sanitized labctl cannot run inside UML (no room for ASan) */
	if (getenv("LABCTL_TEST_NO_CLI"))
		return;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	/* <build>/tests/integration/ipsec/test-... -> <build>/labctl */
	for (int up = 0; up < 4; up++)
		*strrchr(exe, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "%s/labctl ipsec %s ali-vpn0 --json", exe, lab);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	size_t len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	CHECK_INT(pclose(p), 0);
	CHECK(strstr(out, "\"name\":\"tun0\"") != NULL);
	CHECK(strstr(out, "\"child_state\":\"INSTALLED\"") != NULL);
	CHECK(strstr(out, "\"charon\":\"running\"") != NULL);
}

static int vici_on(struct lab *L, const char *node, struct ipsec_vici **v)
{
	char dir[PATH_MAX];
	struct ipsec_paths p;
	run_node_dir(&L->run, node, dir, sizeof(dir));
	ipsec_paths_init(&p, dir);
	return ipsec_vici_open(p.vici, v);
}

static void status_check(struct lab *L, const char *expect0, const char *expect1)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	CHECK(ipsec_status_json(&L->run, L->topo, &j) == 0);
	json_obj_end(&j);
	size_t len;
	const char *text = json_out(&j, &len);
	char want[64];
	snprintf(want, sizeof(want), "\"name\":\"tun0\",\"state\":\"%s\"", expect0);
	CHECK(text && strstr(text, want));
	snprintf(want, sizeof(want), "\"name\":\"tun1\",\"state\":\"%s\"", expect1);
	CHECK(text && strstr(text, want));
	CHECK(text && strstr(text, "\"backend\":\"" IPSEC_TEST_BACKEND));
	if (getenv("VERBOSE") && text)
		printf("%s\n", text);
	json_free(&j);
}

/* Both tunnels up with traffic, then an authentication failure on tun0 (the peer's
 * key replaced over VICI, as a fault would) and a killed charon on tun1. */
static void scenario_good(const char *name)
{
	struct lab L;
	char why[256] = "", topo[PATH_MAX];
	int64_t took;
	snprintf(topo, sizeof(topo), "%s/topologies/dual-tunnel.yaml", LABCTL_SOURCE_ROOT);
	int rc = lab_up(&L, name, topo);
	if (rc < 0)
		fprintf(stderr, "up: %s\n", lab_err_msg());
	CHECK(rc == 0);
	if (rc == 0) {
		int r = wait_ready(&L, 30 * NS_PER_SEC, &took, why, sizeof(why));
		if (r != 1)
			fprintf(stderr, "not ready: %s / %s\n", why, r < 0 ? lab_err_msg() : "");
		CHECK_INT(r, 1);
		printf("both tunnels ready (CHILD_SAs installed, ping counted) in %.2f s\n",
		       (double)took / NS_PER_SEC);
		status_check(&L, "up", "up");
		check_journal_order(&L, "ali-vpn0", "tun0");
		check_journal_order(&L, "azure-vpn0", "tun0");
		check_journal_order(&L, "ali-vpn1", "tun1");
		check_journal_order(&L, "azure-vpn1", "tun1");
		check_no_key_leak(L.run.dir);
		check_no_key_in_argv();
		labctl_ipsec(name);

		/* authentication failure: azure-vpn0 now holds another key for tun0 */
		struct ipsec_vici *v;
		struct vmsg m;
		struct fake_speaker sp;
		CHECK(speaker_listen(&L, "ali-vpn0", &sp) == 0);
		CHECK(vici_on(&L, "azure-vpn0", &v) == 0);
		CHECK(ipsec_msg_load_shared(L.topo, 0, 1, "not-the-key", &m) == 0);
		CHECK(ipsec_vici_call(v, &m) == 0);
		vmsg_free(&m);
		ipsec_vici_close(v);
		CHECK(vici_on(&L, "ali-vpn0", &v) == 0);
		CHECK(ipsec_msg_terminate("tun0", &m) == 0);
		CHECK(ipsec_vici_call(v, &m) == 0);
		vmsg_free(&m);
		lab_err_clear();
		/* terminate is async: the plugin tells the speaker the tunnel went down */
		speaker_serve(&sp, 1000 * NS_PER_MS);
		CHECK(strstr(sp.got, "tunnel tun0 down\n") != NULL);
		if (sp.fd >= 0)
			close(sp.fd);
		char *jd = journal_of(&L, "ali-vpn0");
		char *cd = jd ? strstr(jd, "\"ev\":\"child-down\"") : NULL;
		char *id = jd ? strstr(jd, "\"ev\":\"ike-down\"") : NULL;
		/* charon signals an IKE_SA down before it destroys the IKE_SA's CHILD_SAs */
		CHECK(cd && id && id < cd);
		if (!(cd && id && id < cd))
			fprintf(stderr, "ali-vpn0 journal:\n%s", jd ? jd : "(none)");
		free(jd);
		CHECK(ipsec_msg_initiate("tun0", 0, &m) == 0);
		ipsec_vici_call(v, &m); /* fails: that is the point */
		lab_err_clear();
		vmsg_free(&m);
		ipsec_vici_close(v);
		r = wait_ready(&L, 15 * NS_PER_SEC, &took, why, sizeof(why));
		CHECK_INT(r, -1);
		printf("auth failure reported in %.2f s: %s\n", (double)took / NS_PER_SEC,
		       lab_err_msg());
		CHECK(strstr(lab_err_msg(), "tun0") != NULL);
		CHECK(strstr(lab_err_msg(), "auth") != NULL);
		CHECK(took < 15 * NS_PER_SEC);
		char *j = journal_of(&L, "azure-vpn0");
		CHECK(j && strstr(j, "\"alert\":\"peer-auth-failed\""));
		free(j);
		check_no_key_leak(L.run.dir);

		/* a killed charon is detected and named */
		struct ipsec_charon c;
		CHECK(ipsec_charon_find(&L.run, "azure-vpn1", &c) == 0 && c.alive);
		if (c.alive)
			kill(c.pid, SIGKILL);
		sleep_ns(300 * NS_PER_MS);
		CHECK(ipsec_charon_find(&L.run, "azure-vpn1", &c) == 0 && !c.alive);
		status_check(&L, "down", "charon-dead");
		r = ipsec_service.ready(&L.ctx, why, sizeof(why));
		CHECK_INT(r, -1);
		CHECK(strstr(lab_err_msg(), "charon on azure-vpn1") != NULL);
		/* the run layer's supervision journals the death once */
		struct run_state st;
		CHECK(run_state_read(&L.run, &st) == 0);
		CHECK(run_supervise(&L.run, &st, NULL) >= 1);
		run_state_free(&st);
		j = journal_of(&L, "azure-vpn1");
		CHECK(j && strstr(j, "\"ev\":\"service-died\"") &&
		      strstr(j, "\"what\":\"charon\""));
		free(j);
	}
	lab_down(&L, name);
}

/* A topology file whose two ends of tun1 disagree on the IKE proposal. */
static void scenario_mismatch(const char *name, const char *dir)
{
	char src[PATH_MAX], dst[PATH_MAX], *text = NULL;
	size_t n;
	snprintf(src, sizeof(src), "%s/topologies/dual-tunnel.yaml", LABCTL_SOURCE_ROOT);
	snprintf(dst, sizeof(dst), "%s/mismatch.yaml", dir);
	CHECK(read_file(src, &text, &n) == 0);
	if (!text)
		return;
	const char *anchor = "inside: 169.254.21.6/30}";
	char *at = strstr(text, anchor);
	CHECK(at != NULL);
	if (!at) {
		free(text);
		return;
	}
	FILE *f = fopen(dst, "w");
	fprintf(f, "%.*sinside: 169.254.21.6/30, ike: {proposal: aes128-sha256-modp2048}}%s",
	        (int)(at - text), text, at + strlen(anchor));
	fclose(f);
	free(text);

	struct lab L;
	char why[256] = "";
	int64_t took;
	int rc = lab_up(&L, name, dst);
	CHECK(rc == 0);
	if (rc == 0) {
		int r = wait_ready(&L, 15 * NS_PER_SEC, &took, why, sizeof(why));
		CHECK_INT(r, -1);
		printf("proposal mismatch reported in %.2f s: %s\n", (double)took / NS_PER_SEC,
		       lab_err_msg());
		CHECK(strstr(lab_err_msg(), "tun1") != NULL);
		CHECK(strstr(lab_err_msg(), "proposal") != NULL);
		status_check(&L, "up", "down");
	}
	lab_down(&L, name);
	unlink(dst);
}

/* Lifetimes far below what a topology file may say (>= 60 s), set in memory, so
 * charon rekeys within seconds. */
static void short_lifetimes(struct topo *t)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int s = 0; s < 2; s++) {
			/* Seen here: a CHILD_SA rekeys every lifetime - 2 s (5, 10, 15 s
			 * at 7 s), the IKE SA at 12 s, so the two never fall together. At a
			 * 6 s CHILD lifetime the third CHILD rekey fell exactly on the IKE
			 * rekey (4, 8, 12 s), and under user-mode Linux that collision
			 * now and then left one tunnel without an IKE SA: what this
			 * scenario checks is that rekeys are journaled and the lab stays
			 * ready, not strongSwan's handling of simultaneous rekeys. */
			t->tunnels[i].end[s].ike.ike_lifetime_ms = 12000;
			t->tunnels[i].end[s].ike.child_lifetime_ms = 7000;
			t->tunnels[i].end[s].ike.dpd_delay_ms = 2000;
		}
}

static int count(const char *text, const char *pat)
{
	int n = 0;
	if (!text)
		return 0;
	for (const char *p = text; p && (p = strstr(p, pat)); p += strlen(pat))
		n++;
	return n;
}

/* Rekeys: journaled with old and new SPIs, and the lab stays ready across them. */
static void scenario_rekey(const char *name)
{
	struct lab L;
	char why[256] = "", topo[PATH_MAX];
	int64_t took;
	snprintf(topo, sizeof(topo), "%s/topologies/dual-tunnel.yaml", LABCTL_SOURCE_ROOT);
	int rc = lab_up_tweaked(&L, name, topo, short_lifetimes);
	if (rc != 0)
		fprintf(stderr, "rekey lab did not come up: %s\n", lab_err_msg());
	CHECK(rc == 0);
	if (rc == 0) {
		CHECK_INT(wait_ready(&L, 30 * NS_PER_SEC, &took, why, sizeof(why)), 1);
		/* The IKE SA rekeys at its 12 s on charon's 1 s clock: give it until 20 s
		 * (a fixed 13 s wait missed it once under ASan), stopping once both kinds
		 * are journaled. */
		int64_t until = mono_ns() + 20 * NS_PER_SEC, since = mono_ns();
		char *j = NULL;
		int ike = 0, child = 0;
		do {
			sleep_ns(500 * NS_PER_MS);
			free(j);
			j = journal_of(&L, "ali-vpn0");
			ike = count(j, "\"ev\":\"ike-rekey\"");
			child = count(j, "\"ev\":\"child-rekey\"");
		} while ((ike < 1 || child < 1) && mono_ns() < until);
		CHECK(j != NULL);
		printf("rekeys on ali-vpn0 in %.1f s: %d IKE, %d CHILD\n",
		       (double)(mono_ns() - since) / NS_PER_SEC, ike, child);
		if (getenv("VERBOSE")) {
			char cmd[2 * PATH_MAX + 256];
			fprintf(stderr, "%s", j ? j : "");
			snprintf(cmd, sizeof(cmd),
			         "grep -v 'vici\\|packet' %s/ali-vpn0/charon.log | grep -i -B2 -A6 "
			         "'rekey' | head -60 >&2",
			         L.run.dir);
			(void)!system(cmd);
		}
		CHECK(ike >= 1);
		CHECK(child >= 1);
		CHECK(j && strstr(j, "\"old_spi_in\":\"") && strstr(j, "\"new_spi_in\":\""));
		CHECK(j && strstr(j, "\"old_spi_i\":\"") && strstr(j, "\"new_spi_i\":\""));
		free(j);
		/* the new CHILD_SA is checked afresh (ping + counters) */
		int r = wait_ready(&L, 10 * NS_PER_SEC, &took, why, sizeof(why));
		if (r != 1) {
			fprintf(stderr, "after rekey: %s / %s\n", why, r < 0 ? lab_err_msg() : "");
			char cmd[2 * PATH_MAX + 256];
			for (int k = 0; k < 2; k++) {
				const char *gw = k ? "ali-vpn1" : "ali-vpn0";
				snprintf(cmd, sizeof(cmd),
				         "echo '--- %s'; cat %s/%s/events.jsonl; grep -v 'sending "
				         "packet\\|received packet\\|vici' %s/%s/charon.log | tail "
				         "-60 >&2",
				         gw, L.run.dir, gw, L.run.dir, gw);
				(void)!system(cmd);
			}
		}
		CHECK_INT(r, 1);
		status_check(&L, "up", "up");

		/* the underlay under tun1 breaks: DPD probes go unanswered and the
		 * plugin journals charon's retransmits (4 s after the 2 s DPD probe) */
		char nsname[NETNS_NAME_MAX];
		struct netns *ns;
		run_netns_name(L.run.name, "azure-vpn1", nsname, sizeof(nsname));
		CHECK(netns_open(nsname, &ns) == 0);
		if (ns) {
			int idx = netns_ifindex(ns, "eth1");
			CHECK(idx > 0 && netns_link_set_up(ns, idx, false) == 0);
			netns_close(ns);
		}
		const char *rtx = "\"alert\":\"retransmit-send\"";
		j = journal_of(&L, "ali-vpn1");
		int before = count(j, rtx);
		free(j);
		int64_t t0 = mono_ns();
		bool seen = false;
		while (!seen && mono_ns() - t0 < 12 * NS_PER_SEC) {
			sleep_ns(200 * NS_PER_MS);
			j = journal_of(&L, "ali-vpn1");
			seen = count(j, rtx) > before;
			free(j);
		}
		printf("retransmit alert after the underlay broke: %s after %.1f s\n",
		       seen ? "seen" : "NOT seen", (double)(mono_ns() - t0) / NS_PER_SEC);
		CHECK(seen);
	}
	lab_down(&L, name);
}

int main(void)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	if (access("/usr/lib/ipsec/charon", X_OK) != 0)
		return check_skip("strongSwan's charon is not installed (scripts/setup)");
	/* the kernel feature the backend under test needs, probed as labctl up does
	 * (tests/expected-skips.txt lists the ESP skip; scripts/skip-guard probes alike) */
	struct ipsec_kernel_caps caps;
	if (ipsec_probe_kernel(&caps) < 0) /* as root it lacks no privilege */
		return check_broken("probing the kernel's IPsec support: %s", lab_err_msg());
	if (!strcmp(IPSEC_TEST_BACKEND, "xfrm") && !caps.esp)
		return check_skip("this kernel has no ESP (CONFIG_INET_ESP): the xfrm backend is "
		                  "tested under user-mode Linux (ipsec-xfrm-uml)");
	if (strcmp(IPSEC_TEST_BACKEND, "xfrm") && !caps.tun)
		return check_skip("no /dev/net/tun (CONFIG_TUN), which kernel-libipsec needs");
	char root[64], good[32], bad[32];
	/* Under user-mode Linux /tmp is the host's and the guest's pids repeat from
	 * boot to boot: the run root also carries the time, so a run killed earlier
	 * cannot leave a lab of the same name in the way. */
	snprintf(root, sizeof(root), "/tmp/lci%d.%lld", (int)getpid(), (long long)time(NULL));
	if (mkdir(root, 0700) < 0)
		return check_broken("creating %s: %s", root, strerror(errno));
	setenv("LABCTL_RUN_DIR", root, 1);
	snprintf(good, sizeof(good), "ip%d", (int)getpid());
	snprintf(bad, sizeof(bad), "ipm%d", (int)getpid());
	scenario_good(good);
	scenario_mismatch(bad, root);
	snprintf(bad, sizeof(bad), "ipr%d", (int)getpid());
	scenario_rekey(bad);
	remove_tree(root);
	return check_done();
}
