/* A generated hub-and-spoke topology after Azure Virtual WAN: a hub router behind
 * two gateway instances, N branch sites each with one or two IPsec tunnels to
 * them, BGP everywhere, a host per site and probes from a sample of the sites to a
 * host behind the hub. docs/topology-format.md, "Generated labs". */
#ifndef LAB_GEN_HUB_SPOKE_H
#define LAB_GEN_HUB_SPOKE_H

#include <stdio.h>

/* The most sites: the address and AS plans hold 1,000 without overlap; 500 is what
 * the unit test loads (the loader takes seconds beyond it, docs/scale.md). */
#define GEN_HUB_SPOKE_MAX_SITES 500
/* Probes come from at most this many sites, spread over 1..N. */
#define GEN_HUB_SPOKE_MAX_PROBES 5

struct gen_hub_spoke {
	unsigned sites;            /* 1..GEN_HUB_SPOKE_MAX_SITES */
	unsigned tunnels_per_site; /* 1 or 2 */
	const char *hub_profile;   /* gen_profile name */
	const char *site_profile;
	const char *name; /* topology name; NULL: hub-spoke-N */
	/* the command line, written into the header comment (may be NULL) */
	const char *command;
};

/* Checks the options (-1 with lab_err, exit code 2, naming the bad one and the
 * accepted values) and writes the topology as YAML to out (-1 with lab_err on a
 * write error). The pre-shared keys are random, one per tunnel. */
int gen_hub_spoke(const struct gen_hub_spoke *o, FILE *out);

/* Site numbers that carry probes (1-based, ascending, spread over 1..sites);
 * returns how many (at most GEN_HUB_SPOKE_MAX_PROBES). */
unsigned gen_hub_spoke_probe_sites(unsigned sites, unsigned *out);

#endif
