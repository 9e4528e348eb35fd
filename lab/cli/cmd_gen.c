/* labctl gen hub-spoke --sites N [...]: write a generated topology to stdout. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/err.h"
#include "gen/gen_profile.h"
#include "gen/hub_spoke.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: labctl gen hub-spoke --sites N [--tunnels-per-site 1|2] [--hub PROFILE]\n"
	    "                            [--site PROFILE] [--name NAME] > FILE\n\n"
	    "Writes a hub-and-spoke topology after Azure Virtual WAN to stdout: a hub router\n"
	    "behind two gateway instances, N branch sites (1..%u) each with a host and one or\n"
	    "two IPsec tunnels to the hub (default 2: a router and two gateways per site), BGP\n"
	    "everywhere, and probes from up to %u sites to the host behind the hub.\n"
	    "  --sites N              number of branch sites (required)\n"
	    "  --tunnels-per-site T   1 or 2 (default 2)\n"
	    "  --hub PROFILE          timers of the hub side (default azure-vwan)\n"
	    "  --site PROFILE         timers of the sites (default alibaba-cen)\n"
	    "  --name NAME            topology name (default hub-spoke-N)\n"
	    "Profiles: ",
	    GEN_HUB_SPOKE_MAX_SITES, GEN_HUB_SPOKE_MAX_PROBES);
	gen_profile_list(f);
	fprintf(f, " (the defaults are the two sides of dual-tunnel).\n"
	           "The file holds random pre-shared keys: keep it private.\n");
}

/* A whole decimal number in [lo, hi], else exit-2 error naming the option. */
static int number(const char *opt, const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || v < lo || v > hi)
		return lab_err(LAB_EXIT_USAGE, "gen hub-spoke: %s '%s': expected a number %u..%u",
		               opt, s, lo, hi);
	*out = (unsigned)v;
	return 0;
}

static int hub_spoke(int argc, char **argv)
{
	static const struct option opts[] = {{"sites", required_argument, NULL, 's'},
	                                     {"tunnels-per-site", required_argument, NULL, 't'},
	                                     {"hub", required_argument, NULL, 'H'},
	                                     {"site", required_argument, NULL, 'S'},
	                                     {"name", required_argument, NULL, 'n'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	struct gen_hub_spoke o = {
	    .tunnels_per_site = 2, .hub_profile = "azure-vwan", .site_profile = "alibaba-cen"};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (number("--sites", optarg, 1, GEN_HUB_SPOKE_MAX_SITES, &o.sites) < 0)
				return lab_err_report();
			break;
		case 't':
			if (number("--tunnels-per-site", optarg, 1, 2, &o.tunnels_per_site) < 0)
				return lab_err_report();
			break;
		case 'H': o.hub_profile = optarg; break;
		case 'S': o.site_profile = optarg; break;
		case 'n': o.name = optarg; break;
		case 'h': usage(stdout); return LAB_EXIT_OK;
		default:
			fprintf(stderr,
			        "labctl: gen hub-spoke: unknown option or missing value '%s'\n\n",
			        argv[optind - 1]);
			usage(stderr);
			return LAB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "labctl: gen hub-spoke: unexpected argument '%s'\n\n",
		        argv[optind]);
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (!o.sites) {
		fprintf(stderr, "labctl: gen hub-spoke: --sites N is required\n\n");
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	/* the command line as given, for the header comment */
	char cmd[512] = "labctl gen";
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(cmd);
		snprintf(cmd + l, sizeof(cmd) - l, " %s", argv[i]);
	}
	o.command = cmd;
	if (gen_hub_spoke(&o, stdout) < 0)
		return lab_err_report();
	return LAB_EXIT_OK;
}

int cmd_gen(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? LAB_EXIT_USAGE : LAB_EXIT_OK;
	}
	if (!strcmp(argv[1], "hub-spoke"))
		return hub_spoke(argc - 1, argv + 1);
	fprintf(stderr, "labctl: gen: unknown generator '%s'; expected hub-spoke\n", argv[1]);
	return LAB_EXIT_USAGE;
}
