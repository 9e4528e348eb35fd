#include "common/jtree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/jstr.h"

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

/* At the opening quote. */
static int string(struct jp *p, char **out)
{
	size_t start = ++p->i;
	ssize_t end = jstr_end(p->s + start, SIZE_MAX);
	if (end < 0)
		return fail(p, "unterminated string");
	char *o = malloc((size_t)end + 1);
	if (!o)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	const char *why;
	size_t at;
	if (jstr_unescape(p->s + start, (size_t)end, o, &why, &at) < 0) {
		free(o);
		p->i = start + at;
		return fail(p, why);
	}
	p->i = start + (size_t)end + 1;
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
