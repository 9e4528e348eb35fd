/* One function per subcommand, each in its own file; main.c only dispatches. */
#ifndef LAB_CLI_COMMANDS_H
#define LAB_CLI_COMMANDS_H

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
	const char *summary;
};

int cmd_version(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_ipsec(int argc, char **argv);
int cmd_bgp(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_fault(int argc, char **argv);
int cmd_heal(int argc, char **argv);
int cmd_failover(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
