/* labctl graph LAB|FILE [--format dot|svg] [-o FILE]: draw a topology.
 *
 * A LAB is a running lab: its copy of the topology under the run directory is
 * drawn, so the picture is what was built even if the file changed since. Anything
 * else is a topology name or file as `labctl up` takes it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "run/run.h"
#include "topo/topo.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: labctl graph LAB|FILE|NAME [--format dot|svg] [-o FILE]\n\n"
	           "Draws a running lab's topology, or a topology file, as Graphviz dot (default)\n"
	           "or as SVG (runs graphviz's dot -Tsvg). Writes to stdout unless -o is given.\n"
	           "  --format dot|svg      output format (default dot)\n"
	           "  -o, --output FILE     write to FILE instead of stdout\n");
}

static int find_topology(const char *arg, char *path, size_t len)
{
	bool lab_name = !strchr(arg, '/') && strlen(arg) < 64;
	if (lab_name) {
		if ((size_t)snprintf(path, len, "%s/%s/topology.yaml", run_root(), arg) < len &&
		    path_exists(path))
			return 0;
	}
	return topo_resolve_path(arg, path, len);
}

/* Pipes the dot text through `dot -Tsvg` into fd. */
static int render_svg(const char *text, size_t len, int out_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fork");
	}
	if (pid == 0) {
		if (dup2(p[0], 0) < 0 || dup2(out_fd, 1) < 0)
			_exit(126);
		execlp("dot", "dot", "-Tsvg", (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(p[0]);
	size_t off = 0;
	int werr = 0;
	while (off < len) {
		ssize_t w = write(p[1], text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			werr = errno;
			break;
		}
		off += (size_t)w;
	}
	close(p[1]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "waiting for dot");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return lab_err(LAB_EXIT_FAIL, "graphviz's 'dot' is not installed; install graphviz "
		                              "(scripts/setup) or use --format dot");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || werr)
		return lab_err(
		    LAB_EXIT_FAIL,
		    "dot -Tsvg failed (exit status %d); the dot text is printed by --format dot",
		    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

int cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"output", required_argument, NULL, 'o'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	const char *format = "dot", *output = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'h': usage(stdout); return LAB_EXIT_OK;
		default: usage(stderr); return LAB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || (strcmp(format, "dot") && strcmp(format, "svg"))) {
		if (strcmp(format, "dot") && strcmp(format, "svg"))
			fprintf(stderr,
			        "labctl graph: format '%s' is unknown; expected dot or svg\n",
			        format);
		usage(stderr);
		return LAB_EXIT_USAGE;
	}
	char path[PATH_MAX];
	if (find_topology(argv[optind], path, sizeof(path)) < 0)
		return lab_err_report();
	struct topo *t = NULL;
	struct topo_diags d = {0};
	if (topo_load(path, &t, &d) < 0) {
		topo_diags_print(&d, stderr);
		topo_diags_free(&d);
		return lab_err_report();
	}
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int ret = LAB_EXIT_OK;
	if (!m || topo_graph_dot(t, m) < 0 || fclose(m) != 0) {
		lab_err(LAB_EXIT_FAIL, "out of memory while drawing the graph");
		ret = lab_err_report();
		goto out;
	}
	if (!strcmp(format, "dot")) {
		if (output ? write_file_atomic(output, text, len, 0644) < 0
		           : fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			lab_err_errno(LAB_EXIT_FAIL, errno, "cannot write %s",
			              output ? output : "stdout");
			ret = lab_err_report();
		}
		goto out;
	}
	int fd = 1;
	if (output && (fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "cannot create %s", output);
		ret = lab_err_report();
		goto out;
	}
	fflush(stdout);
	if (render_svg(text, len, fd) < 0) {
		ret = lab_err_report();
		if (output)
			unlink(output);
	}
	if (output)
		close(fd);
out:
	free(text);
	topo_free(t);
	return ret;
}
