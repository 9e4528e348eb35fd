/* labctl-bgpd against BIRD 2: two private namespaces joined by a veth pair (ours in
 * ns[0] on va0 10.201.0.1/30, BIRD in ns[1] on vb0 10.201.0.2/30), a scratch
 * directory for their configuration, sockets, logs and our journal, and a cleanup
 * that runs at exit and on SIGTERM/SIGINT, also when a check failed. Each test
 * writes its own session settings; the lines that name files are written here. */
#ifndef LAB_TESTS_INTEROP_BIRD_PAIR_H
#define LAB_TESTS_INTEROP_BIRD_PAIR_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "../../nspair.h"
#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/monotime.h"

#define BP_STOP_NS (3 * NS_PER_SEC)

static struct {
	struct nspair net; /* ours in ns[0] (va0), BIRD in ns[1] (vb0) */
	char dir[96];
	const char *bgpd; /* LABCTL_BGPD */
	pid_t ours, bird;
} L;

static void bp_cleanup(void)
{
	nsp_stop(&L.ours, SIGTERM, BP_STOP_NS);
	nsp_stop(&L.bird, SIGTERM, BP_STOP_NS);
	nspair_delete(&L.net); /* nftables tables go with the namespaces */
	if (L.dir[0] && !getenv("LABTEST_KEEP"))
		remove_tree(L.dir);
}

static void bp_on_signal(int sig)
{
	bp_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Prerequisites (root, BIRD, nft when need_nft), then the directory and the
 * namespaces, named after tag. 0, or the exit code to return: 77 for a missing
 * prerequisite, 1 when the test cannot start (LABCTL_BGPD unset, no namespaces). */
static int bp_setup(const char *tag, bool need_nft)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	if (access("/usr/sbin/bird", X_OK) != 0)
		return check_skip("BIRD 2 (/usr/sbin/bird) is not installed");
	if (need_nft && nsp_sh("command -v nft >/dev/null"))
		return check_skip("needs nft (nftables)");
	L.bgpd = getenv("LABCTL_BGPD");
	if (!L.bgpd || access(L.bgpd, X_OK))
		return check_broken("LABCTL_BGPD (labctl-bgpd) unset or not executable");
	snprintf(L.dir, sizeof(L.dir), "/tmp/labtest-%s-%d", tag, (int)getpid());
	signal(SIGTERM, bp_on_signal);
	signal(SIGINT, bp_on_signal);
	atexit(bp_cleanup);
	if (mkdir(L.dir, 0700) < 0)
		return check_broken("cannot create %s: %s", L.dir, strerror(errno));
	char a[48], b[48];
	snprintf(a, sizeof(a), "labtest-%sa-%d", tag, (int)getpid());
	snprintf(b, sizeof(b), "labtest-%sb-%d", tag, (int)getpid());
	if (nspair_create(&L.net, a, b, "va0", "vb0", "10.201.0.1/30", "10.201.0.2/30") < 0)
		return check_broken("cannot create the namespaces %s and %s", a, b);
	return 0;
}

/* Writes path (in the scratch directory) from a head and the test's body. */
static int bp_write_conf(const char *name, const char *head, const char *fmt, va_list ap)
{
	char path[160], text[4096];
	snprintf(path, sizeof(path), "%s/%s", L.dir, name);
	size_t n = (size_t)snprintf(text, sizeof(text), "%s", head);
	vsnprintf(text + n, sizeof(text) - n, fmt, ap);
	return write_file_atomic(path, text, strlen(text), 0600);
}

/* labctl-bgpd as AS 64512 with its control socket and journal in the directory;
 * fmt: the rest of its configuration (networks, the neighbor). */
__attribute__((format(printf, 2, 3))) static int bp_start_ours(bool verbose, const char *fmt, ...)
{
	char head[512], conf[160], out[160];
	snprintf(head, sizeof(head),
	         "asn 64512\nrouter-id 10.201.0.1\ncontrol %s/bgpd.sock\njournal %s/events.jsonl\n",
	         L.dir, L.dir);
	va_list ap;
	va_start(ap, fmt);
	int r = bp_write_conf("bgpd.conf", head, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/bgpd.conf", L.dir);
	snprintf(out, sizeof(out), "%s/bgpd.log", L.dir);
	char *argv[] = {(char *)L.bgpd, "-c", conf, verbose ? "-v" : NULL, NULL};
	L.ours = nsp_spawn(L.net.ns[0], argv, out);
	return L.ours > 0 ? 0 : -1;
}

/* BIRD with its log (microsecond stamps, states and events) in the directory;
 * fmt: the rest of its configuration (protocols). */
__attribute__((format(printf, 1, 2))) static int bp_start_bird(const char *fmt, ...)
{
	char head[512], conf[160], out[160], sock[160], pidf[160];
	snprintf(head, sizeof(head),
	         "log \"%s/bird.log\" all;\ntimeformat log \"%%F %%T.%%6f\";\n"
	         "router id 10.201.0.2;\ndebug protocols { states, events };\n"
	         "protocol device { scan time 10; }\n",
	         L.dir);
	va_list ap;
	va_start(ap, fmt);
	int r = bp_write_conf("bird.conf", head, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/bird.conf", L.dir);
	snprintf(sock, sizeof(sock), "%s/bird.ctl", L.dir);
	snprintf(pidf, sizeof(pidf), "%s/bird.pid", L.dir);
	snprintf(out, sizeof(out), "%s/bird.out", L.dir);
	char *argv[] = {"bird", "-f", "-c", conf, "-s", sock, "-P", pidf, NULL};
	L.bird = nsp_spawn(L.net.ns[1], argv, out);
	return L.bird > 0 ? 0 : -1;
}

/* A request on the control socket `name` in the scratch directory, sent by
 * request (bgp_svc's, for ours or for BIRD): the reply (free it), or NULL. */
static char *bp_ask(int (*request)(const char *, const char *, char **), const char *name,
                    const char *cmd)
{
	char sock[160], *reply = NULL;
	snprintf(sock, sizeof(sock), "%s/%s", L.dir, name);
	if (request(sock, cmd, &reply) < 0) {
		lab_err_clear();
		return NULL;
	}
	return reply;
}

static char *bp_ask_ours(const char *cmd)
{
	return bp_ask(bgp_svc_bgpd_request, "bgpd.sock", cmd);
}

static char *bp_ask_bird(const char *cmd)
{
	return bp_ask(bgp_svc_bird_request, "bird.ctl", cmd);
}

/* After a failed check: the tails of both daemons' logs and our journal. */
static void bp_show_logs(void)
{
	const char *logs[] = {"bgpd.log", "bird.log", "events.jsonl"};
	for (int i = 0; i < 3; i++) {
		fprintf(stderr, "---- %s/%s\n", L.dir, logs[i]);
		nsp_sh("tail -n 40 %s/%s >&2", L.dir, logs[i]);
	}
}

#endif
