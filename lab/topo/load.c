/* topo_load: file -> tree -> model -> validation; all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo_int.h"

static const char *const top_keys[] = {"name",    "description", "defaults", "nodes", "links",
                                       "tunnels", "probes",      "expect",   NULL};
static const char *const defaults_keys[] = {"ipsec_backend", "ready_timeout", "bgp_timers",
                                            "probe_interval", NULL};

#define TOPO_FILE_MAX (4u << 20) /* a topology is a few kB; refuse anything absurd */

static void ld_defaults(struct ld *l, const struct ynode *v, struct ld_timers *timers)
{
	struct topo_defaults *d = &l->t->defaults;
	if (!ld_map(l, v, "defaults"))
		return;
	ld_keys(l, v, "defaults", defaults_keys);
	const struct ynode *x;
	if ((x = ymap_get(v, "ipsec_backend")) && ld_scalar(l, x, "ipsec_backend")) {
		if (strcmp(x->str, "auto") && strcmp(x->str, "xfrm") && strcmp(x->str, "libipsec"))
			ld_err(l, x->pos,
			       "ipsec_backend '%s' is unknown; expected auto, xfrm or libipsec",
			       x->str);
		else
			snprintf(d->ipsec_backend, sizeof(d->ipsec_backend), "%s", x->str);
	}
	if ((x = ymap_get(v, "ready_timeout")) &&
	    ld_duration(l, x, "ready_timeout", 3600000, &d->ready_timeout_ms) &&
	    !d->ready_timeout_ms) {
		ld_err(l, x->pos, "ready_timeout 0; expected a positive duration such as 120");
	}
	if ((x = ymap_get(v, "bgp_timers")) && ld_timers(l, x, "defaults", timers))
		ld_timers_apply(&d->bgp_timers, timers);
	if ((x = ymap_get(v, "probe_interval")) &&
	    ld_duration(l, x, "probe_interval", 3600000, &d->probe_interval_ms) &&
	    !d->probe_interval_ms)
		ld_err(l, x->pos, "probe_interval 0; expected at least 1 ms");
}

/* `labctl up FILE` names the lab after the topology unless --name says otherwise:
 * a name the lab cannot have would fail there, after validation said yes. */
static void ld_lab_name(struct ld *l, const struct ynode *x)
{
	if (!ld_name(l, x, "name", l->t->name, sizeof(l->t->name)))
		return;
	const char *u = strchr(x->str, '_');
	if (u)
		ld_err(l,
		       (struct topo_pos){x->pos.line,
		                         x->pos.col + (x->plain ? (uint32_t)(u - x->str) : 0)},
		       "name '%s' has a '_', which lab names (the default lab name is the "
		       "topology's) cannot have; expected a-z, 0-9 and '-' only",
		       x->str);
	else if (strlen(x->str) > TOPO_LAB_NAME_MAX)
		ld_err(l, x->pos,
		       "name '%s' is %zu characters long; expected at most %d (it is the default "
		       "lab name, and lab names are at most %d)",
		       x->str, strlen(x->str), TOPO_LAB_NAME_MAX, TOPO_LAB_NAME_MAX);
}

static void ld_top(struct ld *l, const struct ynode *root)
{
	struct topo *t = l->t;
	/* built-in defaults, documented in docs/topology-format.md */
	snprintf(t->defaults.ipsec_backend, sizeof(t->defaults.ipsec_backend), "auto");
	t->defaults.ready_timeout_ms = 120000;
	t->defaults.bgp_timers = (struct topo_bgp_timers){
	    .keepalive_ms = 30000, .hold_ms = 90000, .connect_retry_ms = 120000};
	t->defaults.probe_interval_ms = 100;

	if (root->kind != YNODE_MAP) {
		ld_err(l, root->pos,
		       "the file is %s; expected a mapping with name, nodes, links ...",
		       ynode_kind_name(root));
		return;
	}
	ld_keys(l, root, "the topology", top_keys);
	const struct ynode *x;
	if (!(x = ymap_get(root, "name")))
		ld_err(l, root->pos,
		       "no 'name'; expected the topology's name, e.g. 'name: dual-tunnel'");
	else
		ld_lab_name(l, x);
	if ((x = ymap_get(root, "description")))
		ld_strdup(l, x, "description", &t->description);
	struct ld_timers def = {0};
	if ((x = ymap_get(root, "defaults")))
		ld_defaults(l, x, &def);
	/* what the file's defaults say, as one level for every node's BGP section */
	struct ld_timers eff = {.has_hold = true,
	                        .has_keepalive = true,
	                        .has_connect_retry = true,
	                        .hold_ms = t->defaults.bgp_timers.hold_ms,
	                        .keepalive_ms = t->defaults.bgp_timers.keepalive_ms,
	                        .connect_retry_ms = t->defaults.bgp_timers.connect_retry_ms};
	if (!(x = ymap_get(root, "nodes")))
		ld_err(l, root->pos, "no 'nodes'; expected a mapping of node names to nodes");
	else
		ld_nodes(l, x, &eff);
	if ((x = ymap_get(root, "links")))
		ld_links(l, x);
	if ((x = ymap_get(root, "tunnels")))
		ld_tunnels(l, x);
	if ((x = ymap_get(root, "probes")))
		ld_probes(l, x);
	if ((x = ymap_get(root, "expect")))
		ld_expect(l, x);
}

int topo_load(const char *path, struct topo **out, struct topo_diags *diags)
{
	struct topo_diags local = {0};
	struct topo_diags *d = diags ? diags : &local;
	struct ynode *root = NULL;
	struct topo *t = NULL;
	char *buf = NULL;
	size_t len = 0;
	size_t before = d->n;

	if (read_file(path, &buf, &len) < 0) {
		int e = errno;
		topo_diag_add(d, path, (struct topo_pos){0, 0},
		              "cannot read the file (%s); expected a readable topology file",
		              strerror(e));
		lab_err_errno(LAB_EXIT_USAGE, e, "cannot read topology %s", path);
		goto out;
	}
	if (len > TOPO_FILE_MAX) {
		topo_diag_add(d, path, (struct topo_pos){0, 0},
		              "the file is %zu bytes; expected at most %u", len, TOPO_FILE_MAX);
		goto fail;
	}
	if (ytree_parse(path, buf, len, &root, d) < 0)
		goto fail;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->path = strdup(path))) {
		topo_diag_add(d, path, (struct topo_pos){0, 0}, "out of memory");
		goto fail;
	}
	struct ld l = {.file = path, .d = d, .t = t, .buf = buf, .len = len};
	ld_top(&l, root);
	if (d->n == before)
		topo_validate(&l);
	if (d->n != before)
		goto fail;
	t->source = buf; /* what was validated is what a lab records */
	t->source_len = len;
	*out = t;
	t = NULL;
	ynode_free(root);
	topo_diags_free(&local);
	return 0;
fail:
	topo_diags_sort(d);
	lab_err(LAB_EXIT_USAGE, "%s: %zu problem%s in the topology; fix %s and retry", path,
	        d->n - before, d->n - before == 1 ? "" : "s", d->n - before == 1 ? "it" : "them");
out:
	topo_free(t);
	if (buf) {
		/* the buffer may hold an inline key */
		explicit_bzero(buf, len);
		free(buf);
	}
	ynode_free(root);
	topo_diags_free(&local);
	return -1;
}

static void free_key(char *psk, char *psk_file)
{
	if (psk) {
		explicit_bzero(psk, strlen(psk));
		free(psk);
	}
	free(psk_file);
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->nodes && i < t->n_nodes; i++) {
		struct topo_node *n = &t->nodes[i];
		free(n->ifaces);
		free(n->routes);
		if (n->bgp) {
			free(n->bgp->networks);
			free(n->bgp->neighbors);
			free(n->bgp);
		}
	}
	for (size_t i = 0; t->tunnels && i < t->n_tunnels; i++) {
		struct topo_tunnel *tun = &t->tunnels[i];
		free_key(tun->psk, tun->psk_file);
		for (int e = 0; e < 2; e++)
			free_key(tun->end[e].psk, tun->end[e].psk_file);
	}
	free(t->nodes);
	free(t->links);
	free(t->tunnels);
	free(t->probes);
	if (t->source) {
		explicit_bzero(t->source, t->source_len);
		free(t->source);
	}
	free(t->description);
	free(t->path);
	free(t);
}
