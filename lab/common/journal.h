/* Node journals: one JSON line per event, stamped with CLOCK_MONOTONIC ns.
 *
 * Every process of a lab (labctl, the BGP speaker, the charon plugin, probes)
 * appends to /run/labctl/<lab>/<node>/events.jsonl. Reports are built from these
 * files alone. Each line is written with a single write() on an O_APPEND descriptor,
 * so lines from concurrent writers never interleave.
 *
 * Line shape: {"t":<ns>,"src":"<bgp|ike|probe|fault|lab>","ev":"<name>",...fields} */
#ifndef LAB_COMMON_JOURNAL_H
#define LAB_COMMON_JOURNAL_H

#include <stdint.h>

#include "common/json.h"

#define JOURNAL_FILE "events.jsonl"

/* Opens (creating, mode 0640) the journal at path for appending. Returns fd or -1. */
int journal_open(const char *path);

/* Begins an event line in j: {"t":t_ns,"src":src,"ev":ev — add fields with json_kv_*
 * then call journal_write, which closes the object and appends it. */
void journal_begin(struct json *j, int64_t t_ns, const char *src, const char *ev);
int journal_write(int fd, struct json *j);

#endif
