/* The rewriting status line: carriage return, the text, erase to the end of the
 * line (ECMA-48 EL, "\033[K"), on stderr, which is a terminal whenever it is on. */
#include "cli/progress_line.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

void progress_line_init(struct progress_line *p, bool quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->shown = false;
}

void progress_line_set(struct progress_line *p, const char *fmt, ...)
{
	if (!p->on)
		return;
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* A line longer than the terminal would wrap, and \r would then rewrite
	 * only its last part. */
	struct winsize ws;
	int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
	fprintf(stderr, "\r%.*s\033[K", cols, text);
	fflush(stderr);
	p->shown = true;
}

void progress_line_clear(struct progress_line *p)
{
	if (!p->on || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
