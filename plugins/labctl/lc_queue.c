#include "lc_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct lc_slot {
	char line[LC_LINE_MAX];
	char speaker[LC_SPEAKER_MAX];
};

struct lc_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t writer;
	struct lc_slot slots[LC_QUEUE_SLOTS];
	unsigned head, count; /* ring: slots[head] is the oldest */
	bool stop;
	uint64_t dropped;
	char *journal, *speaker;
	int journal_fd;
	int64_t speaker_quiet_until; /* writer thread only: backoff after a hung speaker */
};

#define SPEAKER_BACKOFF_NS (5 * 1000000000LL)

int64_t lc_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* One request per connection (docs/bgpd.md). Bounded by socket timeouts so a hung
 * speaker delays later journal lines by at most ~2 s, never charon itself. A missing
 * socket (no speaker on this node, or it is restarting) is not an error. */
/* Returns -1 when the speaker hung (a timeout), 0 otherwise. */
static int notify_speaker(const char *path, const char *msg)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return 0;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	struct timeval tv = {.tv_sec = 1};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	int rc = 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		write_all(fd, msg, strlen(msg));
		char resp[64];
		ssize_t n;
		while ((n = read(fd, resp, sizeof(resp))) > 0)
			; /* "ok", then the speaker closes */
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			rc = -1;
	} else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS) {
		rc = -1;
	}
	close(fd);
	return rc;
}

static void emit(struct lc_queue *q, const struct lc_slot *s)
{
	if (s->line[0] && q->journal_fd >= 0) {
		/* One write() per line on O_APPEND: lines of concurrent writers (the
		 * speaker, probes) never interleave (lab/common/journal.h). */
		char buf[LC_LINE_MAX + 1];
		size_t n = strlen(s->line);
		memcpy(buf, s->line, n);
		buf[n++] = '\n';
		write_all(q->journal_fd, buf, n);
	}
	/* A hung speaker costs one timeout, then is left alone for a while, so it
	 * cannot hold the journal back (nor charon's shutdown, which drains us). */
	if (s->speaker[0] && q->speaker && lc_mono_ns() >= q->speaker_quiet_until &&
	    notify_speaker(q->speaker, s->speaker) < 0)
		q->speaker_quiet_until = lc_mono_ns() + SPEAKER_BACKOFF_NS;
}

static void *writer_main(void *arg)
{
	struct lc_queue *q = arg;
	struct lc_slot cur;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->count == 0 && !q->stop)
			pthread_cond_wait(&q->cond, &q->lock);
		if (q->count == 0 && q->stop)
			break;
		cur = q->slots[q->head];
		q->head = (q->head + 1) % LC_QUEUE_SLOTS;
		q->count--;
		pthread_mutex_unlock(&q->lock);
		emit(q, &cur);
		pthread_mutex_lock(&q->lock);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct lc_queue *lc_queue_create(const char *journal, const char *speaker)
{
	struct lc_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->journal_fd = -1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	if (journal && *journal) {
		q->journal = strdup(journal);
		q->journal_fd = open(journal, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	}
	if (speaker && *speaker)
		q->speaker = strdup(speaker);
	if (pthread_create(&q->writer, NULL, writer_main, q) != 0) {
		if (q->journal_fd >= 0)
			close(q->journal_fd);
		free(q->journal);
		free(q->speaker);
		free(q);
		return NULL;
	}
	return q;
}

int lc_queue_push(struct lc_queue *q, const char *line, const char *speaker_msg)
{
	int rc = 0;
	pthread_mutex_lock(&q->lock);
	if (q->count == LC_QUEUE_SLOTS || q->stop) {
		q->dropped++;
		rc = -1;
	} else {
		struct lc_slot *s = &q->slots[(q->head + q->count) % LC_QUEUE_SLOTS];
		snprintf(s->line, sizeof(s->line), "%s", line ? line : "");
		snprintf(s->speaker, sizeof(s->speaker), "%s", speaker_msg ? speaker_msg : "");
		q->count++;
		pthread_cond_signal(&q->cond);
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

uint64_t lc_queue_dropped(struct lc_queue *q)
{
	pthread_mutex_lock(&q->lock);
	uint64_t d = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return d;
}

void lc_queue_destroy(struct lc_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->writer, NULL);
	if (q->journal_fd >= 0)
		close(q->journal_fd);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q->journal);
	free(q->speaker);
	free(q);
}
