/* labctl version [--json] */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_json.h"
#include "cli/commands.h"
#include "common/err.h"

int cmd_version(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	if (argc >= 2 && !json) {
		bool help = !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help");
		fprintf(help ? stdout : stderr,
		        "usage: labctl version [--json]\n\n"
		        "Prints labctl's version.\n"
		        "  --json  as JSON: {\"name\":\"labctl\",\"version\":...}\n");
		return help ? LAB_EXIT_OK : LAB_EXIT_USAGE;
	}
	if (!json) {
		printf("labctl %s\n", LABCTL_VERSION);
		return 0;
	}
	struct json j;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "name", "labctl");
	json_kv_str(&j, "version", LABCTL_VERSION);
	/* whether this build can run IPsec tunnels (strongSwan headers at build time) */
#ifdef LABCTL_HAVE_IPSEC
	json_kv_bool(&j, "ipsec", true);
#else
	json_kv_bool(&j, "ipsec", false);
#endif
	json_obj_end(&j);
	int rc = cli_json_print(&j);
	json_free(&j);
	return rc;
}
