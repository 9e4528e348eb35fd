/* Reading JSON other processes wrote (journal lines, the speaker's control-socket
 * answers, services' status objects) with json-c's tokener, plus the few typed
 * look-ups every reader needs. Values are json-c objects: release the root with
 * json_object_put. */
#ifndef LAB_COMMON_JSON_READ_H
#define LAB_COMMON_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Parses exactly one JSON value from text[0..len) (RFC 8259, json-c's strict mode;
 * surrounding whitespace allowed, anything else after it is an error). The value
 * (json null is an error: nothing the lab writes is a bare null), or NULL with
 * lab_err set to "<what>: <json-c's reason> at byte N". */
struct json_object *json_parse(const char *text, size_t len, const char *what);
/* The JSON document in the file at path; NULL with lab_err set (naming the path)
 * when it cannot be read or parsed. */
struct json_object *json_parse_file(const char *path);
/* The same with the caller's tokener (json_tokener_new), reused across many
 * documents such as a journal's lines. */
struct json_tokener;
struct json_object *json_parse_with(struct json_tokener *tok, const char *text, size_t len,
                                    const char *what);

/* Member key of object o: NULL if o is not an object or has no such member. */
struct json_object *json_get(const struct json_object *o, const char *key);
/* The member as a string (NULL unless it is one). */
const char *json_get_str(const struct json_object *o, const char *key);
/* The member as an integer: true if it is a JSON integer (not 1.5 or 1e3). */
bool json_get_int(const struct json_object *o, const char *key, int64_t *out);
/* The member as a number of either kind. */
bool json_get_num(const struct json_object *o, const char *key, double *out);

#endif
