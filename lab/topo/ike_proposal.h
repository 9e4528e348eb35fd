/* IKE and ESP proposals checked by the installed strongSwan's own parser.
 *
 * Internal to lab/topo. The topology loader asks here whether charon's VICI
 * load-conn would accept a proposal and whether the crypto plugins labctl gives
 * charon implement each algorithm in it, so that `labctl validate` refuses what
 * `labctl up` would fail on half way through building a lab. */
#ifndef LAB_TOPO_IKE_PROPOSAL_H
#define LAB_TOPO_IKE_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>

enum ikep_proto { IKEP_IKE, IKEP_ESP };

/* The crypto plugins of every lab charon, as one load list (lab/ipsec writes the
 * same names into strongswan.conf; a unit test keeps the two in agreement). */
#define IKEP_CRYPTO_PLUGINS "nonce openssl kdf"

/* Called once per problem: off is the byte offset in the proposal of the keyword
 * at fault, or (size_t)-1 when the proposal as a whole is at fault. */
typedef void (*ikep_report_fn)(void *ctx, size_t off, const char *msg);

/* Checks proposal s (a topology's `proposal` or `esp` value). Returns the number of
 * problems reported (0: charon will take it and can run it), or -1 when the
 * installed strongSwan cannot be loaded (nothing reported; ikep_unavailable() says
 * why). */
int ikep_check(enum ikep_proto proto, const char *s, ikep_report_fn report, void *ctx);

/* NULL when strongSwan's parser is at hand, else why not (e.g. the library is not
 * installed). Loads it on first use. */
const char *ikep_unavailable(void);

#endif
