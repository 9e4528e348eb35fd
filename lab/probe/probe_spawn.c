#include "probe/spawn.h"

#include <arpa/inet.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/journal.h"
#include "netns/netns.h"
#include "probe/wire.h"

void probe_binary(char *buf, size_t len)
{
	run_helper_path("labctl-probe", "LABCTL_PROBE", buf, len);
}

int probe_pair_start(struct run_lab *l, const struct topo *t, uint32_t idx, int64_t interval_ns,
                     struct probe_pair *p)
{
	memset(p, 0, sizeof(*p));
	if (idx >= t->n_probes)
		return lab_err(LAB_EXIT_USAGE, "topology %s has no probe %u", t->name, idx);
	const struct topo_probe *pr = &t->probes[idx];
	snprintf(p->name, sizeof(p->name), "%s", pr->name);
	p->interval_ns = interval_ns ? interval_ns : (int64_t)pr->interval_ms * NS_PER_MS;
	if (p->interval_ns <= 0)
		p->interval_ns = 100 * NS_PER_MS;
	p->flows = pr->flows ? pr->flows : 4;
	char exe[PATH_MAX], iv[32], flows[16], port[16], sport[16];
	probe_binary(exe, sizeof(exe));
	snprintf(iv, sizeof(iv), "%.9f", (double)p->interval_ns / NS_PER_SEC);
	snprintf(flows, sizeof(flows), "%u", p->flows);
	/* Each probe pair of a topology its own ports. */
	snprintf(port, sizeof(port), "%u", PROBE_PORT_DEFAULT + idx);
	snprintf(sport, sizeof(sport), "%u", PROBE_SRC_PORT_BASE + 256 * idx);
	for (int e = 1; e >= 0; e--) { /* the responder end first: fewer lost first probes */
		const char *node = t->nodes[e ? pr->to : pr->from].name;
		struct in_addr me = e ? pr->to_addr : pr->from_addr,
		               peer = e ? pr->from_addr : pr->to_addr;
		char a_me[INET_ADDRSTRLEN], a_peer[INET_ADDRSTRLEN], dir[PATH_MAX],
		    journal[PATH_MAX + 32];
		inet_ntop(AF_INET, &me, a_me, sizeof(a_me));
		inet_ntop(AF_INET, &peer, a_peer, sizeof(a_peer));
		if (run_node_dir(l, node, dir, sizeof(dir)) < 0)
			goto fail;
		snprintf(journal, sizeof(journal), "%s/%s", dir, JOURNAL_FILE);
		char *argv[] = {
		    exe,          "--name",     p->name,     "--dir",  e ? "rev" : "fwd",
		    "--bind",     a_me,         "--peer",    a_peer,   "--flows",
		    flows,        "--interval", iv,          "--port", port,
		    "--src-port", sport,        "--journal", journal,  "--realtime",
		    NULL};
		struct run_spawn s = {.node = node, .what = "probe", .argv = argv};
		if (run_spawn(l, &s, &p->pid[e]) < 0)
			goto fail;
	}
	return 0;
fail:
	probe_pair_stop(p);
	return -1;
}

void probe_pair_stop(struct probe_pair *p)
{
	for (int e = 0; e < 2; e++)
		if (p->pid[e] > 0)
			kill(p->pid[e], SIGTERM);
	for (int e = 0; e < 2; e++) {
		if (p->pid[e] <= 0)
			continue;
		/* They linger 0.5 s for late replies; SIGKILL if one hangs. */
		int64_t deadline = mono_ns() + 5 * NS_PER_SEC;
		while (waitpid(p->pid[e], NULL, WNOHANG) == 0) {
			if (mono_ns() > deadline) {
				kill(p->pid[e], SIGKILL);
				waitpid(p->pid[e], NULL, 0);
				break;
			}
			sleep_ns(20 * NS_PER_MS);
		}
		p->pid[e] = 0;
	}
}

int probe_l4_hash(const struct run_lab *l, const struct topo *t)
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		if (!t->nodes[i].forwarding)
			continue;
		char ns[128];
		run_netns_name(l->name, t->nodes[i].name, ns, sizeof(ns));
		struct netns *h;
		if (netns_open(ns, &h) < 0)
			return -1;
		int rc = netns_sysctl(h, "net/ipv4/fib_multipath_hash_policy", "1");
		netns_close(h);
		if (rc < 0)
			return -1;
	}
	return 0;
}
