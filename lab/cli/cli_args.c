#include "cli/cli_args.h"

#include <stdlib.h>

#include "common/err.h"

volatile sig_atomic_t cli_stop;

static void raise_stop(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void cli_stop_on_signals(void)
{
	struct sigaction sa = {.sa_handler = raise_stop};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_time_scale(const char *opt, const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v > 0 && v <= 1))
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected 0 < F <= 1", opt, s);
	*out = v;
	return 0;
}

int cli_long(const char *opt, const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < min || v > max)
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected %ld..%ld", opt, s, min, max);
	*out = v;
	return 0;
}
