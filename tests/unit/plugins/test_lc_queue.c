/* The plugin's event queue (plugins/labctl/lc_queue.c), without charon: lines
 * arrive in order, one per line, pushes never block on a slow speaker, the speaker
 * gets "tunnel NAME down". */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../check.h"
#include "common/fsutil.h"
#include "lc_queue.h"

struct speaker {
	int fd;
	char got[256];
};

static void *serve(void *arg)
{
	struct speaker *s = arg;
	int c = accept(s->fd, NULL, NULL);
	if (c >= 0) {
		ssize_t n = read(c, s->got, sizeof(s->got) - 1);
		if (n > 0)
			s->got[n] = '\0';
		(void)!write(c, "ok\n", 3);
		close(c);
	}
	return NULL;
}

int main(void)
{
	char dir[] = "/tmp/lcq-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char journal[96], sock[96];
	snprintf(journal, sizeof(journal), "%s/events.jsonl", dir);
	snprintf(sock, sizeof(sock), "%s/bgpd.sock", dir);

	struct speaker sp = {0};
	sp.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	CHECK(bind(sp.fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(sp.fd, 4) == 0);
	pthread_t th;
	pthread_create(&th, NULL, serve, &sp);

	struct lc_queue *q = lc_queue_create(journal, sock);
	CHECK(q != NULL);
	char line[LC_LINE_MAX];
	for (int i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "{\"n\":%d}", i);
		CHECK(lc_queue_push(q, line, i == 50 ? "tunnel tun0 down\n" : NULL) == 0);
	}
	lc_queue_destroy(q); /* drains */
	pthread_join(th, NULL);
	close(sp.fd);
	CHECK_STR(sp.got, "tunnel tun0 down\n");

	char *text = NULL;
	size_t len;
	CHECK(read_file(journal, &text, &len) == 0);
	int expect = 0;
	for (char *l = text ? strtok(text, "\n") : NULL; l; l = strtok(NULL, "\n")) {
		snprintf(line, sizeof(line), "{\"n\":%d}", expect);
		CHECK_STR(l, line);
		expect++;
	}
	CHECK_INT(expect, 100);
	free(text);
	struct stat st;
	CHECK(stat(journal, &st) == 0 && (st.st_mode & 0777) == 0640);

	/* a speaker that accepts connections (backlog) but never answers: pushes stay
	 * instant, every journal line still gets written, and draining takes about one
	 * timeout, not one per event */
	int hung = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(sock);
	CHECK(bind(hung, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(hung, 64) == 0);
	unlink(journal);
	q = lc_queue_create(journal, sock);
	CHECK(q != NULL);
	int64_t t0 = lc_mono_ns();
	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "{\"n\":%d}", i);
		lc_queue_push(q, line, "tunnel tun0 down\n");
	}
	int64_t pushed = lc_mono_ns() - t0;
	CHECK(pushed < 50 * 1000000LL);
	lc_queue_destroy(q);
	int64_t drained = lc_mono_ns() - t0;
	fprintf(stderr, "hung speaker: 50 pushes in %.3f ms, drained in %.2f s\n", pushed / 1e6,
	        drained / 1e9);
	CHECK(drained < 3 * 1000000000LL);
	CHECK(read_file(journal, &text, &len) == 0);
	int lines = 0;
	for (size_t i = 0; text && i < len; i++)
		lines += text[i] == '\n';
	CHECK_INT(lines, 50);
	free(text);
	close(hung);

	unlink(journal);
	unlink(sock);
	rmdir(dir);
	return check_done();
}
