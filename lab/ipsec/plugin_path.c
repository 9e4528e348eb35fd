/* Where the charon plugin is: beside labctl in the build tree, else installed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "ipsec/ipsec.h"

#define PLUGIN_FILE "libstrongswan-labctl.so"

int ipsec_plugin_path(char *buf, size_t len)
{
	const char *env = getenv("LABCTL_PLUGIN");
	if (env && *env) {
		if (!path_exists(env))
			return lab_err(LAB_EXIT_USAGE, "LABCTL_PLUGIN=%s does not exist", env);
		snprintf(buf, len, "%s", env);
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* the build root holds labctl; tests sit deeper (tests/integration/x) */
			for (int up = 0; up < 4; up++) {
				snprintf(buf, len, "%s/plugins/" PLUGIN_FILE, exe);
				if (path_exists(buf))
					return 0;
				slash = strrchr(exe, '/');
				if (!slash)
					break;
				*slash = '\0';
			}
		}
	}
#ifdef LABCTL_PLUGIN_INSTALL_DIR
	snprintf(buf, len, "%s/" PLUGIN_FILE, LABCTL_PLUGIN_INSTALL_DIR);
	if (path_exists(buf))
		return 0;
#endif
	return lab_err(LAB_EXIT_FAIL,
	               "the charon plugin %s was not found beside labctl or installed; build it "
	               "(needs the strongSwan source headers, scripts/setup) or set LABCTL_PLUGIN",
	               PLUGIN_FILE);
}
