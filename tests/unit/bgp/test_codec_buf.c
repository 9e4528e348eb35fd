/* The bounds-checked reader and writer every wire byte goes through: reads past the
 * end fail and stay failed, writes that do not fit write nothing. */
#include "check.h"
#include "buf.h"

static void test_reader(void)
{
	const uint8_t d[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	struct rbuf r, sub;
	uint8_t b8, out[8];
	uint16_t b16;
	uint32_t b32;

	rbuf_init(&r, d, sizeof(d));
	CHECK_INT(rbuf_left(&r), 7);
	CHECK_INT(rbuf_u8(&r, &b8), 0);
	CHECK_INT(b8, 1);
	CHECK_INT(rbuf_u16(&r, &b16), 0);
	CHECK_INT(b16, 0x0203);
	CHECK_INT(rbuf_u32(&r, &b32), 0);
	CHECK_INT(b32, 0x04050607u);
	CHECK_INT(rbuf_left(&r), 0);
	CHECK(rbuf_ok(&r));
	/* Past the end: fails, zeroes the output, and poisons the reader. */
	b8 = 9;
	CHECK_INT(rbuf_u8(&r, &b8), -1);
	CHECK_INT(b8, 0);
	CHECK(!rbuf_ok(&r));
	CHECK_INT(rbuf_skip(&r, 0), -1);

	/* A partial multi-byte read takes nothing. */
	rbuf_init(&r, d, 3);
	CHECK_INT(rbuf_skip(&r, 1), 0);
	CHECK_INT(rbuf_u32(&r, &b32), -1);
	CHECK_INT(b32, 0);
	CHECK_INT(rbuf_left(&r), 0);

	/* Huge lengths cannot wrap around. */
	rbuf_init(&r, d, sizeof(d));
	CHECK_INT(rbuf_skip(&r, 2), 0);
	CHECK_INT(rbuf_skip(&r, SIZE_MAX), -1);
	rbuf_init(&r, d, sizeof(d));
	CHECK_INT(rbuf_sub(&r, SIZE_MAX - 1, &sub), -1);
	CHECK(!rbuf_ok(&sub));
	CHECK_INT(rbuf_left(&sub), 0);

	/* Sub-readers see only their slice and do not poison the parent. */
	rbuf_init(&r, d, sizeof(d));
	CHECK_INT(rbuf_sub(&r, 2, &sub), 0);
	CHECK_INT(rbuf_u16(&sub, &b16), 0);
	CHECK_INT(b16, 0x0102);
	CHECK_INT(rbuf_u8(&sub, &b8), -1);
	CHECK(rbuf_ok(&r));
	CHECK_INT(rbuf_u8(&r, &b8), 0);
	CHECK_INT(b8, 3);

	/* Peek does not move; out of range fails without poisoning. */
	CHECK_INT(rbuf_peek_u8(&r, 0, &b8), 0);
	CHECK_INT(b8, 4);
	CHECK_INT(rbuf_peek_u8(&r, 4, &b8), -1);
	CHECK(rbuf_ok(&r));
	CHECK_INT(rbuf_left(&r), 4);

	/* copy_since quotes what was read, clipped to the room given. */
	rbuf_init(&r, d, sizeof(d));
	rbuf_skip(&r, 5);
	CHECK_INT(rbuf_copy_since(&r, 2, out, sizeof(out)), 3);
	CHECK_INT(out[0], 3);
	CHECK_INT(rbuf_copy_since(&r, 0, out, 2), 2);
	CHECK_INT(rbuf_copy_since(&r, 6, out, sizeof(out)), 0);
	CHECK_INT(rbuf_copy(&r, out, 3), -1);
	CHECK_INT(rbuf_left(&r), 0);

	rbuf_init(&r, NULL, 10);
	CHECK_INT(rbuf_left(&r), 0);
	CHECK_INT(rbuf_u8(&r, &b8), -1);
}

static void test_writer(void)
{
	uint8_t d[8];
	struct wbuf w;
	struct rbuf r;
	uint32_t v;

	memset(d, 0xee, sizeof(d));
	wbuf_init(&w, d, 6);
	CHECK_INT(wbuf_u8(&w, 1), 0);
	CHECK_INT(wbuf_u32(&w, 0x02030405u), 0);
	CHECK_INT(w.len, 5);
	/* Does not fit: nothing written, overflow noted. */
	CHECK_INT(wbuf_u16(&w, 0x0607), -1);
	CHECK(w.overflow);
	CHECK_INT(w.len, 5);
	CHECK_INT(d[5], 0xee);
	CHECK_INT(wbuf_bytes(&w, "xy", 2), -1);
	CHECK_INT(wbuf_fill(&w, 0, 2), -1);
	CHECK_INT(wbuf_u8(&w, 6), 0);
	CHECK_INT(w.len, 6);
	CHECK_INT(d[6], 0xee);

	/* Patching only inside what was written. */
	CHECK_INT(wbuf_set_u16(&w, 1, 0xabcd), 0);
	CHECK_INT(d[1], 0xab);
	CHECK_INT(d[2], 0xcd);
	CHECK_INT(wbuf_set_u16(&w, 5, 0), -1);
	CHECK_INT(wbuf_set_u16(&w, SIZE_MAX, 0), -1);
	CHECK_INT(wbuf_set_u8(&w, 6, 0), -1);
	CHECK_INT(wbuf_set_u8(&w, 5, 9), 0);

	/* Read back what was written, then roll back. */
	wbuf_reader(&w, 1, &r);
	CHECK_INT(rbuf_left(&r), 5);
	CHECK_INT(rbuf_u32(&r, &v), 0);
	CHECK_INT(v, 0xabcd0405u);
	wbuf_truncate(&w, 1);
	CHECK_INT(w.len, 1);
	wbuf_truncate(&w, 100);
	CHECK_INT(w.len, 1);
	wbuf_reader(&w, 50, &r);
	CHECK_INT(rbuf_left(&r), 0);

	wbuf_init(&w, NULL, 100);
	CHECK_INT(w.cap, 0);
	CHECK_INT(wbuf_u8(&w, 1), -1);
}

int main(void)
{
	test_reader();
	test_writer();
	return check_done();
}
