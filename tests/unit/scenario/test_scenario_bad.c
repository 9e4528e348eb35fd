/* The corpus of bad scenarios (as tests/unit/topo/bad for topologies): each file ends with "#
 * expect: LINE:COL: message" lines, exactly the diagnostics scenario_load must report, in order
 * ($DIR stands for the corpus directory). A load that reports more, fewer or other problems, or
 * that hands out a scenario, fails the test. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "scenario/scenario.h"

#define EXPECT "# expect: "

static char *subst_dir(const char *line, const char *dir)
{
	const char *p = strstr(line, "$DIR");
	char *out;
	if (!p)
		return strdup(line);
	if (asprintf(&out, "%.*s%s%s", (int)(p - line), line, dir, p + 4) < 0)
		return NULL;
	return out;
}

static void check_file(const char *dir, const char *name)
{
	char path[4096], *text = NULL;
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(read_file(path, &text, &len) == 0);
	if (!text)
		return;
	struct scenario *t = (struct scenario *)0x1; /* must stay untouched on failure */
	struct topo_diags d = {0};
	lab_err_clear();
	int r = scenario_load(path, &t, &d);
	CHECK_INT(r, -1);
	CHECK(t == (struct scenario *)0x1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, EXPECT, strlen(EXPECT)))
			continue;
		char *want = subst_dir(line + strlen(EXPECT), dir), got[2048] = "(none)";
		if (n < d.n)
			snprintf(got, sizeof(got), "%u:%u: %s", d.v[n].pos.line, d.v[n].pos.col,
			         d.v[n].msg);
		if (!want || strcmp(got, want))
			fprintf(stderr, "%s: diagnostic %zu differs\n", name, n + 1);
		CHECK_STR(got, want);
		free(want);
		n++;
	}
	if (n == 0)
		fprintf(stderr, "%s: no '# expect:' lines\n", name);
	CHECK(n > 0);
	if (d.n != n) {
		fprintf(stderr, "%s: %zu diagnostics, expected %zu:\n", name, d.n, n);
		topo_diags_print(&d, stderr);
	}
	CHECK_INT(d.n, n);
	topo_diags_free(&d);
	free(text);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_yaml(const struct dirent *e)
{
	size_t l = strlen(e->d_name);
	return l > 5 && !strcmp(e->d_name + l - 5, ".yaml");
}

int main(int argc, char **argv)
{
	/* absolute, as psk_file paths in messages are */
	char *dir =
	    realpath(argc > 1 ? argv[1] : LABCTL_SOURCE_ROOT "/tests/unit/scenario/bad", NULL);
	CHECK(dir != NULL);
	if (!dir)
		return check_done();
	struct dirent **list;
	int n = scandir(dir, &list, is_yaml, by_name);
	CHECK(n >= 12);
	for (int i = 0; i < n; i++) {
		check_file(dir, list[i]->d_name);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	free(dir);
	return check_done();
}
