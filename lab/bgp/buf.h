/* Bounds-checked readers and writers over byte buffers.
 *
 * Every byte of a BGP message goes through these: nothing else in the speaker does
 * pointer arithmetic on wire data, so an attacker-controlled length field can only
 * ever make a read fail, never make it go past the end. Readers are sticky: after
 * the first failed read every further read fails too, so a parser may check once at
 * the end of a run of reads. Writers never write partially: a put that does not fit
 * writes nothing and marks the writer as overflowed. All integers are big-endian
 * (network order) on the wire. */
#ifndef LAB_BGP_BUF_H
#define LAB_BGP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rbuf {
	const uint8_t *data;
	size_t len;
	size_t pos;
	bool bad; /* a read ran past the end */
};

void rbuf_init(struct rbuf *r, const uint8_t *data, size_t len);
size_t rbuf_left(const struct rbuf *r);
bool rbuf_ok(const struct rbuf *r);
/* Each returns 0, or -1 (and sets r->bad, *v = 0) when too few bytes remain. */
int rbuf_u8(struct rbuf *r, uint8_t *v);
int rbuf_u16(struct rbuf *r, uint16_t *v);
int rbuf_u32(struct rbuf *r, uint32_t *v);
int rbuf_peek_u8(const struct rbuf *r, size_t at, uint8_t *v); /* at: from pos */
int rbuf_copy(struct rbuf *r, void *dst, size_t n);
int rbuf_skip(struct rbuf *r, size_t n);
/* Carves the next n bytes into their own reader and advances past them. */
int rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub);
/* Copies everything between from and the current position (from <= pos) into dst
 * of size cap; returns the number of bytes copied (truncated to cap). Used to quote
 * an erroneous attribute back in a NOTIFICATION. */
size_t rbuf_copy_since(const struct rbuf *r, size_t from, void *dst, size_t cap);

struct wbuf {
	uint8_t *data;
	size_t cap;
	size_t len;
	bool overflow; /* a put did not fit */
};

void wbuf_init(struct wbuf *w, uint8_t *data, size_t cap);
/* Each returns 0, or -1 (and sets w->overflow) when it does not fit. */
int wbuf_u8(struct wbuf *w, uint8_t v);
int wbuf_u16(struct wbuf *w, uint16_t v);
int wbuf_u32(struct wbuf *w, uint32_t v);
int wbuf_bytes(struct wbuf *w, const void *src, size_t n);
int wbuf_fill(struct wbuf *w, uint8_t byte, size_t n);
/* Patches already written bytes (length fields known only at the end). */
int wbuf_set_u8(struct wbuf *w, size_t at, uint8_t v);
int wbuf_set_u16(struct wbuf *w, size_t at, uint16_t v);
/* Rolls back to an earlier length (a message that turned out not to fit). */
void wbuf_truncate(struct wbuf *w, size_t len);
/* Reader over what has been written from `from` on. */
void wbuf_reader(const struct wbuf *w, size_t from, struct rbuf *r);

#endif
