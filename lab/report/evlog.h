/* Reading node journals back: one flat JSON object per line, merged on `t`.
 *
 * json-c parses each line. Only what journals contain is supported: an object of
 * scalar values; arrays and nested objects (a route's nexthops) are kept as compact
 * JSON text. A line that does
 * not parse (a writer killed mid-line) is counted and skipped, never fatal: a report
 * must still come out of a crashed lab. */
#ifndef LAB_REPORT_EVLOG_H
#define LAB_REPORT_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum jval { JV_STR, JV_NUM, JV_BOOL, JV_NULL, JV_RAW };

struct jfield {
	const char *key;
	const char *str; /* JV_STR: unescaped; JV_RAW: the JSON text; else the literal */
	enum jval type;
	int64_t i; /* JV_NUM (integral part), JV_BOOL */
	double d;  /* JV_NUM */
};

struct jevent {
	int64_t t;
	const char *node; /* journal it came from */
	const char *src, *ev;
	struct jfield *f;
	uint32_t nf;
	uint32_t order; /* position in the input, keeps equal-t events stable */
	char *mem;      /* owns the strings */
};

struct evlog {
	struct jevent *v;
	size_t n, cap;
	char **nodes; /* owned node names */
	size_t n_nodes;
	size_t bad_lines;
	uint32_t next_order; /* input order of the next event appended */
	bool unsorted;       /* evlog_add_file_tail appended since the last evlog_sort */
};

/* Parses one journal line into ev (allocates ev->mem and ev->f). 0, or -1 if the
 * line is not a journal event (no integer t, src, ev). */
int jevent_parse(const char *line, size_t len, struct jevent *ev);
void jevent_free(struct jevent *ev);

const char *jev_str(const struct jevent *e, const char *key);        /* JV_STR only, else NULL */
bool jev_int(const struct jevent *e, const char *key, int64_t *out); /* JV_NUM */
bool jev_num(const struct jevent *e, const char *key, double *out);  /* JV_NUM */
bool jev_is(const struct jevent *e, const char *src, const char *ev);

void evlog_init(struct evlog *l);
void evlog_free(struct evlog *l);
/* Appends every event of one journal file under node's name. 0 or -1 + lab_err. */
int evlog_add_file(struct evlog *l, const char *path, const char *node);
/* Appends the events of a journal that is still being written, from byte *offset
 * on, and moves *offset past the last complete line read (a line being written is
 * left for the next call). 0; 1 when the file is shorter than *offset (replaced:
 * the caller starts over); -1 + lab_err. Does not sort. */
int evlog_add_file_tail(struct evlog *l, const char *path, const char *node, long *offset);
/* The same for journal lines read from f (name: for messages). */
int evlog_add_stream(struct evlog *l, FILE *f, const char *name, const char *node);
/* Appends the journal of every <labdir>/<node>/events.jsonl, then sorts. A lab with
 * no journal at all is an error (exit 2, naming the directory). */
int evlog_load_lab(struct evlog *l, const char *labdir);
/* Appends the events of a BIRD log (birdlog.c): session states (hold expiry,
 * established) and/or protocol down. A missing file is not an error.
 * evlog_load_lab calls it for every node's bird.log for the kinds of BIRD events no
 * journal carries. */
int evlog_add_bird_log(struct evlog *l, const char *path, const char *node, bool states,
                       bool downs);

/* Orders on (t, input order). */
void evlog_sort(struct evlog *l);

#endif
