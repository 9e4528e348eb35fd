/* labctl: dispatch to one file per subcommand. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/commands.h"
#include "common/err.h"

static const struct command commands[] = {
    {"version", cmd_version, "print the version"},
    {"validate", cmd_validate, "check topology files"},
    {"gen", cmd_gen, "write a generated topology: gen hub-spoke --sites N > FILE"},
    {"graph", cmd_graph, "draw a topology or a running lab (Graphviz dot or svg)"},
    {"up", cmd_up, "build a lab from a topology and wait until it is ready"},
    {"down", cmd_down, "remove a lab (or --all); --keep DIR keeps what report reads"},
    {"status", cmd_status, "nodes, namespaces, processes and services of labs"},
    {"list", cmd_list, "labs with topology, age and state"},
    {"exec", cmd_exec, "run a command inside a node: exec LAB NODE -- CMD"},
    {"shell", cmd_shell, "interactive shell inside a node"},
    {"predict", cmd_predict, "predicted outage windows of the timer models"},
    {"fit", cmd_fit, "infer an unknown delay from measured outages"},
    {"bgp", cmd_bgp, "BGP sessions and Loc-RIB of a node: bgp LAB NODE [--json]"},
    {"report", cmd_report, "failover report from a lab's journals, or a kept copy (--dir)"},
    {"fault", cmd_fault, "break something: fault LAB KIND [PARAM] TARGET"},
    {"heal", cmd_heal, "undo active faults: heal LAB [TARGET]"},
    {"failover", cmd_failover, "the article's experiment: fault, outage, report"},
    {"run", cmd_run, "a scenario file: up, steps, expectations, down"},
    {"watch", cmd_watch, "a running lab live: tunnels, hold timers, probes, events"},
    {"compare", cmd_compare, "the failover under each detection mechanism, side by side"},
#ifdef LABCTL_HAVE_IPSEC
    {"ipsec", cmd_ipsec, "IPsec tunnels of a gateway in detail: ipsec LAB NODE [--json]"},
#endif
};

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl <command> [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'labctl <command> --help' describes a command.\n");
}

/* up's readiness opens one raw socket per echo check and status one connection per
 * speaker: thousands in a lab of hundreds of sites (docs/scale.md). The soft limit
 * (often 1,024) goes up to the hard one; failing that, the soft limit stays. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	raise_fd_limit();
	if (argc < 2) {
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LAB_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "labctl: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return LAB_EXIT_USAGE;
}
