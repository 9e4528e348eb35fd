#include "common/json.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Recycling the top-level object: a journal writes thousands of lines of a few
 * shapes ({"t":..,"src":..,"ev":.., then the same fields each time}). Building each
 * from scratch costs some 30 allocations a line (the object, its hash table, a key
 * copy and a value per member), ten times what the line's write() costs, and far
 * more under ASan: enough to make the probe daemon late on a loaded machine. So
 * json_reset keeps a finished top-level object, and the next document walks its
 * members in order: a member with the pending name gets its value set in place
 * (same type) or replaced in its slot; at the first other name the remaining old
 * members are deleted and building goes on by appending. The text is json-c's in
 * every case; only the allocations are saved. */

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
}

void json_reset(struct json *j)
{
	if (!j->failed && !j->depth && json_object_is_type(j->root, json_type_object)) {
		json_object_put(j->spare);
		j->spare = j->root;
	} else {
		json_object_put(j->root);
	}
	j->root = NULL;
	j->reuse = NULL;
	j->depth = 0;
	j->has_key = false;
	j->failed = false;
}

void json_free(struct json *j)
{
	json_reset(j);
	json_object_put(j->spare);
	free(j->line);
	json_init(j);
}

/* The recycled object's old members from the cursor on are not part of this
 * document. */
static void drop_rest(struct json *j)
{
	while (j->reuse) {
		struct lh_entry *e = j->reuse;
		j->reuse = lh_entry_next(e);
		json_object_object_del(j->root, (const char *)lh_entry_k(e));
	}
}

/* Whether the pending member is the recycled object's next one (same name). */
static bool at_reuse(const struct json *j)
{
	return j->reuse && j->depth == 1 && j->has_key &&
	       !strcmp((const char *)lh_entry_k(j->reuse), j->key);
}

/* The recycled member's value when it has the pending name and this type (the
 * caller sets it in place, then calls reused), else NULL. */
static struct json_object *reusable(struct json *j, json_type type)
{
	if (j->failed || !at_reuse(j))
		return NULL;
	struct json_object *v = (struct json_object *)lh_entry_v(j->reuse);
	return v && json_object_is_type(v, type) ? v : NULL;
}

static void reused(struct json *j)
{
	j->reuse = lh_entry_next(j->reuse);
	j->has_key = false;
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
		if (j->root || j->has_key)
			goto misuse; /* one top-level value per builder */
		j->root = v;
		return;
	}
	struct json_object *parent = j->open[j->depth - 1];
	if (json_object_is_type(parent, json_type_object)) {
		if (!j->has_key)
			goto misuse;
		if (at_reuse(j))
			j->reuse = lh_entry_next(j->reuse); /* replaced in its slot below */
		else if (j->depth == 1)
			drop_rest(j);
		if (json_object_object_add(parent, j->key, v) < 0)
			goto misuse;
		j->has_key = false;
	} else if (j->has_key || json_object_array_add(parent, v) < 0) {
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
	if (j->depth == 0 || j->has_key || !json_object_is_type(j->open[j->depth - 1], type)) {
		j->failed = true;
		return;
	}
	if (j->depth == 1)
		drop_rest(j);
	j->depth--;
}

void json_obj_begin(struct json *j)
{
	if (!j->failed && !j->depth && !j->root && !j->has_key && j->spare) {
		j->root = j->spare;
		j->spare = NULL;
		j->open[j->depth++] = j->root;
		j->reuse = lh_table_head(json_object_get_object(j->root));
		return;
	}
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
	size_t n = strlen(key);
	if (j->has_key || j->depth == 0 || n >= sizeof(j->key) ||
	    !json_object_is_type(j->open[j->depth - 1], json_type_object)) {
		j->failed = true;
		return;
	}
	memcpy(j->key, key, n + 1);
	j->has_key = true;
}

void json_str(struct json *j, const char *s)
{
	struct json_object *o = reusable(j, json_type_string);
	if (o && json_object_set_string(o, s ? s : ""))
		reused(j);
	else
		add(j, json_object_new_string(s ? s : ""), false);
}

void json_int(struct json *j, int64_t v)
{
	struct json_object *o = reusable(j, json_type_int);
	if (o && json_object_set_int64(o, v))
		reused(j);
	else
		add(j, json_object_new_int64(v), false);
}

void json_uint(struct json *j, uint64_t v)
{
	struct json_object *o = reusable(j, json_type_int);
	if (o && json_object_set_uint64(o, v))
		reused(j);
	else
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
	struct json_object *o = reusable(j, json_type_boolean);
	if (o && json_object_set_boolean(o, v))
		reused(j);
	else
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
	if (j->failed || j->depth || j->has_key || !j->root)
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
