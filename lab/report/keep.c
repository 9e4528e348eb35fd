#include "report/keep.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bgp_svc/bgp_svc.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/journal.h"
#include "run/run.h"
#include "topo/topo.h"

char *report_redact_psk(const char *text, size_t len)
{
	static const char repl[] = "\"redacted\"  # key removed by labctl down --keep";
	/* every line can at most grow by the replacement */
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	char *out = malloc(len + lines * sizeof(repl) + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t k = i;
		/* indentation and block-sequence dashes before the key */
		while (k < end && (text[k] == ' ' || text[k] == '\t' ||
		                   (text[k] == '-' && k + 1 < end && text[k + 1] == ' ')))
			k++;
		bool psk = end - k >= 4 && !memcmp(text + k, "psk:", 4);
		size_t keep = psk ? k + 4 : end;
		memcpy(out + o, text + i, keep - i);
		o += keep - i;
		if (psk) {
			out[o++] = ' ';
			memcpy(out + o, repl, sizeof(repl) - 1);
			o += sizeof(repl) - 1;
		}
		if (nl)
			out[o++] = '\n';
		i = end + 1;
	}
	out[o] = '\0';
	return out;
}

static int copy_file(const char *src, const char *dst)
{
	char *data = NULL;
	size_t n = 0;
	if (read_file(src, &data, &n) < 0)
		return -1;
	int rc = write_file_atomic(dst, data, n, 0600);
	free(data);
	return rc;
}

/* The redacted topology, written only if no key of the loaded model (tunnel's or
 * an end's) appears in it: a flow-style `{psk: ...}` the line rule misses leaves
 * the copy out. */
static int keep_topology(const struct run_lab *l, const char *dir, bool *kept)
{
	char src[PATH_MAX + 32], dst[PATH_MAX + 32];
	snprintf(src, sizeof(src), "%s/topology.yaml", l->dir);
	snprintf(dst, sizeof(dst), "%s/topology.yaml", dir);
	*kept = false;
	char *text = NULL;
	size_t n = 0;
	if (read_file(src, &text, &n) < 0) {
		lab_err_clear();
		return 0;
	}
	char *red = report_redact_psk(text, n);
	explicit_bzero(text, n);
	free(text);
	if (!red)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	bool clean = true;
	struct topo *t = NULL;
	struct topo_diags d = {0};
	if (topo_load(src, &t, &d) == 0) {
		for (size_t i = 0; i < t->n_tunnels; i++) {
			const struct topo_tunnel *tu = &t->tunnels[i];
			if (tu->psk && strstr(red, tu->psk))
				clean = false;
			/* each end's own key (or its copy of the tunnel's) */
			for (int e = 0; e < 2; e++)
				if (tu->end[e].psk && strstr(red, tu->end[e].psk))
					clean = false;
		}
		topo_free(t);
	}
	topo_diags_free(&d);
	lab_err_clear();
	int rc = 0;
	if (clean) {
		rc = write_file_atomic(dst, red, strlen(red), 0600);
		*kept = rc == 0;
	}
	free(red);
	return rc;
}

/* The state lines the report reads, under the lab's name. */
static int keep_state(const struct run_lab *l, const char *dir)
{
	char src[PATH_MAX + 16], dst[PATH_MAX + 16], *text = NULL;
	size_t n = 0;
	snprintf(src, sizeof(src), "%s/state", l->dir);
	snprintf(dst, sizeof(dst), "%s/state", dir);
	if (read_file(src, &text, &n) < 0)
		return -1;
	size_t cap = n + sizeof(l->name) + 16, o = 0;
	char *out = malloc(cap);
	if (!out) {
		free(text);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	o += (size_t)snprintf(out, cap, "lab %s\n", l->name);
	static const char *const keep[] = {"created ", "source ", "time-scale ", "override "};
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
			if (!strncmp(line, keep[k], strlen(keep[k])))
				o += (size_t)snprintf(out + o, cap - o, "%s\n", line);
	int rc = write_file_atomic(dst, out, o, 0600);
	free(out);
	free(text);
	/* The backend decides which mechanisms exist (a TUN that dies with charon). */
	snprintf(src, sizeof(src), "%s/ipsec.backend", l->dir);
	snprintf(dst, sizeof(dst), "%s/ipsec.backend", dir);
	if (rc == 0 && path_exists(src))
		rc = copy_file(src, dst);
	return rc;
}

static int keep_nodes(const struct run_lab *l, const char *dir, struct report_keep_stats *st)
{
	DIR *d = opendir(l->dir);
	if (!d)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "cannot read %s", l->dir);
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		char src[PATH_MAX + 300], dst[PATH_MAX + 300];
		if (de->d_name[0] == '.')
			continue;
		snprintf(src, sizeof(src), "%s/%s/%s", l->dir, de->d_name, JOURNAL_FILE);
		if (!path_exists(src))
			continue;
		snprintf(dst, sizeof(dst), "%s/%s", dir, de->d_name);
		if (mkdir_p(dst, 0700) < 0) {
			rc = -1;
			break;
		}
		snprintf(dst, sizeof(dst), "%s/%s/%s", dir, de->d_name, JOURNAL_FILE);
		if ((rc = copy_file(src, dst)) < 0)
			break;
		st->journals++;
		snprintf(src, sizeof(src), "%s/%s/bird.log", l->dir, de->d_name);
		if (!path_exists(src))
			continue;
		snprintf(dst, sizeof(dst), "%s/%s/bird.log", dir, de->d_name);
		if ((rc = copy_file(src, dst)) == 0)
			st->bird_logs++;
	}
	closedir(d);
	return rc;
}

static int check_dir(const char *dir, bool *created)
{
	struct stat sb;
	*created = false;
	if (stat(dir, &sb) < 0) {
		if (errno != ENOENT)
			return lab_err_errno(LAB_EXIT_USAGE, errno, "--keep %s", dir);
		*created = mkdir_p(dir, 0700) == 0;
		return *created ? 0 : -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return lab_err(
		    LAB_EXIT_USAGE,
		    "--keep %s: exists and is not a directory; expected a new or empty directory",
		    dir);
	DIR *d = opendir(dir);
	if (!d)
		return lab_err_errno(LAB_EXIT_USAGE, errno, "--keep %s", dir);
	struct dirent *de;
	bool empty = true;
	while ((de = readdir(d)))
		empty &= !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	if (!empty)
		return lab_err(LAB_EXIT_USAGE,
		               "--keep %s: directory is not empty; expected a new or empty "
		               "directory (a kept lab is never overwritten)",
		               dir);
	return chmod(dir, 0700) < 0 ? lab_err_errno(LAB_EXIT_FAIL, errno, "chmod %s", dir) : 0;
}

int report_keep(const char *lab, const char *dir, struct report_keep_stats *st)
{
	struct run_lab l;
	memset(st, 0, sizeof(*st));
	if (run_lab_open(lab, &l) < 0)
		return -1;
	bool created = false;
	int rc = check_dir(dir, &created);
	if (rc == 0) {
		/* BIRD's last log lines (a hold expiry) into the journals first, as
		 * `labctl report` does on a running lab. */
		struct topo *t = NULL;
		struct topo_diags d = {0};
		char path[PATH_MAX + 32];
		snprintf(path, sizeof(path), "%s/topology.yaml", l.dir);
		if (topo_load(path, &t, &d) == 0 && bgp_svc_bird_logs_sync(&l, t) < 0)
			lab_err_clear();
		topo_free(t);
		topo_diags_free(&d);
		lab_err_clear();
		rc = keep_state(&l, dir);
	}
	if (rc == 0)
		rc = keep_nodes(&l, dir, st);
	if (rc == 0)
		rc = keep_topology(&l, dir, &st->topology);
	if (rc == 0 && st->journals == 0)
		rc = lab_err(LAB_EXIT_FAIL, "lab %s has no journal to keep (under %s)", lab, l.dir);
	/* a half-kept lab is no record: what we made goes (the lab itself stays) */
	if (rc < 0 && created)
		remove_tree(dir);
	run_lab_close(&l);
	return rc;
}
