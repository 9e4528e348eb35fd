#include "common/json.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
}

void json_reset(struct json *j)
{
	json_object_put(j->root);
	j->root = NULL;
	j->depth = 0;
	free(j->key);
	j->key = NULL;
	j->failed = false;
}

void json_free(struct json *j)
{
	json_reset(j);
	free(j->line);
	json_init(j);
}

/* Places v (a new reference, or NULL for a JSON null) where the next value goes:
 * the root, the open array, or the open object under the pending key. */
static void add(struct json *j, struct json_object *v, bool is_null)
{
	if (!v && !is_null)
		j->failed = true;
	if (j->failed)
		goto drop;
	if (j->depth == 0) {
		if (j->root || j->key)
			goto misuse; /* one top-level value per builder */
		j->root = v;
		return;
	}
	struct json_object *parent = j->open[j->depth - 1];
	if (json_object_is_type(parent, json_type_object)) {
		if (!j->key || json_object_object_add(parent, j->key, v) < 0)
			goto misuse;
		free(j->key);
		j->key = NULL;
	} else if (j->key || json_object_array_add(parent, v) < 0) {
		goto misuse;
	}
	return;
misuse:
	j->failed = true;
drop:
	json_object_put(v);
}

static void begin(struct json *j, struct json_object *c)
{
	if (c && j->depth == JSON_MAX_DEPTH) {
		json_object_put(c);
		c = NULL;
	}
	add(j, c, false);
	if (!j->failed)
		j->open[j->depth++] = c; /* borrowed: the parent (or root) owns it */
}

static void end(struct json *j, json_type type)
{
	if (j->failed)
		return;
	if (j->depth == 0 || j->key || !json_object_is_type(j->open[j->depth - 1], type))
		j->failed = true;
	else
		j->depth--;
}

void json_obj_begin(struct json *j)
{
	begin(j, json_object_new_object());
}

void json_obj_end(struct json *j)
{
	end(j, json_type_object);
}

void json_arr_begin(struct json *j)
{
	begin(j, json_object_new_array());
}

void json_arr_end(struct json *j)
{
	end(j, json_type_array);
}

void json_key(struct json *j, const char *key)
{
	if (j->failed)
		return;
	if (j->key || j->depth == 0 ||
	    !json_object_is_type(j->open[j->depth - 1], json_type_object) ||
	    !(j->key = strdup(key)))
		j->failed = true;
}

void json_str(struct json *j, const char *s)
{
	add(j, json_object_new_string(s ? s : ""), false);
}

void json_int(struct json *j, int64_t v)
{
	add(j, json_object_new_int64(v), false);
}

void json_uint(struct json *j, uint64_t v)
{
	add(j, json_object_new_uint64(v), false);
}

void json_double(struct json *j, double v)
{
	if (!isfinite(v)) {
		add(j, NULL, true);
		return;
	}
	/* json-c would print %.17g noise (0.10000000000000001) and "3.0" for 3; 12
	 * significant digits are far below every resolution the lab measures (ns on
	 * seconds) and keep the documented output byte for byte. The value itself stays
	 * a json-c double; only its text is given. */
	char b[32];
	snprintf(b, sizeof(b), "%.12g", v);
	add(j, json_object_new_double_s(v, b), false);
}

void json_boolean(struct json *j, bool v)
{
	add(j, json_object_new_boolean(v), false);
}

void json_null(struct json *j)
{
	add(j, NULL, true);
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kv_double(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_double(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_boolean(j, v);
}

const char *json_out(struct json *j, size_t *len)
{
	*len = 0;
	if (j->failed || j->depth || j->key || !j->root)
		return NULL;
	/* PLAIN: no spaces, as every golden and docs/json.md show; NOSLASHESCAPE: a
	 * prefix stays "10.0.0.0/8", not "10.0.0.0\/8". */
	return json_object_to_json_string_length(
	    j->root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

const char *json_line(struct json *j, size_t *len)
{
	size_t n;
	const char *s = json_out(j, &n);
	*len = 0;
	if (!s)
		return NULL;
	if (n + 2 > j->line_cap) {
		char *nl = realloc(j->line, n + 2);
		if (!nl)
			return NULL;
		j->line = nl;
		j->line_cap = n + 2;
	}
	memcpy(j->line, s, n);
	j->line[n] = '\n';
	j->line[n + 1] = '\0';
	*len = n + 1;
	return j->line;
}

int json_fputs(struct json *j, FILE *f)
{
	size_t n;
	const char *s = json_line(j, &n);
	return s && fwrite(s, 1, n, f) == n ? 0 : -1;
}
