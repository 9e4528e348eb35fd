/* Internals of the topology loader, shared by its files and by nothing else.
 *
 * Loading is two steps: yaml.c turns the file into a small tree that keeps the
 * line:column of every node (libyaml's event API gives marks; its document API
 * would too, but the tree also lets us refuse aliases and duplicate keys with a
 * position), then load*.c map the tree onto struct topo, reporting every problem
 * instead of stopping at the first, and validate.c checks what needs the whole
 * model. Only when no problem was found does the caller get the topo. */
#ifndef LAB_TOPO_INTERNAL_H
#define LAB_TOPO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "topo/topo.h"

enum ynode_kind { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ };

struct ynode {
	enum ynode_kind kind;
	struct topo_pos pos;
	struct topo_pos end; /* scalars: just after the value (after a closing quote) */
	char *str;           /* scalar value */
	bool plain;          /* unquoted scalar (only these can mean null or a bool) */
	struct ynode **keys; /* map: scalar keys, parallel to vals */
	struct ynode **vals; /* map values or sequence items */
	size_t n;
};

/* Parses buf (len bytes) into a tree. Problems go to diags; on any, returns -1. */
int ytree_parse(const char *file, const char *buf, size_t len, struct ynode **root,
                struct topo_diags *diags);
void ynode_free(struct ynode *n);
/* Value of key in a mapping, or NULL (also when m is NULL or not a mapping). */
struct ynode *ymap_get(const struct ynode *m, const char *key);
/* The key node of key in a mapping (for positions), or NULL. */
struct ynode *ymap_key(const struct ynode *m, const char *key);
/* "a mapping", "a sequence", "a scalar" or "empty", for messages. */
const char *ynode_kind_name(const struct ynode *n);
/* A plain "", "~" or "null": the YAML null. */
bool ynode_is_null(const struct ynode *n);

/* Diagnostics. */
void topo_diag_add(struct topo_diags *d, const char *file, struct topo_pos pos, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
void topo_diags_sort(struct topo_diags *d);

/* Shared state of one load. */
struct ld {
	const char *file;
	const char *buf; /* the file's text, for byte offsets of values */
	size_t len;
	struct topo_diags *d;
	struct topo *t;
};

/* Byte offset in l->buf of a line:column position (columns count characters, as
 * libyaml's do), or (size_t)-1 if it is outside the text. */
size_t ld_offset(const struct ld *l, struct topo_pos pos);

void ld_err(struct ld *l, struct topo_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Typed accessors: each checks the node, reports "what was found; what is expected"
 * naming `what` (the key), and returns false on a problem (leaving *out alone). */
bool ld_map(struct ld *l, const struct ynode *n, const char *what);
bool ld_seq(struct ld *l, const struct ynode *n, const char *what);
bool ld_scalar(struct ld *l, const struct ynode *n, const char *what);
bool ld_str(struct ld *l, const struct ynode *n, const char *what, char *buf, size_t len);
bool ld_strdup(struct ld *l, const struct ynode *n, const char *what, char **out);
bool ld_name(struct ld *l, const struct ynode *n, const char *what, char *buf, size_t len);
bool ld_ifname(struct ld *l, const struct ynode *n, const char *what, char *buf);
/* lo, all, default: reports and returns true. */
bool ld_ifname_reserved(struct ld *l, const struct ynode *n, const char *what, const char *name,
                        const char *example);
bool ld_u32(struct ld *l, const struct ynode *n, const char *what, uint32_t min, uint32_t max,
            uint32_t *out);
bool ld_bool(struct ld *l, const struct ynode *n, const char *what, bool *out);
bool ld_addr(struct ld *l, const struct ynode *n, const char *what, struct in_addr *out);
/* network: host bits must be zero ("default" is 0.0.0.0/0). */
bool ld_prefix(struct ld *l, const struct ynode *n, const char *what, bool network,
               struct topo_prefix *out);
/* A duration: a number of seconds ("0.1", "30") or with a unit ("100ms", "30s",
 * "5m", "1h"), in whole milliseconds, at most max_ms. */
bool ld_duration(struct ld *l, const struct ynode *n, const char *what, uint32_t max_ms,
                 uint32_t *out);
bool ld_asn(struct ld *l, const struct ynode *n, const char *what, uint32_t *out);
/* Reports keys of m not in the NULL-terminated list (context names the mapping). */
void ld_keys(struct ld *l, const struct ynode *m, const char *context, const char *const *known);

/* Timers as written at one level (defaults, node, neighbor): unset fields inherit. */
struct ld_timers {
	bool has_keepalive, has_hold, has_connect_retry;
	uint32_t keepalive_ms, hold_ms, connect_retry_ms;
	struct topo_pos pos;
};
bool ld_timers(struct ld *l, const struct ynode *n, const char *context, struct ld_timers *out);
/* Applies one level over base: a level that sets hold without keepalive gets hold/3. */
void ld_timers_apply(struct topo_bgp_timers *base, const struct ld_timers *lv);

/* load_node.c: nodes (interfaces, routes, BGP). */
void ld_nodes(struct ld *l, const struct ynode *nodes, const struct ld_timers *def_timers);
/* load_net.c: links, tunnels, probes (node names must be loaded). */
void ld_links(struct ld *l, const struct ynode *links);
void ld_tunnels(struct ld *l, const struct ynode *tunnels);
void ld_probes(struct ld *l, const struct ynode *probes);
/* load_dpd.c: the DPD keys of one `ike` mapping (retransmit_*, dpd_action), and the
 * check that the tunnel ends of one gateway agree on the charon-wide schedule. */
void ld_ike_dpd(struct ld *l, const struct ynode *v, struct topo_ike *ike);
void ld_retransmit_agree(struct ld *l);

/* expect.c: outage budgets (probes must be loaded). */
void ld_expect(struct ld *l, const struct ynode *expect);

/* load_key.c: pre-shared keys. Where the key of a tunnel or of one end goes. */
struct ld_keyref {
	char **psk, **psk_file;
	size_t *span_off, *span_len;
};
/* psk or psk_file of mapping v (a tunnel or a tunnel end; `who` names it in
 * messages): 1 when one was given and stored, 0 when neither was written, -1 on a
 * problem (reported). */
int ld_key(struct ld *l, const struct ynode *v, const char *who, struct ld_keyref k);
/* Gives each end without a key of its own a copy of the tunnel's (tkey, ekey: what
 * ld_key returned for the tunnel and for each end) and reports a tunnel, or an end,
 * left without one. ends (the sequence of two) is only read when a key is missing
 * in one end; NULL when there are no ends to blame. */
void ld_end_keys(struct ld *l, struct topo_tunnel *tun, const struct ynode *v,
                 const struct ynode *ends, int tkey, const int ekey[2]);

/* validate.c: everything that needs the whole model. */
void topo_validate(struct ld *l);
/* reach.c: tunnel endpoints reach each other by static routes. */
void topo_check_reach(struct ld *l);

/* Longest namespace name (<lab>.<node>) labctl creates; keeps /run/netns paths and
 * the state lines built from them bounded. */
#define TOPO_NETNS_NAME_MAX 63

#endif
