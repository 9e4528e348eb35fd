/* The failover timeline's labels read on a projector: in a report crowded at the
 * right edge (the case that used to overlap and run off the picture), the SVG's
 * event labels, read back from the SVG text itself with the width estimate the
 * layout uses, overlap no other label and stay inside the viewBox, and no text
 * is smaller than 14 px. Plus the layout function on random label sets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/monotime.h"
#include "report/report.h"
#include "report/svg_labels.h"

struct box {
	double x0, y0, x1, y1;
};

static double attr(const char *tag, const char *name, double dflt)
{
	char needle[32];
	snprintf(needle, sizeof(needle), " %s=\"", name);
	const char *p = strstr(tag, needle);
	const char *end = strchr(tag, '>');
	return p && (!end || p < end) ? atof(p + strlen(needle)) : dflt;
}

/* The text content with XML entities undone (one character each). */
static size_t content_len(const char *p)
{
	size_t n = 0;
	for (; *p && *p != '<'; p++, n++)
		if (*p == '&')
			while (*p && *p != ';')
				p++;
	return n;
}

static void check_svg(const char *svg)
{
	double vw = 0, vh = 0;
	const char *vb = strstr(svg, "viewBox=\"");
	CHECK(vb && sscanf(vb + 9, "0 0 %lf %lf", &vw, &vh) == 2);
	CHECK(attr(strstr(svg, "<svg"), "font-size", 0) >= 14);
	struct box b[64];
	size_t n = 0;
	for (const char *p = strstr(svg, "<text"); p; p = strstr(p + 1, "<text")) {
		double fs = attr(p, "font-size", 14);
		CHECK(fs >= 14);
		if (!strstr(p, "class=\"mark\"") || strstr(p, "class=\"mark\"") > strchr(p, '>'))
			continue;
		const char *c = strchr(p, '>') + 1;
		double x = attr(p, "x", -1), y = attr(p, "y", -1);
		double w = 0.62 * fs * (double)content_len(c);
		CHECK(n < 64);
		if (n < 64)
			b[n++] = (struct box){x, y - fs, x + w, y + 0.3 * fs};
	}
	CHECK(n >= 10);
	for (size_t i = 0; i < n; i++) {
		if (b[i].x0 < 0 || b[i].x1 > vw || b[i].y0 < 0 || b[i].y1 > vh)
			fprintf(stderr,
			        "label %zu [%.1f,%.1f]x[%.1f,%.1f] leaves the viewBox %gx%g\n", i,
			        b[i].x0, b[i].x1, b[i].y0, b[i].y1, vw, vh);
		CHECK(b[i].x0 >= 0 && b[i].x1 <= vw && b[i].y0 >= 0 && b[i].y1 <= vh);
		for (size_t k = i + 1; k < n; k++) {
			bool ov = b[i].x0 < b[k].x1 && b[k].x0 < b[i].x1 && b[i].y0 < b[k].y1 &&
			          b[k].y0 < b[i].y1;
			if (ov)
				fprintf(stderr, "labels %zu and %zu overlap\n", i, k);
			CHECK(!ov);
		}
	}
}

#define S(x) ((int64_t)((x)*1e9))

static void crowded_report(void)
{
	static const char *const texts[] = {"last keepalive from 169.254.21.2",
	                                    "fault ike-mismatch tun0",
	                                    "SA down (ike-down)",
	                                    "hold timer expired",
	                                    "withdrawal received (1)",
	                                    "FIB delete 10.0.0.0/16",
	                                    "BIRD protocol down: routes withdrawn",
	                                    "FIB delete 172.16.1.0/24",
	                                    "hold timer expired",
	                                    "FIB delete 172.16.1.0/24",
	                                    "recovery",
	                                    "heal"};
	static const char *const nodes[] = {"ali-vpn0",  "ali-vpn0",  "azure-vpn0", "azure-vpn0",
	                                    "azure-hub", "azure-hub", "azure-vpn0", "ali-vpn0",
	                                    "ali-vpn0",  "ali-tr",    "",           "ali-vpn0"};
	/* Everything after the fault within 0.15 s, at the right end of the frame. */
	static const double at[] = {-0.257, 0,     2.62,  2.627, 2.648, 2.648,
	                            2.653,  2.743, 2.743, 2.744, 2.75,  2.76};
	struct report_marker marks[12];
	for (size_t i = 0; i < 12; i++) {
		marks[i] =
		    (struct report_marker){.kind = (enum report_mark)(i % 9), .t = S(100 + at[i])};
		snprintf(marks[i].text, sizeof(marks[i].text), "%s", texts[i]);
		snprintf(marks[i].node, sizeof(marks[i].node), "%s", nodes[i]);
	}
	struct report_run run = {.t0 = S(100),
	                         .from_t = S(99),
	                         .to_t = S(103),
	                         .marks = marks,
	                         .n_marks = 12,
	                         .resolution_ns = 100 * NS_PER_MS};
	snprintf(run.kind, sizeof(run.kind), "ike-mismatch");
	snprintf(run.target, sizeof(run.target), "tun0");
	for (int d = 0; d < TIMERS_NDIR; d++)
		run.measured_s[d] = -1;
	struct report rep = {.runs = &run, .n_runs = 1, .time_scale = 0.1};
	snprintf(rep.lab, sizeof(rep.lab), "crowded");
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);
	CHECK_INT(report_svg(&rep, 0, f), 0);
	fclose(f);
	if (getenv("REPORT_SVG_OUT")) {
		FILE *o = fopen(getenv("REPORT_SVG_OUT"), "w");
		if (o) {
			fputs(svg, o);
			fclose(o);
		}
	}
	check_svg(svg);
	free(svg);
}

/* Random label sets: no two boxes in a row overlap, all inside [left, right]. */
static void random_layouts(void)
{
	srand(14);
	for (int round = 0; round < 500; round++) {
		struct svg_label v[20];
		size_t n = 1 + (size_t)(rand() % 20);
		for (size_t i = 0; i < n; i++)
			v[i] = (struct svg_label){.anchor = 250 + rand() % 1120,
			                          .w = 40 + rand() % 400};
		int rows = svg_labels_place(v, n, 10, 1370, 8);
		CHECK(rows >= 1 && rows <= (int)n);
		for (size_t i = 0; i < n; i++) {
			CHECK(v[i].x >= 10 && v[i].x + v[i].w <= 1370);
			for (size_t k = i + 1; k < n; k++)
				CHECK(v[i].row != v[k].row || v[i].x + v[i].w + 8 <= v[k].x ||
				      v[k].x + v[k].w + 8 <= v[i].x);
		}
	}
}

int main(void)
{
	crowded_report();
	random_layouts();
	return check_done();
}
