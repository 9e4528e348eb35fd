/* The lab object (docs/json.md "lab"), one function for every command that
 * prints a lab: list (the head), status and up (the whole). */
#ifndef LAB_CLI_LAB_JSON_H
#define LAB_CLI_LAB_JSON_H

#include <stdio.h>

#include "common/json.h"

/* The members every lab object starts with: lab, state, topology (the source file,
 * null when unknown), age_s (null when unknown: age_s < 0). */
void lab_json_head(struct json *j, const char *lab, const char *state, const char *source,
                   long long age_s);

/* The whole lab object of LAB: head, dir, nodes (each with its namespace and
 * processes) and services (each service's status). With text non-NULL the same
 * facts are printed there as status's text and the services are not asked twice
 * (j then lacks "services"). 0, or -1 with lab_err. */
int lab_json_status(const char *lab, struct json *j, FILE *text);

#endif
