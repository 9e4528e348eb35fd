/* `labctl up`'s progress line. The counts come from the same look at the lab that
 * `labctl watch` takes (lab/watch/), at most five times a second: each look asks
 * every charon and speaker once. */
#include "cli/up_progress.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/progress_line.h"
#include "common/err.h"
#include "common/monotime.h"
#include "run/service.h"
#include "watch/watch.h"

#define TICK_NS (200 * NS_PER_MS)

static struct {
	struct progress_line line;
	int64_t t0, last;
	struct watch *w;
	bool open_failed;
} up;

void up_progress_init(bool quiet, int64_t t0)
{
	progress_line_init(&up.line, quiet);
	up.t0 = t0;
}

void up_progress_step(const char *what)
{
	progress_line_set(&up.line, "%s (%.1f s)", what, (double)(mono_ns() - up.t0) / NS_PER_SEC);
}

/* The lab's namespaces that exist: /run/netns/<lab>.<node>. */
static size_t count_netns(const char *lab)
{
	DIR *d = opendir("/run/netns");
	size_t n = 0, len = strlen(lab);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		if (!strncmp(e->d_name, lab, len) && e->d_name[len] == '.')
			n++;
	closedir(d);
	return n;
}

void up_progress_tick(void *arg)
{
	const struct lab_ctx *ctx = arg;
	int64_t now = mono_ns();
	if (!up.line.on || now - up.last < TICK_NS)
		return;
	up.last = now;
	if (!up.w && !up.open_failed) {
		up.w = calloc(1, sizeof(*up.w));
		if (!up.w || watch_open(up.w, ctx->run->name) < 0) {
			free(up.w);
			up.w = NULL;
			up.open_failed = true;
			lab_err_clear();
		}
	}
	size_t ns = count_netns(ctx->run->name);
	if (!up.w) {
		progress_line_set(&up.line, "waiting for readiness: namespaces %zu/%zu (%.1f s)",
		                  ns, ctx->topo->n_nodes, (double)(now - up.t0) / NS_PER_SEC);
		return;
	}
	watch_collect(up.w);
	size_t tun = 0, est = 0;
	for (size_t i = 0; i < up.w->n_tunnels; i++)
		tun += !strcmp(up.w->tunnels[i].end[0].child, "INSTALLED") &&
		       !strcmp(up.w->tunnels[i].end[1].child, "INSTALLED");
	for (size_t i = 0; i < up.w->n_sessions; i++)
		est += !strcmp(up.w->sessions[i].state, "Established");
	progress_line_set(&up.line,
	                  "waiting for readiness: namespaces %zu/%zu, tunnels %zu/%zu, "
	                  "sessions %zu/%zu, routes installed %lld (%.1f s)",
	                  ns, ctx->topo->n_nodes, tun, ctx->topo->n_tunnels, est, up.w->n_sessions,
	                  up.w->routes_installed, (double)(now - up.t0) / NS_PER_SEC);
}

void up_progress_done(void)
{
	progress_line_clear(&up.line);
	if (up.w) {
		watch_close(up.w);
		free(up.w);
		up.w = NULL;
	}
}
