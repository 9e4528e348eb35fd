/* `labctl watch` on a terminal: the lines of watch_lines() redrawn about ten times
 * a second with ncurses, headers bold, what is broken in reverse video (no colour
 * needed, so it reads on a projector and on a monochrome terminal alike); `q`
 * quits. ncurses keeps a copy of the screen and sends only what changed. */
#include <curses.h>
#include <signal.h>
#include <string.h>

#include "watch/watch.h"
#include "watch/watch_curses.h"

#define MAX_LINES 160

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static attr_t attr_of(enum watch_line_kind k)
{
	switch (k) {
	case WL_TITLE: return A_BOLD | A_UNDERLINE;
	case WL_HEADER: return A_BOLD;
	case WL_ALERT: return A_REVERSE;
	case WL_TEXT: break;
	}
	return A_NORMAL;
}

int watch_curses_run(struct watch *w, int interval_ms)
{
	static struct watch_line lines[MAX_LINES];
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!initscr())
		return -1;
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	timeout(interval_ms); /* getch waits at most this long: the refresh rate */
	while (!stop) {
		watch_collect(w);
		size_t n = watch_lines(w, lines, MAX_LINES);
		erase();
		int rows = LINES, cols = COLS;
		for (size_t i = 0; i < n && (int)i < rows - 1; i++) {
			attrset(attr_of(lines[i].kind));
			mvaddnstr((int)i, 0, lines[i].text, cols);
		}
		attrset(A_NORMAL);
		mvaddnstr(rows - 1, 0,
		          "q: quit    (reads VICI, control sockets, journals; changes nothing)",
		          cols);
		refresh();
		int c = getch();
		if (c == 'q' || c == 'Q')
			break;
	}
	endwin();
	return 0;
}
