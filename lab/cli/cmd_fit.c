/* labctl fit --measured A,B,...: the range of one unknown delay for which every
 * measured outage lies inside the lab model's window. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/timers_cli.h"
#include "common/err.h"
#include "common/json.h"
#include "timers/article.h"
#include "timers/timers.h"
#include "topo/model.h"

#define FIT_MAX_MEASURED 256

static void usage(FILE *f)
{
	fprintf(f,
		"usage: labctl fit --measured S[,S...] [--topology NAME|FILE] [--tunnel N|NAME]\n"
		"                  [--unknown programming-delay|programming-delay-fwd|\n"
		"                             programming-delay-rev|propagation-delay]\n"
		"                  [--direction rtt|fwd|rev] [--fault KIND] [--time-scale F]\n"
		"                  [--max S] [--json]\n"
		"\n"
		"Finds every value of the unknown delay (default: the route programming delay,\n"
		"the same at both routers) for which each measured outage (seconds) lies inside\n"
		"the lab model's window for the topology (default dual-tunnel), and suggests\n"
		"the midpoint. Exit 1 if no value fits, with the reason.\n");
}

static int parse_measured(const char *s, double *v, size_t *n)
{
	char buf[4096];
	if (strlen(s) >= sizeof(buf))
		return lab_err(LAB_EXIT_USAGE, "--measured: list too long");
	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == FIT_MAX_MEASURED)
			return lab_err(LAB_EXIT_USAGE, "--measured: at most %d values",
				       FIT_MAX_MEASURED);
		if (timers_cli_double("--measured", tok, &v[*n]) < 0)
			return -1;
		if (v[*n] < 0)
			return lab_err(LAB_EXIT_USAGE, "--measured '%s': an outage is >= 0 s", tok);
		(*n)++;
	}
	if (*n == 0)
		return lab_err(LAB_EXIT_USAGE,
			       "--measured: expected seconds, e.g. " TIMERS_ARTICLE_MEASURED_ARG);
	return 0;
}

static int parse_dir(const char *s, enum timers_dir *d)
{
	for (int k = 0; k < TIMERS_NDIR; k++)
		if (!strcmp(s, timers_dir_name((enum timers_dir)k))) {
			*d = (enum timers_dir)k;
			return 0;
		}
	return lab_err(LAB_EXIT_USAGE, "--direction '%s': expected rtt, fwd or rev", s);
}

static void print_text(const struct timers_cli_topo *ct, const struct timers_fit *f,
		       const double *m, size_t n)
{
	const struct timers_input *in = &ct->in;
	printf("fit %s against %s outages", timers_unknown_name(f->unknown),
	       timers_dir_name(f->dir));
	for (size_t i = 0; i < n; i++)
		printf("%s%g s", i ? ", " : " ", m[i]);
	printf("\nmodel lab of %s, tunnel %s (%s <-> %s), fault %s; routers %s and %s\n",
	       ct->topo->name, ct->tunnel_name, in->side[0].gateway, in->side[1].gateway,
	       timers_fault_name(in->fault), in->side[0].router, in->side[1].router);
	if (!f->found) {
		printf("no value fits: %s\n", f->why);
		return;
	}
	printf("every measurement lies inside the window for %s in [%g, %g] s\n",
	       timers_unknown_name(f->unknown), f->lo_s, f->hi_s);
	printf("suggestion (midpoint): %g s -> window %g - %g s (article: %g - %g s)\n",
	       f->suggest_s, f->at_suggest.min_s, f->at_suggest.max_s, timers_article.min_s,
	       timers_article.max_s);
}

int cmd_fit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"measured", required_argument, NULL, 'm'}, {"topology", required_argument, NULL, 'T'},
		{"tunnel", required_argument, NULL, 't'},   {"unknown", required_argument, NULL, 'u'},
		{"direction", required_argument, NULL, 'd'}, {"fault", required_argument, NULL, 'f'},
		{"time-scale", required_argument, NULL, 'x'}, {"max", required_argument, NULL, 'M'},
		{"json", no_argument, NULL, 'j'},           {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *topology = "dual-tunnel", *tunnel = NULL, *fault = NULL;
	double measured[FIT_MAX_MEASURED], scale = 1, max_s = 600;
	size_t n = 0;
	enum timers_unknown unknown = TIMERS_UNKNOWN_PROGRAMMING;
	enum timers_dir dir = TIMERS_RTT;
	bool json = false;
	struct timers_cli_topo ct = {0};
	struct timers_fit fit = {0};
	int c, rc = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int r = 0;
		switch (c) {
		case 'm': r = parse_measured(optarg, measured, &n); break;
		case 'T': topology = optarg; break;
		case 't': tunnel = optarg; break;
		case 'u': r = timers_unknown_parse(optarg, &unknown); break;
		case 'd': r = parse_dir(optarg, &dir); break;
		case 'f': fault = optarg; break;
		case 'x': r = timers_cli_double("--time-scale", optarg, &scale); break;
		case 'M':
			r = timers_cli_double("--max", optarg, &max_s);
			if (!r && !(max_s > 0))
				r = lab_err(LAB_EXIT_USAGE, "--max %g: expected seconds > 0", max_s);
			break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return LAB_EXIT_OK;
		default: usage(stderr); return LAB_EXIT_USAGE;
		}
		if (r < 0)
			return lab_err_report();
	}
	if (optind != argc || n == 0) {
		fprintf(stderr, "labctl fit: %s\n\n",
			n == 0 ? "--measured is required" : "unexpected argument");
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (timers_cli_load(topology, tunnel, fault, scale, &ct) < 0 ||
	    timers_fit_unknown(&ct.in, unknown, dir, measured, n, max_s, &fit) < 0)
		goto out;
	if (json) {
		struct json j;
		json_init(&j);
		json_obj_begin(&j);
		json_kv_str(&j, "topology", ct.topo->name);
		json_kv_str(&j, "tunnel", ct.tunnel_name);
		json_kv_double(&j, "time_scale", scale);
		json_key(&j, "measured_s");
		json_arr_begin(&j);
		for (size_t i = 0; i < n; i++)
			json_double(&j, measured[i]);
		json_arr_end(&j);
		json_key(&j, "fit");
		timers_fit_json(&j, &fit);
		json_obj_end(&j);
		if (timers_cli_put_json(&j) < 0)
			goto out;
	} else {
		print_text(&ct, &fit, measured, n);
	}
	rc = 0;
out:
	timers_cli_free(&ct);
	if (rc < 0)
		return lab_err_report();
	/* Measurements no delay explains are a finding, not bad input: exit 1. */
	return fit.found ? LAB_EXIT_OK : LAB_EXIT_FAIL;
}
