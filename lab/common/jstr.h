/* Reading a JSON string (RFC 8259 s7): the two readers of JSON labctl wrote
 * (common/jtree.h for documents, report/evlog.h for journal lines) share it. */
#ifndef LAB_COMMON_JSTR_H
#define LAB_COMMON_JSTR_H

#include <stddef.h>
#include <sys/types.h>

/* s: just after an opening quote, at most len bytes (a NUL also ends the text).
 * The offset of the closing quote (an escaped one does not close), or -1. */
ssize_t jstr_end(const char *s, size_t len);

/* Unescapes the body s[0..len) (as jstr_end delimits it) into out, which needs
 * len + 1 bytes (unescaped text is never longer), NUL-terminated; \uXXXX escapes
 * and surrogate pairs become UTF-8. The unescaped length, or -1 with *why (a
 * static message) and *at (offset in s) set: a control character, a bad escape. */
ssize_t jstr_unescape(const char *s, size_t len, char *out, const char **why, size_t *at);

#endif
