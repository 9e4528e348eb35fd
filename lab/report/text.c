/* The report as text for a terminal. */
#include <math.h>
#include <string.h>

#include "common/monotime.h"
#include "probe/wire.h"
#include "report/report.h"
#include "timers/article.h"

static double rel(const struct report_run *r, int64_t t)
{
	return (double)(t - r->t0) / NS_PER_SEC;
}

static void window(FILE *f, const struct timers_window *w)
{
	char hi[32];
	if (isinf(w->max_s))
		snprintf(hi, sizeof(hi), "inf");
	else
		snprintf(hi, sizeof(hi), "%.3f", w->max_s);
	char buf[64];
	snprintf(buf, sizeof(buf), "%.3f-%s", w->min_s, hi);
	fprintf(f, "  %-17s", buf);
}

static const char *leg_name(enum report_leg l)
{
	return l == LEG_RTT ? "round trip" : "one way";
}

static void run_text(const struct report *rep, size_t i, FILE *f)
{
	const struct report_run *r = &rep->runs[i];
	fprintf(f, "run %zu of %zu: fault %s on %s", i + 1, rep->n_runs, r->kind, r->target);
	if (r->tunnel[0] && strcmp(r->tunnel, r->target))
		fprintf(f, " (tunnel %s)", r->tunnel);
	fprintf(f, ", injected on %s%s%s\n", r->node, r->detail[0] ? ": " : "", r->detail);
	fprintf(f,
	        "  probe resolution %.3f s (interval): each end of an outage is known to "
	        "within it\n\n",
	        (double)r->resolution_ns / NS_PER_SEC);

	fprintf(f, "  timeline (s after the fault)\n");
	for (size_t k = 0; k < r->n_marks; k++) {
		const struct report_marker *m = &r->marks[k];
		fprintf(f, "    %+9.3f  %-14s %-12s %s\n", rel(r, m->t), report_mark_name(m->kind),
		        m->node[0] ? m->node : "-", m->text);
	}

	fprintf(f, "\n  outage per flow (s)\n");
	size_t shown = 0;
	for (size_t k = 0; k < r->n_streams; k++) {
		const struct report_stream *s = &r->streams[k];
		fprintf(f, "    %-10s flow %-3u %s %-10s ", s->probe, s->flow,
		        probe_dir_name(s->dir), leg_name(s->leg));
		if (s->has_outage)
			fprintf(f, "%8.3f  (%u lost, %+.3f .. %+.3f)%s\n",
			        (double)s->o.duration_ns / NS_PER_SEC, s->o.lost,
			        rel(r, s->o.last_ok_ns),
			        rel(r, s->o.open ? s->o.last_lost_ns : s->o.first_ok_ns),
			        s->o.open ? " still open" : "");
		else
			fprintf(f, "       -  (%zu of %zu ok)\n", s->ok, s->sent);
		shown++;
	}
	if (!shown)
		fprintf(f, "    no probe ran during this fault\n");

	static const char *const dirs[] = {"fwd (one way)", "rev (one way)", "round trip"};
	fprintf(f, "\n  measured (worst flow)   ");
	for (int d = 0; d < TIMERS_NDIR; d++) {
		if (r->measured_s[d] >= 0)
			fprintf(f, "%s %.3f", dirs[d], r->measured_s[d]);
		else
			fprintf(f, "%s -", dirs[d]);
		fprintf(f, d + 1 < TIMERS_NDIR ? ", " : "\n");
	}
	bool any_loss = false;
	for (int d = 0; d < TIMERS_NDIR; d++)
		any_loss |= r->loss_derived_s[d] >= 0;
	if (any_loss) {
		fprintf(f, "  loss-derived (RFC 6413) ");
		for (int d = 0; d < TIMERS_NDIR; d++) {
			if (r->loss_derived_s[d] >= 0)
				fprintf(f, "%s %.3f", dirs[d], r->loss_derived_s[d]);
			else
				fprintf(f, "%s -", dirs[d]);
			fprintf(f, d + 1 < TIMERS_NDIR ? ", " : "\n");
		}
	}

	if (r->has_pred) {
		fprintf(f, "\n  predicted window (s)    %-17s  %-17s  %-17s\n", "fwd", "rev",
		        "rtt");
		for (size_t m = 0; m < r->pred.n_models; m++) {
			const struct timers_model *md = &r->pred.models[m];
			fprintf(f, "    %-20s", md->name);
			for (int d = 0; d < TIMERS_NDIR; d++)
				window(f, &md->dir[d].w);
			bool in = r->measured_s[TIMERS_RTT] >= 0 &&
			          r->measured_s[TIMERS_RTT] >= md->dir[TIMERS_RTT].w.min_s - 1e-3 &&
			          r->measured_s[TIMERS_RTT] <= md->dir[TIMERS_RTT].w.max_s + 1e-3;
			fprintf(f, "%s\n", in ? "  <- contains the round trip" : "");
		}
		fprintf(f, "  inside the lab's window:");
		for (int d = 0; d < TIMERS_NDIR; d++)
			fprintf(f, " %s %s", timers_dir_name(d),
			        r->inside[d] < 0 ? "n/a"
			        : r->inside[d]   ? "yes"
			                         : "NO");
		fprintf(f, "\n");
	} else {
		fprintf(f, "\n  predicted window: not available (no topology or timer model for "
		           "this fault)\n");
	}
	report_loss_text(r, f);
	report_budget_text(r, f);
	fprintf(f, "\n  mechanism: %s\n", r->mechanism);
	report_reversion_text(r, f);
}

void report_text(const struct report *r, FILE *f)
{
	fprintf(f, "labctl report: lab %s, time scale %g\n", r->lab, r->time_scale);
	if (r->bad_lines)
		fprintf(f, "(%zu journal lines could not be read and were skipped)\n",
		        r->bad_lines);
	if (!r->n_runs) {
		fprintf(f,
		        "\nno fault was injected in this lab: nothing to report "
		        "(run `labctl failover %s` or `labctl fault`)\n",
		        r->lab);
		return;
	}
	for (size_t i = 0; i < r->n_runs; i++) {
		fprintf(f, "\n");
		run_text(r, i, f);
	}
	double mn, md, mx;
	size_t n;
	if (report_summary(r, TIMERS_RTT, &mn, &md, &mx, &n))
		fprintf(f, "\nround trip over %zu run%s: min %.3f s, median %.3f s, max %.3f s\n",
		        n, n == 1 ? "" : "s", mn, md, mx);
	report_model_text(r, f);
	double s = r->time_scale;
	const struct timers_article *a = &timers_article;
	fprintf(
	    f, "\nthe article: measured " TIMERS_ARTICLE_MEASURED_TEXT "; its formula %s = %g-%g s",
	    a->formula, a->min_s, a->max_s);
	if (s != 1.0)
		fprintf(f, " (x %g here: %.3f-%.3f s)", s, a->min_s * s, a->max_s * s);
	fprintf(f, ".\nwhy the article's formula and RFC 4271 differ: %s\n", a->why);
}
