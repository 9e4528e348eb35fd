/* YAML text -> a tree of ynodes that remembers where each node came from.
 *
 * libyaml's event API reports a start mark (0-based line and column) for every
 * scalar, mapping and sequence; we keep it 1-based so diagnostics read like a
 * compiler's. Aliases, tags and multiple documents are refused: a topology is plain
 * data, and an alias would make one position stand for several elements. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <yaml.h>

#include "topo/topo_int.h"

#define YTREE_MAX_DEPTH 64

struct yparse {
	yaml_parser_t p;
	const char *file;
	struct topo_diags *d;
	int errors;
};

static struct topo_pos mark_pos(yaml_mark_t m)
{
	return (struct topo_pos){.line = (uint32_t)m.line + 1, .col = (uint32_t)m.column + 1};
}

static struct ynode *ynode_new(enum ynode_kind kind, yaml_mark_t m)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (n) {
		n->kind = kind;
		n->pos = mark_pos(m);
	}
	return n;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			ynode_free(n->keys[i]);
		ynode_free(n->vals[i]);
	}
	free(n->keys);
	free(n->vals);
	free(n->str);
	free(n);
}

static int ynode_append(struct ynode *parent, struct ynode *key, struct ynode *val)
{
	struct ynode **v = realloc(parent->vals, (parent->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	parent->vals = v;
	if (parent->kind == YNODE_MAP) {
		struct ynode **k = realloc(parent->keys, (parent->n + 1) * sizeof(*k));
		if (!k)
			return -1;
		parent->keys = k;
		parent->keys[parent->n] = key;
	}
	parent->vals[parent->n++] = val;
	return 0;
}

static int next_event(struct yparse *y, yaml_event_t *ev)
{
	if (yaml_parser_parse(&y->p, ev))
		return 0;
	struct topo_pos pos = mark_pos(y->p.problem_mark);
	if (y->p.error == YAML_MEMORY_ERROR)
		topo_diag_add(y->d, y->file, pos, "out of memory while parsing");
	else
		topo_diag_add(y->d, y->file, pos, "%s%s%s; expected valid YAML",
		              y->p.problem ? y->p.problem : "syntax error", y->p.context ? " " : "",
		              y->p.context ? y->p.context : "");
	y->errors++;
	return -1;
}

/* Parses the node that starts with ev (already taken); takes ownership of ev. */
static struct ynode *parse_node(struct yparse *y, yaml_event_t *ev, int depth);

static struct ynode *parse_collection(struct yparse *y, struct ynode *n, yaml_event_type_t end,
                                      int depth)
{
	for (;;) {
		yaml_event_t ev;
		if (next_event(y, &ev) < 0)
			goto fail;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return n;
		}
		struct ynode *key = NULL;
		if (n->kind == YNODE_MAP) {
			key = parse_node(y, &ev, depth + 1);
			if (!key)
				goto fail;
			if (key->kind != YNODE_SCALAR) {
				topo_diag_add(y->d, y->file, key->pos,
				              "%s used as a mapping key; expected a plain name",
				              ynode_kind_name(key));
				y->errors++;
				ynode_free(key);
				goto fail;
			}
			struct ynode *prev = ymap_key(n, key->str);
			if (prev) {
				topo_diag_add(
				    y->d, y->file, key->pos,
				    "duplicate key '%s' (first at line %u); expected each key once",
				    key->str, prev->pos.line);
				y->errors++;
			}
			if (next_event(y, &ev) < 0) {
				ynode_free(key);
				goto fail;
			}
		}
		struct ynode *val = parse_node(y, &ev, depth + 1);
		if (!val) {
			ynode_free(key);
			goto fail;
		}
		if (ynode_append(n, key, val) < 0) {
			ynode_free(key);
			ynode_free(val);
			goto fail;
		}
	}
fail:
	ynode_free(n);
	return NULL;
}

static struct ynode *parse_node(struct yparse *y, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;
	yaml_char_t *anchor = NULL, *tag = NULL;

	if (depth > YTREE_MAX_DEPTH) {
		topo_diag_add(y->d, y->file, mark_pos(ev->start_mark),
		              "nesting deeper than %d levels; expected a topology",
		              YTREE_MAX_DEPTH);
		y->errors++;
		goto out;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		n = ynode_new(YNODE_SCALAR, ev->start_mark);
		if (n) {
			n->end = mark_pos(ev->end_mark);
			n->str =
			    strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
			n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if (!n->str) {
				free(n);
				n = NULL;
			} else if (strlen(n->str) != ev->data.scalar.length) {
				/* an embedded NUL would silently truncate a name or key */
				topo_diag_add(y->d, y->file, n->pos,
				              "a NUL character in a string; expected text");
				y->errors++;
			}
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		anchor = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
		n = ynode_new(map ? YNODE_MAP : YNODE_SEQ, ev->start_mark);
		if (n && (anchor || tag)) {
			/* report before descending so the position is the collection's */
			break;
		}
		if (n) {
			yaml_event_delete(ev);
			return parse_collection(
			    y, n, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, depth);
		}
		break;
	}
	case YAML_ALIAS_EVENT:
		topo_diag_add(
		    y->d, y->file, mark_pos(ev->start_mark),
		    "alias '*%s'; expected the value written out (aliases are not supported)",
		    (const char *)ev->data.alias.anchor);
		y->errors++;
		goto out;
	default:
		topo_diag_add(y->d, y->file, mark_pos(ev->start_mark),
		              "unexpected YAML event; expected a value");
		y->errors++;
		goto out;
	}
	if (!n) {
		topo_diag_add(y->d, y->file, mark_pos(ev->start_mark), "out of memory");
		y->errors++;
		goto out;
	}
	if (anchor) {
		topo_diag_add(
		    y->d, y->file, n->pos,
		    "anchor '&%s'; expected plain values (anchors and aliases are not supported)",
		    (const char *)anchor);
		y->errors++;
	} else if (tag && !(n->kind == YNODE_SCALAR &&
	                    !strncmp((const char *)tag, "tag:yaml.org,2002:str", 21))) {
		topo_diag_add(y->d, y->file, n->pos, "tag '%s'; expected untagged values",
		              (const char *)tag);
		y->errors++;
	}
	if (n->kind != YNODE_SCALAR) {
		/* a tagged or anchored collection: skip its contents, the error is out */
		bool map = n->kind == YNODE_MAP;
		yaml_event_delete(ev);
		return parse_collection(
		    y, n, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, depth);
	}
out:
	yaml_event_delete(ev);
	return n;
}

int ytree_parse(const char *file, const char *buf, size_t len, struct ynode **root,
                struct topo_diags *diags)
{
	struct yparse y = {.file = file, .d = diags};
	struct ynode *doc = NULL;
	yaml_event_t ev;
	int docs = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&y.p)) {
		topo_diag_add(diags, file, (struct topo_pos){0, 0}, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&y.p, (const unsigned char *)buf, len);
	for (;;) {
		if (next_event(&y, &ev) < 0)
			goto fail;
		yaml_event_type_t type = ev.type;
		if (type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (type == YAML_STREAM_START_EVENT || type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (type == YAML_DOCUMENT_START_EVENT) {
			if (++docs > 1) {
				topo_diag_add(
				    diags, file, mark_pos(ev.start_mark),
				    "a second YAML document; expected one topology per file");
				y.errors++;
				yaml_event_delete(&ev);
				goto fail;
			}
			yaml_event_delete(&ev);
			continue;
		}
		struct ynode *n = parse_node(&y, &ev, 0);
		if (!n)
			goto fail;
		doc = n;
	}
	yaml_parser_delete(&y.p);
	if (!doc) {
		topo_diag_add(
		    diags, file, (struct topo_pos){1, 1},
		    "an empty file; expected a topology mapping (name, nodes, links ...)");
		return -1;
	}
	if (y.errors) {
		ynode_free(doc);
		return -1;
	}
	*root = doc;
	return 0;
fail:
	yaml_parser_delete(&y.p);
	ynode_free(doc);
	return -1;
}

/* The index of key in map m, or -1 (also when m is not a map). */
static ssize_t ymap_find(const struct ynode *m, const char *key)
{
	if (!m || m->kind != YNODE_MAP)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		if (m->keys[i]->str && !strcmp(m->keys[i]->str, key))
			return (ssize_t)i;
	return -1;
}

struct ynode *ymap_key(const struct ynode *m, const char *key)
{
	ssize_t i = ymap_find(m, key);
	return i < 0 ? NULL : m->keys[i];
}

struct ynode *ymap_get(const struct ynode *m, const char *key)
{
	ssize_t i = ymap_find(m, key);
	return i < 0 ? NULL : m->vals[i];
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YNODE_SCALAR: return ynode_is_null(n) ? "empty" : "a scalar";
	case YNODE_MAP: return "a mapping";
	case YNODE_SEQ: return "a sequence";
	}
	return "a value";
}

bool ynode_is_null(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR && n->plain &&
	       (!n->str[0] || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	        !strcmp(n->str, "Null") || !strcmp(n->str, "NULL"));
}
