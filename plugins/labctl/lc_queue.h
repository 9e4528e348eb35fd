/* The plugin's hand-off between charon's threads and its one writer thread.
 *
 * Bus listener callbacks run with an IKE_SA checked out and the bus lock held
 * (docs/reference.md), so they must never block on a file or a socket: they build a
 * line in memory (common/json.h) and copy it into a fixed-size slot of a ring under a
 * mutex held for one memcpy, and the writer
 * thread does the I/O (journal append, speaker notification). When the ring is full
 * the event is dropped and counted rather than waiting: losing a line is better than
 * stalling IKE. Pure C with no strongSwan types, so unit tests drive it directly. */
#ifndef LC_QUEUE_H
#define LC_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#define LC_LINE_MAX 512   /* one journal line incl. the newline */
#define LC_SPEAKER_MAX 96 /* "tunnel NAME up\n" */
#define LC_QUEUE_SLOTS 256

struct lc_queue;

/* journal: path of the node's events.jsonl (NULL: no journal); speaker: path of the
 * node speaker's control socket (NULL: never notify). Starts the writer thread. */
struct lc_queue *lc_queue_create(const char *journal, const char *speaker);

/* Never blocks beyond a memcpy under a mutex. line: a complete JSON object without
 * the newline (may be NULL); speaker_msg: a complete request line for the speaker
 * (may be NULL). Returns 0, or -1 when the event was dropped (ring full). */
int lc_queue_push(struct lc_queue *q, const char *line, const char *speaker_msg);

/* Writes everything still queued, stops and joins the writer, frees. */
void lc_queue_destroy(struct lc_queue *q);

uint64_t lc_queue_dropped(struct lc_queue *q);

/* CLOCK_MONOTONIC ns: the journal's one clock. */
int64_t lc_mono_ns(void);

#endif
