/* common/json (the builder on json-c), journal lines, and common/json_read (parsing
 * what other processes wrote). */
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/journal.h"
#include "common/json.h"
#include "common/json_read.h"

static const char *out(struct json *j)
{
	size_t len;
	const char *s = json_out(j, &len);
	CHECK(s == NULL || strlen(s) == len);
	return s ? s : "(failed)";
}

static void test_escaping(void)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "s", "a\"b\\c\nd\x01");
	json_kv_int(&j, "i", -5);
	json_kv_double(&j, "d", 0.1);
	json_key(&j, "a");
	json_arr_begin(&j);
	json_int(&j, 1);
	json_null(&j);
	json_boolean(&j, true);
	json_arr_end(&j);
	json_obj_end(&j);
	CHECK_STR(out(&j),
	          "{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"i\":-5,\"d\":0.1,\"a\":[1,null,true]}");
	json_free(&j);
}

/* The byte forms the goldens and docs show: integral doubles without ".0", 12
 * significant digits, non-finite as null, '/' and UTF-8 unescaped, members in the
 * order written. */
static void test_formats(void)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "z", "10.0.0.0/8 \xc3\xa9");
	json_kv_double(&j, "three", 3.0);
	json_kv_double(&j, "neg0", -0.0);
	json_kv_double(&j, "third", 1.0 / 3);
	json_kv_double(&j, "tiny", 1e-7);
	json_kv_double(&j, "nan", NAN);
	json_kv_double(&j, "inf", -INFINITY);
	json_kv_uint(&j, "umax", UINT64_MAX);
	json_kv_int(&j, "imin", INT64_MIN);
	json_kv_bool(&j, "f", false);
	json_kv_str(&j, "null_str", NULL);
	json_key(&j, "o");
	json_obj_begin(&j);
	json_obj_end(&j);
	json_key(&j, "l");
	json_arr_begin(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	CHECK_STR(out(&j),
	          "{\"z\":\"10.0.0.0/8 \xc3\xa9\",\"three\":3,\"neg0\":-0,"
	          "\"third\":0.333333333333,\"tiny\":1e-07,\"nan\":null,\"inf\":null,"
	          "\"umax\":18446744073709551615,\"imin\":-9223372036854775808,\"f\":false,"
	          "\"null_str\":\"\",\"o\":{},\"l\":[]}");
	/* reset reuses the builder; json_line adds the newline */
	json_reset(&j);
	json_arr_begin(&j);
	json_str(&j, "x");
	json_arr_end(&j);
	size_t len;
	CHECK_STR(json_line(&j, &len), "[\"x\"]\n");
	CHECK_INT(len, 6);
	json_free(&j);
}

/* Misuse is sticky and yields no text, never half a document. */
static void test_misuse(void)
{
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_int(&j, 1); /* a member without a name */
	json_obj_end(&j);
	CHECK_STR(out(&j), "(failed)");
	json_reset(&j);
	json_obj_begin(&j); /* still open */
	CHECK_STR(out(&j), "(failed)");
	json_reset(&j);
	json_int(&j, 1);
	json_int(&j, 2); /* two top-level values */
	CHECK_STR(out(&j), "(failed)");
	json_reset(&j);
	json_arr_begin(&j);
	json_obj_end(&j); /* mismatched */
	CHECK_STR(out(&j), "(failed)");
	json_reset(&j);
	for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_arr_begin(&j);
	CHECK(j.failed);
	json_reset(&j);
	char longkey[JSON_KEY_MAX + 1];
	memset(longkey, 'k', JSON_KEY_MAX);
	longkey[JSON_KEY_MAX] = '\0';
	json_obj_begin(&j);
	json_kv_int(&j, longkey, 1);
	json_obj_end(&j);
	CHECK_STR(out(&j), "(failed)");
	json_reset(&j);
	CHECK_STR(out(&j), "(failed)"); /* nothing built */
	json_free(&j);
}

/* Documents of changing shape through one reused builder (which overwrites the
 * previous object's members in place) come out exactly as from a fresh builder. */
static void shape(struct json *j, int k)
{
	json_obj_begin(j);
	json_kv_int(j, "t", 100 + k);
	json_kv_str(j, "ev", k % 2 ? "send" : "a much longer event name than before");
	switch (k) {
	case 0:
		json_kv_int(j, "seq", 1);
		json_kv_str(j, "dir", "fwd");
		break;
	case 1:
		json_kv_int(j, "seq", 2);
		json_kv_str(j, "dir", "rev");
		break;                           /* same shape */
	case 2: json_kv_int(j, "seq", 3); break; /* shorter */
	case 3: /* longer, a type change, a null, a double, a nested array */
		json_kv_str(j, "seq", "x");
		json_kv_str(j, "dir", "fwd");
		json_kv_double(j, "d", 0.5);
		json_key(j, "n");
		json_null(j);
		json_key(j, "hops");
		json_arr_begin(j);
		json_str(j, "10.0.0.1");
		json_arr_end(j);
		break;
	case 4: /* the same names, other order and values */
		json_kv_str(j, "dir", "rev");
		json_kv_int(j, "seq", -4);
		json_kv_bool(j, "d", true);
		json_key(j, "n");
		json_arr_begin(j);
		json_arr_end(j);
		json_kv_uint(j, "hops", UINT64_MAX);
		break;
	case 5: break; /* only the first two */
	case 6:
		json_kv_str(j, "seq", "y");
		json_kv_bool(j, "dir", false);
		break;
	}
	json_obj_end(j);
}

static void test_reuse(void)
{
	struct json reused;
	json_init(&reused);
	for (int round = 0; round < 2; round++)
		for (int k = 0; k < 7; k++) {
			struct json fresh;
			json_init(&fresh);
			shape(&fresh, k);
			json_reset(&reused);
			shape(&reused, k);
			char want[512];
			snprintf(want, sizeof(want), "%s", out(&fresh));
			CHECK_STR(out(&reused), want);
			json_free(&fresh);
		}
	/* a failed document is not recycled; an array root is not either */
	json_reset(&reused);
	json_obj_begin(&reused);
	json_int(&reused, 1);
	CHECK(reused.failed);
	json_reset(&reused);
	json_arr_begin(&reused);
	json_arr_end(&reused);
	CHECK_STR(out(&reused), "[]");
	json_reset(&reused);
	shape(&reused, 3);
	CHECK_STR(out(&reused),
	          "{\"t\":103,\"ev\":\"send\",\"seq\":\"x\",\"dir\":\"fwd\",\"d\":0.5,"
	          "\"n\":null,\"hops\":[\"10.0.0.1\"]}");
	json_free(&reused);
}

static void test_journal_line(void)
{
	char dir[] = "/tmp/labctl-test-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE);
	int fd = journal_open(path);
	CHECK(fd >= 0);
	struct json j;
	json_init(&j);
	journal_begin(&j, 42, "lab", "up");
	json_kv_str(&j, "node", "ecs");
	CHECK_INT(journal_write(fd, &j), 0);
	journal_begin(&j, 43, "lab", "down");
	CHECK_INT(journal_write(fd, &j), 0);
	close(fd);
	char *text;
	CHECK_INT(read_file(path, &text, NULL), 0);
	CHECK_STR(text, "{\"t\":42,\"src\":\"lab\",\"ev\":\"up\",\"node\":\"ecs\"}\n"
	                "{\"t\":43,\"src\":\"lab\",\"ev\":\"down\"}\n");
	free(text);
	json_free(&j);
	CHECK_INT(remove_tree(dir), 0);
	CHECK(!path_exists(dir));
}

static void test_reader(void)
{
	const char *doc = " {\"s\":\"a\\\"b\\\\c\\/\\b\\f\\n\\u00e9\\ud83d\\ude00\",\"n\":-1.5e2,"
	                  "\"i\":7,\"e\":{},\"l\":[]} \n";
	struct json_object *t = json_parse(doc, strlen(doc), "doc");
	CHECK(t != NULL);
	CHECK_STR(json_get_str(t, "s"), "a\"b\\c/\b\f\n\xc3\xa9\xf0\x9f\x98\x80");
	double d = 0;
	int64_t i = 0;
	CHECK(json_get_num(t, "n", &d) && d == -150.0);
	CHECK(!json_get_int(t, "n", &i)); /* a double is not an integer */
	CHECK(json_get_int(t, "i", &i) && i == 7);
	CHECK(json_object_is_type(json_get(t, "e"), json_type_object));
	CHECK(json_object_array_length(json_get(t, "l")) == 0);
	CHECK(json_get_str(t, "n") == NULL);
	CHECK(json_get(t, "missing") == NULL);
	CHECK(json_get(json_get(t, "l"), "x") == NULL); /* not an object */
	json_object_put(t);

	/* len bounds the text: the rest of the buffer is not read */
	t = json_parse("[1]garbage", 3, "doc");
	CHECK(json_object_is_type(t, json_type_array));
	json_object_put(t);
	/* a scalar at the very end of the text is complete */
	t = json_parse("42", 2, "doc");
	CHECK(json_object_is_type(t, json_type_int) && json_object_get_int64(t) == 42);
	json_object_put(t);

	static const char *const bad[] = {"",      "{",    "[1,]", "{\"a\" 1}",
	                                  "\"x",   "tru",  "{} x", "\"\\q\"",
	                                  "[1 2]", "null", "[1]]", "{\"t\":1"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		t = json_parse(bad[k], strlen(bad[k]), "doc.json");
		CHECK(t == NULL);
		if (t)
			fprintf(stderr, "accepted: %s\n", bad[k]);
		json_object_put(t);
		CHECK(strstr(lab_err_msg(), "doc.json: ") == lab_err_msg());
		lab_err_clear();
	}
	/* nesting is bounded, not a stack overflow */
	char deep[200];
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	CHECK(json_parse(deep, strlen(deep), "deep") == NULL);
	lab_err_clear();
}

int main(void)
{
	test_escaping();
	test_formats();
	test_misuse();
	test_reuse();
	test_journal_line();
	test_reader();
	return check_done();
}
