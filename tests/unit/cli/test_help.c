/* Every labctl command answers --help with its usage on stdout (exit 0) naming
 * every option it parses, and a wrong option with the usage on stderr (exit 2).
 * No root needed: options are checked before privileges. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/fsutil.h"

struct cmd {
	const char *name;
	const char *const flags[12]; /* every option the command parses */
};

static const struct cmd cmds[] = {
    {"up",
     {"--name", "--time-scale", "--ipsec-backend", "--timeout", "--no-services", "--dry-run",
      "--dry-run-down", "--verbose", "-v", "--json"}},
    {"down", {"--all", "--keep", "--json"}},
    {"status", {"--json"}},
    {"list", {"--json"}},
    {"exec", {"--"}},
    {"shell", {NULL}},
    {"graph", {"--format", "--output", "-o"}},
    {"validate", {"--json"}},
    {"predict",
     {"--json", "--fault", "--fault-side", "--tunnel", "--time-scale", "--samples", "--seed"}},
    {"fit",
     {"--measured", "--topology", "--tunnel", "--unknown", "--direction", "--fault", "--time-scale",
      "--max", "--json"}},
    {"ipsec", {"--json"}},
    {"bgp", {"--json"}},
    {"fault", {"--json"}},
    {"heal", {"--json"}},
    {"version", {"--json"}},
    {"failover",
     {"--fault", "--param", "--tunnel", "--runs", "--interval", "--json", "--svg", "--time-scale",
      "--duration"}},
    {"report", {"--dir", "--json", "--svg", "--run"}},
};

/* Runs labctl ARGS; stdout and stderr into files under tmp; exit code or -1. */
static int run(const char *labctl, const char *tmp, const char *args, char **out, char **err)
{
	char cmd[1024], po[300], pe[300];
	size_t n;
	snprintf(po, sizeof(po), "%s/out", tmp);
	snprintf(pe, sizeof(pe), "%s/err", tmp);
	/* an empty run root: nothing here may find or touch a real lab */
	snprintf(cmd, sizeof(cmd), "LABCTL_RUN_DIR='%s/run' '%s' %s >'%s' 2>'%s' </dev/null", tmp,
	         labctl, args, po, pe);
	int r = system(cmd);
	*out = *err = NULL;
	if (read_file(po, out, &n) < 0)
		*out = strdup("");
	if (read_file(pe, err, &n) < 0)
		*err = strdup("");
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return check_broken("usage: test-cli-help PATH/labctl (meson's test() passes it)");
	char tmp[] = "/tmp/labctl-help-XXXXXX";
	if (!mkdtemp(tmp))
		return check_broken("cannot create a directory from %s: %s", tmp, strerror(errno));
	char *out, *err, args[256], prefix[64];

	/* the command list names every command */
	CHECK_INT(run(argv[1], tmp, "--help", &out, &err), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char word[32];
		snprintf(word, sizeof(word), "  %s ", cmds[i].name);
		if (!strstr(out, word))
			fprintf(stderr, "labctl --help does not list %s\n", cmds[i].name);
		CHECK(strstr(out, word) != NULL);
	}
	free(out);
	free(err);
	CHECK_INT(run(argv[1], tmp, "no-such-command", &out, &err), 2);
	CHECK(strstr(err, "usage") != NULL);
	free(out);
	free(err);

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const struct cmd *c = &cmds[i];
		snprintf(args, sizeof(args), "%s --help", c->name);
		snprintf(prefix, sizeof(prefix), "usage: labctl %s", c->name);
		int rc = run(argv[1], tmp, args, &out, &err);
		if (rc != 0 || strncmp(out, prefix, strlen(prefix)))
			fprintf(stderr, "labctl %s --help: exit %d, stdout:\n%s\nstderr:\n%s\n",
			        c->name, rc, out, err);
		CHECK_INT(rc, 0);
		CHECK(!strncmp(out, prefix, strlen(prefix)));
		for (size_t k = 0; c->flags[k]; k++) {
			if (!strstr(out, c->flags[k]))
				fprintf(stderr, "labctl %s --help does not mention %s\n", c->name,
				        c->flags[k]);
			CHECK(strstr(out, c->flags[k]) != NULL);
		}
		free(out);
		free(err);

		/* -h too */
		snprintf(args, sizeof(args), "%s -h", c->name);
		CHECK_INT(run(argv[1], tmp, args, &out, &err), 0);
		CHECK(!strncmp(out, prefix, strlen(prefix)));
		free(out);
		free(err);

		/* a wrong option, alone and after a plausible first argument */
		static const char *const bad[] = {"--no-such-flag", "x --no-such-flag"};
		for (size_t b = 0; b < 2; b++) {
			snprintf(args, sizeof(args), "%s %s", c->name, bad[b]);
			rc = run(argv[1], tmp, args, &out, &err);
			if (rc != 2 || !strstr(err, prefix))
				fprintf(stderr, "labctl %s: exit %d, stderr:\n%s\n", args, rc, err);
			CHECK_INT(rc, 2);
			CHECK(strstr(err, prefix) != NULL);
			free(out);
			free(err);
		}
	}
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	CHECK_INT(system(cmd), 0);
	return check_done();
}
