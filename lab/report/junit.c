#include "report/junit.h"

#include <errno.h>
#include <libxml/chvalid.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"

/* A copy of s that XML 1.0 can carry: invalid UTF-8 and characters outside the
 * Char production (control characters) become '?'. */
static xmlChar *clean(const char *s)
{
	size_t n = strlen(s ? s : "");
	unsigned char *out = malloc(n + 1), *o = out;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	if (!out)
		return NULL;
	while (*p) {
		int len = (int)strnlen((const char *)p, 4);
		int c = xmlGetUTF8Char(p, &len);
		if (c < 0 || !xmlIsCharQ(c)) {
			*o++ = '?';
			p++;
			continue;
		}
		memcpy(o, p, (size_t)len);
		o += len;
		p += len;
	}
	*o = 0;
	return out;
}

struct wr {
	xmlTextWriterPtr w;
	bool bad;
};

static void attr(struct wr *x, const char *name, const char *value)
{
	xmlChar *v = clean(value);
	if (!v || xmlTextWriterWriteAttribute(x->w, BAD_CAST name, v) < 0)
		x->bad = true;
	free(v);
}

static void attr_fmt(struct wr *x, const char *name, const char *fmt, double v)
{
	char b[64];
	snprintf(b, sizeof(b), fmt, v);
	attr(x, name, b);
}

static void begin(struct wr *x, const char *el)
{
	if (xmlTextWriterStartElement(x->w, BAD_CAST el) < 0)
		x->bad = true;
}

static void end(struct wr *x)
{
	if (xmlTextWriterEndElement(x->w) < 0)
		x->bad = true;
}

static void write_case(struct wr *x, const struct junit_case *c)
{
	begin(x, "testcase");
	attr(x, "classname", c->classname);
	attr(x, "name", c->name);
	attr_fmt(x, "time", "%.3f", c->time_s > 0 ? c->time_s : 0);
	if (c->skipped) {
		begin(x, "skipped");
		attr(x, "message", c->skipped);
		end(x);
	}
	if (c->failure) {
		begin(x, "failure");
		attr(x, "type", "labctl");
		attr(x, "message", c->failure);
		xmlChar *t = clean(c->failure);
		if (!t || xmlTextWriterWriteString(x->w, t) < 0)
			x->bad = true;
		free(t);
		end(x);
	}
	end(x);
}

static void write_doc(struct wr *x, const char *suite, const struct junit_case *cases, size_t n,
                      double time_s)
{
	size_t fails = 0, skips = 0;
	for (size_t i = 0; i < n; i++) {
		fails += cases[i].failure != NULL;
		skips += cases[i].skipped != NULL && !cases[i].failure;
	}
	if (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0)
		x->bad = true;
	begin(x, "testsuites");
	attr(x, "name", suite);
	for (int level = 0; level < 2; level++) {
		/* the same counts on <testsuites> and on its one <testsuite> */
		if (level) {
			begin(x, "testsuite");
			attr(x, "name", suite);
		}
		attr_fmt(x, "tests", "%.0f", (double)n);
		attr_fmt(x, "failures", "%.0f", (double)fails);
		attr(x, "errors", "0");
		attr_fmt(x, "skipped", "%.0f", (double)skips);
		attr_fmt(x, "time", "%.3f", time_s > 0 ? time_s : 0);
	}
	for (size_t i = 0; i < n && !x->bad; i++)
		write_case(x, &cases[i]);
	end(x);
	end(x);
	if (xmlTextWriterEndDocument(x->w) < 0)
		x->bad = true;
}

/* The document in memory: a malloc'd string, or NULL. */
static char *render(const char *suite, const struct junit_case *cases, size_t n, double time_s,
                    size_t *len)
{
	xmlBufferPtr buf = xmlBufferCreate();
	struct wr x = {.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL};
	char *out = NULL;
	if (x.w) {
		write_doc(&x, suite, cases, n, time_s);
		xmlFreeTextWriter(x.w); /* flushes into buf */
		if (!x.bad) {
			*len = (size_t)xmlBufferLength(buf);
			out = malloc(*len + 1);
			if (out)
				memcpy(out, xmlBufferContent(buf), *len + 1);
		}
	}
	if (buf)
		xmlBufferFree(buf);
	return out;
}

int junit_write(FILE *f, const char *suite, const struct junit_case *cases, size_t n, double time_s)
{
	size_t len = 0;
	char *doc = render(suite, cases, n, time_s, &len);
	if (!doc) {
		errno = ENOMEM;
		return -1;
	}
	int rc = fwrite(doc, 1, len, f) == len ? 0 : -1;
	free(doc);
	return rc;
}

int junit_write_file(const char *path, const char *suite, const struct junit_case *cases, size_t n,
                     double time_s)
{
	size_t len = 0;
	char *doc = render(suite, cases, n, time_s, &len);
	if (!doc)
		return lab_err(LAB_EXIT_FAIL, "out of memory writing JUnit XML for %s", path);
	int rc = 0;
	if (write_file_atomic(path, doc, len, 0644) < 0)
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", path);
	free(doc);
	return rc;
}
