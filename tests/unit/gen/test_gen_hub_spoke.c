/* labctl gen hub-spoke: the output loads and validates (topo_load) for sizes from 1
 * to the maximum and both tunnel counts, has the shape the options ask for, and bad
 * options are refused with exit code 2, from the library and from the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "gen/hub_spoke.h"
#include "topo/topo.h"

static size_t count_bird(const struct topo *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_nodes; i++)
		n += t->nodes[i].bgp && t->nodes[i].bgp->speaker == TOPO_SPEAKER_BIRD;
	return n;
}

static void check_size(unsigned sites, unsigned tps)
{
	char tmp[] = "/tmp/labctl-gen-hub-spoke-XXXXXX.yaml";
	int fd = mkstemps(tmp, 5);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	struct gen_hub_spoke o = {.sites = sites,
	                          .tunnels_per_site = tps,
	                          .hub_profile = "azure-vwan",
	                          .site_profile = "alibaba-cen"};
	CHECK_INT(gen_hub_spoke(&o, f), 0);
	fclose(f);
	struct topo *t = NULL;
	struct topo_diags d = {0};
	int rc = topo_load(tmp, &t, &d);
	if (rc < 0)
		fprintf(stderr, "sites %u, tunnels %u: does not load:\n", sites, tps);
	CHECK_INT(rc, 0);
	topo_diags_print(&d, stderr);
	topo_diags_free(&d);
	if (t) {
		char name[32];
		snprintf(name, sizeof(name), "hub-spoke-%u", sites);
		CHECK_STR(t->name, name);
		/* hub-vm, hub-rt, internet; a hub gateway node per tunnel; per site a host
		 * and its gateway(s), plus a router with two tunnels */
		size_t per_site = tps == 1 ? 2 : 4;
		CHECK_INT(t->n_nodes, 3 + sites * tps + sites * per_site);
		CHECK_INT(t->n_tunnels, sites * tps);
		CHECK_INT(t->n_probes, sites < 5 ? sites : 5);
		CHECK_INT(count_bird(t), sites * tps);
		uint32_t rt = topo_node_index(t, "hub-rt");
		CHECK(rt != TOPO_NONE);
		if (rt != TOPO_NONE && t->nodes[rt].bgp)
			CHECK_INT(t->nodes[rt].bgp->n_neighbors, sites * tps);
		/* every tunnel from a site gateway (end 0, the initiator) to a hub one */
		for (size_t i = 0; i < t->n_tunnels; i++) {
			CHECK(!strncmp(t->nodes[t->tunnels[i].end[0].node].name, "s", 1));
			CHECK(!strncmp(t->nodes[t->tunnels[i].end[1].node].name, "hub", 3));
		}
		topo_free(t);
	}
	unlink(tmp);
}

static void check_probe_sites(void)
{
	for (unsigned n = 1; n <= GEN_HUB_SPOKE_MAX_SITES; n++) {
		unsigned v[GEN_HUB_SPOKE_MAX_PROBES];
		unsigned m = gen_hub_spoke_probe_sites(n, v);
		CHECK_INT(m, n < GEN_HUB_SPOKE_MAX_PROBES ? n : GEN_HUB_SPOKE_MAX_PROBES);
		CHECK_INT(v[0], 1);
		CHECK_INT(v[m - 1], n);
		for (unsigned i = 1; i < m; i++)
			if (v[i] <= v[i - 1]) {
				fprintf(stderr, "sites %u: probe sites not ascending at %u\n", n,
				        i);
				CHECK(0);
			}
	}
	unsigned v[GEN_HUB_SPOKE_MAX_PROBES];
	gen_hub_spoke_probe_sites(100, v);
	CHECK_INT(v[2], 51); /* the middle one in the middle */
}

static void check_refused(unsigned sites, unsigned tps, const char *hub, const char *site,
                          const char *name, const char *expect)
{
	struct gen_hub_spoke o = {.sites = sites,
	                          .tunnels_per_site = tps,
	                          .hub_profile = hub,
	                          .site_profile = site,
	                          .name = name};
	FILE *f = fopen("/dev/null", "w");
	CHECK_INT(gen_hub_spoke(&o, f), -1);
	fclose(f);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	if (!strstr(lab_err_msg(), expect)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", lab_err_msg(), expect);
		CHECK(0);
	}
	lab_err_clear();
}

static int run_cli(const char *labctl, const char *args)
{
	char *cmd;
	if (asprintf(&cmd, "'%s' gen %s >/dev/null 2>&1", labctl, args) < 0)
		return -1;
	int st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = {1, 2, 3, 30, 100, 255, 256, 500};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (unsigned tps = 1; tps <= 2; tps++)
			check_size(sizes[i], tps);
	check_probe_sites();

	check_refused(0, 2, "azure-vwan", "alibaba-cen", NULL, "--sites 0");
	check_refused(GEN_HUB_SPOKE_MAX_SITES + 1, 2, "azure-vwan", "alibaba-cen", NULL,
	              "expected 1..");
	check_refused(5, 3, "azure-vwan", "alibaba-cen", NULL, "expected 1 or 2");
	check_refused(5, 2, "nope", "alibaba-cen", NULL, "unknown profile 'nope' (--hub)");
	check_refused(5, 2, "azure-vwan", "nope", NULL, "unknown profile 'nope' (--site)");
	check_refused(5, 2, "azure-vwan", "alibaba-cen", "Bad Name", "--name 'Bad Name'");
	check_refused(5, 2, "azure-vwan", "alibaba-cen", "a-name-longer-than-thirty-one-chars",
	              "at most 31");

	if (argc > 1) {
		const char *labctl = argv[1];
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 4 --tunnels-per-site 1 --name x4"), 0);
		CHECK_INT(run_cli(labctl, "hub-spoke"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 0"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 12x"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites -3"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 501"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 5 --tunnels-per-site 3"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 5 --hub nope"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 5 --bogus"), 2);
		CHECK_INT(run_cli(labctl, "hub-spoke --sites 5 extra"), 2);
		CHECK_INT(run_cli(labctl, "ring --sites 5"), 2);
		CHECK_INT(run_cli(labctl, ""), 2);
	}
	return check_done();
}
