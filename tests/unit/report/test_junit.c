/* JUnit XML (lab/report/junit.c): counts, escaping, a failure's message, and a
 * document xmllint reads back with the same testcases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/fsutil.h"
#include "report/junit.h"

static int count(const char *path, const char *xpath)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "xmllint --xpath '%s' '%s' 2>/dev/null", xpath, path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int n = -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}

int main(void)
{
	const struct junit_case cases[] = {
	    {"run 1, a.yaml:13:7: outage inside the lab window (rtt)", "labctl.scenario.a", 0, NULL,
	     NULL},
	    {"run 1, a.yaml:14:7: outage within budget <rtt> & \"more\"", "labctl.scenario.a", 0,
	     "rtt 6.200 s OVER budget 0.100 s: +6.100 s\x01", NULL},
	    {"not judged", "labctl.scenario.a", 1.5, NULL, "no fault ran"},
	};
	char path[] = "/tmp/labctl-junit-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return check_done();
	close(fd);
	CHECK_INT(junit_write_file(path, "labctl run a", cases, 3, 12.25), 0);
	char *text = NULL;
	size_t len;
	CHECK_INT(read_file(path, &text, &len), 0);
	CHECK(text && strstr(text, "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" "
	                           "time=\"12.250\""));
	CHECK(text && strstr(text, "budget &lt;rtt&gt; &amp; &quot;more&quot;"));
	CHECK(text && strstr(text, "+6.100 s?\">"));
	CHECK(text && !strchr(text, '\x01'));
	free(text);
	if (system("command -v xmllint >/dev/null 2>&1") == 0) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
		CHECK_INT(system(cmd), 0);
		CHECK_INT(count(path, "count(//testsuite/testcase)"), 3);
		CHECK_INT(count(path, "count(//testcase/failure)"), 1);
		CHECK_INT(count(path, "count(//testcase/skipped)"), 1);
	} else {
		fprintf(stderr, "note: xmllint not installed, JUnit well-formedness not checked\n");
	}
	unlink(path);
	return check_done();
}
