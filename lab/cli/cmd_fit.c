/* labctl fit --measured A,B,...: the likeliest value of one or two unknown delays
 * under the lab model's simulated distribution (default), or the range of one for
 * which every measured outage lies inside the lab model's window (--method range). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/fit_likelihood_out.h"
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
	        "                  [--method likelihood|range] [--unknown U[,U]]\n"
	        "                  [--direction rtt|fwd|rev] [--fault KIND] [--time-scale F]\n"
	        "                  [--max S] [--samples N] [--seed S] [--step S] [--svg FILE]\n"
	        "                  [--json]\n"
	        "\n"
	        "  --unknown U[,U]  programming-delay (the same at both routers),\n"
	        "                   programming-delay-fwd (the router of the probe source's\n"
	        "                   side), programming-delay-rev (the other router),\n"
	        "                   propagation-delay, or cloud-delay (one hidden time after\n"
	        "                   each side's hold timer; a BIRD gateway's router gets it\n"
	        "                   less BIRD's wake)\n"
	        "The topology defaults to dual-tunnel. --method:\n"
	        "  likelihood (default): the value(s) of U that make the measured outages\n"
	        "    (seconds) likeliest under the lab model's Monte Carlo distribution (kernel\n"
	        "    density), a 90 %% interval (and the likelihood-ratio one), and the\n"
	        "    likelihood curve; where the likelihood is flat, the value in the plateau\n"
	        "    whose predicted median equals the measurements' mean. Two unknowns are\n"
	        "    fitted jointly; a round trip without --unknown fits\n"
	        "    programming-delay-fwd,programming-delay-rev.\n"
	        "    --svg FILE also draws the curve.\n"
	        "  range: every value of one U for which each measurement lies inside the lab\n"
	        "    model's window, and its midpoint.\n"
	        "Exit 1 if no value fits, with the reason.\n");
}

static int parse_measured(const char *s, double *v, size_t *n)
{
	return timers_cli_seconds_list("--measured", s, v, FIT_MAX_MEASURED, n);
}

static int parse_unknowns(const char *s, enum timers_unknown u[2], size_t *n)
{
	char buf[256];
	if (strlen(s) >= sizeof(buf))
		return lab_err(LAB_EXIT_USAGE, "--unknown: too long");
	snprintf(buf, sizeof(buf), "%s", s);
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n == 2)
			return lab_err(LAB_EXIT_USAGE, "--unknown '%s': at most two unknowns", s);
		if (timers_unknown_parse(tok, &u[(*n)++]) < 0)
			return -1;
	}
	if (*n == 0)
		return lab_err(LAB_EXIT_USAGE,
		               "--unknown: expected a name, e.g. programming-delay");
	return 0;
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
	    {"measured", required_argument, NULL, 'm'},
	    {"topology", required_argument, NULL, 'T'},
	    {"tunnel", required_argument, NULL, 't'},
	    {"unknown", required_argument, NULL, 'u'},
	    {"direction", required_argument, NULL, 'd'},
	    {"fault", required_argument, NULL, 'f'},
	    {"time-scale", required_argument, NULL, 'x'},
	    {"max", required_argument, NULL, 'M'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"method", required_argument, NULL, 'k'},
	    {"samples", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"step", required_argument, NULL, 'S'},
	    {"svg", required_argument, NULL, 'g'},
	    {NULL, 0, NULL, 0},
	};
	const char *topology = "dual-tunnel", *tunnel = NULL, *fault = NULL;
	double measured[FIT_MAX_MEASURED], scale = 1, max_s = 600;
	size_t n = 0, n_unknown = 0;
	enum timers_unknown unknown[2] = {TIMERS_UNKNOWN_PROGRAMMING, TIMERS_UNKNOWN_PROGRAMMING};
	enum timers_dir dir = TIMERS_RTT;
	enum timers_fit_method method = TIMERS_FIT_LIKELIHOOD;
	bool json = false;
	const char *svg = NULL;
	uint64_t samples = 0, seed = 1;
	double step = 0.05;
	struct timers_cli_topo ct = {0};
	struct timers_fit fit = {0};
	struct timers_lik_fit *lik = NULL;
	int c, rc = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int r = 0;
		switch (c) {
		case 'm': r = parse_measured(optarg, measured, &n); break;
		case 'T': topology = optarg; break;
		case 't': tunnel = optarg; break;
		case 'u': r = parse_unknowns(optarg, unknown, &n_unknown); break;
		case 'k': r = timers_fit_method_parse(optarg, &method); break;
		case 'n': r = timers_cli_u64("--samples", optarg, 100, 10000000, &samples); break;
		case 's': r = timers_cli_u64("--seed", optarg, 0, UINT64_MAX, &seed); break;
		case 'S':
			r = timers_cli_double("--step", optarg, &step);
			if (!r && !(step > 0))
				r = lab_err(LAB_EXIT_USAGE, "--step %g: expected seconds > 0",
				            step);
			break;
		case 'g': svg = optarg; break;
		case 'd': r = timers_cli_dir("--direction", optarg, &dir); break;
		case 'f': fault = optarg; break;
		case 'x': r = timers_cli_double("--time-scale", optarg, &scale); break;
		case 'M':
			r = timers_cli_double("--max", optarg, &max_s);
			if (!r && !(max_s > 0))
				r = lab_err(LAB_EXIT_USAGE, "--max %g: expected seconds > 0",
				            max_s);
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
	if (method == TIMERS_FIT_RANGE && (n_unknown > 1 || svg)) {
		fprintf(stderr,
		        "labctl fit: --method range fits one unknown and draws no curve\n\n");
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (timers_cli_load(topology, tunnel, fault, scale, &ct) < 0)
		goto out;
	if (method == TIMERS_FIT_LIKELIHOOD) {
		/* A round trip is the slower of two directions, each with its own cloud. */
		if (n_unknown == 0 && dir == TIMERS_RTT) {
			unknown[0] = TIMERS_UNKNOWN_PROGRAMMING_FWD;
			unknown[1] = TIMERS_UNKNOWN_PROGRAMMING_REV;
			n_unknown = 2;
		}
		struct timers_lik_request rq = {.in = &ct.in,
		                                .unknown = {unknown[0], unknown[1]},
		                                .n_unknown = n_unknown ? n_unknown : 1,
		                                .dir = dir,
		                                .measured = measured,
		                                .n_measured = n,
		                                .max_s = max_s,
		                                .step_s = step,
		                                .seed = seed,
		                                .samples = samples          ? samples
		                                           : n_unknown == 2 ? TIMERS_LIK_SAMPLES2
		                                                            : TIMERS_LIK_SAMPLES};
		if (!(lik = calloc(1, sizeof(*lik)))) {
			lab_err(LAB_EXIT_FAIL, "out of memory");
			goto out;
		}
		if (timers_fit_likelihood(&rq, lik) < 0 ||
		    (svg && lik->found && fit_svg_write(svg, lik, measured, n) < 0))
			goto out;
		rc = json ? fit_lik_json(&ct, scale, lik, measured, n)
		          : (fit_lik_text(&ct, lik, measured, n), 0);
		goto out;
	}
	if (timers_fit_unknown(&ct.in, unknown[0], dir, measured, n, max_s, &fit) < 0)
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
	bool found = lik ? lik->found : fit.found;
	free(lik);
	if (rc < 0)
		return lab_err_report();
	/* Measurements no delay explains are a finding, not bad input: exit 1. */
	return found ? LAB_EXIT_OK : LAB_EXIT_FAIL;
}
