/* `labctl watch` when stdout is not a terminal (a pipe, a CI log): the same lines
 * as the terminal view, one snapshot after another, with no control characters,
 * also none that a journal field might carry. */
#include <stdio.h>

#include "watch/watch.h"

#define MAX_LINES 160

void watch_print_plain(const struct watch *w, FILE *f)
{
	static struct watch_line lines[MAX_LINES];
	size_t n = watch_lines(w, lines, MAX_LINES);
	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *c = (const unsigned char *)lines[i].text; *c; c++)
			fputc(*c < 0x20 || *c == 0x7f ? '?' : *c, f);
		fputc('\n', f);
	}
	fflush(f);
}
