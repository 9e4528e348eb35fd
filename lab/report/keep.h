/* The report's archive of a lab: what `labctl report` reads, kept past `down`.
 *
 * `labctl down LAB --keep DIR` calls report_keep before removing the lab;
 * `labctl report --dir DIR` opens the copy with lab_view_open_dir. Layout (the same
 * as the lab directory's, so the report reads both the same way):
 *
 *   DIR/                 0700
 *     state              0600: "lab <name>", "source <path>", "created <s>",
 *                              "time-scale <F>" (the lines the report reads)
 *     topology.yaml      0600: the lab's copy with every inline `psk:` value
 *                              replaced by "redacted" (psk_file paths stay: a
 *                              path, not a key)
 *     <node>/            0700
 *       events.jsonl     0600: the node journal (BIRD's newest log lines first)
 *       bird.log         0600: where the node ran BIRD (lab/report/birdlog.c)
 *
 * Nothing else is copied: no daemon configs (swanctl/charon configs hold keys),
 * no sockets, no secrets files. */
#ifndef LAB_REPORT_KEEP_H
#define LAB_REPORT_KEEP_H

#include <stdbool.h>
#include <stddef.h>

struct report_keep_stats {
	size_t journals, bird_logs;
	bool topology; /* false: the copy could not be proven free of keys, left out */
};

/* Copies lab's report inputs into dir, which must not exist or be empty.
 * 0, or -1 with lab_err set (exit 2 for a bad dir); the lab is not touched. */
int report_keep(const char *lab, const char *dir, struct report_keep_stats *st);

/* text with the value of every `psk:` key replaced by "redacted" (the rest of such
 * a line dropped: a quoted key may hold " #"). Returns a malloc'd string or NULL. */
char *report_redact_psk(const char *text, size_t len);

#endif
