/* labctl-bgpd's neighbor limit (bgp/bgp_limits.h) is a validation error at the
 * neighbors list, with its position, never a speaker that dies at `up`: one
 * neighbor over the limit is refused, the limit itself is accepted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "bgp/bgp_limits.h"
#include "topo/topo.h"

/* A hub with n neighbors on one /16; the list starts at line 9, column 9. */
static int write_hub(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "name: hub\n"
	           "nodes:\n"
	           "  hub:\n"
	           "    role: router\n"
	           "    interfaces: {eth0: 10.1.0.1/16}\n"
	           "    bgp:\n"
	           "      asn: 65000\n"
	           "      neighbors:\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "        - {address: 10.1.%d.%d, asn: %d, passive: true}\n", 1 + i / 250,
		        1 + i % 250, 65001 + i);
	return fclose(f);
}

static const struct topo_diag *find(const struct topo_diags *d, const char *what)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, what))
			return &d->v[i];
	return NULL;
}

int main(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/labctl-nbrlimit-%d.yaml", (int)getpid());
	char want[64];
	snprintf(want, sizeof(want), "a speaker takes at most %d", BGP_CONFIG_MAX_NEIGHBORS);

	struct topo *t = NULL;
	struct topo_diags d = {0};
	CHECK(write_hub(path, BGP_CONFIG_MAX_NEIGHBORS + 1) == 0);
	CHECK(topo_load(path, &t, &d) == -1);
	const struct topo_diag *g = find(&d, want);
	CHECK(g != NULL);
	if (g) {
		CHECK_INT(g->pos.line, 9);
		CHECK_INT(g->pos.col, 9);
	}
	topo_diags_free(&d);

	memset(&d, 0, sizeof(d));
	CHECK(write_hub(path, BGP_CONFIG_MAX_NEIGHBORS) == 0);
	topo_load(path, &t, &d); /* other problems are not this test's */
	CHECK(find(&d, want) == NULL);
	topo_diags_free(&d);
	topo_free(t);
	unlink(path);
	return check_done();
}
