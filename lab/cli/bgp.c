/* labctl bgp LAB NODE [--json]: the built-in speaker's sessions and Loc-RIB, from
 * its control socket (<lab dir>/<node>/bgpd.sock, request `show`, docs/bgpd.md).
 * --json prints the daemon's answer as is; the table is drawn from the same JSON
 * through a small reader, so both views always agree. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_svc/bgp_svc.h"
#include "cli/commands.h"
#include "cli/node_args.h"
#include "common/err.h"
#include "run/run.h"

/* ---- a minimal JSON reader (objects, arrays, strings, numbers, literals) ---- */

enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt t;
	double num;
	char *str;
	size_t n;
	struct jv *items;
	char **keys; /* J_OBJ */
};

static void skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
		(*p)++;
}

static char *parse_str(const char **p)
{
	const char *s = *p + 1;
	size_t cap = 16, len = 0;
	char *o = malloc(cap);
	while (o && *s && *s != '"') {
		char c = *s++;
		if (c == '\\' && *s) {
			char e = *s++;
			c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
			if (e == 'u') { /* journals and show only escape control characters */
				c = '?';
				for (int i = 0; i < 4 && *s; i++)
					s++;
			}
		}
		if (len + 2 > cap) {
			char *q = realloc(o, cap *= 2);
			if (!q) {
				free(o);
				return NULL;
			}
			o = q;
		}
		o[len++] = c;
	}
	if (!o || *s != '"') {
		free(o);
		return NULL;
	}
	o[len] = 0;
	*p = s + 1;
	return o;
}

static int parse_val(const char **p, struct jv *v, int depth);

static int parse_list(const char **p, struct jv *v, int depth, bool obj)
{
	char close = obj ? '}' : ']';
	(*p)++;
	skip_ws(p);
	if (**p == close) {
		(*p)++;
		return 0;
	}
	for (;;) {
		struct jv *it = realloc(v->items, (v->n + 1) * sizeof(*it));
		if (!it)
			return -1;
		v->items = it;
		if (obj) {
			char **k = realloc(v->keys, (v->n + 1) * sizeof(*k));
			if (!k)
				return -1;
			v->keys = k;
			skip_ws(p);
			if (**p != '"' || !(k[v->n] = parse_str(p)))
				return -1;
			skip_ws(p);
			if (*(*p)++ != ':')
				return -1;
		}
		memset(&v->items[v->n], 0, sizeof(struct jv));
		v->n++;
		if (parse_val(p, &v->items[v->n - 1], depth + 1) < 0)
			return -1;
		skip_ws(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		if (**p != close)
			return -1;
		(*p)++;
		return 0;
	}
}

static int parse_val(const char **p, struct jv *v, int depth)
{
	if (depth > 32)
		return -1;
	skip_ws(p);
	switch (**p) {
	case '{':
		v->t = J_OBJ;
		return parse_list(p, v, depth, true);
	case '[':
		v->t = J_ARR;
		return parse_list(p, v, depth, false);
	case '"':
		v->t = J_STR;
		return (v->str = parse_str(p)) ? 0 : -1;
	case 't':
	case 'f':
		v->t = J_BOOL;
		v->num = **p == 't';
		*p += **p == 't' ? 4 : 5;
		return 0;
	case 'n':
		v->t = J_NULL;
		*p += 4;
		return 0;
	default: {
		char *end;
		v->t = J_NUM;
		v->num = strtod(*p, &end);
		if (end == *p)
			return -1;
		*p = end;
		return 0;
	}
	}
}

static void jv_free(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

static const struct jv *get(const struct jv *o, const char *key)
{
	static const struct jv null;
	if (o && o->t == J_OBJ)
		for (size_t i = 0; i < o->n; i++)
			if (!strcmp(o->keys[i], key))
				return &o->items[i];
	return &null;
}

static const char *str(const struct jv *v)
{
	return v->t == J_STR ? v->str : "-";
}

static void fmt_num(const struct jv *v, char *buf, size_t len)
{
	if (v->t == J_NUM && v->num >= 0)
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

static void print_table(const struct jv *root)
{
	char a[32], b[32], c[32], d[32], e[32];
	fmt_num(get(root, "asn"), a, sizeof(a));
	fmt_num(get(root, "pid"), b, sizeof(b));
	printf("BGP speaker AS %s, router id %s, pid %s\n\n", a, str(get(root, "router_id")), b);
	printf("%-16s %-10s %-5s %-12s %-9s %-11s %-17s %-16s %-16s %s\n", "PEER", "AS", "TYPE",
	       "STATE", "UP(s)", "HOLD/KA", "LEFT HOLD/KA/CR", "IN o/u/n/k/r", "OUT o/u/n/k/r",
	       "LAST ERROR");
	const struct jv *ss = get(root, "sessions");
	for (size_t i = 0; ss->t == J_ARR && i < ss->n; i++) {
		const struct jv *s = &ss->items[i], *t = get(s, "timers_ms_left");
		char up[32] = "-", hk[80], left[112], cnt[2][176], err[512] = "-";
		if (get(s, "uptime_ms")->t == J_NUM)
			snprintf(up, sizeof(up), "%.1f", get(s, "uptime_ms")->num / 1000);
		fmt_num(get(s, "hold_ms"), a, sizeof(a));
		fmt_num(get(s, "keepalive_ms"), b, sizeof(b));
		snprintf(hk, sizeof(hk), "%s/%s", a, b);
		fmt_num(get(t, "hold"), a, sizeof(a));
		fmt_num(get(t, "keepalive"), b, sizeof(b));
		fmt_num(get(t, "connect_retry"), c, sizeof(c));
		snprintf(left, sizeof(left), "%s/%s/%s", a, b, c);
		for (int k = 0; k < 2; k++) {
			const struct jv *m = get(s, k ? "msgs_out" : "msgs_in");
			fmt_num(get(m, "open"), a, sizeof(a));
			fmt_num(get(m, "update"), b, sizeof(b));
			fmt_num(get(m, "notification"), c, sizeof(c));
			fmt_num(get(m, "keepalive"), d, sizeof(d));
			fmt_num(get(m, "route-refresh"), e, sizeof(e));
			snprintf(cnt[k], sizeof(cnt[k]), "%s/%s/%s/%s/%s", a, b, c, d, e);
		}
		const struct jv *le = get(s, "last_error");
		if (le->t == J_OBJ) {
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
	const struct jv *rib = get(root, "rib");
	if (rib->t != J_OBJ)
		return;
	fmt_num(get(rib, "prefixes"), a, sizeof(a));
	fmt_num(get(rib, "fib_installed"), b, sizeof(b));
	fmt_num(get(rib, "fib_pending"), c, sizeof(c));
	fmt_num(get(rib, "max_paths"), d, sizeof(d));
	printf("\nLoc-RIB: %s prefixes, %s in the FIB, %s pending, max-paths %s\n", a, b, c, d);
	printf("%-19s %-9s %-6s %s\n", "PREFIX", "FIB", "PATHS", "NEXT HOPS (ECMP)");
	const struct jv *rs = get(rib, "routes");
	for (size_t i = 0; rs->t == J_ARR && i < rs->n; i++) {
		const struct jv *r = &rs->items[i], *nh = get(r, "nexthops"), *ps = get(r, "paths");
		char hops[512] = "";
		size_t off = 0;
		for (size_t k = 0; nh->t == J_ARR && k < nh->n && off < sizeof(hops) - 1; k++)
			off += (size_t)snprintf(hops + off, sizeof(hops) - off, "%s%s", k ? " " : "",
						str(&nh->items[k]));
		printf("%-19s %-9s %-6zu %s\n", str(get(r, "prefix")), str(get(r, "fib")),
		       ps->t == J_ARR ? ps->n : 0, off ? hops : (nh->t == J_ARR ? "(local)" : "-"));
	}
	if (get(rib, "truncated")->t == J_BOOL && get(rib, "truncated")->num)
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
	struct jv root = {0};
	const char *p = resp;
	int rc = LAB_EXIT_OK;
	if (parse_val(&p, &root, 0) < 0 || root.t != J_OBJ) {
		fprintf(stderr, "labctl: unexpected answer from %s: %.200s\n", sock, resp);
		rc = LAB_EXIT_FAIL;
	} else {
		print_table(&root);
	}
	jv_free(&root);
	free(resp);
	return rc;
}
