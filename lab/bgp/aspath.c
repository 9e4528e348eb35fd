/* AS paths: wire form (2- and 4-octet ASNs), RFC 6793 AS4_PATH reconstruction, and
 * the operations the RIB needs (prepend, length, loop check). */
#include "codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEG_MAX 255

void bgp_as_path_free(struct bgp_as_path *p)
{
	free(p->seg);
	free(p->asn);
	memset(p, 0, sizeof(*p));
}

static int grow(struct bgp_as_path *p, size_t more_seg, size_t more_asn)
{
	if (more_seg) {
		struct bgp_as_seg *s = realloc(p->seg, (p->nseg + more_seg) * sizeof(*s));
		if (!s)
			return -ENOMEM;
		p->seg = s;
	}
	if (more_asn) {
		uint32_t *a = realloc(p->asn, (p->nasn + more_asn) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		p->asn = a;
	}
	return 0;
}

int bgp_as_path_copy(struct bgp_as_path *dst, const struct bgp_as_path *src)
{
	memset(dst, 0, sizeof(*dst));
	if (grow(dst, src->nseg, src->nasn) < 0) {
		bgp_as_path_free(dst);
		return -ENOMEM;
	}
	if (src->nseg)
		memcpy(dst->seg, src->seg, src->nseg * sizeof(*src->seg));
	if (src->nasn)
		memcpy(dst->asn, src->asn, src->nasn * sizeof(*src->asn));
	dst->nseg = src->nseg;
	dst->nasn = src->nasn;
	return 0;
}

bool bgp_as_path_equal(const struct bgp_as_path *a, const struct bgp_as_path *b)
{
	if (a->nseg != b->nseg || a->nasn != b->nasn)
		return false;
	for (size_t i = 0; i < a->nseg; i++)
		if (a->seg[i].type != b->seg[i].type || a->seg[i].count != b->seg[i].count)
			return false;
	for (size_t i = 0; i < a->nasn; i++)
		if (a->asn[i] != b->asn[i])
			return false;
	return true;
}

/* Consecutive AS_SEQUENCEs are merged so that one path has one representation
 * however it was split on the wire; sets stay apart (two sets are not one set). */
int bgp_as_path_append(struct bgp_as_path *p, uint8_t type, const uint32_t *asn, size_t n)
{
	size_t i = 0;

	if (grow(p, n / SEG_MAX + 1, n) < 0)
		return -ENOMEM;
	while (i < n) {
		struct bgp_as_seg *last = p->nseg ? &p->seg[p->nseg - 1] : NULL;
		size_t take;

		if (last && type == BGP_AS_SEQUENCE && last->type == BGP_AS_SEQUENCE &&
		    last->count < SEG_MAX) {
			take = SEG_MAX - last->count;
		} else {
			if (grow(p, 1, 0) < 0)
				return -ENOMEM;
			last = &p->seg[p->nseg++];
			last->type = type;
			last->count = 0;
			take = SEG_MAX;
		}
		if (take > n - i)
			take = n - i;
		memcpy(&p->asn[p->nasn], &asn[i], take * sizeof(*asn));
		p->nasn += take;
		last->count = (uint8_t)(last->count + take);
		i += take;
	}
	return 0;
}

/* Rebuilt through append so the path keeps the one form the parser produces
 * (sequences packed 255 to a segment from the left); RFC 4271 s5.1.2: in front of
 * a set a new sequence starts, which append does by itself. */
int bgp_as_path_prepend(struct bgp_as_path *p, uint32_t asn)
{
	struct bgp_as_path out = {0};
	size_t k = 0;

	if (bgp_as_path_append(&out, BGP_AS_SEQUENCE, &asn, 1) < 0)
		goto oom;
	for (size_t i = 0; i < p->nseg; i++) {
		if (bgp_as_path_append(&out, p->seg[i].type, &p->asn[k], p->seg[i].count) < 0)
			goto oom;
		k += p->seg[i].count;
	}
	bgp_as_path_free(p);
	*p = out;
	return 0;
oom:
	bgp_as_path_free(&out);
	return -ENOMEM;
}

size_t bgp_as_path_length(const struct bgp_as_path *p)
{
	size_t n = 0;

	/* RFC 4271 s9.1.2.2 a; RFC 5065 s5.3: confederation segments do not count. */
	for (size_t i = 0; i < p->nseg; i++) {
		if (p->seg[i].type == BGP_AS_SEQUENCE)
			n += p->seg[i].count;
		else if (p->seg[i].type == BGP_AS_SET)
			n += 1;
	}
	return n;
}

bool bgp_as_path_contains(const struct bgp_as_path *p, uint32_t asn)
{
	for (size_t i = 0; i < p->nasn; i++)
		if (p->asn[i] == asn)
			return true;
	return false;
}

uint32_t bgp_as_path_first(const struct bgp_as_path *p)
{
	if (p->nseg && p->seg[0].type == BGP_AS_SEQUENCE && p->nasn)
		return p->asn[0];
	return 0;
}

bool bgp_as_path_has_big(const struct bgp_as_path *p)
{
	for (size_t i = 0; i < p->nasn; i++)
		if (p->asn[i] > 0xffff)
			return true;
	return false;
}

void bgp_as_path_format(const struct bgp_as_path *p, char *buf, size_t size)
{
	static const char lbr[] = " { (["; /* by segment type */
	static const char rbr[] = " } )]";
	size_t k = 0, off = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < p->nseg; i++) {
		uint8_t t = p->seg[i].type;
		bool bracket = t != BGP_AS_SEQUENCE && t <= BGP_AS_CONFED_SET;
		int n;

		for (size_t j = 0; j < p->seg[i].count; j++, k++) {
			n = snprintf(buf + off, size - off, "%s%s%u", off ? " " : "",
			             bracket && j == 0 ? (char[2]){lbr[t], 0} : "", p->asn[k]);
			if (n < 0 || (size_t)n >= size - off)
				return;
			off += (size_t)n;
		}
		if (bracket) {
			n = snprintf(buf + off, size - off, "%c", rbr[t]);
			if (n < 0 || (size_t)n >= size - off)
				return;
			off += (size_t)n;
		}
	}
}

int bgp_as_path_parse(struct rbuf *r, bool as4, struct bgp_as_path *p, const char **why)
{
	uint32_t asn[SEG_MAX];

	memset(p, 0, sizeof(*p));
	while (rbuf_left(r) > 0) {
		uint8_t type, count;

		rbuf_u8(r, &type);
		rbuf_u8(r, &count);
		if (!rbuf_ok(r)) {
			*why = "AS_PATH segment header truncated";
			goto bad;
		}
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET) {
			*why = "AS_PATH segment of unknown type";
			goto bad;
		}
		/* RFC 7606 s7.2: a zero-length segment is malformed. */
		if (count == 0) {
			*why = "empty AS_PATH segment";
			goto bad;
		}
		for (unsigned i = 0; i < count; i++) {
			uint16_t a2;

			if (as4) {
				rbuf_u32(r, &asn[i]);
			} else {
				rbuf_u16(r, &a2);
				asn[i] = a2;
			}
		}
		if (!rbuf_ok(r)) {
			*why = "AS_PATH segment overruns the attribute";
			goto bad;
		}
		if (bgp_as_path_append(p, type, asn, count) < 0) {
			*why = "out of memory";
			goto bad;
		}
	}
	return 0;
bad:
	bgp_as_path_free(p);
	return -1;
}

int bgp_as_path_write(struct wbuf *w, const struct bgp_as_path *p, bool as4, bool skip_confed)
{
	size_t k = 0;

	for (size_t i = 0; i < p->nseg; i++) {
		uint8_t t = p->seg[i].type, n = p->seg[i].count;
		bool skip = skip_confed && (t == BGP_AS_CONFED_SEQUENCE || t == BGP_AS_CONFED_SET);

		if (!skip) {
			wbuf_u8(w, t);
			wbuf_u8(w, n);
		}
		for (unsigned j = 0; j < n; j++, k++) {
			if (skip)
				continue;
			if (as4)
				wbuf_u32(w, p->asn[k]);
			else
				wbuf_u16(w,
				         p->asn[k] > 0xffff ? BGP_AS_TRANS : (uint16_t)p->asn[k]);
		}
	}
	return w->overflow ? -1 : 0;
}

/* RFC 6793 s4.2.3: keep the leading ASNs of AS_PATH that AS4_PATH does not cover
 * (by the decision-process count), then append AS4_PATH. If AS4_PATH is longer,
 * it is ignored. Leading confederation segments count 0 and are kept. */
int bgp_as_path_merge_as4(struct bgp_as_path *as_path, const struct bgp_as_path *as4_path)
{
	size_t n = bgp_as_path_length(as_path), m = bgp_as_path_length(as4_path);
	size_t need, k = 0, k4 = 0;
	struct bgp_as_path out = {0};

	if (n < m)
		return 0;
	need = n - m;
	for (size_t i = 0; i < as_path->nseg; i++) {
		const struct bgp_as_seg *s = &as_path->seg[i];
		size_t take;

		if (s->type == BGP_AS_CONFED_SEQUENCE || s->type == BGP_AS_CONFED_SET)
			take = s->count;
		else if (s->type == BGP_AS_SET)
			take = need ? s->count : 0;
		else
			take = need < s->count ? need : s->count;
		if (take == 0 && s->type != BGP_AS_CONFED_SEQUENCE && s->type != BGP_AS_CONFED_SET)
			break;
		if (bgp_as_path_append(&out, s->type, &as_path->asn[k], take) < 0)
			goto oom;
		if (s->type == BGP_AS_SET)
			need--;
		else if (s->type == BGP_AS_SEQUENCE)
			need -= take;
		k += s->count;
		if (take < s->count)
			break;
	}
	for (size_t i = 0; i < as4_path->nseg; i++) {
		const struct bgp_as_seg *s = &as4_path->seg[i];

		if (bgp_as_path_append(&out, s->type, &as4_path->asn[k4], s->count) < 0)
			goto oom;
		k4 += s->count;
	}
	bgp_as_path_free(as_path);
	*as_path = out;
	return 0;
oom:
	bgp_as_path_free(&out);
	return -ENOMEM;
}
