#include "ipsec/vici.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <libvici.h>

#include "common/err.h"

struct ipsec_vici {
	vici_conn_t *conn;
};

/* libvici initialises a libstrongswan instance for the process; once is enough and
 * it stays for the process' life (deinit would race a second open). */
static pthread_once_t vici_once = PTHREAD_ONCE_INIT;
static void vici_init_once(void)
{
	vici_init();
}

/* libvici prints every failed connect to stderr; while charon is still starting
 * that is expected, so a plain connect() decides first, quietly. */
static bool socket_listening(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return true; /* let libvici report it */
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	bool ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

int ipsec_vici_open(const char *socket_path, struct ipsec_vici **out)
{
	char uri[300];
	if (!socket_listening(socket_path))
		return lab_err(LAB_EXIT_FAIL, "charon's VICI socket %s is not listening",
		               socket_path);
	pthread_once(&vici_once, vici_init_once);
	snprintf(uri, sizeof(uri), "unix://%s", socket_path);
	struct ipsec_vici *v = calloc(1, sizeof(*v));
	if (!v)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	v->conn = vici_connect(uri);
	if (!v->conn) {
		int e = errno;
		free(v);
		return lab_err_errno(LAB_EXIT_FAIL, e, "cannot connect to charon's VICI socket %s",
		                     socket_path);
	}
	*out = v;
	return 0;
}

void ipsec_vici_close(struct ipsec_vici *v)
{
	if (!v)
		return;
	vici_disconnect(v->conn);
	free(v);
}

static vici_req_t *build(const struct vmsg *m)
{
	vici_req_t *req = vici_begin((char *)m->cmd);
	for (size_t i = 0; i < m->n; i++) {
		const struct vmsg_item *it = &m->v[i];
		switch (it->op) {
		case VMSG_SECTION_BEGIN: vici_begin_section(req, it->name); break;
		case VMSG_SECTION_END: vici_end_section(req); break;
		case VMSG_KV:
			vici_add_key_value(req, it->name, it->value, (int)strlen(it->value));
			break;
		case VMSG_LIST_BEGIN: vici_begin_list(req, it->name); break;
		case VMSG_LIST_ITEM:
			vici_add_list_item(req, it->value, (int)strlen(it->value));
			break;
		case VMSG_LIST_END: vici_end_list(req); break;
		}
	}
	return req;
}

int ipsec_vici_call(struct ipsec_vici *v, const struct vmsg *m)
{
	if (vmsg_ok(m) < 0)
		return -1;
	vici_req_t *req = build(m);
	if (!req)
		return lab_err(LAB_EXIT_FAIL, "cannot build VICI request %s", m->cmd);
	/* vici_submit frees req whatever happens; the copy libvici made of a secret
	 * lives in its own buffer, which it wipes (chunk_clear) on free. */
	vici_res_t *res = vici_submit(req, v->conn);
	if (!res)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "VICI %s: no answer from charon",
		                     m->cmd);
	int rc = 0;
	char *ok = vici_find_str(res, "no", "success");
	if (strcmp(ok, "yes") != 0) {
		char *msg = vici_find_str(res, "(no reason given)", "errmsg");
		rc = lab_err(LAB_EXIT_FAIL, "charon refused %s: %s", m->cmd, msg);
	}
	vici_free_res(res);
	return rc;
}

struct list_ctx {
	pthread_mutex_t lock;
	struct ipsec_sa_info *out;
	size_t max, n;
};

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static uint64_t num(const char *s)
{
	return s ? strtoull(s, NULL, 10) : 0;
}

/* One list-sa event: { <ike-name> { keys..., child-sas { <name-id> { keys } } } } */
static void parse_sa(vici_res_t *res, struct ipsec_sa_info *sa)
{
	int depth = 0;
	bool in_children = false;
	struct ipsec_child_info *c = NULL;
	memset(sa, 0, sizeof(*sa));
	sa->established_s = -1;
	for (;;) {
		vici_parse_t t = vici_parse(res);
		if (t == VICI_PARSE_END || t == VICI_PARSE_ERROR)
			return;
		switch (t) {
		case VICI_PARSE_BEGIN_SECTION:
			depth++;
			if (depth == 1)
				copy(sa->name, sizeof(sa->name), vici_parse_name(res));
			else if (depth == 2 && vici_parse_name_eq(res, "child-sas"))
				in_children = true;
			else if (depth == 3 && in_children && sa->n_child < IPSEC_MAX_CHILD) {
				c = &sa->child[sa->n_child++];
				c->install_s = -1;
			}
			break;
		case VICI_PARSE_END_SECTION:
			if (depth == 3)
				c = NULL;
			if (depth == 2)
				in_children = false;
			depth--;
			break;
		case VICI_PARSE_KEY_VALUE: {
			char *k = vici_parse_name(res);
			char *val = vici_parse_value_str(res);
			if (depth == 1) {
				if (!strcmp(k, "state"))
					copy(sa->state, sizeof(sa->state), val);
				else if (!strcmp(k, "local-host"))
					copy(sa->local, sizeof(sa->local), val);
				else if (!strcmp(k, "remote-host"))
					copy(sa->remote, sizeof(sa->remote), val);
				else if (!strcmp(k, "initiator-spi"))
					copy(sa->spi_i, sizeof(sa->spi_i), val);
				else if (!strcmp(k, "responder-spi"))
					copy(sa->spi_r, sizeof(sa->spi_r), val);
				else if (!strcmp(k, "established"))
					sa->established_s = (int64_t)num(val);
			} else if (depth == 3 && c) {
				if (!strcmp(k, "name"))
					copy(c->name, sizeof(c->name), val);
				else if (!strcmp(k, "state"))
					copy(c->state, sizeof(c->state), val);
				else if (!strcmp(k, "spi-in"))
					copy(c->spi_in, sizeof(c->spi_in), val);
				else if (!strcmp(k, "spi-out"))
					copy(c->spi_out, sizeof(c->spi_out), val);
				else if (!strcmp(k, "bytes-in"))
					c->bytes_in = num(val);
				else if (!strcmp(k, "packets-in"))
					c->packets_in = num(val);
				else if (!strcmp(k, "bytes-out"))
					c->bytes_out = num(val);
				else if (!strcmp(k, "packets-out"))
					c->packets_out = num(val);
				else if (!strcmp(k, "install-time"))
					c->install_s = (int64_t)num(val);
			}
			break; /* k and val belong to res (freed with it) */
		}
		default: break; /* lists (traffic selectors) are not needed */
		}
	}
}

static void on_list_sa(void *user, char *name, vici_res_t *res)
{
	(void)name;
	struct list_ctx *ctx = user;
	pthread_mutex_lock(&ctx->lock);
	if (ctx->n < ctx->max)
		parse_sa(res, &ctx->out[ctx->n++]);
	pthread_mutex_unlock(&ctx->lock);
}

int ipsec_vici_list_sas(struct ipsec_vici *v, struct ipsec_sa_info *out, size_t max, size_t *n)
{
	struct list_ctx ctx = {.out = out, .max = max};
	pthread_mutex_init(&ctx.lock, NULL);
	int rc = 0;
	if (vici_register(v->conn, "list-sa", on_list_sa, &ctx) != 0) {
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "VICI: cannot register for list-sa");
		goto out;
	}
	vici_req_t *req = vici_begin("list-sas");
	vici_add_key_value(req, "noblock", "yes", 3);
	/* charon streams every SA as an event before it answers, on the same reader
	 * thread, so all events are in ctx once submit returns */
	vici_res_t *res = vici_submit(req, v->conn);
	if (!res)
		rc = lab_err_errno(LAB_EXIT_FAIL, errno, "VICI list-sas: no answer from charon");
	else
		vici_free_res(res);
	vici_register(v->conn, "list-sa", NULL, NULL);
out:
	pthread_mutex_lock(&ctx.lock);
	*n = ctx.n;
	pthread_mutex_unlock(&ctx.lock);
	pthread_mutex_destroy(&ctx.lock);
	return rc;
}
