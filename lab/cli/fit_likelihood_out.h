/* What `labctl fit --method likelihood` prints: text with the likelihood curve,
 * JSON, and the curve as an SVG. */
#ifndef LAB_CLI_FIT_LIKELIHOOD_OUT_H
#define LAB_CLI_FIT_LIKELIHOOD_OUT_H

#include <stddef.h>

#include "cli/timers_cli.h"

void fit_lik_text(const struct timers_cli_topo *ct, const struct timers_lik_fit *f, const double *m,
                  size_t n);
/* 0, or -1 with lab_err when stdout refuses it. */
int fit_lik_json(const struct timers_cli_topo *ct, double time_scale,
                 const struct timers_lik_fit *f, const double *m, size_t n);
/* Writes the relative likelihood of each unknown against its value to path. 0, or
 * -1 with lab_err (nothing left behind). */
int fit_svg_write(const char *path, const struct timers_lik_fit *f, const double *m, size_t n);

#endif
