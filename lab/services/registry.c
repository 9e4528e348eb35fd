/* The services `labctl up` starts, in start order (registry.h). Each component adds
 * its own entry here, one line, above the NULL. */
#include "services/registry.h"
#ifdef LABCTL_HAVE_IPSEC
#include "ipsec/ipsec_service.h"
#endif
#include "bgp_svc/bgp_svc.h"

const struct lab_service *const lab_services[] = {
#ifdef LABCTL_HAVE_IPSEC
    &ipsec_service, /* before bgp: sessions run over the tunnels */
#endif
    &bgp_service,
    NULL,
};
