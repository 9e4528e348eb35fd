#include "ipsec/vmsg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void vmsg_init(struct vmsg *m, const char *cmd)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->cmd, sizeof(m->cmd), "%s", cmd);
}

void vmsg_free(struct vmsg *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].secret && m->v[i].value)
			explicit_bzero(m->v[i].value, strlen(m->v[i].value));
		free(m->v[i].name);
		free(m->v[i].value);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static void add(struct vmsg *m, enum vmsg_op op, const char *name, char *value, bool secret)
{
	if (m->oom)
		goto fail;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct vmsg_item *nv = realloc(m->v, cap * sizeof(*nv));
		if (!nv)
			goto fail;
		m->v = nv;
		m->cap = cap;
	}
	struct vmsg_item *it = &m->v[m->n];
	it->op = op;
	it->secret = secret;
	it->value = value;
	it->name = name ? strdup(name) : NULL;
	if (name && !it->name)
		goto fail;
	m->n++;
	return;
fail:
	if (value) {
		if (secret)
			explicit_bzero(value, strlen(value));
		free(value);
	}
	m->oom = true;
}

/* A formatted value (key/value or list item); out of memory marks the message. */
static void add_vfmt(struct vmsg *m, enum vmsg_op op, const char *name, const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		m->oom = true;
	else
		add(m, op, name, s, false);
}

void vmsg_section(struct vmsg *m, const char *name)
{
	add(m, VMSG_SECTION_BEGIN, name, NULL, false);
}

void vmsg_end(struct vmsg *m)
{
	add(m, VMSG_SECTION_END, NULL, NULL, false);
}

void vmsg_kv(struct vmsg *m, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_vfmt(m, VMSG_KV, key, fmt, ap);
	va_end(ap);
}

void vmsg_kv_secret(struct vmsg *m, const char *key, const char *value)
{
	char *v = strdup(value);
	if (!v)
		m->oom = true;
	else
		add(m, VMSG_KV, key, v, true);
}

void vmsg_list(struct vmsg *m, const char *name)
{
	add(m, VMSG_LIST_BEGIN, name, NULL, false);
}

void vmsg_item(struct vmsg *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_vfmt(m, VMSG_LIST_ITEM, NULL, fmt, ap);
	va_end(ap);
}

void vmsg_list_end(struct vmsg *m)
{
	add(m, VMSG_LIST_END, NULL, NULL, false);
}

int vmsg_ok(const struct vmsg *m)
{
	if (m->oom)
		return lab_err(LAB_EXIT_FAIL, "out of memory building VICI %s", m->cmd);
	int depth = 0;
	bool in_list = false;
	for (size_t i = 0; i < m->n; i++) {
		switch (m->v[i].op) {
		case VMSG_SECTION_BEGIN: depth++; break;
		case VMSG_SECTION_END: depth--; break;
		case VMSG_LIST_BEGIN: in_list = true; break;
		case VMSG_LIST_END: in_list = false; break;
		case VMSG_KV:
		case VMSG_LIST_ITEM: break;
		}
		if (depth < 0)
			break;
	}
	if (depth != 0 || in_list)
		return lab_err(LAB_EXIT_FAIL, "internal: unbalanced VICI %s message", m->cmd);
	return 0;
}

char *vmsg_render(const struct vmsg *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int depth = 1;
	fprintf(f, "%s {\n", m->cmd);
	for (size_t i = 0; i < m->n; i++) {
		const struct vmsg_item *it = &m->v[i];
		const char *val = it->secret ? "<secret>" : it->value;
		if (it->op == VMSG_SECTION_END || it->op == VMSG_LIST_END)
			depth--;
		fprintf(f, "%*s", depth * 2, "");
		switch (it->op) {
		case VMSG_SECTION_BEGIN:
			fprintf(f, "%s {\n", it->name);
			depth++;
			break;
		case VMSG_SECTION_END: fprintf(f, "}\n"); break;
		case VMSG_KV: fprintf(f, "%s = %s\n", it->name, val); break;
		case VMSG_LIST_BEGIN:
			fprintf(f, "%s = [\n", it->name);
			depth++;
			break;
		case VMSG_LIST_ITEM: fprintf(f, "%s\n", val); break;
		case VMSG_LIST_END: fprintf(f, "]\n"); break;
		}
	}
	fprintf(f, "}\n");
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
