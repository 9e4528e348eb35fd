/* Control sockets under a lab's run directory against sun_path (108 bytes).
 *
 * Every node's daemons get their control sockets in <run root>/<lab>/<node>/
 * (charon.vici, bgpd.sock, bird.ctl; lab/run, lab/ipsec, lab/bgp_svc). Under the
 * default /run/labctl the longest names allowed (lab 24, node 31 characters) stay
 * far below the limit; a long LABCTL_RUN_DIR can pass it, and `labctl up` would
 * then fail when it starts the daemons, after building the network. */
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "topo/topo_int.h"

static bool ends_tunnel(const struct topo *t, uint32_t node)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (t->tunnels[i].end[0].node == node || t->tunnels[i].end[1].node == node)
			return true;
	return false;
}

size_t topo_check_socket_paths(const struct topo *t, const char *run_root, const char *lab,
                               struct topo_diags *d)
{
	const size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
	size_t n = 0;
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *nd = &t->nodes[i];
		/* the longest socket the node's daemons use */
		const char *sock =
		    ends_tunnel(t, i) ? "charon.vici"
		    : nd->bgp ? (nd->bgp->speaker == TOPO_SPEAKER_BIRD ? "bird.ctl" : "bgpd.sock")
		              : NULL;
		if (!sock)
			continue;
		size_t len =
		    strlen(run_root) + 1 + strlen(lab) + 1 + strlen(nd->name) + 1 + strlen(sock);
		if (len <= max)
			continue;
		topo_diag_add(d, t->path, nd->pos,
		              "node '%s': its control socket %s/%s/%s/%s would be %zu bytes long; "
		              "expected at most %zu (sun_path); set LABCTL_RUN_DIR to a shorter "
		              "directory, or shorten the node's or the lab's name",
		              nd->name, run_root, lab, nd->name, sock, len, max);
		n++;
	}
	return n;
}
