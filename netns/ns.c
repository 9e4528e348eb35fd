/* Namespace life cycle: create, open, delete, and running code inside one.
 *
 * iproute2's `ip netns add` (lib/namespace.c, ip/ipnetns.c): mkdir /run/netns, make
 * it a shared mount (bind it onto itself when it is not a mount point yet, so the
 * namespace mounts propagate into mount namespaces created later), create an empty
 * file, unshare the network namespace and bind-mount /proc/self/ns/net onto the file.
 * We do the unshare in a throw-away thread (/proc/thread-self/ns/net), so the caller
 * keeps its namespace without having to switch back. */
#include "netns/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "common/err.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* lab_err is thread-local: the worker thread hands its message back through this. */
struct ns_thread {
	int ns_fd; /* -1: stay (the function unshares itself) */
	int (*fn)(void *arg);
	void *arg;
	int rc;
	enum lab_exit code;
	char msg[512];
};

static void *ns_thread_main(void *p)
{
	struct ns_thread *t = p;
	if (t->ns_fd >= 0 && setns(t->ns_fd, CLONE_NEWNET) < 0) {
		t->rc = lab_err_errno(LAB_EXIT_FAIL, errno, "setns into a network namespace");
	} else {
		t->rc = t->fn(t->arg);
	}
	if (t->rc < 0) {
		t->code = lab_err_code();
		snprintf(t->msg, sizeof(t->msg), "%s", lab_err_msg());
	}
	return NULL;
}

/* Runs fn(arg) in a new thread that has joined the namespace of ns_fd, and returns
 * its result. For everything that takes its namespace from the calling thread:
 * opening sockets, /proc/sys (which shows the namespace of the thread opening it). */
static int run_thread(int ns_fd, int (*fn)(void *), void *arg)
{
	struct ns_thread t = {.ns_fd = ns_fd, .fn = fn, .arg = arg};
	pthread_t th;
	int e = pthread_create(&th, NULL, ns_thread_main, &t);
	if (e)
		return lab_err_errno(LAB_EXIT_FAIL, e, "creating a thread to enter a namespace");
	pthread_join(th, NULL);
	if (t.rc < 0)
		lab_err(t.code, "%s", t.msg);
	return t.rc;
}

static int ns_path(const char *name, char *buf, size_t len)
{
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strlen(name) >= NETNS_NAME_MAX)
		return lab_err(LAB_EXIT_USAGE, "invalid namespace name '%s'", name);
	snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name);
	return 0;
}

/* /run/netns must be a shared mount point, as iproute2 leaves it. */
static int prepare_run_dir(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "creating %s", NETNS_RUN_DIR);
	bool bound = false;
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		/* EINVAL: not a mount point yet; bind it onto itself once and retry. */
		if (errno != EINVAL || bound)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "making %s a shared mount",
			                     NETNS_RUN_DIR);
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "bind-mounting %s onto itself",
			                     NETNS_RUN_DIR);
		bound = true;
	}
	return 0;
}

static int open_route_socket(struct netns *ns)
{
	ns->nl = nl_socket_alloc();
	if (!ns->nl)
		return lab_err(LAB_EXIT_FAIL, "out of memory (netlink socket)");
	int e = nl_connect(ns->nl, NETLINK_ROUTE);
	if (e < 0) {
		nl_socket_free(ns->nl);
		ns->nl = NULL;
		return lab_err(LAB_EXIT_FAIL, "netlink socket in namespace %s: %s", ns->name,
		               nl_geterror(e));
	}
	return 0;
}

struct create_job {
	struct netns *ns;
	const char *path;
};

/* Runs in its own thread: the unshare changes only this thread's namespace. */
static int create_in_thread(void *p)
{
	struct create_job *job = p;
	if (unshare(CLONE_NEWNET) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "unshare(CLONE_NEWNET) for %s",
		                     job->ns->name);
	if (mount("/proc/thread-self/ns/net", job->path, "none", MS_BIND, NULL) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "bind-mounting namespace onto %s",
		                     job->path);
	return open_route_socket(job->ns);
}

static struct netns *ns_alloc(const char *name)
{
	struct netns *ns = calloc(1, sizeof(*ns));
	if (!ns) {
		lab_err(LAB_EXIT_FAIL, "out of memory");
		return NULL;
	}
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	ns->fd = -1;
	return ns;
}

int netns_create(const char *name, struct netns **out)
{
	char path[PATH_MAX];
	if (ns_path(name, path, sizeof(path)) < 0 || prepare_run_dir() < 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return lab_err_errno(errno == EEXIST ? LAB_EXIT_USAGE : LAB_EXIT_FAIL, errno,
		                     "creating %s (`ip netns del %s` removes a leftover)", path,
		                     name);
	close(fd);
	struct netns *ns = ns_alloc(name);
	if (!ns)
		goto fail;
	struct create_job job = {.ns = ns, .path = path};
	if (run_thread(-1, create_in_thread, &job) < 0)
		goto fail;
	ns->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ns->fd < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s", path);
		goto fail;
	}
	if (netns_link_set_up(ns, 1, true) < 0)
		goto fail;
	*out = ns;
	return 0;
fail:
	netns_close(ns);
	/* Keep the failure message: deleting is best effort here. */
	umount2(path, MNT_DETACH);
	unlink(path);
	return -1;
}

static int open_in_thread(void *p)
{
	return open_route_socket(p);
}

int netns_open(const char *name, struct netns **out)
{
	char path[PATH_MAX];
	if (ns_path(name, path, sizeof(path)) < 0)
		return -1;
	struct netns *ns = ns_alloc(name);
	if (!ns)
		return -1;
	ns->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ns->fd < 0) {
		lab_err_errno(LAB_EXIT_FAIL, errno, "opening namespace %s", path);
		goto fail;
	}
	if (run_thread(ns->fd, open_in_thread, ns) < 0)
		goto fail;
	*out = ns;
	return 0;
fail:
	netns_close(ns);
	return -1;
}

void netns_close(struct netns *ns)
{
	if (!ns)
		return;
	if (ns->nl)
		nl_socket_free(ns->nl);
	if (ns->fd >= 0)
		close(ns->fd);
	free(ns);
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];
	if (ns_path(name, path, sizeof(path)) < 0)
		return -1;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "unmounting %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "removing %s", path);
	return 0;
}

struct delete_job {
	const char *name;
	pthread_t th;
	bool started;
	int rc;
	char msg[256];
};

static void *delete_thread(void *p)
{
	struct delete_job *job = p;
	job->rc = netns_delete(job->name);
	if (job->rc < 0)
		snprintf(job->msg, sizeof(job->msg), "%s", lab_err_msg());
	return NULL;
}

int netns_delete_many(const char *const *names, size_t n)
{
	struct delete_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	if (!jobs)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		jobs[i].name = names[i];
		jobs[i].started = pthread_create(&jobs[i].th, NULL, delete_thread, &jobs[i]) == 0;
		if (!jobs[i].started) /* no thread: do it here, in sequence */
			delete_thread(&jobs[i]);
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].th, NULL);
		if (jobs[i].rc < 0 && rc == 0)
			rc = lab_err(LAB_EXIT_FAIL, "%s", jobs[i].msg);
	}
	free(jobs);
	return rc;
}

bool netns_exists(const char *name)
{
	char path[PATH_MAX];
	struct statfs sf;
	if (ns_path(name, path, sizeof(path)) < 0) {
		lab_err_clear();
		return false;
	}
	return statfs(path, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

/* Prefixes the current error with the namespace it happened in. */
static int in_ns_err(const struct netns *ns)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", lab_err_msg());
	return lab_err(lab_err_code(), "in namespace %s: %s", ns->name, msg);
}

struct socket_job {
	int domain, type, protocol;
	int fd;
};

static int socket_in_thread(void *p)
{
	struct socket_job *job = p;
	job->fd = socket(job->domain, job->type | SOCK_CLOEXEC, job->protocol);
	if (job->fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "socket()");
	return 0;
}

int netns_socket(const struct netns *ns, int domain, int type, int protocol)
{
	struct socket_job job = {domain, type, protocol, -1};
	if (run_thread(ns->fd, socket_in_thread, &job) < 0)
		return in_ns_err(ns);
	return job.fd;
}

struct sysctl_job {
	const char *const *kv;
	size_t n;
};

/* /proc/sys/net resolves against the network namespace of the thread that opens
 * the file, so the open must happen in the thread that joined the namespace. */
static int write_sysctl(const char *key, const char *value)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "opening %s", path);
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	int e = errno;
	close(fd);
	if (n != (ssize_t)len)
		return lab_err_errno(LAB_EXIT_FAIL, n < 0 ? e : EIO, "writing %s", path);
	return 0;
}

static int sysctl_in_thread(void *p)
{
	struct sysctl_job *job = p;
	for (size_t i = 0; i < job->n; i++)
		if (write_sysctl(job->kv[2 * i], job->kv[2 * i + 1]) < 0)
			return -1;
	return 0;
}

int netns_sysctls(const struct netns *ns, const char *const *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(kv[2 * i], "..") || kv[2 * i][0] == '/')
			return lab_err(LAB_EXIT_USAGE, "invalid sysctl key '%s'", kv[2 * i]);
	struct sysctl_job job = {kv, n};
	if (run_thread(ns->fd, sysctl_in_thread, &job) < 0)
		return in_ns_err(ns);
	return 0;
}

int netns_sysctl(const struct netns *ns, const char *key, const char *value)
{
	const char *kv[2] = {key, value};
	return netns_sysctls(ns, kv, 1);
}
