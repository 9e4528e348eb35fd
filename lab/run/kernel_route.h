/* A topology route as the kernel route it becomes: one conversion for building the
 * lab (net.c), printing it as iproute2 commands (ipscript.c) and putting routes
 * back after a link-down heal (fault/link_fault.c), so the three cannot disagree.
 *
 *   {to: D, via: V}            one next hop through V (the kernel finds the device)
 *   {to: D, via: [V1, V2]}     ECMP, one next hop per via
 *   {to: D, via: V, dev: X}    next hop(s) through V on X
 *   {to: D, dev: X}            device only ("on-link"): ONE next hop with no gateway
 *                              on X. Without it the route would have no next hop at
 *                              all, which the kernel refuses. */
#ifndef LAB_RUN_KERNEL_ROUTE_H
#define LAB_RUN_KERNEL_ROUTE_H

#include <stdint.h>

#include "netns/netns.h"
#include "topo/model.h"

/* The ifindex of node's interface iface in the node's namespace, or -1 with
 * lab_err. */
typedef int (*run_ifindex_fn)(void *ctx, const struct topo_node *node, uint32_t iface);

/* Fills out (table, protocol, metric, replace left 0: the caller's choice). ifindex
 * resolves r->dev; NULL: the fixed indices `up` gives (RUN_IFINDEX_BASE + iface).
 * 0, or -1 with lab_err: r->dev is not one of node's interfaces (exit 2), a route
 * with neither via nor dev (exit 2), or the resolver's error. */
int run_kernel_route(const struct topo_node *node, const struct topo_route *r,
                     run_ifindex_fn ifindex, void *ctx, struct netns_route *out);

#endif
