/* The FIB's internals shared by fib.c (route writes, dumps) and fib_iface.c (the
 * interface cache, its notifications, next-hop resolution). Use fib.h. */
#ifndef LAB_BGP_FIB_INT_H
#define LAB_BGP_FIB_INT_H

#include <libmnl/libmnl.h>
#include <net/if.h>

#include "fib.h"

struct fib_addr {
	unsigned ifindex;
	uint32_t net; /* host order, masked */
	uint32_t local;
	uint8_t plen;
};

struct fib_link {
	unsigned ifindex;
	bool up; /* IFF_UP: only the addresses of interfaces that are up count */
	char name[IFNAMSIZ];
};

/* One request of the batch in flight: a kernel error names it by sequence. */
struct fib_req {
	struct in_addr dst;
	uint8_t len;
	bool del;
};

struct fib {
	struct mnl_socket *nl;
	unsigned portid;
	uint32_t seq;
	char *buf;
	size_t len;
	unsigned queued;
	struct fib_addr *addrs;
	size_t naddrs;
	struct fib_link *links;
	size_t nlinks;
	bool addrs_valid;
	bool changed;          /* a re-read found a change fib_changes has not reported yet */
	struct fib_lost *lost; /* connected prefixes gone since fib_changes last ran */
	size_t nlost, caplost;
	struct mnl_socket *mon; /* link and IPv4 address notifications */
	unsigned overruns;      /* ENOBUFS on mon */
	unsigned errors;
	struct fib_req *reqs; /* the batch in flight, reqs[i] has seq first_seq + i */
	size_t nreq, capreq;
	uint32_t first_seq;
	struct fib_failure *fails; /* refused since fib_failures() last ran */
	size_t nfail, capfail;
};

/* fib.c: a synchronous dump on the request socket (it shares the socket with the
 * writes: fib_send what is queued first), and sending the queued writes. 0, or -1
 * with lab_err set. */
int fib_dump(struct fib *f, uint16_t type, mnl_cb_t cb, void *data);
int fib_send(struct fib *f);

/* fib_iface.c: subscribes to the notifications (before anything is read); the
 * interface of nh (0: none covers it). */
int fib_iface_open(struct fib *f);
unsigned fib_resolve(struct fib *f, struct in_addr nh);

#endif
