/* libFuzzer target for the topology loader: any bytes must either load into a
 * model whose every index is in range, or fail with at least one diagnostic and
 * nothing handed out. A loaded model must survive what labctl does with it next:
 * the time scale (minima kept), the dot writer and the copy a lab records, which
 * must load again to the same counts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/err.h"
#include "topo/topo.h"

static int write_memfd(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("topo", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_model(const struct topo *t)
{
	for (size_t i = 0; i < t->n_links; i++)
		for (int e = 0; e < 2; e++) {
			const struct topo_link_end *x = &t->links[i].end[e];
			if (x->node >= t->n_nodes || x->iface >= t->nodes[x->node].n_ifaces)
				abort();
		}
	for (size_t i = 0; i < t->n_tunnels; i++) {
		/* at most one key for the tunnel, exactly one per end */
		if (t->tunnels[i].psk && t->tunnels[i].psk_file)
			abort();
		for (int e = 0; e < 2; e++) {
			const struct topo_tunnel_end *x = &t->tunnels[i].end[e];
			if (x->node >= t->n_nodes || x->uplink >= t->nodes[x->node].n_ifaces ||
			    t->nodes[x->node].role != TOPO_ROLE_GATEWAY || !x->psk == !x->psk_file)
				abort();
		}
	}
	for (size_t i = 0; i < t->n_probes; i++)
		if (t->probes[i].from >= t->n_nodes || t->probes[i].to >= t->n_nodes)
			abort();
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_bgp *b = t->nodes[i].bgp;
		for (size_t j = 0; b && j < b->n_neighbors; j++) {
			const struct topo_bgp_neighbor *nb = &b->neighbors[j];
			if (nb->node >= t->n_nodes ||
			    (nb->tunnel != TOPO_NONE && nb->tunnel >= t->n_tunnels))
				abort();
			const struct topo_bgp_timers *tm = &nb->timers;
			if ((tm->hold_ms &&
			     (tm->hold_ms < 3000 || tm->keepalive_ms >= tm->hold_ms)) ||
			    (!tm->hold_ms && tm->keepalive_ms))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = write_memfd(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	struct topo *t = NULL;
	struct topo_diags d = {0};
	int r = topo_load(path, &t, &d);
	if (r < 0) {
		if (t || d.n == 0)
			abort();
	} else {
		if (!t || d.n)
			abort();
		check_model(t);
		FILE *null = fopen("/dev/null", "w");
		if (null) {
			topo_graph_dot(t, null);
			fclose(null);
		}
		/* the copy a lab records loads again to the same model */
		char tmpl[] = "/tmp/fuzz-topo-XXXXXX";
		int tfd = mkstemp(tmpl);
		if (tfd >= 0) {
			close(tfd);
			struct topo *c = NULL;
			struct topo_diags cd = {0};
			if (topo_copy_file(t, tmpl) < 0 || topo_load(tmpl, &c, &cd) < 0)
				abort();
			if (c->n_nodes != t->n_nodes || c->n_links != t->n_links ||
			    c->n_tunnels != t->n_tunnels || c->n_probes != t->n_probes)
				abort();
			topo_free(c);
			topo_diags_free(&cd);
			unlink(tmpl);
		}
		if (topo_apply_time_scale(t, 0.05) < 0)
			abort();
		check_model(t);
		topo_free(t);
	}
	topo_diags_free(&d);
	close(fd);
	return 0;
}
