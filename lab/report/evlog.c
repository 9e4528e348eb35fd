#include "report/evlog.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/json_read.h"
#include "common/journal.h"

#define MAX_FIELDS 64

/* A member's text for the arena: a string unescaped, anything else as JSON. */
static const char *text_of(struct json_object *v, size_t *n)
{
	if (json_object_is_type(v, json_type_string)) {
		*n = (size_t)json_object_get_string_len(v);
		return json_object_get_string(v);
	}
	const char *s = v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE)
	                  : "null";
	*n = strlen(s);
	return s;
}

static enum jval type_of(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string: return JV_STR;
	case json_type_int:
	case json_type_double: return JV_NUM;
	case json_type_boolean: return JV_BOOL;
	case json_type_null: return JV_NULL;
	default: return JV_RAW;
	}
}

/* json-c parses the line; the event keeps a flat copy of its members (one arena,
 * one field array) rather than json-c's objects, which cost several times the
 * line's size and a lab's journals hold hundreds of thousands of lines. */
static int parse_with(struct json_tokener *tok, const char *line, size_t len, struct jevent *ev)
{
	memset(ev, 0, sizeof(*ev));
	struct json_object *o = json_parse_with(tok, line, len, "journal line");
	if (!o) {
		lab_err_clear(); /* counted by the caller, never fatal */
		return -1;
	}
	int64_t t;
	size_t nf =
	    json_object_is_type(o, json_type_object) ? (size_t)json_object_object_length(o) : 0;
	if (!nf || nf > MAX_FIELDS || !json_get_int(o, "t", &t) || !json_get_str(o, "src") ||
	    !json_get_str(o, "ev"))
		goto bad;
	size_t need = 0, n;
	json_object_object_foreach(o, k1, v1)
	{
		text_of(v1, &n);
		need += strlen(k1) + 1 + n + 1;
	}
	ev->mem = malloc(need);
	ev->f = calloc(nf, sizeof(*ev->f));
	if (!ev->mem || !ev->f)
		goto bad;
	char *out = ev->mem;
	json_object_object_foreach(o, key, v)
	{
		struct jfield *f = &ev->f[ev->nf++];
		size_t kn = strlen(key);
		const char *text = text_of(v, &n);
		f->key = memcpy(out, key, kn + 1);
		out += kn + 1;
		f->str = memcpy(out, text, n);
		out[n] = '\0';
		out += n + 1;
		f->type = type_of(v);
		if (f->type == JV_NUM) {
			f->i = json_object_get_int64(v);
			f->d = json_object_get_double(v);
		} else if (f->type == JV_BOOL) {
			f->i = json_object_get_boolean(v);
		}
	}
	ev->t = t;
	ev->src = jev_str(ev, "src");
	ev->ev = jev_str(ev, "ev");
	json_object_put(o);
	return 0;
bad:
	json_object_put(o);
	jevent_free(ev);
	return -1;
}

int jevent_parse(const char *line, size_t len, struct jevent *ev)
{
	memset(ev, 0, sizeof(*ev));
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return -1;
	int rc = parse_with(tok, line, len, ev);
	json_tokener_free(tok);
	return rc;
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

bool jev_num(const struct jevent *e, const char *key, double *out)
{
	const struct jfield *f = find(e, key);
	if (!f || f->type != JV_NUM)
		return false;
	*out = f->d;
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

/* Appends the complete lines of f. With tail, a last line without its newline is
 * being written: it is left unread (*consumed stops before it) rather than counted
 * as bad, for the next call to read whole. */
static int add_lines(struct evlog *l, FILE *f, const char *name, const char *node, bool tail,
                     long *consumed)
{
	const char *nname = intern_node(l, node);
	if (!nname)
		return lab_err(LAB_EXIT_FAIL, "out of memory reading %s", name);
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return lab_err(LAB_EXIT_FAIL, "out of memory reading %s", name);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] != '\n') {
			if (!tail)
				l->bad_lines++; /* a writer died mid-line */
			break;
		}
		*consumed += len;
		struct jevent ev;
		if (parse_with(tok, line, (size_t)len, &ev) < 0) {
			l->bad_lines++;
			continue;
		}
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 1024;
			struct jevent *nv = realloc(l->v, nc * sizeof(*nv));
			if (!nv) {
				jevent_free(&ev);
				ret = lab_err(LAB_EXIT_FAIL, "out of memory reading %s", name);
				break;
			}
			l->v = nv;
			l->cap = nc;
		}
		ev.node = nname;
		ev.order = l->next_order++;
		l->v[l->n++] = ev;
	}
	free(line);
	json_tokener_free(tok);
	return ret;
}

int evlog_add_stream(struct evlog *l, FILE *f, const char *name, const char *node)
{
	long consumed = 0;
	return add_lines(l, f, name, node, false, &consumed);
}

int evlog_add_file(struct evlog *l, const char *path, const char *node)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot read journal %s", path);
	int ret = evlog_add_stream(l, f, path, node);
	fclose(f);
	return ret;
}

int evlog_add_file_tail(struct evlog *l, const char *path, const char *node, long *offset)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot read journal %s", path);
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || st.st_size < *offset) {
		fclose(f);
		return 1;
	}
	size_t before = l->n;
	int ret = fseek(f, *offset, SEEK_SET) < 0
	              ? lab_err_errno(LAB_EXIT_FAIL, errno, "cannot read journal %s", path)
	              : add_lines(l, f, path, node, true, offset);
	fclose(f);
	if (ret == 0 && l->n > before)
		l->unsorted = true;
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
	l->unsorted = false;
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
		ret = lab_err(
		    LAB_EXIT_USAGE,
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
