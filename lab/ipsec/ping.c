#include "ipsec/ping.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/err.h"

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* A raw socket sees every ICMP packet of the namespace: match ours by id and seq. */
static bool is_reply(const uint8_t *buf, ssize_t n, struct in_addr dst, uint16_t id, uint16_t seq)
{
	if (n < (ssize_t)sizeof(struct iphdr))
		return false;
	const struct iphdr *ip = (const struct iphdr *)buf;
	size_t hl = (size_t)ip->ihl * 4;
	if (n < (ssize_t)(hl + sizeof(struct icmphdr)) || ip->saddr != dst.s_addr)
		return false;
	const struct icmphdr *ic = (const struct icmphdr *)(buf + hl);
	return ic->type == ICMP_ECHOREPLY && ic->un.echo.id == htons(id) &&
	       ic->un.echo.sequence == htons(seq);
}

int64_t ipsec_ping(struct netns *ns, struct in_addr src, struct in_addr dst, int tries,
		   int64_t timeout_ns)
{
	int fd = netns_socket(ns, AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = src};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return lab_err_errno(LAB_EXIT_FAIL, e, "ping: cannot bind to %s in %s",
				     inet_ntoa(src), ns->name);
	}
	uint16_t id = (uint16_t)(getpid() ^ 0x1abc);
	for (int t = 0; t < tries; t++) {
		uint16_t seq = (uint16_t)(t + 1);
		uint8_t pkt[sizeof(struct icmphdr) + 32] = {0};
		struct icmphdr *ic = (struct icmphdr *)pkt;
		ic->type = ICMP_ECHO;
		ic->un.echo.id = htons(id);
		ic->un.echo.sequence = htons(seq);
		memcpy(pkt + sizeof(*ic), "labctl ipsec readiness probe....", 32);
		ic->checksum = csum(pkt, sizeof(pkt));
		struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = dst};
		int64_t sent = mono_ns(), deadline = sent + timeout_ns;
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			continue; /* e.g. no route yet: try again */
		for (;;) {
			int64_t left = deadline - mono_ns();
			if (left <= 0)
				break;
			struct pollfd p = {.fd = fd, .events = POLLIN};
			if (poll(&p, 1, (int)(left / NS_PER_MS) + 1) <= 0)
				break;
			uint8_t buf[1500];
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			if (is_reply(buf, n, dst, id, seq)) {
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
