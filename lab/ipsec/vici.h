/* labctl's VICI client over Debian's libvici (/usr/lib/ipsec/libvici.so.0).
 *
 * libvici delivers streamed events (list-sa) on its own reader thread; the callbacks
 * here only copy into the caller's arrays under a mutex and never call back into
 * libvici (docs/reference.md#libvici-callbacks: event callbacks must not call vici_submit). */
#ifndef LAB_IPSEC_VICI_H
#define LAB_IPSEC_VICI_H

#include <stddef.h>
#include <stdint.h>

#include "ipsec/vmsg.h"

#define IPSEC_MAX_CHILD 4

struct ipsec_child_info {
	char name[32];
	char state[24];  /* INSTALLED, REKEYING, ... */
	char spi_in[12]; /* hex as charon prints it */
	char spi_out[12];
	uint64_t bytes_in, packets_in, bytes_out, packets_out;
	int64_t install_s; /* seconds since installed, -1 unknown */
};

struct ipsec_sa_info {
	char name[32];
	char state[24]; /* ESTABLISHED, CONNECTING, ... */
	char local[48], remote[48];
	char spi_i[20], spi_r[20];
	int64_t established_s; /* seconds since established, -1 unknown */
	struct ipsec_child_info child[IPSEC_MAX_CHILD];
	size_t n_child;
};

struct ipsec_vici;

/* Connects to charon's VICI socket (a path, not a URI). 0 or -1 (lab_err). */
int ipsec_vici_open(const char *socket_path, struct ipsec_vici **out);
void ipsec_vici_close(struct ipsec_vici *v);

/* Sends m and checks charon's "success"; on failure lab_err carries its errmsg. */
int ipsec_vici_call(struct ipsec_vici *v, const struct vmsg *m);

/* list-sas: fills up to max entries, *n = how many. 0 or -1 (lab_err). */
int ipsec_vici_list_sas(struct ipsec_vici *v, struct ipsec_sa_info *out, size_t max, size_t *n);

#endif
