/* A corpus of bad input files: each ends with "# expect: LINE:COL: message" lines,
 * exactly the diagnostics its loader must report, in order ($DIR stands for the
 * corpus directory). Shared by the topology and the scenario corpora, whose loaders
 * report through the same struct topo_diags. */
#ifndef LAB_TESTS_BAD_CORPUS_H
#define LAB_TESTS_BAD_CORPUS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "topo/topo.h"

#define BAD_CORPUS_EXPECT "# expect: "

static inline char *bad_corpus_subst_dir(const char *line, const char *dir)
{
	const char *p = strstr(line, "$DIR");
	char *out;
	if (!p)
		return strdup(line);
	if (asprintf(&out, "%.*s%s%s", (int)(p - line), line, dir, p + 4) < 0)
		return NULL;
	return out;
}

/* The diagnostics d of file name (its text, which this consumes) against its
 * "# expect:" lines: the same, in the same order, and at least one. */
static inline void bad_corpus_compare(const char *dir, const char *name, char *text,
                                      const struct topo_diags *d)
{
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, BAD_CORPUS_EXPECT, strlen(BAD_CORPUS_EXPECT)))
			continue;
		char *want = bad_corpus_subst_dir(line + strlen(BAD_CORPUS_EXPECT), dir);
		char got[2048] = "(none)";
		if (n < d->n)
			snprintf(got, sizeof(got), "%u:%u: %s", d->v[n].pos.line, d->v[n].pos.col,
			         d->v[n].msg);
		if (!want || strcmp(got, want))
			fprintf(stderr, "%s: diagnostic %zu differs\n", name, n + 1);
		CHECK_STR(got, want);
		free(want);
		n++;
	}
	if (n == 0)
		fprintf(stderr, "%s: no '# expect:' lines\n", name);
	CHECK(n > 0);
	if (d->n != n) {
		fprintf(stderr, "%s: %zu diagnostics, expected %zu:\n", name, d->n, n);
		topo_diags_print(d, stderr);
	}
	CHECK_INT(d->n, n);
}

static inline int bad_corpus_by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static inline int bad_corpus_is_yaml(const struct dirent *e)
{
	size_t l = strlen(e->d_name);
	return l > 5 && !strcmp(e->d_name + l - 5, ".yaml");
}

/* Calls check(dir, name) for every *.yaml in dir, in name order; fails when there
 * are fewer than at_least (a corpus that went missing must not pass). */
static inline void bad_corpus_each(const char *dir, int at_least,
                                   void (*check)(const char *dir, const char *name))
{
	struct dirent **list;
	int n = scandir(dir, &list, bad_corpus_is_yaml, bad_corpus_by_name);
	CHECK(n >= at_least);
	for (int i = 0; i < n; i++) {
		check(dir, list[i]->d_name);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

#endif
