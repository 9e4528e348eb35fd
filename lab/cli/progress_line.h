/* One status line that rewrites itself while a command waits ("sessions 3/8 ...").
 * Only on a terminal (stderr a tty), never with -q: off a terminal (CI logs,
 * --json to stdout, a pipe) nothing is written, so no carriage return or escape
 * sequence ever reaches a log. */
#ifndef LAB_CLI_PROGRESS_LINE_H
#define LAB_CLI_PROGRESS_LINE_H

#include <stdbool.h>

struct progress_line {
	bool on;
	bool shown; /* something is on the line now */
};

/* on only if !quiet and stderr is a terminal. */
void progress_line_init(struct progress_line *p, bool quiet);
/* Replaces the line (cut to the terminal's width). */
void progress_line_set(struct progress_line *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Erases it, before other output or at the end. */
void progress_line_clear(struct progress_line *p);

#endif
