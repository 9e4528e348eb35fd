/* BIRD's `show protocols all` as `labctl watch` needs it: per BGP protocol its
 * state and two timers. BIRD prints a running timer as "Hold timer: 2.210/3"
 * (seconds left / the timer's full length, proto/bgp/bgp.c bgp_show_proto_info);
 * a stopped one is not printed. Over the control socket every line carries a
 * four-digit code and '-' ("1002-") or, continuing the same code, a space. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch/watch.h"

/* "LEFT/TOTAL" after the label, in ms. */
static void parse_timer(const char *p, long long *left_ms, long long *total_ms)
{
	double left, total;
	if (sscanf(p, " %lf/%lf", &left, &total) == 2 && left >= 0 && total > 0) {
		*left_ms = (long long)(left * 1000 + 0.5);
		*total_ms = (long long)(total * 1000 + 0.5);
	}
}

size_t watch_parse_bird(const char *reply, const char *node, struct watch_session *v, size_t max)
{
	size_t n = 0;
	struct watch_session *cur = NULL;
	for (const char *l = reply; l && *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)(len < 511 ? len : 511), l);
		l = end ? end + 1 : NULL;
		const char *p = line;
		if (strlen(p) >= 5 && p[0] >= '0' && p[0] <= '9' && p[4] == '-')
			p += 5;
		else if (*p == ' ')
			p++;
		else
			continue; /* the final "0000" line, or noise */
		char name[64], proto[32];
		if (*p != ' ' && sscanf(p, "%63s %31s", name, proto) == 2) {
			cur = NULL;
			if (strcmp(proto, "BGP") || n == max)
				continue;
			cur = &v[n++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->node, sizeof(cur->node), "%s", node);
			snprintf(cur->peer, sizeof(cur->peer), "%s", name);
			cur->bird = true;
			cur->hold_ms = cur->keepalive_ms = cur->hold_left_ms = -1;
			cur->last_keepalive_ms_ago = -1;
			/* The header's Info column: the BGP state, or "Idle"/"Active" with
			 * a reason after it. */
			char st[4][32];
			int k = sscanf(p, "%*s %*s %*s %31s %*s %*s %31s %31s %31s", st[0], st[1],
			               st[2], st[3]);
			snprintf(cur->state, sizeof(cur->state), "%.23s",
			         k >= 2   ? st[1]
			         : k == 1 ? st[0]
			                  : "?");
			continue;
		}
		if (!cur)
			continue;
		const char *q;
		if ((q = strstr(p, "BGP state:")))
			sscanf(q + 10, " %23s", cur->state);
		else if ((q = strstr(p, "Hold timer:")))
			parse_timer(q + 11, &cur->hold_left_ms, &cur->hold_ms);
		else if ((q = strstr(p, "Keepalive timer:"))) {
			long long left = -1;
			parse_timer(q + 16, &left, &cur->keepalive_ms);
		}
	}
	/* The hold timer restarts on each KEEPALIVE or UPDATE received (RFC 4271
	 * s6.5), so what has run of it is the time since the last one. */
	for (size_t i = 0; i < n; i++)
		if (v[i].hold_ms > 0 && v[i].hold_left_ms >= 0)
			v[i].last_keepalive_ms_ago = v[i].hold_ms - v[i].hold_left_ms;
	return n;
}
