/* labctl ipsec LAB NODE [--json]: the tunnels of one gateway in detail (charon, IKE
 * and CHILD SAs with SPIs, counters and ages, the tunnel interface, the files). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_json.h"
#include "cli/commands.h"
#include "cli/node_args.h"
#include "common/err.h"
#include "common/json.h"
#include "ipsec/ipsec_service.h"
#include "ipsec/sa_status.h"
#include "run/run.h"
#include "topo/topo.h"

static int usage(FILE *f, int code)
{
	fprintf(f,
	        "usage: labctl ipsec LAB NODE [--json]\n"
	        "  the IPsec tunnels that NODE of the running lab LAB ends: charon, IKE and\n"
	        "  CHILD SAs (state, SPIs, bytes and packets in/out, age), the interface.\n"
	        "  --json  its tunnels as the tunnel objects of `labctl status` (docs/json.md)\n");
	return code;
}

static void print_end(const struct topo *t, uint32_t tunnel, int side,
                      const struct ipsec_end_view *v, const char *node_dir)
{
	const struct topo_tunnel *tun = &t->tunnels[tunnel];
	const struct topo_tunnel_end *e = &tun->end[side];
	char inside[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &e->inside.addr, inside, sizeof(inside));
	printf("tunnel %s (%s, peer %s)\n", tun->name, side == 0 ? "initiator" : "responder",
	       t->nodes[tun->end[!side].node].name);
	printf("  interface  %s %s/%u\n", e->ifname, inside, e->inside.len);
	if (!v->have_sa) {
		printf("  IKE_SA     none\n");
		return;
	}
	printf("  IKE_SA     %s  %s -> %s  spi i %s r %s  established %llds ago\n", v->sa.state,
	       v->sa.local, v->sa.remote, v->sa.spi_i, v->sa.spi_r, (long long)v->sa.established_s);
	if (!v->child) {
		printf("  CHILD_SA   none\n");
		return;
	}
	const struct ipsec_child_info *c = v->child;
	printf("  CHILD_SA   %s  spi in %s out %s  installed %llds ago\n", c->state, c->spi_in,
	       c->spi_out, (long long)c->install_s);
	printf("  traffic    in %llu B / %llu packets, out %llu B / %llu packets\n",
	       (unsigned long long)c->bytes_in, (unsigned long long)c->packets_in,
	       (unsigned long long)c->bytes_out, (unsigned long long)c->packets_out);
	(void)node_dir;
}

int cmd_ipsec(int argc, char **argv)
{
	bool json;
	const char *lab, *node;
	int a = node_args_parse(argc, argv, usage, &lab, &node, &json);
	if (a >= 0)
		return a;

	struct run_lab l;
	struct topo *t = NULL;
	struct topo_diags d = {0};
	char path[PATH_MAX + 16], dir[PATH_MAX];
	int rc = LAB_EXIT_FAIL;
	if (run_lab_open(lab, &l) < 0)
		return lab_err_report();
	snprintf(path, sizeof(path), "%s/topology.yaml", l.dir);
	if (topo_load(path, &t, &d) < 0) {
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		rc = lab_err_report();
		goto out;
	}
	topo_diags_free(&d);
	uint32_t n = topo_node_index(t, node);
	if (n == TOPO_NONE) {
		lab_err(LAB_EXIT_USAGE, "lab %s has no node '%s'", lab, node);
		rc = lab_err_report();
		goto out;
	}
	struct ipsec_node_ends ends;
	ipsec_node_ends(t, n, &ends);
	if (ends.n == 0) {
		lab_err(LAB_EXIT_USAGE, "node %s of lab %s ends no IPsec tunnel", node, lab);
		rc = lab_err_report();
		goto out;
	}
	run_node_dir(&l, node, dir, sizeof(dir));
	enum ipsec_backend b;
	const char *backend = "unknown";
	if (ipsec_backend_load(&l, &b) == 0)
		backend = ipsec_backend_name(b);
	lab_err_clear();

	struct ipsec_end_view v[8];
	for (size_t i = 0; i < ends.n; i++)
		if (ipsec_end_view(&l, t, ends.tunnel[i], ends.side[i], &v[i]) < 0) {
			rc = lab_err_report();
			goto out;
		}
	if (json) {
		/* the tunnel objects of `status` (both ends; this node's is the one whose
		 * "node" is NODE), so a tunnel reads the same in both */
		struct json j;
		json_init(&j);
		json_obj_begin(&j);
		json_kv_str(&j, "lab", lab);
		json_kv_str(&j, "node", node);
		json_kv_str(&j, "backend", backend);
		json_kv_str(&j, "dir", dir);
		json_key(&j, "tunnels");
		json_arr_begin(&j);
		for (size_t i = 0; i < ends.n; i++)
			if (ipsec_tunnel_json(&l, t, ends.tunnel[i], &j) < 0) {
				json_free(&j);
				rc = lab_err_report();
				goto out;
			}
		json_arr_end(&j);
		json_obj_end(&j);
		int w = cli_json_print(&j);
		json_free(&j);
		if (w) {
			rc = w;
			goto out;
		}
	} else {
		const struct ipsec_charon *c = &v[0].charon;
		printf("node %s of lab %s: charon %s", node, lab,
		       !c->recorded ? "not started"
		       : c->alive   ? "running"
		                    : "DEAD");
		if (c->recorded)
			printf(" (pid %d)", (int)c->pid);
		printf(", backend %s\n  files: %s/{strongswan.conf,charon.log,events.jsonl}\n",
		       backend, dir);
		for (size_t i = 0; i < ends.n; i++) {
			print_end(t, ends.tunnel[i], ends.side[i], &v[i], dir);
			char reason[256];
			if (ipsec_tunnel_failure(&l, t, ends.tunnel[i], reason, sizeof(reason)) > 0)
				printf("  failure    %s\n", reason);
		}
	}
	rc = LAB_EXIT_OK;
out:
	topo_free(t);
	run_lab_close(&l);
	return rc;
}
