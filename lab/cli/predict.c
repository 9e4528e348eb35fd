/* labctl predict TOPOLOGY: the outage windows of every timer model for one tunnel. */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/predict_gate.h"
#include "cli/predict_loss.h"
#include "cli/timers_cli.h"
#include "common/err.h"
#include "common/json.h"
#include "timers/article.h"
#include "timers/loss_model.h"
#include "timers/timers.h"
#include "topo/topo.h"

/* Faults simulated per run for --runs-age (each run has its own distribution). */
#define PREDICT_COND_SAMPLES 50000

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: labctl predict TOPOLOGY [--json] [--fault KIND [--fault-side N]]\n"
	    "                      [--fault loss:P [--duration DUR]]\n"
	    "                      [--tunnel N|NAME]\n"
	    "                      [--time-scale F] [--samples N [--seed S]] [--distribution]\n"
	    "                      [--runs S[,S...] [--direction rtt|fwd|rev]\n"
	    "                       [--runs-age S[,S...]]]\n"
	    "                      [--max-outage DUR] [--model M] [--junit FILE]\n"
	    "                      [--sweep KEY=FROM..TO[:STEP]]... [--svg FILE]\n"
	    "\n"
	    "Prints the outage window per direction and round trip, decomposed into its\n"
	    "parts, for the models article, rfc4271, bird and lab (the topology as\n"
	    "configured), beside the article's " TIMERS_ARTICLE_WINDOW_TEXT
	    ". TOPOLOGY is a name or a "
	    "file.\n"
	    "  --fault KIND     ike-mismatch (default), blackhole, link-down, kill-charon,\n"
	    "                   kill-speaker, loss:P\n"
	    "  --duration DUR   with --fault loss:P (P %% of the tunnel's packets dropped, a\n"
	    "                   grey failure without a window; Monte Carlo, %d faults):\n"
	    "                   how long the loss lasts (default %g s; 90, 90s, 2m);\n"
	    "                   predict gives the probability that hold timer, BFD and\n"
	    "                   DPD fire, when, and the expected loss-derived time\n"
	    "  --fault-side N   0 = the probe source's end of the tunnel (default), 1 = the\n"
	    "                   other (where charon crashes for kill-charon)\n"
	    "  --tunnel N|NAME  the tunnel that breaks (default: the first)\n"
	    "  --time-scale F   timers scaled as `up --time-scale F` scales them (0 < F <= 1)\n"
	    "  --samples N      also run the seeded Monte Carlo simulator (N faults per model)\n"
	    "  --seed S         its seed (default 1)\n"
	    "  --distribution   quantiles p1-p99 and the mean of the simulated outages per\n"
	    "                   model and direction, beside the window (default %d faults\n"
	    "                   per model; --samples changes it)\n"
	    "  --runs S,...     measured outages (seconds, of the direction given, default\n"
	    "                   rtt): each run's quantile in the lab model's distribution\n"
	    "                   and a Kolmogorov-Smirnov test of them against it\n"
	    "  --runs-age S,... for each run, the age of the last KEEPALIVE the probe\n"
	    "                   source's gateway received when the fault fell (the report's\n"
	    "                   last-keepalive mark): each run is placed in the model given\n"
	    "                   it (%d faults per run)\n" PREDICT_GATE_USAGE
	    "Exit status: 0 within the budget (or none), 1 over it, 2 bad input.\n",
	    TIMERS_LOSS_SAMPLES, TIMERS_LOSS_DURATION_S, TIMERS_DIST_SAMPLES, PREDICT_COND_SAMPLES);
}

static void fmt_window(char *b, size_t n, const struct timers_window *w)
{
	if (!isfinite(w->min_s) && !isfinite(w->max_s))
		snprintf(b, n, "never ends");
	else if (!isfinite(w->max_s))
		snprintf(b, n, "%.6g - inf", w->min_s);
	else if (w->min_s == w->max_s)
		snprintf(b, n, "%.6g", w->min_s);
	else
		snprintf(b, n, "%.6g - %.6g", w->min_s, w->max_s);
}

static void print_path(const char *model, const char *dir, const struct timers_path *p)
{
	char w[64], pw[64];
	fmt_window(w, sizeof(w), &p->w);
	printf("  %-8s %-11s %-15s %-16s ", model, dir, w, timers_mechanism_name(p->mechanism));
	for (size_t i = 0; i < p->n_parts; i++) {
		const struct timers_part *q = &p->parts[i];
		fmt_window(pw, sizeof(pw), &q->w);
		printf("%s%s %s%s%s", i ? " + " : "", q->name, pw, q->where[0] ? " @" : "",
		       q->where);
	}
	printf("\n");
	if (p->note[0])
		printf("  %-8s %-11s (%s)\n", "", "", p->note);
}

static void fmt_q(char *b, size_t n, double v)
{
	if (isfinite(v))
		snprintf(b, n, "%.2f", v);
	else
		snprintf(b, n, "inf");
}

/* Quantiles beside the closed window: the window says what can happen, these how
 * often. */
static void print_dist(const struct timers_doc *d)
{
	printf("\ndistribution (Monte Carlo: %" PRIu64 " faults per model, seed %" PRIu64
	       "; outages in s)\n",
	       d->dist[0].samples, d->dist[0].seed);
	printf("  %-8s %-4s %-15s", "model", "dir", "window");
	for (int k = 0; k < TIMERS_NQUANT; k++) {
		char h[8];
		snprintf(h, sizeof(h), "p%d", (int)lround(timers_quantile_levels[k] * 100));
		printf(" %6s", h);
	}
	printf(" %6s\n", "mean");
	for (size_t i = 0; i < d->n_dist; i++) {
		const struct timers_model *md = timers_find_model(d->pred, d->dist[i].model);
		for (int k = 0; k < TIMERS_NDIR; k++) {
			const struct timers_dist_dir *q = &d->dist[i].dir[k];
			char w[64], b[16];
			fmt_window(w, sizeof(w), &md->dir[k].w);
			printf("  %-8s %-4s %-15s", d->dist[i].model,
			       timers_dir_name((enum timers_dir)k), w);
			for (int j = 0; j < TIMERS_NQUANT; j++) {
				fmt_q(b, sizeof(b), q->q_s[j]);
				printf(" %6s", b);
			}
			fmt_q(b, sizeof(b), q->mean_s);
			printf(" %6s\n", b);
		}
	}
}

static void print_text(const struct timers_doc *d)
{
	const struct timers_input *in = d->in;
	const struct timers_session *s = &d->pred->session;

	printf("%s: tunnel %s (%s <-> %s), fault %s, time scale %g\n", d->topology, d->tunnel,
	       in->side[0].gateway, in->side[1].gateway, timers_fault_name(in->fault),
	       d->time_scale);
	char h0[64], h1[64];
	fmt_window(h0, sizeof(h0), &(struct timers_window){s->hold_min_s[0], s->hold_s});
	fmt_window(h1, sizeof(h1), &(struct timers_window){s->hold_min_s[1], s->hold_s});
	printf("negotiated hold %g s; keepalive %g s from %s (%s), %g s from %s (%s); hold timer "
	       "runs %s s at %s, %s s at %s\n",
	       s->hold_s, s->keepalive_s[0], in->side[0].gateway,
	       timers_speaker_name(in->side[0].speaker), s->keepalive_s[1], in->side[1].gateway,
	       timers_speaker_name(in->side[1].speaker), h0, in->side[0].gateway, h1,
	       in->side[1].gateway);
	printf("fwd = %s side -> far side (ends when %s drops the tunnel), rev = the other way,\n"
	       "rtt = a ping (the slower of the two); probe interval %g s\n\n",
	       in->side[0].gateway, in->side[0].router, in->probe_interval_s);
	printf("  %-8s %-11s %-15s %-16s %s\n", "model", "direction", "window (s)", "mechanism",
	       "parts (s)");
	for (size_t m = 0; m < d->pred->n_models; m++) {
		const struct timers_model *md = &d->pred->models[m];
		if (!strcmp(md->name, "article")) {
			print_path(md->name, "fwd/rev/rtt", &md->dir[TIMERS_RTT]);
			continue;
		}
		for (int k = 0; k < TIMERS_NDIR; k++)
			print_path(md->name, timers_dir_name((enum timers_dir)k), &md->dir[k]);
	}
	printf("\nmodels:\n");
	for (size_t m = 0; m < d->pred->n_models; m++)
		printf("  %-8s %s\n", d->pred->models[m].name, d->pred->models[m].summary);
	printf("\narticle (real time): %g - %g s predicted, " TIMERS_ARTICLE_MEASURED_TEXT
	       " measured\n",
	       timers_article.min_s, timers_article.max_s);
	printf("why the article's formula and RFC 4271 differ: %s\n", timers_article.why);
	if (d->n_mc) {
		printf("\nMonte Carlo: %" PRIu64 " faults per model, seed %" PRIu64 "\n",
		       d->mc_samples, d->mc_seed);
		printf("  %-8s %-9s %-15s %s\n", "model", "direction", "observed (s)", "mean (s)");
		for (size_t i = 0; i < d->n_mc; i++)
			for (int k = 0; k < TIMERS_NDIR; k++) {
				char w[64];
				fmt_window(w, sizeof(w), &d->mc[i].dir[k].w);
				printf("  %-8s %-9s %-15s %.6g\n", d->mc[i].model,
				       timers_dir_name((enum timers_dir)k), w,
				       d->mc[i].dir[k].mean_s);
			}
	}
	if (d->n_dist)
		print_dist(d);
}

int cmd_predict(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"fault", required_argument, NULL, 'f'},
	    {"tunnel", required_argument, NULL, 't'},
	    {"time-scale", required_argument, NULL, 'x'},
	    {"samples", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"fault-side", required_argument, NULL, 'S'},
	    {"distribution", no_argument, NULL, 'D'},
	    {"runs", required_argument, NULL, 'r'},
	    {"direction", required_argument, NULL, 'd'},
	    {"runs-age", required_argument, NULL, 'a'},
	    {"duration", required_argument, NULL, 'L'},
	    PREDICT_GATE_OPTIONS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *fault = NULL, *tunnel = NULL;
	bool json = false, distribution = false;
	double scale = 1, duration = TIMERS_LOSS_DURATION_S;
	bool have_duration = false;
	uint64_t samples = 0, seed = 1, fault_side = 0;
	struct timers_cli_topo ct = {0};
	struct predict_gate gate = {0};
	struct timers_budget_check checks[TIMERS_MAX_MODELS * TIMERS_NDIR];
	struct timers_mc_result mc[TIMERS_MAX_MODELS];
	struct timers_dist dist[TIMERS_MAX_MODELS];
	double runs[TIMERS_GOF_MAX_RUNS], ages[TIMERS_GOF_MAX_RUNS];
	size_t n_runs = 0, n_ages = 0;
	enum timers_dir dir = TIMERS_RTT;
	struct timers_gof *gof = NULL;
	static const char *const models[] = {"article", "rfc4271", "bird", "lab"};
	int c, rc = LAB_EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'f': fault = optarg; break;
		case 't': tunnel = optarg; break;
		case 'x':
			if (timers_cli_double("--time-scale", optarg, &scale) < 0)
				return lab_err_report();
			break;
		case 'n':
			if (timers_cli_u64("--samples", optarg, 1, 100000000, &samples) < 0)
				return lab_err_report();
			break;
		case 's':
			if (timers_cli_u64("--seed", optarg, 0, UINT64_MAX, &seed) < 0)
				return lab_err_report();
			break;
		case 'S':
			if (timers_cli_u64("--fault-side", optarg, 0, 1, &fault_side) < 0)
				return lab_err_report();
			break;
		case 'D': distribution = true; break;
		case 'L': {
			uint32_t ms;
			if (topo_duration_parse(optarg, 86400000u, &ms) < 0 || ms == 0) {
				lab_err(LAB_EXIT_USAGE,
				        "--duration '%s': expected how long the loss "
				        "lasts, whole ms up to a day: 60, 90s, 2m",
				        optarg);
				return lab_err_report();
			}
			duration = ms / 1000.0;
			have_duration = true;
			break;
		}
		case 'r':
			if (timers_cli_seconds_list("--runs", optarg, runs, TIMERS_GOF_MAX_RUNS,
			                            &n_runs) < 0)
				return lab_err_report();
			break;
		case 'a':
			if (timers_cli_seconds_list("--runs-age", optarg, ages, TIMERS_GOF_MAX_RUNS,
			                            &n_ages) < 0)
				return lab_err_report();
			break;
		case 'd':
			if (timers_cli_dir("--direction", optarg, &dir) < 0 ||
			    predict_gate_option(&gate, c, optarg) < 0)
				return lab_err_report();
			break;
		case 1001:
		case 1002:
		case 1003:
		case 1004:
		case 1005:
			if (predict_gate_option(&gate, c, optarg) < 0)
				return lab_err_report();
			break;
		case 'h': usage(stdout); return LAB_EXIT_OK;
		default: usage(stderr); return LAB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "labctl predict: expected one TOPOLOGY (a name or a file)\n\n");
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (n_ages && n_ages != n_runs) {
		fprintf(stderr,
		        "labctl predict: --runs-age gives %zu ages for %zu --runs; give one "
		        "per run\n\n",
		        n_ages, n_runs);
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (fault && !strncmp(fault, "loss", 4)) {
		if (distribution || n_runs || gate.n_sweep || gate.svg || gate.have_max ||
		    gate.junit || fault_side) {
			lab_err(LAB_EXIT_USAGE,
			        "--fault %s: a grey failure has no window; "
			        "--distribution, --runs, --sweep, --svg, --max-outage, --junit and "
			        "--fault-side do not apply (give --duration, --samples, --seed, "
			        "--json)",
			        fault);
			return lab_err_report();
		}
		struct predict_loss_opts lo = {.topology = argv[optind],
		                               .tunnel = tunnel,
		                               .fault = fault,
		                               .time_scale = scale,
		                               .duration_s = duration,
		                               .samples = samples,
		                               .seed = seed,
		                               .json = json};
		rc = predict_loss(&lo);
		return rc == LAB_EXIT_OK ? rc : lab_err_report();
	}
	if (have_duration) {
		lab_err(LAB_EXIT_USAGE, "--duration applies to --fault loss:P only");
		return lab_err_report();
	}
	if (timers_cli_load(argv[optind], tunnel, fault, scale, &ct) < 0)
		goto out;
	ct.in.fault_side = (uint32_t)fault_side;

	struct timers_prediction pred;
	if (timers_predict(&ct.in, &pred) < 0)
		goto out;
	gate.scale = scale;
	int n_checks =
	    predict_gate_checks(&gate, &ct, &pred, checks, sizeof(checks) / sizeof(checks[0]));
	if (n_checks < 0)
		goto out;
	if (gate.n_sweep) {
		if (predict_gate_sweep(&gate, argv[optind], tunnel, fault, (uint32_t)fault_side,
		                       scale, &ct, checks, (size_t)n_checks, json) < 0)
			goto out;
		rc = predict_gate_finish(&gate, &ct, checks, (size_t)n_checks, json);
		goto out;
	}
	if (gate.svg) {
		lab_err(LAB_EXIT_USAGE, "--svg draws a sweep; give --sweep KEY=FROM..TO too");
		goto out;
	}
	struct timers_doc d = {.topology = ct.topo->name,
	                       .tunnel = ct.tunnel_name,
	                       .time_scale = scale,
	                       .in = &ct.in,
	                       .pred = &pred,
	                       .mc = mc,
	                       .mc_samples = samples,
	                       .mc_seed = seed,
	                       .budget = checks,
	                       .n_budget = (size_t)n_checks};
	/* With --distribution, --samples sizes the distribution instead. */
	uint64_t mc_samples = distribution ? 0 : samples;
	d.mc_samples = mc_samples;
	for (size_t i = 0; mc_samples && i < sizeof(models) / sizeof(models[0]); i++, d.n_mc++)
		if (timers_simulate(&ct.in, models[i], mc_samples, seed, &mc[i]) < 0)
			goto out;
	d.dist = dist;
	for (size_t i = 0; distribution && i < sizeof(models) / sizeof(models[0]); i++, d.n_dist++)
		if (timers_distribution(&ct.in, models[i], samples ? samples : TIMERS_DIST_SAMPLES,
		                        seed, &dist[i]) < 0)
			goto out;
	if (n_runs) {
		if (!(gof = calloc(1, sizeof(*gof)))) {
			lab_err(LAB_EXIT_FAIL, "out of memory");
			goto out;
		}
		int g = n_ages
		            ? timers_gof_conditional(&ct.in, "lab", dir, runs, ages, NULL, n_runs,
		                                     samples ? samples : PREDICT_COND_SAMPLES, seed,
		                                     gof)
		            : timers_gof_test(&ct.in, "lab", dir, runs, n_runs,
		                              samples ? samples : TIMERS_DIST_SAMPLES, seed, gof);
		if (g < 0)
			goto out;
		d.gof = gof;
	}
	if (json) {
		struct json j;
		json_init(&j);
		timers_predict_doc(&j, &d);
		if (timers_cli_put_json(&j) < 0)
			goto out;
	} else {
		print_text(&d);
		if (gof) {
			char buf[TIMERS_GOF_MAX_RUNS * 40 + 1024];
			timers_gof_format(gof, buf, sizeof(buf));
			printf("\n%s", buf);
		}
	}
	rc = predict_gate_finish(&gate, &ct, checks, (size_t)n_checks, json);
out:
	free(gof);
	timers_cli_free(&ct);
	if (rc < 0 || rc == LAB_EXIT_USAGE)
		return lab_err_report();
	return rc;
}
