#include "common/jtree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct jp {
	const char *s;
	size_t i;
	int depth;
};

/* Deeper than anything we write; bounds the recursion on hostile input. */
#define JTREE_MAX_DEPTH 64

static void ws(struct jp *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')
		p->i++;
}

static int fail(struct jp *p, const char *what)
{
	return lab_err(LAB_EXIT_FAIL, "JSON: %s at byte %zu", what, p->i);
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; the unescaped text is never longer than the escaped. */
static int string(struct jp *p, char **out)
{
	size_t start = ++p->i, end = start;
	while (p->s[end] && p->s[end] != '"')
		end += p->s[end] == '\\' && p->s[end + 1] ? 2 : 1;
	if (p->s[end] != '"')
		return fail(p, "unterminated string");
	char *o = malloc(end - start + 1);
	if (!o)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	size_t n = 0;
	while (p->i < end) {
		char c = p->s[p->i++];
		if ((unsigned char)c < 0x20) {
			free(o);
			return fail(p, "control character in string");
		}
		if (c != '\\') {
			o[n++] = c;
			continue;
		}
		c = p->s[p->i++];
		switch (c) {
		case '"': case '\\': case '/': o[n++] = c; break;
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (p->i + 4 > end || hex4(p->s + p->i, &cp) < 0) {
				free(o);
				return fail(p, "bad \\u escape");
			}
			p->i += 4;
			/* a surrogate pair is two escapes (6 + 6 bytes -> 4 bytes) */
			if (cp >= 0xd800 && cp < 0xdc00 && p->i + 6 <= end && p->s[p->i] == '\\' &&
			    p->s[p->i + 1] == 'u' && hex4(p->s + p->i + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p->i += 6;
			}
			n += utf8(cp, o + n);
			break;
		}
		default:
			free(o);
			return fail(p, "bad escape");
		}
	}
	o[n] = '\0';
	p->i = end + 1;
	*out = o;
	return 0;
}

static int value(struct jp *p, struct jtree *v);

static int push(struct jtree *v, struct jtree **kid)
{
	struct jtree *k = realloc(v->kids, (v->n + 1) * sizeof(*k));
	if (!k)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	v->kids = k;
	*kid = &k[v->n++];
	memset(*kid, 0, sizeof(**kid));
	return 0;
}

static int container(struct jp *p, struct jtree *v, bool obj)
{
	char close = obj ? '}' : ']';
	v->type = obj ? JT_OBJ : JT_ARR;
	if (++p->depth > JTREE_MAX_DEPTH)
		return fail(p, "nested too deeply");
	p->i++;
	ws(p);
	if (p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return 0;
	}
	for (;;) {
		struct jtree *k = NULL;
		if (push(v, &k) < 0)
			return -1;
		ws(p);
		if (obj) {
			if (p->s[p->i] != '"')
				return fail(p, "expected a member name");
			if (string(p, &k->key) < 0)
				return -1;
			ws(p);
			if (p->s[p->i++] != ':')
				return fail(p, "expected ':'");
		}
		if (value(p, k) < 0)
			return -1;
		ws(p);
		char c = p->s[p->i++];
		if (c == close)
			break;
		if (c != ',')
			return fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	p->depth--;
	return 0;
}

static int number(struct jp *p, struct jtree *v)
{
	const char *s = p->s + p->i;
	char *end;
	v->num = strtod(s, &end);
	if (end == s)
		return fail(p, "expected a value");
	v->type = JT_NUM;
	v->str = strndup(s, (size_t)(end - s));
	if (!v->str)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	p->i += (size_t)(end - s);
	return 0;
}

static int value(struct jp *p, struct jtree *v)
{
	ws(p);
	const char *s = p->s + p->i;
	switch (*s) {
	case '{': return container(p, v, true);
	case '[': return container(p, v, false);
	case '"': v->type = JT_STR; return string(p, &v->str);
	}
	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4)) {
		v->type = *s == 't' ? JT_BOOL : JT_NULL;
		v->b = *s == 't';
		p->i += 4;
		return 0;
	}
	if (!strncmp(s, "false", 5)) {
		v->type = JT_BOOL;
		p->i += 5;
		return 0;
	}
	if (*s == '-' || (*s >= '0' && *s <= '9'))
		return number(p, v);
	return fail(p, "expected a value");
}

static void release(struct jtree *t)
{
	for (size_t i = 0; i < t->n; i++)
		release(&t->kids[i]);
	free(t->kids);
	free(t->key);
	free(t->str);
}

void jtree_free(struct jtree *t)
{
	if (!t)
		return;
	release(t);
	free(t);
}

int jtree_parse(const char *text, struct jtree **out)
{
	struct jp p = {.s = text};
	struct jtree *t = calloc(1, sizeof(*t));
	if (!t)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	if (value(&p, t) < 0)
		goto fail;
	ws(&p);
	if (p.s[p.i]) {
		fail(&p, "trailing text after the value");
		goto fail;
	}
	*out = t;
	return 0;
fail:
	jtree_free(t);
	return -1;
}

const struct jtree *jtree_get(const struct jtree *t, const char *key)
{
	if (!t || t->type != JT_OBJ)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->kids[i].key, key))
			return &t->kids[i];
	return NULL;
}

const char *jtree_str(const struct jtree *t, const char *key)
{
	const struct jtree *v = jtree_get(t, key);
	return v && v->type == JT_STR ? v->str : NULL;
}

bool jtree_num(const struct jtree *t, const char *key, double *out)
{
	const struct jtree *v = jtree_get(t, key);
	if (!v || v->type != JT_NUM)
		return false;
	*out = v->num;
	return true;
}
