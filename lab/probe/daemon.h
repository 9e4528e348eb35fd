/* labctl-probe: one end of a bidirectional probe pair, run inside a node.
 *
 * Each end is both an echo responder (for the other end's requests) and a sender
 * (`flows` UDP flows, each from its own source port so that the routers' L4 ECMP
 * hash can spread them over both tunnels). Sends are scheduled on absolute
 * CLOCK_MONOTONIC deadlines (start + k x interval), so a late wake-up never shifts
 * the probes after it. Every send, echo and reply is one journal line. */
#ifndef LAB_PROBE_DAEMON_H
#define LAB_PROBE_DAEMON_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct probe_config {
	char name[32];
	int dir;                  /* enum probe_dir of this end's sender */
	struct in_addr bind_addr; /* INADDR_ANY allowed */
	struct in_addr peer_addr;
	uint16_t port;          /* responder port, the same on both ends */
	uint16_t src_port_base; /* flow f sends from src_port_base + f */
	uint32_t flows;         /* 0: responder only */
	int64_t interval_ns;
	uint64_t count;      /* rounds to send, 0 = until signalled */
	int64_t linger_ns;   /* after the last send, keep receiving this long */
	const char *journal; /* path; NULL: no journal (benchmarks) */
	bool stats;          /* print scheduling lateness statistics at exit */
	bool realtime;       /* sender thread SCHED_FIFO (needs CAP_SYS_NICE) */
};

/* Runs until `count` rounds were sent (plus linger) or SIGTERM/SIGINT.
 * 0 or -1 with lab_err set. */
int probe_run(const struct probe_config *c);

/* Scheduling lateness summary of a run (wake-up minus deadline). */
struct probe_jitter {
	uint64_t n;
	int64_t median_ns, p99_ns, max_ns;
};
void probe_jitter_summary(int64_t *late, uint64_t n, struct probe_jitter *out);

#endif
