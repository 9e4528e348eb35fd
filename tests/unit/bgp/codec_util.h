/* Helpers for the codec tests: messages written as hex, with the header and the
 * UPDATE length fields computed so that each case only spells out what it tests. */
#ifndef LAB_TESTS_BGP_CODEC_UTIL_H
#define LAB_TESTS_BGP_CODEC_UTIL_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* Hex digits, whitespace ignored. Aborts on junk: a typo in a test is a bug. */
static inline size_t hex_to_bytes(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *c = hex; c && *c; c++) {
		int v;

		if (isspace((unsigned char)*c))
			continue;
		if (!isxdigit((unsigned char)*c)) {
			fprintf(stderr, "bad hex in test: %s\n", hex);
			abort();
		}
		v = isdigit((unsigned char)*c) ? *c - '0' : (tolower((unsigned char)*c) - 'a' + 10);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			abort();
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		abort();
	return n;
}

/* Marker, length, type, then body. */
static inline size_t make_msg(uint8_t type, const uint8_t *body, size_t n, uint8_t *out, size_t cap)
{
	if (n + BGP_HEADER_LEN > cap)
		abort();
	memset(out, 0xff, BGP_MARKER_LEN);
	out[16] = (uint8_t)((n + BGP_HEADER_LEN) >> 8);
	out[17] = (uint8_t)(n + BGP_HEADER_LEN);
	out[18] = type;
	memcpy(out + BGP_HEADER_LEN, body, n);
	return n + BGP_HEADER_LEN;
}

static inline size_t make_msg_hex(uint8_t type, const char *body_hex, uint8_t *out, size_t cap)
{
	uint8_t body[8192];
	size_t n = hex_to_bytes(body_hex, body, sizeof(body));

	return make_msg(type, body, n, out, cap);
}

/* An UPDATE from its three parts, lengths filled in. */
static inline size_t make_update_hex(const char *wd, const char *attrs, const char *nlri,
                                     uint8_t *out, size_t cap)
{
	uint8_t body[8192];
	size_t n = 0, k;

	k = hex_to_bytes(wd, body + 2, sizeof(body) - 2);
	body[0] = (uint8_t)(k >> 8);
	body[1] = (uint8_t)k;
	n = 2 + k;
	k = hex_to_bytes(attrs, body + n + 2, sizeof(body) - n - 2);
	body[n] = (uint8_t)(k >> 8);
	body[n + 1] = (uint8_t)k;
	n += 2 + k;
	n += hex_to_bytes(nlri, body + n, sizeof(body) - n);
	return make_msg(BGP_MSG_UPDATE, body, n, out, cap);
}

static inline struct bgp_prefix pfx(const char *s)
{
	struct bgp_prefix p;

	if (bgp_prefix_parse(s, &p) < 0) {
		fprintf(stderr, "bad prefix in test: %s\n", s);
		abort();
	}
	return p;
}

#endif
