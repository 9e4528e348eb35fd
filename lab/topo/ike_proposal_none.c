/* The proposal check of a labctl built without the strongSwan source headers
 * (meson.build strongswan_src): proposals are then only checked for their
 * characters, and `labctl validate` says so (see ike_proposal.c). */
#include "topo/ike_proposal.h"
#include "topo/topo.h"

static const char why[] =
    "labctl was built without the strongSwan headers (meson option strongswan_src)";

int ikep_check(enum ikep_proto proto, const char *s, ikep_report_fn report, void *ctx)
{
	(void)proto;
	(void)s;
	(void)report;
	(void)ctx;
	return -1;
}

const char *ikep_unavailable(void)
{
	return why;
}

const char *topo_proposals_unchecked(void)
{
	return why;
}
