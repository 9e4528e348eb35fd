/* The lab object of docs/json.md: `list` prints its head, `status` and `up` the
 * whole of it, so a lab reads the same wherever it is printed. Built as JSON
 * first; status's text form is printed from the same facts, so both agree. */
#include "cli/lab_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "netns/netns.h"
#include "run/run.h"
#include "run/status_text.h"
#include "services/registry.h"
#include "topo/topo.h"

void lab_json_head(struct json *j, const char *lab, const char *state, const char *source,
                   long long age_s)
{
	json_kv_str(j, "lab", lab);
	json_kv_str(j, "state", state);
	json_key(j, "topology");
	if (source && source[0])
		json_str(j, source);
	else
		json_null(j);
	json_key(j, "age_s");
	if (age_s >= 0)
		json_int(j, age_s);
	else
		json_null(j);
}

static struct topo *load_lab_topology(const struct run_lab *l, const struct run_state *st)
{
	char path[PATH_MAX + 16];
	struct topo *t = NULL;
	struct topo_diags d = {0};
	snprintf(path, sizeof(path), "%s/topology.yaml", l->dir);
	/* The copy is what was built; the source is the fallback for relative paths
	 * (a psk_file next to the original) that the copy cannot resolve. */
	if (topo_load(path, &t, &d) < 0 && st->source[0]) {
		topo_diags_free(&d);
		memset(&d, 0, sizeof(d));
		topo_load(st->source, &t, &d);
	}
	topo_diags_free(&d);
	lab_err_clear();
	return t;
}

static void node_json(struct json *j, const char *lab, const char *node, const struct run_state *st,
                      const bool *dead)
{
	char ns[128];
	run_netns_name(lab, node, ns, sizeof(ns));
	json_obj_begin(j);
	json_kv_str(j, "name", node);
	json_kv_str(j, "namespace", ns);
	json_kv_bool(j, "present", netns_exists(ns));
	json_key(j, "processes");
	json_arr_begin(j);
	for (size_t i = 0; i < st->n_procs; i++) {
		if (strcmp(st->procs[i].node, node))
			continue;
		json_obj_begin(j);
		json_kv_str(j, "what", st->procs[i].what);
		json_kv_int(j, "pid", st->procs[i].pid);
		json_kv_bool(j, "alive", !dead[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* Every service's status object, as members of the object j is in. */
static void services_members(struct json *j, struct run_lab *l, const struct topo *t)
{
	struct lab_ctx ctx = {.run = l, .topo = t, .time_scale = 1.0};
	snprintf(ctx.ipsec_backend, sizeof(ctx.ipsec_backend), "%s", t->defaults.ipsec_backend);
	for (size_t i = 0; lab_services[i]; i++)
		if (lab_services[i]->status && lab_services[i]->status(&ctx, j) < 0) {
			json_key(j, lab_services[i]->name);
			json_obj_begin(j);
			json_kv_str(j, "error", lab_err_msg());
			json_obj_end(j);
			lab_err_clear();
		}
}

static void services_json(struct json *j, struct run_lab *l, const struct topo *t)
{
	json_key(j, "services");
	json_obj_begin(j);
	services_members(j, l, t);
	json_obj_end(j);
}

/* Text: rendered from the same JSON (run/status_text.h), so both forms agree. */
static void services_text(FILE *f, struct run_lab *l, const struct topo *t)
{
	struct json one;
	json_init(&one);
	json_obj_begin(&one);
	services_members(&one, l, t);
	json_obj_end(&one);
	size_t len;
	const char *text = json_out(&one, &len);
	if (!text || status_services_text(f, text) < 0) {
		fprintf(f, "  services: %s\n", !text ? "out of memory" : lab_err_msg());
		lab_err_clear();
	}
	json_free(&one);
}

/* One lab as a JSON object; the text view gets the same facts. */
int lab_json_status(const char *lab, struct json *j, FILE *text)
{
	struct run_lab l;
	struct run_state st;
	if (run_lab_open(lab, &l) < 0)
		return -1;
	if (run_state_read(&l, &st) < 0) {
		run_lab_close(&l);
		return -1;
	}
	bool *dead = calloc(st.n_procs + 1, sizeof(*dead));
	int ndead = dead ? run_supervise(&l, &st, dead) : -1;
	char state[96];
	run_state_describe(&st, ndead < 0 ? 0 : ndead, state, sizeof(state));
	struct topo *t = load_lab_topology(&l, &st);
	long long age = st.created ? (long long)time(NULL) - st.created : -1;

	json_obj_begin(j);
	lab_json_head(j, lab, state, st.source, age);
	json_kv_str(j, "dir", l.dir);
	if (text) {
		fprintf(text, "lab %s: %s", lab, state);
		if (age >= 0)
			fprintf(text, ", up %llds", age);
		fprintf(text, "\n  topology %s\n  state    %s\n", st.source[0] ? st.source : "?",
		        l.dir);
		fprintf(text, "  %-14s %-28s %-9s %s\n", "NODE", "NAMESPACE", "PRESENT",
		        "PROCESSES");
	}
	json_key(j, "nodes");
	json_arr_begin(j);
	size_t nn = t ? t->n_nodes : st.n_netns;
	for (size_t i = 0; i < nn; i++) {
		char node[64];
		if (t)
			snprintf(node, sizeof(node), "%s", t->nodes[i].name);
		else /* from "<lab>.<node>" */
			snprintf(node, sizeof(node), "%s", st.netns[i] + strlen(lab) + 1);
		node_json(j, lab, node, &st, dead ? dead : (bool[1]){0});
		if (!text)
			continue;
		char ns[128], procs[512] = "-";
		size_t used = 0;
		run_netns_name(lab, node, ns, sizeof(ns));
		for (size_t p = 0; p < st.n_procs && used < sizeof(procs); p++)
			if (!strcmp(st.procs[p].node, node))
				used += (size_t)snprintf(procs + used, sizeof(procs) - used,
				                         "%s%s %d %s", used ? ", " : "",
				                         st.procs[p].what, (int)st.procs[p].pid,
				                         dead && dead[p] ? "DEAD" : "alive");
		fprintf(text, "  %-14s %-28s %-9s %s\n", node, ns, netns_exists(ns) ? "yes" : "NO",
		        procs);
	}
	json_arr_end(j);
	/* Service status may query daemons: once, in the form that is printed. */
	if (t && text)
		services_text(text, &l, t);
	else if (t)
		services_json(j, &l, t);
	json_obj_end(j);
	topo_free(t);
	free(dead);
	run_state_free(&st);
	run_lab_close(&l);
	return 0;
}
