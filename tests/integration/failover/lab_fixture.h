/* A private lab for the failover tests: its own run root (LABCTL_RUN_DIR) and a
 * unique name, brought up with labctl itself and always taken down.
 *
 * What the machine must have is checked first (fx_prereq) and is the only reason
 * to skip. Once that is there, a lab that does not come up is the product failing:
 * fx_up prints labctl's output and the daemons' logs, takes the lab down and the
 * test fails. */
#ifndef LAB_TESTS_FAILOVER_FIXTURE_H
#define LAB_TESTS_FAILOVER_FIXTURE_H

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../check.h"
#include "common/err.h"
#include "common/fsutil.h"
#ifdef LABCTL_HAVE_IPSEC
#include "ipsec/backend.h"
#endif

struct fixture {
	const char *labctl;
	char root[256];
	char lab[32];
	char log[320];
	bool up;
};

/* The machine prerequisites of a dual-tunnel lab, checked before trying. 0: all
 * there; 77: one is missing, named (return it: the test is skipped); 1: the check
 * itself failed where it cannot lack anything (return it: the test fails).
 * need_nft: the test injects faults that use nftables. */
static inline int fx_prereq(bool need_nft)
{
	if (geteuid() != 0)
		return check_skip("needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN)");
	if (access("/usr/lib/ipsec/charon", X_OK) != 0)
		return check_skip(
		    "strongSwan's charon (/usr/lib/ipsec/charon) is not installed (scripts/setup)");
	if (system("command -v bird >/dev/null 2>&1") != 0)
		return check_skip("BIRD 2 (bird) is not installed (scripts/setup)");
	if (need_nft && system("command -v nft >/dev/null 2>&1") != 0)
		return check_skip("nft (nftables) is not installed (scripts/setup)");
#ifdef LABCTL_HAVE_IPSEC
	/* the probe and the choice labctl up makes for the topology's ipsec_backend: auto */
	struct ipsec_kernel_caps caps;
	enum ipsec_backend b;
	if (ipsec_probe_kernel(&caps) < 0) /* as root it lacks no privilege */
		return check_broken("probing the kernel's IPsec support: %s", lab_err_msg());
	if (ipsec_backend_choose("auto", &caps, &b) < 0) {
		char why[600];
		snprintf(why, sizeof(why), "the kernel can run no IPsec backend: %s",
		         lab_err_msg());
		lab_err_clear();
		return check_skip(why);
	}
	return 0;
#else
	/* a build configuration, not the machine: labctl cannot do what the test is for */
	return check_broken(
	    "labctl was built without the strongSwan headers (scripts/setup puts them in .deps)");
#endif
}

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
	fprintf(stderr, "--- labctl output (last 60 lines of %s)\n", f->log);
	snprintf(cmd, sizeof(cmd), "tail -n 60 '%s' >&2", f->log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
}

/* The tail of every daemon log the lab left in its run directory (charon.log,
 * bird.log, bird.out, bgpd.log per node), so a failure shows why. */
static inline void fx_show_daemon_logs(struct fixture *f)
{
	char labdir[400];
	snprintf(labdir, sizeof(labdir), "%s/%s", f->root, f->lab);
	DIR *d = opendir(labdir);
	if (!d) {
		fprintf(stderr, "(no run directory %s: no daemon logs)\n", labdir);
		return;
	}
	static const char *const logs[] = {"charon.log", "bgpd.log", "bird.log", "bird.out"};
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
			char p[700], cmd[800];
			snprintf(p, sizeof(p), "%s/%s/%s", labdir, de->d_name, logs[i]);
			if (!path_exists(p))
				continue;
			fprintf(stderr, "--- %s/%s (last 15 lines)\n", de->d_name, logs[i]);
			snprintf(cmd, sizeof(cmd), "tail -n 15 '%s' >&2", p);
			if (system(cmd) != 0)
				fprintf(stderr, "(unreadable)\n");
		}
	}
	closedir(d);
}

static struct fixture *fx_active; /* the one fixture a signal must take down */

static inline void fx_down(struct fixture *f);

static void fx_on_signal_cleanup(void)
{
	if (fx_active)
		fx_down(fx_active);
}

/* 0: the lab is up. -1: it is not; why is printed (labctl's output, the daemons'
 * logs), everything is taken down, and the test must fail. */
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
	if (mkdir_p(f->root, 0700) < 0) {
		fprintf(stderr, "FAIL: cannot create the run root %s: %s\n", f->root,
		        lab_err_msg());
		return -1;
	}
	setenv("LABCTL_RUN_DIR", f->root, 1);
	fx_active = f;
	check_cleanup_on_signal(fx_on_signal_cleanup);
	int rc = fx_labctl(f, "up %s --name %s --time-scale %g", topology, f->lab, scale);
	if (rc != 0) {
		fprintf(stderr, "FAIL: labctl up %s exited %d\n", topology, rc);
		fx_show_log(f);
		fx_show_daemon_logs(f);
		fx_labctl(f, "down %s", f->lab);
		remove_tree(f->root);
		unlink(f->log);
		return -1;
	}
	f->up = true;
	return 0;
}

/* On a failure, the labctl output and the daemon logs while the lab still exists. */
static inline void fx_show_if_failed(struct fixture *f, int failures)
{
	if (!failures)
		return;
	fx_show_log(f);
	fx_show_daemon_logs(f);
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
