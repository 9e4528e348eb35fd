/* The terminal view of `labctl watch` (ncurses; linked into labctl only). */
#ifndef LAB_WATCH_WATCH_CURSES_H
#define LAB_WATCH_WATCH_CURSES_H

#include "watch/watch.h"

/* Redraws every interval_ms until `q`, SIGINT or SIGTERM. 0, or -1 if the
 * terminal cannot be used. */
int watch_curses_run(struct watch *w, int interval_ms);

#endif
