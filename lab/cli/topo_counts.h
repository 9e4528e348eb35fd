/* What a topology holds, counted: `validate --json` prints it for a file and
 * `up --json` for what it built, with the same names (docs/json.md "counts"). */
#ifndef LAB_CLI_TOPO_COUNTS_H
#define LAB_CLI_TOPO_COUNTS_H

#include <stddef.h>

#include "common/json.h"
#include "topo/topo.h"

struct topo_counts {
	size_t speakers, bird, sessions;
};

void topo_counts_of(const struct topo *t, struct topo_counts *c);
/* name, nodes, links, tunnels, bgp_speakers, bird_speakers, bgp_sessions, probes:
 * as members of the object j is in. */
void topo_counts_json(struct json *j, const struct topo *t);

#endif
