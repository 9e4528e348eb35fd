#include "ipsec/backend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"

/* Sends one request and returns 0 or the kernel's -errno from the ACK. */
static int nl_request(int fd, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	struct nlmsghdr *r = (struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(r, (int)n) || r->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);
	return e->error;
}

static int probe_esp(struct ipsec_kernel_caps *caps)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
	if (fd < 0) {
		snprintf(caps->esp_error, sizeof(caps->esp_error), "no NETLINK_XFRM socket");
		return 0;
	}
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	struct xfrm_usersa_info *sa = mnl_nlmsg_put_extra_header(nlh, sizeof(*sa));
	inet_pton(AF_INET, "192.0.2.1", &sa->id.daddr.a4);
	inet_pton(AF_INET, "192.0.2.2", &sa->saddr.a4);
	sa->id.spi = htonl(0x1000);
	sa->id.proto = IPPROTO_ESP;
	sa->family = AF_INET;
	sa->mode = XFRM_MODE_TUNNEL;
	sa->lft.soft_byte_limit = sa->lft.hard_byte_limit = XFRM_INF;
	sa->lft.soft_packet_limit = sa->lft.hard_packet_limit = XFRM_INF;
	/* the article's ESP suite: aes256 (cbc) + sha256 (128-bit ICV) */
	struct {
		struct xfrm_algo a;
		char key[32];
	} crypt = {0};
	snprintf(crypt.a.alg_name, sizeof(crypt.a.alg_name), "cbc(aes)");
	crypt.a.alg_key_len = 256;
	mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof(crypt), &crypt);
	struct {
		struct xfrm_algo_auth a;
		char key[32];
	} auth = {0};
	snprintf(auth.a.alg_name, sizeof(auth.a.alg_name), "hmac(sha256)");
	auth.a.alg_key_len = 256;
	auth.a.alg_trunc_len = 128;
	mnl_attr_put(nlh, XFRMA_ALG_AUTH_TRUNC, sizeof(auth), &auth);
	int rc = nl_request(fd, nlh);
	close(fd);
	caps->esp = rc == 0;
	if (rc)
		snprintf(caps->esp_error, sizeof(caps->esp_error), "%s", strerror(-rc));
	return 0;
}

static bool probe_link(const char *kind, const char *ifname)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return false;
	memset(buf, 0, sizeof(buf));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (!strcmp(kind, "xfrm")) {
		struct nlattr *d = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		mnl_attr_put_u32(nlh, IFLA_XFRM_IF_ID, 1);
		mnl_attr_nest_end(nlh, d);
	} else {
		/* a keyless VTI without endpoints is the namespace's fallback device
		 * ip_vti0, which exists already (EEXIST): ask for a distinct one */
		struct nlattr *d = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		struct in_addr a, b;
		inet_pton(AF_INET, "192.0.2.2", &a);
		inet_pton(AF_INET, "192.0.2.1", &b);
		mnl_attr_put(nlh, IFLA_VTI_LOCAL, sizeof(a), &a);
		mnl_attr_put(nlh, IFLA_VTI_REMOTE, sizeof(b), &b);
		mnl_attr_put_u32(nlh, IFLA_VTI_IKEY, htonl(1));
		mnl_attr_put_u32(nlh, IFLA_VTI_OKEY, htonl(1));
		mnl_attr_nest_end(nlh, d);
	}
	mnl_attr_nest_end(nlh, li);
	int rc = nl_request(fd, nlh);
	close(fd);
	return rc == 0; /* the scratch namespace takes the device with it */
}

/* The probes run in a child process that unshares a network namespace of its own:
 * an anonymous namespace dies with the child, so nothing can be left behind even
 * if labctl is killed mid-probe (a named scratch namespace could be). */
int ipsec_probe_kernel(struct ipsec_kernel_caps *caps)
{
	int pfd[2];
	memset(caps, 0, sizeof(*caps));
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fork");
	}
	if (pid == 0) {
		struct ipsec_kernel_caps c = {0};
		close(pfd[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(2);
		probe_esp(&c);
		c.xfrmi = probe_link("xfrm", "lcprobe-xfrm");
		c.vti = probe_link("vti", "lcprobe-vti");
		int tfd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		c.tun = tfd >= 0;
		ssize_t n = write(pfd[1], &c, sizeof(c));
		_exit(n == (ssize_t)sizeof(c) ? 0 : 3);
	}
	close(pfd[1]);
	ssize_t n;
	do
		n = read(pfd[0], caps, sizeof(*caps));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*caps) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		memset(caps, 0, sizeof(*caps));
		return lab_err(LAB_EXIT_FAIL, "probing the kernel's IPsec support in a scratch "
		                              "network namespace failed (needs CAP_SYS_ADMIN)");
	}
	return 0;
}

int ipsec_backend_choose(const char *request, const struct ipsec_kernel_caps *caps,
                         enum ipsec_backend *out)
{
	const char *r = request && *request ? request : "auto";
	bool want_xfrm = !strcmp(r, "xfrm"), want_lib = !strcmp(r, "libipsec");
	bool want_xfrmi = !strcmp(r, "xfrm-interface"), want_vti = !strcmp(r, "xfrm-vti");
	bool any = !strcmp(r, "auto");
	if (!any && !want_xfrm && !want_lib && !want_xfrmi && !want_vti)
		return lab_err(LAB_EXIT_USAGE,
		               "unknown IPsec backend '%s'; expected auto, xfrm or libipsec", r);
	if (want_lib || (any && !caps->esp)) {
		if (!caps->tun)
			return lab_err(LAB_EXIT_USAGE, "IPsec backend libipsec needs /dev/net/tun "
			                               "(CONFIG_TUN), which this machine lacks");
		*out = IPSEC_BACKEND_LIBIPSEC;
		return 0;
	}
	if (!caps->esp)
		return lab_err(LAB_EXIT_USAGE,
		               "IPsec backend %s needs kernel ESP (CONFIG_INET_ESP, module esp4), "
		               "which this kernel lacks (adding an ESP state failed: %s); use "
		               "--ipsec-backend libipsec or auto",
		               r, caps->esp_error[0] ? caps->esp_error : "unknown error");
	if (want_xfrmi && !caps->xfrmi)
		return lab_err(
		    LAB_EXIT_USAGE,
		    "IPsec backend xfrm-interface needs XFRM interfaces (CONFIG_XFRM_INTERFACE), "
		    "which this kernel lacks; use --ipsec-backend xfrm (VTI) or auto");
	if (want_vti && !caps->vti)
		return lab_err(LAB_EXIT_USAGE,
		               "IPsec backend xfrm-vti needs VTI devices (CONFIG_NET_IPVTI, module "
		               "ip_vti), which this kernel lacks");
	if (want_vti) {
		*out = IPSEC_BACKEND_VTI;
		return 0;
	}
	if (caps->xfrmi) {
		*out = IPSEC_BACKEND_XFRMI;
		return 0;
	}
	if (caps->vti) {
		*out = IPSEC_BACKEND_VTI;
		return 0;
	}
	if (any && caps->tun) {
		*out = IPSEC_BACKEND_LIBIPSEC;
		return 0;
	}
	return lab_err(LAB_EXIT_USAGE,
	               "IPsec backend %s needs a route-based interface: neither XFRM interfaces "
	               "(CONFIG_XFRM_INTERFACE) nor VTI (CONFIG_NET_IPVTI) are in this kernel; use "
	               "--ipsec-backend libipsec",
	               r);
}
