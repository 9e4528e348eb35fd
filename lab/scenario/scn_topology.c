/* A scenario's topology with its overrides: the topology's YAML tree, the overrides
 * merged over it (mappings key by key, anything else replaced), written back as YAML
 * and loaded like any topology, so an override is validated by the same rules and
 * `up` builds exactly what was checked. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "scenario/scn_int.h"

struct out {
	char *buf;
	size_t len, cap;
	bool oom;
	const char *topo_dir; /* relative psk_file paths are made absolute against it */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void indent(struct out *o, int n)
{
	for (int i = 0; i < n; i++)
		put(o, " ", 1);
}

/* Plain scalars keep their meaning (null, bools, numbers) and are written as they
 * were unless a character would change how YAML reads them in flow context; every
 * other scalar is double-quoted. */
static bool safe_plain(const char *s)
{
	if (!*s)
		return true;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) && !(s[0] == '-' && s[1] && s[1] != ' '))
		return false;
	for (const char *p = s; *p; p++) {
		if (strchr(",[]{}#\n\t", *p) || (*p == ':' && (p[1] == ' ' || !p[1])))
			return false;
	}
	return s[strlen(s) - 1] != ' ';
}

static void scalar(struct out *o, const struct ynode *n, const char *key)
{
	const char *s = n->str;
	char abs[PATH_MAX];
	if (key && !strcmp(key, "psk_file") && s[0] && s[0] != '/') {
		snprintf(abs, sizeof(abs), "%s/%s", o->topo_dir, s);
		s = abs;
	} else if (n->plain && ynode_is_null(n)) {
		puts_(o, "null");
		return;
	}
	if (n->plain && safe_plain(s) && s != abs) {
		puts_(o, s);
		return;
	}
	put(o, "\"", 1);
	for (const char *p = s; *p; p++) {
		char e[8];
		if (*p == '"' || *p == '\\') {
			e[0] = '\\';
			e[1] = *p;
			put(o, e, 2);
		} else if ((unsigned char)*p < 0x20) {
			snprintf(e, sizeof(e), "\\x%02x", (unsigned char)*p);
			puts_(o, e);
		} else {
			put(o, p, 1);
		}
	}
	put(o, "\"", 1);
}

/* Flow style: one line per value, which is all a topology needs. */
static void value(struct out *o, const struct ynode *base, const struct ynode *over,
                  const char *key);

static void map(struct out *o, const struct ynode *base, const struct ynode *over)
{
	bool first = true;
	puts_(o, "{");
	for (size_t i = 0; base && i < base->n; i++) {
		const char *k = base->keys[i]->str;
		const struct ynode *ov = over ? ymap_get(over, k) : NULL;
		if (!first)
			puts_(o, ", ");
		first = false;
		scalar(o, base->keys[i], NULL);
		puts_(o, ": ");
		if (ov && ov->kind == YNODE_MAP && base->vals[i]->kind == YNODE_MAP)
			value(o, base->vals[i], ov, k);
		else
			value(o, ov ? ov : base->vals[i], NULL, k);
	}
	for (size_t i = 0; over && i < over->n; i++) {
		const char *k = over->keys[i]->str;
		if (base && ymap_key(base, k))
			continue;
		if (!first)
			puts_(o, ", ");
		first = false;
		scalar(o, over->keys[i], NULL);
		puts_(o, ": ");
		value(o, over->vals[i], NULL, k);
	}
	puts_(o, "}");
}

static void value(struct out *o, const struct ynode *base, const struct ynode *over,
                  const char *key)
{
	switch (base->kind) {
	case YNODE_SCALAR: scalar(o, base, key); break;
	case YNODE_MAP: map(o, base, over); break;
	case YNODE_SEQ:
		puts_(o, "[");
		for (size_t i = 0; i < base->n; i++) {
			if (i)
				puts_(o, ", ");
			value(o, base->vals[i], NULL, NULL);
		}
		puts_(o, "]");
		break;
	}
}

/* The top level in block style, so the copy `up` keeps reads key by key. */
static void top(struct out *o, const struct ynode *base, const struct ynode *over)
{
	puts_(o, "# written by labctl run: the scenario's topology with its overrides\n");
	for (size_t i = 0; i < base->n; i++) {
		const char *k = base->keys[i]->str;
		const struct ynode *ov = ymap_get(over, k);
		scalar(o, base->keys[i], NULL);
		puts_(o, ": ");
		if (ov && ov->kind == YNODE_MAP && base->vals[i]->kind == YNODE_MAP)
			value(o, base->vals[i], ov, k);
		else
			value(o, ov ? ov : base->vals[i], NULL, k);
		puts_(o, "\n");
	}
	for (size_t i = 0; i < over->n; i++) {
		if (ymap_key(base, over->keys[i]->str))
			continue;
		scalar(o, over->keys[i], NULL);
		puts_(o, ": ");
		value(o, over->vals[i], NULL, over->keys[i]->str);
		puts_(o, "\n");
	}
	indent(o, 0);
}

/* Loads text as a topology without a file on disk: a sealed memfd read through
 * /proc/self/fd. Problems become one line each at `where` in the scenario. */
static struct topo *load_text(struct ld *l, struct topo_pos where, const char *what,
                              const char *path, const char *text, size_t len)
{
	struct topo_diags td = {0};
	struct topo *t = NULL;
	char p[64];
	const char *load = path;
	int fd = -1;
	if (text) {
		fd = memfd_create("labctl-scenario-topology", MFD_CLOEXEC);
		if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
			ld_err(l, where, "cannot hold the merged topology (%s)", strerror(errno));
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		load = p;
	}
	if (topo_load(load, &t, &td) < 0) {
		for (size_t i = 0; i < td.n; i++) {
			if (text)
				ld_err(l, where,
				       "%s: %s; expected overrides that leave a valid "
				       "topology",
				       what, td.v[i].msg);
			else
				ld_err(l, where, "%s:%u:%u: %s; expected a valid topology",
				       td.v[i].file, td.v[i].pos.line, td.v[i].pos.col,
				       td.v[i].msg);
		}
		if (!td.n)
			ld_err(l, where, "%s: %s", what, lab_err_msg());
		lab_err_clear();
		t = NULL;
	}
	topo_diags_free(&td);
	if (fd >= 0)
		close(fd);
	return t;
}

void scn_topology(struct ld *l, const struct ynode *tv, const struct ynode *ov, struct scenario *s,
                  struct topo **out)
{
	*out = NULL;
	if (!ov || ynode_is_null(ov)) {
		*out = load_text(l, tv->pos, "topology", s->topology, NULL, 0);
		return;
	}
	if (!ld_map(l, ov, "overrides"))
		return;
	char *buf = NULL;
	size_t len = 0;
	if (read_file(s->topology, &buf, &len) < 0) {
		ld_err(l, tv->pos, "cannot read %s (%s); expected a readable topology", s->topology,
		       strerror(errno));
		return;
	}
	struct topo_diags td = {0};
	struct ynode *root = NULL;
	if (ytree_parse(s->topology, buf, len, &root, &td) < 0 || root->kind != YNODE_MAP) {
		ld_err(l, tv->pos, "topology %s is not a YAML mapping; expected a valid topology",
		       s->topology);
		goto out;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", s->topology);
	struct out o = {.topo_dir = dirname(dir)};
	top(&o, root, ov);
	if (o.oom) {
		ld_err(l, ov->pos, "out of memory");
		free(o.buf);
		goto out;
	}
	*out = load_text(l, ov->pos, "overrides", NULL, o.buf, o.len);
	if (*out) {
		s->merged = o.buf;
		s->merged_len = o.len;
	} else {
		explicit_bzero(o.buf, o.len);
		free(o.buf);
	}
out:
	ynode_free(root);
	topo_diags_free(&td);
	explicit_bzero(buf, len);
	free(buf);
}
