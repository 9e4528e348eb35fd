/* Pre-shared keys of tunnels: one for the tunnel, or one per end (real clouds
 * configure the key on each side separately, which is how keys come to differ and
 * how a topology can model that). Every end ends up with exactly one source, its
 * own or a copy of the tunnel's. No message ever echoes a key. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "topo/topo_int.h"

/* The longest key: what `psk` allows and what lab/ipsec passes to charon. */
#define PSK_MAX 255

/* An absolute path for a psk_file value written relative to the topology file. */
static char *key_path(struct ld *l, const struct ynode *file, size_t *span_off, size_t *span_len)
{
	if (file->str[0] == '/')
		return strdup(file->str);
	/* remember where the value is, so a copy of the file can say where the key is
	 * without depending on the directory it is copied to (topo_copy_file) */
	size_t a = ld_offset(l, file->pos), b = ld_offset(l, file->end);
	if (a == (size_t)-1 || b == (size_t)-1 || b <= a)
		return NULL;
	*span_off = a;
	*span_len = b - a;
	/* absolute, so the path means the same from any working directory */
	const char *slash = strrchr(l->file, '/');
	char *dir =
	    slash ? strndup(l->file, (size_t)(slash - l->file) + (slash == l->file)) : strdup(".");
	char *abs = dir ? realpath(dir, NULL) : NULL, *path;
	if (asprintf(&path, "%s/%s", abs ? abs : dir ? dir : ".", file->str) < 0)
		path = NULL;
	free(abs);
	free(dir);
	return path;
}

int ld_key(struct ld *l, const struct ynode *v, const char *who, struct ld_keyref k)
{
	const struct ynode *psk = ymap_get(v, "psk"), *file = ymap_get(v, "psk_file");
	if (psk && file) {
		ld_err(l, ymap_key(v, "psk_file")->pos,
		       "%s has both psk and psk_file; expected one of them", who);
		return -1;
	}
	if (!psk && !file)
		return 0;
	if (psk) {
		if (psk->kind != YNODE_SCALAR || ynode_is_null(psk) || !psk->str[0] ||
		    strlen(psk->str) > PSK_MAX) {
			ld_err(l, psk->pos,
			       "psk is not a string of 1..255 characters; expected the pre-shared "
			       "key");
			return -1;
		}
		return ld_strdup(l, psk, "psk", k.psk) ? 1 : -1;
	}
	if (!ld_scalar(l, file, "psk_file"))
		return -1;
	char *path = key_path(l, file, k.span_off, k.span_len);
	if (!path) {
		ld_err(l, file->pos,
		       "cannot resolve psk_file '%s'; expected a path to the key file", file->str);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		ld_err(
		    l, file->pos,
		    "psk_file '%s' cannot be read (%s); expected a readable file holding the key",
		    path, strerror(errno));
		free(path);
		return -1;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		ld_err(l, file->pos,
		       "psk_file '%s' has mode %04o; expected 0600 or 0400 (a key must not be "
		       "readable by others)",
		       path, (unsigned)(st.st_mode & 07777));
		close(fd);
		free(path);
		return -1;
	}
	/* The key itself is read only when charon gets it (topo_tunnel_end_psk), after
	 * the network is built: check now what would fail then, by the same rules. */
	char key[PSK_MAX + 2];
	ssize_t n = read(fd, key, sizeof(key));
	close(fd);
	size_t len = n > 0 ? (size_t)n : 0;
	while (len && (key[len - 1] == '\n' || key[len - 1] == '\r'))
		len--;
	bool nul = memchr(key, '\0', len) != NULL;
	explicit_bzero(key, sizeof(key));
	if (n < 0 || !len || len > PSK_MAX || nul) {
		ld_err(l, file->pos, "psk_file '%s' %s; expected the key, 1..%d bytes, on one line",
		       path,
		       n < 0  ? "cannot be read"
		       : !len ? "is empty"
		       : nul  ? "holds a NUL byte"
		              : "is longer than 255 bytes",
		       PSK_MAX);
		free(path);
		return -1;
	}
	*k.psk_file = path;
	return 1;
}

void ld_end_keys(struct ld *l, struct topo_tunnel *tun, const struct ynode *v,
                 const struct ynode *ends, int tkey, const int ekey[2])
{
	if (tkey < 0)
		return; /* reported */
	if (!tkey && !ekey[0] && !ekey[1]) {
		ld_err(l, v->pos,
		       "tunnel '%s' has neither psk nor psk_file; expected one of them, for the "
		       "tunnel or in each end",
		       tun->name);
		return;
	}
	for (int e = 0; e < 2; e++) {
		struct topo_tunnel_end *end = &tun->end[e];
		if (ekey[e])
			continue; /* its own, or reported */
		if (!tkey) {
			ld_err(l, ends->vals[e]->pos,
			       "end %d of tunnel '%s' has no pre-shared key (neither its own psk "
			       "or psk_file nor the tunnel's); expected one of them",
			       e + 1, tun->name);
			continue;
		}
		if (tun->psk)
			end->psk = strdup(tun->psk);
		else
			end->psk_file = strdup(tun->psk_file);
		if (!end->psk && !end->psk_file)
			ld_err(l, ends->vals[e]->pos, "out of memory");
	}
}
