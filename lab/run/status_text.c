#include "run/status_text.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "common/err.h"
#include "common/json_read.h"

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

static const char *str_or(const struct json_object *o, const char *key, const char *dflt)
{
	const char *s = json_get_str(o, key);
	return s ? s : dflt;
}

/* A number member as json-c prints it ("-" when absent). */
static const char *num_text(const struct json_object *o, const char *key)
{
	struct json_object *v = json_get(o, key);
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)
	           ? json_object_get_string(v)
	           : "-";
}

static void pair(const struct json_object *o, const char *a, const char *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", num_text(o, a), num_text(o, b));
}

static void duration_of(const struct json_object *o, const char *key, char *buf, size_t len)
{
	double v;
	status_duration(json_get_num(o, key, &v) ? (long long)v : -1, buf, len);
}

/* The member as an array (NULL unless it is one) and its length. */
static struct json_object *array_of(const struct json_object *o, const char *key, size_t *n)
{
	struct json_object *a = json_get(o, key);
	if (!json_object_is_type(a, json_type_array))
		a = NULL;
	*n = a ? json_object_array_length(a) : 0;
	return a;
}

/* One row per tunnel end: the tunnel's name and state on its first row. */
static void ipsec_text(FILE *f, const struct json_object *s)
{
	fprintf(f, "  ipsec: backend %s\n", str_or(s, "backend", "?"));
	size_t nt;
	struct json_object *tunnels = array_of(s, "tunnels", &nt);
	if (!nt) {
		fprintf(f, "    (no tunnels)\n");
		return;
	}
	row(f, "    %-12s %-11s %-14s %-9s %-11s %-9s %-8s %-8s %-21s %-15s %s\n", "TUNNEL",
	    "STATE", "END", "ROLE", "IKE", "CHILD", "SPI-IN", "SPI-OUT", "BYTES IN/OUT",
	    "PACKETS IN/OUT", "UP");
	for (size_t i = 0; i < nt; i++) {
		const struct json_object *t = json_object_array_get_idx(tunnels, i);
		size_t ne;
		struct json_object *ends = array_of(t, "ends", &ne);
		for (size_t e = 0; e < ne || (e == 0 && ne == 0); e++) {
			const struct json_object *x =
			    ne ? json_object_array_get_idx(ends, e) : NULL;
			char bytes[48], packets[48], up[24];
			pair(x, "bytes_in", "bytes_out", bytes, sizeof(bytes));
			pair(x, "packets_in", "packets_out", packets, sizeof(packets));
			/* the CHILD_SA's install time: when traffic could cross */
			duration_of(x, "installed_s", up, sizeof(up));
			const char *role = str_or(x, "role", "-");
			row(f, "    %-12s %-11s %-14s %-9.9s %-11s %-9s %-8s %-8s %-21s %-15s %s\n",
			    e == 0 ? str_or(t, "name", "?") : "",
			    e == 0 ? str_or(t, "state", "?") : "", str_or(x, "node", "-"), role,
			    str_or(x, "ike_state", "-"), str_or(x, "child_state", "-"),
			    str_or(x, "spi_in", "-"), str_or(x, "spi_out", "-"), bytes, packets,
			    up);
			const char *charon = json_get_str(x, "charon");
			if (charon && strcmp(charon, "running"))
				row(f, "    %-12s %-11s   charon %s\n", "", "", charon);
		}
		const char *why = json_get_str(t, "failure");
		if (why)
			row(f, "    %-12s %-11s   failure: %s\n", "", "", why);
	}
}

/* One row per session; the node's prefix count on its first row. */
static void bgp_text(FILE *f, const struct json_object *s)
{
	size_t nn;
	struct json_object *nodes = array_of(s, "nodes", &nn);
	fprintf(f, "  bgp:\n");
	if (!nn) {
		fprintf(f, "    (no BGP speakers)\n");
		return;
	}
	row(f, "    %-14s %-8s %-18s %-12s %-18s %s\n", "NODE", "SPEAKER", "PEER", "STATE",
	    "UPTIME", "PREFIXES");
	for (size_t i = 0; i < nn; i++) {
		const struct json_object *n = json_object_array_get_idx(nodes, i);
		size_t ns;
		struct json_object *sess = array_of(n, "sessions", &ns);
		char prefixes[48];
		snprintf(prefixes, sizeof(prefixes), "%s", num_text(n, "prefixes"));
		if (json_get(n, "fib_installed"))
			snprintf(prefixes + strlen(prefixes), sizeof(prefixes) - strlen(prefixes),
			         " (%s in FIB)", num_text(n, "fib_installed"));
		for (size_t k = 0; k < ns || (k == 0 && ns == 0); k++) {
			const struct json_object *x =
			    ns ? json_object_array_get_idx(sess, k) : NULL;
			char up[24];
			double ms;
			/* milliseconds, as the speaker's own answer (`labctl bgp`) has them */
			status_duration(json_get_num(x, "uptime_ms", &ms) ? (long long)(ms / 1000)
			                                                  : -1,
			                up, sizeof(up));
			/* BIRD tells when the state was entered, not for how long */
			const char *since = json_get_str(x, "since");
			if (since && !strcmp(up, "-"))
				snprintf(up, sizeof(up), "since %s", since);
			row(f, "    %-14s %-8s %-18s %-12s %-18s %s\n",
			    k == 0 ? str_or(n, "node", "?") : "",
			    k == 0 ? str_or(n, "speaker", "?") : "", str_or(x, "peer", "-"),
			    str_or(x, "state", ns ? "?" : "(none)"), up, k == 0 ? prefixes : "");
		}
		const char *err = json_get_str(n, "error");
		if (err)
			row(f, "    %-14s error: %s\n", "", err);
	}
}

/* Any other service: its members as a reader would say them, strings unquoted. */
static void raw_text(FILE *f, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: fputs("null", f); break;
	case json_type_string: fputs(json_object_get_string(v), f); break;
	case json_type_array:
		fputc('[', f);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			if (i)
				fputs(", ", f);
			raw_text(f, json_object_array_get_idx(v, i));
		}
		fputc(']', f);
		break;
	case json_type_object: {
		bool first = true;
		fputc('{', f);
		json_object_object_foreach(v, key, val)
		{
			fprintf(f, "%s%s: ", first ? "" : ", ", key);
			raw_text(f, val);
			first = false;
		}
		fputc('}', f);
		break;
	}
	default: fputs(json_object_get_string(v), f); break; /* booleans and numbers */
	}
}

int status_services_text(FILE *f, const char *services_json)
{
	struct json_object *root =
	    json_parse(services_json, strlen(services_json), "service status");
	if (!root)
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return lab_err(LAB_EXIT_FAIL, "service status is not a JSON object");
	}
	json_object_object_foreach(root, key, s)
	{
		const char *err = json_get_str(s, "error");
		if (err)
			fprintf(f, "  %s: error: %s\n", key, err);
		else if (!strcmp(key, "ipsec"))
			ipsec_text(f, s);
		else if (!strcmp(key, "bgp"))
			bgp_text(f, s);
		else {
			fprintf(f, "  %s: ", key);
			raw_text(f, s);
			fputc('\n', f);
		}
	}
	json_object_put(root);
	return 0;
}
