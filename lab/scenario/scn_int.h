/* Internals of the scenario module, shared by its files only. */
#ifndef LAB_SCENARIO_INT_H
#define LAB_SCENARIO_INT_H

#include "scenario/scenario.h"
#include "topo/topo_int.h"

/* scn_topology.c: loads the scenario's topology (s->topology) with the overrides
 * (ov, a mapping shaped like the topology, or NULL) merged in, into *t; the merged
 * text into s->merged. Problems are reported at tv (the topology key) or ov. */
void scn_topology(struct ld *l, const struct ynode *tv, const struct ynode *ov, struct scenario *s,
                  struct topo **t);

#endif
