/* `labctl watch`: a running lab's state as it changes, read only from what the lab
 * already exposes (charon's VICI, the speakers' control sockets, the node
 * journals). Nothing here writes to the lab.
 *
 * A struct watch holds what persists between two looks: the lab, its topology as
 * the daemons run it, the journals' read offsets, the probe flows' last sends and
 * replies, the newest journal events, and the previous SA counters (packets/s is a
 * difference of two looks). watch_collect() takes one look; watch_lines() turns it
 * into text lines that the terminal view (watch_curses.c) and the plain output
 * (watch_plain.c) both print, so the two never disagree. */
#ifndef LAB_WATCH_WATCH_H
#define LAB_WATCH_WATCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run/lab_view.h"

#define WATCH_MAX_TUNNELS 16
#define WATCH_MAX_SESSIONS 64
#define WATCH_MAX_FLOWS 64
#define WATCH_EVENTS 12
#define WATCH_MAX_JOURNALS 64

/* One tunnel end as charon sees it. */
struct watch_tunnel_end {
	char node[32];
	bool charon_alive;
	char ike[24];   /* IKE_SA state, "none", or "?" (VICI unreachable) */
	char child[24]; /* CHILD_SA state or "none" */
	uint64_t packets_in, packets_out;
	double pps_in, pps_out;     /* over the last second or more; < 0 unknown */
	uint64_t base_in, base_out; /* the counters at base_t */
	int64_t base_t;
};
struct watch_tunnel {
	char name[32];
	struct watch_tunnel_end end[2];
};

/* One BGP session as its own speaker reports it. Times in ms, -1 unknown. */
struct watch_session {
	char node[32];
	char peer[64];
	bool bird;
	char state[24];
	long long hold_ms, keepalive_ms; /* negotiated (BIRD: the timer's full length) */
	long long hold_left_ms;          /* hold timer remaining: counts down to expiry */
	long long last_keepalive_ms_ago; /* BIRD: derived, hold length minus hold left */
	char bfd[24];                    /* "" when the speaker reports no BFD */
	char error[96];                  /* why the speaker could not be asked */
};

/* One probe flow in one direction, from the probe journals. */
struct watch_flow {
	char probe[32];
	long flow;
	char dir[4]; /* "fwd", "rev" */
	int64_t last_send_t, last_reply_t;
	int64_t interval_ns; /* from the probe's start event, else 100 ms */
	bool lost;           /* sends go out, no reply for 3 intervals */
	int64_t outage_ns;   /* while lost: since the last reply */
};

struct watch_event {
	int64_t t;
	char node[32];
	char text[160]; /* "bgp state 169.254.21.2 Established -> Idle (hold-timer-expired)" */
};

struct watch_journal {
	char node[32];
	char path[PATH_MAX + 16];
	long long offset; /* bytes consumed (complete lines only) */
	long long inode;
};

struct watch {
	struct lab_view view;
	struct topo *topo; /* scaled: the daemons' timers */
	struct watch_journal journals[WATCH_MAX_JOURNALS];
	size_t n_journals;
	struct watch_flow flows[WATCH_MAX_FLOWS];
	size_t n_flows;
	struct watch_event events[WATCH_EVENTS]; /* ring, newest at events_head - 1 */
	size_t events_head, n_events;
	/* this look */
	int64_t now;
	struct watch_tunnel tunnels[WATCH_MAX_TUNNELS];
	size_t n_tunnels;
	struct watch_session sessions[WATCH_MAX_SESSIONS];
	size_t n_sessions;
	long long routes_installed; /* kernel routes our speakers wrote (their rib counts) */
};

/* Opens lab (it must exist). 0, or -1 with lab_err. */
int watch_open(struct watch *w, const char *lab);
void watch_close(struct watch *w);
/* One look at the lab. Never fails for what a broken lab lacks (a dead charon, a
 * speaker that does not answer): that is shown, not an error. */
void watch_collect(struct watch *w);

/* Journal tailing (watch_journal.c): reads what every journal gained since the
 * last call, updating flows and events. */
void watch_journals_read(struct watch *w);
void watch_flows_update(struct watch *w);

/* The lines of one screen. kind tells a renderer how to style a line. */
enum watch_line_kind { WL_TITLE, WL_HEADER, WL_TEXT, WL_ALERT };
struct watch_line {
	enum watch_line_kind kind;
	char text[200];
};
/* Fills up to max lines; returns how many. */
size_t watch_lines(const struct watch *w, struct watch_line *out, size_t max);

/* BIRD `show protocols all` (watch_bird.c, pure): the BGP protocols with their
 * state and "Hold timer: LEFT/TOTAL", "Keepalive timer: LEFT/TOTAL" (seconds).
 * Fields BIRD did not print are -1. Returns how many were filled. */
size_t watch_parse_bird(const char *reply, const char *node, struct watch_session *v, size_t max);

/* The plain output (watch_plain.c): lines with no control characters. */
void watch_print_plain(const struct watch *w, FILE *f);

#endif
