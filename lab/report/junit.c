#include "report/junit.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"

int junit_init(struct junit *j, const char *name)
{
	memset(j, 0, sizeof(*j));
	if (!(j->name = strdup(name)))
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	return 0;
}

int junit_suite(struct junit *j, const char *fmt, ...)
{
	struct junit_suite *v = realloc(j->suites, (j->n + 1) * sizeof(*v));
	if (!v)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	j->suites = v;
	struct junit_suite *s = &v[j->n];
	memset(s, 0, sizeof(*s));
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s->name, fmt, ap);
	va_end(ap);
	if (r < 0)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	j->n++;
	return 0;
}

int junit_case(struct junit *j, const char *classname, const char *name,
	       enum junit_status status, const char *fmt, ...)
{
	if (!j->n && junit_suite(j, "%s", j->name) < 0)
		return -1;
	struct junit_suite *s = &j->suites[j->n - 1];
	struct junit_case *v = realloc(s->cases, (s->n + 1) * sizeof(*v));
	if (!v)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	s->cases = v;
	struct junit_case *c = &v[s->n];
	memset(c, 0, sizeof(*c));
	c->status = status;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&c->message, fmt, ap);
	va_end(ap);
	if (r < 0)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	if (!(c->classname = strdup(classname)) || !(c->name = strdup(name))) {
		free(c->classname);
		free(c->message);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	s->n++;
	return 0;
}

static size_t suite_count(const struct junit_suite *s, enum junit_status st)
{
	size_t f = 0;
	for (size_t i = 0; i < s->n; i++)
		f += s->cases[i].status == st;
	return f;
}

size_t junit_count(const struct junit *j, size_t *failures, size_t *skipped)
{
	size_t n = 0, f = 0, k = 0;
	for (size_t i = 0; i < j->n; i++) {
		n += j->suites[i].n;
		f += suite_count(&j->suites[i], JUNIT_FAIL);
		k += suite_count(&j->suites[i], JUNIT_SKIP);
	}
	if (failures)
		*failures = f;
	if (skipped)
		*skipped = k;
	return n;
}

/* xmlwriter calls return < 0 on failure; one flag collects them. */
#define W(call)                                                                                    \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			bad = true;                                                                \
	} while (0)

static bool write_case(xmlTextWriterPtr w, const struct junit_case *c)
{
	bool bad = false;
	W(xmlTextWriterStartElement(w, BAD_CAST "testcase"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST c->classname));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST c->name));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST "0"));
	if (c->status != JUNIT_PASS) {
		bool fail = c->status == JUNIT_FAIL;
		W(xmlTextWriterStartElement(w, BAD_CAST(fail ? "failure" : "skipped")));
		if (fail)
			W(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "labctl"));
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST c->message));
		if (fail)
			W(xmlTextWriterWriteString(w, BAD_CAST c->message));
		W(xmlTextWriterEndElement(w));
	} else {
		W(xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST c->message));
	}
	W(xmlTextWriterEndElement(w));
	return !bad;
}

static bool write_doc(xmlTextWriterPtr w, const struct junit *j)
{
	bool bad = false;
	size_t f, k, n = junit_count(j, &f, &k);
	W(xmlTextWriterSetIndent(w, 1));
	W(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL));
	W(xmlTextWriterStartElement(w, BAD_CAST "testsuites"));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST j->name));
	W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%zu", n));
	W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%zu", f));
	W(xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0"));
	W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%zu", k));
	for (size_t i = 0; i < j->n && !bad; i++) {
		const struct junit_suite *s = &j->suites[i];
		W(xmlTextWriterStartElement(w, BAD_CAST "testsuite"));
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST s->name));
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%zu", s->n));
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%zu",
						    suite_count(s, JUNIT_FAIL)));
		W(xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0"));
		W(xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%zu",
						    suite_count(s, JUNIT_SKIP)));
		for (size_t k = 0; k < s->n && !bad; k++)
			bad |= !write_case(w, &s->cases[k]);
		W(xmlTextWriterEndElement(w));
	}
	W(xmlTextWriterEndDocument(w));
	return !bad;
}

int junit_write(const struct junit *j, const char *path)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	if (!w) {
		if (buf)
			xmlBufferFree(buf);
		return lab_err(LAB_EXIT_FAIL, "out of memory writing JUnit XML");
	}
	bool ok = write_doc(w, j);
	xmlFreeTextWriter(w); /* flushes into buf */
	int rc = 0;
	const char *text = (const char *)xmlBufferContent(buf);
	size_t len = (size_t)xmlBufferLength(buf);
	if (!ok)
		rc = lab_err(LAB_EXIT_FAIL, "cannot build the JUnit XML for %s (a text that is not "
					    "UTF-8?)", path);
	else if (!strcmp(path, "-"))
		rc = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0
			     ? 0
			     : lab_err_errno(LAB_EXIT_FAIL, errno, "writing JUnit XML to stdout");
	else if (write_file_atomic(path, text, len, 0644) < 0)
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", path);
	xmlBufferFree(buf);
	return rc;
}

void junit_free(struct junit *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct junit_suite *s = &j->suites[i];
		for (size_t k = 0; k < s->n; k++) {
			free(s->cases[k].classname);
			free(s->cases[k].name);
			free(s->cases[k].message);
		}
		free(s->cases);
		free(s->name);
	}
	free(j->suites);
	free(j->name);
	memset(j, 0, sizeof(*j));
}
