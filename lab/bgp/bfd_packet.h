/* BFD Control packets (RFC 5880 s4.1), the 24-byte mandatory section only: decode
 * with the packet-only reception checks of s6.8.6, and encode.
 *
 * Like the BGP codec, every byte goes through buf.h's bounds-checked readers, so a
 * length field can make a decode fail but never make it read past the datagram.
 * A failed decode says why (enum bfd_drop), and the caller counts it: a malformed
 * packet is dropped, never fatal. The checks that need a session (lookup by Your
 * Discriminator, the A bit without authentication) are bfd_set.c's; the TTL check
 * of RFC 5881 s5 is bfd_io.c's, where the TTL is known. */
#ifndef LAB_BGP_BFD_PACKET_H
#define LAB_BGP_BFD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define BFD_VERSION 1
#define BFD_PKT_LEN 24         /* the mandatory section, all we send */
#define BFD_PKT_LEN_AUTH 26    /* minimum with the A bit (s6.8.6) */
#define BFD_PORT 3784          /* RFC 5881 s4: single-hop control packets */
#define BFD_SRC_PORT_MIN 49152 /* RFC 5881 s4: source port range */
#define BFD_SRC_PORT_MAX 65535
#define BFD_TTL 255 /* RFC 5881 s5: sent and required on receipt */

/* s4.1 State field: the wire values. */
enum bfd_state {
	BFD_ST_ADMIN_DOWN = 0,
	BFD_ST_DOWN = 1,
	BFD_ST_INIT = 2,
	BFD_ST_UP = 3,
};

/* s4.1 Diagnostic codes. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_DETECT_EXPIRED = 1,  /* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED = 2,     /* Echo Function Failed */
	BFD_DIAG_NEIGHBOR_DOWN = 3,   /* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_RESET = 4,       /* Forwarding Plane Reset */
	BFD_DIAG_PATH_DOWN = 5,       /* Path Down */
	BFD_DIAG_CONCAT_DOWN = 6,     /* Concatenated Path Down */
	BFD_DIAG_ADMIN_DOWN = 7,      /* Administratively Down */
	BFD_DIAG_REV_CONCAT_DOWN = 8, /* Reverse Concatenated Path Down */
};

/* Why a received packet was dropped, in the order of the checks (s6.8.6 first, then
 * RFC 5881 s5 and the session's own state). The names are `show`'s keys. */
enum bfd_drop {
	BFD_DROP_TRUNCATED,      /* fewer than the 4 bytes that hold version and length */
	BFD_DROP_VERSION,        /* version != 1 */
	BFD_DROP_LEN_SHORT,      /* Length < 24 (< 26 with the A bit) */
	BFD_DROP_LEN_OVER,       /* Length > the UDP payload */
	BFD_DROP_MULT_ZERO,      /* Detect Mult == 0 */
	BFD_DROP_MULTIPOINT,     /* M bit set */
	BFD_DROP_MY_DISC_ZERO,   /* My Discriminator == 0 */
	BFD_DROP_NO_SESSION,     /* Your Discriminator (or, when 0, the source) matches none */
	BFD_DROP_YOUR_DISC_ZERO, /* Your Discriminator 0 while State is Init or Up */
	BFD_DROP_AUTH,           /* A bit set: we do no authentication */
	BFD_DROP_TTL,            /* RFC 5881 s5: TTL != 255 */
	BFD_DROP_ADMIN_DOWN,     /* our session is AdminDown: s6.8.6 discards */
	BFD_DROP_MAX,
};

struct bfd_pkt {
	uint8_t version;
	uint8_t diag;
	enum bfd_state state;
	bool poll, final, cpi, auth, demand, multipoint;
	uint8_t detect_mult;
	uint8_t length;
	uint32_t my_disc;
	uint32_t your_disc;
	uint32_t desired_min_tx_us;
	uint32_t required_min_rx_us;
	uint32_t required_min_echo_rx_us;
};

/* Decodes one UDP payload. Returns 0, or -1 with *why set; runs the checks of
 * s6.8.6 that need nothing but the packet, in the RFC's order. Bytes after Length
 * (the authentication section, or padding) are not read. */
int bfd_pkt_decode(const uint8_t *data, size_t len, struct bfd_pkt *p, enum bfd_drop *why);
/* Writes the 24-byte mandatory section (version 1, Length 24, A and M clear
 * whatever p says). Returns 0, or -1 when it does not fit (nothing written). */
int bfd_pkt_encode(struct wbuf *w, const struct bfd_pkt *p);

const char *bfd_state_name(enum bfd_state s);
const char *bfd_diag_name(uint8_t diag);
const char *bfd_drop_name(enum bfd_drop d);

#endif
