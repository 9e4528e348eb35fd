/* The registry of lab services: which services `labctl up` starts, in what order.
 *
 * The interface a service implements (struct lab_service, struct lab_ctx) is
 * run/service.h: run/ owns the hook type and drives whatever list it is given.
 * The list itself names the services (ipsec/, bgp_svc/), which sit above run/, so it
 * lives here, above them: run/ -> services would otherwise be a cycle. Callers
 * (up, status, the experiment) take the list from here and hand it down. */
#ifndef LAB_SERVICES_REGISTRY_H
#define LAB_SERVICES_REGISTRY_H

#include "run/service.h"

/* NULL-terminated, in start order (ipsec before bgp). */
extern const struct lab_service *const lab_services[];

#endif
