/* A private lab for the failover tests: its own run root (LABCTL_RUN_DIR) and a
 * unique name, brought up with labctl itself and always taken down. */
#ifndef LAB_TESTS_FAILOVER_FIXTURE_H
#define LAB_TESTS_FAILOVER_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fsutil.h"

struct fixture {
	const char *labctl;
	char root[256];
	char lab[32];
	char log[320];
	bool up;
};

/* Runs labctl with the fixture's run root; output appended to the fixture log.
 * Returns labctl's exit code (or -1). */
static inline int fx_labctl(struct fixture *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int fx_labctl(struct fixture *f, const char *fmt, ...)
{
	char args[1024], cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "LABCTL_RUN_DIR='%s' '%s' %s >>'%s' 2>&1", f->root, f->labctl,
		 args, f->log);
	int r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static inline void fx_show_log(struct fixture *f)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "tail -n 60 '%s' >&2", f->log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
}

/* 0 up, 77 skip (the lab cannot come up here: reason printed), -1 error. */
static inline int fx_up(struct fixture *f, const char *labctl, const char *topology,
			const char *tag, double scale)
{
	memset(f, 0, sizeof(*f));
	f->labctl = labctl;
	snprintf(f->root, sizeof(f->root), "/tmp/labctl-test-%s.%d", tag, (int)getpid());
	snprintf(f->lab, sizeof(f->lab), "%s%d", tag, (int)getpid() % 100000);
	snprintf(f->log, sizeof(f->log), "%s.log", f->root);
	remove_tree(f->root);
	unlink(f->log);
	if (mkdir_p(f->root, 0700) < 0)
		return -1;
	setenv("LABCTL_RUN_DIR", f->root, 1);
	int rc = fx_labctl(f, "up %s --name %s --time-scale %g", topology, f->lab, scale);
	if (rc != 0) {
		fx_show_log(f);
		fx_labctl(f, "down %s", f->lab);
		return 77;
	}
	f->up = true;
	return 0;
}

static inline void fx_down(struct fixture *f)
{
	if (f->lab[0])
		fx_labctl(f, "down %s", f->lab);
	remove_tree(f->root);
	unlink(f->log);
	f->up = false;
}

#endif
