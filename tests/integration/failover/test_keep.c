/* Reports after the fact: a short failover at time scale 0.1, `labctl down LAB
 * --keep DIR`, then `labctl report --dir DIR` gives the same measured outage (and
 * predictions) as the failover printed, from a directory that holds no key, while
 * the lab itself is gone. A --keep into a non-empty directory fails (exit 2) and
 * leaves the lab alone. A series interrupted after its first run still writes the
 * report of what it measured, and exits non-zero. */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/json_read.h"
#include "lab_fixture.h"
#include "topo/topo.h"

static struct json_object *load_json(const char *path)
{
	struct json_object *t = json_parse_file(path);
	if (!t) {
		fprintf(stderr, "%s\n", lab_err_msg());
		lab_err_clear();
	}
	return t;
}

static const struct json_object *first_run(const struct json_object *rep)
{
	struct json_object *runs = json_get(rep, "runs");
	return json_object_is_type(runs, json_type_array) && json_object_array_length(runs) >= 1
	           ? json_object_array_get_idx(runs, 0)
	           : NULL;
}

/* Every file 0600 and directory 0700 under dir; no file contains key. */
static void check_tree(const char *dir, const char *key)
{
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char p[1024];
		struct stat sb;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		CHECK(lstat(p, &sb) == 0);
		if (S_ISDIR(sb.st_mode)) {
			CHECK_INT(sb.st_mode & 07777, 0700);
			check_tree(p, key);
			continue;
		}
		CHECK(S_ISREG(sb.st_mode));
		if ((sb.st_mode & 07777) != 0600)
			fprintf(stderr, "%s: mode %04o\n", p, sb.st_mode & 07777);
		CHECK_INT(sb.st_mode & 07777, 0600);
		char *text = NULL;
		size_t n;
		CHECK(read_file(p, &text, &n) == 0);
		if (text && key && strstr(text, key))
			fprintf(stderr, "%s holds the pre-shared key\n", p);
		CHECK(!text || !key || !strstr(text, key));
		free(text);
	}
	closedir(d);
}

/* `failover --runs 20` stopped by SIGINT once its second run has begun: exit 1,
 * "interrupted", and the JSON report of the first run (a whole run, measured). */
static void interrupted_series(struct fixture *f, const char *json_path)
{
	char log[320];
	snprintf(log, sizeof(log), "%s.series.log", f->root);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		setenv("LABCTL_RUN_DIR", f->root, 1);
		execl(f->labctl, f->labctl, "failover", f->lab, "--runs", "20", "--json", json_path,
		      (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	bool second = false;
	for (int i = 0; i < 1200 && !second; i++) { /* 120 s */
		char *text = NULL;
		size_t n;
		if (read_file(log, &text, &n) == 0)
			second = text && strstr(text, "run 2: ");
		free(text);
		if (!second)
			usleep(100 * 1000);
	}
	CHECK(second);
	kill(pid, SIGINT);
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	char *text = NULL;
	size_t n;
	CHECK(read_file(log, &text, &n) == 0 && text && strstr(text, "interrupted") &&
	      strstr(text, "the report below covers the runs until then"));
	if (check_failures)
		fprintf(stderr, "--- interrupted series\n%s\n", text ? text : "(no log)");
	free(text);
	struct json_object *rep = load_json(json_path);
	const struct json_object *r1 = first_run(rep);
	double rtt = -1;
	CHECK(r1 && json_get_num(json_get(r1, "measured_s"), "rtt", &rtt) && rtt > 0);
	json_object_put(rep);
	unlink(log);
}

static bool netns_left(const char *lab)
{
	DIR *d = opendir("/run/netns");
	bool left = false;
	struct dirent *de;
	size_t n = strlen(lab);
	while (d && (de = readdir(d)))
		left |= !strncmp(de->d_name, lab, n) && de->d_name[n] == '.';
	if (d)
		closedir(d);
	return left;
}

int main(int argc, char **argv)
{
	if (argc < 2) /* the meson test() line passes it */
		return check_broken("usage: test-failover-keep PATH/labctl");
	int pre = fx_prereq(false);
	if (pre)
		return pre;
	struct fixture f;
	int r = fx_up(&f, argv[1], "dual-tunnel", "fokp", 0.1);
	if (r < 0)
		return 1;
	/* outside the run root: a directory there would look like a lab */
	char keep[300], full[300], fo[300], rep[300], labdir[400], key[300] = "";
	snprintf(keep, sizeof(keep), "%s.kept", f.root);
	snprintf(full, sizeof(full), "%s.full", f.root);
	snprintf(fo, sizeof(fo), "%s.failover.json", f.root);
	snprintf(rep, sizeof(rep), "%s.report.json", f.root);
	snprintf(labdir, sizeof(labdir), "%s/%s", f.root, f.lab);
	remove_tree(keep);
	remove_tree(full);

	/* the key, to look for it in the kept files */
	struct topo *t = NULL;
	struct topo_diags diags = {0};
	char topo_path[500];
	snprintf(topo_path, sizeof(topo_path), "%s/topology.yaml", labdir);
	if (topo_load(topo_path, &t, &diags) == 0 && t->n_tunnels && t->tunnels[0].psk)
		snprintf(key, sizeof(key), "%s", t->tunnels[0].psk);
	topo_free(t);
	topo_diags_free(&diags);
	CHECK(key[0] != '\0');

	CHECK_INT(fx_labctl(&f, "failover %s --runs 1 --json %s", f.lab, fo), 0);
	char series[320];
	snprintf(series, sizeof(series), "%s.series.json", f.root);
	interrupted_series(&f, series);
	unlink(series);

	/* a non-empty --keep directory: refused, the lab stays */
	CHECK(mkdir_p(full, 0700) == 0);
	char stray[400];
	snprintf(stray, sizeof(stray), "%s/x", full);
	CHECK(write_file_atomic(stray, "x", 1, 0600) == 0);
	CHECK_INT(fx_labctl(&f, "down %s --keep %s", f.lab, full), 2);
	CHECK(path_exists(labdir));
	CHECK(netns_left(f.lab));

	CHECK_INT(fx_labctl(&f, "down %s --keep %s", f.lab, keep), 0);
	/* down --keep still removes everything of the lab */
	CHECK(!path_exists(labdir));
	CHECK(!netns_left(f.lab));
	check_tree(keep, key[0] ? key : NULL);
	struct stat sb;
	CHECK(stat(keep, &sb) == 0 && (sb.st_mode & 07777) == 0700);

	CHECK_INT(fx_labctl(&f, "report --dir %s --json %s", keep, rep), 0);
	struct json_object *a = load_json(fo), *b = load_json(rep);
	const struct json_object *ra = first_run(a), *rb = first_run(b);
	CHECK(ra != NULL && rb != NULL);
	if (ra && rb) {
		static const char *const dirs[] = {"fwd", "rev", "rtt"};
		const struct json_object *ma = json_get(ra, "measured_s"),
		                         *mb = json_get(rb, "measured_s");
		for (size_t d = 0; d < 3; d++) {
			double x = -1, y = -2;
			CHECK(json_get_num(ma, dirs[d], &x));
			CHECK(json_get_num(mb, dirs[d], &y));
			fprintf(stderr, "%s: failover %.3f s, report --dir %.3f s\n", dirs[d], x,
			        y);
			CHECK(x == y);
			CHECK(x > 0);
		}
		/* the kept topology (keys redacted) still gives the predictions */
		CHECK(json_object_is_type(json_get(ra, "predicted"), json_type_object));
		CHECK(json_object_is_type(json_get(rb, "predicted"), json_type_object));
		CHECK_STR(json_get_str(ra, "mechanism"), json_get_str(rb, "mechanism"));
		CHECK_STR(json_get_str(b, "lab"), f.lab);
	}
	json_object_put(a);
	json_object_put(b);

	fx_show_if_failed(&f, check_failures);
	fx_down(&f);
	remove_tree(keep);
	remove_tree(full);
	unlink(fo);
	unlink(rep);
	return check_done();
}
