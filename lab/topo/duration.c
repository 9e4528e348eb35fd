/* Durations as topology files and command lines write them: one parser for both, so
 * `--max-outage 40s` and `max_outage: 40s` mean the same. */
#include <ctype.h>
#include <string.h>

#include "topo/topo.h"

int topo_duration_parse(const char *s, uint32_t max_ms, uint32_t *out)
{
	/* parse by hand in decimal so 0.1 s is exactly 100 ms (no binary rounding) */
	unsigned long long whole = 0, frac = 0, fdiv = 1;
	const char *p = s;
	bool digits = false;
	while (isdigit((unsigned char)*p) && whole < 100000000000ULL) {
		whole = whole * 10 + (unsigned)(*p++ - '0');
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p) && fdiv < 1000000000ULL) {
			frac = frac * 10 + (unsigned)(*p++ - '0');
			fdiv *= 10;
			digits = true;
		}
	}
	unsigned long long unit = 1000; /* ms per unit; plain numbers are seconds */
	if (!strcmp(p, "ms"))
		unit = 1;
	else if (!strcmp(p, "s") || !*p)
		unit = 1000;
	else if (!strcmp(p, "m"))
		unit = 60000;
	else if (!strcmp(p, "h"))
		unit = 3600000;
	else
		digits = false;
	if (!digits)
		return TOPO_DURATION_SYNTAX;
	unsigned long long ms = whole * unit, fnum = frac * unit;
	if (fnum % fdiv)
		return TOPO_DURATION_FINE;
	ms += fnum / fdiv;
	if (ms > max_ms)
		return TOPO_DURATION_LONG;
	*out = (uint32_t)ms;
	return 0;
}
