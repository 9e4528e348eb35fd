/* Fault bookkeeping: parse, validate, record before changing, journal, heal. */
#include "fault/fault.h"

#include <dirent.h>
#include <errno.h>
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
#include "fault/fault_int.h"

static const char *const kind_names[FAULT_NKINDS] = {
    [FAULT_IKE_MISMATCH] = "ike-mismatch",
    [FAULT_BLACKHOLE] = "blackhole",
    [FAULT_LINK_DOWN] = "link-down",
    [FAULT_KILL] = "kill",
    [FAULT_LOSS] = "loss",
    [FAULT_DELAY] = "delay",
};

static const struct fault_ops *const kind_ops[FAULT_NKINDS] = {
    [FAULT_IKE_MISMATCH] = &fault_ops_ike,    [FAULT_BLACKHOLE] = &fault_ops_blackhole,
    [FAULT_LINK_DOWN] = &fault_ops_link_down, [FAULT_KILL] = &fault_ops_kill,
    [FAULT_LOSS] = &fault_ops_loss,           [FAULT_DELAY] = &fault_ops_delay,
};

const char *fault_kind_name(enum fault_kind k)
{
	return k < FAULT_NKINDS ? kind_names[k] : "?";
}

bool fault_kind_grey(enum fault_kind k)
{
	return k == FAULT_LOSS || k == FAULT_DELAY;
}

static int kind_of(const char *s)
{
	for (int k = 0; k < FAULT_NKINDS; k++)
		if (!strcmp(s, kind_names[k]))
			return k;
	return -1;
}

int fault_req_parse(int argc, char **argv, struct fault_req *r, int *used)
{
	memset(r, 0, sizeof(*r));
	if (argc < 1)
		return lab_err(LAB_EXIT_USAGE, "missing fault KIND: ike-mismatch, blackhole, "
		                               "link-down, kill, loss P%%, delay MS");
	int k = kind_of(argv[0]);
	if (k < 0)
		return lab_err(LAB_EXIT_USAGE,
		               "unknown fault kind '%s'; expected ike-mismatch, "
		               "blackhole, link-down, kill, loss P%%, delay MS",
		               argv[0]);
	r->kind = (enum fault_kind)k;
	int n = 1;
	if (k == FAULT_LOSS || k == FAULT_DELAY) {
		if (argc < 2)
			return lab_err(LAB_EXIT_USAGE, "%s needs %s before the target", argv[0],
			               k == FAULT_LOSS ? "a percentage (loss 5% TUNNEL)"
			                               : "milliseconds (delay 50 TUNNEL)");
		char *end;
		r->param = strtod(argv[1], &end);
		bool pct = k == FAULT_LOSS && *end == '%' && end[1] == '\0';
		if (end == argv[1] || (*end && !pct) ||
		    (k == FAULT_LOSS ? !(r->param > 0 && r->param <= 100)
		                     : !(r->param > 0 && r->param <= 60000)))
			return lab_err(LAB_EXIT_USAGE, "%s '%s': expected %s", argv[0], argv[1],
			               k == FAULT_LOSS ? "a percentage in (0, 100], e.g. 5%"
			                               : "milliseconds in (0, 60000]");
		n = 2;
	}
	if (argc < n + 1)
		return lab_err(LAB_EXIT_USAGE, "%s needs a TARGET (%s)", argv[0],
		               k == FAULT_LINK_DOWN ? "a gateway node"
		               : k == FAULT_KILL    ? "NODE or NODE:charon|bgpd|bird"
		                                    : "a tunnel name");
	if (strlen(argv[n]) >= sizeof(r->target))
		return lab_err(LAB_EXIT_USAGE, "target '%s' is too long", argv[n]);
	strcpy(r->target, argv[n]);
	*used = n + 1;
	return 0;
}

/* ---- records ---- */

static void faults_dir(const struct lab_view *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s/faults", v->run.dir);
}

static int rec_save(const struct fault_rec *r)
{
	char text[4096];
	int n = snprintf(text, sizeof(text),
	                 "kind %s\ntarget %s\njnode %s\ntunnel %s\nns_node %s\nobject %s\n"
	                 "side %d\nparam %.17g\ndetail %s\n",
	                 r->kind, r->target, r->jnode, r->tunnel, r->ns_node, r->object, r->side,
	                 r->param, r->detail);
	if (n < 0 || (size_t)n >= sizeof(text))
		return lab_err(LAB_EXIT_FAIL, "fault record too long");
	if (write_file_atomic(r->file, text, (size_t)n, 0600) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "writing %s", r->file);
	return 0;
}

static void field(const char *line, const char *key, char *dst, size_t len)
{
	size_t k = strlen(key);
	if (!strncmp(line, key, k) && line[k] == ' ')
		snprintf(dst, len, "%s", line + k + 1);
}

static int rec_load(const char *path, struct fault_rec *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->file, sizeof(r->file), "%s", path);
	char *text;
	size_t len;
	if (read_file(path, &text, &len) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "reading %s", path);
	char num[64] = "";
	char side[16] = "";
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		field(l, "kind", r->kind, sizeof(r->kind));
		field(l, "target", r->target, sizeof(r->target));
		field(l, "jnode", r->jnode, sizeof(r->jnode));
		field(l, "tunnel", r->tunnel, sizeof(r->tunnel));
		field(l, "ns_node", r->ns_node, sizeof(r->ns_node));
		field(l, "object", r->object, sizeof(r->object));
		field(l, "side", side, sizeof(side));
		field(l, "param", num, sizeof(num));
		field(l, "detail", r->detail, sizeof(r->detail));
	}
	free(text);
	r->side = atoi(side);
	r->param = atof(num);
	if (!r->kind[0] || kind_of(r->kind) < 0)
		return lab_err(LAB_EXIT_FAIL, "%s is not a fault record", path);
	return 0;
}

static int cmp_rev(const void *a, const void *b)
{
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

/* Record files, newest first. */
static int rec_list(const struct lab_view *v, char ***out, size_t *n)
{
	char dir[PATH_MAX + 16];
	faults_dir(v, dir, sizeof(dir));
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s", dir);
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp"))
			continue;
		char **nv = realloc(*out, (*n + 1) * sizeof(*nv));
		if (!nv) {
			rc = lab_err(LAB_EXIT_FAIL, "out of memory");
			break;
		}
		*out = nv;
		if (asprintf(&nv[*n], "%s/%s", dir, de->d_name) < 0) {
			rc = lab_err(LAB_EXIT_FAIL, "out of memory");
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_rev);
	return rc;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

size_t fault_active_count(const struct lab_view *v)
{
	char **files;
	size_t n;
	if (rec_list(v, &files, &n) < 0) {
		lab_err_clear();
		return 0;
	}
	free_list(files, n);
	return n;
}

static void journal(const struct lab_view *v, const struct fault_rec *r, const char *ev, int64_t t)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s/%s", v->run.dir, r->jnode, JOURNAL_FILE);
	int fd = journal_open(path);
	if (fd < 0) {
		fprintf(stderr, "labctl: warning: cannot journal fault %s: %s\n", ev,
		        strerror(errno));
		return;
	}
	struct json j;
	json_init(&j);
	journal_begin(&j, t, "fault", ev);
	json_kv_str(&j, "kind", r->kind);
	json_kv_str(&j, "target", r->target);
	if (r->tunnel[0])
		json_kv_str(&j, "tunnel", r->tunnel);
	/* loss: percent, delay: ms; the report's loss model reads it */
	if (!strcmp(r->kind, "loss") || !strcmp(r->kind, "delay"))
		json_kv_double(&j, "param", r->param);
	json_kv_str(&j, "detail", r->detail);
	journal_write(fd, &j);
	json_free(&j);
	close(fd);
}

static void info_of(const struct fault_rec *r, int64_t t, struct fault_info *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->kind, sizeof(f->kind), "%s", r->kind);
	snprintf(f->target, sizeof(f->target), "%s", r->target);
	snprintf(f->tunnel, sizeof(f->tunnel), "%s", r->tunnel);
	snprintf(f->node, sizeof(f->node), "%s", r->jnode);
	snprintf(f->detail, sizeof(f->detail), "%s", r->detail);
	f->param = r->param;
	f->t_ns = t;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	f->wall_ns = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int fault_inject(struct lab_view *v, const struct fault_req *r, char *detail, size_t dlen)
{
	struct fault_info f;
	if (fault_inject_info(v, r, &f) < 0)
		return -1;
	if (detail)
		snprintf(detail, dlen, "%s", f.detail);
	return 0;
}

int fault_inject_info(struct lab_view *v, const struct fault_req *r, struct fault_info *info)
{
	if (!v->topo)
		return lab_err(LAB_EXIT_FAIL,
		               "lab %s: its topology (%s/topology.yaml) does not load; "
		               "cannot resolve fault targets",
		               v->run.name, v->run.dir);
	struct fault_rec rec;
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.kind, sizeof(rec.kind), "%s", fault_kind_name(r->kind));
	snprintf(rec.target, sizeof(rec.target), "%s", r->target);
	rec.param = r->param;
	const struct fault_ops *ops = kind_ops[r->kind];
	if (ops->plan(v, r, &rec) < 0)
		return -1;

	/* One fault per target and kind: a second would make heal ambiguous. */
	char **files;
	size_t n;
	if (rec_list(v, &files, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct fault_rec old;
		if (rec_load(files[i], &old) == 0 && !strcmp(old.kind, rec.kind) &&
		    !strcmp(old.target, rec.target)) {
			free_list(files, n);
			return lab_err(LAB_EXIT_USAGE,
			               "fault %s on %s is already active; "
			               "`labctl heal %s %s` first",
			               rec.kind, rec.target, v->run.name, rec.target);
		}
		lab_err_clear();
	}
	free_list(files, n);

	char dir[PATH_MAX + 16];
	faults_dir(v, dir, sizeof(dir));
	if (mkdir_p(dir, 0700) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", dir);
	snprintf(rec.file, sizeof(rec.file), "%s/%020lld-%s", dir, (long long)mono_ns(), rec.kind);
	if (rec_save(&rec) < 0)
		return -1;
	/* Stamped when the change begins: its first effects (an SA deleted) may be
	 * journaled by others before apply returns. */
	int64_t t = mono_ns();
	struct fault_info f;
	info_of(&rec, t, &f); /* the wall clock read next to t */
	if (ops->apply(v, &rec) < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", lab_err_msg());
		enum lab_exit code = lab_err_code();
		ops->undo(v, &rec); /* whatever part was done */
		lab_err_clear();
		unlink(rec.file);
		return lab_err(code, "%s", msg);
	}
	rec_save(&rec); /* apply may have refined the detail */
	journal(v, &rec, "inject", t);
	if (info) {
		*info = f;
		snprintf(info->detail, sizeof(info->detail), "%s", rec.detail);
	}
	return 0;
}

int fault_heal(struct lab_view *v, const char *target, size_t *healed)
{
	return fault_heal_each(v, target, healed, NULL, NULL);
}

int fault_heal_each(struct lab_view *v, const char *target, size_t *healed,
                    void (*each)(const struct fault_info *f, void *arg), void *arg)
{
	*healed = 0;
	char **files;
	size_t n;
	if (rec_list(v, &files, &n) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct fault_rec rec;
		if (rec_load(files[i], &rec) < 0) {
			rc = -1;
			break;
		}
		/* A target names the fault's own target, its tunnel, or (kill NODE:WHAT)
		 * its node. */
		size_t nl = strcspn(rec.target, ":");
		bool node_match =
		    target && strlen(target) == nl && !strncmp(rec.target, target, nl);
		if (target && strcmp(rec.target, target) && strcmp(rec.tunnel, target) &&
		    !node_match)
			continue;
		const struct fault_ops *ops = kind_ops[kind_of(rec.kind)];
		int64_t t = mono_ns();
		struct fault_info f;
		info_of(&rec, t, &f);
		if (ops->undo(v, &rec) < 0) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", lab_err_msg());
			rc =
			    lab_err(lab_err_code(), "healing %s on %s: %s (the record stays in %s)",
			            rec.kind, rec.target, msg, rec.file);
			break;
		}
		journal(v, &rec, "heal", t);
		unlink(rec.file);
		(*healed)++;
		if (each)
			each(&f, arg);
	}
	free_list(files, n);
	return rc;
}
