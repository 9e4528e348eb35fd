/* Readiness: network first (nothing on top can work without it), then services. */
#include "run/wait.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"

#define POLL_NS (50 * NS_PER_MS)

static void describe_checks(const struct topo *t, const struct run_check *c, size_t n, char *buf,
                            size_t len)
{
	size_t used = strlen(buf);
	for (size_t i = 0; i < n && used < len; i++) {
		if (c[i].ok)
			continue;
		char src[INET_ADDRSTRLEN] = "", dst[INET_ADDRSTRLEN];
		if (c[i].src.s_addr)
			inet_ntop(AF_INET, &c[i].src, src, sizeof(src));
		inet_ntop(AF_INET, &c[i].dst, dst, sizeof(dst));
		used += (size_t)snprintf(
		    buf + used, len - used, "\n  %s check: %s%s%s%s -> %s%s%s: no echo reply",
		    c[i].why, t->nodes[c[i].from].name, src[0] ? " (" : "", src, src[0] ? ")" : "",
		    dst, c[i].to != TOPO_NONE ? " on " : "",
		    c[i].to != TOPO_NONE ? t->nodes[c[i].to].name : "");
	}
}

static int wait_services(struct lab_ctx *ctx, const struct lab_service *const *services,
                         int64_t deadline_ns)
{
	size_t n = 0;
	while (services[n])
		n++;
	char why[512];
	for (;;) {
		bool all = true;
		char pending[2048] = "";
		size_t used = 0;
		for (size_t i = 0; i < n; i++) {
			why[0] = '\0';
			int r = services[i]->ready(ctx, why, sizeof(why));
			if (r < 0) {
				char msg[1024];
				snprintf(msg, sizeof(msg), "%s", lab_err_msg());
				return lab_err(LAB_EXIT_FAIL, "service %s failed: %s",
				               services[i]->name, msg);
			}
			if (r == 0) {
				all = false;
				if (used < sizeof(pending))
					used += (size_t)snprintf(
					    pending + used, sizeof(pending) - used,
					    "\n  service %s: %s", services[i]->name,
					    why[0] ? why : "not ready");
			}
		}
		if (all)
			return 0;
		if (ctx->progress)
			ctx->progress(ctx->progress_arg);
		if (mono_ns() >= deadline_ns)
			return lab_err(LAB_EXIT_FAIL, "lab '%s' is not ready after the timeout:%s",
			               ctx->run->name, pending);
		sleep_ns(POLL_NS);
	}
}

int run_wait_ready(struct lab_ctx *ctx, struct run_net *net, struct run_check *checks,
                   size_t nchecks, const struct lab_service *const *services, int64_t deadline_ns)
{
	if (ctx->progress)
		ctx->progress(ctx->progress_arg);
	int failing = run_net_wait(ctx->topo, net, checks, nchecks, deadline_ns);
	if (failing < 0)
		return -1;
	if (failing > 0) {
		char msg[4096];
		snprintf(msg, sizeof(msg),
		         "lab '%s': the network is not ready after the timeout "
		         "(%d of %zu checks fail):",
		         ctx->run->name, failing, nchecks);
		describe_checks(ctx->topo, checks, nchecks, msg, sizeof(msg));
		return lab_err(LAB_EXIT_FAIL, "%s", msg);
	}
	run_test_hook("network-ready");
	return services ? wait_services(ctx, services, deadline_ns) : 0;
}
