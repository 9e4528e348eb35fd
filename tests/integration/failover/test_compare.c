/* labctl compare on dual-tunnel at time scale 0.1, 2 runs, every available
 * mechanism and both default faults: exit 0 (every run inside its window), a row
 * per mechanism x fault in the JSON with two runs each, an SVG, and no lab left
 * behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include <json-c/json.h>

#include "common/json_read.h"
#include "lab_fixture.h"
#include "topo/override.h"

int main(int argc, char **argv)
{
	if (argc < 2)
		return check_broken("usage: test-failover-compare PATH/labctl");
	int pre = fx_prereq(true);
	if (pre)
		return pre;
	struct fixture f = {.labctl = argv[1]};
	snprintf(f.root, sizeof(f.root), "/tmp/labctl-test-cmp.%d", (int)getpid());
	snprintf(f.log, sizeof(f.log), "%s.log", f.root);
	remove_tree(f.root);
	unlink(f.log);
	CHECK(mkdir_p(f.root, 0700) == 0);
	char json[320], svg[320];
	snprintf(json, sizeof(json), "%s.json", f.root);
	snprintf(svg, sizeof(svg), "%s.svg", f.root);
	static const char mechs[] = TOPO_DEFAULT_MECHS; /* all five, BFD included */
	size_t n_mechs = 1;
	for (const char *p = mechs; *p; p++)
		n_mechs += *p == ',';
	int rc = fx_labctl(&f,
	                   "compare dual-tunnel --time-scale 0.1 --runs 2 --mechanisms %s "
	                   "--json %s --svg %s",
	                   mechs, json, svg);
	CHECK_INT(rc, 0);
	char *text = NULL;
	size_t n = 0;
	/* every run recovered in time: no "no recovery" line (the observer once wrote
	 * one for every poll of every wait) */
	CHECK(read_file(f.log, &text, &n) == 0 && text && !strstr(text, "no recovery"));
	free(text);
	text = NULL;
	CHECK(read_file(json, &text, &n) == 0);
	/* every mechanism x 2 faults, each with two runs, every one inside */
	struct json_object *doc = text ? json_parse(text, n, "compare JSON") : NULL;
	CHECK(doc != NULL);
	struct json_object *cells = doc ? json_get(doc, "cells") : NULL;
	CHECK(cells && json_object_is_type(cells, json_type_array) &&
	      json_object_array_length(cells) == 2 * n_mechs);
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		struct json_object *ok = json_get(c, "ok"), *rtt = json_get(c, "rtt");
		struct json_object *ended = json_get(c, "ended_by");
		double runs = -1, inside = -2;
		CHECK(ok && json_object_get_boolean(ok));
		CHECK(ended && json_object_is_type(ended, json_type_array) &&
		      json_object_array_length(ended) == 2);
		CHECK(rtt && json_get_num(rtt, "runs_with_outage", &runs) &&
		      json_get_num(rtt, "inside", &inside));
		CHECK(runs == 2 && inside == runs);
		for (size_t k = 0; ended && k < json_object_array_length(ended); k++) {
			const char *e = json_object_get_string(json_object_array_get_idx(ended, k));
			CHECK(e && strcmp(e, "not-modelled") != 0);
		}
	}
	if (doc)
		json_object_put(doc);
	free(text);
	CHECK(path_exists(svg));
	/* compare took every lab it made down */
	char cmd[400];
	snprintf(cmd, sizeof(cmd),
	         "test -z \"$(ls -A %s)\" && ! ip netns list | grep -q '^cmp[0-9]'", f.root);
	CHECK_INT(system(cmd), 0);
	if (check_failures)
		fx_show_log(&f);
	remove_tree(f.root);
	unlink(json);
	unlink(svg);
	unlink(f.log);
	return check_done();
}
