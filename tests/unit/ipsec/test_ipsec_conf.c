/* strongswan.conf and VICI messages for both backends, against golden text
 * (tests/unit/ipsec/golden; LABCTL_UPDATE_GOLDEN=1 rewrites them), plus the
 * backend choice for made-up kernels. No root, no charon. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "ipsec/backend.h"
#include "ipsec/ipsec.h"
#include "ipsec/sa_status.h"

#ifndef GOLDEN_DIR
#error GOLDEN_DIR must be defined
#endif

static void golden(const char *name, const char *got)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	if (getenv("LABCTL_UPDATE_GOLDEN")) {
		CHECK(write_file_atomic(path, got, strlen(got), 0644) == 0);
		return;
	}
	char *want = NULL;
	size_t len;
	CHECK(read_file(path, &want, &len) == 0);
	if (want && strcmp(want, got)) {
		fprintf(stderr, "golden %s differs; got:\n%s", name, got);
		CHECK(!"golden text differs");
	}
	free(want);
}

static struct topo_iface ifs[2];
static struct topo_node nodes[2];
static struct topo_tunnel tun;
static struct topo topo;

static void make_topo(void)
{
	const char *names[2] = {"ali-vpn0", "azure-vpn0"};
	const char *pub[2] = {"198.51.100.1", "203.0.113.1"};
	const char *inside[2] = {"169.254.21.1", "169.254.21.2"};
	for (int i = 0; i < 2; i++) {
		snprintf(ifs[i].name, sizeof(ifs[i].name), "eth1");
		inet_pton(AF_INET, pub[i], &ifs[i].addr.addr);
		ifs[i].addr.len = 30;
		snprintf(nodes[i].name, sizeof(nodes[i].name), "%s", names[i]);
		nodes[i].role = TOPO_ROLE_GATEWAY;
		nodes[i].ifaces = &ifs[i];
		nodes[i].n_ifaces = 1;
		struct topo_tunnel_end *e = &tun.end[i];
		e->node = (uint32_t)i;
		e->uplink = 0;
		snprintf(e->ifname, sizeof(e->ifname), "ipsec0");
		inet_pton(AF_INET, inside[i], &e->inside.addr);
		e->inside.len = 30;
		e->ike.version = 2;
		snprintf(e->ike.ike_proposal, sizeof(e->ike.ike_proposal),
		         "aes256-sha256-modp1024");
		snprintf(e->ike.esp_proposal, sizeof(e->ike.esp_proposal), "aes256-sha256");
		e->ike.ike_lifetime_ms = 3600000;
		e->ike.child_lifetime_ms = 27000000;
		e->ike.dpd_delay_ms = 45000;
		e->ike.nat_traversal = true;
	}
	snprintf(tun.name, sizeof(tun.name), "tun0");
	tun.psk = "aliazu12345";
	snprintf(topo.name, sizeof(topo.name), "unit");
	topo.nodes = nodes;
	topo.n_nodes = 2;
	topo.tunnels = &tun;
	topo.n_tunnels = 1;
}

static void msg_golden(const char *name, struct vmsg *m)
{
	char *text = vmsg_render(m);
	CHECK(text != NULL);
	if (text)
		golden(name, text);
	free(text);
	vmsg_free(m);
}

static void put_journal(const char *dir, const char *node, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, node);
	mkdir_p(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/events.jsonl", dir, node);
	CHECK(write_file_atomic(path, text, strlen(text), 0600) == 0);
}

/* Fatal alerts from the plugin's journal lines, by name or by peer address, and a
 * recovered tunnel (child-up after the alert) no longer failing. */
static void failure_from_journal(void)
{
	char dir[] = "/tmp/lcfail-XXXXXX", reason[256];
	CHECK(mkdtemp(dir) != NULL);
	struct run_lab l = {.state_fd = -1};
	snprintf(l.dir, sizeof(l.dir), "%s", dir);
	CHECK_INT(ipsec_tunnel_failure(&l, &topo, 0, reason, sizeof(reason)), 0);
	put_journal(dir, "ali-vpn0",
	            "{\"t\":1,\"src\":\"ike\",\"ev\":\"child-up\",\"tunnel\":\"tun0\",\"peer\":"
	            "\"203.0.113.1\"}\n");
	/* the responder rejected IKE_SA_INIT before it knew the config: peer only */
	put_journal(dir, "azure-vpn0",
	            "{\"t\":2,\"src\":\"ike\",\"ev\":\"alert\",\"tunnel\":null,\"peer\":\"198.51."
	            "100.1\",\"alert\":\"proposal-mismatch-ike\"}\n");
	CHECK_INT(ipsec_tunnel_failure(&l, &topo, 0, reason, sizeof(reason)), 1);
	CHECK(strstr(reason, "IKE proposals do not match") && strstr(reason, "azure-vpn0"));
	/* another peer's alert is not ours */
	put_journal(dir, "azure-vpn0",
	            "{\"t\":2,\"src\":\"ike\",\"ev\":\"alert\",\"tunnel\":null,\"peer\":\"198.51."
	            "100.9\",\"alert\":\"proposal-mismatch-ike\"}\n");
	CHECK_INT(ipsec_tunnel_failure(&l, &topo, 0, reason, sizeof(reason)), 0);
	/* named auth failure, then recovery */
	put_journal(dir, "ali-vpn0",
	            "{\"t\":3,\"src\":\"ike\",\"ev\":\"alert\",\"tunnel\":\"tun0\",\"alert\":"
	            "\"auth-failed\"}\n");
	CHECK_INT(ipsec_tunnel_failure(&l, &topo, 0, reason, sizeof(reason)), 1);
	CHECK(strstr(reason, "authentication failed") != NULL);
	put_journal(dir, "ali-vpn0",
	            "{\"t\":3,\"src\":\"ike\",\"ev\":\"alert\",\"tunnel\":\"tun0\",\"alert\":"
	            "\"auth-failed\"}\n"
	            "{\"t\":4,\"src\":\"ike\",\"ev\":\"child-up\",\"tunnel\":\"tun0\"}\n");
	CHECK_INT(ipsec_tunnel_failure(&l, &topo, 0, reason, sizeof(reason)), 0);
	/* retransmits are not fatal */
	put_journal(dir, "ali-vpn0",
	            "{\"t\":5,\"src\":\"ike\",\"ev\":\"alert\",\"tunnel\":\"tun0\",\"alert\":"
	            "\"retransmit-send\"}\n");
	CHECK_INT(ipsec_tunnel_failure(&l, &topo, 0, reason, sizeof(reason)), 0);
	remove_tree(dir);
}

int main(void)
{
	struct ipsec_paths p;
	struct vmsg m;
	make_topo();
	CHECK(ipsec_paths_init(&p, "/run/labctl/lab/ali-vpn0") == 0);
	CHECK_STR(p.vici, "/run/labctl/lab/ali-vpn0/charon.vici");

	for (int b = IPSEC_BACKEND_LIBIPSEC; b <= IPSEC_BACKEND_VTI; b++) {
		char name[64];
		char *conf = ipsec_conf_render(&p, (enum ipsec_backend)b);
		CHECK(conf != NULL);
		snprintf(name, sizeof(name), "strongswan-%s.conf",
		         ipsec_backend_name((enum ipsec_backend)b));
		if (conf)
			golden(name, conf);
		free(conf);
		for (int side = 0; side < 2; side++) {
			CHECK(ipsec_msg_load_conn(&topo, 0, side, (enum ipsec_backend)b, &m) == 0);
			snprintf(name, sizeof(name), "load-conn-%s-side%d.txt",
			         ipsec_backend_name((enum ipsec_backend)b), side);
			msg_golden(name, &m);
		}
	}

	/* the key goes into the message but never into its rendering */
	CHECK(ipsec_msg_load_shared(&topo, 0, 0, "aliazu12345", &m) == 0);
	char *text = vmsg_render(&m);
	CHECK(text && !strstr(text, "aliazu12345"));
	free(text);
	bool found = false;
	for (size_t i = 0; i < m.n; i++)
		if (m.v[i].value && !strcmp(m.v[i].value, "aliazu12345") && m.v[i].secret)
			found = true;
	CHECK(found);
	msg_golden("load-shared.txt", &m);
	/* each gateway is given its own end's key: ends with different keys (a
	 * mismatch written in a topology) load different secrets */
	tun.end[0].psk = "ali-side-key";
	tun.end[1].psk = "azure-side-key";
	for (int side = 0; side < 2; side++) {
		const char *want = side ? "azure-side-key" : "ali-side-key";
		CHECK(ipsec_msg_load_end_key(&topo, 0, side, &m) == 0);
		found = false;
		for (size_t i = 0; i < m.n; i++)
			if (m.v[i].value && m.v[i].secret && !strcmp(m.v[i].name, "data"))
				found = !strcmp(m.v[i].value, want);
		CHECK(found);
		text = vmsg_render(&m);
		CHECK(text && !strstr(text, "side-key"));
		free(text);
		vmsg_free(&m);
	}
	tun.end[0].psk = tun.end[1].psk = NULL;
	CHECK(ipsec_msg_load_end_key(&topo, 0, 1, &m) == -1); /* no key: an error, not "" */
	vmsg_free(&m);
	CHECK(ipsec_msg_initiate("tun0", 3000, &m) == 0);
	msg_golden("initiate.txt", &m);

	/* if_id/mark: unique per tunnel and never 0 (0 means "none" to the kernel) */
	CHECK_INT(ipsec_if_id(0), 1);

	/* backend choice */
	enum ipsec_backend b;
	struct ipsec_kernel_caps none = {.tun = true},
	                         vti = {.esp = true, .vti = true, .tun = true},
	                         all = {.esp = true, .xfrmi = true, .vti = true, .tun = true};
	snprintf(none.esp_error, sizeof(none.esp_error), "Protocol not supported");
	CHECK(ipsec_backend_choose("auto", &none, &b) == 0 && b == IPSEC_BACKEND_LIBIPSEC);
	CHECK(ipsec_backend_choose("auto", &vti, &b) == 0 && b == IPSEC_BACKEND_VTI);
	CHECK(ipsec_backend_choose("auto", &all, &b) == 0 && b == IPSEC_BACKEND_XFRMI);
	CHECK(ipsec_backend_choose("xfrm", &vti, &b) == 0 && b == IPSEC_BACKEND_VTI);
	CHECK(ipsec_backend_choose("libipsec", &all, &b) == 0 && b == IPSEC_BACKEND_LIBIPSEC);
	CHECK(ipsec_backend_choose("xfrm", &none, &b) == -1);
	CHECK(lab_err_code() == LAB_EXIT_USAGE);
	CHECK(strstr(lab_err_msg(), "CONFIG_INET_ESP") != NULL);
	CHECK(ipsec_backend_choose("xfrm-interface", &vti, &b) == -1);
	CHECK(strstr(lab_err_msg(), "CONFIG_XFRM_INTERFACE") != NULL);
	struct ipsec_kernel_caps esp_only = {.esp = true};
	CHECK(ipsec_backend_choose("xfrm", &esp_only, &b) == -1);
	CHECK(strstr(lab_err_msg(), "CONFIG_NET_IPVTI") != NULL);
	CHECK(ipsec_backend_choose("bogus", &all, &b) == -1);
	CHECK(lab_err_code() == LAB_EXIT_USAGE);

	failure_from_journal();
	return check_done();
}
