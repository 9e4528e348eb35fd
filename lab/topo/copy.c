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

/* A relative psk_file value in the source and the absolute path it stands for. */
struct span {
	size_t off, len;
	const char *path;
	const char *tunnel;
};

static int by_offset(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The psk_file spans of tunnels and of their ends, in file order (a tunnel's own
 * key may be written after its ends). *n = how many. NULL when out of memory. */
static struct span *collect_spans(const struct topo *t, size_t *n)
{
	struct span *v = calloc(3 * t->n_tunnels + 1, sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < t->n_tunnels; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		if (tun->psk_file_span_len)
			v[(*n)++] = (struct span){tun->psk_file_span_off, tun->psk_file_span_len,
			                          tun->psk_file, tun->name};
		for (int e = 0; e < 2; e++)
			if (tun->end[e].psk_file_span_len)
				v[(*n)++] = (struct span){tun->end[e].psk_file_span_off,
				                          tun->end[e].psk_file_span_len,
				                          tun->end[e].psk_file, tun->name};
	}
	qsort(v, *n, sizeof(*v), by_offset);
	return v;
}

int topo_copy_file(const struct topo *t, const char *dst)
{
	if (!t->source)
		return lab_err(LAB_EXIT_FAIL, "topology %s has no source text to copy", t->path);
	char *out = NULL;
	size_t len = 0, cap = 0, at = 0, nspans;
	int rc = -1;
	struct span *spans = collect_spans(t, &nspans);
	if (!spans)
		goto oom;
	for (size_t i = 0; i < nspans; i++) {
		const struct span *sp = &spans[i];
		if (sp->off < at || sp->off + sp->len > t->source_len) {
			lab_err(LAB_EXIT_FAIL, "psk_file of tunnel '%s' is out of place in %s",
			        sp->tunnel, t->path);
			goto out;
		}
		if (append(&out, &len, &cap, t->source + at, sp->off - at) < 0 ||
		    append_quoted(&out, &len, &cap, sp->path) < 0)
			goto oom;
		at = sp->off + sp->len;
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
	free(spans);
	if (out) {
		explicit_bzero(out, len);
		free(out);
	}
	return rc;
}
