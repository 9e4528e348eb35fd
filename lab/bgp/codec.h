/* Internal to the codec: what the per-message files share. Not for the FSM or RIB;
 * they use msg.h. */
#ifndef LAB_BGP_CODEC_H
#define LAB_BGP_CODEC_H

#include "msg.h"

/* Header framing for builders: begin writes marker, a length placeholder and the
 * type; end patches the length and fails (rolling back to start) when the message
 * grew past BGP_MAX_MSG_LEN or did not fit in w. */
int bgp_hdr_begin(struct wbuf *w, uint8_t type, size_t *start);
int bgp_hdr_end(struct wbuf *w, size_t start);

/* Raises err to a more severe outcome; a milder one never overwrites it. data is
 * optional (quoted into the NOTIFICATION). Returns -1 for RESET, else 0. */
int bgp_err_raise(struct bgp_error *err, enum bgp_err_action action, uint8_t code, uint8_t subcode,
                  const uint8_t *data, size_t data_len, const char *reason);

int bgp_parse_open(struct rbuf *r, struct bgp_open *o, struct bgp_error *err);
int bgp_parse_update(struct rbuf *r, const struct bgp_codec_ctx *ctx, struct bgp_update *u,
                     struct bgp_error *err);
void bgp_update_free(struct bgp_update *u);

/* Parses the path attribute block of an UPDATE (RFC 7606 rules), filling attrs and
 * adding MP_REACH/MP_UNREACH IPv4 unicast prefixes to u. Returns -1 on RESET. */
int bgp_parse_attrs(struct rbuf *r, const struct bgp_codec_ctx *ctx, struct bgp_update *u,
                    bool has_classic_nlri, struct bgp_error *err);
/* Writes the attribute block (without its total length). */
int bgp_write_attrs(struct wbuf *w, const struct bgp_codec_ctx *ctx, const struct bgp_attrs *a);

/* IPv4 prefixes as in NLRI fields (RFC 4271 s4.3): length byte + minimal octets.
 * On malformed input returns -1 and raises RESET 3/<subcode> (10, Invalid Network
 * Field, for the classic fields; 9 for MP_REACH/MP_UNREACH, RFC 4760 s7). */
int bgp_parse_prefixes(struct rbuf *r, struct bgp_prefixes *out, uint8_t subcode,
                       struct bgp_error *err);
int bgp_write_prefix(struct wbuf *w, struct bgp_prefix p);
size_t bgp_prefix_wire_len(struct bgp_prefix p);

/* AS_PATH / AS4_PATH bodies with 2- or 4-octet ASNs. parse returns -1 on malformed
 * input (reason in *why). */
int bgp_as_path_parse(struct rbuf *r, bool as4, struct bgp_as_path *p, const char **why);
/* as2: ASNs above 65535 become AS_TRANS; skip_confed leaves confed segments out
 * (AS4_PATH must not carry them, RFC 6793 s3). */
int bgp_as_path_write(struct wbuf *w, const struct bgp_as_path *p, bool as4, bool skip_confed);
bool bgp_as_path_has_big(const struct bgp_as_path *p);
/* RFC 6793 s4.2.3: merges AS4_PATH into the AS_PATH from a 2-octet peer. */
int bgp_as_path_merge_as4(struct bgp_as_path *as_path, const struct bgp_as_path *as4_path);

#endif
