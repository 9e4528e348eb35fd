/* The probe's UDP payload: a request from a sender and the responder's echo of it.
 *
 * All probes of a lab run on one machine, so the sender's CLOCK_MONOTONIC stamp in
 * the request is directly comparable with the responder's receive stamp: the reply
 * carries both, and one-way delays need no clock synchronisation. */
#ifndef LAB_PROBE_WIRE_H
#define LAB_PROBE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_MAGIC 0x4c425052u /* "LBPR" */
#define PROBE_WIRE_LEN 32
#define PROBE_PORT_DEFAULT 7447
#define PROBE_SRC_PORT_BASE 40000

enum probe_type { PROBE_REQUEST = 1, PROBE_REPLY = 2 };
enum probe_dir { PROBE_FWD = 0, PROBE_REV = 1 };

struct probe_msg {
	uint8_t type; /* enum probe_type */
	uint8_t dir;  /* enum probe_dir of the sender */
	uint16_t flow;
	uint32_t seq;
	int64_t sent_ns; /* sender's clock at send */
	int64_t echo_ns; /* responder's clock at receipt (replies only) */
};

void probe_msg_encode(const struct probe_msg *m, uint8_t out[PROBE_WIRE_LEN]);
/* false when the buffer is not one of ours (wrong length, magic or type). */
bool probe_msg_decode(const uint8_t *buf, size_t len, struct probe_msg *m);

const char *probe_dir_name(enum probe_dir d);
/* 0 fwd, 1 rev, -1 anything else. */
int probe_dir_parse(const char *s);

#endif
