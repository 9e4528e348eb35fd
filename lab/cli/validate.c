/* labctl validate FILE|NAME...: load each topology, print "ok" and a summary or
 * every problem with file:line:col. Exit 2 if any file has a problem. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/err.h"
#include "topo/topo.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl validate FILE|NAME...\n\n"
		   "Loads each topology (a path, or a name such as dual-tunnel) and checks it:\n"
		   "prints \"FILE: ok\" and a summary, or every problem as\n"
		   "FILE:LINE:COL: error: what was found; what is expected. Exit 2 on any problem.\n");
}

static void summary(const struct topo *t)
{
	size_t speakers = 0, neighbors = 0, bird = 0;
	for (size_t i = 0; i < t->n_nodes; i++) {
		if (!t->nodes[i].bgp)
			continue;
		speakers++;
		bird += t->nodes[i].bgp->speaker == TOPO_SPEAKER_BIRD;
		neighbors += t->nodes[i].bgp->n_neighbors;
	}
	/* validation guarantees every session is configured on both ends */
	printf("%s: %zu nodes, %zu links, %zu tunnel%s, %zu BGP speaker%s (%zu BIRD), %zu session%s, %zu probe%s\n",
	       t->name, t->n_nodes, t->n_links, t->n_tunnels, t->n_tunnels == 1 ? "" : "s", speakers,
	       speakers == 1 ? "" : "s", bird, neighbors / 2, neighbors / 2 == 1 ? "" : "s",
	       t->n_probes, t->n_probes == 1 ? "" : "s");
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return LAB_EXIT_OK;
		}
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (optind >= argc) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	int ret = LAB_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		char path[PATH_MAX];
		if (topo_resolve_path(argv[i], path, sizeof(path)) < 0) {
			ret = lab_err_report();
			continue;
		}
		struct topo *t = NULL;
		struct topo_diags d = {0};
		if (topo_load(path, &t, &d) < 0) {
			fflush(stdout);
			topo_diags_print(&d, stderr);
			topo_diags_free(&d);
			ret = lab_err_report();
			continue;
		}
		printf("%s: ok\n", path);
		summary(t);
		topo_free(t);
	}
	return ret;
}
