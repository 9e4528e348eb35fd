/* bench/gen-topology writes topologies that load: 20 nodes by default, other sizes
 * on request, and refuses sizes it cannot build. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "topo/topo.h"

static int run(const char *script, const char *args, const char *out)
{
	char *cmd;
	if (asprintf(&cmd, "sh '%s' %s > '%s' 2>/dev/null", script, args, out) < 0)
		return -1;
	int st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_size(const char *script, const char *args, size_t nodes, const char *name)
{
	char tmp[] = "/tmp/labctl-gen-topology-XXXXXX.yaml";
	int fd = mkstemps(tmp, 5);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK_INT(run(script, args, tmp), 0);
	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK(topo_load(tmp, &t, &d) == 0);
	topo_diags_print(&d, stderr);
	topo_diags_free(&d);
	if (t) {
		CHECK_INT(t->n_nodes, nodes);
		CHECK_INT(t->n_links, nodes - 1);
		CHECK_STR(t->name, name);
		CHECK_INT(t->n_probes, 1);
		topo_free(t);
	}
	unlink(tmp);
}

int main(int argc, char **argv)
{
	const char *script = argc > 1 ? argv[1] : LABCTL_SOURCE_ROOT "/bench/gen-topology";
	check_size(script, "", 20, "bench-20");
	check_size(script, "3 small", 3, "small");
	check_size(script, "255", 255, "bench-255");
	CHECK_INT(run(script, "2", "/dev/null"), 2);
	CHECK_INT(run(script, "x", "/dev/null"), 2);
	CHECK_INT(run(script, "--bgp 20", "/dev/null"), 2); /* now labctl gen hub-spoke */
	return check_done();
}
