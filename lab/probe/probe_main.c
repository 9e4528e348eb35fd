/* labctl-probe: argv -> struct probe_config -> probe_run. labctl starts one per
 * probe end inside the node (run_spawn); tests and benchmarks run it directly. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "probe/daemon.h"
#include "probe/wire.h"

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: labctl-probe --name NAME --dir fwd|rev --peer ADDR [options]\n"
	        "  --bind ADDR         local address (default any)\n"
	        "  --port N            responder port on both ends (default %d)\n"
	        "  --src-port N        first flow's source port (default %d)\n"
	        "  --flows N           parallel flows (default 4; 0 = responder only)\n"
	        "  --interval S        seconds between rounds (default 0.1, min 0.001)\n"
	        "  --count N           rounds, then exit (default: until SIGTERM)\n"
	        "  --linger S          keep receiving after the last send (default 0.5)\n"
	        "  --journal FILE      append events (events.jsonl)\n"
	        "  --stats             print scheduling lateness (JSON) at exit\n"
	        "  --realtime          send from a SCHED_FIFO thread (needs CAP_SYS_NICE)\n",
	        PROBE_PORT_DEFAULT, PROBE_SRC_PORT_BASE);
}

static int parse_seconds(const char *opt, const char *s, double min, int64_t *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= min) || v > 86400)
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected seconds >= %g", opt, s, min);
	*out = (int64_t)(v * NS_PER_SEC + 0.5);
	return 0;
}

static int parse_uint(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || v > max || s[0] == '-')
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected an integer 0..%lu", opt, s, max);
	*out = v;
	return 0;
}

static int parse_addr(const char *opt, const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		return lab_err(LAB_EXIT_USAGE, "%s '%s': expected an IPv4 address", opt, s);
	return 0;
}

int main(int argc, char **argv)
{
	struct probe_config c = {
	    .dir = -1,
	    .port = PROBE_PORT_DEFAULT,
	    .src_port_base = PROBE_SRC_PORT_BASE,
	    .flows = 4,
	    .interval_ns = 100 * NS_PER_MS,
	    .linger_ns = 500 * NS_PER_MS,
	};
	bool have_peer = false;
	static const struct option opts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"dir", required_argument, NULL, 'd'},
	    {"bind", required_argument, NULL, 'b'},
	    {"peer", required_argument, NULL, 'p'},
	    {"port", required_argument, NULL, 'P'},
	    {"src-port", required_argument, NULL, 'S'},
	    {"flows", required_argument, NULL, 'f'},
	    {"interval", required_argument, NULL, 'i'},
	    {"count", required_argument, NULL, 'c'},
	    {"linger", required_argument, NULL, 'l'},
	    {"journal", required_argument, NULL, 'j'},
	    {"stats", no_argument, NULL, 's'},
	    {"realtime", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int o;
	unsigned long u;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int r = 0;
		switch (o) {
		case 'n':
			if (strlen(optarg) >= sizeof(c.name))
				r = lab_err(LAB_EXIT_USAGE, "--name: at most %zu characters",
				            sizeof(c.name) - 1);
			else
				strcpy(c.name, optarg);
			break;
		case 'd':
			c.dir = probe_dir_parse(optarg);
			if (c.dir < 0)
				r = lab_err(LAB_EXIT_USAGE, "--dir '%s': expected fwd or rev",
				            optarg);
			break;
		case 'b': r = parse_addr("--bind", optarg, &c.bind_addr); break;
		case 'p':
			r = parse_addr("--peer", optarg, &c.peer_addr);
			have_peer = r == 0;
			break;
		case 'P':
			r = parse_uint("--port", optarg, 65535, &u);
			c.port = (uint16_t)u;
			break;
		case 'S':
			r = parse_uint("--src-port", optarg, 65535, &u);
			c.src_port_base = (uint16_t)u;
			break;
		case 'f':
			r = parse_uint("--flows", optarg, 256, &u);
			c.flows = (uint32_t)u;
			break;
		case 'i': r = parse_seconds("--interval", optarg, 0.001, &c.interval_ns); break;
		case 'c':
			r = parse_uint("--count", optarg, 1000000000UL, &u);
			c.count = u;
			break;
		case 'l': r = parse_seconds("--linger", optarg, 0, &c.linger_ns); break;
		case 'j': c.journal = optarg; break;
		case 's': c.stats = true; break;
		case 'R': c.realtime = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return LAB_EXIT_USAGE;
		}
		if (r < 0)
			return lab_err_report();
	}
	if (optind != argc || !c.name[0] || c.dir < 0 || !have_peer) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if ((uint32_t)c.src_port_base + c.flows > 65536) {
		lab_err(LAB_EXIT_USAGE, "--src-port %u + --flows %u exceeds port 65535",
		        c.src_port_base, c.flows);
		return lab_err_report();
	}
	if (probe_run(&c) < 0)
		return lab_err_report();
	return 0;
}
