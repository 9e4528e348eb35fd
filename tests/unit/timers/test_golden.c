/* Golden JSON of `labctl predict TOPOLOGY --json` for every shipped topology (each
 * NAME.yaml in topologies/, the cloud profiles included): any change in the timer
 * math, the mapping or a topology's values shows up as a diff to review, and a new
 * topology without its golden fails. With TIMERS_GOLDEN_UPDATE=1 the files are
 * rewritten instead (then review the diff). */
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"
#include "timers/loss_model.h"
#include "timers/timers.h"
#include "topo/topo.h"

/* The same steps as `labctl predict NAME --json [--distribution]`
 * (lab/cli/timers_cli.c) at time scale 1 on the first tunnel, seed 1. */
static char *predict_doc(const char *topo_dir, const char *name, bool distribution)
{
	static const char *const models[] = {"article", "rfc4271", "bird", "lab"};
	struct timers_dist dist[4];
	char path[4096];
	struct topo *t = NULL;
	struct topo_diags diags = {0};
	struct timers_input in;
	struct timers_prediction p;
	struct json j;
	char *out = NULL;

	snprintf(path, sizeof(path), "%s/%s.yaml", topo_dir, name);
	if (topo_load(path, &t, &diags) < 0) {
		topo_diags_print(&diags, stderr);
		topo_diags_free(&diags);
		return NULL;
	}
	topo_diags_free(&diags);
	if (timers_input_from_topo(t, 0, NULL, &in) < 0 || timers_input_scale_model(&in, 1) < 0 ||
	    timers_predict(&in, &p) < 0) {
		fprintf(stderr, "%s: %s\n", name, lab_err_msg());
		topo_free(t);
		return NULL;
	}
	struct timers_doc d = {.topology = t->name,
	                       .tunnel = t->tunnels[0].name,
	                       .time_scale = 1,
	                       .in = &in,
	                       .pred = &p,
	                       .dist = dist};
	for (size_t i = 0; distribution && i < 4; i++, d.n_dist++)
		if (timers_distribution(&in, models[i], TIMERS_DIST_SAMPLES, 1, &dist[i]) < 0) {
			fprintf(stderr, "%s: %s\n", name, lab_err_msg());
			topo_free(t);
			return NULL;
		}
	json_init(&j);
	timers_predict_doc(&j, &d);
	size_t len;
	const char *line = json_line(&j, &len);
	if (line)
		out = strdup(line);
	json_free(&j);
	topo_free(t);
	return out;
}

/* `labctl predict NAME --fault loss:P --json` (lab/cli/predict_loss.c): the
 * blackhole's scenario, 60 s, the default samples, seed 1, RTT 1 ms. */
static char *loss_doc(const char *topo_dir, const char *name, double p)
{
	char path[4096];
	struct topo *t = NULL;
	struct topo_diags diags = {0};
	struct timers_input in;
	struct timers_loss_input li = {.p = p,
	                               .duration_s = TIMERS_LOSS_DURATION_S,
	                               .rtt_s = 0.001,
	                               .samples = TIMERS_LOSS_SAMPLES,
	                               .seed = 1};
	struct timers_loss_result r;
	struct json j;
	char *out = NULL;

	snprintf(path, sizeof(path), "%s/%s.yaml", topo_dir, name);
	if (topo_load(path, &t, &diags) < 0) {
		topo_diags_print(&diags, stderr);
		topo_diags_free(&diags);
		return NULL;
	}
	topo_diags_free(&diags);
	if (timers_input_from_topo(t, 0, "blackhole", &in) < 0 ||
	    timers_input_scale_model(&in, 1) < 0 || timers_loss_predict(&in, &li, &r) < 0) {
		fprintf(stderr, "%s: %s\n", name, lab_err_msg());
		topo_free(t);
		return NULL;
	}
	json_init(&j);
	timers_loss_doc(&j, t->name, t->tunnels[0].name, 1, &in, &r);
	size_t len;
	const char *line = json_line(&j, &len);
	if (line)
		out = strdup(line);
	json_free(&j);
	topo_free(t);
	return out;
}

static void golden_text(const char *golden_dir, const char *file, char *got);

static void golden(const char *topo_dir, const char *golden_dir, const char *name,
                   bool distribution)
{
	char path[4096];
	char *got = predict_doc(topo_dir, name, distribution);
	CHECK(got != NULL);
	if (!got)
		return;
	snprintf(path, sizeof(path), "predict-%s%s.json", name,
	         distribution ? "-distribution" : "");
	golden_text(golden_dir, path, got);
}

static void golden_text(const char *golden_dir, const char *file, char *got)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", golden_dir, file);
	if (getenv("TIMERS_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");
		CHECK(f && fputs(got, f) >= 0 && fclose(f) == 0);
		fprintf(stderr, "wrote %s\n", path);
		free(got);
		return;
	}
	FILE *f = fopen(path, "r");
	char *want = NULL;
	size_t cap = 0;
	ssize_t n = f ? getdelim(&want, &cap, '\0', f) : -1;
	if (f)
		fclose(f);
	CHECK(n > 0);
	if (n > 0) {
		CHECK_STR(got, want);
		if (strcmp(got, want))
			fprintf(stderr,
			        "  %s differs from the prediction; if the change is intended, "
			        "regenerate with TIMERS_GOLDEN_UPDATE=1 and review the diff\n",
			        path);
	}
	free(want);
	free(got);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s TOPOLOGY_DIR GOLDEN_DIR\n", argv[0]);
		return 2;
	}
	DIR *d = opendir(argv[1]);
	CHECK(d != NULL);
	size_t n = 0;
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		golden(argv[1], argv[2], name, false);
		n++;
	}
	if (d)
		closedir(d);
	/* the shipped ones: dual-tunnel, single-tunnel and the four cloud profiles
	 * (docs/profiles.md); fewer means the directory was not the one meant */
	CHECK(n >= 6);
	/* The simulated quantiles too (seeded, outages on the 0.1 s probe grid). */
	golden(argv[1], argv[2], "dual-tunnel", true);
	/* The partial-loss Monte Carlo, seeded, at 50 %. */
	char *loss = loss_doc(argv[1], "dual-tunnel", 0.5);
	CHECK(loss != NULL);
	if (loss)
		golden_text(argv[2], "predict-dual-tunnel-loss50.json", loss);
	return check_done();
}
