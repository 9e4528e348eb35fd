/* bgpd.conf parser (docs/bgpd.md). Line-oriented and strict: every error names the
 * file and line and says what would be accepted. */
#include "bgpd_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"

#define MAX_TOKENS 32

struct pctx {
	const char *path;
	int line;
	struct bgp_config *c;
	unsigned seen; /* bit per global keyword, to refuse duplicates */
};

static int perr(const struct pctx *p, const char *fmt, const char *a, const char *b)
{
	char what[256];
	snprintf(what, sizeof(what), fmt, a ? a : "", b ? b : "");
	return lab_err(LAB_EXIT_USAGE, "%s:%d: %s", p->path, p->line, what);
}

static int parse_u32(const struct pctx *p, const char *key, const char *s, uint64_t max,
                     uint32_t *out)
{
	char *end;
	if (!s)
		return perr(p, "'%s' needs a number", key, NULL);
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return perr(p, "'%s': '%s' is not a valid number for it", key, s);
	*out = (uint32_t)v;
	return 0;
}

static int parse_addr(const struct pctx *p, const char *key, const char *s, struct in_addr *out)
{
	if (!s)
		return perr(p, "'%s' needs an IPv4 address", key, NULL);
	if (inet_pton(AF_INET, s, out) != 1)
		return perr(p, "'%s': '%s' is not an IPv4 address (a.b.c.d)", key, s);
	return 0;
}

static int parse_prefix(const struct pctx *p, const char *s, struct bgp_prefix *out)
{
	char buf[32];
	const char *slash = s ? strchr(s, '/') : NULL;
	if (!s || !slash || (size_t)(slash - s) >= sizeof(buf))
		return perr(p, "'network' needs a prefix a.b.c.d/len, got '%s'", s, NULL);
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = 0;
	uint32_t len;
	struct pctx q = *p;
	if (inet_pton(AF_INET, buf, &out->addr) != 1 ||
	    parse_u32(&q, "network", slash + 1, 32, &len))
		return perr(p, "'network': '%s' is not a prefix a.b.c.d/len (len 0..32)", s, NULL);
	uint32_t mask = len ? htonl(~0u << (32 - len)) : 0;
	if (out->addr.s_addr & ~mask)
		return perr(p, "'network': '%s' has host bits set; use the network address", s,
		            NULL);
	out->len = (uint8_t)len;
	return 0;
}

static int check_hold(const struct pctx *p, uint32_t ms)
{
	/* On the wire in whole seconds; 1 and 2 s are illegal (RFC 4271 s4.2). */
	if (ms != 0 && (ms < 3000 || ms % 1000))
		return perr(p, "'hold-ms' must be 0 or a multiple of 1000 that is at least 3000",
		            NULL, NULL);
	return 0;
}

static int parse_neighbor(struct pctx *p, char **tok, int n)
{
	struct bgp_config *c = p->c;
	struct bgp_neighbor_config nb = {
	    .hold_ms = BGP_DEFAULT_HOLD_MS,
	    .keepalive_ms = BGP_DEFAULT_KEEPALIVE_MS,
	    .connect_retry_ms = BGP_DEFAULT_CONNECT_RETRY_MS,
	    .open_hold_ms = BGP_DEFAULT_OPEN_HOLD_MS,
	    .line = p->line,
	};
	bool has_as = false;
	if (parse_addr(p, "neighbor", n > 1 ? tok[1] : NULL, &nb.addr))
		return -1;
	for (int i = 2; i < n; i++) {
		const char *k = tok[i], *v = i + 1 < n ? tok[i + 1] : NULL;
		if (!strcmp(k, "passive")) {
			nb.passive = true;
			continue;
		}
		if (!strcmp(k, "next-hop-self")) {
			nb.next_hop_self = true;
			continue;
		}
		int r;
		if (!strcmp(k, "remote-as")) {
			r = parse_u32(p, k, v, UINT32_MAX, &nb.remote_as);
			has_as = r == 0 && nb.remote_as != 0;
			if (!r && !has_as)
				return perr(p, "'remote-as' must not be 0", NULL, NULL);
		} else if (!strcmp(k, "local-address")) {
			r = parse_addr(p, k, v, &nb.local_addr);
			nb.has_local_addr = true;
		} else if (!strcmp(k, "hold-ms")) {
			r = parse_u32(p, k, v, 65535000u, &nb.hold_ms);
			if (!r)
				r = check_hold(p, nb.hold_ms);
		} else if (!strcmp(k, "keepalive-ms")) {
			r = parse_u32(p, k, v, 65535000u, &nb.keepalive_ms);
		} else if (!strcmp(k, "connect-retry-ms")) {
			r = parse_u32(p, k, v, 86400000u, &nb.connect_retry_ms);
			if (!r && nb.connect_retry_ms == 0)
				return perr(p, "'connect-retry-ms' must be at least 1", NULL, NULL);
		} else if (!strcmp(k, "open-hold-ms")) {
			r = parse_u32(p, k, v, 86400000u, &nb.open_hold_ms);
			if (!r && nb.open_hold_ms == 0)
				return perr(p, "'open-hold-ms' must be at least 1", NULL, NULL);
		} else if (!strcmp(k, "bfd-interval-ms")) {
			r = parse_u32(p, k, v, BGP_BFD_MAX_INTERVAL_MS, &nb.bfd_interval_ms);
			if (!r && nb.bfd_interval_ms < BGP_BFD_MIN_INTERVAL_MS)
				return perr(p, "'bfd-interval-ms' must be 10..60000", NULL, NULL);
		} else if (!strcmp(k, "bfd-multiplier")) {
			uint32_t m;
			r = parse_u32(p, k, v, 255, &m);
			if (!r && m == 0)
				return perr(p, "'bfd-multiplier' must be 1..255", NULL, NULL);
			nb.bfd_multiplier = (uint8_t)m;
		} else if (!strcmp(k, "track-tunnel")) {
			if (!v || strlen(v) >= sizeof(nb.track_tunnel))
				return perr(p,
				            "'track-tunnel' needs a tunnel name (< 64 characters)",
				            NULL, NULL);
			strcpy(nb.track_tunnel, v);
			r = 0;
		} else {
			return perr(
			    p,
			    "unknown neighbor option '%s' (remote-as, local-address, hold-ms, "
			    "keepalive-ms, connect-retry-ms, open-hold-ms, passive, "
			    "next-hop-self, track-tunnel, bfd-interval-ms, bfd-multiplier)",
			    k, NULL);
		}
		if (r)
			return -1;
		i++;
	}
	if (!has_as)
		return perr(p, "neighbor %s needs 'remote-as N'", tok[1], NULL);
	if (nb.bfd_multiplier && !nb.bfd_interval_ms)
		return perr(p, "'bfd-multiplier' needs 'bfd-interval-ms N' (BFD is on with it)",
		            NULL, NULL);
	if (nb.bfd_interval_ms && !nb.bfd_multiplier)
		nb.bfd_multiplier = BGP_BFD_DEFAULT_MULTIPLIER;
	if (bgp_config_find_neighbor(c, nb.addr) >= 0)
		return perr(p, "neighbor %s is configured twice", tok[1], NULL);
	if (c->n_neighbors == BGP_CONFIG_MAX_NEIGHBORS) {
		char max[16];
		snprintf(max, sizeof(max), "%d", BGP_CONFIG_MAX_NEIGHBORS);
		return perr(p,
		            "more than %s neighbors; split the node's neighbors over more "
		            "routers",
		            max, NULL);
	}
	/* Capacity doubles at each power of two: a hub's thousands of lines are not
	 * copied once per line. */
	size_t have = c->n_neighbors;
	if (have == 0 || (have >= 8 && !(have & (have - 1)))) {
		void *v = realloc(c->neighbors, (have ? 2 * have : 8) * sizeof(nb));
		if (!v)
			return lab_err(LAB_EXIT_FAIL, "out of memory");
		c->neighbors = v;
	}
	c->neighbors[c->n_neighbors++] = nb;
	return 0;
}

static const char *const globals[] = {"asn",     "router-id", "control",
                                      "journal", "max-paths", "route-programming-delay-ms",
                                      "port",    "bfd-port"};

static int parse_line(struct pctx *p, char **tok, int n)
{
	struct bgp_config *c = p->c;
	const char *k = tok[0], *v = n > 1 ? tok[1] : NULL;
	if (!strcmp(k, "neighbor"))
		return parse_neighbor(p, tok, n);
	if (!strcmp(k, "network")) {
		if (n != 2)
			return perr(p, "'network' takes one prefix a.b.c.d/len", NULL, NULL);
		struct bgp_prefix pf;
		if (parse_prefix(p, v, &pf))
			return -1;
		void *nv = realloc(c->networks, (c->n_networks + 1) * sizeof(pf));
		if (!nv)
			return lab_err(LAB_EXIT_FAIL, "out of memory");
		c->networks = nv;
		c->networks[c->n_networks++] = pf;
		return 0;
	}
	unsigned g;
	for (g = 0; g < sizeof(globals) / sizeof(globals[0]); g++)
		if (!strcmp(k, globals[g]))
			break;
	if (g == sizeof(globals) / sizeof(globals[0]))
		return perr(p, "unknown statement '%s' (see docs/bgpd.md)", k, NULL);
	if (p->seen & (1u << g))
		return perr(p, "'%s' is given twice", k, NULL);
	p->seen |= 1u << g;
	if (n != 2)
		return perr(p, "'%s' takes exactly one value", k, NULL);
	uint32_t u;
	switch (g) {
	case 0:
		if (parse_u32(p, k, v, UINT32_MAX, &c->asn))
			return -1;
		if (!c->asn)
			return perr(p, "'asn' must not be 0", NULL, NULL);
		return 0;
	case 1: return parse_addr(p, k, v, &c->router_id);
	case 2:
		if (strlen(v) >= sizeof(c->control))
			return perr(p, "'control' path is too long for a unix socket", NULL, NULL);
		strcpy(c->control, v);
		return 0;
	case 3:
		if (strlen(v) >= sizeof(c->journal))
			return perr(p, "'journal' path is too long", NULL, NULL);
		strcpy(c->journal, v);
		return 0;
	case 4:
		if (parse_u32(p, k, v, BGP_CONFIG_MAX_PATHS, &c->max_paths))
			return -1;
		if (!c->max_paths)
			return perr(p, "'max-paths' must be 1..64", NULL, NULL);
		return 0;
	case 5: return parse_u32(p, k, v, 3600000u, &c->route_programming_delay_ms);
	case 6:
		if (parse_u32(p, k, v, 65535, &u))
			return -1;
		if (!u)
			return perr(p, "'port' must be 1..65535", NULL, NULL);
		c->port = (uint16_t)u;
		return 0;
	case 7:
		if (parse_u32(p, k, v, 65535, &u))
			return -1;
		if (!u)
			return perr(p, "'bfd-port' must be 1..65535", NULL, NULL);
		c->bfd_port = (uint16_t)u;
		return 0;
	}
	return 0;
}

int bgp_config_parse(const char *text, const char *path, struct bgp_config *out)
{
	memset(out, 0, sizeof(*out));
	out->max_paths = 1;
	out->port = BGP_PORT;
	out->bfd_port = BGP_BFD_PORT;
	struct pctx p = {.path = path, .c = out};
	const char *s = text;
	while (*s) {
		p.line++;
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		char line[1024];
		if (len >= sizeof(line)) {
			perr(&p, "line is too long (max 1023 characters)", NULL, NULL);
			goto fail;
		}
		memcpy(line, s, len);
		line[len] = 0;
		s += len + (eol ? 1 : 0);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *tok[MAX_TOKENS], *save = NULL;
		int n = 0;
		for (char *t = strtok_r(line, " \t\r", &save); t;
		     t = strtok_r(NULL, " \t\r", &save)) {
			if (n == MAX_TOKENS) {
				perr(&p, "too many words on one line", NULL, NULL);
				goto fail;
			}
			tok[n++] = t;
		}
		if (n && parse_line(&p, tok, n))
			goto fail;
	}
	p.line = 0;
	if (!out->asn) {
		lab_err(LAB_EXIT_USAGE, "%s: 'asn N' is missing", path);
		goto fail;
	}
	if (!out->router_id.s_addr) {
		lab_err(LAB_EXIT_USAGE, "%s: 'router-id a.b.c.d' is missing", path);
		goto fail;
	}
	return 0;
fail:
	bgp_config_free(out);
	return -1;
}

int bgp_config_load(const char *path, struct bgp_config *out)
{
	char *text = NULL;
	size_t len;
	memset(out, 0, sizeof(*out));
	if (read_file(path, &text, &len) < 0)
		return lab_err_errno(LAB_EXIT_USAGE, errno, "cannot read %s", path);
	int r = bgp_config_parse(text, path, out);
	free(text);
	return r;
}

void bgp_config_free(struct bgp_config *c)
{
	free(c->networks);
	free(c->neighbors);
	c->networks = NULL;
	c->neighbors = NULL;
	c->n_networks = c->n_neighbors = 0;
}

int bgp_config_find_neighbor(const struct bgp_config *c, struct in_addr addr)
{
	for (size_t i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].addr.s_addr == addr.s_addr)
			return (int)i;
	return -1;
}
