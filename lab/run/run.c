/* The lab directory, its intent log, node directories and node journals. */
#include "run/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/journal.h"
#include "common/json.h"

const char *run_root(void)
{
	const char *r = getenv("LABCTL_RUN_DIR");
	return r && r[0] == '/' ? r : RUN_ROOT_DEFAULT;
}

int run_lab_name_check(const char *lab)
{
	size_t n = strlen(lab);
	if (n == 0 || n > RUN_LAB_NAME_USER_MAX)
		return lab_err(LAB_EXIT_USAGE, "lab name '%s' has %zu characters; expected 1 to %d",
		               lab, n, RUN_LAB_NAME_USER_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = lab[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
		if (!ok)
			return lab_err(LAB_EXIT_USAGE,
			               "lab name '%s': character %zu ('%c') is not allowed; use "
			               "lower-case letters, digits and '-' (not first)",
			               lab, i + 1, c);
	}
	return 0;
}

static int lab_paths(const char *lab, struct run_lab *out)
{
	if (run_lab_name_check(lab) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->state_fd = -1;
	snprintf(out->name, sizeof(out->name), "%s", lab);
	if (snprintf(out->dir, sizeof(out->dir), "%s/%s", run_root(), lab) >= (int)sizeof(out->dir))
		return lab_err(LAB_EXIT_USAGE, "run directory path too long");
	return 0;
}

static int open_state(struct run_lab *l, int flags)
{
	char path[PATH_MAX + 8];
	snprintf(path, sizeof(path), "%s/state", l->dir);
	l->state_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | flags, 0600);
	if (l->state_fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s", path);
	return 0;
}

/* Whether the `up` that made a hidden directory still runs: by the pid and start
 * time its state records; before that line is written, by the pid in the name. */
static bool creator_alive(const char *dir, pid_t named)
{
	char path[PATH_MAX + 8], *buf;
	snprintf(path, sizeof(path), "%s/state", dir);
	bool recorded = false, alive = false;
	if (read_file(path, &buf, NULL) == 0) {
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			int pid;
			uint64_t start;
			if (sscanf(line, "up %d %" SCNu64, &pid, &start) == 2) {
				recorded = true;
				alive = run_pid_alive(pid, start);
			}
		}
		free(buf);
	}
	if (recorded)
		return alive;
	return named > 0 && (named == getpid() || kill(named, 0) == 0 || errno != ESRCH);
}

size_t run_sweep_abandoned(const char *lab)
{
	DIR *d = opendir(run_root());
	if (!d)
		return 0;
	char prefix[RUN_LAB_NAME_MAX + 16] = ".";
	if (lab)
		snprintf(prefix, sizeof(prefix), ".%s.creating.", lab);
	size_t removed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) || !strstr(e->d_name, ".creating."))
			continue;
		char dir[PATH_MAX];
		if (snprintf(dir, sizeof(dir), "%s/%s", run_root(), e->d_name) >= (int)sizeof(dir))
			continue;
		if (creator_alive(dir, (pid_t)atoi(strrchr(e->d_name, '.') + 1)))
			continue;
		if (remove_tree(dir) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

int run_lab_create(const char *lab, struct run_lab *out)
{
	if (lab_paths(lab, out) < 0)
		return -1;
	if (mkdir_p(run_root(), 0755) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", run_root());
	/* The directory appears under its name only with its state already naming this
	 * `up` (built under a hidden name, then renamed into place): a `down` racing
	 * with `up` either finds no lab or finds the process to stop first. Were the
	 * name visible before the "up" line, a `down` in between would remove the
	 * directory and leave `up` building a lab that has no record. */
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.creating.%d", run_root(), lab, (int)getpid()) >=
	    (int)sizeof(tmp))
		return lab_err(LAB_EXIT_USAGE, "run directory path too long");
	remove_tree(tmp); /* a leftover of an earlier `up` with this pid */
	run_sweep_abandoned(lab);
	if (mkdir(tmp, 0700) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", tmp);
	char path[PATH_MAX + 8];
	snprintf(path, sizeof(path), "%s/state", tmp);
	out->state_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_CREAT | O_EXCL, 0600);
	if (out->state_fd < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s", path);
		goto fail;
	}
	if (chmod(tmp, 0700) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "chmod %s", tmp);
		goto fail;
	}
	if (run_record(out, "created %lld", (long long)time(NULL)) < 0 ||
	    run_record(out, "up %d %" PRIu64, (int)getpid(), run_pid_starttime(getpid())) < 0)
		goto fail;
	run_test_hook("lab-hidden");
	/* NOREPLACE is the lock: two `up`s of one lab cannot both get past it. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out->dir, RENAME_NOREPLACE) < 0) {
		int e = errno;
		if (e == EEXIST)
			lab_err(LAB_EXIT_FAIL,
			        "lab '%s' exists (%s); `labctl down %s` removes it, or "
			        "choose another name with --name",
			        lab, out->dir, lab);
		else
			lab_err_errno(LAB_EXIT_FAIL, e, "renaming %s to %s", tmp, out->dir);
		goto fail;
	}
	return 0;
fail:
	if (out->state_fd >= 0)
		close(out->state_fd);
	out->state_fd = -1;
	remove_tree(tmp);
	return -1;
}

int run_lab_open(const char *lab, struct run_lab *out)
{
	if (lab_paths(lab, out) < 0)
		return -1;
	struct stat st;
	if (stat(out->dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return lab_err(LAB_EXIT_FAIL, "no lab named '%s' (no %s); `labctl list` shows labs",
		               lab, out->dir);
	/* Read-only callers (status of a half-created lab) manage without the log. */
	if (open_state(out, 0) < 0)
		lab_err_clear();
	return 0;
}

void run_lab_close(struct run_lab *l)
{
	if (l->state_fd >= 0)
		close(l->state_fd);
	l->state_fd = -1;
}

int run_record(struct run_lab *l, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		return lab_err(LAB_EXIT_FAIL, "state line too long");
	line[n++] = '\n';
	if (l->state_fd < 0)
		return lab_err(LAB_EXIT_FAIL, "state file of lab '%s' is not open for writing",
		               l->name);
	/* One write on an O_APPEND descriptor: a line is either there whole or not. */
	if (write(l->state_fd, line, (size_t)n) != n)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s/state", l->dir);
	return 0;
}

int run_node_dir(const struct run_lab *l, const char *node, char *buf, size_t len)
{
	if (!node[0] || strchr(node, '/') || node[0] == '.')
		return lab_err(LAB_EXIT_USAGE, "invalid node name '%s'", node);
	if (snprintf(buf, len, "%s/%s", l->dir, node) >= (int)len)
		return lab_err(LAB_EXIT_USAGE, "node directory path too long");
	return 0;
}

int run_node_mkdir(const struct run_lab *l, const char *node)
{
	char dir[PATH_MAX], run[PATH_MAX + 8];
	if (run_node_dir(l, node, dir, sizeof(dir)) < 0)
		return -1;
	snprintf(run, sizeof(run), "%s/run", dir);
	if (mkdir_p(run, 0700) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", run);
	return 0;
}

void run_netns_name(const char *lab, const char *node, char *buf, size_t len)
{
	snprintf(buf, len, "%s.%s", lab, node);
}

int run_journal(const struct run_lab *l, const char *node, const char *ev,
                void (*fields)(struct json *j, void *arg), void *arg)
{
	char path[PATH_MAX];
	if (run_node_dir(l, node, path, sizeof(path)) < 0)
		return -1;
	strncat(path, "/" JOURNAL_FILE, sizeof(path) - strlen(path) - 1);
	int fd = journal_open(path);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "opening journal %s", path);
	struct json j;
	json_init(&j);
	journal_begin(&j, mono_ns(), "lab", ev);
	if (fields)
		fields(&j, arg);
	int rc = journal_write(fd, &j);
	json_free(&j);
	close(fd);
	if (rc < 0)
		return lab_err(LAB_EXIT_FAIL, "writing journal %s", path);
	return 0;
}

int run_lab_list(char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(run_root());
	if (!d)
		return errno == ENOENT
		           ? 0
		           : lab_err_errno(LAB_EXIT_FAIL, errno, "reading %s", run_root());
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= RUN_LAB_NAME_MAX)
			continue;
		char **nv = realloc(*names, (*n + 1) * sizeof(*nv));
		char *s = strdup(e->d_name);
		if (!nv || !s) {
			free(s);
			if (nv)
				*names = nv;
			rc = lab_err(LAB_EXIT_FAIL, "out of memory");
			break;
		}
		*names = nv;
		(*names)[(*n)++] = s;
	}
	closedir(d);
	return rc;
}

void run_test_hook(const char *step)
{
	const char *want = getenv("LABCTL_TEST_DIE_AFTER");
	if (want && !strcmp(want, step))
		_exit(99);
}
