/* The control socket (docs/bgpd.md): a unix stream socket, mode 0600, one request
 * line per connection, one response, then close. Requests: `show` (JSON),
 * `tunnel NAME down|up`, `refresh PEER`. */
#ifndef LAB_BGP_CTL_H
#define LAB_BGP_CTL_H

#include <stdint.h>

#include "bgpd.h"

/* Binds and listens at d->cfg.control (replacing a stale socket) and registers it. */
int ctl_open(struct bgpd *d);
void ctl_close(struct bgpd *d);
/* The listening socket is readable: accept one client. */
void ctl_accept(struct bgpd *d);
/* A client is readable (ref->obj is the client). */
void ctl_client_io(struct bgpd *d, struct bgpd_fd *ref);
/* Handles one request line. The answer is a line of text (returned, static) or,
 * when it returns NULL, the JSON built into j. Exposed for tests. */
const char *ctl_handle(struct bgpd *d, const char *line, struct json *j);

#endif
