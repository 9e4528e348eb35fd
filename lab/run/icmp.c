#include "run/icmp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/ip.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"

#define PAYLOAD "labctl echo probe..............."

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

int icmp_open(struct netns *ns, struct in_addr src)
{
	int fd = netns_socket(ns, AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	/* Only echo replies reach us: the kernel drops every other ICMP type. */
	struct icmp_filter filt = {.data = ~(1U << ICMP_ECHOREPLY)};
	setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt));
	if (src.s_addr) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = src};
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			int e = errno;
			close(fd);
			return lab_err_errno(LAB_EXIT_FAIL, e, "binding %s in %s", inet_ntoa(src),
			                     ns->name);
		}
	}
	return fd;
}

void icmp_send_echo(int fd, struct in_addr dst, uint16_t id, uint16_t seq)
{
	uint8_t pkt[sizeof(struct icmphdr) + sizeof(PAYLOAD) - 1] = {0};
	struct icmphdr *h = (struct icmphdr *)pkt;
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(id);
	h->un.echo.sequence = htons(seq);
	memcpy(pkt + sizeof(*h), PAYLOAD, sizeof(PAYLOAD) - 1);
	h->checksum = csum(pkt, sizeof(pkt));
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = dst};
	ssize_t n = sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&sin, sizeof(sin));
	(void)n;
}

bool icmp_read_reply(int fd, struct in_addr dst, uint16_t id, int seq)
{
	uint8_t buf[1500];
	bool ok = false;
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		if ((size_t)n < sizeof(struct iphdr))
			continue;
		const struct iphdr *ip = (const struct iphdr *)buf;
		size_t hl = (size_t)ip->ihl * 4;
		if ((size_t)n < hl + sizeof(struct icmphdr))
			continue;
		const struct icmphdr *h = (const struct icmphdr *)(buf + hl);
		if (h->type == ICMP_ECHOREPLY && ntohs(h->un.echo.id) == id &&
		    (seq < 0 || ntohs(h->un.echo.sequence) == seq) && ip->saddr == dst.s_addr)
			ok = true;
	}
	return ok;
}

int64_t icmp_ping(struct netns *ns, struct in_addr src, struct in_addr dst, int tries,
                  int64_t timeout_ns)
{
	int fd = icmp_open(ns, src);
	if (fd < 0)
		return -1;
	uint16_t id = (uint16_t)(getpid() ^ 0x1abc);
	for (int t = 0; t < tries; t++) {
		uint16_t seq = (uint16_t)(t + 1);
		int64_t sent = mono_ns(), deadline = sent + timeout_ns;
		icmp_send_echo(fd, dst, id, seq);
		for (;;) {
			int64_t left = deadline - mono_ns();
			if (left <= 0)
				break;
			struct pollfd p = {.fd = fd, .events = POLLIN};
			int r = poll(&p, 1, (int)(left / NS_PER_MS) + 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if (icmp_read_reply(fd, dst, id, seq)) {
				close(fd);
				return mono_ns() - sent;
			}
		}
	}
	close(fd);
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &src, s, sizeof(s));
	inet_ntop(AF_INET, &dst, d, sizeof(d));
	return lab_err(LAB_EXIT_FAIL, "no echo reply from %s to %s in %s after %d tries", d, s,
	               ns->name, tries);
}
