/* BGP-4 messages: parse and build (RFC 4271, 4760, 5492, 6793, 2918, 7313, 7606).
 *
 * This is the speaker's only view of the wire. The FSM (session.c) frames the TCP
 * stream with bgp_frame_len(), hands whole messages to bgp_msg_parse() and acts on
 * the struct bgp_error it gets back: a failed parse means "send this NOTIFICATION
 * and drop the session"; a successful parse may still carry a lesser RFC 7606
 * outcome (treat-as-withdraw, attribute discard) that the caller only journals,
 * because the parser has already applied it to the result.
 *
 * Only IPv4 unicast is spoken. MP_REACH/MP_UNREACH for IPv4 unicast is folded into
 * the same prefix lists as the classic NLRI fields; other AFI/SAFIs are skipped.
 * Everything is built and read through buf.h. Addresses (prefixes, next hops,
 * BGP identifiers) are struct in_addr in network byte order, ready for netlink. */
#ifndef LAB_BGP_MSG_H
#define LAB_BGP_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define BGP_MARKER_LEN 16
#define BGP_HEADER_LEN 19
#define BGP_MAX_MSG_LEN 4096
#define BGP_PORT 179
#define BGP_VERSION 4
#define BGP_AS_TRANS 23456 /* RFC 6793 */
#define BGP_AFI_IPV4 1
#define BGP_SAFI_UNICAST 1

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes (RFC 4271 s4.5, RFC 7313) and their subcodes. */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD_TIMER = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_ROUTE_REFRESH = 7,
};

enum bgp_err_header_sub {
	BGP_ERR_HDR_NOT_SYNC = 1,
	BGP_ERR_HDR_BAD_LENGTH = 2,
	BGP_ERR_HDR_BAD_TYPE = 3,
};

enum bgp_err_open_sub {
	BGP_ERR_OPEN_VERSION = 1,
	BGP_ERR_OPEN_BAD_PEER_AS = 2,
	BGP_ERR_OPEN_BAD_BGP_ID = 3,
	BGP_ERR_OPEN_UNSUP_PARAM = 4,
	BGP_ERR_OPEN_HOLD_TIME = 6,
	BGP_ERR_OPEN_UNSUP_CAP = 7, /* RFC 5492 */
};

enum bgp_err_update_sub {
	BGP_ERR_UPD_ATTR_LIST = 1,
	BGP_ERR_UPD_UNRECOGNIZED_WK = 2,
	BGP_ERR_UPD_MISSING_WK = 3,
	BGP_ERR_UPD_ATTR_FLAGS = 4,
	BGP_ERR_UPD_ATTR_LENGTH = 5,
	BGP_ERR_UPD_ORIGIN = 6,
	BGP_ERR_UPD_NEXT_HOP = 8,
	BGP_ERR_UPD_OPTIONAL_ATTR = 9,
	BGP_ERR_UPD_NETWORK = 10,
	BGP_ERR_UPD_AS_PATH = 11,
};

enum bgp_err_fsm_sub { /* RFC 6608 */
	               BGP_ERR_FSM_UNSPEC = 0,
	               BGP_ERR_FSM_OPENSENT = 1,
	               BGP_ERR_FSM_OPENCONFIRM = 2,
	               BGP_ERR_FSM_ESTABLISHED = 3,
};

enum bgp_err_cease_sub { /* RFC 4486 */
	                 BGP_CEASE_MAX_PREFIXES = 1,
	                 BGP_CEASE_ADMIN_SHUTDOWN = 2,
	                 BGP_CEASE_PEER_DECONFIGURED = 3,
	                 BGP_CEASE_ADMIN_RESET = 4,
	                 BGP_CEASE_CONN_REJECTED = 5,
	                 BGP_CEASE_CONFIG_CHANGE = 6,
	                 BGP_CEASE_COLLISION = 7,
	                 BGP_CEASE_OUT_OF_RESOURCES = 8,
	                 BGP_CEASE_BFD_DOWN = 10, /* RFC 9384 */
};

enum bgp_err_rr_sub {
	BGP_ERR_RR_BAD_LENGTH = 1, /* RFC 7313 */
};

/* What the receiver of a bad message must do (RFC 7606 s2), mildest first. */
enum bgp_err_action {
	BGP_ACT_NONE = 0,
	BGP_ACT_ATTR_DISCARD = 1, /* attribute dropped, UPDATE otherwise fine */
	BGP_ACT_WITHDRAW = 2,     /* treat-as-withdraw: NLRI moved to withdrawn */
	BGP_ACT_RESET = 3,        /* send the NOTIFICATION in code/subcode/data, close */
};

#define BGP_ERR_DATA_MAX (BGP_MAX_MSG_LEN - BGP_HEADER_LEN - 2)

/* The most severe problem met while parsing. code/subcode/data are what a
 * NOTIFICATION must carry (for ATTR_DISCARD/WITHDRAW: what it would have carried
 * under RFC 4271, handy for the journal). reason is human text for journals. */
struct bgp_error {
	enum bgp_err_action action;
	uint8_t code;
	uint8_t subcode;
	uint16_t data_len;
	uint8_t data[BGP_ERR_DATA_MAX];
	char reason[96];
};

/* ---- OPEN ---- */

#define BGP_CAP_MP 1
#define BGP_CAP_ROUTE_REFRESH 2
#define BGP_CAP_GRACEFUL_RESTART 64
#define BGP_CAP_AS4 65
#define BGP_CAP_ENHANCED_RR 70
#define BGP_CAP_LLGR 71
#define BGP_CAP_MAX_UNKNOWN 16

struct bgp_caps {
	bool present;         /* the OPEN carried a Capabilities parameter at all */
	bool mp_ipv4_unicast; /* RFC 4760 AFI 1 SAFI 1 */
	unsigned mp_other;    /* MP capabilities for other AFI/SAFIs (ignored) */
	bool as4;             /* RFC 6793 */
	uint32_t as4_value;
	bool route_refresh;          /* RFC 2918 (code 2; the old Cisco code 128 counts too) */
	bool enhanced_route_refresh; /* RFC 7313 */
	bool graceful_restart;       /* RFC 4724: noted, not acted on */
	uint16_t gr_flags_time;      /* restart flags (4 bits) and time (12 bits) as received */
	bool llgr;                   /* RFC 9494: noted, not acted on */
	unsigned n_unknown;          /* tolerated unknown capabilities (RFC 5492 s3) */
	uint8_t unknown[BGP_CAP_MAX_UNKNOWN]; /* their codes, first BGP_CAP_MAX_UNKNOWN */
};

struct bgp_open {
	uint8_t version;
	uint32_t my_as;     /* the 4-octet AS from the capability, else the 2-octet field */
	uint16_t my_as2;    /* the 2-octet field as on the wire (AS_TRANS for big ASNs) */
	uint16_t hold_time; /* seconds; 0 = no keepalives */
	struct in_addr bgp_id;
	struct bgp_caps caps;
};

/* ---- UPDATE ---- */

enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
};

#define BGP_ATTR_F_OPTIONAL 0x80
#define BGP_ATTR_F_TRANSITIVE 0x40
#define BGP_ATTR_F_PARTIAL 0x20
#define BGP_ATTR_F_EXTLEN 0x10

enum bgp_origin { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };

enum bgp_seg_type {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,
	BGP_AS_CONFED_SET = 4,
};

struct bgp_as_seg {
	uint8_t type;  /* enum bgp_seg_type */
	uint8_t count; /* 1..255 */
};

/* AS path with 4-octet ASNs whatever the peer spoke (RFC 6793 reconstruction done).
 * The ASNs of seg[i] follow those of seg[0..i-1] in asn[]. Heap-owned. */
struct bgp_as_path {
	size_t nseg;
	size_t nasn;
	struct bgp_as_seg *seg;
	uint32_t *asn;
};

/* An attribute kept as raw bytes: unrecognized optional transitive ones (stored
 * with the Partial bit already set, RFC 4271 s5) and COMMUNITIES, passed on as is. */
struct bgp_raw_attr {
	uint8_t flags; /* without BGP_ATTR_F_EXTLEN: the writer picks the length form */
	uint8_t type;
	uint16_t len;
	uint8_t *data;
};

#define BGP_ATTR_BIT(t) (1u << (t))

struct bgp_attrs {
	uint32_t present; /* BGP_ATTR_BIT(type) for each attribute below that is set */
	uint8_t origin;
	struct bgp_as_path as_path;
	struct in_addr next_hop; /* NEXT_HOP, or the MP_REACH next hop for IPv4 unicast */
	uint32_t med;
	uint32_t local_pref;
	/* ATOMIC_AGGREGATE: presence only */
	uint32_t aggregator_as; /* 4-octet (AS4_AGGREGATOR applied) */
	struct in_addr aggregator_id;
	size_t nraw;
	struct bgp_raw_attr *raw;
};

struct bgp_prefix {
	struct in_addr addr; /* host bits zero */
	uint8_t len;         /* 0..32 */
};

struct bgp_prefixes {
	size_t n;
	size_t cap;
	struct bgp_prefix *v;
};

struct bgp_update {
	/* Withdrawn routes + MP_UNREACH IPv4 unicast; after treat-as-withdraw also
	 * every prefix that the UPDATE tried to announce. */
	struct bgp_prefixes withdrawn;
	/* NLRI + MP_REACH IPv4 unicast, all with attrs (empty after treat-as-withdraw). */
	struct bgp_prefixes nlri;
	struct bgp_attrs attrs;
	bool end_of_rib;        /* RFC 4724: empty UPDATE, or empty MP_UNREACH for IPv4 */
	bool treat_as_withdraw; /* RFC 7606 applied; the error explains why */
	unsigned attrs_discarded;
	unsigned mp_other_afi; /* MP attributes for other AFI/SAFIs, skipped */
};

struct bgp_notification {
	uint8_t code;
	uint8_t subcode;
	uint16_t data_len;
	uint8_t data[BGP_ERR_DATA_MAX];
};

struct bgp_route_refresh {
	uint16_t afi;
	uint8_t subtype; /* RFC 7313: 0 normal, 1 BoRR, 2 EoRR */
	uint8_t safi;
};

struct bgp_msg {
	uint8_t type; /* enum bgp_msg_type */
	uint16_t len; /* on the wire, header included */
	union {
		struct bgp_open open;
		struct bgp_update update;
		struct bgp_notification notification;
		struct bgp_route_refresh route_refresh;
	};
};

/* What the parser and writer must know about the session. */
struct bgp_codec_ctx {
	bool as4;         /* both OPENs carried the 4-octet AS capability */
	bool ibgp;        /* LOCAL_PREF kept and expected; confed segments allowed */
	uint32_t peer_as; /* eBGP: AS_PATH must start with it (RFC 4271 s6.3); 0 skips */
};

/* ---- framing and parsing ---- */

/* Message boundaries in a TCP stream: returns the length n of the message at the
 * start of buf when all n bytes are within avail, 0 when more bytes are needed, -1
 * with err (action RESET, code 1) when the header is broken (marker, length). */
int bgp_frame_len(const uint8_t *buf, size_t avail, struct bgp_error *err);

/* Parses one whole message of len bytes (as bgp_frame_len found it). Returns 0
 * with *out filled (free with bgp_msg_free; err->action may be ATTR_DISCARD or
 * WITHDRAW, already applied), or -1 with err->action RESET and the NOTIFICATION to
 * send; *out needs no freeing then. */
int bgp_msg_parse(const uint8_t *buf, size_t len, const struct bgp_codec_ctx *ctx,
                  struct bgp_msg *out, struct bgp_error *err);
void bgp_msg_free(struct bgp_msg *m);

/* Checks a parsed OPEN against the session (RFC 4271 s6.2, RFC 5492): version,
 * peer AS (expected_as 0 = any), BGP identifier (zero, or equal to local_id: pass
 * our identifier for iBGP and INADDR_ANY for eBGP, where RFC 6286 s2.2 allows equal
 * ones), hold time 1 or 2 (2/6), address families offered without IPv4 unicast
 * (2/7). Returns 0, or -1 with err filled (action RESET). The FSM sends it. */
int bgp_open_check(const struct bgp_open *o, uint32_t expected_as, struct in_addr local_id,
                   struct bgp_error *err);

/* ---- building ----
 * Each appends one whole message to w and returns 0, or returns -1 with w unchanged
 * when it does not fit (w->overflow set) or the input cannot be encoded. */

/* Sends my_as in the 2-octet field (AS_TRANS if it does not fit) and, when
 * o->caps.present, the capabilities flagged in o->caps: MP IPv4 unicast, route
 * refresh, enhanced route refresh, 4-octet AS (value my_as), graceful restart
 * (gr_flags_time, no AFI entries). */
int bgp_build_open(struct wbuf *w, const struct bgp_open *o);
int bgp_build_keepalive(struct wbuf *w);
int bgp_build_notification(struct wbuf *w, uint8_t code, uint8_t subcode, const uint8_t *data,
                           size_t data_len);
int bgp_build_route_refresh(struct wbuf *w, uint16_t afi, uint8_t safi);
int bgp_build_end_of_rib(struct wbuf *w); /* IPv4 unicast: the empty UPDATE */

/* One UPDATE in the classic IPv4 fields: withdrawn[*wi..nw) then, if all of those
 * fit, attrs + nlri[*ni..nn) - as many of each as fit in BGP_MAX_MSG_LEN (and in w).
 * Advances *wi and *ni by what went in; call again until *wi == nw and *ni == nn.
 * attrs may be NULL when nn == 0. For a 2-octet peer (!ctx->as4) the AS_PATH goes
 * out with 2-octet ASNs, AS_TRANS for big ones, plus AS4_PATH (RFC 6793 s4.2.2).
 * Returns -1 if not even one prefix (or the attributes alone) fit. */
int bgp_build_update(struct wbuf *w, const struct bgp_codec_ctx *ctx,
                     const struct bgp_prefix *withdrawn, size_t nw, size_t *wi,
                     const struct bgp_attrs *attrs, const struct bgp_prefix *nlri, size_t nn,
                     size_t *ni);

/* ---- attributes and paths (for the RIB) ---- */

void bgp_attrs_init(struct bgp_attrs *a);
void bgp_attrs_free(struct bgp_attrs *a);
int bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src); /* -ENOMEM */
bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b);
/* Adds/replaces a raw attribute (copies data). -ENOMEM on failure. */
int bgp_attrs_set_raw(struct bgp_attrs *a, uint8_t flags, uint8_t type, const uint8_t *data,
                      uint16_t len);

void bgp_as_path_free(struct bgp_as_path *p);
int bgp_as_path_copy(struct bgp_as_path *dst, const struct bgp_as_path *src);
bool bgp_as_path_equal(const struct bgp_as_path *a, const struct bgp_as_path *b);
/* Appends a segment (splitting above 255 ASNs). -ENOMEM on failure. */
int bgp_as_path_append(struct bgp_as_path *p, uint8_t type, const uint32_t *asn, size_t n);
/* eBGP: puts asn in front, into the leading AS_SEQUENCE or a new one. */
int bgp_as_path_prepend(struct bgp_as_path *p, uint32_t asn);
/* Path length for the decision process: AS_SET counts 1, confed segments 0. */
size_t bgp_as_path_length(const struct bgp_as_path *p);
bool bgp_as_path_contains(const struct bgp_as_path *p, uint32_t asn); /* loop check */
/* First AS of a leading AS_SEQUENCE (the neighbour AS for MED comparison), or 0. */
uint32_t bgp_as_path_first(const struct bgp_as_path *p);
/* "65001 65002 {65003 65004}" into buf (truncated to size, NUL-terminated). */
void bgp_as_path_format(const struct bgp_as_path *p, char *buf, size_t size);

/* ---- prefixes ---- */

/* Appends (growing the list). -ENOMEM on failure. */
int bgp_prefixes_add(struct bgp_prefixes *l, struct bgp_prefix p);
void bgp_prefixes_free(struct bgp_prefixes *l);
/* "a.b.c.d/len"; rejects host bits set, length > 32, junk. Returns 0 or -1. */
int bgp_prefix_parse(const char *s, struct bgp_prefix *p);
/* buf of at least BGP_PREFIX_STRLEN. Returns buf. */
#define BGP_PREFIX_STRLEN 20
char *bgp_prefix_format(struct bgp_prefix p, char *buf);

/* ---- names for journals ---- */
const char *bgp_notify_code_name(uint8_t code);
/* "Unacceptable Hold Time" (static string; "unknown" for unknown subcodes). */
const char *bgp_notify_subcode_name(uint8_t code, uint8_t subcode);
/* Writes "<code name> / <subcode name>" into buf; returns buf. */
char *bgp_notify_name(uint8_t code, uint8_t subcode, char *buf, size_t size);

#endif
