/* JUnit XML (junit.h). */
#include "report/junit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"

static void esc(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 allows tab, newline and carriage return below 0x20 only */
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				fputc('?', f);
			else
				fputc(*p, f);
		}
	}
}

int junit_write(FILE *f, const char *suite, const struct junit_case *cases, size_t n, double time_s)
{
	size_t failures = 0, skipped = 0;
	for (size_t i = 0; i < n; i++) {
		failures += cases[i].failure != NULL;
		skipped += !cases[i].failure && cases[i].skipped != NULL;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"", f);
	esc(f, suite);
	fprintf(f,
	        "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
	        n, failures, skipped, time_s);
	for (size_t i = 0; i < n; i++) {
		const struct junit_case *c = &cases[i];
		fputs("    <testcase name=\"", f);
		esc(f, c->name);
		fputs("\" classname=\"", f);
		esc(f, c->classname);
		fprintf(f, "\" time=\"%.3f\"", c->time_s);
		if (c->failure) {
			fputs(">\n      <failure message=\"", f);
			esc(f, c->failure);
			fputs("\">", f);
			esc(f, c->failure);
			fputs("</failure>\n    </testcase>\n", f);
		} else if (c->skipped) {
			fputs(">\n      <skipped message=\"", f);
			esc(f, c->skipped);
			fputs("\"/>\n    </testcase>\n", f);
		} else {
			fputs("/>\n", f);
		}
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}

int junit_write_file(const char *path, const char *suite, const struct junit_case *cases, size_t n,
                     double time_s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "JUnit for %s", path);
	int rc = junit_write(f, suite, cases, n, time_s);
	if (fclose(f) != 0 || rc < 0) {
		free(buf);
		return lab_err(LAB_EXIT_FAIL, "out of memory writing JUnit for %s", path);
	}
	rc = 0;
	if (write_file_atomic(path, buf, len, 0644) < 0)
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", path);
	free(buf);
	return rc;
}
