/* The only place that indexes wire buffers: see buf.h. */
#include "buf.h"

#include <string.h>

void rbuf_init(struct rbuf *r, const uint8_t *data, size_t len)
{
	r->data = data;
	r->len = data ? len : 0;
	r->pos = 0;
	r->bad = false;
}

size_t rbuf_left(const struct rbuf *r)
{
	return r->bad ? 0 : r->len - r->pos;
}

bool rbuf_ok(const struct rbuf *r)
{
	return !r->bad;
}

/* Fails (and poisons the reader) unless n more bytes are there. */
static int take(struct rbuf *r, size_t n)
{
	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return -1;
	}
	return 0;
}

int rbuf_u8(struct rbuf *r, uint8_t *v)
{
	*v = 0;
	if (take(r, 1) < 0)
		return -1;
	*v = r->data[r->pos++];
	return 0;
}

int rbuf_u16(struct rbuf *r, uint16_t *v)
{
	*v = 0;
	if (take(r, 2) < 0)
		return -1;
	*v = (uint16_t)(r->data[r->pos] << 8 | r->data[r->pos + 1]);
	r->pos += 2;
	return 0;
}

int rbuf_u32(struct rbuf *r, uint32_t *v)
{
	*v = 0;
	if (take(r, 4) < 0)
		return -1;
	*v = (uint32_t)r->data[r->pos] << 24 | (uint32_t)r->data[r->pos + 1] << 16 |
	     (uint32_t)r->data[r->pos + 2] << 8 | r->data[r->pos + 3];
	r->pos += 4;
	return 0;
}

int rbuf_peek_u8(const struct rbuf *r, size_t at, uint8_t *v)
{
	*v = 0;
	if (r->bad || at >= r->len - r->pos)
		return -1;
	*v = r->data[r->pos + at];
	return 0;
}

int rbuf_copy(struct rbuf *r, void *dst, size_t n)
{
	if (take(r, n) < 0)
		return -1;
	if (n)
		memcpy(dst, r->data + r->pos, n);
	r->pos += n;
	return 0;
}

int rbuf_skip(struct rbuf *r, size_t n)
{
	if (take(r, n) < 0)
		return -1;
	r->pos += n;
	return 0;
}

int rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub)
{
	if (take(r, n) < 0) {
		rbuf_init(sub, NULL, 0);
		sub->bad = true;
		return -1;
	}
	rbuf_init(sub, r->data + r->pos, n);
	r->pos += n;
	return 0;
}

size_t rbuf_copy_since(const struct rbuf *r, size_t from, void *dst, size_t cap)
{
	size_t end = r->pos, n;

	if (from > end)
		return 0;
	n = end - from;
	if (n > cap)
		n = cap;
	if (n)
		memcpy(dst, r->data + from, n);
	return n;
}

void wbuf_init(struct wbuf *w, uint8_t *data, size_t cap)
{
	w->data = data;
	w->cap = data ? cap : 0;
	w->len = 0;
	w->overflow = false;
}

static int reserve(struct wbuf *w, size_t n)
{
	if (n > w->cap - w->len) {
		w->overflow = true;
		return -1;
	}
	return 0;
}

int wbuf_u8(struct wbuf *w, uint8_t v)
{
	if (reserve(w, 1) < 0)
		return -1;
	w->data[w->len++] = v;
	return 0;
}

int wbuf_u16(struct wbuf *w, uint16_t v)
{
	if (reserve(w, 2) < 0)
		return -1;
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

int wbuf_u32(struct wbuf *w, uint32_t v)
{
	if (reserve(w, 4) < 0)
		return -1;
	w->data[w->len++] = (uint8_t)(v >> 24);
	w->data[w->len++] = (uint8_t)(v >> 16);
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

int wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (reserve(w, n) < 0)
		return -1;
	if (n)
		memcpy(w->data + w->len, src, n);
	w->len += n;
	return 0;
}

int wbuf_fill(struct wbuf *w, uint8_t byte, size_t n)
{
	if (reserve(w, n) < 0)
		return -1;
	if (n)
		memset(w->data + w->len, byte, n);
	w->len += n;
	return 0;
}

int wbuf_set_u8(struct wbuf *w, size_t at, uint8_t v)
{
	if (at >= w->len)
		return -1;
	w->data[at] = v;
	return 0;
}

int wbuf_set_u16(struct wbuf *w, size_t at, uint16_t v)
{
	if (at > w->len || w->len - at < 2)
		return -1;
	w->data[at] = (uint8_t)(v >> 8);
	w->data[at + 1] = (uint8_t)v;
	return 0;
}

void wbuf_truncate(struct wbuf *w, size_t len)
{
	if (len < w->len)
		w->len = len;
}

void wbuf_reader(const struct wbuf *w, size_t from, struct rbuf *r)
{
	if (from > w->len)
		from = w->len;
	rbuf_init(r, w->data ? w->data + from : NULL, w->len - from);
}
