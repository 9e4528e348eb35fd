/* The last step of every `--json` answer: the one document on stdout. */
#ifndef LAB_CLI_CLI_JSON_H
#define LAB_CLI_CLI_JSON_H

#include "common/json.h"

/* Writes j's finished value and a newline to stdout. 0, or the exit code (1) with
 * the error reported on stderr when j failed (out of memory) or stdout did. */
int cli_json_print(struct json *j);

#endif
