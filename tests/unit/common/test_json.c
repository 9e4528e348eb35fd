#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../check.h"
#include "common/fsutil.h"
#include "common/journal.h"
#include "common/json.h"

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
	json_bool(&j, true);
	json_arr_end(&j);
	json_obj_end(&j);
	CHECK_STR(j.buf, "{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"i\":-5,\"d\":0.1,\"a\":[1,null,true]}");
	json_free(&j);
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

int main(void)
{
	test_escaping();
	test_journal_line();
	return check_done();
}
