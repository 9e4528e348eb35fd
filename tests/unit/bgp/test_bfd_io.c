/* RFC 5881 at the socket layer (bfd_io.c), over loopback in a network namespace of
 * the test's own (the host's is never touched; it vanishes with the process):
 * packets leave with TTL 255 from a source port in 49152-65535 that stays the same
 * for the session, a packet received with any other TTL is dropped and counted, and
 * one with 255 reaches its session. */
#include <errno.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../check.h"
#include "bfd_io.h"
#include "bfd_pair.h"

static int own_netns(void)
{
	if (unshare(CLONE_NEWNET) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return -1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	int rc = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ? -1 : 0;
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &l) < 0)
		return 0;
	return ntohs(sa.sin_port);
}

/* Waits until fd is readable (the loopback is quick, but not synchronous). */
static void wait_readable(int fd)
{
	for (int i = 0; i < 200; i++) {
		char c;
		if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0)
			return;
		usleep(1000);
	}
}

int main(void)
{
	struct in_addr lo = {.s_addr = htonl(INADDR_LOOPBACK)};
	if (own_netns() < 0) {
		/* root always gets one: failing then is the machine broken, not missing */
		if (geteuid() == 0)
			return check_broken("unshare(CLONE_NEWNET) failed as root");
		return check_skip("needs a network namespace of its own (root, or "
		                  "unprivileged user namespaces)");
	}

	struct bgp_clock clk;
	struct bfd_set set;
	struct bfd_cfg cfg = {300000, 300000, 3};
	struct bfd_out out = {0};
	struct bfd_entry *which;
	bgp_clock_fake(&clk, SEC_);
	bfd_set_init(&set, &clk, 77);

	/* The speaker's receiving socket, on an ephemeral port (3784 needs root). */
	int rx = bfd_io_listen(lo, 0);
	CHECK(rx >= 0);
	uint16_t port = bound_port(rx);
	CHECK(port != 0);

	/* A session towards ourselves: its packets come back to our receiving socket
	 * and, Your Discriminator being 0 in Down, select it by source address. */
	struct bfd_entry *e = bfd_set_add(&set, lo, lo, &cfg);
	CHECK(e != NULL);
	CHECK(bfd_io_open(e, &set.rng) == 0);
	CHECK(e->src_port >= BFD_SRC_PORT_MIN);
	CHECK_INT(bound_port(e->fd), e->src_port);

	/* What goes out: TTL 255, the session's source port, every time. */
	int spy = bfd_io_listen(lo, 0);
	CHECK(spy >= 0);
	for (int i = 0; i < 3; i++) {
		uint8_t b[64];
		char ctl[64];
		struct sockaddr_in src;
		struct iovec iov = {.iov_base = b, .iov_len = sizeof(b)};
		struct msghdr mh = {.msg_name = &src,
		                    .msg_namelen = sizeof(src),
		                    .msg_iov = &iov,
		                    .msg_iovlen = 1,
		                    .msg_control = ctl,
		                    .msg_controllen = sizeof(ctl)};
		int ttl = -1;
		CHECK(bfd_io_send(e, false, bound_port(spy)) == 0);
		wait_readable(spy);
		ssize_t n = recvmsg(spy, &mh, MSG_DONTWAIT);
		CHECK_INT(n, BFD_PKT_LEN);
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
				memcpy(&ttl, CMSG_DATA(c), sizeof(int));
		CHECK_INT(ttl, 255);
		CHECK_INT(ntohs(src.sin_port), e->src_port);
	}

	/* TTL 255 from the session: accepted (Down + their Down -> Init). */
	CHECK(bfd_io_send(e, false, port) == 0);
	wait_readable(rx);
	CHECK_INT(bfd_io_input(&set, rx, &out, &which), 1);
	CHECK(which == e);
	CHECK_INT(set.rx_accepted, 1);
	CHECK_INT(e->s.state, BFD_ST_INIT);

	/* The same bytes with TTL 254 (one hop away, or forged): dropped, counted. */
	for (int ttl = 254; ttl >= 1; ttl -= 253) {
		struct bfd_pkt p;
		uint8_t b[BFD_PKT_LEN];
		struct wbuf w;
		int raw = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in to = {
		    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = lo};
		bfd_session_packet(&e->s, false, &p);
		wbuf_init(&w, b, sizeof(b));
		CHECK(bfd_pkt_encode(&w, &p) == 0);
		CHECK(setsockopt(raw, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == 0);
		CHECK(sendto(raw, b, w.len, 0, (struct sockaddr *)&to, sizeof(to)) ==
		      (ssize_t)w.len);
		close(raw);
		wait_readable(rx);
		uint64_t before = e->s.rx_packets;
		out.n = 0;
		CHECK_INT(bfd_io_input(&set, rx, &out, &which), 1);
		CHECK(which == NULL);
		CHECK_INT(out.n, 0);
		CHECK_INT(e->s.rx_packets, before);
	}
	CHECK_INT(set.drops[BFD_DROP_TTL], 2);
	CHECK_INT(bfd_set_drops_total(&set), 2);
	CHECK_INT(e->s.state, BFD_ST_INIT);

	/* Nothing waiting: 0, not an error. */
	CHECK_INT(bfd_io_input(&set, rx, &out, &which), 0);

	bfd_io_close(e);
	CHECK_INT(e->fd, -1);
	close(rx);
	close(spy);
	bfd_set_free(&set);
	return check_done();
}
