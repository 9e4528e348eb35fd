/* What the topology loader assumes about the layers above it, checked against
 * them, so that validation and `labctl up` cannot drift apart:
 * - the topology name is the default lab name: the loader's limit is the run
 *   layer's, and a name at the limit passes both;
 * - proposals are judged with the crypto plugins a lab's charon loads: the list
 *   in lab/topo is exactly the crypto part of the strongswan.conf lab/ipsec writes,
 *   for every backend. */
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "ipsec/ipsec.h"
#include "run/run.h"
#include "topo/ike_proposal.h"
#include "topo/topo.h"

/* Plugins of a lab charon that are not crypto: sockets, kernel interfaces, ours. */
static const char *const not_crypto[] = {"socket-default",  "vici",   "kernel-netlink",
                                         "kernel-libipsec", "labctl", NULL};

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

static void check_plugins(enum ipsec_backend b)
{
	struct ipsec_paths p;
	CHECK(ipsec_paths_init(&p, "/run/labctl/lab/node") == 0);
	char *conf = ipsec_conf_render(&p, b);
	CHECK(conf != NULL);
	if (!conf)
		return;
	/* every plugin block of the rendered file: "    NAME {\n      load = ..." */
	size_t n_crypto = 0;
	for (char *line = strstr(conf, "  plugins {\n"); line && (line = strstr(line, "\n    "));) {
		line += 5;
		char name[64];
		if (sscanf(line, "%63[a-z0-9-] {", name) != 1 || !strstr(line, "load = "))
			continue;
		bool crypto = true;
		for (size_t i = 0; not_crypto[i]; i++)
			crypto &= strcmp(name, not_crypto[i]) != 0;
		if (crypto) {
			n_crypto++;
			if (!listed(IKEP_CRYPTO_PLUGINS, name))
				fprintf(stderr,
				        "charon loads %s, which the proposal check does not\n",
				        name);
			CHECK(listed(IKEP_CRYPTO_PLUGINS, name));
		}
	}
	char want[] = IKEP_CRYPTO_PLUGINS, *save = NULL;
	size_t n_want = 0;
	for (char *w = strtok_r(want, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char block[80];
		snprintf(block, sizeof(block), "\n    %s {\n      load = yes\n", w);
		if (!strstr(conf, block))
			fprintf(stderr, "the proposal check loads %s, which charon (%s) does not\n",
			        w, ipsec_backend_name(b));
		CHECK(strstr(conf, block) != NULL);
		n_want++;
	}
	CHECK_INT(n_crypto, n_want);
	free(conf);
}

int main(void)
{
	CHECK_INT(TOPO_LAB_NAME_MAX, RUN_LAB_NAME_USER_MAX);
	char name[TOPO_LAB_NAME_MAX + 1];
	memset(name, 'a', TOPO_LAB_NAME_MAX);
	name[TOPO_LAB_NAME_MAX] = '\0';
	lab_err_clear();
	CHECK_INT(run_lab_name_check(name), 0);
	CHECK_INT(run_lab_name_check("a_b"), -1); /* as the loader refuses '_' in `name` */
	for (int b = IPSEC_BACKEND_LIBIPSEC; b <= IPSEC_BACKEND_VTI; b++)
		check_plugins((enum ipsec_backend)b);
	return check_done();
}
