#include "run/lab_view.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "topo/override.h"
#include "topo/topo.h"

/* The time scale from a lab directory's state file: the last "time-scale F" line. */
static double read_scale(const char *labdir)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/state", labdir);
	FILE *f = fopen(path, "re");
	double scale = 1.0;
	if (!f)
		return scale;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		double v;
		if (sscanf(line, "time-scale %lf", &v) == 1 && v > 0 && v <= 1)
			scale = v;
	}
	fclose(f);
	return scale;
}

/* The mechanism overrides `up --override` recorded ("override SPEC" lines), applied
 * again so the lab's topology is the one its daemons run. -1: one does not apply. */
static int apply_overrides(const char *labdir, struct topo *t)
{
	char path[PATH_MAX + 16], line[512];
	snprintf(path, sizeof(path), "%s/state", labdir);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char spec[TOPO_OVERRIDE_MAX + 1];
		struct topo_override o;
		if (sscanf(line, "override %48s", spec) == 1 &&
		    (topo_override_parse(spec, &o) < 0 || topo_override_apply(t, &o) < 0))
			rc = -1;
	}
	fclose(f);
	return rc;
}

static struct topo *load_topology_plain(const struct run_lab *l);

static struct topo *load_topology(const struct run_lab *l)
{
	struct topo *t = load_topology_plain(l);
	if (t && apply_overrides(l->dir, t) < 0) {
		topo_free(t);
		return NULL;
	}
	return t;
}

static struct topo *load_topology_plain(const struct run_lab *l)
{
	char path[PATH_MAX + 16];
	struct topo *t = NULL;
	struct topo_diags d = {0};
	snprintf(path, sizeof(path), "%s/topology.yaml", l->dir);
	int r = topo_load(path, &t, &d);
	topo_diags_free(&d);
	if (r == 0)
		return t;
	/* A relative psk_file resolves only next to the original: the fallback. */
	struct run_state st;
	if (run_state_read(l, &st) == 0) {
		if (st.source[0] && topo_load(st.source, &t, &d) < 0)
			t = NULL;
		topo_diags_free(&d);
		run_state_free(&st);
	}
	lab_err_clear();
	return t;
}

int lab_view_load_scaled(const struct lab_view *v, struct topo **out)
{
	struct topo *t = load_topology(&v->run);
	if (!t)
		return lab_err(LAB_EXIT_FAIL,
		               "lab %s: its topology (%s/topology.yaml) does not load", v->run.name,
		               v->run.dir);
	if (v->time_scale != 1.0 && topo_apply_time_scale(t, v->time_scale) < 0) {
		topo_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int lab_view_open(const char *lab, struct lab_view *v)
{
	memset(v, 0, sizeof(*v));
	v->run.state_fd = -1;
	if (run_lab_open(lab, &v->run) < 0)
		return -1;
	v->time_scale = read_scale(v->run.dir);
	v->topo = load_topology(&v->run);
	return 0;
}

/* The name `down --keep` recorded ("lab <name>" in DIR/state); else the dir's. */
static void kept_name(const char *dir, char *name, size_t len)
{
	char path[PATH_MAX + 16], line[512];
	snprintf(path, sizeof(path), "%s/state", dir);
	const char *base = strrchr(dir, '/');
	snprintf(name, len, "%s", base && base[1] ? base + 1 : dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char n[RUN_LAB_NAME_MAX];
		if (sscanf(line, "lab %31s", n) == 1)
			snprintf(name, len, "%s", n);
	}
	fclose(f);
}

int lab_view_open_dir(const char *dir, struct lab_view *v)
{
	memset(v, 0, sizeof(*v));
	v->run.state_fd = -1;
	if (strlen(dir) >= sizeof(v->run.dir))
		return lab_err(LAB_EXIT_USAGE, "--dir %s: path too long", dir);
	snprintf(v->run.dir, sizeof(v->run.dir), "%s", dir);
	kept_name(dir, v->run.name, sizeof(v->run.name));
	v->time_scale = read_scale(dir);
	v->topo = load_topology(&v->run);
	return 0;
}

void lab_view_close(struct lab_view *v)
{
	run_lab_close(&v->run);
	if (v->topo)
		topo_free(v->topo);
	v->topo = NULL;
}

/* The IPsec backend `up` chose (<lab>/ipsec.backend, kept by `down --keep`). */
static bool lab_backend_is_libipsec(const char *labdir)
{
	char path[PATH_MAX + 16], word[32] = "";
	snprintf(path, sizeof(path), "%s/ipsec.backend", labdir);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	if (fscanf(f, "%31s", word) != 1)
		word[0] = '\0';
	fclose(f);
	return !strcmp(word, "libipsec");
}

const char *lab_view_timers_fault(const char *kind, const char *target)
{
	if (!strcmp(kind, "ike-mismatch") || !strcmp(kind, "blackhole") ||
	    !strcmp(kind, "link-down"))
		return kind;
	if (!strcmp(kind, "kill")) {
		const char *what = target ? strchr(target, ':') : NULL;
		if (!what || !strcmp(what + 1, "charon"))
			return "kill-charon";
		return "kill-speaker";
	}
	return NULL;
}

int lab_view_timers_input(const struct lab_view *v, const char *kind, const char *target,
                          const char *tunnel, int64_t resolution_ns, struct timers_input *out)
{
	const char *fault = lab_view_timers_fault(kind, target);
	if (!v->topo || !fault)
		return -1;
	/* The topology as `up` configured the daemons (time scale and overrides
	 * applied, with its rounding and floors), not the file's scaled afterwards:
	 * the model must be the lab that ran. Only what no topology holds (charon's
	 * retransmission timeout, the article's terms) is scaled here. */
	struct topo *t = NULL;
	if (lab_view_load_scaled(v, &t) < 0) {
		lab_err_clear();
		return -1;
	}
	uint32_t ti = TOPO_NONE;
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, tunnel))
			ti = (uint32_t)i;
	struct timers_input in;
	int rc = ti == TOPO_NONE || timers_input_from_topo(t, ti, fault, &in) < 0 ||
	                 (v->time_scale != 1.0 && timers_input_scale_model(&in, v->time_scale) < 0)
	             ? -1
	             : 0;
	topo_free(t);
	if (rc < 0) {
		lab_err_clear();
		return -1;
	}
	/* The interval the probes actually ran at, not the topology's. */
	if (resolution_ns > 0)
		in.probe_interval_s = (double)resolution_ns / NS_PER_SEC;
	char node[64];
	snprintf(node, sizeof(node), "%s", target);
	char *colon = strchr(node, ':');
	if (colon)
		*colon = '\0';
	for (uint32_t s = 0; s < 2; s++)
		if (!strcmp(in.side[s].gateway, node))
			in.fault_side = s;
	/* kernel-libipsec's TUN is charon's: it goes when charon dies, with the inside
	 * address. Our speaker sees the next hop unreachable at once (netlink); BIRD
	 * closes the session whose local address vanished, also at once (measured in
	 * dual-tunnel: +0.01 s). docs/timer-math.md. */
	bool libipsec = lab_backend_is_libipsec(v->run.dir);
	for (uint32_t s = 0; s < 2; s++)
		in.side[s].dev_dies_with_charon = libipsec;
	*out = in;
	return 0;
}

int lab_view_predict(const struct lab_view *v, const char *kind, const char *target,
                     const char *tunnel, int64_t resolution_ns, struct timers_prediction *out)
{
	struct timers_input in;
	if (lab_view_timers_input(v, kind, target, tunnel, resolution_ns, &in) < 0)
		return -1;
	if (timers_predict(&in, out) < 0) {
		lab_err_clear();
		return -1;
	}
	return 0;
}
