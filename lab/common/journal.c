#include "common/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int journal_open(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

void journal_begin(struct json *j, int64_t t_ns, const char *src, const char *ev)
{
	json_reset(j);
	json_obj_begin(j);
	json_kv_int(j, "t", t_ns);
	json_kv_str(j, "src", src);
	json_kv_str(j, "ev", ev);
}

int journal_write(int fd, struct json *j)
{
	json_obj_end(j);
	size_t len;
	const char *line = json_line(j, &len);
	if (!line)
		return -1;
	ssize_t n;
	do
		n = write(fd, line, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}
