/* The daemon context's small services: journal lines and epoll registration. Kept
 * out of main.c so that tests link the sessions and the control socket without a
 * main(). */
#include "bgpd.h"

#include <errno.h>
#include <sys/epoll.h>

#include "common/err.h"
#include "common/journal.h"

struct json *bgpd_journal_begin(struct bgpd *d, const char *ev)
{
	if (d->journal_fd < 0)
		return NULL;
	journal_begin(&d->jscratch, bgp_now(&d->clock), "bgp", ev);
	return &d->jscratch;
}

void bgpd_journal_end(struct bgpd *d)
{
	if (d->journal_fd >= 0)
		journal_write(d->journal_fd, &d->jscratch);
}

int bgpd_fd_add(struct bgpd *d, int fd, uint32_t events, struct bgpd_fd *ref)
{
	struct epoll_event e = {.events = events, .data.ptr = ref};
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "epoll_ctl add");
	return 0;
}

int bgpd_fd_mod(struct bgpd *d, int fd, uint32_t events, struct bgpd_fd *ref)
{
	struct epoll_event e = {.events = events, .data.ptr = ref};
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &e) < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "epoll_ctl mod");
	return 0;
}

void bgpd_fd_del(struct bgpd *d, int fd)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
}
