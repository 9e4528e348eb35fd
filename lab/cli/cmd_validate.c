/* labctl validate FILE|NAME...: load each topology, print "ok" and a summary or
 * every problem with file:line:col. Exit 2 if any file has a problem. */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/topo_counts.h"
#include "common/err.h"
#include "common/json.h"
#include "run/run.h"
#include "topo/topo.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: labctl validate [--json] FILE|NAME...\n\n"
	        "Loads each topology (a path, or a name such as dual-tunnel) and checks it:\n"
	        "prints \"FILE: ok\" and a summary, or every problem as\n"
	        "FILE:LINE:COL: error: what was found; what is expected. Exit 2 on any problem.\n"
	        "--json: one JSON object per file on stdout instead (ok, counts, problems).\n");
}

static void print_json(const char *arg, const char *path, const struct topo *t,
                       const struct topo_diags *d)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "file", path ? path : arg);
	json_kv_bool(&j, "ok", t != NULL);
	if (t)
		topo_counts_json(&j, t);
	json_key(&j, "problems");
	json_arr_begin(&j);
	for (size_t i = 0; d && i < d->n; i++) {
		json_obj_begin(&j);
		json_kv_str(&j, "file", d->v[i].file);
		json_kv_uint(&j, "line", d->v[i].pos.line);
		json_kv_uint(&j, "col", d->v[i].pos.col);
		json_kv_str(&j, "message", d->v[i].msg);
		json_obj_end(&j);
	}
	if (!t && (!d || !d->n)) {
		json_obj_begin(&j);
		json_kv_str(&j, "message", lab_err_msg());
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_fputs(&j, stdout);
	json_free(&j);
}

static void summary(const struct topo *t)
{
	struct topo_counts c;
	topo_counts_of(t, &c);
	printf("%s: %zu node%s, %zu link%s, %zu tunnel%s, %zu BGP speaker%s (%zu BIRD), %zu "
	       "session%s, %zu probe%s\n",
	       t->name, t->n_nodes, t->n_nodes == 1 ? "" : "s", t->n_links,
	       t->n_links == 1 ? "" : "s", t->n_tunnels, t->n_tunnels == 1 ? "" : "s", c.speakers,
	       c.speakers == 1 ? "" : "s", c.bird, c.sessions, c.sessions == 1 ? "" : "s",
	       t->n_probes, t->n_probes == 1 ? "" : "s");
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
			continue;
		}
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
			if (json) {
				print_json(argv[i], NULL, NULL, NULL);
				ret = lab_err_code();
			} else {
				ret = lab_err_report();
			}
			continue;
		}
		struct topo *t = NULL;
		struct topo_diags d = {0};
		int r = topo_load(path, &t, &d);
		/* `labctl up FILE` names the lab after the topology and puts its sockets
		 * under this environment's run directory */
		if (r == 0 && topo_check_socket_paths(t, run_root(), t->name, &d)) {
			lab_err(LAB_EXIT_USAGE, "%s: %zu problem%s with the run directory %s", path,
			        d.n, d.n == 1 ? "" : "s", run_root());
			topo_free(t);
			t = NULL;
			r = -1;
		}
		if (r == 0 && t->n_tunnels && topo_proposals_unchecked())
			fprintf(stderr,
			        "%s: note: IKE/ESP proposals were checked for their characters "
			        "only: %s\n",
			        path, topo_proposals_unchecked());
		if (r < 0) {
			if (json) {
				print_json(argv[i], path, NULL, &d);
				ret = lab_err_code();
			} else {
				fflush(stdout);
				topo_diags_print(&d, stderr);
				ret = lab_err_report();
			}
			topo_diags_free(&d);
			continue;
		}
		if (json) {
			print_json(argv[i], path, t, NULL);
		} else {
			printf("%s: ok\n", path);
			summary(t);
		}
		topo_free(t);
	}
	return ret;
}
