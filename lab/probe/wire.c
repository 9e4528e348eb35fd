#include "probe/wire.h"

#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

void probe_msg_encode(const struct probe_msg *m, uint8_t out[PROBE_WIRE_LEN])
{
	memset(out, 0, PROBE_WIRE_LEN);
	put32(out, PROBE_MAGIC);
	out[4] = m->type;
	out[5] = m->dir;
	out[6] = m->flow >> 8;
	out[7] = m->flow & 0xff;
	put32(out + 8, m->seq);
	put64(out + 12, (uint64_t)m->sent_ns);
	put64(out + 20, (uint64_t)m->echo_ns);
}

bool probe_msg_decode(const uint8_t *buf, size_t len, struct probe_msg *m)
{
	if (len != PROBE_WIRE_LEN || get32(buf) != PROBE_MAGIC)
		return false;
	if (buf[4] != PROBE_REQUEST && buf[4] != PROBE_REPLY)
		return false;
	if (buf[5] != PROBE_FWD && buf[5] != PROBE_REV)
		return false;
	m->type = buf[4];
	m->dir = buf[5];
	m->flow = (uint16_t)(buf[6] << 8 | buf[7]);
	m->seq = get32(buf + 8);
	m->sent_ns = (int64_t)get64(buf + 12);
	m->echo_ns = (int64_t)get64(buf + 20);
	return true;
}

const char *probe_dir_name(enum probe_dir d)
{
	return d == PROBE_FWD ? "fwd" : "rev";
}

int probe_dir_parse(const char *s)
{
	if (!strcmp(s, "fwd"))
		return PROBE_FWD;
	if (!strcmp(s, "rev"))
		return PROBE_REV;
	return -1;
}
