#include "common/json_read.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"

struct json_object *json_parse(const char *text, size_t len, const char *what)
{
	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		lab_err(LAB_EXIT_FAIL, "%s: out of memory", what);
		return NULL;
	}
	struct json_object *v = json_parse_with(tok, text, len, what);
	json_tokener_free(tok);
	return v;
}

struct json_object *json_parse_with(struct json_tokener *tok, const char *text, size_t len,
                                    const char *what)
{
	json_tokener_reset(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* json-c stops at a NUL; a shorter len than strlen is honoured as given. */
	size_t n = strnlen(text, len);
	struct json_object *v = json_tokener_parse_ex(tok, text, (int)n);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue) {
		/* A number at the very end may go on as far as the tokener knows: the end
		 * of the text (a NUL, as json_tokener_parse passes it) completes it. */
		v = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		end = n;
	}
	if (e == json_tokener_continue) {
		lab_err(LAB_EXIT_FAIL, "%s: the JSON text ends early (at byte %zu)", what, n);
		return NULL;
	}
	if (e != json_tokener_success || !v) {
		lab_err(LAB_EXIT_FAIL, "%s: %s at byte %zu", what,
		        e != json_tokener_success ? json_tokener_error_desc(e) : "a bare null",
		        end);
		return NULL;
	}
	end += strspn(text + end, " \t\r\n");
	if (end < n) {
		json_object_put(v);
		lab_err(LAB_EXIT_FAIL, "%s: unexpected text after the JSON value at byte %zu", what,
		        end);
		return NULL;
	}
	return v;
}

struct json_object *json_get(const struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *json_get_str(const struct json_object *o, const char *key)
{
	struct json_object *v = json_get(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool json_get_int(const struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v = json_get(o, key);
	if (!json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

bool json_get_num(const struct json_object *o, const char *key, double *out)
{
	struct json_object *v = json_get(o, key);
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
		return false;
	*out = json_object_get_double(v);
	return true;
}

struct json_object *json_parse_file(const char *path)
{
	char *text = NULL;
	size_t n = 0;
	if (read_file(path, &text, &n) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "cannot read %s", path);
		return NULL;
	}
	struct json_object *o = json_parse(text, n, path);
	free(text);
	return o;
}
