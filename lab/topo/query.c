/* Look-ups on a loaded topology, the topology search path and key access. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo_int.h"
#include "topo/paths.h"

uint32_t topo_node_index(const struct topo *t, const char *name)
{
	for (size_t i = 0; t && i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name))
			return (uint32_t)i;
	return TOPO_NONE;
}

uint32_t topo_iface_index(const struct topo_node *n, const char *ifname)
{
	for (size_t i = 0; n && i < n->n_ifaces; i++)
		if (!strcmp(n->ifaces[i].name, ifname))
			return (uint32_t)i;
	return TOPO_NONE;
}

uint32_t topo_addr_owner(const struct topo *t, struct in_addr addr, uint32_t *iface)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		for (size_t j = 0; j < t->nodes[i].n_ifaces; j++)
			if (t->nodes[i].ifaces[j].addr.len &&
			    t->nodes[i].ifaces[j].addr.addr.s_addr == addr.s_addr) {
				if (iface)
					*iface = (uint32_t)j;
				return (uint32_t)i;
			}
	uint32_t end;
	uint32_t tun = topo_addr_tunnel(t, addr, &end);
	if (tun != TOPO_NONE) {
		if (iface)
			*iface = TOPO_NONE;
		return t->tunnels[tun].end[end].node;
	}
	if (iface)
		*iface = TOPO_NONE;
	return TOPO_NONE;
}

uint32_t topo_addr_tunnel(const struct topo *t, struct in_addr addr, uint32_t *end)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (uint32_t e = 0; e < 2; e++)
			if (t->tunnels[i].end[e].inside.len &&
			    t->tunnels[i].end[e].inside.addr.s_addr == addr.s_addr) {
				if (end)
					*end = e;
				return (uint32_t)i;
			}
	return TOPO_NONE;
}

const char *topo_role_name(enum topo_role r)
{
	switch (r) {
	case TOPO_ROLE_HOST: return "host";
	case TOPO_ROLE_ROUTER: return "router";
	case TOPO_ROLE_GATEWAY: return "gateway";
	case TOPO_ROLE_UNDERLAY: return "underlay";
	}
	return "?";
}

const char *topo_speaker_name(enum topo_speaker s)
{
	switch (s) {
	case TOPO_SPEAKER_BUILTIN: return "builtin";
	case TOPO_SPEAKER_BIRD: return "bird";
	}
	return "?";
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

int topo_resolve_path(const char *name_or_file, char *out, size_t outlen)
{
	const char *s = name_or_file;
	if (!s || !*s)
		return lab_err(
		    LAB_EXIT_USAGE,
		    "no topology given; expected a name such as dual-tunnel or a file path");
	if (strchr(s, '/') || has_suffix(s, ".yaml") || has_suffix(s, ".yml")) {
		if ((size_t)snprintf(out, outlen, "%s", s) >= outlen)
			return lab_err(LAB_EXIT_USAGE, "topology path '%s' is too long", s);
		return 0;
	}
	for (const char *p = s; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && *p != '-' &&
		    *p != '_')
			return lab_err(
			    LAB_EXIT_USAGE,
			    "topology name '%s' has characters outside a-z 0-9 - _; expected a "
			    "name such as dual-tunnel or a path to a .yaml file",
			    s);
	/* The source tree first: a binary built from it is newer than anything installed,
	 * and an installed binary whose tree is gone falls through to the data dir. */
	const char *env = getenv("LABCTL_TOPOLOGY_DIR");
	const char *dirs[] = {env && *env ? env : NULL, LABCTL_SOURCE_ROOT "/topologies",
	                      TOPO_DATADIR};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i])
			continue;
		if ((size_t)snprintf(out, outlen, "%s/%s.yaml", dirs[i], s) >= outlen)
			return lab_err(LAB_EXIT_USAGE, "topology path for '%s' is too long", s);
		if (path_exists(out))
			return 0;
	}
	return lab_err(LAB_EXIT_USAGE,
	               "no topology named '%s' in %s%s%s/topologies or %s; expected one of the "
	               "shipped names (dual-tunnel, single-tunnel) or a path to a .yaml file",
	               s, env && *env ? env : "", env && *env ? ", " : "", LABCTL_SOURCE_ROOT,
	               TOPO_DATADIR);
}

int topo_tunnel_end_psk(const struct topo *t, const struct topo_tunnel *tun, int end, char *buf,
                        size_t len)
{
	const struct topo_tunnel_end *e = &tun->end[end ? 1 : 0];
	const char *node = e->node < t->n_nodes ? t->nodes[e->node].name : "?";
	if (e->psk) {
		size_t n = strlen(e->psk);
		if (n >= len)
			return lab_err(
			    LAB_EXIT_FAIL,
			    "the pre-shared key of tunnel '%s' on %s is longer than %zu bytes",
			    tun->name, node, len - 1);
		memcpy(buf, e->psk, n + 1);
		return 0;
	}
	if (!e->psk_file)
		return lab_err(LAB_EXIT_USAGE, "tunnel '%s' has no pre-shared key on %s", tun->name,
		               node);
	char *data = NULL;
	size_t n = 0;
	if (read_file(e->psk_file, &data, &n) < 0)
		return lab_err_errno(LAB_EXIT_USAGE, errno,
		                     "cannot read psk_file %s of tunnel '%s'", e->psk_file,
		                     tun->name);
	size_t keylen = n;
	while (keylen && (data[keylen - 1] == '\n' || data[keylen - 1] == '\r'))
		keylen--;
	int ret = 0;
	if (!keylen)
		ret = lab_err(LAB_EXIT_USAGE,
		              "psk_file %s of tunnel '%s' is empty; expected the key on one line",
		              e->psk_file, tun->name);
	else if (keylen >= len || memchr(data, '\0', keylen))
		ret = lab_err(
		    LAB_EXIT_USAGE,
		    "psk_file %s of tunnel '%s' is not a key of at most %zu bytes on one line",
		    e->psk_file, tun->name, len - 1);
	else {
		memcpy(buf, data, keylen);
		buf[keylen] = '\0';
	}
	explicit_bzero(data, n);
	free(data);
	return ret;
}

int topo_tunnel_psk(const struct topo *t, const struct topo_tunnel *tun, char *buf, size_t len)
{
	return topo_tunnel_end_psk(t, tun, 0, buf, len);
}
