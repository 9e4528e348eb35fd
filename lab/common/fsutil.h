/* File-system helpers shared by labctl and its daemons. */
#ifndef LAB_COMMON_FSUTIL_H
#define LAB_COMMON_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p with the given mode for every directory created. 0 or -1 (errno set). */
int mkdir_p(const char *path, mode_t mode);

/* Writes data to path atomically (temporary file in the same directory, fsync-free
 * rename) created with exactly `mode` (umask does not widen or narrow it). Use 0600
 * for anything that may hold a secret. 0 or -1 (errno set). */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* Reads a whole file into a NUL-terminated malloc'd buffer. 0 or -1 (errno set). */
int read_file(const char *path, char **out, size_t *len);

/* rm -rf that never crosses a mount point (a node's private /run may still be a
 * mount when `down` runs after a crash) and never follows symlinks. 0 or -1. */
int remove_tree(const char *path);

bool path_exists(const char *path);

#endif
