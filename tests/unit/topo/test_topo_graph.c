/* labctl graph's dot output for dual-tunnel: exact text (golden file), and, where
 * graphviz is installed, accepted by dot itself. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../../check.h"
#include "common/fsutil.h"
#include "topo/topo.h"

int main(int argc, char **argv)
{
	const char *golden =
	    argc > 1 ? argv[1] : LABCTL_SOURCE_ROOT "/tests/unit/topo/dual-tunnel.dot";
	char path[PATH_MAX];
	struct topo *t = NULL;
	CHECK(topo_resolve_path("dual-tunnel", path, sizeof(path)) == 0);
	CHECK(topo_load(path, &t, NULL) == 0);
	if (!t)
		return check_done();
	char *text = NULL, *want = NULL;
	size_t len = 0, wlen = 0;
	FILE *m = open_memstream(&text, &len);
	CHECK(m && topo_graph_dot(t, m) == 0);
	fclose(m);
	CHECK(read_file(golden, &want, &wlen) == 0);
	CHECK_STR(text, want);
	if (want && strcmp(text, want))
		fprintf(stderr, "regenerate with: labctl graph dual-tunnel > %s\n", golden);

	/* the things a reader looks for */
	CHECK(strstr(text, "\"ali-vpn0\" [shape=hexagon") != NULL);
	CHECK(strstr(text, "\"ecs\" [shape=box") != NULL);
	CHECK(strstr(text, "label=\"tun1\\n169.254.21.4/30\\n") != NULL);
	CHECK(strstr(text, "style=dotted") != NULL);
	CHECK(strstr(text, "eBGP AS 64512 - AS 65515") != NULL);
	CHECK(strstr(text, "label=\"probe ecs-vm\\n100 ms x 4 flows\"") != NULL);
	CHECK(strstr(text, "aliazu12345") == NULL); /* never the key */

	if (system("command -v dot >/dev/null 2>&1") == 0) {
		FILE *p = popen("dot -Tsvg >/dev/null", "w");
		CHECK(p != NULL);
		if (p) {
			fwrite(text, 1, len, p);
			int st = pclose(p);
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
	} else {
		fprintf(stderr, "graphviz not installed: dot syntax not checked\n");
	}
	free(text);
	free(want);
	topo_free(t);
	return check_done();
}
