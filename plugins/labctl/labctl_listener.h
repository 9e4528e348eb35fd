/* The bus listener: turns IKE/CHILD SA up/down, rekeys and alerts into journal
 * lines (docs/journal.md, src "ike") and speaker notifications (docs/bgpd.md). */
#ifndef LABCTL_LISTENER_H
#define LABCTL_LISTENER_H

#include <bus/listeners/listener.h>

#include "lc_queue.h"

typedef struct labctl_listener_t labctl_listener_t;

struct labctl_listener_t {
	listener_t listener; /* first: charon's bus sees only this */
	void (*destroy)(labctl_listener_t *this);
};

/* The listener only formats and pushes into q; q outlives it. */
labctl_listener_t *labctl_listener_create(struct lc_queue *q);

#endif
