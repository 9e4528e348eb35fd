/* Expectations: each judged against the report of the last fault, built from the
 * journals when the expect step runs, so a verdict says what `labctl report` says.
 * Every message carries the numbers that decided it. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/monotime.h"
#include "report/evlog.h"
#include "scenario/scenario.h"

static const char *const mech_names[] = {
    [SCN_MECH_HOLD] = "hold-timer", [SCN_MECH_SESSION] = "session-lost", [SCN_MECH_HEAL] = "heal",
    [SCN_MECH_NONE] = "no-loss",    [SCN_MECH_OPEN] = "not-recovered",
};

const char *scn_mech_name(enum scn_mech m)
{
	return (unsigned)m < sizeof(mech_names) / sizeof(mech_names[0]) ? mech_names[m] : "?";
}

int scn_mech_parse(const char *s, enum scn_mech *out)
{
	for (size_t i = 0; i < sizeof(mech_names) / sizeof(mech_names[0]); i++)
		if (!strcmp(s, mech_names[i])) {
			*out = (enum scn_mech)i;
			return 0;
		}
	return -1;
}

/* The first loss of the session that came before the recovery names the mechanism:
 * only an event that preceded the recovery can have caused it. */
enum scn_mech scn_ended_by(const struct report_run *r)
{
	bool any = false;
	for (int d = 0; d < TIMERS_NDIR; d++)
		any |= r->measured_s[d] >= 0;
	if (!any)
		return SCN_MECH_NONE;
	if (!r->recovery_t)
		return SCN_MECH_OPEN;
	if (r->heal_t && r->heal_t <= r->recovery_t)
		return SCN_MECH_HEAL;
	int64_t first = 0;
	enum report_mark kind = MARK_FAULT;
	for (size_t i = 0; i < r->n_marks; i++) {
		const struct report_marker *m = &r->marks[i];
		if ((m->kind == MARK_HOLD_EXPIRY || m->kind == MARK_SESSION_DOWN) &&
		    m->t <= r->recovery_t && (!first || m->t < first)) {
			first = m->t;
			kind = m->kind;
		}
	}
	if (!first)
		return SCN_MECH_OPEN; /* recovered with no session lost: not a failover */
	return kind == MARK_HOLD_EXPIRY ? SCN_MECH_HOLD : SCN_MECH_SESSION;
}

static void dirs_text(const struct scn_expect *x, char *buf, size_t n)
{
	size_t off = 0;
	buf[0] = '\0';
	for (int d = 0; d < TIMERS_NDIR; d++)
		if (x->dir[d] && off < n)
			off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? "," : "",
			                        timers_dir_name((enum timers_dir)d));
}

static void session(const struct scn_expect *x, const char *labdir, struct scn_result *res)
{
	struct evlog log;
	evlog_init(&log);
	if (evlog_load_lab(&log, labdir) < 0) {
		snprintf(res->msg, sizeof(res->msg), "journals unreadable: %s", lab_err_msg());
		lab_err_clear();
		evlog_free(&log);
		return;
	}
	const struct jevent *last = NULL;
	for (size_t i = 0; i < log.n; i++) {
		const struct jevent *e = &log.v[i];
		const char *p = jev_str(e, "peer");
		if (strcmp(e->node, x->node) || !p || strcmp(p, x->peer) || !jev_str(e, "to"))
			continue;
		if (jev_is(e, "bgp", "state") || jev_is(e, "bird", "state"))
			last = e;
	}
	const char *now = last ? jev_str(last, "to") : NULL;
	res->pass = now && !strcasecmp(now, x->state);
	snprintf(res->msg, sizeof(res->msg), "%s -> %s: %s%s", x->node, x->peer,
	         now ? now : "no state change journaled", now ? " (its last state change)" : "");
	evlog_free(&log);
}

void scn_judge(const struct scn_expect *x, const struct report_run *r, const char *labdir,
               struct scn_result *res)
{
	char dirs[32];
	dirs_text(x, dirs, sizeof(dirs));
	res->pass = false;
	res->msg[0] = '\0';
	switch (x->kind) {
	case SCN_EXP_INSIDE:
		snprintf(res->what, sizeof(res->what), "outage inside the lab window (%s)", dirs);
		break;
	case SCN_EXP_MAX_OUTAGE:
		snprintf(res->what, sizeof(res->what), "outage within budget (%s)", dirs);
		break;
	case SCN_EXP_ENDED_BY:
		snprintf(res->what, sizeof(res->what), "ended by %s", scn_mech_name(x->mech));
		break;
	case SCN_EXP_NO_LOSS:
		if (x->flow < 0)
			snprintf(res->what, sizeof(res->what), "no loss on any flow");
		else
			snprintf(res->what, sizeof(res->what), "no loss on flow %d", x->flow);
		break;
	case SCN_EXP_OUTAGE:
		snprintf(res->what, sizeof(res->what), "an outage (probes lost)");
		break;
	case SCN_EXP_SESSION:
		snprintf(res->what, sizeof(res->what), "session %s -> %s %s", x->node, x->peer,
		         x->state);
		break;
	case SCN_EXP_REVERSION_INSIDE:
		snprintf(res->what, sizeof(res->what), "reversion inside its window");
		break;
	case SCN_EXP_REVERSION_MAX:
		snprintf(res->what, sizeof(res->what), "reversion within %.3f s",
		         x->reversion_max_s);
		break;
	}
	if (x->kind == SCN_EXP_SESSION) {
		session(x, labdir, res);
		return;
	}
	if (!r) {
		snprintf(res->msg, sizeof(res->msg), "no fault in the journals to judge");
		return;
	}
	size_t off = 0;
	bool pass = true;
	switch (x->kind) {
	case SCN_EXP_INSIDE: {
		const struct timers_model *m =
		    r->has_pred ? timers_find_model(&r->pred, "lab") : NULL;
		for (int d = 0; d < TIMERS_NDIR; d++) {
			if (!x->dir[d] || off >= sizeof(res->msg))
				continue;
			const char *dn = timers_dir_name((enum timers_dir)d);
			if (!m) {
				off += (size_t)snprintf(res->msg + off, sizeof(res->msg) - off,
				                        "%sno lab window for this fault",
				                        off ? "; " : "");
				pass = false;
				continue;
			}
			const struct timers_window *w = &m->dir[d].w;
			if (r->measured_s[d] < 0) {
				off +=
				    (size_t)snprintf(res->msg + off, sizeof(res->msg) - off,
				                     "%s%s no outage measured (window %.3f-%.3f s)",
				                     off ? "; " : "", dn, w->min_s, w->max_s);
				pass = false;
				continue;
			}
			bool in = r->inside[d] == 1;
			pass &= in;
			off += (size_t)snprintf(res->msg + off, sizeof(res->msg) - off,
			                        "%s%s %.3f s %s %.3f-%.3f s", off ? "; " : "", dn,
			                        r->measured_s[d], in ? "inside" : "OUTSIDE",
			                        w->min_s, w->max_s);
		}
		break;
	}
	case SCN_EXP_MAX_OUTAGE:
		for (int d = 0; d < TIMERS_NDIR; d++) {
			if (!x->dir[d] || off >= sizeof(res->msg))
				continue;
			double v = r->measured_s[d];
			bool ok = v <= x->max_s[d] + 1e-9;
			pass &= ok;
			if (v < 0)
				off += (size_t)snprintf(
				    res->msg + off, sizeof(res->msg) - off,
				    "%s%s no outage (budget %.3f s)", off ? "; " : "",
				    timers_dir_name((enum timers_dir)d), x->max_s[d]);
			else
				off += (size_t)snprintf(res->msg + off, sizeof(res->msg) - off,
				                        "%s%s %.3f s %s budget %.3f s%s",
				                        off ? "; " : "",
				                        timers_dir_name((enum timers_dir)d), v,
				                        ok ? "within" : "OVER", x->max_s[d], "");
			if (!ok && off < sizeof(res->msg))
				off += (size_t)snprintf(res->msg + off, sizeof(res->msg) - off,
				                        ": +%.3f s", v - x->max_s[d]);
		}
		break;
	case SCN_EXP_ENDED_BY: {
		enum scn_mech m = scn_ended_by(r);
		pass = m == x->mech;
		snprintf(res->msg, sizeof(res->msg), "ended by %s: %.400s", scn_mech_name(m),
		         r->mechanism);
		break;
	}
	case SCN_EXP_NO_LOSS:
	case SCN_EXP_OUTAGE: {
		uint32_t lost = 0;
		size_t streams = 0;
		for (size_t i = 0; i < r->n_streams; i++) {
			const struct report_stream *s = &r->streams[i];
			if (x->kind == SCN_EXP_NO_LOSS && x->flow >= 0 && s->flow != x->flow)
				continue;
			streams++;
			if (s->has_outage)
				lost += s->o.lost;
		}
		pass = x->kind == SCN_EXP_NO_LOSS ? lost == 0 && streams > 0 : lost > 0;
		snprintf(res->msg, sizeof(res->msg), "%u probes lost over %zu streams%s", lost,
		         streams, streams ? "" : " (no such flow ran)");
		break;
	}
	case SCN_EXP_REVERSION_INSIDE:
	case SCN_EXP_REVERSION_MAX: {
		const struct report_reversion *v = &r->rev;
		if (!v->healed || v->time_s < 0) {
			pass = false;
			snprintf(
			    res->msg, sizeof(res->msg), "%s",
			    !v->healed
			        ? "not healed"
			        : "both tunnels carrying traffic again not seen in the journals");
			break;
		}
		if (x->kind == SCN_EXP_REVERSION_MAX) {
			pass = v->time_s <= x->reversion_max_s + 1e-9;
			snprintf(res->msg, sizeof(res->msg),
			         "reversion %.3f s %s %.3f s (%zu probes "
			         "lost after the heal)",
			         v->time_s, pass ? "within" : "OVER", x->reversion_max_s, v->lost);
		} else {
			pass = v->inside == 1;
			if (v->has_pred)
				snprintf(res->msg, sizeof(res->msg),
				         "reversion %.3f s %s %.3f-%.3f s", v->time_s,
				         pass ? "inside" : "OUTSIDE", v->pred.w.min_s,
				         v->pred.w.max_s);
			else
				snprintf(res->msg, sizeof(res->msg),
				         "reversion %.3f s, no predicted "
				         "window",
				         v->time_s);
		}
		break;
	}
	case SCN_EXP_SESSION: break;
	}
	res->pass = pass;
}
