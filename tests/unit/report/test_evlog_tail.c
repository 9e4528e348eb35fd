/* evlog_add_file_tail: a journal read as it grows, the way the experiment polls the
 * probes' journals, must give the same events as reading it whole once it is
 * complete; a line half written is left for the next read, and a replaced (shorter)
 * journal is reported rather than misread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "report/evlog.h"

static char path[64];

static void append(const char *text)
{
	FILE *f = fopen(path, "a");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

#define LINE(t, seq)                                                                               \
	"{\"t\":" #t ",\"src\":\"probe\",\"ev\":\"send\",\"probe\":\"p\",\"dir\":\"fwd\","         \
	"\"flow\":0,\"seq\":" #seq "}\n"

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/evlog-tail-%d.jsonl", (int)getpid());
	unlink(path);
	struct evlog l;
	evlog_init(&l);
	long off = 0;

	append(LINE(100, 1) LINE(300, 3));
	append("{\"t\":200,\"src\":\"probe\",\"ev\":\"se"); /* being written */
	CHECK_INT(evlog_add_file_tail(&l, path, "h", &off), 0);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.bad_lines, 0);
	CHECK_INT(off, (long)(2 * strlen(LINE(100, 1))));
	CHECK(l.unsorted);

	/* The rest of that line, and one more; then nothing new. */
	append("nd\",\"probe\":\"p\",\"dir\":\"fwd\",\"flow\":0,\"seq\":2}\n" LINE(400, 4));
	CHECK_INT(evlog_add_file_tail(&l, path, "h", &off), 0);
	CHECK_INT(l.n, 4);
	CHECK_INT(l.bad_lines, 0);
	evlog_sort(&l);
	CHECK(!l.unsorted);
	CHECK_INT(evlog_add_file_tail(&l, path, "h", &off), 0);
	CHECK_INT(l.n, 4);
	CHECK(!l.unsorted);
	int64_t want[] = {100, 200, 300, 400};
	for (size_t i = 0; i < 4 && i < l.n; i++) {
		CHECK_INT(l.v[i].t, want[i]);
		CHECK_STR(l.v[i].node, "h");
	}

	/* Read whole, the same events in the same order. */
	struct evlog whole;
	evlog_init(&whole);
	CHECK_INT(evlog_add_file(&whole, path, "h"), 0);
	evlog_sort(&whole);
	CHECK_INT(whole.n, l.n);
	for (size_t i = 0; i < whole.n && i < l.n; i++)
		CHECK_INT(whole.v[i].t, l.v[i].t);
	evlog_free(&whole);

	/* Replaced by a shorter journal: 1, nothing read, offset kept for the caller. */
	unlink(path);
	append(LINE(500, 1));
	long before = off;
	CHECK_INT(evlog_add_file_tail(&l, path, "h", &off), 1);
	CHECK_INT(off, before);
	CHECK_INT(l.n, 4);

	/* A journal that is gone is an error, with its name. */
	unlink(path);
	CHECK_INT(evlog_add_file_tail(&l, path, "h", &off), -1);

	evlog_free(&l);
	return check_done();
}
