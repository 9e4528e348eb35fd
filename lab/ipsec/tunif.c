/* The route-based tunnel interface of one tunnel end, inside the gateway's namespace:
 * the TUN that kernel-libipsec creates, or an XFRM interface / VTI device that labctl
 * creates, each carrying the tunnel's inside /30 (docs/reference.md#tunnels-and-bgp). */
#include "ipsec/tunif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"

static int nl_newlink(struct netns *ns, struct nlmsghdr *nlh, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int fd = netns_socket(ns, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	int rc = 0;
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0) {
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "%s in %s", what, ns->name);
		goto out;
	}
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	struct nlmsghdr *r = (struct nlmsghdr *)buf;
	if (n < 0 || !mnl_nlmsg_ok(r, (int)n) || r->nlmsg_type != NLMSG_ERROR) {
		rc = lab_err(LAB_EXIT_FAIL, "%s in %s: no answer from the kernel", what, ns->name);
		goto out;
	}
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);
	if (e->error)
		rc = lab_err_errno(LAB_EXIT_FAIL, -e->error, "%s in %s", what, ns->name);
out:
	close(fd);
	return rc;
}

struct newlink {
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo, *data;
};

static void newlink_begin(struct newlink *nl, char *buf, const char *ifname, const char *kind)
{
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nl->nlh = mnl_nlmsg_put_header(buf);
	nl->nlh->nlmsg_type = RTM_NEWLINK;
	nl->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nl->nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nl->nlh, IFLA_IFNAME, ifname);
	nl->linkinfo = mnl_attr_nest_start(nl->nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nl->nlh, IFLA_INFO_KIND, kind);
	nl->data = mnl_attr_nest_start(nl->nlh, IFLA_INFO_DATA);
}

static void newlink_end(struct newlink *nl)
{
	mnl_attr_nest_end(nl->nlh, nl->data);
	mnl_attr_nest_end(nl->nlh, nl->linkinfo);
}

int ipsec_tunif_create(struct netns *ns, enum ipsec_backend b, const char *ifname,
                       int uplink_ifindex, uint32_t if_id, struct in_addr local,
                       struct in_addr remote)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct newlink nl;
	char what[96];
	switch (b) {
	case IPSEC_BACKEND_LIBIPSEC: return 0; /* charon creates its TUN itself */
	case IPSEC_BACKEND_XFRMI:
		newlink_begin(&nl, buf, ifname, "xfrm");
		mnl_attr_put_u32(nl.nlh, IFLA_XFRM_LINK, (uint32_t)uplink_ifindex);
		mnl_attr_put_u32(nl.nlh, IFLA_XFRM_IF_ID, if_id);
		newlink_end(&nl);
		snprintf(what, sizeof(what), "creating XFRM interface %s (if_id %u)", ifname,
		         if_id);
		return nl_newlink(ns, nl.nlh, what);
	case IPSEC_BACKEND_VTI:
		/* the key doubles as the mark charon puts on the SAs' policies */
		newlink_begin(&nl, buf, ifname, "vti");
		mnl_attr_put_u32(nl.nlh, IFLA_VTI_LINK, (uint32_t)uplink_ifindex);
		mnl_attr_put_u32(nl.nlh, IFLA_VTI_IKEY, htonl(if_id));
		mnl_attr_put_u32(nl.nlh, IFLA_VTI_OKEY, htonl(if_id));
		mnl_attr_put(nl.nlh, IFLA_VTI_LOCAL, sizeof(local), &local);
		mnl_attr_put(nl.nlh, IFLA_VTI_REMOTE, sizeof(remote), &remote);
		newlink_end(&nl);
		snprintf(what, sizeof(what), "creating VTI device %s (key %u)", ifname, if_id);
		if (nl_newlink(ns, nl.nlh, what) < 0)
			return -1;
		/* decrypted packets arrive on the VTI without a matching inbound policy
		 * check context; strongSwan's route-based VPN notes ask for this */
		char key[96];
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/disable_policy", ifname);
		return netns_sysctl(ns, key, "1");
	}
	return lab_err(LAB_EXIT_FAIL, "internal: unknown backend");
}

int ipsec_tunif_wait(struct netns *ns, const char *ifname, int64_t timeout_ns)
{
	int64_t deadline = mono_ns() + timeout_ns;
	for (;;) {
		int idx = netns_ifindex(ns, ifname);
		if (idx > 0)
			return idx;
		if (mono_ns() > deadline)
			return lab_err(LAB_EXIT_FAIL,
			               "tunnel interface %s did not appear in %s within %lld ms",
			               ifname, ns->name, (long long)(timeout_ns / NS_PER_MS));
		lab_err_clear();
		sleep_ns(20 * NS_PER_MS);
	}
}

int ipsec_tunif_address(struct netns *ns, const char *ifname, const struct topo_prefix *inside)
{
	int idx = netns_ifindex(ns, ifname);
	if (idx < 0)
		return -1;
	if (netns_addr_add(ns, idx, inside->addr, inside->len) < 0)
		return -1;
	return netns_link_set_up(ns, idx, true);
}
