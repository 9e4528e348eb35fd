/* RFC 5880 s4.1 and the packet-only checks of s6.8.6. See bfd_packet.h. */
#include "bfd_packet.h"

/* Byte 1: Sta(2) P F C A D M. */
#define F_POLL 0x20
#define F_FINAL 0x10
#define F_CPI 0x08
#define F_AUTH 0x04
#define F_DEMAND 0x02
#define F_MULTIPOINT 0x01

static int drop(enum bfd_drop *why, enum bfd_drop d)
{
	*why = d;
	return -1;
}

int bfd_pkt_decode(const uint8_t *data, size_t len, struct bfd_pkt *p, enum bfd_drop *why)
{
	struct rbuf r, body;
	uint8_t vd, flags;

	*p = (struct bfd_pkt){0};
	rbuf_init(&r, data, len);
	rbuf_u8(&r, &vd);
	rbuf_u8(&r, &flags);
	rbuf_u8(&r, &p->detect_mult);
	rbuf_u8(&r, &p->length);
	if (!rbuf_ok(&r))
		return drop(why, BFD_DROP_TRUNCATED);
	p->version = vd >> 5;
	p->diag = vd & 0x1f;
	p->state = (enum bfd_state)(flags >> 6);
	p->poll = flags & F_POLL;
	p->final = flags & F_FINAL;
	p->cpi = flags & F_CPI;
	p->auth = flags & F_AUTH;
	p->demand = flags & F_DEMAND;
	p->multipoint = flags & F_MULTIPOINT;

	/* s6.8.6, in order. "If the version number is not correct (1), the packet
	 * MUST be discarded." */
	if (p->version != BFD_VERSION)
		return drop(why, BFD_DROP_VERSION);
	/* "If the Length field is less than the minimum correct value (24 if the A
	 * bit is clear, or 26 if the A bit is set), the packet MUST be discarded." */
	if (p->length < (p->auth ? BFD_PKT_LEN_AUTH : BFD_PKT_LEN))
		return drop(why, BFD_DROP_LEN_SHORT);
	/* "If the Length field is greater than the payload of the encapsulating
	 * protocol, the packet MUST be discarded." */
	if (p->length > len)
		return drop(why, BFD_DROP_LEN_OVER);
	/* Everything below is read from the Length bytes the packet claims, which
	 * now lie inside the datagram: the reader cannot fail, but is checked. */
	rbuf_init(&r, data, p->length);
	if (rbuf_skip(&r, 4) < 0 || rbuf_sub(&r, BFD_PKT_LEN - 4, &body) < 0)
		return drop(why, BFD_DROP_LEN_OVER);
	rbuf_u32(&body, &p->my_disc);
	rbuf_u32(&body, &p->your_disc);
	rbuf_u32(&body, &p->desired_min_tx_us);
	rbuf_u32(&body, &p->required_min_rx_us);
	rbuf_u32(&body, &p->required_min_echo_rx_us);
	if (!rbuf_ok(&body))
		return drop(why, BFD_DROP_LEN_OVER);
	/* "If the Detect Mult field is zero, the packet MUST be discarded." */
	if (p->detect_mult == 0)
		return drop(why, BFD_DROP_MULT_ZERO);
	/* "If the Multipoint (M) bit is nonzero, the packet MUST be discarded." */
	if (p->multipoint)
		return drop(why, BFD_DROP_MULTIPOINT);
	/* "If the My Discriminator field is zero, the packet MUST be discarded." */
	if (p->my_disc == 0)
		return drop(why, BFD_DROP_MY_DISC_ZERO);
	return 0;
}

int bfd_pkt_encode(struct wbuf *w, const struct bfd_pkt *p)
{
	size_t start = w->len;
	uint8_t flags = (uint8_t)((p->state & 3) << 6);

	if (w->overflow || w->cap - w->len < BFD_PKT_LEN) {
		w->overflow = true;
		return -1;
	}
	/* s6.8.7: "A system MUST NOT set the Demand (D) bit" unless it runs Demand
	 * mode, and P with F never together (s6.5); the caller's bits are trusted
	 * for P/F/C/D, while A and M are never ours to set. */
	flags |= p->poll ? F_POLL : 0;
	flags |= p->final ? F_FINAL : 0;
	flags |= p->cpi ? F_CPI : 0;
	flags |= p->demand ? F_DEMAND : 0;
	wbuf_u8(w, (uint8_t)(BFD_VERSION << 5 | (p->diag & 0x1f)));
	wbuf_u8(w, flags);
	wbuf_u8(w, p->detect_mult);
	wbuf_u8(w, BFD_PKT_LEN);
	wbuf_u32(w, p->my_disc);
	wbuf_u32(w, p->your_disc);
	wbuf_u32(w, p->desired_min_tx_us);
	wbuf_u32(w, p->required_min_rx_us);
	wbuf_u32(w, p->required_min_echo_rx_us);
	if (w->overflow) {
		wbuf_truncate(w, start);
		return -1;
	}
	return 0;
}

const char *bfd_state_name(enum bfd_state s)
{
	static const char *const n[] = {"AdminDown", "Down", "Init", "Up"};
	return (unsigned)s < 4 ? n[s] : "?";
}

const char *bfd_diag_name(uint8_t diag)
{
	static const char *const n[] = {"no-diagnostic",
	                                "control-detection-time-expired",
	                                "echo-function-failed",
	                                "neighbor-signaled-session-down",
	                                "forwarding-plane-reset",
	                                "path-down",
	                                "concatenated-path-down",
	                                "administratively-down",
	                                "reverse-concatenated-path-down"};
	return diag < sizeof(n) / sizeof(n[0]) ? n[diag] : "reserved";
}

const char *bfd_drop_name(enum bfd_drop d)
{
	static const char *const n[] = {"truncated",
	                                "version",
	                                "length-short",
	                                "length-over",
	                                "detect-mult-zero",
	                                "multipoint",
	                                "my-discriminator-zero",
	                                "no-session",
	                                "your-discriminator-zero",
	                                "auth",
	                                "ttl",
	                                "admin-down"};
	_Static_assert(sizeof(n) / sizeof(n[0]) == BFD_DROP_MAX, "a name per drop reason");
	return (unsigned)d < BFD_DROP_MAX ? n[d] : "?";
}
