/* What `labctl watch` shows, as lines of text: shared by the terminal view and the
 * plain output. Times are seconds with one decimal: a hold timer of a few seconds
 * (a lab at --time-scale 0.1) still visibly counts down. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/monotime.h"
#include "watch/watch.h"

struct out {
	struct watch_line *v;
	size_t n, max;
};

static void __attribute__((format(printf, 3, 4)))
add(struct out *o, enum watch_line_kind kind, const char *fmt, ...)
{
	if (o->n == o->max)
		return;
	struct watch_line *l = &o->v[o->n++];
	l->kind = kind;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
}

/* "2.4s", or "-" when unknown. */
static const char *secs(long long ms, char *buf, size_t len)
{
	if (ms < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1fs", (double)ms / 1000);
	return buf;
}

static const char *rate(double pps, char *buf, size_t len)
{
	if (pps < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", pps);
	return buf;
}

static void tunnels(const struct watch *w, struct out *o)
{
	add(o, WL_HEADER, "TUNNELS");
	if (w->n_tunnels == 0) {
		add(o, WL_TEXT, "  (none%s)",
#ifdef LABCTL_HAVE_IPSEC
		    ""
#else
		    ": labctl was built without VICI"
#endif
		);
		return;
	}
	add(o, WL_TEXT, "  %-22s %-12s %-13s %-11s %9s %9s", "tunnel", "end", "IKE_SA", "CHILD_SA",
	    "pkt/s in", "pkt/s out");
	for (size_t i = 0; i < w->n_tunnels; i++)
		for (int s = 0; s < 2; s++) {
			const struct watch_tunnel_end *e = &w->tunnels[i].end[s];
			char a[16], b[16];
			bool bad = strcmp(e->ike, "ESTABLISHED") || strcmp(e->child, "INSTALLED");
			add(o, bad ? WL_ALERT : WL_TEXT, "  %-22s %-12s %-13s %-11s %9s %9s",
			    s == 0 ? w->tunnels[i].name : "", e->node, e->ike, e->child,
			    rate(e->pps_in, a, sizeof(a)), rate(e->pps_out, b, sizeof(b)));
		}
}

static void sessions(const struct watch *w, struct out *o)
{
	add(o, WL_HEADER, "BGP SESSIONS");
	if (w->n_sessions == 0) {
		add(o, WL_TEXT, "  (none)");
		return;
	}
	add(o, WL_TEXT, "  %-11s %-16s %-12s %6s %6s %9s %8s %-6s", "node", "peer", "state", "hold",
	    "keep", "hold left", "last rx", "BFD");
	for (size_t i = 0; i < w->n_sessions; i++) {
		const struct watch_session *s = &w->sessions[i];
		if (s->error[0]) {
			add(o, WL_ALERT, "  %-11s %s: %s", s->node,
			    s->bird ? "BIRD" : "labctl-bgpd", s->error);
			continue;
		}
		char h[16], k[16], hl[16], rx[16];
		add(o, strcmp(s->state, "Established") ? WL_ALERT : WL_TEXT,
		    "  %-11s %-16s %-12s %6s %6s %9s %8s %-6s", s->node, s->peer, s->state,
		    secs(s->hold_ms, h, sizeof(h)), secs(s->keepalive_ms, k, sizeof(k)),
		    secs(s->hold_left_ms, hl, sizeof(hl)),
		    secs(s->last_keepalive_ms_ago, rx, sizeof(rx)), s->bfd[0] ? s->bfd : "-");
	}
}

/* One line per probe and direction: each flow's state (a flow is one source port,
 * so ECMP may send flows of one probe over different tunnels). */
static void flows(const struct watch *w, struct out *o)
{
	add(o, WL_HEADER, "PROBE FLOWS");
	if (w->n_flows == 0) {
		add(o, WL_TEXT, "  (no probe running: `labctl failover` starts them)");
		return;
	}
	add(o, WL_TEXT, "  %-12s %-4s %-24s %s", "probe", "dir", "flows 0, 1, ...", "outage");
	bool done[WATCH_MAX_FLOWS] = {false};
	for (size_t i = 0; i < w->n_flows; i++) {
		if (done[i])
			continue;
		const struct watch_flow *f = &w->flows[i];
		char states[64] = "";
		size_t n = 0;
		int64_t outage = 0;
		bool any_lost = false;
		for (size_t k = i; k < w->n_flows; k++) {
			const struct watch_flow *g = &w->flows[k];
			if (strcmp(g->probe, f->probe) || strcmp(g->dir, f->dir))
				continue;
			done[k] = true;
			bool idle = w->now - g->last_send_t > 3 * g->interval_ns;
			n += (size_t)snprintf(states + n,
			                      n < sizeof(states) ? sizeof(states) - n : 0, "%s%s",
			                      n ? " " : "",
			                      idle      ? "idle"
			                      : g->lost ? "LOST"
			                                : "ok");
			if (g->lost && !idle) {
				any_lost = true;
				if (g->outage_ns > outage)
					outage = g->outage_ns;
			}
		}
		if (any_lost)
			add(o, WL_ALERT, "  %-12s %-4s %-24s %.1fs", f->probe, f->dir, states,
			    (double)outage / NS_PER_SEC);
		else
			add(o, WL_TEXT, "  %-12s %-4s %-24s", f->probe, f->dir, states);
	}
}

static void events(const struct watch *w, struct out *o)
{
	add(o, WL_HEADER, "EVENTS (newest first)");
	if (w->n_events == 0)
		add(o, WL_TEXT, "  (none yet)");
	for (size_t i = 0; i < w->n_events; i++) {
		const struct watch_event *e = &w->events[i];
		add(o, WL_TEXT, "  %7.1fs %-11s %s", (double)(e->t - w->now) / NS_PER_SEC, e->node,
		    e->text);
	}
}

size_t watch_lines(const struct watch *w, struct watch_line *v, size_t max)
{
	struct out o = {v, 0, max};
	add(&o, WL_TITLE, "labctl watch %s  (%s, time scale %g)", w->view.run.name,
	    w->topo ? w->topo->name : "?", w->view.time_scale);
	tunnels(w, &o);
	sessions(w, &o);
	flows(w, &o);
	events(w, &o);
	return o.n;
}
