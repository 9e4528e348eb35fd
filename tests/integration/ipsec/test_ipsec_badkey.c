/* Mismatched pre-shared keys written in a topology file, end to end through the
 * labctl binary: dual-tunnel with tun1's two ends given different keys (one inline,
 * one in a 0600 key file). `labctl up` must fail within a bounded time with a
 * non-zero exit, naming tun1 and the authentication failure charon reported (the
 * plugin's alert, also in the journal); neither key may show up in any argv or
 * environment, labctl's output, charon's logs, the journals or any file of the lab
 * but its 0600 copy of the topology, nor in any world-readable file; and `labctl
 * down` must leave no namespace, process or run directory behind. Private run root
 * and lab name with our pid; torn down even when checks fail. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"

#define UP_LIMIT_NS (20 * NS_PER_SEC) /* the bound `up` must fail within */
#define KILL_NS (90 * NS_PER_SEC)     /* past this the child is killed: a hung up */

struct ctx {
	const char *labctl;
	char scratch[64], root[96], name[32], topo[128], keyfile[128], out[128];
	char key[2][48]; /* [0] inline in ali-vpn1's end, [1] in azure-vpn1's key file */
};

/* Runs labctl with argv (no key ever goes here), output into c->out (0600).
 * Returns the exit status (-1 if it did not exit by itself) and the elapsed time. */
static int run_labctl(struct ctx *c, char *const args[], int64_t *took)
{
	int64_t t0 = mono_ns();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(c->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execv(c->labctl, args);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (mono_ns() - t0 > KILL_NS) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			*took = mono_ns() - t0;
			return -1;
		}
		sleep_ns(10 * NS_PER_MS);
	}
	*took = mono_ns() - t0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *n)
{
	char *text = NULL;
	size_t len = 0;
	if (read_file(path, &text, &len) < 0)
		return NULL;
	if (n)
		*n = len;
	return text;
}

static bool has_key(const struct ctx *c, const char *buf, size_t n)
{
	for (int k = 0; k < 2; k++)
		if (buf && memmem(buf, n, c->key[k], strlen(c->key[k])))
			return true;
	return false;
}

/* dual-tunnel.yaml with tun1's ends holding keys of their own. */
static int write_topology(struct ctx *c)
{
	char *text = slurp(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml", NULL), *out = NULL;
	if (!text)
		return -1;
	static const char *ends[2] = {"inside: 169.254.21.5/30}", "inside: 169.254.21.6/30}"};
	char *a0 = strstr(text, ends[0]), *a1 = strstr(text, ends[1]);
	int rc = -1;
	if (a0 && a1 && a0 < a1) {
		*a0 = *a1 = '\0';
		int n = asprintf(
		    &out,
		    "%sinside: 169.254.21.5/30, psk: %s}%sinside: 169.254.21.6/30, psk_file: %s}%s",
		    text, c->key[0], a0 + strlen(ends[0]), c->keyfile, a1 + strlen(ends[1]));
		if (n > 0)
			rc = write_file_atomic(c->topo, out, (size_t)n, 0600);
	}
	if (out)
		explicit_bzero(out, strlen(out));
	free(out);
	free(text);
	if (rc == 0) {
		char line[64];
		int n = snprintf(line, sizeof(line), "%s\n", c->key[1]);
		rc = write_file_atomic(c->keyfile, line, (size_t)n, 0600);
	}
	return rc;
}

/* Every regular file under dir: a key only in the lab's 0600 copy of the topology
 * (*allowed counts those), and never in a file others may read. */
static void scan_tree(const struct ctx *c, const char *dir, int *allowed, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "netns"))
			continue;
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			scan_tree(c, path, allowed, files);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		size_t n = 0;
		char *text = slurp(path, &n);
		(*files)++;
		if (text && has_key(c, text, n)) {
			bool copy = !strcmp(e->d_name, "topology.yaml") && !(st.st_mode & 077);
			bool ours = !strcmp(path, c->topo) || !strcmp(path, c->keyfile);
			if (!copy && !ours)
				fprintf(stderr, "a key is in %s (mode %o)\n", path,
				        st.st_mode & 0777);
			CHECK(copy || ours);
			CHECK(!(st.st_mode & 077));
			*allowed += copy;
		}
		if (text)
			explicit_bzero(text, n);
		free(text);
	}
	if (d)
		closedir(d);
}

/* No process carries a key in argv or environment; returns how many processes
 * belong to the lab (argv or environment naming its run directory). */
static int scan_procs(const struct ctx *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int ours = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == (int)getpid())
			continue;
		static const char *files[] = {"cmdline", "environ"};
		bool mine = false;
		for (int f = 0; f < 2; f++) {
			char path[300];
			size_t n = 0;
			snprintf(path, sizeof(path), "/proc/%s/%s", e->d_name, files[f]);
			char *text = slurp(path, &n);
			if (!text)
				continue;
			bool leak = has_key(c, text, n);
			if (leak)
				fprintf(stderr, "a key is in the %s of pid %s\n", files[f],
				        e->d_name);
			CHECK(!leak);
			mine |= memmem(text, n, c->root, strlen(c->root)) != NULL;
			free(text);
		}
		ours += mine;
	}
	if (d)
		closedir(d);
	return ours;
}

/* Network namespaces of the lab (<name>.<node>). */
static int count_netns(const struct ctx *c)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int n = 0;
	size_t len = strlen(c->name);
	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, c->name, len) && e->d_name[len] == '.';
	if (d)
		closedir(d);
	return n;
}

static bool journal_has(const struct ctx *c, const char *node, const char *what)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/%s/events.jsonl", c->root, c->name, node);
	char *text = slurp(path, NULL);
	bool yes = text && strstr(text, what) && strstr(text, "\"tunnel\":\"tun1\"");
	free(text);
	return yes;
}

static void scenario(struct ctx *c)
{
	int64_t took;
	char *up[] = {(char *)c->labctl, "up", c->topo, "--name", c->name, NULL};
	int rc = run_labctl(c, up, &took);
	size_t n = 0;
	char *msg = slurp(c->out, &n);
	printf("labctl up with mismatched keys on tun1: exit %d after %.2f s\n%s", rc,
	       (double)took / NS_PER_SEC, msg ? msg : "(no output)\n");
	CHECK(rc > 0); /* failed by itself, not killed */
	CHECK(took < UP_LIMIT_NS);
	CHECK(msg && strstr(msg, "tun1"));
	CHECK(msg && strstr(msg, "authentication failed"));
	CHECK(msg && strstr(msg, "labctl down"));
	CHECK(!has_key(c, msg, n));
	free(msg);

	/* the reason came from the plugin: both gateways journaled it */
	CHECK(journal_has(c, "ali-vpn1", "\"alert\":\"auth-failed\"") ||
	      journal_has(c, "ali-vpn1", "\"alert\":\"peer-auth-failed\""));
	CHECK(journal_has(c, "azure-vpn1", "\"alert\":\"peer-auth-failed\"") ||
	      journal_has(c, "azure-vpn1", "\"alert\":\"auth-failed\""));
	/* charon logged the exchange: the scan below looks at real logs */
	char log[PATH_MAX];
	struct stat st;
	snprintf(log, sizeof(log), "%s/%s/azure-vpn1/charon.log", c->root, c->name);
	CHECK(stat(log, &st) == 0 && st.st_size > 0);

	/* the lab is left as it was for inspection: look for the keys now */
	int procs = scan_procs(c);
	CHECK(procs >= 4); /* at least the four charons: the check can see the lab */
	int allowed = 0, files = 0;
	scan_tree(c, c->scratch, &allowed, &files); /* the run root is in it */
	CHECK_INT(allowed, 1);                      /* the inline key, in the lab's topology.yaml */
	CHECK(files > 10);
	scan_tree(c, "/dev/shm", &allowed, &files);
	scan_tree(c, "/run", &allowed, &files);
	CHECK_INT(count_netns(c), 9);

	char *down[] = {(char *)c->labctl, "down", c->name, NULL};
	rc = run_labctl(c, down, &took);
	msg = slurp(c->out, &n);
	printf("labctl down: exit %d after %.2f s: %s", rc, (double)took / NS_PER_SEC,
	       msg ? msg : "(no output)\n");
	CHECK_INT(rc, 0);
	CHECK(!has_key(c, msg, n));
	free(msg);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", c->root, c->name);
	CHECK(!path_exists(dir));
	CHECK_INT(count_netns(c), 0);
	CHECK_INT(scan_procs(c), 0);
}

static struct ctx *badkey_ctx;

/* On SIGTERM (meson's timeout) or SIGINT: the lab and the scratch directory go. */
static void badkey_cleanup(void)
{
	struct ctx *c = badkey_ctx;
	char cmd[PATH_MAX * 3];
	snprintf(cmd, sizeof(cmd), "LABCTL_RUN_DIR='%s' '%s' down %s >/dev/null 2>&1; rm -rf '%s'",
	         c->root, c->labctl, c->name, c->scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup: %s failed\n", cmd);
}

int main(int argc, char **argv)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN)");
	if (access("/usr/lib/ipsec/charon", X_OK) != 0)
		return check_skip("strongSwan's charon is not installed (scripts/setup)");
	if (argc < 2)
		return check_broken("usage: test-ipsec-badkey LABCTL (meson's test() passes it)");
	struct ctx c = {.labctl = argv[1]};
	int pid = (int)getpid();
	snprintf(c.scratch, sizeof(c.scratch), "/tmp/lcbk%d", pid);
	snprintf(c.root, sizeof(c.root), "%s/run", c.scratch);
	snprintf(c.name, sizeof(c.name), "ipk%d", pid);
	snprintf(c.topo, sizeof(c.topo), "%s/badkey.yaml", c.scratch);
	snprintf(c.keyfile, sizeof(c.keyfile), "%s/azure.key", c.scratch);
	snprintf(c.out, sizeof(c.out), "%s/labctl.out", c.scratch);
	/* distinct per run, so a leftover of another run cannot be mistaken for a leak */
	snprintf(c.key[0], sizeof(c.key[0]), "ali-side-key-%d-q7", pid);
	snprintf(c.key[1], sizeof(c.key[1]), "azure-side-key-%d-z3", pid);
	if (mkdir(c.scratch, 0700) < 0 || mkdir(c.root, 0700) < 0)
		return check_broken("cannot create %s: %s", c.scratch, strerror(errno));
	setenv("LABCTL_RUN_DIR", c.root, 1);
	badkey_ctx = &c;
	check_cleanup_on_signal(badkey_cleanup);
	CHECK(write_topology(&c) == 0);
	if (check_failures == 0)
		scenario(&c);
	/* whatever failed above: nothing stays (down is idempotent enough to repeat) */
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/%s", c.root, c.name);
	if (path_exists(dir) || count_netns(&c)) {
		int64_t took;
		char *down[] = {(char *)c.labctl, "down", c.name, NULL};
		run_labctl(&c, down, &took);
	}
	remove_tree(c.scratch);
	return check_done();
}
