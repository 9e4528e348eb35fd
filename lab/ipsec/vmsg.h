/* A VICI request held as data before it is sent.
 *
 * Messages for charon are built here first and only then replayed into libvici
 * (vici.c). That keeps what labctl asks charon to do testable without charon (the
 * unit tests compare vmsg_render() against golden text) and keeps secrets in one
 * place: items marked secret are rendered as "<secret>" and wiped when freed. */
#ifndef LAB_IPSEC_VMSG_H
#define LAB_IPSEC_VMSG_H

#include <stdbool.h>
#include <stddef.h>

enum vmsg_op {
	VMSG_SECTION_BEGIN,
	VMSG_SECTION_END,
	VMSG_KV,
	VMSG_LIST_BEGIN,
	VMSG_LIST_ITEM,
	VMSG_LIST_END,
};

struct vmsg_item {
	enum vmsg_op op;
	char *name;  /* section, key or list name */
	char *value; /* KV and LIST_ITEM */
	bool secret;
};

struct vmsg {
	char cmd[32]; /* "load-conn", "load-shared", "initiate", ... */
	struct vmsg_item *v;
	size_t n, cap;
	bool oom; /* sticky; checked by vmsg_ok() */
};

void vmsg_init(struct vmsg *m, const char *cmd);
/* Frees, wiping secret values first. */
void vmsg_free(struct vmsg *m);

void vmsg_section(struct vmsg *m, const char *name);
void vmsg_end(struct vmsg *m);
void vmsg_kv(struct vmsg *m, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vmsg_kv_secret(struct vmsg *m, const char *key, const char *value);
void vmsg_list(struct vmsg *m, const char *name);
void vmsg_item(struct vmsg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vmsg_list_end(struct vmsg *m);

/* 0 if every item was stored and sections/lists balance; -1 with lab_err set. */
int vmsg_ok(const struct vmsg *m);

/* Readable, stable text (golden tests, -v): "cmd {\n  key = value\n ...}\n".
 * Returns a malloc'd string or NULL. */
char *vmsg_render(const struct vmsg *m);

#endif
