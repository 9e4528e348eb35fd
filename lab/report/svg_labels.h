/* Where the timeline's event labels go (report/svg.c): above the plot, in rows,
 * none overlapping another and none crossing the picture's edges. Pure: the unit
 * test checks the SVG it produces against the same text width estimate. */
#ifndef LAB_REPORT_SVG_LABELS_H
#define LAB_REPORT_SVG_LABELS_H

#include <stdbool.h>
#include <stddef.h>

/* The label font (px) and a width estimate for a line of it: 0.62 em per
 * character is above the average advance of DejaVu Sans and Liberation Sans
 * (the fonts a browser picks for sans-serif on Debian) for lower case, digits
 * and punctuation, so real text is narrower than its box. */
#define SVG_LABEL_FONT_PX 14
#define SVG_LABEL_ROW_H 20
double svg_label_width(const char *text);

struct svg_label {
	double anchor; /* the marker's x */
	double w;      /* the text's width */
	/* out */
	double x;    /* the box's left edge (text-anchor start) */
	int row;     /* 0 = the top row */
	bool leader; /* the box does not touch the marker: draw a leader line */
};

/* Places each label right of its marker if it fits before `right`, else ending
 * left of it, else as far right as fits in [left, right]; in the first row where
 * its box keeps `gap` from every other box there. Labels in input order (by
 * time). Returns the number of rows used. */
int svg_labels_place(struct svg_label *v, size_t n, double left, double right, double gap);

#endif
