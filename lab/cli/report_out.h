/* Writing a built report where the options say: text to stdout (unless JSON goes
 * there), JSON to a file or "-", the SVG timeline of one run to a file. Shared by
 * `labctl report` and `labctl failover`. */
#ifndef LAB_CLI_REPORT_OUT_H
#define LAB_CLI_REPORT_OUT_H

#include <stddef.h>

#include "report/report.h"

/* run: 1-based run for the SVG, 0 = the last. 0 or -1 with lab_err set. */
int report_write(const struct report *r, const char *json_path, const char *svg_path, size_t run);

#endif
