/* labctl validate and labctl graph as a user runs them: output, exit codes. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/fsutil.h"

static const char *labctl;
static const char *run_dir = "/nonexistent-labctl-run";

/* Runs labctl with args, stdout and stderr into one buffer; returns the exit code. */
/* The line of "  NODE:" in a shipped topology, so a comment edit there does not
 * break the position this test expects. 0: not found. */
static int node_line(const char *topology, const char *node)
{
	char path[512], want[64], *text = NULL;
	size_t len;
	snprintf(path, sizeof(path), "%s/topologies/%s.yaml", LABCTL_SOURCE_ROOT, topology);
	snprintf(want, sizeof(want), "  %s:\n", node);
	if (read_file(path, &text, &len) < 0)
		return 0;
	int line = 0;
	for (const char *p = text, *q; *p; p = q + 1) {
		line++;
		if (!strncmp(p, want, strlen(want))) {
			free(text);
			return line;
		}
		if (!(q = strchr(p, '\n')))
			break;
	}
	free(text);
	return 0;
}

static int run(const char *args, char **out)
{
	char *cmd = NULL;
	if (asprintf(&cmd, "LABCTL_RUN_DIR='%s' '%s' %s 2>&1", run_dir, labctl, args) < 0)
		return -1;
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return -1;
	size_t cap = 1 << 16, len = 0;
	char *buf = calloc(1, cap);
	size_t r;
	while (buf && (r = fread(buf + len, 1, cap - 1 - len, p)) > 0)
		len += r;
	int st = pclose(p);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return check_broken("usage: test-topo-cli LABCTL (meson's test() passes it)");
	labctl = argv[1];
	char *out = NULL;

	CHECK_INT(run("validate dual-tunnel", &out), 0);
	CHECK(out && strstr(out, "/topologies/dual-tunnel.yaml: ok\n"));
	CHECK(out && strstr(out, "dual-tunnel: 9 nodes, 10 links, 2 tunnels, 6 BGP speakers (2 "
	                         "BIRD), 6 sessions, 1 probe\n"));
	free(out);

	char *bad;
	if (asprintf(&bad, "validate %s/tests/unit/topo/bad/several-problems.yaml",
	             LABCTL_SOURCE_ROOT) > 0) {
		CHECK_INT(run(bad, &out), 2);
		CHECK(out &&
		      strstr(out, "several-problems.yaml:4:11: error: role 'hots' is unknown"));
		CHECK(out && strstr(out, "several-problems.yaml:12:14: error: link end 'c:eth0'"));
		CHECK(out && strstr(out, "3 problems in the topology"));
		free(out);
		free(bad);
	}
	CHECK_INT(run("validate no-such-topology", &out), 2);
	free(out);
	CHECK_INT(run("validate", &out), 2);
	free(out);
	CHECK_INT(run("validate --json single-tunnel", &out), 0);
	CHECK(out && strstr(out, "\"ok\":true,\"name\":\"single-tunnel\",\"nodes\":7"));
	free(out);

	/* a run directory so long that a node's control socket (run dir/lab/node/
	 * charon.vici) passes sun_path's 108 bytes: up would fail when it starts
	 * charon, after building the network; validate says so at the node. The
	 * directory need not exist. For ali-vpn0: 75 + "/dual-tunnel" 12 +
	 * "/ali-vpn0" 9 + "/charon.vici" 12 = 108 bytes, one more than sun_path holds
	 * besides its NUL. */
	run_dir = "/nonexistent-labctl-run-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	CHECK_INT(run("validate dual-tunnel", &out), 2);
	char where[96];
	snprintf(where, sizeof(where),
	         "dual-tunnel.yaml:%d:3: error: node 'ali-vpn0': its control socket ",
	         node_line("dual-tunnel", "ali-vpn0"));
	CHECK(node_line("dual-tunnel", "ali-vpn0") > 0);
	CHECK(out && strstr(out, where));
	CHECK(out && strstr(out, "/dual-tunnel/ali-vpn0/charon.vici would be 108 bytes long; "
	                         "expected at most 107 (sun_path)"));
	free(out);
	run_dir = "/nonexistent-labctl-run";

	CHECK_INT(run("graph dual-tunnel", &out), 0);
	CHECK(out && !strncmp(out, "graph \"dual-tunnel\" {", 21));
	free(out);
	CHECK_INT(run("graph dual-tunnel --format png", &out), 2);
	free(out);

	/* a running lab: its recorded copy is drawn, not the shipped file */
	char dir[] = "/tmp/labctl-graph-run-XXXXXX", lab[96], copy[128];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(lab, sizeof(lab), "%s/dual-tunnel", dir);
	snprintf(copy, sizeof(copy), "%s/topology.yaml", lab);
	CHECK(mkdir(lab, 0700) == 0);
	char *text = NULL;
	size_t tlen;
	CHECK(read_file(LABCTL_SOURCE_ROOT "/topologies/single-tunnel.yaml", &text, &tlen) == 0);
	CHECK(text && write_file_atomic(copy, text, tlen, 0600) == 0);
	free(text);
	run_dir = dir;
	CHECK_INT(run("graph dual-tunnel", &out), 0);
	CHECK(out && !strncmp(out, "graph \"single-tunnel\" {", 23));
	free(out);
	run_dir = "/nonexistent-labctl-run";
	unlink(copy);
	rmdir(lab);
	rmdir(dir);
	if (system("command -v dot >/dev/null 2>&1") == 0) {
		char tmp[] = "/tmp/labctl-graph-XXXXXX.svg", *args;
		int fd = mkstemps(tmp, 4);
		CHECK(fd >= 0);
		close(fd);
		if (asprintf(&args, "graph single-tunnel --format svg -o %s", tmp) > 0) {
			CHECK_INT(run(args, &out), 0);
			free(out);
			free(args);
			char *svg = NULL;
			size_t len;
			CHECK(read_file(tmp, &svg, &len) == 0);
			CHECK(svg && strstr(svg, "<svg") && strstr(svg, "<title>vm</title>"));
			free(svg);
		}
		unlink(tmp);
	}
	return check_done();
}
