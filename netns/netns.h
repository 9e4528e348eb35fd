/* Named network namespaces, veth pairs, addresses, routes and sysctls, over
 * libnl-3 route.
 *
 * Namespaces are compatible with `ip netns`: the namespace file is bind-mounted at
 * /run/netns/<name>, and /run/netns is a shared mount (bound onto itself first if it
 * is not a mount point yet), which is what iproute2's netns_add does, so
 * `ip netns exec <name>` and `ip -n <name>` work on them.
 *
 * A netlink socket acts on the namespace it was opened in, so every handle opens
 * its route socket inside the namespace (in a short-lived thread that setns()es; the
 * calling thread never changes namespace) and keeps it. Nothing here ever touches
 * the caller's own (root) namespace: every operation goes through a handle.
 *
 * Errors: -1 with lab_err set (what failed, in which namespace, on which interface). */
#ifndef LAB_NETNS_NETNS_H
#define LAB_NETNS_NETNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETNS_RUN_DIR "/run/netns"
#define NETNS_NAME_MAX 64
#define NETNS_MAX_NEXTHOPS 16

struct netns {
	char name[NETNS_NAME_MAX];
	int fd;             /* O_RDONLY on /run/netns/<name> (for setns, IFLA_NET_NS_FD) */
	struct nl_sock *nl; /* NETLINK_ROUTE socket living in the namespace */
};

/* Creates /run/netns/<name> (fails with EEXIST semantics if present) and returns an
 * open handle. The loopback interface is brought up. Free with netns_close. */
int netns_create(const char *name, struct netns **out);
/* Opens an existing namespace. */
int netns_open(const char *name, struct netns **out);
void netns_close(struct netns *ns);
/* Detaches and removes /run/netns/<name>. Returns 0 also when it did not exist
 * (idempotent); the kernel frees the namespace when its last user goes away. */
int netns_delete(const char *name);
/* Deletes several at once: each unmount waits for an RCU grace period in the
 * kernel, so they run in parallel threads (one grace period instead of n). 0, or -1
 * with lab_err of the first failure (the others are still attempted). */
int netns_delete_many(const char *const *names, size_t n);
/* True if /run/netns/<name> is a mounted namespace file. */
bool netns_exists(const char *name);

/* A socket(2) created inside the namespace. Returns the fd or -1 (lab_err set). */
int netns_socket(const struct netns *ns, int domain, int type, int protocol);

/* Writes a sysctl of the namespace: key as a /proc/sys path, "net/ipv4/ip_forward". */
int netns_sysctl(const struct netns *ns, const char *key, const char *value);
/* Several at once (one thread instead of n): kv = {key0, value0, key1, value1, ...}. */
int netns_sysctls(const struct netns *ns, const char *const *kv, size_t n);

/* A veth pair created directly between two namespaces: the device is created in a
 * with its peer's IFLA_NET_NS_FD = b, so it never exists in the caller's namespace.
 * Both ends are created up. ifindex_a/b: 0 = the kernel picks; otherwise that index
 * (fresh namespaces only hold lo = 1, so fixed indices save a look-up per address).
 * mtu: 0 = default. mac_a/mac_b: the ends' 6-byte MAC addresses, or NULL for the
 * kernel's random ones. */
int netns_veth(struct netns *a, const char *name_a, int ifindex_a, struct netns *b,
               const char *name_b, int ifindex_b, uint32_t mtu, const uint8_t *mac_a,
               const uint8_t *mac_b);

/* A permanent IPv4 neighbour entry (addr is at mac on ifindex): no ARP for it, and
 * the kernel's neighbour table does not count it against gc_thresh3, the limit all
 * namespaces share (docs/scale.md). Replaces an existing entry. */
int netns_neigh_permanent(struct netns *ns, int ifindex, struct in_addr addr, const uint8_t mac[6]);

/* A dummy interface (an address that belongs to no link), created up. */
int netns_dummy(struct netns *ns, const char *name, int ifindex);

/* The index of ifname in the namespace, or -1 (lab_err set). */
int netns_ifindex(struct netns *ns, const char *ifname);
int netns_link_set_up(struct netns *ns, int ifindex, bool up);

int netns_addr_add(struct netns *ns, int ifindex, struct in_addr addr, uint8_t prefixlen);

struct netns_nexthop {
	struct in_addr via; /* 0.0.0.0: directly connected (needs ifindex) */
	int ifindex;        /* 0: resolved by the kernel from via */
	uint8_t weight;     /* kernel weight, 1..256 semantics; 0 is taken as 1 */
};

struct netns_route {
	struct in_addr dst;
	uint8_t dst_len;
	struct netns_nexthop nh[NETNS_MAX_NEXTHOPS];
	uint32_t n_nh;    /* > 1: ECMP multipath (RTA_MULTIPATH) */
	uint32_t table;   /* 0: main */
	uint8_t protocol; /* 0: RTPROT_STATIC */
	uint32_t metric;
	bool replace; /* NLM_F_REPLACE: swaps the whole nexthop set atomically */
};

int netns_route_add(struct netns *ns, const struct netns_route *r);

#endif
