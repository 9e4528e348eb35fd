/* labctl bgp LAB NODE [--json]: the built-in speaker's sessions and Loc-RIB, from
 * its control socket (<lab dir>/<node>/bgpd.sock, request `show`, docs/bgpd.md).
 * --json prints the daemon's answer as is; the table is drawn from the same JSON
 * (read with common/jtree.h), so both views always agree. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "cli/commands.h"
#include "cli/node_args.h"
#include "common/err.h"
#include "common/jtree.h"
#include "run/run.h"

/* ---- reading the answer (common/jtree.h) ---- */

/* A member, or a null value when absent: lets the table code chain look-ups. */
static const struct jtree *get(const struct jtree *o, const char *key)
{
	static const struct jtree null = {.type = JT_NULL};
	const struct jtree *v = jtree_get(o, key);
	return v ? v : &null;
}

static const char *str(const struct jtree *v)
{
	return v->type == JT_STR ? v->str : "-";
}

static void fmt_num(const struct jtree *v, char *buf, size_t len)
{
	if (v->type == JT_NUM && v->num >= 0)
		snprintf(buf, len, "%.0f", v->num);
	else
		snprintf(buf, len, "-");
}

/* ---- talking to the daemon ---- */

/* One request on the speaker's control socket, as the bgp service asks it. */
static int query(const char *sock, const char *req, char **out)
{
	if (bgp_svc_bgpd_request(sock, req, out) == 0)
		return 0;
	char why[512];
	snprintf(why, sizeof(why), "%s", lab_err_msg());
	return lab_err(LAB_EXIT_FAIL,
		       "cannot reach the BGP speaker at %s (is the lab up and does the node run "
		       "labctl-bgpd?): %s", sock, why);
}

static void print_table(const struct jtree *root)
{
	char a[32], b[32], c[32], d[32], e[32];
	fmt_num(get(root, "asn"), a, sizeof(a));
	fmt_num(get(root, "pid"), b, sizeof(b));
	printf("BGP speaker AS %s, router id %s, pid %s\n\n", a, str(get(root, "router_id")), b);
	printf("%-16s %-10s %-5s %-12s %-9s %-11s %-17s %-16s %-16s %s\n", "PEER", "AS", "TYPE",
	       "STATE", "UP(s)", "HOLD/KA", "LEFT HOLD/KA/CR", "IN o/u/n/k/r", "OUT o/u/n/k/r",
	       "LAST ERROR");
	const struct jtree *ss = get(root, "sessions");
	for (size_t i = 0; ss->type == JT_ARR && i < ss->n; i++) {
		const struct jtree *s = &ss->kids[i], *t = get(s, "timers_ms_left");
		char up[32] = "-", hk[80], left[112], cnt[2][176], err[512] = "-";
		if (get(s, "uptime_ms")->type == JT_NUM)
			snprintf(up, sizeof(up), "%.1f", get(s, "uptime_ms")->num / 1000);
		fmt_num(get(s, "hold_ms"), a, sizeof(a));
		fmt_num(get(s, "keepalive_ms"), b, sizeof(b));
		snprintf(hk, sizeof(hk), "%s/%s", a, b);
		fmt_num(get(t, "hold"), a, sizeof(a));
		fmt_num(get(t, "keepalive"), b, sizeof(b));
		fmt_num(get(t, "connect_retry"), c, sizeof(c));
		snprintf(left, sizeof(left), "%s/%s/%s", a, b, c);
		for (int k = 0; k < 2; k++) {
			const struct jtree *m = get(s, k ? "msgs_out" : "msgs_in");
			fmt_num(get(m, "open"), a, sizeof(a));
			fmt_num(get(m, "update"), b, sizeof(b));
			fmt_num(get(m, "notification"), c, sizeof(c));
			fmt_num(get(m, "keepalive"), d, sizeof(d));
			fmt_num(get(m, "route-refresh"), e, sizeof(e));
			snprintf(cnt[k], sizeof(cnt[k]), "%s/%s/%s/%s/%s", a, b, c, d, e);
		}
		const struct jtree *le = get(s, "last_error");
		if (le->type == JT_OBJ) {
			fmt_num(get(le, "code"), a, sizeof(a));
			fmt_num(get(le, "subcode"), b, sizeof(b));
			snprintf(err, sizeof(err), "%s/%s %s (%s)", a, b, str(get(le, "dir")),
				 str(get(le, "name")));
		}
		fmt_num(get(s, "remote_as"), d, sizeof(d));
		printf("%-16s %-10s %-5s %-12s %-9s %-11s %-17s %-16s %-16s %s\n",
		       str(get(s, "peer")), d, str(get(s, "type")), str(get(s, "state")), up, hk,
		       left, cnt[0], cnt[1], err);
	}
	const struct jtree *rib = get(root, "rib");
	if (rib->type != JT_OBJ)
		return;
	fmt_num(get(rib, "prefixes"), a, sizeof(a));
	fmt_num(get(rib, "fib_installed"), b, sizeof(b));
	fmt_num(get(rib, "fib_pending"), c, sizeof(c));
	fmt_num(get(rib, "max_paths"), d, sizeof(d));
	printf("\nLoc-RIB: %s prefixes, %s in the FIB, %s pending, max-paths %s\n", a, b, c, d);
	printf("%-19s %-9s %-6s %s\n", "PREFIX", "FIB", "PATHS", "NEXT HOPS (ECMP)");
	const struct jtree *rs = get(rib, "routes");
	for (size_t i = 0; rs->type == JT_ARR && i < rs->n; i++) {
		const struct jtree *r = &rs->kids[i], *nh = get(r, "nexthops"), *ps = get(r, "paths");
		char hops[512] = "";
		size_t off = 0;
		for (size_t k = 0; nh->type == JT_ARR && k < nh->n && off < sizeof(hops) - 1; k++)
			off += (size_t)snprintf(hops + off, sizeof(hops) - off, "%s%s", k ? " " : "",
						str(&nh->kids[k]));
		printf("%-19s %-9s %-6zu %s\n", str(get(r, "prefix")), str(get(r, "fib")),
		       ps->type == JT_ARR ? ps->n : 0, off ? hops : (nh->type == JT_ARR ? "(local)" : "-"));
	}
	if (get(rib, "truncated")->type == JT_BOOL && get(rib, "truncated")->b)
		printf("(route list truncated; --json for the daemon's full answer)\n");
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: labctl bgp LAB NODE [--json]\n"
		   "  sessions of the built-in BGP speaker on NODE (state, uptime, negotiated\n"
		   "  hold/keepalive, ms left on each timer, messages in/out, last error) and\n"
		   "  its Loc-RIB with ECMP next hops.\n");
	return code;
}

int cmd_bgp(int argc, char **argv)
{
	bool json;
	const char *lab, *node;
	int a = node_args_parse(argc, argv, usage, &lab, &node, &json);
	if (a >= 0)
		return a;
	if (run_require_privilege("labctl bgp") < 0)
		return lab_err_report();
	struct run_lab l;
	char dir[PATH_MAX], sock[PATH_MAX + 16];
	if (run_lab_open(lab, &l) < 0)
		return lab_err_report();
	int r = run_node_dir(&l, node, dir, sizeof(dir));
	run_lab_close(&l);
	if (r < 0)
		return lab_err_report();
	snprintf(sock, sizeof(sock), "%s/bgpd.sock", dir);
	char *resp = NULL;
	if (query(sock, "show", &resp) < 0)
		return lab_err_report();
	if (json) {
		fputs(resp, stdout);
		free(resp);
		return LAB_EXIT_OK;
	}
	struct jtree *root = NULL;
	int rc = LAB_EXIT_OK;
	if (jtree_parse(resp, &root) < 0 || root->type != JT_OBJ) {
		lab_err_clear();
		fprintf(stderr, "labctl: unexpected answer from %s: %.200s\n", sock, resp);
		rc = LAB_EXIT_FAIL;
	} else {
		print_table(root);
	}
	jtree_free(root);
	free(resp);
	return rc;
}
