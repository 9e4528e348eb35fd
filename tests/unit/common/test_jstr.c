/* common/jstr: finding a JSON string's end and unescaping it (shared by the jtree
 * document reader and the journal reader). */
#include <string.h>

#include "../../check.h"
#include "common/jstr.h"

static void ends(void)
{
	CHECK_INT(jstr_end("abc\"rest", 8), 3);
	CHECK_INT(jstr_end("a\\\"b\"", 5), 4);   /* an escaped quote does not close */
	CHECK_INT(jstr_end("abc", 3), -1);        /* unterminated */
	CHECK_INT(jstr_end("ab\"", 2), -1);       /* the quote lies beyond len */
	CHECK_INT(jstr_end("ab\0\"", 4), -1);     /* a NUL ends the text */
	CHECK_INT(jstr_end("a\\", 2), -1);        /* a lone backslash at the end */
}

static void unescape(void)
{
	char out[64];
	const char *why = NULL;
	size_t at = 0;
	const char *s = "a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00";
	ssize_t n = jstr_unescape(s, strlen(s), out, &why, &at);
	CHECK_STR(out, "a\"b\\c/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
	CHECK_INT(n, (ssize_t)strlen(out));
	CHECK_INT(jstr_unescape("ab", 2, out, &why, &at), 2);
	CHECK_STR(out, "ab");
	CHECK_INT(jstr_unescape("", 0, out, &why, &at), 0);

	CHECK_INT(jstr_unescape("ab\x01", 3, out, &why, &at), -1);
	CHECK_STR(why, "control character in string");
	CHECK_INT(at, 2);
	CHECK_INT(jstr_unescape("a\\x", 3, out, &why, &at), -1);
	CHECK_STR(why, "bad escape");
	CHECK_INT(at, 1);
	CHECK_INT(jstr_unescape("\\u12g4", 6, out, &why, &at), -1);
	CHECK_STR(why, "bad \\u escape");
	CHECK_INT(jstr_unescape("\\u12", 4, out, &why, &at), -1); /* cut short by len */
	CHECK_INT(jstr_unescape("x\\", 2, out, &why, &at), -1);
}

int main(void)
{
	ends();
	unescape();
	return check_done();
}
