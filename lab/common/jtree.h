/* A small JSON reader: text -> tree, for rendering JSON that labctl itself wrote
 * (`labctl status` text form from the services' status objects).
 *
 * Strict enough for our own output (RFC 8259 values, \uXXXX escapes to UTF-8);
 * numbers are kept as doubles and as their literal text. */
#ifndef LAB_COMMON_JTREE_H
#define LAB_COMMON_JTREE_H

#include <stdbool.h>
#include <stddef.h>

enum jtree_type { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jtree {
	enum jtree_type type;
	char *key;          /* member name inside an object, else NULL */
	char *str;          /* JT_STR: unescaped; JT_NUM: the literal */
	double num;         /* JT_NUM */
	bool b;             /* JT_BOOL */
	struct jtree *kids; /* JT_ARR / JT_OBJ */
	size_t n;
};

/* Parses one JSON value (surrounding whitespace allowed). 0, or -1 with lab_err
 * set naming the byte offset. Free with jtree_free. */
int jtree_parse(const char *text, struct jtree **out);
void jtree_free(struct jtree *t);

/* Object member by name; NULL if absent or t is not an object. */
const struct jtree *jtree_get(const struct jtree *t, const char *key);
/* Member as a string (NULL unless JT_STR) / number (false unless JT_NUM). */
const char *jtree_str(const struct jtree *t, const char *key);
bool jtree_num(const struct jtree *t, const char *key, double *out);

#endif
