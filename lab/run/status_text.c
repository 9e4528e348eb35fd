#include "run/status_text.h"

#include <stdarg.h>
#include <string.h>

#include "common/err.h"
#include "common/jtree.h"

void status_duration(long long s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

/* One table line without trailing blanks (empty last columns). */
__attribute__((format(printf, 2, 3))) static void row(FILE *f, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\n'))
		line[--n] = '\0';
	fprintf(f, "%s\n", line);
}

static const char *str_or(const struct jtree *o, const char *key, const char *dflt)
{
	const char *s = jtree_str(o, key);
	return s ? s : dflt;
}

/* A number member as its literal ("-" when absent). */
static const char *num_text(const struct jtree *o, const char *key)
{
	const struct jtree *v = jtree_get(o, key);
	return v && v->type == JT_NUM ? v->str : "-";
}

static void pair(const struct jtree *o, const char *a, const char *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", num_text(o, a), num_text(o, b));
}

static void duration_of(const struct jtree *o, const char *key, char *buf, size_t len)
{
	double v;
	status_duration(jtree_num(o, key, &v) ? (long long)v : -1, buf, len);
}

/* One row per tunnel end: the tunnel's name and state on its first row. */
static void ipsec_text(FILE *f, const struct jtree *s)
{
	fprintf(f, "  ipsec: backend %s\n", str_or(s, "backend", "?"));
	const struct jtree *tunnels = jtree_get(s, "tunnels");
	if (!tunnels || tunnels->type != JT_ARR || !tunnels->n) {
		fprintf(f, "    (no tunnels)\n");
		return;
	}
	row(f, "    %-12s %-11s %-14s %-9s %-11s %-9s %-8s %-8s %-21s %-15s %s\n", "TUNNEL",
		"STATE", "END", "ROLE", "IKE", "CHILD", "SPI-IN", "SPI-OUT", "BYTES IN/OUT",
		"PACKETS IN/OUT", "UP");
	for (size_t i = 0; i < tunnels->n; i++) {
		const struct jtree *t = &tunnels->kids[i];
		const struct jtree *ends = jtree_get(t, "ends");
		size_t ne = ends && ends->type == JT_ARR ? ends->n : 0;
		for (size_t e = 0; e < ne || (e == 0 && ne == 0); e++) {
			const struct jtree *x = ne ? &ends->kids[e] : NULL;
			char bytes[48], packets[48], up[24];
			pair(x, "bytes_in", "bytes_out", bytes, sizeof(bytes));
			pair(x, "packets_in", "packets_out", packets, sizeof(packets));
			/* the CHILD_SA's install time: when traffic could cross */
			duration_of(x, "installed_s", up, sizeof(up));
			const char *role = str_or(x, "role", "-");
			row(f, "    %-12s %-11s %-14s %-9.9s %-11s %-9s %-8s %-8s %-21s %-15s %s\n",
				e == 0 ? str_or(t, "name", "?") : "", e == 0 ? str_or(t, "state", "?") : "",
				str_or(x, "node", "-"), role, str_or(x, "ike_state", "-"),
				str_or(x, "child_state", "-"), str_or(x, "spi_in", "-"),
				str_or(x, "spi_out", "-"), bytes, packets, up);
			const char *charon = jtree_str(x, "charon");
			if (charon && strcmp(charon, "running"))
				row(f, "    %-12s %-11s   charon %s\n", "", "", charon);
		}
		const char *why = jtree_str(t, "failure");
		if (why)
			row(f, "    %-12s %-11s   failure: %s\n", "", "", why);
	}
}

/* One row per session; the node's prefix count on its first row. */
static void bgp_text(FILE *f, const struct jtree *s)
{
	const struct jtree *nodes = jtree_get(s, "nodes");
	fprintf(f, "  bgp:\n");
	if (!nodes || nodes->type != JT_ARR || !nodes->n) {
		fprintf(f, "    (no BGP speakers)\n");
		return;
	}
	row(f, "    %-14s %-8s %-18s %-12s %-18s %s\n", "NODE", "SPEAKER", "PEER", "STATE",
		"UPTIME", "PREFIXES");
	for (size_t i = 0; i < nodes->n; i++) {
		const struct jtree *n = &nodes->kids[i];
		const struct jtree *sess = jtree_get(n, "sessions");
		size_t ns = sess && sess->type == JT_ARR ? sess->n : 0;
		char prefixes[48];
		snprintf(prefixes, sizeof(prefixes), "%s", num_text(n, "prefixes"));
		if (jtree_get(n, "fib_installed"))
			snprintf(prefixes + strlen(prefixes), sizeof(prefixes) - strlen(prefixes),
				 " (%s in FIB)", num_text(n, "fib_installed"));
		for (size_t k = 0; k < ns || (k == 0 && ns == 0); k++) {
			const struct jtree *x = ns ? &sess->kids[k] : NULL;
			char up[24];
			duration_of(x, "uptime_s", up, sizeof(up));
			/* BIRD tells when the state was entered, not for how long */
			const char *since = jtree_str(x, "since");
			if (since && !strcmp(up, "-"))
				snprintf(up, sizeof(up), "since %s", since);
			row(f, "    %-14s %-8s %-18s %-12s %-18s %s\n",
				k == 0 ? str_or(n, "node", "?") : "", k == 0 ? str_or(n, "speaker", "?") : "",
				str_or(x, "peer", "-"), str_or(x, "state", ns ? "?" : "(none)"), up,
				k == 0 ? prefixes : "");
		}
		const char *err = jtree_str(n, "error");
		if (err)
			row(f, "    %-14s error: %s\n", "", err);
	}
}

static void raw_text(FILE *f, const struct jtree *v)
{
	switch (v->type) {
	case JT_NULL: fputs("null", f); break;
	case JT_BOOL: fputs(v->b ? "true" : "false", f); break;
	case JT_NUM: fputs(v->str, f); break;
	case JT_STR: fputs(v->str, f); break;
	case JT_ARR:
	case JT_OBJ:
		fputc(v->type == JT_OBJ ? '{' : '[', f);
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				fputs(", ", f);
			if (v->kids[i].key)
				fprintf(f, "%s: ", v->kids[i].key);
			raw_text(f, &v->kids[i]);
		}
		fputc(v->type == JT_OBJ ? '}' : ']', f);
		break;
	}
}

int status_services_text(FILE *f, const char *services_json)
{
	struct jtree *root;
	if (jtree_parse(services_json, &root) < 0)
		return -1;
	if (root->type != JT_OBJ) {
		jtree_free(root);
		return lab_err(LAB_EXIT_FAIL, "service status is not a JSON object");
	}
	for (size_t i = 0; i < root->n; i++) {
		const struct jtree *s = &root->kids[i];
		const char *err = jtree_str(s, "error");
		if (err)
			fprintf(f, "  %s: error: %s\n", s->key, err);
		else if (!strcmp(s->key, "ipsec"))
			ipsec_text(f, s);
		else if (!strcmp(s->key, "bgp"))
			bgp_text(f, s);
		else {
			fprintf(f, "  %s: ", s->key);
			raw_text(f, s);
			fputc('\n', f);
		}
	}
	jtree_free(root);
	return 0;
}
