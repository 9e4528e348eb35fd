/* Topology diagnostics: collected, sorted by position, printed like a compiler's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_int.h"

void topo_diag_add(struct topo_diags *d, const char *file, struct topo_pos pos, const char *fmt,
                   ...)
{
	if (!d)
		return;
	struct topo_diag *v = realloc(d->v, (d->n + 1) * sizeof(*v));
	if (!v)
		return; /* the caller still fails; only this line is lost */
	d->v = v;
	struct topo_diag *g = &d->v[d->n];
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&g->msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	g->file = strdup(file ? file : "");
	if (!g->file) {
		free(g->msg);
		return;
	}
	g->pos = pos;
	d->n++;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct topo_diag *x = a, *y = b;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return 0;
}

/* Stable: equal positions keep the order they were found in (insertion sort is
 * fine for the few dozen diagnostics a file produces). */
void topo_diags_sort(struct topo_diags *d)
{
	for (size_t i = 1; i < d->n; i++) {
		struct topo_diag tmp = d->v[i];
		size_t j = i;
		while (j > 0 && diag_cmp(&d->v[j - 1], &tmp) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = tmp;
	}
}

void topo_diags_free(struct topo_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

void topo_diags_print(const struct topo_diags *d, FILE *f)
{
	for (size_t i = 0; d && i < d->n; i++) {
		const struct topo_diag *g = &d->v[i];
		if (g->pos.line)
			fprintf(f, "%s:%u:%u: error: %s\n", g->file, g->pos.line, g->pos.col,
			        g->msg);
		else
			fprintf(f, "%s: error: %s\n", g->file, g->msg);
	}
}
