/* Typed access to the YAML tree: every accessor names what it found and what it
 * expected, at the node's line:column, and never stops the load. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_int.h"

void ld_err(struct ld *l, struct topo_pos pos, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	topo_diag_add(l->d, l->file, pos, "%s", msg);
	free(msg);
}

size_t ld_offset(const struct ld *l, struct topo_pos pos)
{
	size_t off = 0;
	/* libyaml also breaks lines at a lone CR and at U+0085/2028/2029; a file with
	 * those gets no offsets (the caller then refuses what needed one) */
	for (uint32_t line = 1; line < pos.line; line++) {
		const char *nl = memchr(l->buf + off, '\n', l->len - off);
		if (!nl)
			return (size_t)-1;
		off = (size_t)(nl - l->buf) + 1;
	}
	for (uint32_t col = 1; col < pos.col; col++) {
		if (off >= l->len || l->buf[off] == '\n')
			return (size_t)-1;
		off++;
		while (off < l->len && ((unsigned char)l->buf[off] & 0xc0) == 0x80)
			off++; /* UTF-8 continuation bytes: one character */
	}
	return off <= l->len ? off : (size_t)-1;
}

static const char *shown(const struct ynode *n)
{
	return ynode_is_null(n) ? "nothing" : n->str;
}

bool ld_map(struct ld *l, const struct ynode *n, const char *what)
{
	if (n->kind == YNODE_MAP)
		return true;
	ld_err(l, n->pos, "'%s' is %s; expected a mapping", what, ynode_kind_name(n));
	return false;
}

bool ld_seq(struct ld *l, const struct ynode *n, const char *what)
{
	if (n->kind == YNODE_SEQ)
		return true;
	ld_err(l, n->pos, "'%s' is %s; expected a sequence", what, ynode_kind_name(n));
	return false;
}

bool ld_scalar(struct ld *l, const struct ynode *n, const char *what)
{
	if (n->kind == YNODE_SCALAR && !ynode_is_null(n))
		return true;
	ld_err(l, n->pos, "'%s' is %s; expected a value", what, ynode_kind_name(n));
	return false;
}

bool ld_str(struct ld *l, const struct ynode *n, const char *what, char *buf, size_t len)
{
	if (!ld_scalar(l, n, what))
		return false;
	if (strlen(n->str) >= len) {
		ld_err(l, n->pos, "%s '%s' is %zu characters long; expected at most %zu", what,
		       n->str, strlen(n->str), len - 1);
		return false;
	}
	strcpy(buf, n->str);
	return true;
}

bool ld_strdup(struct ld *l, const struct ynode *n, const char *what, char **out)
{
	if (!ld_scalar(l, n, what))
		return false;
	char *s = strdup(n->str);
	if (!s) {
		ld_err(l, n->pos, "out of memory");
		return false;
	}
	*out = s;
	return true;
}

/* Names become parts of namespace names, file names and graph ids: keep them to
 * what is safe everywhere. */
bool ld_name(struct ld *l, const struct ynode *n, const char *what, char *buf, size_t len)
{
	if (!ld_scalar(l, n, what))
		return false;
	const char *s = n->str;
	bool ok = islower((unsigned char)s[0]) || isdigit((unsigned char)s[0]);
	for (const char *p = s; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' ||
		     *p == '_';
	if (!ok) {
		ld_err(
		    l, n->pos,
		    "%s '%s' has characters outside a-z 0-9 - _; expected a name such as ali-vpn0",
		    what, s);
		return false;
	}
	return ld_str(l, n, what, buf, len);
}

bool ld_ifname(struct ld *l, const struct ynode *n, const char *what, char *buf)
{
	if (!ld_scalar(l, n, what))
		return false;
	const char *s = n->str;
	if (strlen(s) >= TOPO_IFNAME_MAX) {
		ld_err(l, n->pos, "%s '%s' is %zu characters long; expected at most %d (IFNAMSIZ)",
		       what, s, strlen(s), TOPO_IFNAME_MAX - 1);
		return false;
	}
	bool ok = strcmp(s, ".") && strcmp(s, "..");
	for (const char *p = s; ok && *p; p++)
		ok = isgraph((unsigned char)*p) && *p != '/' && *p != ':';
	if (!ok) {
		ld_err(l, n->pos,
		       "%s '%s' is not a valid interface name; expected printable characters "
		       "without '/', ':' or spaces",
		       what, s);
		return false;
	}
	strcpy(buf, s);
	return true;
}

bool ld_ifname_reserved(struct ld *l, const struct ynode *n, const char *what, const char *name,
                        const char *example)
{
	/* every namespace has lo; all and default are sysctl directories
	 * (net.ipv4.conf.all, .default) that an interface would collide with */
	if (strcmp(name, "lo") && strcmp(name, "all") && strcmp(name, "default"))
		return false;
	ld_err(l, n->pos, "%s '%s' is reserved; expected another name such as %s", what, name,
	       example);
	return true;
}

bool ld_u32(struct ld *l, const struct ynode *n, const char *what, uint32_t min, uint32_t max,
            uint32_t *out)
{
	if (!ld_scalar(l, n, what))
		return false;
	const char *s = n->str;
	char *end;
	errno = 0;
	unsigned long long v = isdigit((unsigned char)s[0]) ? strtoull(s, &end, 10) : 0;
	if (!isdigit((unsigned char)s[0]) || *end || errno) {
		ld_err(l, n->pos, "%s '%s' is not a whole number; expected %u..%u", what, s, min,
		       max);
		return false;
	}
	if (v < min || v > max) {
		ld_err(l, n->pos, "%s %s is out of range; expected %u..%u", what, s, min, max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

bool ld_asn(struct ld *l, const struct ynode *n, const char *what, uint32_t *out)
{
	uint32_t v;
	if (!ld_u32(l, n, what, 1, UINT32_MAX, &v))
		return false;
	if (v == 23456) {
		/* RFC 6793 s9: AS_TRANS stands in for a 4-octet ASN, never a real one */
		ld_err(l, n->pos, "%s 23456 is AS_TRANS (RFC 6793); expected a real AS number",
		       what);
		return false;
	}
	*out = v;
	return true;
}

bool ld_bool(struct ld *l, const struct ynode *n, const char *what, bool *out)
{
	if (n->kind == YNODE_SCALAR && n->plain) {
		if (!strcmp(n->str, "true") || !strcmp(n->str, "yes") || !strcmp(n->str, "on")) {
			*out = true;
			return true;
		}
		if (!strcmp(n->str, "false") || !strcmp(n->str, "no") || !strcmp(n->str, "off")) {
			*out = false;
			return true;
		}
	}
	ld_err(l, n->pos, "%s '%s' is not a boolean; expected true or false", what,
	       n->kind == YNODE_SCALAR ? shown(n) : ynode_kind_name(n));
	return false;
}

bool ld_addr(struct ld *l, const struct ynode *n, const char *what, struct in_addr *out)
{
	if (!ld_scalar(l, n, what))
		return false;
	/* inet_pton accepts only dotted quads: no "10.1", no octal, no hex */
	if (inet_pton(AF_INET, n->str, out) != 1) {
		ld_err(l, n->pos,
		       "%s '%s' is not an IPv4 address; expected A.B.C.D such as 10.0.1.171", what,
		       n->str);
		return false;
	}
	return true;
}

bool ld_prefix(struct ld *l, const struct ynode *n, const char *what, bool network,
               struct topo_prefix *out)
{
	if (!ld_scalar(l, n, what))
		return false;
	const char *s = n->str;
	if (network && !strcmp(s, "default")) {
		*out = (struct topo_prefix){.len = 0};
		return true;
	}
	char buf[INET_ADDRSTRLEN + 4];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	char *end;
	unsigned long len = 0;
	bool ok =
	    slash && (size_t)(slash - s) < INET_ADDRSTRLEN && isdigit((unsigned char)slash[1]);
	if (ok) {
		memcpy(buf, s, (size_t)(slash - s));
		buf[slash - s] = '\0';
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		ok = inet_pton(AF_INET, buf, &a) == 1 && !*end && !errno && len <= 32 &&
		     strlen(slash + 1) <= 2;
	}
	if (!ok) {
		ld_err(l, n->pos, "%s '%s' is not an IPv4 prefix; expected A.B.C.D/LEN such as %s",
		       what, s, network ? "10.0.1.0/24" : "10.0.1.171/24");
		return false;
	}
	uint32_t mask = len ? htonl(~0u << (32 - len)) : 0;
	if (network && (a.s_addr & ~mask)) {
		struct in_addr net = {.s_addr = a.s_addr & mask};
		char nbuf[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &net, nbuf, sizeof(nbuf));
		ld_err(l, n->pos, "%s '%s' has host bits set; expected the network %s/%lu", what, s,
		       nbuf, len);
		return false;
	}
	if (!network && len == 0) {
		ld_err(l, n->pos,
		       "%s '%s' has prefix length 0; expected an interface address such as "
		       "10.0.1.171/24",
		       what, s);
		return false;
	}
	out->addr = a;
	out->len = (uint8_t)len;
	return true;
}

bool ld_duration(struct ld *l, const struct ynode *n, const char *what, uint32_t max_ms,
                 uint32_t *out)
{
	if (!ld_scalar(l, n, what))
		return false;
	const char *s = n->str;
	switch (topo_duration_parse(s, max_ms, out)) {
	case 0: return true;
	case TOPO_DURATION_FINE:
		ld_err(l, n->pos,
		       "%s '%s' is finer than a millisecond; expected whole milliseconds", what, s);
		return false;
	case TOPO_DURATION_LONG:
		ld_err(l, n->pos, "%s '%s' is too long; expected at most %u s", what, s,
		       max_ms / 1000);
		return false;
	default:
		ld_err(l, n->pos,
		       "%s '%s' is not a duration; expected seconds (30, 0.1) or a number with ms, "
		       "s, m or h",
		       what, s);
		return false;
	}
}

void ld_keys(struct ld *l, const struct ynode *m, const char *context, const char *const *known)
{
	if (!m || m->kind != YNODE_MAP)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i]->str;
		bool found = false;
		for (const char *const *p = known; *p && !found; p++)
			found = !strcmp(k, *p);
		if (found)
			continue;
		char list[512] = "";
		size_t used = 0;
		for (const char *const *p = known; *p; p++) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s",
			                 p == known ? "" : ", ", *p);
			if (w < 0 || (size_t)w >= sizeof(list) - used)
				break;
			used += (size_t)w;
		}
		ld_err(l, m->keys[i]->pos, "unknown key '%s' in %s; expected one of: %s", k,
		       context, list);
	}
}

/* RFC 4271 s4.2: the hold time is 0 or at least 3 s, in whole seconds on the wire;
 * s10: keepalive about a third of it. The largest value is 65535 s. */
#define HOLD_MAX_MS (65535u * 1000u)

bool ld_timers(struct ld *l, const struct ynode *n, const char *context, struct ld_timers *out)
{
	static const char *const keys[] = {"keepalive", "hold", "connect_retry", NULL};
	struct ld_timers t = {.pos = n->pos};
	char ctx[96];
	if (!ld_map(l, n, "timers"))
		return false;
	snprintf(ctx, sizeof(ctx), "timers of %s", context);
	ld_keys(l, n, ctx, keys);
	bool ok = true;
	const struct ynode *v;
	if ((v = ymap_get(n, "hold"))) {
		ok &= t.has_hold = ld_duration(l, v, "hold", HOLD_MAX_MS, &t.hold_ms);
		if (t.has_hold && t.hold_ms % 1000) {
			ld_err(l, v->pos,
			       "hold %s is not whole seconds; expected whole seconds (the OPEN "
			       "message carries seconds)",
			       v->str);
			ok = t.has_hold = false;
		} else if (t.has_hold && t.hold_ms && t.hold_ms < 3000) {
			ld_err(l, v->pos,
			       "hold %s is below 3 s; expected 0 or at least 3 s (RFC 4271 s4.2)",
			       v->str);
			ok = t.has_hold = false;
		}
	}
	if ((v = ymap_get(n, "keepalive"))) {
		ok &= t.has_keepalive =
		    ld_duration(l, v, "keepalive", HOLD_MAX_MS, &t.keepalive_ms);
		if (t.has_keepalive && t.has_hold) {
			if (t.hold_ms == 0 && t.keepalive_ms) {
				ld_err(l, v->pos,
				       "keepalive %s with hold 0; expected keepalive 0 when hold "
				       "is 0 (RFC 4271 s4.4)",
				       v->str);
				ok = false;
			} else if (t.hold_ms && t.keepalive_ms >= t.hold_ms) {
				ld_err(l, v->pos,
				       "keepalive %s is not below hold %u s; expected keepalive < "
				       "hold (about hold/3, RFC 4271 s10)",
				       v->str, t.hold_ms / 1000);
				ok = false;
			} else if (t.hold_ms && t.keepalive_ms == 0) {
				ld_err(l, v->pos,
				       "keepalive 0 with hold %u s; expected a keepalive > 0 when "
				       "hold is not 0",
				       t.hold_ms / 1000);
				ok = false;
			}
		}
	}
	if ((v = ymap_get(n, "connect_retry"))) {
		ok &= t.has_connect_retry =
		    ld_duration(l, v, "connect_retry", HOLD_MAX_MS, &t.connect_retry_ms);
		if (t.has_connect_retry && t.connect_retry_ms == 0) {
			ld_err(l, v->pos,
			       "connect_retry 0; expected a positive duration such as 5");
			ok = false;
		}
	}
	*out = t;
	return ok;
}

void ld_timers_apply(struct topo_bgp_timers *base, const struct ld_timers *lv)
{
	if (lv->has_hold) {
		base->hold_ms = lv->hold_ms;
		/* a third, in whole seconds like the hold time (BIRD and the OPEN both
		 * count seconds); hold >= 3 s keeps it >= 1 s */
		base->keepalive_ms = lv->hold_ms / 3000 * 1000;
	}
	if (lv->has_keepalive)
		base->keepalive_ms = lv->keepalive_ms;
	if (lv->has_connect_retry)
		base->connect_retry_ms = lv->connect_retry_ms;
}
