/* Shared between the fault kinds: the record of an active fault and the per-kind
 * operations. Not part of the public API (fault.h). */
#ifndef LAB_FAULT_INTERNAL_H
#define LAB_FAULT_INTERNAL_H

#include <limits.h>
#include <stdint.h>

#include "fault/fault.h"
#include "topo/model.h"

/* What an active fault changed; one file under <lab dir>/faults/. */
struct fault_rec {
	char kind[16];
	char target[64];
	char jnode[32];   /* journal it is recorded in */
	char tunnel[32];  /* the tunnel it acts on, "" if none */
	char ns_node[32]; /* node whose namespace holds the change */
	char object[64];  /* nft table, interface, process kind ... */
	int side;         /* tunnel end (ike-mismatch) */
	double param;
	char detail[512];
	char file[PATH_MAX + 64];
};

struct fault_ops {
	/* Validates against the lab and fills the record; changes nothing. */
	int (*plan)(struct lab_view *v, const struct fault_req *r, struct fault_rec *rec);
	int (*apply)(struct lab_view *v, struct fault_rec *rec);
	int (*undo)(struct lab_view *v, const struct fault_rec *rec);
};

extern const struct fault_ops fault_ops_ike, fault_ops_blackhole, fault_ops_loss,
    fault_ops_link_down, fault_ops_delay, fault_ops_kill;

/* Look-ups that fail with exit code 2 and the list of what exists. */
int fault_tunnel(const struct topo *t, const char *name, uint32_t *idx);
int fault_node(const struct topo *t, const char *name, uint32_t *idx);
/* The node and interface at the other end of node's interface iface's link. */
int fault_link_peer(const struct topo *t, uint32_t node, uint32_t iface, uint32_t *pnode,
                    uint32_t *piface);
void fault_netns(const struct lab_view *v, const char *node, char *buf, size_t len);
/* For the faults that act in the underlay (blackhole, loss, delay): the tunnel
 * `target` names and its underlay node, recorded in rec (tunnel; namespace and
 * journal: the underlay node's). */
int fault_plan_underlay(const struct lab_view *v, const char *target, struct fault_rec *rec,
                        uint32_t *tunnel);

#endif
