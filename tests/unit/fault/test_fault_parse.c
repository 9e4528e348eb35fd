/* Fault requests as the CLI parses them, and the timer model's name for each kind:
 * no root, no lab. */
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "fault/fault.h"
#include "run/lab_view.h"

static int parse(const char *a, const char *b, const char *c, struct fault_req *r, int *used)
{
	char *argv[4] = {(char *)a, (char *)b, (char *)c, NULL};
	int argc = c ? 3 : b ? 2 : a ? 1 : 0;
	return fault_req_parse(argc, argv, r, used);
}

int main(void)
{
	struct fault_req r;
	int used;
	CHECK_INT(parse("ike-mismatch", "tun0", NULL, &r, &used), 0);
	CHECK_INT(r.kind, FAULT_IKE_MISMATCH);
	CHECK_STR(r.target, "tun0");
	CHECK_INT(used, 2);
	CHECK_INT(parse("loss", "5%", "tun1", &r, &used), 0);
	CHECK_INT(r.kind, FAULT_LOSS);
	CHECK(r.param == 5);
	CHECK_INT(used, 3);
	CHECK_INT(parse("loss", "12.5", "tun1", &r, &used), 0);
	CHECK(r.param == 12.5);
	CHECK_INT(parse("delay", "50", "tun0", &r, &used), 0);
	CHECK_INT(r.kind, FAULT_DELAY);
	CHECK_INT(parse("kill", "ali-vpn0:bgpd", NULL, &r, &used), 0);
	CHECK_STR(r.target, "ali-vpn0:bgpd");

	/* Bad input: exit code 2 and a message that names the problem. */
	CHECK(parse("wobble", "tun0", NULL, &r, &used) < 0);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "unknown fault kind 'wobble'") != NULL);
	CHECK(parse("loss", "0%", "tun0", &r, &used) < 0);
	CHECK(parse("loss", "101%", "tun0", &r, &used) < 0);
	CHECK(parse("loss", "5%x", "tun0", &r, &used) < 0);
	CHECK(parse("loss", "tun0", NULL, &r, &used) < 0);
	CHECK(parse("delay", "50%", "tun0", &r, &used) < 0);
	CHECK(parse("blackhole", NULL, NULL, &r, &used) < 0);
	CHECK(strstr(lab_err_msg(), "needs a TARGET") != NULL);
	CHECK(parse(NULL, NULL, NULL, &r, &used) < 0);
	char longname[100];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(parse("blackhole", longname, NULL, &r, &used) < 0);

	CHECK_STR(fault_kind_name(FAULT_LINK_DOWN), "link-down");
	/* The timer model's fault for each kind (the report's predicted windows). */
	CHECK_STR(lab_view_timers_fault("ike-mismatch", "tun0"), "ike-mismatch");
	CHECK_STR(lab_view_timers_fault("kill", "ali-vpn0"), "kill-charon");
	CHECK_STR(lab_view_timers_fault("kill", "ali-vpn0:charon"), "kill-charon");
	CHECK_STR(lab_view_timers_fault("kill", "azure-vpn0:bird"), "kill-speaker");
	CHECK(lab_view_timers_fault("loss", "tun0") == NULL);
	return check_done();
}
