/* The text form of `labctl status`'s service sections, rendered from the same JSON
 * the services write for `--json` (lab/run/service.h), so both forms agree. */
#ifndef LAB_RUN_STATUS_TEXT_H
#define LAB_RUN_STATUS_TEXT_H

#include <stdio.h>

/* services_json: one object whose members are services ("ipsec", "bgp", ...), each
 * the service's status object. Known services become aligned tables; a service
 * object with "error" prints that; anything else prints as one JSON line. Every
 * line starts with two spaces (inside a lab's block). 0, or -1 with lab_err set
 * when the text is not JSON. */
int status_services_text(FILE *f, const char *services_json);

/* "45s", "12m03s", "3h02m", "2d04h"; "-" for a negative value. */
void status_duration(long long s, char *buf, size_t len);

#endif
