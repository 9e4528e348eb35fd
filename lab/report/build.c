/* From merged journals to report runs: one run per fault injection. */
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "probe/wire.h"
#include "report/report.h"
#include "report/samples.h"

/* Events this long before a fault still belong to its run (the steady state the
 * timeline shows), unless the previous run is closer. */
#define PRE_FAULT_NS (3 * NS_PER_SEC)

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int add_mark(struct report_run *r, enum report_mark k, int64_t t, const char *node,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add_mark(struct report_run *r, enum report_mark k, int64_t t, const char *node,
                    const char *fmt, ...)
{
	struct report_marker *nv = realloc(r->marks, (r->n_marks + 1) * sizeof(*nv));
	if (!nv)
		return lab_err(LAB_EXIT_FAIL, "out of memory building the report");
	r->marks = nv;
	struct report_marker *m = &r->marks[r->n_marks++];
	memset(m, 0, sizeof(*m));
	m->kind = k;
	m->t = t;
	copy(m->node, sizeof(m->node), node);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
	return 0;
}

static const struct report_tunnel *fault_tunnel(const struct report_config *cfg,
                                                const struct jevent *e)
{
	const char *tn = jev_str(e, "tunnel");
	const char *target = jev_str(e, "target");
	char node[64] = "";
	if (target) {
		copy(node, sizeof(node), target);
		char *colon = strchr(node, ':');
		if (colon)
			*colon = '\0';
	}
	for (size_t i = 0; i < cfg->n_tunnels; i++)
		if ((tn && !strcmp(tn, cfg->tunnels[i].name)) ||
		    (target && !strcmp(target, cfg->tunnels[i].name)))
			return &cfg->tunnels[i];
	for (size_t i = 0; i < cfg->n_tunnels; i++)
		for (int s = 0; s < 2; s++)
			if (!strcmp(node, cfg->tunnels[i].gw[s]))
				return &cfg->tunnels[i];
	return NULL;
}

static bool ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* Session loss on the gateway `node` toward `peer`: our speaker's state change out of
 * Established, or BIRD's converted log line. */
static bool session_down(const struct jevent *e, const char *node, const char *peer, bool *hold)
{
	if (strcmp(e->node, node))
		return false;
	const char *p = jev_str(e, "peer");
	if (peer[0] && p && strcmp(p, peer))
		return false;
	const char *reason = jev_str(e, "reason");
	if (jev_is(e, "bgp", "state")) {
		const char *from = jev_str(e, "from");
		if (!from || strcmp(from, "Established"))
			return false;
		*hold = reason && !strcmp(reason, "hold-timer-expired");
		return true;
	}
	if (jev_is(e, "bird", "state")) {
		const char *to = jev_str(e, "to");
		if (to && !strcasecmp(to, "Established"))
			return false;
		*hold = ci_contains(reason, "hold timer");
		return true;
	}
	return false;
}

static bool from_gateway(const struct report_tunnel *tun, int s, const char *addr)
{
	for (uint32_t k = 0; k < tun->n_gw_addrs[s]; k++)
		if (!strcmp(tun->gw_addrs[s][k], addr))
			return true;
	return false;
}

static double rel_s(const struct report_run *r, int64_t t)
{
	return (double)(t - r->t0) / NS_PER_SEC;
}

static int find_markers(const struct evlog *log, size_t lo, size_t hi,
                        const struct report_tunnel *tun, struct report_run *r, int64_t *detect_t,
                        char *detect_what, size_t dwlen)
{
	*detect_t = 0;
	detect_what[0] = '\0';
	bool sa = false, wd = false, bird_down[2] = {false, false};
	int64_t down_t[2] = {0, 0};
	char fib_nodes[8][REPORT_NAME_MAX];
	size_t n_fib = 0;
	for (size_t i = lo; i < hi; i++) {
		const struct jevent *e = &log->v[i];
		if (e->t < r->t0)
			continue;
		if (!sa && tun &&
		    (jev_is(e, "ike", "child-down") || jev_is(e, "ike", "ike-down"))) {
			const char *tn = jev_str(e, "tunnel");
			if (tn && !strcmp(tn, tun->name)) {
				sa = true;
				if (add_mark(r, MARK_SA_DOWN, e->t, e->node, "SA down (%s)",
				             e->ev) < 0)
					return -1;
			}
		}
		for (int s = 0; tun && s < 2; s++) {
			bool hold = false;
			if (down_t[s] || !session_down(e, tun->gw[s], tun->addr[1 - s], &hold))
				continue;
			down_t[s] = e->t;
			const char *reason = jev_str(e, "reason");
			if (add_mark(r, hold ? MARK_HOLD_EXPIRY : MARK_SESSION_DOWN, e->t, e->node,
			             hold ? "hold timer expired" : "session down: %s",
			             reason ? reason : "?") < 0)
				return -1;
			r->side_down_t[s] = e->t;
			snprintf(r->side_how[s], sizeof(r->side_how[s]), "%s on %s (%s) at +%.3f s",
			         hold ? "hold timer expired" : "session lost", e->node,
			         hold ? (tun->bird[s] ? "BIRD" : "built-in speaker")
			              : (reason ? reason : "?"),
			         rel_s(r, e->t));
			if (!*detect_t || e->t < *detect_t) {
				*detect_t = e->t;
				snprintf(detect_what, dwlen, "%s on %s (%s, +%.3f s)",
				         hold ? "hold timer expired" : "session lost", e->node,
				         hold ? (tun->bird[s] ? "BIRD" : "built-in speaker")
				              : (reason ? reason : "?"),
				         rel_s(r, e->t));
			}
		}
		/* BIRD withdraws a lost session's routes when the protocol is down, which
		 * can be well after its hold timer expired (the closing connection first). */
		for (int s = 0; tun && s < 2; s++)
			if (!bird_down[s] && jev_is(e, "bird", "down") &&
			    !strcmp(e->node, tun->gw[s]) && jev_str(e, "peer") &&
			    !strcmp(jev_str(e, "peer"), tun->addr[1 - s])) {
				bird_down[s] = true;
				if (add_mark(r, MARK_WITHDRAW, e->t, e->node,
				             "BIRD protocol down: routes withdrawn") < 0)
					return -1;
			}
		int64_t wn;
		bool withdrawal = jev_is(e, "bgp", "rx") && jev_str(e, "type") &&
		                  !strcmp(jev_str(e, "type"), "update") &&
		                  jev_int(e, "withdrawn", &wn) && wn > 0;
		/* A gateway whose own events say nothing (BIRD without converted log):
		 * its withdrawal reaching a router shows it lost the session by then. */
		const char *wpeer = withdrawal ? jev_str(e, "peer") : NULL;
		for (int s = 0; tun && wpeer && s < 2; s++) {
			if (down_t[s] || !tun->bird[s] || !from_gateway(tun, s, wpeer))
				continue;
			down_t[s] = e->t;
			if (add_mark(r, MARK_SESSION_DOWN, e->t, tun->gw[s],
			             "session lost (seen as its withdrawal at %s)", e->node) < 0)
				return -1;
			r->side_down_t[s] = e->t;
			snprintf(r->side_how[s], sizeof(r->side_how[s]),
			         "session lost on %s (%s), seen as its withdrawal at %s at +%.3f s",
			         tun->gw[s], tun->bird[s] ? "BIRD" : "built-in speaker", e->node,
			         rel_s(r, e->t));
			if (!*detect_t || e->t < *detect_t) {
				*detect_t = e->t;
				snprintf(detect_what, dwlen,
				         "session lost on %s (%s; its withdrawal "
				         "reached %s at +%.3f s)",
				         tun->gw[s], tun->bird[s] ? "BIRD" : "built-in speaker",
				         e->node, rel_s(r, e->t));
			}
		}
		if (!wd && withdrawal) {
			wd = true;
			if (add_mark(r, MARK_WITHDRAW, e->t, e->node, "withdrawal received (%lld)",
			             (long long)wn) < 0)
				return -1;
		}
		if (jev_is(e, "bgp", "fib") && n_fib < 8) {
			bool seen = false;
			for (size_t k = 0; k < n_fib; k++)
				seen |= !strcmp(fib_nodes[k], e->node);
			if (!seen) {
				copy(fib_nodes[n_fib++], REPORT_NAME_MAX, e->node);
				const char *op = jev_str(e, "op"), *pfx = jev_str(e, "prefix");
				if (add_mark(r, MARK_FIB, e->t, e->node, "FIB %s %s",
				             op ? op : "change", pfx ? pfx : "") < 0)
					return -1;
			}
		}
		/* The speaker journals it the moment netlink tells it (docs/journal.md):
		 * a tunnel device or address gone ends the path without any timer. */
		if (jev_is(e, "bgp", "nexthop-unreachable") && (!r->heal_t || e->t < r->heal_t)) {
			const char *nh = jev_str(e, "nexthop"), *why = jev_str(e, "why");
			if (add_mark(r, MARK_NEXTHOP, e->t, e->node, "next hop %s unreachable (%s)",
			             nh ? nh : "?", why ? why : "?") < 0)
				return -1;
		}
		if (!r->heal_t && jev_is(e, "fault", "heal") && e->t > r->t0) {
			r->heal_t = e->t;
			if (add_mark(r, MARK_HEAL, e->t, e->node, "heal") < 0)
				return -1;
		}
	}
	/* The last KEEPALIVE each side received from the other before it lost the
	 * session: the hold timer that expired was restarted by it. */
	for (int s = 0; tun && s < 2; s++) {
		int64_t limit = down_t[s] ? down_t[s] : r->to_t;
		const struct jevent *last = NULL;
		for (size_t i = 0; i < hi && log->v[i].t < limit; i++) {
			const struct jevent *e = &log->v[i];
			const char *ty = jev_str(e, "type"), *p = jev_str(e, "peer");
			if (jev_is(e, "bgp", "rx") && !strcmp(e->node, tun->gw[s]) && ty && p &&
			    (!strcmp(ty, "keepalive") || !strcmp(ty, "update")) &&
			    !strcmp(p, tun->addr[1 - s]))
				last = e;
		}
		if (last && add_mark(r, MARK_LAST_KEEPALIVE, last->t, last->node, "last %s from %s",
		                     jev_str(last, "type"), tun->addr[1 - s]) < 0)
			return -1;
	}
	return 0;
}

static int cmp_mark(const void *a, const void *b)
{
	const struct report_marker *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* One probe's streams of one leg, from the run's samples. */
static int build_leg(struct report_run *r, const struct samples *S, const char *probe,
                     enum report_leg leg)
{
	struct probe_sample *ps = malloc((S->n ? S->n : 1) * sizeof(*ps));
	if (!ps)
		return lab_err(LAB_EXIT_FAIL, "out of memory building the report");
	size_t n = 0;
	for (size_t i = 0; i < S->n; i++) {
		const struct psample *p = &S->v[i];
		const struct pdinfo *pd = &S->pd[p->pd];
		if (p->sent_t < r->from_t || p->sent_t >= r->to_t || strcmp(pd->probe, probe))
			continue;
		bool ok = leg == LEG_RTT ? p->reply_t != 0 : p->echo_t != 0;
		if (!ok && !p->decided)
			continue;
		ps[n++] = (struct probe_sample){
		    .flow = p->flow, .dir = pd->dir, .seq = p->ord, .sent_ns = p->sent_t, .ok = ok};
	}
	struct outage_set set;
	if (outage_compute(ps, n, r->resolution_ns, &set) < 0) {
		free(ps);
		return -1;
	}
	int ret = 0;
	size_t k = 0; /* walks ps, which outage_compute sorted by (flow, dir, seq) */
	for (size_t i = 0; i < set.n && ret == 0; i++) {
		const struct outage_stream *st = &set.streams[i];
		struct report_stream *nv = realloc(r->streams, (r->n_streams + 1) * sizeof(*nv));
		if (!nv) {
			ret = lab_err(LAB_EXIT_FAIL, "out of memory building the report");
			break;
		}
		r->streams = nv;
		struct report_stream *rs = &r->streams[r->n_streams++];
		memset(rs, 0, sizeof(*rs));
		copy(rs->probe, sizeof(rs->probe), probe);
		rs->flow = st->flow;
		rs->dir = st->dir;
		rs->leg = leg;
		rs->sent = st->sent;
		rs->ok = st->ok;
		/* Losses that begin after the heal are reconvergence, not this fault. */
		const struct outage *o = outage_in(st, r->t0, r->heal_t ? r->heal_t : r->to_t);
		if (o) {
			rs->has_outage = true;
			rs->o = *o;
		}
		/* Losses that begin after the heal, in the run: reversion (reversion.c). */
		for (size_t q = 0; r->heal_t && q < st->n; q++) {
			const struct outage *ro = &st->v[q];
			if (ro->first_lost_ns < r->heal_t || ro->first_lost_ns >= r->to_t)
				continue;
			if (!rs->has_rev_outage || ro->duration_ns > rs->rev_o.duration_ns)
				rs->rev_o = *ro;
			rs->has_rev_outage = true;
		}
		for (; k < n && ps[k].flow == st->flow && ps[k].dir == st->dir; k++) {
			if (rs->n_spans && rs->spans[rs->n_spans - 1].ok == ps[k].ok) {
				rs->spans[rs->n_spans - 1].to = ps[k].sent_ns;
				continue;
			}
			struct report_span *sv =
			    realloc(rs->spans, (rs->n_spans + 1) * sizeof(*sv));
			if (!sv) {
				ret = lab_err(LAB_EXIT_FAIL, "out of memory building the report");
				break;
			}
			rs->spans = sv;
			rs->spans[rs->n_spans++] =
			    (struct report_span){ps[k].sent_ns, ps[k].sent_ns, ps[k].ok};
		}
	}
	outage_set_free(&set);
	free(ps);
	return ret;
}

static void measure(struct report_run *r)
{
	for (int d = 0; d < TIMERS_NDIR; d++)
		r->measured_s[d] = -1;
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		if (!s->has_outage)
			continue;
		int d = s->leg == LEG_RTT     ? TIMERS_RTT
		        : s->dir == PROBE_FWD ? TIMERS_FWD
		                              : TIMERS_REV;
		double v = (double)s->o.duration_ns / NS_PER_SEC;
		if (v > r->measured_s[d])
			r->measured_s[d] = v;
		if (!s->o.open && s->o.first_ok_ns > r->recovery_t)
			r->recovery_t = s->o.first_ok_ns;
		if (s->leg == LEG_ONEWAY && !s->o.open &&
		    s->o.first_ok_ns > r->dir_recovery_t[s->dir & 1])
			r->dir_recovery_t[s->dir & 1] = s->o.first_ok_ns;
	}
}

/* Lost probes of each stream inside [fault, heal), counted from its spans (runs of
 * consecutive probes on the one send grid), times the interval. */
static void loss_derived(struct report_run *r)
{
	int64_t end = r->heal_t ? r->heal_t : r->to_t, res = r->resolution_ns;
	for (int d = 0; d < TIMERS_NDIR; d++)
		r->loss_derived_s[d] = -1;
	if (res <= 0)
		return;
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		int64_t lost = 0;
		for (size_t k = 0; k < s->n_spans; k++) {
			const struct report_span *sp = &s->spans[k];
			int64_t a = sp->from > r->t0 ? sp->from : r->t0,
			        b = sp->to < end ? sp->to : end;
			if (sp->ok || b < a)
				continue;
			lost += (b - a + res / 2) / res + 1;
		}
		if (!lost)
			continue;
		int d = s->leg == LEG_RTT     ? TIMERS_RTT
		        : s->dir == PROBE_FWD ? TIMERS_FWD
		                              : TIMERS_REV;
		double v = (double)(lost * res) / NS_PER_SEC;
		if (v > r->loss_derived_s[d])
			r->loss_derived_s[d] = v;
	}
}

static void judge(struct report_run *r)
{
	const struct timers_model *lab = r->has_pred ? timers_find_model(&r->pred, "lab") : NULL;
	for (int d = 0; d < TIMERS_NDIR; d++) {
		r->inside[d] = -1;
		if (!lab || r->measured_s[d] < 0)
			continue;
		const struct timers_window *w = &lab->dir[d].w;
		/* 1 ms of slack for the float sums of the closed form. */
		r->inside[d] =
		    r->measured_s[d] >= w->min_s - 1e-3 && r->measured_s[d] <= w->max_s + 1e-3;
	}
}

/* Direction d recovered with no session loss on its gateway before it: a next
 * hop that became unreachable (a tunnel device or address gone, seen through
 * netlink) on a node of the path, or nothing the model knows. */
static int cause_without_session(const struct report_run *r, int d, char *buf, size_t len, bool sep,
                                 bool ended_rtt)
{
	static const char *const dn[2] = {"fwd", "rev"};
	const struct report_marker *nh = NULL;
	for (size_t i = 0; i < r->n_marks; i++)
		if (r->marks[i].kind == MARK_NEXTHOP && r->marks[i].t >= r->t0 &&
		    r->marks[i].t <= r->dir_recovery_t[d] && !nh)
			nh = &r->marks[i];
	const char *tail = ended_rtt ? " (ended the round trip)" : "";
	if (nh)
		return snprintf(buf, len,
		                "%s%s: nexthop-unreachable: %s on %s at +%.3f s -> "
		                "recovered +%.3f s%s",
		                sep ? "; " : "", dn[d], nh->text, nh->node, rel_s(r, nh->t),
		                rel_s(r, r->dir_recovery_t[d]), tail);
	char after[200] = "";
	if (r->side_down_t[d])
		snprintf(after, sizeof(after), " (%s came after it, so it is not the cause)",
		         r->side_how[d]);
	return snprintf(buf, len,
	                "%s%s: not modelled: recovered +%.3f s before any session "
	                "loss or next-hop event in the journals%s%s",
	                sep ? "; " : "", dn[d], rel_s(r, r->dir_recovery_t[d]), after, tail);
}

static void explain(struct report_run *r, int64_t detect_t, const char *detect_what)
{
	bool any = false;
	for (int d = 0; d < TIMERS_NDIR; d++)
		any |= r->measured_s[d] >= 0;
	if (!any) {
		snprintf(r->mechanism, sizeof(r->mechanism),
		         "no probe was lost: the data path did not depend on what the fault broke");
		return;
	}
	if (!strcmp(r->kind, "loss")) {
		/* A grey failure: probes die one by one, no mechanism has to fire. */
		int n =
		    snprintf(r->mechanism, sizeof(r->mechanism),
		             "grey failure (random loss): probes lost one by one, loss-derived "
		             "convergence time (RFC 6413) %.3f s round trip beside a longest gap "
		             "of %.3f s; ",
		             r->loss_derived_s[TIMERS_RTT] > 0 ? r->loss_derived_s[TIMERS_RTT] : 0,
		             r->measured_s[TIMERS_RTT] > 0 ? r->measured_s[TIMERS_RTT] : 0);
		if (n > 0 && (size_t)n < sizeof(r->mechanism))
			report_loss_explain(r, r->mechanism + n, sizeof(r->mechanism) - (size_t)n);
		return;
	}
	if (!r->recovery_t) {
		snprintf(r->mechanism, sizeof(r->mechanism),
		         "not recovered within the run: the outage was still open when its "
		         "journals end");
		return;
	}
	int64_t fib_t = 0;
	const char *fib_node = "";
	for (size_t i = 0; i < r->n_marks; i++)
		if (r->marks[i].kind == MARK_FIB && r->marks[i].t <= r->recovery_t &&
		    (!fib_t || r->marks[i].t < fib_t)) {
			fib_t = r->marks[i].t;
			fib_node = r->marks[i].node;
		}
	if (r->heal_t && r->heal_t <= r->recovery_t) {
		/* Nothing routed around the fault: only undoing it ended the outage. */
		if (detect_t && detect_t < r->heal_t)
			snprintf(
			    r->mechanism, sizeof(r->mechanism),
			    "heal (+%.3f s): %s, but no other path took the traffic; it flowed "
			    "again only once the fault was undone (+%.3f s)",
			    rel_s(r, r->heal_t), detect_what, rel_s(r, r->recovery_t));
		else
			snprintf(r->mechanism, sizeof(r->mechanism),
			         "heal (+%.3f s): the fault was removed before BGP detected it",
			         rel_s(r, r->heal_t));
		return;
	}
	if (detect_t && detect_t <= r->recovery_t) {
		/* Direction by direction: end 0's gateway repairs fwd, end 1's rev; the
		 * round trip ends with the later of the two. */
		size_t off = 0;
		static const char *const dn[2] = {"fwd", "rev"};
		int last = r->dir_recovery_t[1] > r->dir_recovery_t[0] ? 1 : 0;
		for (int d = 0; d < 2; d++) {
			if (!r->dir_recovery_t[d])
				continue;
			/* Only an event before the recovery it explains can be its cause: a
			 * hold timer that fired after the traffic was back is not one. */
			if (!r->side_down_t[d] || r->side_down_t[d] > r->dir_recovery_t[d]) {
				int n = cause_without_session(r, d, r->mechanism + off,
				                              sizeof(r->mechanism) - off, off > 0,
				                              d == last);
				if (n > 0)
					off += (size_t)n;
				if (off >= sizeof(r->mechanism))
					return;
				continue;
			}
			int64_t fib = 0;
			const char *fnode = "";
			for (size_t i = 0; i < r->n_marks; i++) {
				const struct report_marker *m = &r->marks[i];
				if (m->kind == MARK_FIB && m->t >= r->side_down_t[d] &&
				    m->t <= r->dir_recovery_t[d] && m->t >= fib) {
					fib = m->t;
					fnode = m->node;
				}
			}
			char fibtxt[96] = "";
			if (fib)
				snprintf(fibtxt, sizeof(fibtxt), " -> FIB on %s +%.3f s", fnode,
				         rel_s(r, fib));
			int n =
			    snprintf(r->mechanism + off, sizeof(r->mechanism) - off,
			             "%s%s: %s%s -> recovered +%.3f s%s", off ? "; " : "", dn[d],
			             r->side_how[d], fibtxt, rel_s(r, r->dir_recovery_t[d]),
			             d == last ? " (ended the round trip)" : "");
			if (n > 0)
				off += (size_t)n;
			if (off >= sizeof(r->mechanism))
				return; /* truncated, still terminated */
		}
		if (off)
			return;
		if (fib_t)
			snprintf(r->mechanism, sizeof(r->mechanism),
			         "%s -> withdrawal -> FIB change on %s (+%.3f s) -> traffic on the "
			         "other tunnel (+%.3f s)",
			         detect_what, fib_node, rel_s(r, fib_t), rel_s(r, r->recovery_t));
		else
			snprintf(r->mechanism, sizeof(r->mechanism),
			         "%s -> traffic on the other tunnel (+%.3f s)", detect_what,
			         rel_s(r, r->recovery_t));
	} else {
		/* No session was lost before the recovery: a next hop gone, or nothing the
		 * model knows (said so, rather than guessed). */
		size_t off = 0;
		int last = r->dir_recovery_t[1] > r->dir_recovery_t[0] ? 1 : 0;
		for (int d = 0; d < 2 && off < sizeof(r->mechanism); d++) {
			if (!r->dir_recovery_t[d])
				continue;
			int n =
			    cause_without_session(r, d, r->mechanism + off,
			                          sizeof(r->mechanism) - off, off > 0, d == last);
			if (n > 0)
				off += (size_t)n;
		}
		if (!off)
			snprintf(r->mechanism, sizeof(r->mechanism),
			         "not modelled: recovered +%.3f s with no session loss or next-hop "
			         "event in the journals before it",
			         rel_s(r, r->recovery_t));
	}
}

static int build_run(const struct evlog *log, const struct report_config *cfg,
                     const struct samples *S, size_t fi, int64_t from_t, int64_t to_t,
                     struct report_run *r)
{
	const struct jevent *f = &log->v[fi];
	memset(r, 0, sizeof(*r));
	r->t0 = f->t;
	r->from_t = from_t;
	r->to_t = to_t;
	copy(r->kind, sizeof(r->kind), jev_str(f, "kind"));
	copy(r->target, sizeof(r->target), jev_str(f, "target"));
	copy(r->detail, sizeof(r->detail), jev_str(f, "detail"));
	copy(r->node, sizeof(r->node), f->node);
	const struct report_tunnel *tun = fault_tunnel(cfg, f);
	if (tun)
		copy(r->tunnel, sizeof(r->tunnel), tun->name);
	if (add_mark(r, MARK_FAULT, r->t0, f->node, "fault %s %s", r->kind, r->target) < 0)
		return -1;

	size_t lo = 0, hi = log->n;
	while (lo < log->n && log->v[lo].t < from_t)
		lo++;
	hi = lo;
	while (hi < log->n && log->v[hi].t < to_t)
		hi++;
	int64_t detect_t;
	char detect_what[128];
	if (find_markers(log, lo, hi, tun, r, &detect_t, detect_what, sizeof(detect_what)) < 0)
		return -1;

	r->resolution_ns = 0;
	for (size_t i = 0; i < S->n_pd; i++)
		if (S->pd[i].interval_ns > r->resolution_ns)
			r->resolution_ns = S->pd[i].interval_ns;
	for (size_t i = 0; i < S->n_pd; i++) {
		bool done = false;
		for (size_t k = 0; k < i; k++)
			done |= !strcmp(S->pd[k].probe, S->pd[i].probe);
		if (done)
			continue;
		if (build_leg(r, S, S->pd[i].probe, LEG_ONEWAY) < 0 ||
		    build_leg(r, S, S->pd[i].probe, LEG_RTT) < 0)
			return -1;
	}
	measure(r);
	loss_derived(r);
	if (r->recovery_t && add_mark(r, MARK_RECOVERY, r->recovery_t, "", "recovery") < 0)
		return -1;
	if (cfg->predict && cfg->predict(cfg->predict_ctx, r, &r->pred) == 0)
		r->has_pred = true;
	judge(r);
	if (report_loss_judge(r, f, cfg) < 0 || report_budget_judge(r, cfg) < 0)
		return -1;
	explain(r, detect_t, detect_what);
	if (report_reversion(log, lo, hi, cfg, tun, r) < 0)
		return -1;
	qsort(r->marks, r->n_marks, sizeof(*r->marks), cmp_mark);
	return 0;
}

int report_build(const struct evlog *log, const struct report_config *cfg, struct report *out)
{
	memset(out, 0, sizeof(*out));
	copy(out->lab, sizeof(out->lab), cfg->lab);
	out->time_scale = cfg->time_scale > 0 ? cfg->time_scale : 1.0;
	out->bad_lines = log->bad_lines;
	struct samples S;
	if (samples_collect(log, &S) < 0)
		return -1;
	size_t *faults = malloc((log->n ? log->n : 1) * sizeof(*faults));
	if (!faults) {
		samples_free(&S);
		return lab_err(LAB_EXIT_FAIL, "out of memory building the report");
	}
	size_t nf = 0;
	for (size_t i = 0; i < log->n; i++)
		if (jev_is(&log->v[i], "fault", "inject") && log->v[i].t >= cfg->since_t)
			faults[nf++] = i;
	int ret = 0;
	if (nf) {
		out->runs = calloc(nf, sizeof(*out->runs));
		if (!out->runs)
			ret = lab_err(LAB_EXIT_FAIL, "out of memory building the report");
	}
	int64_t log_lo = log->n ? log->v[0].t : 0, log_hi = log->n ? log->v[log->n - 1].t + 1 : 0;
	/* Run k owns the events from its boundary with run k-1 to the next boundary:
	 * halfway between run k-1's heal (its fault if never healed) and fault k, but
	 * never more than PRE_FAULT_NS before fault k. */
	int64_t prev_to = log_lo;
	for (size_t k = 0; k < nf && ret == 0; k++) {
		int64_t t0 = log->v[faults[k]].t;
		int64_t from = prev_to, to = log_hi;
		if (k == 0 && t0 - PRE_FAULT_NS > from)
			from = t0 - PRE_FAULT_NS;
		if (k + 1 < nf) {
			int64_t next = log->v[faults[k + 1]].t, heal = t0;
			for (size_t i = faults[k] + 1; i < faults[k + 1]; i++)
				if (jev_is(&log->v[i], "fault", "heal")) {
					heal = log->v[i].t;
					break;
				}
			to = heal + (next - heal) / 2;
			if (to < next - PRE_FAULT_NS)
				to = next - PRE_FAULT_NS;
		}
		prev_to = to;
		ret = build_run(log, cfg, &S, faults[k], from, to, &out->runs[k]);
		out->n_runs = k + 1;
	}
	free(faults);
	samples_free(&S);
	if (ret == 0)
		ret = report_model_tests(out, cfg);
	if (ret < 0)
		report_free(out);
	return ret;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n_runs; i++) {
		struct report_run *run = &r->runs[i];
		for (size_t k = 0; k < run->n_streams; k++)
			free(run->streams[k].spans);
		free(run->streams);
		free(run->marks);
		free(run->budget);
	}
	free(r->runs);
	free(r->model_tests);
	memset(r, 0, sizeof(*r));
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

bool report_summary(const struct report *r, enum timers_dir d, double *min, double *med,
                    double *max, size_t *n)
{
	double v[r->n_runs ? r->n_runs : 1];
	size_t k = 0;
	for (size_t i = 0; i < r->n_runs; i++)
		if (r->runs[i].measured_s[d] >= 0)
			v[k++] = r->runs[i].measured_s[d];
	*n = k;
	if (!k)
		return false;
	qsort(v, k, sizeof(v[0]), cmp_d);
	*min = v[0];
	*max = v[k - 1];
	*med = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	return true;
}

const char *report_mark_name(enum report_mark m)
{
	static const char *const names[] = {
	    [MARK_FAULT] = "fault",
	    [MARK_SA_DOWN] = "sa-down",
	    [MARK_LAST_KEEPALIVE] = "last-keepalive",
	    [MARK_HOLD_EXPIRY] = "hold-expiry",
	    [MARK_SESSION_DOWN] = "session-down",
	    [MARK_WITHDRAW] = "withdrawal",
	    [MARK_FIB] = "fib",
	    [MARK_RECOVERY] = "recovery",
	    [MARK_HEAL] = "heal",
	    [MARK_NEXTHOP] = "nexthop-unreachable",
	};
	return names[m];
}
