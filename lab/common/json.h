/* A streaming builder for JSON output on json-c: journals, --json output, reports
 * and the speaker's control-socket answers all go through it, so escaping and
 * formatting are json-c's, in one place.
 *
 * Usage: json_obj_begin(&j); json_kv_str(&j, "ev", "up"); json_obj_end(&j);
 * then json_out()/json_fputs(). Values land in the innermost open container (a
 * member needs a json_key first, or use json_kv_*). One top-level value per
 * builder; json_reset starts the next. Failure (allocation, or a value with no
 * place to go) is sticky (j.failed) and checked once at the end.
 *
 * Members keep insertion order (json-c's objects do); a key repeated in one object
 * replaces the earlier value in place. */
#ifndef LAB_COMMON_JSON_H
#define LAB_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;
struct lh_entry;

#define JSON_MAX_DEPTH 16
#define JSON_KEY_MAX 64 /* a longer member name fails the document */

struct json {
	struct json_object *root;                 /* the top-level value once begun */
	struct json_object *open[JSON_MAX_DEPTH]; /* open containers, innermost last */
	unsigned depth;
	char key[JSON_KEY_MAX]; /* pending member name (json_key) */
	bool has_key;
	/* The last top-level object, kept by json_reset: the next one overwrites its
	 * members in place while their names come in the same order (see json.c). */
	struct json_object *spare;
	struct lh_entry *reuse; /* root's next member to overwrite; NULL: append */
	char *line;             /* json_line's copy with its newline, reused */
	size_t line_cap;
	bool failed;
};

void json_init(struct json *j);
void json_free(struct json *j);
/* Drops what was built (keeps scratch memory) for the next value. */
void json_reset(struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
/* Names the next value inside an object; follow with a value or a nested begin. */
void json_key(struct json *j, const char *key);

/* NULL is written as "". */
void json_str(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
/* Finite doubles as %.12g (see json.c); NaN and infinities are written as null. */
void json_double(struct json *j, double v);
void json_boolean(struct json *j, bool v);
void json_null(struct json *j);

void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_double(struct json *j, const char *key, double v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* The finished value as compact text without a newline, owned by j and valid until
 * j changes. NULL (*len 0) if it failed or a container is still open. */
const char *json_out(struct json *j, size_t *len);
/* The same followed by "\n", as one buffer (a journal line is one write()). */
const char *json_line(struct json *j, size_t *len);
/* Writes json_line to f; returns 0 or -1. */
int json_fputs(struct json *j, FILE *f);

#endif
