/* What `labctl predict` and `labctl fit` share: loading a topology into the timer
 * model's input, and checked number parsing. */
#ifndef LAB_CLI_TIMERS_CLI_H
#define LAB_CLI_TIMERS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "timers/timers.h"

struct topo;

struct timers_cli_topo {
	struct topo *topo;
	char tunnel_name[TIMERS_NAME_MAX];
	struct timers_input in;
};

/* Resolves and loads NAME|FILE (diagnostics to stderr), applies the time scale the
 * way `up` does, picks the tunnel (index or name; NULL = the first) and maps it.
 * 0, or -1 with lab_err set (exit code 2 for bad input). */
int timers_cli_load(const char *name_or_file, const char *tunnel, const char *fault,
                    double time_scale, struct timers_cli_topo *out);
void timers_cli_free(struct timers_cli_topo *ct);

/* Writes the finished document j (plus a newline) to stdout and frees it. 0, or -1
 * with lab_err when stdout refuses it. */
struct json;
int timers_cli_put_json(struct json *j);

int timers_cli_double(const char *opt, const char *s, double *out);
/* "S[,S...]": at most max outages (seconds >= 0) into v. 0 or -1 + lab_err(2). */
int timers_cli_seconds_list(const char *opt, const char *s, double *v, size_t max, size_t *n);
/* "rtt", "fwd" or "rev". 0 or -1 + lab_err(2). */
int timers_cli_dir(const char *opt, const char *s, enum timers_dir *d);
int timers_cli_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
