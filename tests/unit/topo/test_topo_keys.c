/* Pre-shared keys per tunnel end: an end's own psk or psk_file overrides the
 * tunnel's, an end without one inherits it, the file rules (readable, 0600/0400,
 * relative to the topology file) hold per end, and the copy a lab records (with
 * relative key files made absolute, wherever they were written) loads to the same
 * keys. Messages never carry the key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "topo/topo.h"

#define HEAD                                                                                       \
	"name: t\n"                                                                                \
	"nodes:\n"                                                                                 \
	"  g1: {role: gateway, interfaces: {eth0: 192.0.2.1/24}}\n"                                \
	"  g2: {role: gateway, interfaces: {eth0: 192.0.2.2/24}}\n"                                \
	"links:\n"                                                                                 \
	"  - [g1:eth0, g2:eth0]\n"                                                                 \
	"tunnels:\n"

struct scratch {
	char dir[64], topo[96];
};

static int scratch_write(struct scratch *s, const char *text)
{
	snprintf(s->topo, sizeof(s->topo), "%s/t.yaml", s->dir);
	return write_file_atomic(s->topo, text, strlen(text), 0644);
}

static void key_of(const struct topo *t, size_t tunnel, int end, const char *want)
{
	char key[256] = "";
	CHECK(topo_tunnel_end_psk(t, &t->tunnels[tunnel], end, key, sizeof(key)) == 0);
	CHECK_STR(key, want);
	explicit_bzero(key, sizeof(key));
}

static struct topo *load_ok(const char *path)
{
	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK(topo_load(path, &t, &d) == 0);
	topo_diags_print(&d, stderr);
	topo_diags_free(&d);
	return t;
}

/* Each end exactly one source; the tunnel's key where an end has none. */
static void check_inline(struct scratch *s)
{
	static const char text[] =
	    HEAD "  same:\n"
	         "    psk: shared-key\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, interface: ipsec0, inside: 169.254.0.1/30}\n"
	         "      - {node: g2, uplink: eth0, interface: ipsec0, inside: 169.254.0.2/30}\n"
	         "  mixed:\n"
	         "    psk: shared-key\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, interface: ipsec1, inside: 169.254.0.5/30}\n"
	         "      - {node: g2, uplink: eth0, interface: ipsec1, inside: 169.254.0.6/30, psk: "
	         "azure-side}\n"
	         "  own:\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, interface: ipsec2, inside: 169.254.0.9/30, psk: "
	         "ali-side}\n"
	         "      - {node: g2, uplink: eth0, interface: ipsec2, inside: 169.254.0.10/30, "
	         "psk: azure-side}\n";
	CHECK(scratch_write(s, text) == 0);
	struct topo *t = load_ok(s->topo);
	if (!t)
		return;
	CHECK_INT(t->n_tunnels, 3);
	for (size_t i = 0; i < t->n_tunnels; i++)
		for (int e = 0; e < 2; e++) {
			const struct topo_tunnel_end *x = &t->tunnels[i].end[e];
			CHECK(!x->psk != !x->psk_file); /* exactly one */
		}
	key_of(t, 0, 0, "shared-key");
	key_of(t, 0, 1, "shared-key");
	key_of(t, 1, 0, "shared-key");
	key_of(t, 1, 1, "azure-side");
	key_of(t, 2, 0, "ali-side");
	key_of(t, 2, 1, "azure-side");
	CHECK(t->tunnels[2].psk == NULL && t->tunnels[2].psk_file == NULL);
	/* the tunnel-level call is end 0's key */
	char key[64];
	CHECK(topo_tunnel_psk(t, &t->tunnels[2], key, sizeof(key)) == 0);
	CHECK_STR(key, "ali-side");
	/* too small a buffer: an error that does not show the key */
	lab_err_clear();
	CHECK(topo_tunnel_end_psk(t, &t->tunnels[1], 1, key, 4) == -1);
	CHECK(strstr(lab_err_msg(), "mixed") && strstr(lab_err_msg(), "g2"));
	CHECK(!strstr(lab_err_msg(), "azure-side") && !strstr(lab_err_msg(), "azur"));
	topo_free(t);
}

/* psk_file in an end: relative to the topology, the mode rule per end, and the
 * recorded copy rewrites every relative path (tunnel-level written after the ends
 * too: the rewrite must go in file order). */
static void check_files(struct scratch *s)
{
	char k1[128], k2[128], shared[128];
	snprintf(k1, sizeof(k1), "%s/ali.key", s->dir);
	snprintf(k2, sizeof(k2), "%s/azure.key", s->dir);
	snprintf(shared, sizeof(shared), "%s/shared.key", s->dir);
	CHECK(write_file_atomic(k1, "ali-file-key\n", 13, 0600) == 0);
	CHECK(write_file_atomic(k2, "azure-file-key\n", 15, 0400) == 0);
	CHECK(write_file_atomic(shared, "shared-file-key\n", 16, 0600) == 0);
	static const char text[] =
	    HEAD "  t0:\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, inside: 169.254.0.1/30, psk_file: ali.key}\n"
	         "      - node: g2\n"
	         "        uplink: eth0\n"
	         "        inside: 169.254.0.2/30\n"
	         "        psk_file: azure.key\n"
	         "  t1:\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, interface: ipsec1, inside: 169.254.0.5/30}\n"
	         "      - {node: g2, uplink: eth0, interface: ipsec1, inside: 169.254.0.6/30, "
	         "psk_file: ali.key}\n"
	         "    psk_file: shared.key\n";
	CHECK(scratch_write(s, text) == 0);
	struct topo *t = load_ok(s->topo);
	if (!t)
		return;
	CHECK_STR(t->tunnels[0].end[0].psk_file, k1);
	CHECK_STR(t->tunnels[0].end[1].psk_file, k2);
	CHECK_STR(t->tunnels[1].end[0].psk_file, shared);   /* inherited */
	CHECK(t->tunnels[1].end[0].psk_file_span_len == 0); /* the tunnel's span covers it */
	key_of(t, 0, 0, "ali-file-key");
	key_of(t, 0, 1, "azure-file-key");
	key_of(t, 1, 0, "shared-file-key");
	key_of(t, 1, 1, "ali-file-key");
	/* the copy loads anywhere to the same keys */
	char sub[96], copy[128];
	snprintf(sub, sizeof(sub), "%s/sub", s->dir);
	snprintf(copy, sizeof(copy), "%s/copy.yaml", sub);
	CHECK(mkdir(sub, 0700) == 0);
	CHECK(topo_copy_file(t, copy) == 0);
	struct topo *c = load_ok(copy);
	if (c) {
		key_of(c, 0, 0, "ali-file-key");
		key_of(c, 0, 1, "azure-file-key");
		key_of(c, 1, 0, "shared-file-key");
		key_of(c, 1, 1, "ali-file-key");
		CHECK(c->tunnels[0].end[1].psk_file_span_len == 0); /* absolute now */
		topo_free(c);
	}
	char *ctext = NULL;
	size_t clen;
	CHECK(read_file(copy, &ctext, &clen) == 0);
	CHECK(ctext && strstr(ctext, "        psk_file: \"/tmp/labctl-topo-keys-"));
	free(ctext);
	unlink(copy);
	rmdir(sub);
	topo_free(t);

	/* one end's file readable by others: refused where it is written */
	CHECK(chmod(k2, 0644) == 0);
	struct topo_diags d = {0};
	t = NULL;
	CHECK(topo_load(s->topo, &t, &d) == -1);
	CHECK(t == NULL);
	CHECK_INT(d.n, 1);
	if (d.n == 1) {
		CHECK(strstr(d.v[0].msg, "azure.key' has mode 0644; expected 0600 or 0400") !=
		      NULL);
		CHECK_INT(d.v[0].pos.line, 14);
		CHECK_INT(d.v[0].pos.col, 19);
	}
	topo_diags_free(&d);
	unlink(k1);
	unlink(k2);
	unlink(shared);
}

/* The key file's content is checked when the topology loads, by the rules charon's
 * key is read with at `up` (after the network is built): not empty once trailing
 * newlines go, at most 255 bytes, no NUL. Messages never show the content. */
static void check_file_content(struct scratch *s)
{
	static const char text[] =
	    HEAD "  t0:\n"
	         "    psk_file: k.key\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, inside: 169.254.0.1/30}\n"
	         "      - {node: g2, uplink: eth0, inside: 169.254.0.2/30}\n";
	char key[128], long_key[300];
	snprintf(key, sizeof(key), "%s/k.key", s->dir);
	CHECK(scratch_write(s, text) == 0);
	memset(long_key, 'k', sizeof(long_key));
	static const struct {
		size_t len; /* of long_key, or 0 for text */
		const char *text;
		const char *problem; /* NULL: loads */
	} cases[] = {
	    {0, "", "is empty"},
	    {0, "\n\r\n", "is empty"},
	    {256, NULL, "is longer than 255 bytes"},
	    {255, NULL, NULL},
	    {0, "nul\0key\n", "holds a NUL byte"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[300];
		size_t n = cases[i].len;
		if (n)
			memcpy(buf, long_key, n);
		else {
			n = cases[i].text[0] == 'n' ? 8 : strlen(cases[i].text);
			memcpy(buf, cases[i].text, n);
		}
		buf[n++] = '\n'; /* a trailing newline never counts */
		CHECK(write_file_atomic(key, buf, n, 0600) == 0);
		struct topo *t = NULL;
		struct topo_diags d = {0};
		int r = topo_load(s->topo, &t, &d);
		if (!cases[i].problem) {
			CHECK_INT(r, 0);
			char got[256] = "";
			if (t)
				CHECK(topo_tunnel_end_psk(t, &t->tunnels[0], 1, got, sizeof(got)) ==
				      0);
			CHECK_INT(strlen(got), 255);
			explicit_bzero(got, sizeof(got));
		} else {
			CHECK_INT(r, -1);
			CHECK_INT(d.n, 1);
			if (d.n == 1) {
				CHECK(strstr(d.v[0].msg, cases[i].problem) != NULL);
				CHECK(!strstr(d.v[0].msg, "kkkk") && !strstr(d.v[0].msg, "nul"));
				CHECK_INT(d.v[0].pos.line, 9);
				CHECK_INT(d.v[0].pos.col, 15);
			}
		}
		topo_free(t);
		topo_diags_free(&d);
	}
	unlink(key);
}

/* A problem with one end's key never prints any key of the file. */
static void check_no_key_in_messages(struct scratch *s)
{
	static const char text[] =
	    HEAD "  t0:\n"
	         "    ends:\n"
	         "      - {node: g1, uplink: eth0, inside: 169.254.0.1/30, psk: visible-key-1}\n"
	         "      - {node: g2, uplink: eth0, inside: 169.254.0.2/30, psk: visible-key-2, "
	         "psk_file: x}\n";
	CHECK(scratch_write(s, text) == 0);
	struct topo *t = NULL;
	struct topo_diags d = {0};
	lab_err_clear();
	CHECK(topo_load(s->topo, &t, &d) == -1);
	CHECK_INT(d.n, 1);
	for (size_t i = 0; i < d.n; i++)
		CHECK(!strstr(d.v[i].msg, "visible-key"));
	CHECK(!strstr(lab_err_msg(), "visible-key"));
	topo_diags_free(&d);
}

int main(void)
{
	struct scratch s;
	snprintf(s.dir, sizeof(s.dir), "/tmp/labctl-topo-keys-%d", (int)getpid());
	if (mkdir(s.dir, 0700) < 0)
		return check_broken("cannot create %s: %s", s.dir, strerror(errno));
	check_inline(&s);
	check_files(&s);
	check_no_key_in_messages(&s);
	check_file_content(&s);
	remove_tree(s.dir);
	return check_done();
}
