/* A sweep as an SVG picture: one axis, each model's window as a band over the
 * swept value with the budget as a line and the article's measurements as points
 * where the swept topology is the article's configuration; two axes, a heat map of
 * one model's worst case with the cells over budget marked. Pure SVG text, no
 * library: the picture is a few hundred elements of fixed shape. */
#ifndef LAB_REPORT_SWEEP_SVG_H
#define LAB_REPORT_SWEEP_SVG_H

#include <stdbool.h>
#include <stdio.h>

#include "timers/sweep.h"

struct sweep_svg_opts {
	const char *title;   /* "dual-tunnel, tunnel tun0, fault ike-mismatch" */
	enum timers_dir dir; /* the direction drawn */
	int gate_model;      /* index of the model of the heat map (and budget verdicts) */
	bool has_budget;
	double budget_s;
	bool article_points; /* draw the article's measurements at the file's value */
};

/* 0, or -1 with lab_err (a write failed). */
int report_sweep_svg(const struct timers_sweep *sw, const struct sweep_svg_opts *o, FILE *f);

#endif
