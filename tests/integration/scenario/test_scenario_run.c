/* labctl run on real labs at time scale 0.1: every shipped scenario meets its
 * expectations (article, both-tunnels and flap on one dual-tunnel lab via --lab;
 * heal-reversion brings its own lab up, its overrides need it), the article's run
 * shows reversion, and a scenario with an impossible budget fails with exit 1 and
 * says by how much. */
#include "../failover/lab_fixture.h"

static char out_path[300];

static int run(struct fixture *f, const char *args)
{
	unlink(out_path);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "LABCTL_RUN_DIR='%s' '%s' run %s >'%s' 2>&1", f->root, f->labctl,
	         args, out_path);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool out_has(const char *what)
{
	char *text = NULL;
	size_t len;
	if (read_file(out_path, &text, &len) < 0)
		return false;
	bool found = strstr(text, what) != NULL;
	if (!found) {
		fprintf(stderr, "output lacks '%s':\n%s\n", what, text);
	}
	free(text);
	return found;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return check_broken("usage: test-scenario-run LABCTL");
	int pre = fx_prereq(false);
	if (pre)
		return pre;
	const char *labctl = argv[1];
	const char *src = LABCTL_SOURCE_ROOT;
	struct fixture f;
	if (fx_up(&f, labctl, "dual-tunnel", "scn", 0.1) < 0)
		return 1;
	snprintf(out_path, sizeof(out_path), "%s.out", f.root);
	char args[1024];
	static const char *const shared[] = {"article", "both-tunnels", "flap"};
	for (size_t i = 0; i < 3; i++) {
		char junit[320];
		snprintf(junit, sizeof(junit), "%s.junit.xml", f.root);
		snprintf(args, sizeof(args), "%s/scenarios/%s.yaml --time-scale 0.1 --lab %s%s%s",
		         src, shared[i], f.lab, i == 0 ? " --junit " : "", i == 0 ? junit : "");
		int rc = run(&f, args);
		if (rc != 0)
			fprintf(stderr, "scenario %s exited %d\n", shared[i], rc);
		CHECK_INT(rc, 0);
		CHECK(out_has(", 0 failed"));
		if (i == 0) {
			/* reversion in the article's failover report, with its window */
			CHECK(out_has("reversion after the heal"));
			CHECK(out_has("both tunnels carry traffic"));
			CHECK(out_has("inside the reversion window: yes"));
			/* JUnit: one passed testcase per expectation (5 in article.yaml) */
			char *x = NULL;
			size_t xl;
			CHECK_INT(read_file(junit, &x, &xl), 0);
			CHECK(x && strstr(x, "tests=\"5\" failures=\"0\""));
			free(x);
			if (system("command -v xmllint >/dev/null 2>&1") == 0) {
				char cmd[400];
				snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", junit);
				CHECK_INT(system(cmd), 0);
			}
			unlink(junit);
		}
	}
	/* an impossible budget: 100 ms against a hold timer of 3 s */
	char bad[320];
	snprintf(bad, sizeof(bad), "%s.impossible.yaml", f.root);
	FILE *b = fopen(bad, "w");
	CHECK(b != NULL);
	if (b) {
		fprintf(b, "name: impossible\ntopology: dual-tunnel\nsteps:\n"
		           "  - fault ike-mismatch auto\n  - wait recovered\n"
		           "  - expect: {max_outage: {rtt: 100ms}}\n  - heal\n  - wait ready\n");
		fclose(b);
		snprintf(args, sizeof(args), "%s --time-scale 0.1 --lab %s", bad, f.lab);
		CHECK_INT(run(&f, args), 1);
		CHECK(out_has("FAIL run 1"));
		CHECK(out_has("OVER budget 0.100 s: +"));
		CHECK(out_has(", 1 failed"));
		unlink(bad);
	}
	fx_down(&f);
	/* heal-reversion brings up and takes down its own lab (overrides) */
	struct fixture g = {.labctl = labctl};
	snprintf(g.root, sizeof(g.root), "/tmp/labctl-test-scnrev.%d", (int)getpid());
	remove_tree(g.root);
	CHECK(mkdir_p(g.root, 0700) == 0);
	char name[32];
	snprintf(name, sizeof(name), "rev%d", (int)getpid() % 100000);
	snprintf(args, sizeof(args), "%s/scenarios/heal-reversion.yaml --time-scale 0.1 --name %s",
	         src, name);
	int rc = run(&g, args);
	CHECK_INT(rc, 0);
	CHECK(out_has(", 0 failed"));
	/* taken down by run itself: nothing of it left */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "ip netns list | grep -q '^%s\\.'", name);
	CHECK(system(cmd) != 0);
	if (system(cmd) == 0) {
		snprintf(cmd, sizeof(cmd), "LABCTL_RUN_DIR='%s' '%s' down %s", g.root, labctl,
		         name);
		(void)system(cmd);
	}
	remove_tree(g.root);
	unlink(out_path);
	return check_done();
}
