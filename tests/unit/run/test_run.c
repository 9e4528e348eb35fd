/* lab/run without root: lab names, the state file round trip and status words,
 * readiness checks derived from dual-tunnel, and the ip(8) script of a topology. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "run/net.h"
#include "run/run.h"
#include "topo/topo.h"

static void names(void)
{
	CHECK(run_lab_name_check("dual-tunnel") == 0);
	CHECK(run_lab_name_check("a") == 0);
	CHECK(run_lab_name_check("lab-2") == 0);
	CHECK(run_lab_name_check("") == -1);
	CHECK(run_lab_name_check("-x") == -1);
	CHECK(run_lab_name_check("Upper") == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "'U'") != NULL);
	CHECK(run_lab_name_check("a.b") == -1);
	CHECK(run_lab_name_check("../x") == -1);
	CHECK(run_lab_name_check("abcdefghijklmnopqrstuvwx") == 0);   /* 24 */
	CHECK(run_lab_name_check("abcdefghijklmnopqrstuvwxy") == -1); /* 25 */
	char ns[64];
	run_netns_name("lab", "ali-vpn0", ns, sizeof(ns));
	CHECK_STR(ns, "lab.ali-vpn0");
}

static void state_file(const char *root)
{
	setenv("LABCTL_RUN_DIR", root, 1);
	CHECK_STR(run_root(), root);
	struct run_lab l;
	CHECK(run_lab_create("unit", &l) == 0);
	CHECK(run_lab_create("unit", &(struct run_lab){0}) == -1);
	CHECK(strstr(lab_err_msg(), "labctl down unit") != NULL);
	/* a pid that is surely not alive with this start time */
	CHECK(run_record(&l, "up %d 1", (int)getpid()) == 0);
	CHECK(run_record(&l, "source /x/dual-tunnel.yaml") == 0);
	CHECK(run_record(&l, "phase building") == 0);
	CHECK(run_record(&l, "netns unit.a") == 0);
	CHECK(run_record(&l, "netns unit.b") == 0);
	CHECK(run_record(&l, "netns unit.a") == 0); /* duplicates collapse */
	CHECK(run_record(&l, "pid 4194000 77 a charon") == 0);
	CHECK(run_record(&l, "garbage line") == 0);
	CHECK(run_record(&l, "pid 12") == 0); /* truncated by a crash */
	struct run_state st;
	CHECK(run_state_read(&l, &st) == 0);
	CHECK(st.created > 0);
	CHECK_INT(st.up_pid, getpid());
	CHECK_STR(st.source, "/x/dual-tunnel.yaml");
	CHECK_STR(st.phase, "building");
	CHECK_INT(st.n_netns, 2);
	CHECK_INT(st.n_procs, 1);
	char word[96];
	run_state_describe(&st, 0, word, sizeof(word));
	CHECK_STR(word, "incomplete (up exited while building)");
	run_state_free(&st);

	CHECK(run_record(&l, "phase ready") == 0);
	CHECK(run_state_read(&l, &st) == 0);
	CHECK(run_node_mkdir(&l, "a") == 0);
	/* the recorded charon is not running: noticed once, journaled once */
	CHECK_INT(run_supervise(&l, &st, NULL), 1);
	run_state_describe(&st, 1, word, sizeof(word));
	CHECK_STR(word, "degraded (1 dead process)");
	run_state_free(&st);
	CHECK(run_state_read(&l, &st) == 0);
	CHECK(st.n_procs == 1 && st.procs[0].died_noted);
	CHECK_INT(run_supervise(&l, &st, NULL), 1);
	run_state_free(&st);
	char path[PATH_MAX + 32], *buf = NULL;
	snprintf(path, sizeof(path), "%s/a/events.jsonl", l.dir);
	CHECK(read_file(path, &buf, NULL) == 0);
	CHECK(buf &&
	      strstr(buf, "\"src\":\"lab\",\"ev\":\"service-died\",\"what\":\"charon\"") != NULL);
	const char *first = buf ? strstr(buf, "service-died") : NULL;
	CHECK(first && !strstr(first + 1, "service-died")); /* once */
	free(buf);

	/* A restart (heal of a kill) took the dead charon's place: the reader drops the
	 * replaced record, so the lab is ready again with only the live one counted. */
	CHECK(run_record(&l, "pid %d %" PRIu64 " a charon", (int)getpid(),
	                 run_pid_starttime(getpid())) == 0);
	CHECK(run_record(&l, "replaced 4194000 77") == 0);
	CHECK(run_record(&l, "replaced 4194000 78") == 0); /* no such record: ignored */
	CHECK(run_state_read(&l, &st) == 0);
	CHECK_INT(st.n_procs, 1);
	if (st.n_procs == 1)
		CHECK_INT(st.procs[0].pid, getpid());
	CHECK_INT(run_supervise(&l, &st, NULL), 0);
	run_state_describe(&st, 0, word, sizeof(word));
	CHECK_STR(word, "ready");
	run_state_free(&st);

	char **labs;
	size_t n;
	CHECK(run_lab_list(&labs, &n) == 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(labs[0], "unit");
	for (size_t i = 0; i < n; i++)
		free(labs[i]);
	free(labs);
	run_lab_close(&l);
	CHECK(remove_tree(l.dir) == 0);
	struct run_lab missing;
	CHECK(run_lab_open("unit", &missing) == -1);
	CHECK(strstr(lab_err_msg(), "no lab named 'unit'") != NULL);
}

static bool has_check(const struct run_check *c, size_t n, const struct topo *t, const char *from,
                      const char *dst, const char *why)
{
	struct in_addr a;
	inet_pton(AF_INET, dst, &a);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t->nodes[c[i].from].name, from) && c[i].dst.s_addr == a.s_addr &&
		    !strcmp(c[i].why, why))
			return true;
	return false;
}

static void checks(const char *file)
{
	struct topo *t = NULL;
	struct topo_diags d = {0};
	if (topo_load(file, &t, &d) < 0) {
		topo_diags_print(&d, stderr);
		CHECK(!"dual-tunnel loads");
		return;
	}
	struct run_check *c = NULL;
	size_t n = 0;
	CHECK(run_net_checks(t, &c, &n) == 0);
	/* 2 tunnels: their uplinks both ways through internet; 10 links; the hosts'
	 * next hops are their link peers already. */
	CHECK_INT(n, 4 + 10);
	CHECK(has_check(c, n, t, "ali-vpn0", "203.0.113.1", "underlay"));    /* tun0 */
	CHECK(has_check(c, n, t, "azure-vpn1", "198.51.100.5", "underlay")); /* tun1 */
	CHECK(!has_check(c, n, t, "ali-vpn0", "203.0.113.5", "underlay"));   /* no tunnel */
	CHECK(!has_check(c, n, t, "ali-vpn0", "198.51.100.2", "underlay"));  /* internet itself */
	CHECK(has_check(c, n, t, "ecs", "10.0.1.1", "link"));                /* ecs -> ali-tr */
	CHECK(has_check(c, n, t, "vm", "172.16.1.1", "link"));               /* vm -> azure-hub */
	free(c);

	/* the baseline script: same objects */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	run_net_ip_script(f, "L", t);
	fclose(f);
	CHECK(strstr(buf, "ip netns add L.ecs\n") != NULL);
	CHECK(strstr(buf, "ip -n L.ecs link add eth0 address 02:6c:00:00:00:00 type veth peer name "
	                  "eth0 address 02:6c:00:00:00:01 netns L.ali-tr\n") != NULL);
	CHECK(strstr(buf, "ip -n L.ecs neigh replace 10.0.1.1 lladdr 02:6c:00:00:00:01 dev eth0 "
	                  "nud permanent\n") != NULL);
	CHECK(strstr(buf, "ip -n L.vm addr add 172.16.1.4/28 dev eth0\n") != NULL);
	CHECK(strstr(buf, "ip -n L.ecs route add 0.0.0.0/0 via 10.0.1.1 proto static\n") != NULL);
	CHECK(strstr(buf, "ip netns exec L.internet sysctl -qw net.ipv4.conf.all.rp_filter=0 "
	                  "net.ipv4.conf.default.rp_filter=0 net.ipv4.ip_forward=1\n") != NULL);
	free(buf);
	topo_free(t);
}

int main(void)
{
	char root[] = "/tmp/labctl-unit-run.XXXXXX";
	if (!mkdtemp(root))
		return 1;
	names();
	state_file(root);
	checks(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml");
	remove_tree(root);
	return check_done();
}
