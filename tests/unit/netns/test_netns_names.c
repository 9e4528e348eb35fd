/* netns/ without root: names that could escape /run/netns are refused before any
 * system call, and queries on missing namespaces answer plainly. */
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "netns/netns.h"

int main(void)
{
	static const char *const bad[] = {
	    "",
	    ".",
	    "..",
	    "a/b",
	    "/abs",
	    "../x",
	    "0123456789012345678901234567890123456789012345678901234567890123"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct netns *ns = NULL;
		CHECK(netns_create(bad[i], &ns) == -1 && ns == NULL);
		CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
		CHECK(strstr(lab_err_msg(), "invalid namespace name") != NULL);
		CHECK(netns_open(bad[i], &ns) == -1);
		CHECK(netns_delete(bad[i]) == -1);
		CHECK(!netns_exists(bad[i]));
	}
	CHECK(!netns_exists("labctl-unit-surely-absent"));
	/* idempotent: deleting what is not there is not an error (needs no root) */
	CHECK(netns_delete("labctl-unit-surely-absent") == 0);
	const char *none[] = {"labctl-unit-absent-1", "labctl-unit-absent-2"};
	CHECK(netns_delete_many(none, 2) == 0);
	return check_done();
}
