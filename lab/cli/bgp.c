/* labctl bgp LAB NODE [--json]: the built-in speaker's sessions and Loc-RIB, from
 * its control socket (<lab dir>/<node>/bgpd.sock, request `show`, docs/bgpd.md).
 * --json prints the daemon's answer as is; the table is drawn from the same JSON
 * (read with json-c), so both views always agree. */
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "cli/commands.h"
#include "cli/node_args.h"
#include "common/err.h"
#include "common/json_read.h"
#include "run/run.h"

/* ---- reading the answer ---- */

static const char *str(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "-";
}

static bool is_num(const struct json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

static void fmt_num(const struct json_object *v, char *buf, size_t len)
{
	if (is_num(v) && json_object_get_double(v) >= 0)
		snprintf(buf, len, "%.0f", json_object_get_double(v));
	else
		snprintf(buf, len, "-");
}

/* The array's length, 0 for anything else. */
static size_t len_of(const struct json_object *v)
{
	return json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
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
	               "labctl-bgpd?): %s",
	               sock, why);
}

/* Microseconds as milliseconds ("-" when absent). */
static void fmt_us_ms(const struct json_object *v, char *buf, size_t len)
{
	if (is_num(v) && json_object_get_double(v) >= 0)
		snprintf(buf, len, "%g", json_object_get_double(v) / 1000);
	else
		snprintf(buf, len, "-");
}

/* The BFD sessions (docs/bgpd.md, `show`'s "bfd"): state, negotiated intervals,
 * detection time, time since the last packet; the drop counters that are not 0. */
static void print_bfd(const struct json_object *bfd)
{
	char a[32], b[32], c[32], d[32], e[32], dl[512] = "";
	size_t off = 0;
	if (!json_object_is_type(bfd, json_type_object))
		return;
	struct json_object *drops = json_get(bfd, "drops");
	if (json_object_is_type(drops, json_type_object)) {
		json_object_object_foreach(drops, key, val)
		{
			if (is_num(val) && json_object_get_double(val) > 0 && off < sizeof(dl) - 1)
				off += (size_t)snprintf(dl + off, sizeof(dl) - off, "%s%s %.0f",
				                        off ? ", " : "", key,
				                        json_object_get_double(val));
		}
	}
	fmt_num(json_get(bfd, "port"), a, sizeof(a));
	fmt_num(json_get(bfd, "rx_accepted"), b, sizeof(b));
	printf("\nBFD (UDP %s): %s packets accepted, dropped: %s\n", a, b, off ? dl : "none");
	printf("%-16s %-9s %-9s %-7s %-7s %-10s %-12s %-5s %s\n", "PEER", "STATE", "REMOTE",
	       "TX(ms)", "RX(ms)", "DETECT(ms)", "LAST RX(ms)", "UPS", "DIAG (ours/theirs)");
	const struct json_object *ss = json_get(bfd, "sessions");
	for (size_t i = 0; i < len_of(ss); i++) {
		const struct json_object *s = json_object_array_get_idx(ss, i);
		char diag[160], ld[16], rd[16];
		fmt_us_ms(json_get(s, "tx_interval_us"), a, sizeof(a));
		fmt_us_ms(json_get(s, "rx_interval_us"), b, sizeof(b));
		fmt_us_ms(json_get(s, "detect_time_us"), c, sizeof(c));
		fmt_num(json_get(s, "last_rx_ms_ago"), d, sizeof(d));
		fmt_num(json_get(s, "up_count"), e, sizeof(e));
		fmt_num(json_get(s, "diag"), ld, sizeof(ld));
		fmt_num(json_get(s, "remote_diag"), rd, sizeof(rd));
		snprintf(diag, sizeof(diag), "%s/%s %s", ld, rd, str(json_get(s, "diag_name")));
		printf("%-16s %-9s %-9s %-7s %-7s %-10s %-12s %-5s %s\n", str(json_get(s, "peer")),
		       str(json_get(s, "state")), str(json_get(s, "remote_state")), a, b, c, d, e,
		       diag);
	}
}

static void print_table(const struct json_object *root)
{
	char a[32], b[32], c[32], d[32], e[32];
	fmt_num(json_get(root, "asn"), a, sizeof(a));
	fmt_num(json_get(root, "pid"), b, sizeof(b));
	printf("BGP speaker AS %s, router id %s, pid %s\n\n", a, str(json_get(root, "router_id")),
	       b);
	printf("%-16s %-10s %-5s %-12s %-9s %-11s %-17s %-16s %-16s %s\n", "PEER", "AS", "TYPE",
	       "STATE", "UP(s)", "HOLD/KA", "LEFT HOLD/KA/CR", "IN o/u/n/k/r", "OUT o/u/n/k/r",
	       "LAST ERROR");
	const struct json_object *ss = json_get(root, "sessions");
	for (size_t i = 0; i < len_of(ss); i++) {
		const struct json_object *s = json_object_array_get_idx(ss, i);
		const struct json_object *t = json_get(s, "timers_ms_left");
		char up[32] = "-", hk[80], left[112], cnt[2][176], err[512] = "-";
		if (is_num(json_get(s, "uptime_ms")))
			snprintf(up, sizeof(up), "%.1f",
			         json_object_get_double(json_get(s, "uptime_ms")) / 1000);
		fmt_num(json_get(s, "hold_ms"), a, sizeof(a));
		fmt_num(json_get(s, "keepalive_ms"), b, sizeof(b));
		snprintf(hk, sizeof(hk), "%s/%s", a, b);
		fmt_num(json_get(t, "hold"), a, sizeof(a));
		fmt_num(json_get(t, "keepalive"), b, sizeof(b));
		fmt_num(json_get(t, "connect_retry"), c, sizeof(c));
		snprintf(left, sizeof(left), "%s/%s/%s", a, b, c);
		for (int k = 0; k < 2; k++) {
			const struct json_object *m = json_get(s, k ? "msgs_out" : "msgs_in");
			fmt_num(json_get(m, "open"), a, sizeof(a));
			fmt_num(json_get(m, "update"), b, sizeof(b));
			fmt_num(json_get(m, "notification"), c, sizeof(c));
			fmt_num(json_get(m, "keepalive"), d, sizeof(d));
			fmt_num(json_get(m, "route-refresh"), e, sizeof(e));
			snprintf(cnt[k], sizeof(cnt[k]), "%s/%s/%s/%s/%s", a, b, c, d, e);
		}
		const struct json_object *le = json_get(s, "last_error");
		if (json_object_is_type(le, json_type_object)) {
			fmt_num(json_get(le, "code"), a, sizeof(a));
			fmt_num(json_get(le, "subcode"), b, sizeof(b));
			snprintf(err, sizeof(err), "%s/%s %s (%s)", a, b, str(json_get(le, "dir")),
			         str(json_get(le, "name")));
		}
		fmt_num(json_get(s, "remote_as"), d, sizeof(d));
		printf("%-16s %-10s %-5s %-12s %-9s %-11s %-17s %-16s %-16s %s\n",
		       str(json_get(s, "peer")), d, str(json_get(s, "type")),
		       str(json_get(s, "state")), up, hk, left, cnt[0], cnt[1], err);
	}
	print_bfd(json_get(root, "bfd"));
	const struct json_object *rib = json_get(root, "rib");
	if (!json_object_is_type(rib, json_type_object))
		return;
	fmt_num(json_get(rib, "prefixes"), a, sizeof(a));
	fmt_num(json_get(rib, "fib_installed"), b, sizeof(b));
	fmt_num(json_get(rib, "fib_pending"), c, sizeof(c));
	fmt_num(json_get(rib, "max_paths"), d, sizeof(d));
	printf("\nLoc-RIB: %s prefixes, %s in the FIB, %s pending, max-paths %s\n", a, b, c, d);
	printf("%-19s %-9s %-6s %s\n", "PREFIX", "FIB", "PATHS", "NEXT HOPS (ECMP)");
	const struct json_object *rs = json_get(rib, "routes");
	for (size_t i = 0; i < len_of(rs); i++) {
		const struct json_object *r = json_object_array_get_idx(rs, i);
		const struct json_object *nh = json_get(r, "nexthops");
		char hops[512] = "";
		size_t off = 0;
		for (size_t k = 0; k < len_of(nh) && off < sizeof(hops) - 1; k++)
			off +=
			    (size_t)snprintf(hops + off, sizeof(hops) - off, "%s%s", k ? " " : "",
			                     str(json_object_array_get_idx(nh, k)));
		bool nh_arr = json_object_is_type(nh, json_type_array);
		printf("%-19s %-9s %-6zu %s\n", str(json_get(r, "prefix")), str(json_get(r, "fib")),
		       len_of(json_get(r, "paths")), off ? hops : (nh_arr ? "(local)" : "-"));
	}
	if (json_object_get_boolean(json_get(rib, "truncated")) &&
	    json_object_is_type(json_get(rib, "truncated"), json_type_boolean))
		printf("(route list truncated; --json for the daemon's full answer)\n");
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: labctl bgp LAB NODE [--json]\n"
	           "  sessions of the built-in BGP speaker on NODE (state, uptime, negotiated\n"
	           "  hold/keepalive, ms left on each timer, messages in/out, last error), its\n"
	           "  BFD sessions (state, negotiated tx/rx, detection time, last packet) and\n"
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
	struct json_object *root = json_parse(resp, strlen(resp), sock);
	int rc = LAB_EXIT_OK;
	if (!json_object_is_type(root, json_type_object)) {
		lab_err_clear();
		fprintf(stderr, "labctl: unexpected answer from %s: %.200s\n", sock, resp);
		rc = LAB_EXIT_FAIL;
	} else {
		print_table(root);
	}
	json_object_put(root);
	free(resp);
	return rc;
}
