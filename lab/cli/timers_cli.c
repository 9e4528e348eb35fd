#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/timers_cli.h"
#include "common/err.h"
#include "common/json.h"
#include "topo/topo.h"

int timers_cli_put_json(struct json *j)
{
	int w = json_fputs(j, stdout);
	json_free(j);
	return w < 0 ? lab_err_errno(LAB_EXIT_FAIL, errno, "writing to stdout") : 0;
}

int timers_cli_double(const char *opt, const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v))
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected a number", opt, s);
	*out = v;
	return 0;
}

int timers_cli_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected a whole number from %llu to %llu",
		               opt, s, (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int timers_cli_seconds_list(const char *opt, const char *s, double *v, size_t max, size_t *n)
{
	char buf[4096];
	if (strlen(s) >= sizeof(buf))
		return lab_err(LAB_EXIT_USAGE, "%s: list too long", opt);
	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == max)
			return lab_err(LAB_EXIT_USAGE, "%s: at most %zu values", opt, max);
		if (timers_cli_double(opt, tok, &v[*n]) < 0)
			return -1;
		if (v[*n] < 0)
			return lab_err(LAB_EXIT_USAGE, "%s '%s': an outage is >= 0 s", opt, tok);
		(*n)++;
	}
	if (*n == 0)
		return lab_err(LAB_EXIT_USAGE, "%s: expected seconds, e.g. 36.7,36.9", opt);
	return 0;
}

int timers_cli_dir(const char *opt, const char *s, enum timers_dir *d)
{
	for (int k = 0; k < TIMERS_NDIR; k++)
		if (!strcmp(s, timers_dir_name((enum timers_dir)k))) {
			*d = (enum timers_dir)k;
			return 0;
		}
	return lab_err(LAB_EXIT_USAGE, "%s '%s': expected rtt, fwd or rev", opt, s);
}

static int pick_tunnel(const struct topo *t, const char *tunnel, uint32_t *idx)
{
	if (t->n_tunnels == 0)
		return lab_err(LAB_EXIT_USAGE,
		               "topology '%s' has no tunnels: nothing can fail over", t->name);
	if (!tunnel) {
		*idx = 0;
		return 0;
	}
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, tunnel)) {
			*idx = (uint32_t)i;
			return 0;
		}
	char *end;
	errno = 0;
	unsigned long v = strtoul(tunnel, &end, 10);
	if (!errno && end != tunnel && !*end && tunnel[0] != '-' && v < t->n_tunnels) {
		*idx = (uint32_t)v;
		return 0;
	}
	return lab_err(LAB_EXIT_USAGE,
	               "--tunnel '%s': topology '%s' has no such tunnel (%zu "
	               "tunnel(s): give an index from 0 or a tunnel name, e.g. '%s')",
	               tunnel, t->name, t->n_tunnels, t->tunnels[0].name);
}

int timers_cli_load(const char *name_or_file, const char *tunnel, const char *fault,
                    double time_scale, struct timers_cli_topo *out)
{
	char path[PATH_MAX];
	struct topo_diags diags = {0};
	uint32_t idx = 0;

	memset(out, 0, sizeof(*out));
	if (!(time_scale > 0 && time_scale <= 1))
		return lab_err(LAB_EXIT_USAGE,
		               "--time-scale %g is outside (0, 1]; expected e.g. "
		               "0.1 for timers ten times shorter",
		               time_scale);
	if (topo_resolve_path(name_or_file, path, sizeof(path)) < 0)
		return -1;
	if (topo_load(path, &out->topo, &diags) < 0) {
		topo_diags_print(&diags, stderr);
		topo_diags_free(&diags);
		return -1;
	}
	topo_diags_free(&diags);
	if (topo_apply_time_scale(out->topo, time_scale) < 0 ||
	    pick_tunnel(out->topo, tunnel, &idx) < 0 ||
	    timers_input_from_topo(out->topo, idx, fault, &out->in) < 0 ||
	    timers_input_scale_model(&out->in, time_scale) < 0) {
		timers_cli_free(out);
		return -1;
	}
	snprintf(out->tunnel_name, sizeof(out->tunnel_name), "%s", out->topo->tunnels[idx].name);
	return 0;
}

void timers_cli_free(struct timers_cli_topo *ct)
{
	if (ct->topo)
		topo_free(ct->topo);
	ct->topo = NULL;
}
