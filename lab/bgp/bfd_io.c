/* RFC 5881 sockets. See bfd_io.h. */
#include "bfd_io.h"

#include <errno.h>
#include <netinet/ip.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int udp_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int bfd_io_listen(struct in_addr addr, uint16_t port)
{
	int one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = addr};
	int fd = udp_socket();
	if (fd < 0)
		return -1;
	/* RFC 5881 s5 needs the TTL of every received packet. */
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int bfd_io_open(struct bfd_entry *e, struct bgp_rng *rng)
{
	int one = 1, ttl = BFD_TTL;
	const unsigned span = BFD_SRC_PORT_MAX - BFD_SRC_PORT_MIN + 1;
	unsigned first = (unsigned)(bgp_rng_next(rng) % span);
	int fd = udp_socket();
	if (fd < 0)
		return -1;
	/* s5: "all BFD Control packets for the session MUST be sent with a TTL or Hop
	 * Limit value of 255". */
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		goto fail;
	/* s4: "The source port MUST be in the range 49152 through 65535. The same UDP
	 * source port number MUST be used for all BFD Control packets associated with
	 * a particular session." The kernel's ephemeral range is not that one, so the
	 * port is chosen here: a random start, then the next free one. */
	for (unsigned i = 0; i < span; i++) {
		uint16_t port = (uint16_t)(BFD_SRC_PORT_MIN + (first + i) % span);
		struct sockaddr_in sa = {
		    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = e->local};
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			e->fd = fd;
			e->src_port = port;
			return 0;
		}
		if (errno != EADDRINUSE)
			goto fail;
	}
fail:;
	int err = errno;
	close(fd);
	errno = err;
	return -1;
}

void bfd_io_close(struct bfd_entry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

int bfd_io_send(struct bfd_entry *e, bool final, uint16_t dport)
{
	uint8_t b[BFD_PKT_LEN];
	struct wbuf w;
	struct bfd_pkt p;
	struct sockaddr_in sa = {
	    .sin_family = AF_INET, .sin_port = htons(dport), .sin_addr = e->peer};

	bfd_session_packet(&e->s, final, &p);
	wbuf_init(&w, b, sizeof(b));
	if (bfd_pkt_encode(&w, &p) < 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (e->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (sendto(e->fd, b, w.len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return 0;
}

int bfd_io_input(struct bfd_set *set, int fd, struct bfd_out *out, struct bfd_entry **which)
{
	/* Larger than any control packet we read (24 + an authentication section),
	 * so that Length can be compared with the real payload. */
	uint8_t b[512];
	char ctl[CMSG_SPACE(sizeof(int)) * 2];
	struct sockaddr_in src;
	struct iovec iov = {.iov_base = b, .iov_len = sizeof(b)};
	struct msghdr mh = {.msg_name = &src,
	                    .msg_namelen = sizeof(src),
	                    .msg_iov = &iov,
	                    .msg_iovlen = 1,
	                    .msg_control = ctl,
	                    .msg_controllen = sizeof(ctl)};
	int ttl = -1;

	*which = NULL;
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&ttl, CMSG_DATA(c), sizeof(int));
	/* RFC 5881 s5: "All received BFD Control packets that are demultiplexed to the
	 * session MUST be discarded if the received TTL or Hop Limit is not equal to
	 * 255." (A forged packet from further away cannot arrive with 255, the GTSM
	 * argument of RFC 5082.) Checked before demultiplexing: no session accepts
	 * anything else. */
	if (ttl != BFD_TTL) {
		bfd_set_count_drop(set, BFD_DROP_TTL);
		return 1;
	}
	if (mh.msg_namelen < sizeof(src) || src.sin_family != AF_INET) {
		bfd_set_count_drop(set, BFD_DROP_NO_SESSION);
		return 1;
	}
	*which = bfd_set_input(set, b, (size_t)n, src.sin_addr, out);
	return 1;
}
