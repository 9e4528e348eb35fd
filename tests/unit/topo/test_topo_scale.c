/* --time-scale: timers shrink, protocol minima hold, lifetimes and probes stay. */
#include <limits.h>

#include "../../check.h"
#include "common/err.h"
#include "topo/topo.h"

static struct topo *load(void)
{
	char path[PATH_MAX];
	struct topo *t = NULL;
	CHECK(topo_resolve_path("dual-tunnel", path, sizeof(path)) == 0);
	CHECK(topo_load(path, &t, NULL) == 0);
	return t;
}

static const struct topo_bgp *bgp(const struct topo *t, const char *n)
{
	return t->nodes[topo_node_index(t, n)].bgp;
}

int main(void)
{
	struct topo *t = load();
	if (!t)
		return check_done();

	/* f outside (0, 1] is refused and changes nothing */
	CHECK(topo_apply_time_scale(t, 0.0) == -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);
	CHECK(topo_apply_time_scale(t, -1.0) == -1);
	CHECK(topo_apply_time_scale(t, 1.5) == -1);
	CHECK_INT(bgp(t, "ali-tr")->timers.hold_ms, 30000);
	CHECK(topo_apply_time_scale(t, 1.0) == 0);
	CHECK_INT(bgp(t, "ali-tr")->timers.hold_ms, 30000);

	/* 0.1: Alibaba 10/30 -> 1/3, Azure 60/180 -> 6/18 */
	CHECK(topo_apply_time_scale(t, 0.1) == 0);
	const struct topo_bgp *vpn = bgp(t, "ali-vpn0"), *az = bgp(t, "azure-vpn0");
	CHECK_INT(vpn->timers.keepalive_ms, 1000);
	CHECK_INT(vpn->timers.hold_ms, 3000);
	CHECK_INT(vpn->neighbors[0].timers.hold_ms, 3000);
	CHECK_INT(vpn->neighbors[0].timers.keepalive_ms, 1000);
	CHECK_INT(az->timers.keepalive_ms, 6000);
	CHECK_INT(az->timers.hold_ms, 18000);
	CHECK_INT(az->error_wait_ms, 1000);            /* 1 s stays 1 s: BIRD counts seconds */
	CHECK_INT(vpn->timers.connect_retry_ms, 1000); /* 5 s * 0.1, at least 1 s */
	CHECK_INT(t->defaults.bgp_timers.hold_ms, 18000);
	CHECK_INT(t->tunnels[0].end[0].ike.dpd_delay_ms, 5000);       /* 45 s -> 4.5 -> 5 s */
	CHECK_INT(t->tunnels[0].end[0].ike.ike_lifetime_ms, 3600000); /* not scaled */
	CHECK_INT(t->probes[0].interval_ms, 100);                     /* not scaled */
	topo_free(t);

	/* 0.01: hold would be 0.3 s -> 3 s minimum, keepalive <= hold/3 */
	t = load();
	if (!t)
		return check_done();
	CHECK(topo_apply_time_scale(t, 0.01) == 0);
	vpn = bgp(t, "ali-vpn0");
	az = bgp(t, "azure-vpn0");
	CHECK_INT(vpn->timers.hold_ms, 3000);
	CHECK_INT(vpn->timers.keepalive_ms, 1000);
	CHECK_INT(az->timers.hold_ms, 3000); /* 1.8 s -> 3 s */
	CHECK_INT(az->timers.keepalive_ms, 1000);
	CHECK_INT(t->tunnels[1].end[1].ike.dpd_delay_ms, 1000);
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_bgp *b = t->nodes[i].bgp;
		for (size_t j = 0; b && j < b->n_neighbors; j++) {
			const struct topo_bgp_timers *tm = &b->neighbors[j].timers;
			CHECK(tm->hold_ms == 0 || tm->hold_ms >= 3000);
			CHECK_INT(tm->hold_ms % 1000, 0);
			CHECK(tm->keepalive_ms * 3 <= tm->hold_ms);
		}
	}
	topo_free(t);

	/* 0.5: 10/30 -> 5/15, 60/180 -> 30/90 */
	t = load();
	if (!t)
		return check_done();
	CHECK(topo_apply_time_scale(t, 0.5) == 0);
	CHECK_INT(bgp(t, "ali-tr")->timers.keepalive_ms, 5000);
	CHECK_INT(bgp(t, "ali-tr")->timers.hold_ms, 15000);
	CHECK_INT(bgp(t, "azure-hub")->timers.keepalive_ms, 30000);
	CHECK_INT(bgp(t, "azure-hub")->timers.hold_ms, 90000);
	topo_free(t);

	/* 0.3: whole seconds everywhere BIRD or strongSwan count seconds */
	t = load();
	if (!t)
		return check_done();
	CHECK(topo_apply_time_scale(t, 0.3) == 0);
	CHECK_INT(bgp(t, "ali-tr")->timers.connect_retry_ms, 2000); /* 1.5 s -> 2 s */
	CHECK_INT(bgp(t, "ali-tr")->timers.hold_ms, 9000);
	CHECK_INT(bgp(t, "ali-tr")->timers.keepalive_ms, 3000);
	CHECK_INT(bgp(t, "azure-vpn0")->timers.hold_ms, 54000);
	CHECK_INT(bgp(t, "azure-vpn0")->timers.keepalive_ms, 18000);
	CHECK_INT(t->tunnels[0].end[1].ike.dpd_delay_ms, 14000); /* 13.5 s -> 14 s */
	topo_free(t);
	return check_done();
}
