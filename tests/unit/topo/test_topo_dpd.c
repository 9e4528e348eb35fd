/* DPD keys of a tunnel end (retransmit_*, dpd_action): defaults, values, bad input
 * with its position, and the charon-wide rule (the ends on one gateway agree). And
 * the mechanism overrides of `labctl compare` (topo/override.h): parsing, and what
 * each does to dual-tunnel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "topo/override.h"
#include "topo/topo.h"

#define HEAD                                                                                       \
	"name: t\n"                                                                                \
	"nodes:\n"                                                                                 \
	"  g1: {role: gateway, interfaces: {eth0: 192.0.2.1/24, eth1: 192.0.3.1/24}}\n"            \
	"  g2: {role: gateway, interfaces: {eth0: 192.0.2.2/24}}\n"                                \
	"  g3: {role: gateway, interfaces: {eth0: 192.0.3.2/24}}\n"                                \
	"links:\n"                                                                                 \
	"  - [g1:eth0, g2:eth0]\n"                                                                 \
	"  - [g1:eth1, g3:eth0]\n"                                                                 \
	"tunnels:\n"

static char dir[64];

static int load(const char *text, struct topo **t, struct topo_diags *d)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/t.yaml", dir);
	CHECK(write_file_atomic(path, text, strlen(text), 0644) == 0);
	*t = NULL;
	memset(d, 0, sizeof(*d));
	return topo_load(path, t, d);
}

static bool has_diag(const struct topo_diags *d, unsigned line, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if ((!line || d->v[i].pos.line == line) && strstr(d->v[i].msg, needle))
			return true;
	return false;
}

static void check_keys(void)
{
	struct topo *t;
	struct topo_diags d;
	static const char ok[] = HEAD
	    "  a:\n"
	    "    psk: k\n"
	    "    ike: {dpd: 10, retransmit_timeout: 10, retransmit_base: 1, retransmit_tries: 2,\n"
	    "          dpd_action: clear}\n"
	    "    ends:\n"
	    "      - {node: g1, uplink: eth0, inside: 169.254.21.1/30}\n"
	    "      - {node: g2, uplink: eth0, inside: 169.254.21.2/30, ike: {dpd_action: "
	    "restart}}\n";
	CHECK(load(ok, &t, &d) == 0);
	topo_diags_print(&d, stderr);
	topo_diags_free(&d);
	if (t) {
		const struct topo_ike *a = &t->tunnels[0].end[0].ike,
		                      *b = &t->tunnels[0].end[1].ike;
		CHECK_INT(a->dpd_delay_ms, 10000);
		CHECK_INT(a->retransmit_timeout_ms, 10000);
		CHECK(a->retransmit_base == 1.0);
		CHECK_INT(a->retransmit_tries, 2);
		CHECK_INT(a->dpd_action, TOPO_DPD_ACTION_CLEAR);
		CHECK_INT(b->dpd_action, TOPO_DPD_ACTION_RESTART);
		CHECK_INT(b->retransmit_timeout_ms, 10000); /* the tunnel's, inherited */
		topo_free(t);
	}
	static const char dflt[] =
	    HEAD "  a:\n"
	         "    psk: k\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, inside: 169.254.21.1/30}\n"
	         "      - {node: g2, uplink: eth0, inside: 169.254.21.2/30}\n";
	CHECK(load(dflt, &t, &d) == 0);
	topo_diags_free(&d);
	if (t) { /* strongSwan's defaults: 4 s, 1.8, 5 */
		CHECK_INT(t->tunnels[0].end[0].ike.retransmit_timeout_ms, 4000);
		CHECK(fabs(t->tunnels[0].end[0].ike.retransmit_base - 1.8) < 1e-12);
		CHECK_INT(t->tunnels[0].end[0].ike.retransmit_tries, 5);
		CHECK_INT(t->tunnels[0].end[0].ike.dpd_action, TOPO_DPD_ACTION_DEFAULT);
		topo_free(t);
	}
	static const char bad[] =
	    HEAD "  a:\n"
	         "    psk: k\n"
	         "    ike: {retransmit_base: 0.5, dpd_action: hold, retransmit_timeout: 50ms}\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, inside: 169.254.21.1/30}\n"
	         "      - {node: g2, uplink: eth0, inside: 169.254.21.2/30}\n";
	CHECK(load(bad, &t, &d) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(has_diag(&d, 12, "retransmit_base '0.5'"));
	CHECK(has_diag(&d, 12, "dpd_action 'hold'; expected clear or restart"));
	CHECK(has_diag(&d, 12, "retransmit_timeout 50 ms is below 100 ms"));
	topo_diags_free(&d);
	/* g1 ends two tunnels: one charon, one schedule. */
	static const char split[] =
	    HEAD "  a:\n"
	         "    psk: k\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, inside: 169.254.21.1/30}\n"
	         "      - {node: g2, uplink: eth0, inside: 169.254.21.2/30}\n"
	         "  b:\n"
	         "    psk: k\n"
	         "    ike: {retransmit_tries: 2}\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth1, inside: 169.254.22.1/30}\n"
	         "      - {node: g3, uplink: eth0, inside: 169.254.22.2/30}\n";
	CHECK(load(split, &t, &d) == -1);
	CHECK(has_diag(&d, 15, "end on node 'g1' with different retransmit_* settings"));
	topo_diags_free(&d);
	lab_err_clear();
}

static void check_parse(void)
{
	struct topo_override o;
	CHECK(topo_override_parse("hold", &o) == 0 && o.kind == TOPO_MECH_HOLD);
	CHECK(topo_override_parse("track", &o) == 0 && o.kind == TOPO_MECH_TRACK);
	CHECK(topo_override_parse("timers:3/9", &o) == 0 && o.kind == TOPO_MECH_TIMERS);
	CHECK_INT(o.keepalive_ms, 3000);
	CHECK_INT(o.hold_ms, 9000);
	CHECK(topo_override_parse("dpd:10/10/1/2", &o) == 0 && o.kind == TOPO_MECH_DPD);
	CHECK_INT(o.dpd_ms, 10000);
	CHECK_INT(o.rt_timeout_ms, 10000);
	CHECK(o.rt_base == 1.0);
	CHECK_INT(o.rt_tries, 2);
	CHECK(topo_override_parse("bfd:300msx3", &o) == 0 && o.kind == TOPO_MECH_BFD);
	CHECK_INT(o.bfd_interval_ms, 300);
	CHECK_INT(o.bfd_mult, 3);
	static const char *const bad[] = {"",
	                                  "fast",
	                                  "timers:3",
	                                  "timers:4/9",
	                                  "timers:1/2",
	                                  "bfd:5msx3",
	                                  "bfd:300msx0",
	                                  "bfd:300ms",
	                                  "dpd:1.5/4/1.8/5",
	                                  "dpd:10/10/0.5/2",
	                                  "timers:3/9x",
	                                  "hold:1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(topo_override_parse(bad[i], &o) == -1);
		CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
		lab_err_clear();
	}
}

static void check_apply(const char *topodir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/dual-tunnel.yaml", topodir);
	static const char *const specs[] = {"hold", "timers:3/9", "track", "dpd", "dpd:10/10/1/2"};
	for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		struct topo *t = NULL;
		struct topo_diags d = {0};
		struct topo_override o;
		CHECK(topo_load(path, &t, &d) == 0);
		topo_diags_free(&d);
		if (!t)
			return;
		CHECK(topo_override_parse(specs[k], &o) == 0);
		CHECK(topo_override_apply(t, &o) == 0);
		size_t tunnel_sessions = 0;
		for (size_t i = 0; i < t->n_nodes; i++)
			for (size_t j = 0; t->nodes[i].bgp && j < t->nodes[i].bgp->n_neighbors;
			     j++) {
				const struct topo_bgp_neighbor *nb = &t->nodes[i].bgp->neighbors[j];
				if (nb->tunnel == TOPO_NONE) {
					CHECK(!nb->track_tunnel); /* iBGP sessions untouched */
					continue;
				}
				tunnel_sessions++;
				CHECK(nb->track_tunnel ==
				      (o.kind == TOPO_MECH_TRACK || o.kind == TOPO_MECH_DPD));
				if (o.kind == TOPO_MECH_TIMERS) {
					CHECK_INT(nb->timers.keepalive_ms, 3000);
					CHECK_INT(nb->timers.hold_ms, 9000);
				}
			}
		CHECK_INT(tunnel_sessions, 4);
		const struct topo_ike *ike = &t->tunnels[0].end[1].ike;
		if (o.kind == TOPO_MECH_TRACK)
			CHECK_INT(ike->dpd_delay_ms, 0);
		else if (!strcmp(specs[k], "dpd"))
			CHECK_INT(ike->dpd_delay_ms, 45000); /* the topology's */
		else if (o.dpd_ms) {
			CHECK_INT(ike->dpd_delay_ms, 10000);
			CHECK_INT(ike->retransmit_tries, 2);
		}
		topo_free(t);
	}
}

int main(int argc, char **argv)
{
	snprintf(dir, sizeof(dir), "/tmp/labctl-topo-dpd-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	check_keys();
	check_parse();
	if (argc > 1)
		check_apply(argv[1]);
	char path[96];
	snprintf(path, sizeof(path), "%s/t.yaml", dir);
	unlink(path);
	rmdir(dir);
	return check_done();
}
