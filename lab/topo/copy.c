/* topo_copy_file: the loaded text, made independent of where it is copied to. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo.h"

/* A YAML double-quoted scalar holding s. */
static int append_quoted(char **out, size_t *len, size_t *cap, const char *s)
{
	size_t need = *len + 2 * strlen(s) + 3;
	if (need > *cap) {
		char *n = realloc(*out, need);
		if (!n)
			return -1;
		*out = n;
		*cap = need;
	}
	(*out)[(*len)++] = '"';
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			(*out)[(*len)++] = '\\';
		(*out)[(*len)++] = *p;
	}
	(*out)[(*len)++] = '"';
	return 0;
}

static int append(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n > *cap) {
		size_t c = (*len + n) * 2;
		char *nb = realloc(*out, c);
		if (!nb)
			return -1;
		*out = nb;
		*cap = c;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	return 0;
}

int topo_copy_file(const struct topo *t, const char *dst)
{
	if (!t->source)
		return lab_err(LAB_EXIT_FAIL, "topology %s has no source text to copy", t->path);
	char *out = NULL;
	size_t len = 0, cap = 0, at = 0;
	int rc = -1;
	/* spans in file order: tunnels are in file order and each has at most one */
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		if (!tun->psk_file_span_len)
			continue;
		if (tun->psk_file_span_off < at ||
		    tun->psk_file_span_off + tun->psk_file_span_len > t->source_len) {
			lab_err(LAB_EXIT_FAIL, "psk_file of tunnel '%s' is out of place in %s", tun->name,
				t->path);
			goto out;
		}
		if (append(&out, &len, &cap, t->source + at, tun->psk_file_span_off - at) < 0 ||
		    append_quoted(&out, &len, &cap, tun->psk_file) < 0)
			goto oom;
		at = tun->psk_file_span_off + tun->psk_file_span_len;
	}
	if (append(&out, &len, &cap, t->source + at, t->source_len - at) < 0)
		goto oom;
	if (write_file_atomic(dst, out, len, 0600) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", dst);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	lab_err(LAB_EXIT_FAIL, "out of memory copying %s", t->path);
out:
	if (out) {
		explicit_bzero(out, len);
		free(out);
	}
	return rc;
}
