#include "common/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
}

void json_free(struct json *j)
{
	free(j->buf);
	json_init(j);
}

void json_reset(struct json *j)
{
	j->len = 0;
	j->need_comma = false;
	j->oom = false;
	if (j->buf)
		j->buf[0] = '\0';
}

static void put(struct json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (j->len + n + 1 > cap)
			cap *= 2;
		char *nb = realloc(j->buf, cap);
		if (!nb) {
			j->oom = true;
			return;
		}
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void sep(struct json *j)
{
	if (j->need_comma)
		put(j, ",", 1);
	j->need_comma = true;
}

void json_obj_begin(struct json *j)
{
	sep(j);
	put(j, "{", 1);
	j->need_comma = false;
}

void json_obj_end(struct json *j)
{
	put(j, "}", 1);
	j->need_comma = true;
}

void json_arr_begin(struct json *j)
{
	sep(j);
	put(j, "[", 1);
	j->need_comma = false;
}

void json_arr_end(struct json *j)
{
	put(j, "]", 1);
	j->need_comma = true;
}

static void quoted(struct json *j, const char *s)
{
	put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		char esc[8];
		switch (*p) {
		case '"': puts_(j, "\\\""); break;
		case '\\': puts_(j, "\\\\"); break;
		case '\n': puts_(j, "\\n"); break;
		case '\r': puts_(j, "\\r"); break;
		case '\t': puts_(j, "\\t"); break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				puts_(j, esc);
			} else {
				put(j, (const char *)p, 1);
			}
		}
	}
	put(j, "\"", 1);
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	quoted(j, key);
	put(j, ":", 1);
	j->need_comma = false;
}

void json_str(struct json *j, const char *s)
{
	sep(j);
	quoted(j, s);
}

void json_int(struct json *j, int64_t v)
{
	char b[32];
	snprintf(b, sizeof(b), "%" PRId64, v);
	sep(j);
	puts_(j, b);
}

void json_uint(struct json *j, uint64_t v)
{
	char b[32];
	snprintf(b, sizeof(b), "%" PRIu64, v);
	sep(j);
	puts_(j, b);
}

void json_double(struct json *j, double v)
{
	char b[64];
	sep(j);
	if (!isfinite(v)) {
		puts_(j, "null");
		return;
	}
	/* %.17g round-trips but prints noise like 0.10000000000000001; 12 significant
	 * digits is far below every resolution the lab measures (ns on seconds). */
	snprintf(b, sizeof(b), "%.12g", v);
	puts_(j, b);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	puts_(j, v ? "true" : "false");
}

void json_null(struct json *j)
{
	sep(j);
	puts_(j, "null");
}

void json_raw(struct json *j, const char *text)
{
	sep(j);
	puts_(j, text);
}

void json_text(struct json *j, const char *text)
{
	puts_(j, text);
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
	json_bool(j, v);
}

int json_fputs(const struct json *j, FILE *f)
{
	if (j->oom)
		return -1;
	if (fwrite(j->buf ? j->buf : "", 1, j->len, f) != j->len || fputc('\n', f) == EOF)
		return -1;
	return 0;
}
