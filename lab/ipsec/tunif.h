/* Route-based tunnel interfaces inside a gateway's namespace (see tunif.c). */
#ifndef LAB_IPSEC_TUNIF_H
#define LAB_IPSEC_TUNIF_H

#include <netinet/in.h>
#include <stdint.h>

#include "ipsec/ipsec.h"
#include "netns/netns.h"

/* XFRM interface (if_id) or VTI (key = mark) on the uplink; nothing for libipsec,
 * whose TUN charon creates. 0 or -1 (lab_err). */
int ipsec_tunif_create(struct netns *ns, enum ipsec_backend b, const char *ifname,
                       int uplink_ifindex, uint32_t if_id, struct in_addr local,
                       struct in_addr remote);
/* Waits for ifname to exist; returns its index or -1 (lab_err) after timeout_ns. */
int ipsec_tunif_wait(struct netns *ns, const char *ifname, int64_t timeout_ns);
/* Puts the inside /30 on the interface and brings it up. */
int ipsec_tunif_address(struct netns *ns, const char *ifname, const struct topo_prefix *inside);

#endif
