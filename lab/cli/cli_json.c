#include "cli/cli_json.h"

#include <stdio.h>

#include "common/err.h"

int cli_json_print(struct json *j)
{
	if (j->failed || json_fputs(j, stdout) < 0 || fflush(stdout) == EOF) {
		lab_err(LAB_EXIT_FAIL, "cannot write the JSON answer (%s)",
		        j->failed ? "out of memory building it" : "stdout failed");
		return lab_err_report();
	}
	return 0;
}
