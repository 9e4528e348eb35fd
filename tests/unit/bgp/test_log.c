/* The speaker's one diagnostics helper: the neighbor prefix, the severity, the
 * errno variant, and the threshold that drops debug lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../check.h"
#include "bgp_log.h"
#include "bgpd_config.h"

static char *fmt(char *buf, size_t n, enum bgp_log_level lv, const struct bgp_neighbor_config *nb,
                 int err, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	bgp_log_format(buf, n, lv, nb, err, f, ap);
	va_end(ap);
	return buf;
}

static void test_format(void)
{
	struct bgp_neighbor_config nb = {.remote_as = 65515};
	inet_pton(AF_INET, "169.254.21.2", &nb.addr);
	char b[256];
	CHECK_STR(fmt(b, sizeof(b), BGP_LOG_WARN, &nb, ECONNREFUSED, "connect"),
	          "labctl-bgpd: warning: neighbor 169.254.21.2 (AS 65515): connect: "
	          "Connection refused");
	CHECK_STR(fmt(b, sizeof(b), BGP_LOG_INFO, &nb, 0, "%s -> %s", "Idle", "Connect"),
	          "labctl-bgpd: info: neighbor 169.254.21.2 (AS 65515): Idle -> Connect");
	CHECK_STR(fmt(b, sizeof(b), BGP_LOG_ERR, NULL, 0, "stopping %d", 1),
	          "labctl-bgpd: error: stopping 1");
	CHECK_STR(fmt(b, sizeof(b), BGP_LOG_DEBUG, NULL, ENOBUFS, "netlink"),
	          "labctl-bgpd: debug: netlink: No buffer space available");
	/* A short buffer is cut, never overrun. */
	CHECK_STR(fmt(b, 20, BGP_LOG_WARN, &nb, EIO, "x"), "labctl-bgpd: warnin");
}

/* What reaches stderr: one line each, debug only above the threshold. */
static void test_threshold(void)
{
	struct bgp_neighbor_config nb = {.remote_as = 1};
	inet_pton(AF_INET, "10.0.0.1", &nb.addr);
	char path[] = "/tmp/test-bgp-log-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	unlink(path);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	bgp_log_set_level(BGP_LOG_INFO);
	bgp_log_peer(BGP_LOG_DEBUG, &nb, "hidden");
	bgp_log_peer_errno(BGP_LOG_WARN, &nb, EPIPE, "send");
	bgp_log_set_level(BGP_LOG_DEBUG);
	bgp_log_peer(BGP_LOG_DEBUG, &nb, "shown");
	bgp_log_errno(BGP_LOG_ERR, EINVAL, "fib");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char out[512] = "";
	ssize_t n = pread(fd, out, sizeof(out) - 1, 0);
	close(fd);
	out[n > 0 ? n : 0] = 0;
	CHECK_STR(out, "labctl-bgpd: warning: neighbor 10.0.0.1 (AS 1): send: Broken pipe\n"
	               "labctl-bgpd: debug: neighbor 10.0.0.1 (AS 1): shown\n"
	               "labctl-bgpd: error: fib: Invalid argument\n");
}

int main(void)
{
	test_format();
	test_threshold();
	return check_done();
}
