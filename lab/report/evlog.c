#include "report/evlog.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/jstr.h"
#include "common/journal.h"

#define MAX_FIELDS 64

struct parser {
	const char *p, *end;
	char *out; /* arena for unescaped strings */
};

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
}

/* At the opening quote; writes the unescaped string to the arena. */
static const char *parse_string(struct parser *ps)
{
	if (ps->p >= ps->end || *ps->p != '"')
		return NULL;
	const char *s = ps->p + 1;
	ssize_t end = jstr_end(s, (size_t)(ps->end - s));
	const char *why;
	size_t at;
	ssize_t n = end < 0 ? -1 : jstr_unescape(s, (size_t)end, ps->out, &why, &at);
	if (n < 0)
		return NULL;
	const char *start = ps->out;
	ps->out += n + 1;
	ps->p = s + end + 1;
	return start;
}

/* An array or object kept as text: bracket matching that respects strings. */
static const char *parse_raw(struct parser *ps)
{
	const char *s = ps->p;
	int depth = 0;
	bool in_str = false;
	for (; ps->p < ps->end; ps->p++) {
		char c = *ps->p;
		if (in_str) {
			if (c == '\\')
				ps->p++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && --depth == 0) {
			ps->p++;
			size_t n = (size_t)(ps->p - s);
			char *o = ps->out;
			memcpy(o, s, n);
			o[n] = '\0';
			ps->out = o + n + 1;
			return o;
		}
	}
	return NULL;
}

static int parse_value(struct parser *ps, struct jfield *f)
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return -1;
	char c = *ps->p;
	if (c == '"') {
		f->type = JV_STR;
		f->str = parse_string(ps);
		return f->str ? 0 : -1;
	}
	if (c == '[' || c == '{') {
		f->type = JV_RAW;
		f->str = parse_raw(ps);
		return f->str ? 0 : -1;
	}
	static const struct { const char *lit; enum jval t; int64_t v; } lits[] = {
		{"true", JV_BOOL, 1}, {"false", JV_BOOL, 0}, {"null", JV_NULL, 0}};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(lits[i].lit);
		if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, lits[i].lit, n)) {
			ps->p += n;
			f->type = lits[i].t;
			f->i = lits[i].v;
			f->str = lits[i].lit;
			return 0;
		}
	}
	/* A number: copy it out so strtod/strtoll see a terminated string. */
	const char *s = ps->p;
	while (ps->p < ps->end && strchr("+-0123456789.eE", *ps->p))
		ps->p++;
	size_t n = (size_t)(ps->p - s);
	if (n == 0 || n > 40)
		return -1;
	char *o = ps->out;
	memcpy(o, s, n);
	o[n] = '\0';
	ps->out = o + n + 1;
	char *e1, *e2;
	f->d = strtod(o, &e1);
	f->i = strtoll(o, &e2, 10);
	if (*e1)
		return -1;
	f->type = JV_NUM;
	f->str = o;
	return 0;
}

int jevent_parse(const char *line, size_t len, struct jevent *ev)
{
	memset(ev, 0, sizeof(*ev));
	struct jfield fields[MAX_FIELDS];
	uint32_t nf = 0;
	ev->mem = malloc(2 * len + 2);
	if (!ev->mem)
		return -1;
	struct parser ps = {.p = line, .end = line + len, .out = ev->mem};
	skip_ws(&ps);
	if (ps.p >= ps.end || *ps.p++ != '{')
		goto bad;
	skip_ws(&ps);
	if (ps.p < ps.end && *ps.p == '}') {
		ps.p++;
	} else {
		for (;;) {
			if (nf == MAX_FIELDS)
				goto bad;
			skip_ws(&ps);
			struct jfield *f = &fields[nf];
			memset(f, 0, sizeof(*f));
			f->key = parse_string(&ps);
			skip_ws(&ps);
			if (!f->key || ps.p >= ps.end || *ps.p++ != ':')
				goto bad;
			if (parse_value(&ps, f) < 0)
				goto bad;
			nf++;
			skip_ws(&ps);
			if (ps.p >= ps.end)
				goto bad;
			char c = *ps.p++;
			if (c == '}')
				break;
			if (c != ',')
				goto bad;
		}
	}
	skip_ws(&ps);
	if (ps.p != ps.end)
		goto bad;
	ev->f = malloc((nf ? nf : 1) * sizeof(*ev->f));
	if (!ev->f)
		goto bad;
	memcpy(ev->f, fields, nf * sizeof(*ev->f));
	ev->nf = nf;
	ev->src = jev_str(ev, "src");
	ev->ev = jev_str(ev, "ev");
	const struct jfield *t = NULL;
	for (uint32_t i = 0; i < nf; i++)
		if (!strcmp(fields[i].key, "t"))
			t = &fields[i];
	if (!ev->src || !ev->ev || !t || t->type != JV_NUM || strpbrk(t->str, ".eE"))
		goto bad;
	ev->t = t->i;
	return 0;
bad:
	jevent_free(ev);
	return -1;
}

void jevent_free(struct jevent *ev)
{
	free(ev->f);
	free(ev->mem);
	ev->f = NULL;
	ev->mem = NULL;
	ev->nf = 0;
}

static const struct jfield *find(const struct jevent *e, const char *key)
{
	for (uint32_t i = 0; i < e->nf; i++)
		if (!strcmp(e->f[i].key, key))
			return &e->f[i];
	return NULL;
}

const char *jev_str(const struct jevent *e, const char *key)
{
	const struct jfield *f = find(e, key);
	return f && f->type == JV_STR ? f->str : NULL;
}

bool jev_int(const struct jevent *e, const char *key, int64_t *out)
{
	const struct jfield *f = find(e, key);
	if (!f || f->type != JV_NUM)
		return false;
	*out = f->i;
	return true;
}

bool jev_is(const struct jevent *e, const char *src, const char *ev)
{
	return !strcmp(e->src, src) && !strcmp(e->ev, ev);
}

void evlog_init(struct evlog *l)
{
	memset(l, 0, sizeof(*l));
}

void evlog_free(struct evlog *l)
{
	for (size_t i = 0; i < l->n; i++)
		jevent_free(&l->v[i]);
	free(l->v);
	for (size_t i = 0; i < l->n_nodes; i++)
		free(l->nodes[i]);
	free(l->nodes);
	evlog_init(l);
}

static const char *intern_node(struct evlog *l, const char *node)
{
	for (size_t i = 0; i < l->n_nodes; i++)
		if (!strcmp(l->nodes[i], node))
			return l->nodes[i];
	char **nv = realloc(l->nodes, (l->n_nodes + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	l->nodes = nv;
	char *s = strdup(node);
	if (!s)
		return NULL;
	l->nodes[l->n_nodes++] = s;
	return s;
}

int evlog_add_file(struct evlog *l, const char *path, const char *node)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot read journal %s", path);
	const char *nname = intern_node(l, node);
	if (!nname) {
		fclose(f);
		return lab_err(LAB_EXIT_FAIL, "out of memory reading %s", path);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] != '\n') {
			l->bad_lines++; /* a writer died mid-line */
			continue;
		}
		struct jevent ev;
		if (jevent_parse(line, (size_t)len, &ev) < 0) {
			l->bad_lines++;
			continue;
		}
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 1024;
			struct jevent *nv = realloc(l->v, nc * sizeof(*nv));
			if (!nv) {
				jevent_free(&ev);
				ret = lab_err(LAB_EXIT_FAIL, "out of memory reading %s", path);
				break;
			}
			l->v = nv;
			l->cap = nc;
		}
		ev.node = nname;
		ev.order = (uint32_t)l->n;
		l->v[l->n++] = ev;
	}
	free(line);
	fclose(f);
	return ret;
}

static int cmp_event(const void *a, const void *b)
{
	const struct jevent *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void evlog_sort(struct evlog *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_event);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int evlog_load_lab(struct evlog *l, const char *labdir)
{
	DIR *d = opendir(labdir);
	if (!d)
		return lab_err_errno(LAB_EXIT_USAGE, errno, "cannot open lab directory %s", labdir);
	char **names = NULL;
	size_t n = 0;
	int ret = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "%s/%s/%s", labdir, de->d_name, JOURNAL_FILE);
		if (!path_exists(p))
			continue;
		char **nv = realloc(names, (n + 1) * sizeof(*nv));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			names = nv ? nv : names;
			ret = lab_err(LAB_EXIT_FAIL, "out of memory");
			break;
		}
		names = nv;
		n++;
	}
	closedir(d);
	if (ret == 0 && n == 0)
		ret = lab_err(LAB_EXIT_USAGE,
			      "no journal (<node>/%s) under %s: was the lab brought up with labctl up?",
			      JOURNAL_FILE, labdir);
	if (ret == 0) {
		/* Sorted so that equal timestamps merge the same way every time. */
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n && ret == 0; i++) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s/%s", labdir, names[i], JOURNAL_FILE);
			ret = evlog_add_file(l, p, names[i]);
		}
		/* BIRD's log for what no journal carries yet: the bgp service journals
		 * BIRD's session states, not its protocol going down. */
		bool have_state = false, have_down = false;
		for (size_t i = 0; i < l->n; i++) {
			if (strcmp(l->v[i].src, "bird"))
				continue;
			have_state |= !strcmp(l->v[i].ev, "state");
			have_down |= !strcmp(l->v[i].ev, "down");
		}
		for (size_t i = 0; i < n && ret == 0 && (!have_state || !have_down); i++) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s/bird.log", labdir, names[i]);
			ret = evlog_add_bird_log(l, p, names[i], !have_state, !have_down);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (ret == 0)
		evlog_sort(l);
	return ret;
}
