/* Timer profiles for generated labs: one side's BGP timers, speaker, IKE and DPD
 * settings and route programming delay, by name. Adding a profile is one entry in
 * the table of gen_profile.c. */
#ifndef LAB_GEN_GEN_PROFILE_H
#define LAB_GEN_GEN_PROFILE_H

#include <stdbool.h>
#include <stdio.h>

struct gen_profile {
	const char *name;
	const char *source; /* where the values come from, written as a comment */
	bool gateway_bird;  /* the gateways run BIRD 2 (else labctl-bgpd) */
	unsigned keepalive, hold, connect_retry; /* BGP, seconds */
	unsigned error_wait;                     /* BIRD's, seconds (BIRD gateways only) */
	/* route programming delay of the side's router (ms): the cloud's hidden time */
	unsigned router_delay_ms;
	const char *ike_proposal, *esp;
	unsigned ike_lifetime, child_lifetime, dpd; /* seconds; dpd 0 = off */
	bool nat_traversal;
};

/* The profile called name, or NULL. */
const struct gen_profile *gen_profile_find(const char *name);
/* Prints the profile names, separated by ", ". */
void gen_profile_list(FILE *f);

#endif
