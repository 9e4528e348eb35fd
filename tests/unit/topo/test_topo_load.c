/* The shipped topologies load and mean what the article says. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo.h"

static const char *ip(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int k;
	k = (k + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[k], INET_ADDRSTRLEN);
}

static const char *pfx(struct topo_prefix p)
{
	static char buf[4][32];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%u", ip(p.addr), p.len);
	return buf[k];
}

static const struct topo_node *node(const struct topo *t, const char *name)
{
	uint32_t i = topo_node_index(t, name);
	CHECK(i != TOPO_NONE);
	return i == TOPO_NONE ? &t->nodes[0] : &t->nodes[i];
}

static const char *iface_addr(const struct topo *t, const char *n, const char *ifname)
{
	const struct topo_node *nd = node(t, n);
	uint32_t i = topo_iface_index(nd, ifname);
	CHECK(i != TOPO_NONE);
	return i == TOPO_NONE ? "" : pfx(nd->ifaces[i].addr);
}

static struct topo *load(const char *name)
{
	char path[PATH_MAX];
	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK(topo_resolve_path(name, path, sizeof(path)) == 0);
	CHECK(topo_load(path, &t, &d) == 0);
	topo_diags_print(&d, stderr);
	topo_diags_free(&d);
	return t;
}

static void check_neighbor(const struct topo *t, const char *n, size_t idx, const char *addr,
                           uint32_t asn, const char *peer, const char *tunnel, uint32_t ka,
                           uint32_t hold)
{
	const struct topo_bgp *b = node(t, n)->bgp;
	CHECK(b && idx < b->n_neighbors);
	if (!b || idx >= b->n_neighbors)
		return;
	const struct topo_bgp_neighbor *nb = &b->neighbors[idx];
	CHECK_STR(ip(nb->addr), addr);
	CHECK_INT(nb->asn, asn);
	CHECK_INT(nb->node, topo_node_index(t, peer));
	if (tunnel)
		CHECK_STR(nb->tunnel == TOPO_NONE ? "-" : t->tunnels[nb->tunnel].name, tunnel);
	else
		CHECK_INT(nb->tunnel, TOPO_NONE);
	CHECK_INT(nb->timers.keepalive_ms, ka);
	CHECK_INT(nb->timers.hold_ms, hold);
	CHECK(!nb->track_tunnel); /* off in the article scenario */
}

static void check_dual(void)
{
	struct topo *t = load("dual-tunnel");
	if (!t)
		return;
	CHECK_STR(t->name, "dual-tunnel");
	CHECK_INT(t->n_nodes, 9);
	CHECK_INT(t->n_links, 10);
	CHECK_INT(t->n_tunnels, 2);
	CHECK_INT(t->n_probes, 1);
	static const char *names[] = {"ecs",        "ali-tr",    "ali-vpn0",
	                              "ali-vpn1",   "internet",  "azure-vpn0",
	                              "azure-vpn1", "azure-hub", "vm"};
	static const enum topo_role roles[] = {
	    TOPO_ROLE_HOST,    TOPO_ROLE_ROUTER,   TOPO_ROLE_GATEWAY,
	    TOPO_ROLE_GATEWAY, TOPO_ROLE_UNDERLAY, TOPO_ROLE_GATEWAY,
	    TOPO_ROLE_GATEWAY, TOPO_ROLE_ROUTER,   TOPO_ROLE_HOST};
	for (size_t i = 0; i < 9; i++) {
		CHECK_STR(t->nodes[i].name, names[i]);
		CHECK_INT(t->nodes[i].role, roles[i]);
		CHECK_INT(t->nodes[i].forwarding, roles[i] != TOPO_ROLE_HOST);
	}
	/* docs/reference.md "Addressing" */
	CHECK_STR(iface_addr(t, "ecs", "eth0"), "10.0.1.171/24");
	CHECK_STR(iface_addr(t, "ali-tr", "eth1"), "10.0.255.1/24");
	CHECK_STR(iface_addr(t, "ali-tr", "eth2"), "10.0.254.1/24");
	CHECK_STR(iface_addr(t, "vm", "eth0"), "172.16.1.4/28");
	CHECK_STR(iface_addr(t, "azure-hub", "eth0"), "172.16.1.1/28");
	CHECK_STR(iface_addr(t, "ali-vpn0", "eth1"), "198.51.100.1/30");
	CHECK_STR(iface_addr(t, "azure-vpn1", "eth1"), "203.0.113.5/30");
	/* links resolve to both ends */
	const struct topo_link *l0 = &t->links[0];
	CHECK_INT(l0->end[0].node, topo_node_index(t, "ecs"));
	CHECK_INT(l0->end[1].node, topo_node_index(t, "ali-tr"));
	CHECK_INT(node(t, "ecs")->ifaces[0].link, 0);
	CHECK(l0->pos.line > 0);
	/* docs/reference.md "Tunnels and BGP" and "IKE / IPsec parameters" */
	static const char *inside[2][2] = {{"169.254.21.1/30", "169.254.21.2/30"},
	                                   {"169.254.21.5/30", "169.254.21.6/30"}};
	static const char *gw[2][2] = {{"ali-vpn0", "azure-vpn0"}, {"ali-vpn1", "azure-vpn1"}};
	for (int i = 0; i < 2; i++) {
		const struct topo_tunnel *tun = &t->tunnels[i];
		char key[64];
		CHECK_STR(tun->name, i ? "tun1" : "tun0");
		CHECK(tun->psk && !tun->psk_file);
		CHECK(topo_tunnel_psk(t, tun, key, sizeof(key)) == 0);
		CHECK_STR(key, "aliazu12345");
		for (int e = 0; e < 2; e++) {
			const struct topo_tunnel_end *end = &tun->end[e];
			CHECK_STR(t->nodes[end->node].name, gw[i][e]);
			CHECK_STR(pfx(end->inside), inside[i][e]);
			CHECK_STR(end->ifname, "ipsec0");
			CHECK_STR(t->nodes[end->node].ifaces[end->uplink].name, "eth1");
			CHECK_INT(end->ike.version, 2);
			CHECK_STR(end->ike.ike_proposal, "aes256-sha256-modp1024");
			CHECK_STR(end->ike.esp_proposal, "aes256-sha256");
			CHECK_INT(end->ike.ike_lifetime_ms, 3600000);
			CHECK(end->ike.dpd_delay_ms > 0);
			CHECK(end->ike.nat_traversal);
		}
	}
	/* docs/reference.md "BGP timers": Alibaba 10/30, Azure 60/180; ASNs 64512 / 65515 */
	const struct topo_bgp *tr = node(t, "ali-tr")->bgp, *hub = node(t, "azure-hub")->bgp;
	CHECK(tr && hub);
	if (tr && hub) {
		CHECK_INT(tr->asn, 64512);
		CHECK_INT(tr->speaker, TOPO_SPEAKER_BUILTIN);
		CHECK_INT(tr->max_paths, 2);
		CHECK_INT(tr->n_networks, 1);
		CHECK_STR(pfx(tr->networks[0]), "10.0.0.0/16");
		CHECK_INT(tr->route_programming_delay_ms, 10800); /* fitted: docs/timer-math.md */
		CHECK_INT(hub->asn, 65515);
		CHECK_INT(hub->max_paths, 2);
		/* the fitted delay less BIRD's 0-3 s wake: docs/timer-math.md */
		CHECK_INT(hub->route_programming_delay_ms, 7800);
		CHECK_STR(pfx(hub->networks[0]), "172.16.1.0/24");
	}
	CHECK_INT(node(t, "azure-vpn0")->bgp->speaker, TOPO_SPEAKER_BIRD);
	CHECK_INT(node(t, "azure-vpn1")->bgp->speaker, TOPO_SPEAKER_BIRD);
	CHECK_INT(node(t, "azure-vpn0")->bgp->error_wait_ms, 1000);
	CHECK(node(t, "ecs")->bgp == NULL);
	CHECK(node(t, "internet")->bgp == NULL);
	check_neighbor(t, "ali-vpn0", 0, "169.254.21.2", 65515, "azure-vpn0", "tun0", 10000, 30000);
	check_neighbor(t, "ali-vpn0", 1, "10.0.255.1", 64512, "ali-tr", NULL, 10000, 30000);
	check_neighbor(t, "ali-vpn1", 0, "169.254.21.6", 65515, "azure-vpn1", "tun1", 10000, 30000);
	check_neighbor(t, "azure-vpn0", 0, "169.254.21.1", 64512, "ali-vpn0", "tun0", 60000,
	               180000);
	check_neighbor(t, "azure-vpn1", 1, "172.16.200.5", 65515, "azure-hub", NULL, 60000, 180000);
	check_neighbor(t, "ali-tr", 1, "10.0.254.2", 64512, "ali-vpn1", NULL, 10000, 30000);
	CHECK(node(t, "ali-vpn0")->bgp->neighbors[1].next_hop_self);
	CHECK_INT(t->defaults.bgp_timers.connect_retry_ms, 5000);
	/* docs/reference.md "The failover test": ping -i 0.1 ECS <-> VM */
	const struct topo_probe *p = &t->probes[0];
	CHECK_INT(p->from, topo_node_index(t, "ecs"));
	CHECK_INT(p->to, topo_node_index(t, "vm"));
	CHECK_STR(ip(p->from_addr), "10.0.1.171");
	CHECK_STR(ip(p->to_addr), "172.16.1.4");
	CHECK_INT(p->interval_ms, 100);
	CHECK(p->flows > 1);
	/* routes: ecs and vm default to their routers; gateways reach the underlay */
	const struct topo_node *ecs = node(t, "ecs");
	CHECK_INT(ecs->n_routes, 1);
	CHECK_INT(ecs->routes[0].dst.len, 0);
	CHECK_STR(ip(ecs->routes[0].via[0]), "10.0.1.1");
	CHECK_INT(node(t, "azure-vpn0")->n_routes, 2);
	/* look-ups */
	struct in_addr a;
	uint32_t ifc;
	inet_pton(AF_INET, "172.16.200.1", &a);
	CHECK_INT(topo_addr_owner(t, a, &ifc), topo_node_index(t, "azure-hub"));
	CHECK_INT(ifc, 1);
	inet_pton(AF_INET, "169.254.21.6", &a);
	CHECK_INT(topo_addr_owner(t, a, &ifc), topo_node_index(t, "azure-vpn1"));
	CHECK_INT(ifc, TOPO_NONE);
	uint32_t end;
	CHECK_INT(topo_addr_tunnel(t, a, &end), 1);
	CHECK_INT(end, 1);
	inet_pton(AF_INET, "192.0.2.1", &a);
	CHECK_INT(topo_addr_owner(t, a, NULL), TOPO_NONE);
	CHECK_INT(topo_node_index(t, "nope"), TOPO_NONE);
	CHECK_STR(topo_role_name(TOPO_ROLE_UNDERLAY), "underlay");
	CHECK_STR(topo_speaker_name(TOPO_SPEAKER_BIRD), "bird");
	topo_free(t);
}

static void check_single(void)
{
	struct topo *t = load("single-tunnel");
	if (!t)
		return;
	CHECK_INT(t->n_nodes, 7);
	CHECK_INT(t->n_tunnels, 1);
	CHECK_INT(topo_node_index(t, "ali-vpn1"), TOPO_NONE);
	CHECK_INT(node(t, "ali-tr")->bgp->n_neighbors, 1);
	topo_free(t);
}

static void check_resolve(void)
{
	char path[PATH_MAX];
	CHECK(topo_resolve_path("dual-tunnel", path, sizeof(path)) == 0);
	CHECK_STR(path, LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml");
	CHECK(topo_resolve_path("x/y.yaml", path, sizeof(path)) == 0);
	CHECK_STR(path, "x/y.yaml");
	CHECK(topo_resolve_path("no-such-topology", path, sizeof(path)) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "no-such-topology") != NULL);
	CHECK(topo_resolve_path("../etc", path, sizeof(path)) == 0); /* a path: has '/' */
	CHECK(topo_resolve_path("a b", path, sizeof(path)) == -1);
}

/* psk_file: relative to the topology's directory, newline stripped, mode enforced */
static void check_psk_file(void)
{
	char dir[] = "/tmp/labctl-topo-psk-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char topo_path[128], key_path[128];
	snprintf(topo_path, sizeof(topo_path), "%s/t.yaml", dir);
	snprintf(key_path, sizeof(key_path), "%s/t.key", dir);
	static const char text[] = "name: t\n"
	                           "nodes:\n"
	                           "  g1: {role: gateway, interfaces: {eth0: 192.0.2.1/24}}\n"
	                           "  g2: {role: gateway, interfaces: {eth0: 192.0.2.2/24}}\n"
	                           "links:\n"
	                           "  - [g1:eth0, g2:eth0]\n"
	                           "tunnels:\n"
	                           "  t0:\n"
	                           "    psk_file: t.key   # next to this file\n"
	                           "    ends:\n"
	                           "      - {node: g1, uplink: eth0, inside: 169.254.0.1/30}\n"
	                           "      - {node: g2, uplink: eth0, inside: 169.254.0.2/30}\n";
	CHECK(write_file_atomic(topo_path, text, strlen(text), 0644) == 0);
	CHECK(write_file_atomic(key_path, "s3cret\n", 7, 0600) == 0);
	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK(topo_load(topo_path, &t, &d) == 0);
	topo_diags_print(&d, stderr);
	topo_diags_free(&d);
	if (t) {
		char key[64];
		CHECK(t->tunnels[0].psk == NULL);
		CHECK_STR(t->tunnels[0].psk_file, key_path);
		CHECK(topo_tunnel_psk(t, &t->tunnels[0], key, sizeof(key)) == 0);
		CHECK_STR(key, "s3cret");
		CHECK(topo_tunnel_psk(t, &t->tunnels[0], key, 4) == -1); /* does not fit */
		CHECK(t->source_len == strlen(text) && !memcmp(t->source, text, t->source_len));
		/* a copy elsewhere (a lab's records) still finds the key */
		char sub[160], copy[192];
		snprintf(sub, sizeof(sub), "%s/sub", dir);
		snprintf(copy, sizeof(copy), "%s/copy.yaml", sub);
		CHECK(mkdir(sub, 0700) == 0);
		CHECK(topo_copy_file(t, copy) == 0);
		struct stat st;
		CHECK(stat(copy, &st) == 0 && (st.st_mode & 0777) == 0600);
		struct topo *c = NULL;
		CHECK(topo_load(copy, &c, &d) == 0);
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		if (c) {
			CHECK_STR(c->tunnels[0].psk_file, key_path);
			CHECK(topo_tunnel_psk(c, &c->tunnels[0], key, sizeof(key)) == 0);
			CHECK_STR(key, "s3cret");
			CHECK(c->tunnels[0].psk_file_span_len == 0); /* absolute now */
			topo_free(c);
		}
		char *ctext = NULL;
		size_t clen;
		CHECK(read_file(copy, &ctext, &clen) == 0);
		CHECK(ctext && strstr(ctext, "    psk_file: \"/tmp/labctl-topo-psk-") &&
		      strstr(ctext, "/t.key\"   # next to this file\n"));
		free(ctext);
		unlink(copy);
		rmdir(sub);
		topo_free(t);
		t = NULL;
	}
	/* readable by others: refused, nothing handed out */
	CHECK(chmod(key_path, 0644) == 0);
	CHECK(topo_load(topo_path, &t, &d) == -1);
	CHECK(t == NULL);
	CHECK_INT(d.n, 1);
	if (d.n == 1) {
		CHECK(strstr(d.v[0].msg, "has mode 0644; expected 0600 or 0400") != NULL);
		CHECK_INT(d.v[0].pos.line, 9);
		CHECK_INT(d.v[0].pos.col, 15);
	}
	topo_diags_free(&d);
	unlink(key_path);
	unlink(topo_path);
	rmdir(dir);
}

/* The example at the top of docs/topology-format.md is a topology that loads. */
static void check_doc_example(void)
{
	char *doc = NULL;
	size_t len;
	CHECK(read_file(LABCTL_SOURCE_ROOT "/docs/topology-format.md", &doc, &len) == 0);
	if (!doc)
		return;
	char *start = strstr(doc, "```yaml\n"), *end = start ? strstr(start + 8, "```\n") : NULL;
	CHECK(start && end);
	char dir[] = "/tmp/labctl-topo-doc-XXXXXX", path[96], key[96];
	if (start && end && mkdtemp(dir)) {
		snprintf(path, sizeof(path), "%s/example.yaml", dir);
		snprintf(key, sizeof(key), "%s/t0.key", dir);
		CHECK(write_file_atomic(path, start + 8, (size_t)(end - start - 8), 0644) == 0);
		CHECK(write_file_atomic(key, "k\n", 2, 0600) == 0);
		struct topo *t = NULL;
		struct topo_diags d = {0};
		CHECK(topo_load(path, &t, &d) == 0);
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		if (t) {
			CHECK_STR(t->name, "two-sites");
			CHECK_INT(t->nodes[0].bgp->neighbors[0].tunnel, 0);
			topo_free(t);
		}
		unlink(key);
		unlink(path);
		rmdir(dir);
	}
	free(doc);
}

int main(void)
{
	unsetenv("LABCTL_TOPOLOGY_DIR");
	check_dual();
	check_single();
	check_resolve();
	check_psk_file();
	check_doc_example();
	return check_done();
}
