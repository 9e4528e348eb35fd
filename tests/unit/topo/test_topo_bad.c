/* The corpus of bad topologies: each file ends with "# expect: LINE:COL: message"
 * lines, exactly the diagnostics topo_load must report, in order ($DIR stands for
 * the corpus directory). A load that reports more, fewer or other problems, or that
 * hands out a topology, fails the test. A file with a "# needs: strongswan" line
 * (bad IKE/ESP proposals) is judged by the installed strongSwan's parser: on a
 * machine without it, that file is skipped with the reason, the rest still run. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../../bad_corpus.h"
#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo.h"

static int skipped;

static void check_file(const char *dir, const char *name)
{
	char path[4096], *text = NULL;
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(read_file(path, &text, &len) == 0);
	if (!text)
		return;
	const char *unchecked = topo_proposals_unchecked();
	if (strstr(text, "\n# needs: strongswan\n") && unchecked) {
		fprintf(stderr, "%s: skipped: %s\n", name, unchecked);
		skipped++;
		free(text);
		return;
	}
	struct topo *t = (struct topo *)0x1; /* must stay untouched on failure */
	struct topo_diags d = {0};
	lab_err_clear();
	int r = topo_load(path, &t, &d);
	CHECK_INT(r, -1);
	CHECK(t == (struct topo *)0x1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	bad_corpus_compare(dir, name, text, &d);
	topo_diags_free(&d);
	free(text);
}

int main(int argc, char **argv)
{
	/* absolute, as psk_file paths in messages are */
	char *dir = realpath(argc > 1 ? argv[1] : LABCTL_SOURCE_ROOT "/tests/unit/topo/bad", NULL);
	CHECK(dir != NULL);
	if (!dir)
		return check_done();
	bad_corpus_each(dir, 20, check_file);
	free(dir);
	if (skipped)
		fprintf(stderr, "%d file%s skipped: IKE/ESP proposals cannot be checked here\n",
		        skipped, skipped == 1 ? "" : "s");
	return check_done();
}
