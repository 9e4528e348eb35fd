/* The timeline of one run as SVG, drawn here (no library): one row per flow,
 * direction and leg (green: replies, red: losses), a vertical marker per event,
 * the lab's predicted round-trip window shaded, time in seconds after the fault. */
#include <math.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "probe/wire.h"
#include "report/report.h"
#include "report/svg_labels.h"

/* Sized for a projector: text at 14 px or more (svg_labels.h), dark on white. */
#define W 1400
#define LEFT 250
#define RIGHT 30
#define ROW_H 18
#define LABEL_LEFT 10 /* labels may use the width left of the plot too */

struct frame {
	int64_t lo, hi;
	double plot_w;
};

static double xpos(const struct frame *fr, int64_t t)
{
	if (t < fr->lo)
		t = fr->lo;
	if (t > fr->hi)
		t = fr->hi;
	return LEFT + (double)(t - fr->lo) / (double)(fr->hi - fr->lo) * fr->plot_w;
}

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, f);
		}
	}
}

static const char *mark_color(enum report_mark k)
{
	switch (k) {
	case MARK_FAULT: return "#d62728";
	case MARK_SA_DOWN: return "#9467bd";
	case MARK_LAST_KEEPALIVE: return "#8c564b";
	case MARK_HOLD_EXPIRY: return "#ff7f0e";
	case MARK_SESSION_DOWN: return "#ff7f0e";
	case MARK_WITHDRAW: return "#17becf";
	case MARK_FIB: return "#1f77b4";
	case MARK_RECOVERY: return "#2ca02c";
	case MARK_HEAL: return "#7f7f7f";
	case MARK_NEXTHOP: return "#e377c2";
	}
	return "#000";
}

/* A "nice" axis step (1, 2 or 5 x 10^k seconds) giving at most about 12 ticks. */
static double axis_step(double span_s)
{
	double raw = span_s / 12, p = pow(10, floor(log10(raw)));
	for (int i = 0; i < 3; i++) {
		double m = (double[]){1, 2, 5}[i] * p;
		if (m >= raw)
			return m;
	}
	return 10 * p;
}

static void frame_of(const struct report_run *r, struct frame *fr)
{
	int64_t end = r->t0;
	for (size_t i = 0; i < r->n_marks; i++)
		if (r->marks[i].t > end)
			end = r->marks[i].t;
	if (r->has_pred) {
		const struct timers_model *lab = timers_find_model(&r->pred, "lab");
		if (lab && isfinite(lab->dir[TIMERS_RTT].w.max_s))
			if (r->t0 + (int64_t)(lab->dir[TIMERS_RTT].w.max_s * NS_PER_SEC) > end)
				end = r->t0 + (int64_t)(lab->dir[TIMERS_RTT].w.max_s * NS_PER_SEC);
	}
	int64_t after = end - r->t0;
	if (after < NS_PER_SEC)
		after = NS_PER_SEC;
	fr->lo = r->t0 - after * 15 / 100;
	if (fr->lo < r->from_t && r->from_t < r->t0)
		fr->lo = r->from_t;
	/* After the clamp to the probes' start: a mark before it (the last KEEPALIVE
	 * can precede the probes by most of a keepalive interval) must still be drawn
	 * where it happened, not pinned to the left edge. */
	for (size_t i = 0; i < r->n_marks; i++)
		if (r->marks[i].t - after / 50 < fr->lo)
			fr->lo = r->marks[i].t - after / 50;
	fr->hi = end + after / 10;
	fr->plot_w = W - LEFT - RIGHT;
}

#define LOSS_H 40 /* the loss strip of a `loss` run */
#define LOSS_BINS_MAX 4096

/* A grey failure shows as a rate, not a gap: the fraction of round-trip probes
 * lost per bin (1 s; 0.1 s when the plot spans under 20 s), worst flow per bin,
 * with the fault's own rate for a round trip, 1 - (1 - p)^2, dashed. */
static void loss_strip(FILE *f, const struct report_run *r, const struct frame *fr, int y)
{
	double span_s = (double)(fr->hi - fr->lo) / NS_PER_SEC;
	int64_t bin = span_s < 20 ? NS_PER_SEC / 10 : NS_PER_SEC;
	size_t nb = (size_t)((fr->hi - fr->lo) / bin) + 1;
	if (nb > LOSS_BINS_MAX || r->resolution_ns <= 0)
		return;
	uint32_t sent[LOSS_BINS_MAX], lost[LOSS_BINS_MAX];
	double worst[LOSS_BINS_MAX];
	for (size_t b = 0; b < nb; b++)
		worst[b] = 0;
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		if (s->leg != LEG_RTT)
			continue;
		memset(sent, 0, nb * sizeof(sent[0]));
		memset(lost, 0, nb * sizeof(lost[0]));
		for (size_t k = 0; k < s->n_spans; k++)
			for (int64_t t = s->spans[k].from; t <= s->spans[k].to;
			     t += r->resolution_ns) {
				if (t < fr->lo || t >= fr->hi)
					continue;
				size_t b = (size_t)((t - fr->lo) / bin);
				sent[b]++;
				lost[b] += !s->spans[k].ok;
			}
		for (size_t b = 0; b < nb; b++)
			if (sent[b] && (double)lost[b] / sent[b] > worst[b])
				worst[b] = (double)lost[b] / sent[b];
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">lost per %g s (rtt)</text>\n",
	        LEFT - 8, y + LOSS_H / 2 + 5, (double)bin / NS_PER_SEC);
	fprintf(f,
	        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"none\" "
	        "stroke=\"#bbb\"/>\n",
	        LEFT, y, fr->plot_w, LOSS_H);
	for (size_t b = 0; b < nb; b++) {
		if (worst[b] <= 0)
			continue;
		double xa = xpos(fr, fr->lo + (int64_t)b * bin),
		       xb = xpos(fr, fr->lo + (int64_t)(b + 1) * bin);
		double h = worst[b] * LOSS_H;
		fprintf(f,
		        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		        "fill=\"#d62728\" fill-opacity=\"0.8\"/>\n",
		        xa, y + LOSS_H - h, xb - xa > 0.5 ? xb - xa : 0.5, h);
	}
	if (r->loss_p >= 0) {
		double q = 1 - (1 - r->loss_p) * (1 - r->loss_p), yq = y + LOSS_H - q * LOSS_H;
		int64_t end = r->heal_t ? r->heal_t : fr->hi;
		fprintf(f,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
		        "stroke-dasharray=\"4,3\"/>\n",
		        xpos(fr, r->t0), yq, xpos(fr, end), yq);
		/* inside the plot, right-aligned at the heal, just above the line */
		fprintf(f,
		        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">1 - (1 - p)^2 = "
		        "%.0f %%</text>\n",
		        xpos(fr, end) - 4, yq - 3, q * 100);
	}
}

/* "hold timer expired (ali-vpn0)": what a marker's label says. */
static void label_text(const struct report_marker *m, char *buf, size_t len)
{
	if (m->node[0])
		snprintf(buf, len, "%s (%s)", m->text, m->node);
	else
		snprintf(buf, len, "%s", m->text);
}

int report_svg(const struct report *rep, size_t run, FILE *f)
{
	if (run >= rep->n_runs)
		return lab_err(LAB_EXIT_USAGE, "no run %zu in this report (it has %zu)", run + 1,
		               rep->n_runs);
	const struct report_run *r = &rep->runs[run];
	struct frame fr;
	frame_of(r, &fr);

	/* Marker labels go into rows above the plot (svg_labels.c): none overlap,
	 * none crosses the edges. */
	size_t nl = r->n_marks;
	struct svg_label labels[nl ? nl : 1];
	for (size_t i = 0; i < nl; i++) {
		char text[256];
		label_text(&r->marks[i], text, sizeof(text));
		labels[i] = (struct svg_label){.anchor = xpos(&fr, r->marks[i].t),
		                               .w = svg_label_width(text)};
	}
	int n_label_rows = svg_labels_place(labels, nl, LABEL_LEFT, W - RIGHT, 8);
	int top = 50 + (n_label_rows ? n_label_rows : 1) * SVG_LABEL_ROW_H;
	int plot_h = (int)(r->n_streams ? r->n_streams : 1) * ROW_H;
	bool loss = !strcmp(r->kind, "loss");
	int strip = loss ? LOSS_H + 56 : 0; /* below the window labels, above the axis */
	int height = top + plot_h + 70 + strip;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"14\">\n",
	        W, height, W, height);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W,
	        height);
	fprintf(f, "<text x=\"10\" y=\"24\" font-size=\"18\" font-weight=\"bold\">lab ");
	esc(f, rep->lab);
	fprintf(f, ", run %zu: fault ", run + 1);
	esc(f, r->kind);
	fprintf(f, " on ");
	esc(f, r->target);
	if (r->measured_s[TIMERS_RTT] >= 0)
		fprintf(f, ", round-trip outage %.3f s", r->measured_s[TIMERS_RTT]);
	fprintf(f, " (resolution %.3f s)</text>\n", (double)r->resolution_ns / NS_PER_SEC);

	/* Predicted windows: the lab's shaded, the article's formula outlined. */
	if (r->has_pred) {
		for (size_t m = 0; m < r->pred.n_models; m++) {
			const struct timers_model *md = &r->pred.models[m];
			bool lab = !strcmp(md->name, "lab"), art = !strcmp(md->name, "article");
			if (!lab && !art)
				continue;
			const struct timers_window *w = &md->dir[TIMERS_RTT].w;
			int64_t a = r->t0 + (int64_t)(w->min_s * NS_PER_SEC);
			int64_t b =
			    isfinite(w->max_s) ? r->t0 + (int64_t)(w->max_s * NS_PER_SEC) : fr.hi;
			double xa = xpos(&fr, a), xb = xpos(&fr, b);
			if (lab)
				fprintf(f,
				        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
				        "fill=\"#cfe3ff\" fill-opacity=\"0.7\"/>\n",
				        xa, top - 4, xb - xa > 1 ? xb - xa : 1, plot_h + 8);
			else
				fprintf(
				    f,
				    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
				    "fill=\"none\" stroke=\"#555\" stroke-dasharray=\"2,3\"/>\n",
				    xa, top - 6, xb - xa > 1 ? xb - xa : 1, plot_h + 12);
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s window %.3f-", xa + 2,
			        top + plot_h + (lab ? 20 : 32), lab ? "#1f4e9c" : "#555",
			        lab ? "lab" : "article", w->min_s);
			if (isfinite(w->max_s))
				fprintf(f, "%.3f s (rtt)</text>\n", w->max_s);
			else
				fprintf(f, "inf (rtt)</text>\n");
		}
	}

	/* Rows. */
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		int y = top + (int)i * ROW_H;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LEFT - 8, y + 11);
		esc(f, s->probe);
		fprintf(f, " flow %u %s %s</text>\n", s->flow, probe_dir_name(s->dir),
		        s->leg == LEG_RTT ? "rtt" : "one-way");
		for (size_t k = 0; k < s->n_spans; k++) {
			const struct report_span *sp = &s->spans[k];
			if (sp->to + r->resolution_ns < fr.lo || sp->from > fr.hi)
				continue;
			double xa = xpos(&fr, sp->from), xb = xpos(&fr, sp->to + r->resolution_ns);
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" "
			        "fill=\"%s\"/>\n",
			        xa, y, xb - xa > 0.5 ? xb - xa : 0.5,
			        sp->ok ? "#2ca02c" : "#d62728");
		}
	}

	/* Event markers with their labels above the plot; a label moved away from
	 * its marker gets a leader line along its row. */
	for (size_t i = 0; i < nl; i++) {
		const struct report_marker *m = &r->marks[i];
		const struct svg_label *l = &labels[i];
		double x = l->anchor;
		int ly = 46 + l->row * SVG_LABEL_ROW_H;
		const char *c = mark_color(m->kind);
		fprintf(f,
		        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
		        "stroke-width=\"1.5\" stroke-dasharray=\"4,2\"/>\n",
		        x, ly - 5, x, top + plot_h + 4, c);
		if (l->leader)
			fprintf(f,
			        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
			        "stroke-width=\"1\"/>\n",
			        x, ly - 5, l->x > x ? l->x - 1 : l->x + l->w + 1, ly - 5, c);
		char text[256];
		label_text(m, text, sizeof(text));
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"mark\" fill=\"%s\" font-size=\"%d\">",
		        l->x, ly, c, SVG_LABEL_FONT_PX);
		esc(f, text);
		fprintf(f, "</text>\n");
	}

	if (loss)
		loss_strip(f, r, &fr, top + plot_h + 44);

	/* Time axis in seconds after the fault. */
	int ay = top + plot_h + 44 + strip;
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", LEFT, ay,
	        W - RIGHT, ay);
	double lo_s = (double)(fr.lo - r->t0) / NS_PER_SEC,
	       hi_s = (double)(fr.hi - r->t0) / NS_PER_SEC;
	double step = axis_step(hi_s - lo_s);
	for (double v = ceil(lo_s / step) * step; v <= hi_s + 1e-9; v += step) {
		double x = xpos(&fr, r->t0 + (int64_t)llround(v * NS_PER_SEC));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\"/>\n",
		        x, ay, x, ay + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n", x,
		        ay + 17, fabs(v) < step / 1e6 ? 0.0 : v);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">s after the fault</text>\n",
	        LEFT - 8, ay + 17);
	fprintf(f, "</svg>\n");
	return ferror(f) ? lab_err(LAB_EXIT_FAIL, "writing the SVG failed") : 0;
}
