/* The bgp service's configuration generators on the reference topology: each
 * bgpd.conf parses with labctl-bgpd's own parser and says what the topology says;
 * each bird.conf passes `bird -p` (BIRD's own parser); control-socket reply
 * parsing on recorded replies. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "bgp/bgpd_config.h"
#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo.h"

static void check_bgpd(const struct topo *t, uint32_t i)
{
	struct sbuf s = {0};
	CHECK_INT(bgp_svc_bgpd_conf(t, i, "/run/labctl/x/node", &s), 0);
	struct bgp_config c;
	memset(&c, 0, sizeof(c));
	int rc = bgp_config_parse(s.s, "bgpd.conf", &c);
	CHECK_INT(rc, 0);
	if (rc < 0) {
		fprintf(stderr, "%s\n%s", lab_err_msg(), s.s);
		sbuf_free(&s);
		return;
	}
	const struct topo_bgp *b = t->nodes[i].bgp;
	CHECK_INT(c.asn, b->asn);
	CHECK_INT(c.router_id.s_addr, b->router_id.s_addr);
	CHECK_INT(c.n_neighbors, b->n_neighbors);
	CHECK_INT(c.n_networks, b->n_networks);
	CHECK_INT(c.max_paths, b->max_paths ? b->max_paths : 1);
	CHECK_STR(c.control, "/run/labctl/x/node/bgpd.sock");
	for (size_t k = 0; k < c.n_neighbors && k < b->n_neighbors; k++) {
		CHECK_INT(c.neighbors[k].addr.s_addr, b->neighbors[k].addr.s_addr);
		CHECK_INT(c.neighbors[k].remote_as, b->neighbors[k].asn);
		CHECK(c.neighbors[k].has_local_addr);
		CHECK_INT(c.neighbors[k].next_hop_self, b->neighbors[k].next_hop_self);
	}
	bgp_config_free(&c);
	sbuf_free(&s);
}

static void check_bird(const struct topo *t, uint32_t i)
{
	struct sbuf s = {0};
	CHECK_INT(bgp_svc_bird_conf(t, i, "/tmp", &s), 0);
	CHECK(strstr(s.s, "local as 65515") == NULL); /* "local <addr> as" form */
	CHECK(strstr(s.s, "error wait time 1, 2;") != NULL);
	CHECK(strstr(s.s, "hold time 180;") != NULL);
	CHECK(strstr(s.s, "next hop self;") != NULL);
	if (access("/usr/sbin/bird", X_OK) == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/test-bird-conf-%d.conf", (int)getpid());
		CHECK_INT(write_file_atomic(path, s.s, s.len, 0600), 0);
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "/usr/sbin/bird -p -c %s", path);
		int rc = system(cmd);
		CHECK_INT(rc, 0);
		if (rc)
			fprintf(stderr, "%s", s.s);
		unlink(path);
	}
	sbuf_free(&s);
}

static void check_parsers(void)
{
	const char *bird =
	    "2002-Name       Proto      Table      State  Since         Info\n"
	    "1002-device1    Device     ---        up     2026-11-24 13:00:00.000000  \n"
	    " kernel1    Kernel     master4    up     2026-11-24 13:00:00.000000  \n"
	    " n_169_254_21_1 BGP        ---        up     2026-11-24 13:00:01.000000  Established  "
	    " \n"
	    " n_172_16_200_1 BGP        ---        start  2026-11-24 13:00:00.000000  Active       "
	    " Socket: Connection refused\n"
	    "0000 \n";
	struct bgp_svc_session v[8];
	CHECK_INT(bgp_svc_parse_bird_sessions(bird, v, 8), 2);
	CHECK_STR(v[0].peer, "n_169_254_21_1");
	CHECK(v[0].established);
	CHECK_STR(v[1].state, "Active");
	CHECK(!v[1].established);
	const char *ours =
	    "{\"sessions\":[{\"peer\":\"10.0.0.1\",\"type\":\"ebgp\",\"state\":\"Established\","
	    "\"configured\":{\"hold_ms\":3000}},{\"peer\":\"10.0.0.5\",\"state\":\"Connect\"}],"
	    "\"rib\":{\"peers\":[{\"peer\":\"10.0.0.1\",\"up\":true}]}}";
	CHECK_INT(bgp_svc_parse_bgpd_sessions(ours, v, 8), 2);
	CHECK_STR(v[0].peer, "10.0.0.1");
	CHECK(v[0].established);
	CHECK_STR(v[1].peer, "10.0.0.5");
	CHECK_STR(v[1].state, "Connect");
	char name[32];
	struct in_addr a;
	inet_pton(AF_INET, "169.254.21.1", &a);
	bgp_svc_bird_proto_name(a, name, sizeof(name));
	CHECK_STR(name, "n_169_254_21_1");
}

static void check_bird_log(void)
{
	const char *log =
	    "2026-11-24 14:13:42.094401 <TRACE> n_10_201_0_1: BGP session established\n"
	    "2026-11-24 14:13:42.094401 <TRACE> n_10_201_0_1: State changed to up\n"
	    "2026-11-24 14:13:42.500000 <TRACE> kernel1: Flushing kernel routes\n"
	    "2026-11-24 14:13:45.948634 <RMT> n_10_201_0_1: Error: Hold timer expired\n"
	    "2026-11-24 14:13:45.948634 <TRACE> n_10_201_0_1: BGP session closed\n"
	    "2026-11-24 14:13:46.0000";
	char path[64];
	snprintf(path, sizeof(path), "/tmp/test-bird-log-%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_INT(bgp_svc_bird_log_convert(log, strlen(log), 1000, fd), 2);
	char *text = NULL;
	size_t len;
	CHECK_INT(read_file(path, &text, &len), 0);
	long long t1 = 0, t2 = 0;
	char *second = text ? strchr(text, '\n') : NULL;
	CHECK(text && sscanf(text, "{\"t\":%lld", &t1) == 1);
	CHECK(second && sscanf(second + 1, "{\"t\":%lld", &t2) == 1);
	CHECK_INT(t2 - t1, 3854233000LL); /* 45.948634 - 42.094401 s */
	CHECK(text && strstr(text, "\"src\":\"bird\",\"ev\":\"state\",\"peer\":\"10.201.0.1\","
	                           "\"to\":\"Established\""));
	CHECK(second && strstr(second, "\"to\":\"Idle\",\"reason\":\"Error: Hold timer expired\""));
	free(text);
	close(fd);
	unlink(path);
}

/* A session with `bfd` (ours on r1, BIRD on r2): both configurations carry it, both
 * parse (our parser; `bird -p`), and --time-scale shrinks it down to the 10 ms floor. */
static void check_bfd(void)
{
	static const char *const text =
	    "name: t\nnodes:\n"
	    "  r1:\n    role: router\n    interfaces: {eth0: 10.0.0.1/24}\n"
	    "    bgp:\n      asn: 65001\n      neighbors:\n"
	    "        - {address: 10.0.0.2, asn: 65002, bfd: {interval: 300ms, multiplier: 5}}\n"
	    "  r2:\n    role: router\n    interfaces: {eth0: 10.0.0.2/24}\n"
	    "    bgp:\n      speaker: bird\n      asn: 65002\n      neighbors:\n"
	    "        - {address: 10.0.0.1, asn: 65001, bfd: {interval: 0.3}}\n"
	    "links:\n  - [r1:eth0, r2:eth0]\n";
	char path[64];
	struct topo *t = NULL;
	struct topo_diags d = {0};
	snprintf(path, sizeof(path), "/tmp/test-bfd-topo-%d.yaml", (int)getpid());
	CHECK_INT(write_file_atomic(path, text, strlen(text), 0600), 0);
	int rc = topo_load(path, &t, &d);
	unlink(path);
	CHECK_INT(rc, 0);
	if (rc < 0) {
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		return;
	}
	uint32_t r1 = topo_node_index(t, "r1"), r2 = topo_node_index(t, "r2");
	const struct topo_bfd *b1 = &t->nodes[r1].bgp->neighbors[0].bfd;
	const struct topo_bfd *b2 = &t->nodes[r2].bgp->neighbors[0].bfd;
	CHECK_INT(b1->interval_ms, 300);
	CHECK_INT(b1->multiplier, 5);
	CHECK_INT(b2->interval_ms, 300); /* plain numbers are seconds */
	CHECK_INT(b2->multiplier, 3);    /* the default */

	struct sbuf s = {0};
	struct bgp_config c;
	CHECK_INT(bgp_svc_bgpd_conf(t, r1, "/run/labctl/x/r1", &s), 0);
	CHECK(s.s && strstr(s.s, " bfd-interval-ms 300 bfd-multiplier 5\n"));
	CHECK_INT(bgp_config_parse(s.s, "bgpd.conf", &c), 0);
	CHECK_INT(c.neighbors[0].bfd_interval_ms, 300);
	CHECK_INT(c.neighbors[0].bfd_multiplier, 5);
	bgp_config_free(&c);
	sbuf_free(&s);
	CHECK_INT(bgp_svc_bird_conf(t, r2, "/tmp", &s), 0);
	CHECK(s.s && strstr(s.s, "protocol bfd {"));
	CHECK(s.s && strstr(s.s, "\tbfd {\n\t\tmin rx interval 300 ms;\n\t\tmin tx interval 300 ms;"
	                         "\n\t\tmultiplier 3;\n\t};\n"));
	if (access("/usr/sbin/bird", X_OK) == 0) {
		char cmd[128];
		snprintf(path, sizeof(path), "/tmp/test-bird-bfd-%d.conf", (int)getpid());
		CHECK_INT(write_file_atomic(path, s.s, s.len, 0600), 0);
		snprintf(cmd, sizeof(cmd), "/usr/sbin/bird -p -c %s", path);
		rc = system(cmd);
		CHECK_INT(rc, 0);
		if (rc)
			fprintf(stderr, "%s", s.s);
		unlink(path);
	}
	sbuf_free(&s);
	/* --time-scale: 300 ms x 0.1 = 30 ms; x 0.01 would be 3 ms: the floor */
	CHECK_INT(topo_apply_time_scale(t, 0.1), 0);
	CHECK_INT(b1->interval_ms, 30);
	CHECK_INT(b1->multiplier, 5);
	topo_free(t);
	t = NULL;
	snprintf(path, sizeof(path), "/tmp/test-bfd-topo-%d.yaml", (int)getpid());
	CHECK_INT(write_file_atomic(path, text, strlen(text), 0600), 0);
	CHECK_INT(topo_load(path, &t, NULL), 0);
	unlink(path);
	if (t) {
		CHECK_INT(topo_apply_time_scale(t, 0.01), 0);
		CHECK_INT(t->nodes[r1].bgp->neighbors[0].bfd.interval_ms, 10);
		topo_free(t);
	}
	topo_diags_free(&d);
}

int main(void)
{
	struct topo *t = NULL;
	struct topo_diags d = {0};
	int rc = topo_load(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml", &t, &d);
	CHECK_INT(rc, 0);
	if (rc == 0) {
		size_t nb = 0, nbird = 0;
		for (uint32_t i = 0; i < t->n_nodes; i++) {
			if (!t->nodes[i].bgp)
				continue;
			if (t->nodes[i].bgp->speaker == TOPO_SPEAKER_BIRD) {
				check_bird(t, i);
				nbird++;
			} else {
				check_bgpd(t, i);
				nb++;
			}
		}
		CHECK_INT(nb, 4);
		CHECK_INT(nbird, 2);
		/* local addresses: over the tunnel for eBGP, the link for iBGP */
		struct in_addr nbr, local;
		inet_pton(AF_INET, "169.254.21.2", &nbr);
		CHECK_INT(bgp_svc_local_addr(t, topo_node_index(t, "ali-vpn0"), nbr, &local), 0);
		char buf[INET_ADDRSTRLEN];
		CHECK_STR(inet_ntop(AF_INET, &local, buf, sizeof(buf)), "169.254.21.1");
		topo_free(t);
	} else {
		topo_diags_print(&d, stderr);
	}
	topo_diags_free(&d);
	check_parsers();
	check_bird_log();
	check_bfd();
	return check_done();
}
