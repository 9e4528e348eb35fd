/* Choosing the IPsec backend: what the kernel can do, probed in a scratch namespace
 * (never in the root namespace), against what the user asked for. */
#ifndef LAB_IPSEC_BACKEND_H
#define LAB_IPSEC_BACKEND_H

#include <stdbool.h>

#include "ipsec/ipsec.h"

struct ipsec_kernel_caps {
	bool esp;           /* an ESP XFRM state can be added (CONFIG_INET_ESP) */
	bool xfrmi;         /* link kind "xfrm" (CONFIG_XFRM_INTERFACE) */
	bool vti;           /* link kind "vti" (CONFIG_NET_IPVTI) */
	bool tun;           /* /dev/net/tun, for kernel-libipsec */
	char esp_error[96]; /* why ESP failed, from the kernel */
};

/* Probes in a namespace of its own, deleted afterwards. 0 or -1 (lab_err). */
int ipsec_probe_kernel(struct ipsec_kernel_caps *caps);

/* request: "auto", "xfrm" or "libipsec" (or a backend name). For "auto": xfrm
 * (XFRM interface, else VTI) when the kernel has ESP, else libipsec. A forced
 * request the kernel cannot serve fails with exit code 2 naming the missing kernel
 * feature. Pure: unit-testable with made-up caps. */
int ipsec_backend_choose(const char *request, const struct ipsec_kernel_caps *caps,
                         enum ipsec_backend *out);

#endif
