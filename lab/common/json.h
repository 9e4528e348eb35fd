/* A small JSON writer into a growing buffer: journals, --json output and reports
 * all go through it, so escaping is done right in one place.
 *
 * Usage: json_obj_begin(&j); json_kv_str(&j, "ev", "up"); json_obj_end(&j);
 * Commas are inserted automatically. Allocation failure is sticky (j.oom) and
 * checked once at the end. */
#ifndef LAB_COMMON_JSON_H
#define LAB_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	char *buf;
	size_t len, cap;
	bool need_comma;
	bool oom;
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_reset(struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
/* Starts "key": inside an object; follow with a value or a nested begin. */
void json_key(struct json *j, const char *key);

void json_str(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
/* Finite doubles only; NaN and infinities are written as null. */
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Inserts pre-formatted JSON text as one value (caller guarantees validity). */
void json_raw(struct json *j, const char *text);
/* Appends text verbatim, outside the value grammar (a newline between lines). */
void json_text(struct json *j, const char *text);

void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_double(struct json *j, const char *key, double v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Writes the buffer plus a newline; returns 0 or -1. */
int json_fputs(const struct json *j, FILE *f);

#endif
