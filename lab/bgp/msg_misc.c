/* Attribute sets and prefix lists as values (what the RIB stores and compares), and
 * names for journals. */
#include "codec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bgp_attrs_init(struct bgp_attrs *a)
{
	memset(a, 0, sizeof(*a));
}

void bgp_attrs_free(struct bgp_attrs *a)
{
	bgp_as_path_free(&a->as_path);
	for (size_t i = 0; i < a->nraw; i++)
		free(a->raw[i].data);
	free(a->raw);
	bgp_attrs_init(a);
}

int bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src)
{
	*dst = *src;
	dst->as_path = (struct bgp_as_path){0};
	dst->raw = NULL;
	dst->nraw = 0;
	if (bgp_as_path_copy(&dst->as_path, &src->as_path) < 0)
		goto oom;
	for (size_t i = 0; i < src->nraw; i++)
		if (bgp_attrs_set_raw(dst, src->raw[i].flags, src->raw[i].type, src->raw[i].data,
		                      src->raw[i].len) < 0)
			goto oom;
	return 0;
oom:
	bgp_attrs_free(dst);
	return -ENOMEM;
}

static bool raw_equal(const struct bgp_raw_attr *a, const struct bgp_raw_attr *b)
{
	return a->flags == b->flags && a->type == b->type && a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	uint32_t p = a->present;

	if (p != b->present || a->nraw != b->nraw)
		return false;
	if ((p & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)) && a->origin != b->origin)
		return false;
	if (!bgp_as_path_equal(&a->as_path, &b->as_path))
		return false;
	if ((p & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)) && a->next_hop.s_addr != b->next_hop.s_addr)
		return false;
	if ((p & BGP_ATTR_BIT(BGP_ATTR_MED)) && a->med != b->med)
		return false;
	if ((p & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF)) && a->local_pref != b->local_pref)
		return false;
	if ((p & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) &&
	    (a->aggregator_as != b->aggregator_as ||
	     a->aggregator_id.s_addr != b->aggregator_id.s_addr))
		return false;
	for (size_t i = 0; i < a->nraw; i++)
		if (!raw_equal(&a->raw[i], &b->raw[i]))
			return false;
	return true;
}

int bgp_attrs_set_raw(struct bgp_attrs *a, uint8_t flags, uint8_t type, const uint8_t *data,
                      uint16_t len)
{
	struct bgp_raw_attr *slot = NULL;
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, data, len);
	for (size_t i = 0; i < a->nraw; i++)
		if (a->raw[i].type == type)
			slot = &a->raw[i];
	if (!slot) {
		struct bgp_raw_attr *v = realloc(a->raw, (a->nraw + 1) * sizeof(*v));
		if (!v) {
			free(copy);
			return -ENOMEM;
		}
		a->raw = v;
		slot = &a->raw[a->nraw++];
	} else {
		free(slot->data);
	}
	slot->flags = flags & (uint8_t)~BGP_ATTR_F_EXTLEN;
	slot->type = type;
	slot->len = len;
	slot->data = copy;
	return 0;
}

int bgp_prefixes_add(struct bgp_prefixes *l, struct bgp_prefix p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct bgp_prefix *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = p;
	return 0;
}

void bgp_prefixes_free(struct bgp_prefixes *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int bgp_prefix_parse(const char *s, struct bgp_prefix *p)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long len;
	uint32_t a;
	size_t n;

	if (!slash || (n = (size_t)(slash - s)) == 0 || n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &p->addr) != 1)
		return -1;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > 32)
		return -1;
	a = ntohl(p->addr.s_addr);
	if (len < 32 && (a & (0xffffffffu >> len)))
		return -1; /* host bits set: say what was meant */
	p->len = (uint8_t)len;
	return 0;
}

char *bgp_prefix_format(struct bgp_prefix p, char *buf)
{
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p.addr, addr, sizeof(addr));
	snprintf(buf, BGP_PREFIX_STRLEN, "%s/%u", addr, p.len);
	return buf;
}

const char *bgp_notify_code_name(uint8_t code)
{
	static const char *const names[] = {
	    [BGP_ERR_HEADER] = "Message Header Error",
	    [BGP_ERR_OPEN] = "OPEN Message Error",
	    [BGP_ERR_UPDATE] = "UPDATE Message Error",
	    [BGP_ERR_HOLD_TIMER] = "Hold Timer Expired",
	    [BGP_ERR_FSM] = "Finite State Machine Error",
	    [BGP_ERR_CEASE] = "Cease",
	    [BGP_ERR_ROUTE_REFRESH] = "ROUTE-REFRESH Message Error",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown";
}

const char *bgp_notify_subcode_name(uint8_t code, uint8_t subcode)
{
	static const char *const header[] = {"Unspecific", "Connection Not Synchronized",
	                                     "Bad Message Length", "Bad Message Type"};
	static const char *const open[] = {"Unspecific",
	                                   "Unsupported Version Number",
	                                   "Bad Peer AS",
	                                   "Bad BGP Identifier",
	                                   "Unsupported Optional Parameter",
	                                   NULL,
	                                   "Unacceptable Hold Time",
	                                   "Unsupported Capability"};
	static const char *const update[] = {"Unspecific",
	                                     "Malformed Attribute List",
	                                     "Unrecognized Well-known Attribute",
	                                     "Missing Well-known Attribute",
	                                     "Attribute Flags Error",
	                                     "Attribute Length Error",
	                                     "Invalid ORIGIN Attribute",
	                                     NULL,
	                                     "Invalid NEXT_HOP Attribute",
	                                     "Optional Attribute Error",
	                                     "Invalid Network Field",
	                                     "Malformed AS_PATH"};
	static const char *const fsm[] = {"Unspecified Error",
	                                  "Receive Unexpected Message in OpenSent State",
	                                  "Receive Unexpected Message in OpenConfirm State",
	                                  "Receive Unexpected Message in Established State"};
	static const char *const cease[] = {"Unspecific",
	                                    "Maximum Number of Prefixes Reached",
	                                    "Administrative Shutdown",
	                                    "Peer De-configured",
	                                    "Administrative Reset",
	                                    "Connection Rejected",
	                                    "Other Configuration Change",
	                                    "Connection Collision Resolution",
	                                    "Out of Resources",
	                                    "Hard Reset",
	                                    "BFD Down"};
	static const char *const rr[] = {"Unspecific", "Invalid Message Length"};
	const char *const *t = NULL;
	size_t n = 0;

#define TABLE(x) (t = (x), n = sizeof(x) / sizeof((x)[0]))
	switch (code) {
	case BGP_ERR_HEADER: TABLE(header); break;
	case BGP_ERR_OPEN: TABLE(open); break;
	case BGP_ERR_UPDATE: TABLE(update); break;
	case BGP_ERR_HOLD_TIMER: return subcode ? "unknown" : "Unspecific";
	case BGP_ERR_FSM: TABLE(fsm); break;
	case BGP_ERR_CEASE: TABLE(cease); break;
	case BGP_ERR_ROUTE_REFRESH: TABLE(rr); break;
	default: return "unknown";
	}
#undef TABLE
	if (subcode < n && t[subcode])
		return t[subcode];
	return "unknown";
}

char *bgp_notify_name(uint8_t code, uint8_t subcode, char *buf, size_t size)
{
	snprintf(buf, size, "%s / %s", bgp_notify_code_name(code),
	         bgp_notify_subcode_name(code, subcode));
	return buf;
}
