#include "cli/report_out.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/json.h"

int report_write(const struct report *r, const char *json_path, const char *svg_path, size_t run)
{
	bool json_stdout = json_path && !strcmp(json_path, "-");
	if (!json_stdout)
		report_text(r, stdout);
	if (json_path) {
		struct json j;
		json_init(&j);
		report_json(r, &j);
		size_t len;
		const char *text = json_line(&j, &len);
		int rc = 0;
		if (!text)
			rc = lab_err(LAB_EXIT_FAIL, "out of memory writing the JSON report");
		else if (json_stdout)
			rc = fwrite(text, 1, len, stdout) == len ? 0 : -1;
		else if (write_file_atomic(json_path, text, len, 0644) < 0)
			rc = lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", json_path);
		json_free(&j);
		if (rc < 0)
			return -1;
	}
	if (svg_path) {
		if (!r->n_runs)
			return lab_err(LAB_EXIT_FAIL, "no SVG: no fault was injected in lab %s",
			               r->lab);
		size_t idx = run ? run - 1 : r->n_runs - 1;
		FILE *f = fopen(svg_path, "we");
		if (!f)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s", svg_path);
		int rc = report_svg(r, idx, f);
		if (fclose(f) != 0 && rc == 0)
			rc = lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", svg_path);
		if (rc < 0)
			return -1;
		if (!json_stdout)
			printf("timeline of run %zu: %s\n", idx + 1, svg_path);
	}
	return 0;
}
