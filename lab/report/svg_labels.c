/* The timeline's label layout (svg_labels.h). A label first tries the side of its
 * marker where it fits (right, else left, so a late event near the right edge is
 * not cut off), then the first row with room: staggering rows instead of shrinking
 * text keeps the labels readable on a projector. */
#include "report/svg_labels.h"

#include <string.h>

double svg_label_width(const char *text)
{
	return 0.62 * SVG_LABEL_FONT_PX * (double)strlen(text);
}

static bool overlaps(const struct svg_label *v, size_t n, int row, double x, double w, double gap)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].row == row && x < v[i].x + v[i].w + gap && v[i].x < x + w + gap)
			return true;
	return false;
}

int svg_labels_place(struct svg_label *v, size_t n, double left, double right, double gap)
{
	int rows = n ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		struct svg_label *l = &v[i];
		double x = l->anchor + 3;
		if (x + l->w > right)
			x = l->anchor - 3 - l->w;
		if (x < left)
			x = right - l->w < left ? left : right - l->w;
		l->x = x;
		l->leader = x > l->anchor || x + l->w < l->anchor - 4;
		int row = 0;
		while (overlaps(v, i, row, x, l->w, gap))
			row++;
		l->row = row;
		if (row + 1 > rows)
			rows = row + 1;
	}
	return rows;
}
