/* Network readiness: which echoes must succeed (from the topology), sent over
 * raw ICMP sockets opened inside each namespace (run/icmp.h: one socket per check,
 * bound to the check's source address). */
#include "run/net.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "run/icmp.h"
#include "topo/topo.h"

#define RESEND_NS (50 * NS_PER_MS)
/* However late the network got built, the checks get this long (a loaded machine
 * can spend most of a short --timeout before the first echo goes out). */
#define MIN_WAIT_NS (300 * NS_PER_MS)

static int add_check(struct run_check **v, size_t *n, size_t *cap, uint32_t from, uint32_t to,
                     struct in_addr src, struct in_addr dst, const char *why)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].from == from && (*v)[i].dst.s_addr == dst.s_addr)
			return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct run_check *nv = realloc(*v, nc * sizeof(*nv));
		if (!nv)
			return lab_err(LAB_EXIT_FAIL, "out of memory");
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = (struct run_check){from, to, src, dst, why, 0};
	return 0;
}

struct endpoint {
	uint32_t node;
	struct in_addr addr;
};

/* Addresses on links to the underlay node: the "public" addresses. */
static size_t public_endpoints(const struct topo *t, struct endpoint *out)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_links; i++)
		for (int e = 0; e < 2; e++) {
			const struct topo_link_end *me = &t->links[i].end[e],
			                           *peer = &t->links[i].end[!e];
			const struct topo_iface *f = &t->nodes[me->node].ifaces[me->iface];
			if (t->nodes[peer->node].role == TOPO_ROLE_UNDERLAY &&
			    t->nodes[me->node].role != TOPO_ROLE_UNDERLAY && f->addr.len)
				out[n++] = (struct endpoint){me->node, f->addr.addr};
		}
	return n;
}

static bool has_tunnel(const struct topo *t, uint32_t node)
{
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (t->tunnels[i].end[0].node == node || t->tunnels[i].end[1].node == node)
			return true;
	return false;
}

int run_net_checks(const struct topo *t, struct run_check **out, size_t *np)
{
	struct run_check *v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	/* A node on the underlay with no tunnel has no known peer there: its public
	 * addresses must reach every other one. */
	struct endpoint *pub = calloc(2 * t->n_links + 1, sizeof(*pub));
	if (!pub)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	size_t npub = public_endpoints(t, pub);
	for (size_t i = 0; i < npub && rc == 0; i++)
		for (size_t j = 0; j < npub && rc == 0; j++)
			if (pub[i].node != pub[j].node && !has_tunnel(t, pub[i].node))
				rc = add_check(&v, &n, &cap, pub[i].node, pub[j].node, pub[i].addr,
				               pub[j].addr, "underlay");
	free(pub);
	/* The underlay carries IKE and ESP between the two uplinks of each tunnel:
	 * those pairs, both ways. (Every public address to every other would be
	 * quadratic in the gateways: 14,000 echoes for 120 gateways.) */
	for (size_t i = 0; i < t->n_tunnels && rc == 0; i++)
		for (int e = 0; e < 2 && rc == 0; e++) {
			const struct topo_tunnel_end *me = &t->tunnels[i].end[e];
			const struct topo_tunnel_end *peer = &t->tunnels[i].end[!e];
			rc = add_check(&v, &n, &cap, me->node, peer->node,
			               t->nodes[me->node].ifaces[me->uplink].addr.addr,
			               t->nodes[peer->node].ifaces[peer->uplink].addr.addr,
			               "underlay");
		}
	for (size_t i = 0; i < t->n_links && rc == 0; i++) {
		const struct topo_link_end *a = &t->links[i].end[0], *b = &t->links[i].end[1];
		const struct topo_iface *fa = &t->nodes[a->node].ifaces[a->iface];
		const struct topo_iface *fb = &t->nodes[b->node].ifaces[b->iface];
		if (fa->addr.len && fb->addr.len)
			rc = add_check(&v, &n, &cap, a->node, b->node, fa->addr.addr, fb->addr.addr,
			               "link");
	}
	for (size_t i = 0; i < t->n_nodes && rc == 0; i++) {
		const struct topo_node *node = &t->nodes[i];
		if (node->role != TOPO_ROLE_HOST)
			continue;
		for (size_t r = 0; r < node->n_routes && rc == 0; r++)
			for (uint32_t h = 0; h < node->routes[r].nvia && rc == 0; h++) {
				struct in_addr via = node->routes[r].via[h];
				rc = add_check(&v, &n, &cap, (uint32_t)i,
				               topo_addr_owner(t, via, NULL), (struct in_addr){0},
				               via, "next hop");
			}
	}
	if (rc < 0) {
		free(v);
		return -1;
	}
	*out = v;
	*np = n;
	return 0;
}

int run_net_wait(const struct topo *t, struct run_net *net, struct run_check *c, size_t n,
                 int64_t deadline_ns)
{
	(void)t;
	int *fd = calloc(n ? n : 1, sizeof(*fd));
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	int rc = -1;
	if (!fd || !pfd || !idx) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		fd[i] = -1;
	for (size_t i = 0; i < n; i++)
		if ((fd[i] = icmp_open(net->ns[c[i].from], c[i].src)) < 0)
			goto out;
	if (deadline_ns < mono_ns() + MIN_WAIT_NS)
		deadline_ns = mono_ns() + MIN_WAIT_NS;
	uint16_t base = (uint16_t)(getpid() * 131u), seq = 0;
	size_t pending = n;
	for (size_t i = 0; i < n; i++)
		c[i].ok = 0;
	while (pending > 0) {
		int64_t now = mono_ns();
		if (now >= deadline_ns)
			break;
		seq++;
		for (size_t i = 0; i < n; i++)
			if (!c[i].ok)
				icmp_send_echo(fd[i], c[i].dst, (uint16_t)(base + i), seq);
		int64_t round_end = now + RESEND_NS < deadline_ns ? now + RESEND_NS : deadline_ns;
		while (pending > 0 && (now = mono_ns()) < round_end) {
			size_t np = 0;
			for (size_t i = 0; i < n; i++)
				if (!c[i].ok) {
					pfd[np] = (struct pollfd){.fd = fd[i], .events = POLLIN};
					idx[np++] = i;
				}
			int ms = (int)((round_end - now + NS_PER_MS - 1) / NS_PER_MS);
			if (poll(pfd, np, ms) < 0 && errno != EINTR) {
				lab_err_errno(LAB_EXIT_FAIL, errno, "poll");
				goto out;
			}
			for (size_t k = 0; k < np; k++) {
				size_t i = idx[k];
				if ((pfd[k].revents & POLLIN) &&
				    icmp_read_reply(fd[i], c[i].dst, (uint16_t)(base + i), -1)) {
					c[i].ok = 1;
					pending--;
				}
			}
		}
	}
	rc = (int)pending;
out:
	if (fd)
		for (size_t i = 0; i < n; i++)
			if (fd[i] >= 0)
				close(fd[i]);
	free(fd);
	free(pfd);
	free(idx);
	return rc;
}
