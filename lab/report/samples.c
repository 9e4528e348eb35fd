#include "report/samples.h"

#include <stdlib.h>
#include <string.h>

#include "common/monotime.h"
#include "common/err.h"
#include "probe/wire.h"

/* Probes still unanswered this close to the end of a journal that has no stop event
 * (the probe still runs or was killed) may yet have been answered: not judged. */
#define UNDECIDED_TAIL_NS (1 * NS_PER_SEC)

static uint64_t mkkey(unsigned pd, unsigned session, unsigned flow, uint32_t seq)
{
	return (uint64_t)(pd & 0x3f) << 58 | (uint64_t)(session & 0x3ff) << 48 |
	       (uint64_t)(flow & 0xffff) << 32 | seq;
}

static uint64_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int hash_grow(struct samples *s)
{
	size_t nc = s->hcap ? s->hcap * 2 : 4096;
	uint64_t *nk = calloc(nc, sizeof(*nk));
	uint32_t *ni = calloc(nc, sizeof(*ni));
	if (!nk || !ni) {
		free(nk);
		free(ni);
		return -1;
	}
	for (size_t i = 0; i < s->hcap; i++) {
		if (!s->hkeys[i])
			continue;
		size_t h = hash64(s->hkeys[i] - 1) & (nc - 1);
		while (nk[h])
			h = (h + 1) & (nc - 1);
		nk[h] = s->hkeys[i];
		ni[h] = s->hidx[i];
	}
	free(s->hkeys);
	free(s->hidx);
	s->hkeys = nk;
	s->hidx = ni;
	s->hcap = nc;
	return 0;
}

static struct psample *lookup(const struct samples *s, uint64_t key)
{
	if (!s->hcap)
		return NULL;
	size_t h = hash64(key) & (s->hcap - 1);
	while (s->hkeys[h]) {
		if (s->hkeys[h] == key + 1)
			return &s->v[s->hidx[h]];
		h = (h + 1) & (s->hcap - 1);
	}
	return NULL;
}

static int insert(struct samples *s, const struct psample *p)
{
	if ((s->n + 1) * 2 > s->hcap && hash_grow(s) < 0)
		return -1;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 4096;
		struct psample *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	uint64_t key = mkkey(p->pd, p->session, p->flow, p->seq);
	size_t h = hash64(key) & (s->hcap - 1);
	while (s->hkeys[h]) {
		if (s->hkeys[h] == key + 1) /* a repeated line: keep the first */
			return 0;
		h = (h + 1) & (s->hcap - 1);
	}
	s->hkeys[h] = key + 1;
	s->hidx[h] = (uint32_t)s->n;
	s->v[s->n++] = *p;
	return 0;
}

static int pd_index(struct samples *s, const char *probe, int dir)
{
	for (size_t i = 0; i < s->n_pd; i++)
		if (s->pd[i].dir == dir && !strcmp(s->pd[i].probe, probe))
			return (int)i;
	if (s->n_pd == SAMPLES_MAX_PD || strlen(probe) >= sizeof(s->pd[0].probe))
		return -1;
	struct pdinfo *p = &s->pd[s->n_pd];
	memset(p, 0, sizeof(*p));
	strcpy(p->probe, probe);
	p->dir = (uint8_t)dir;
	return (int)s->n_pd++;
}

int samples_collect(const struct evlog *log, struct samples *s)
{
	memset(s, 0, sizeof(*s));
	int64_t end_t = log->n ? log->v[log->n - 1].t : 0;
	for (size_t i = 0; i < log->n; i++) {
		const struct jevent *e = &log->v[i];
		if (strcmp(e->src, "probe"))
			continue;
		const char *probe = jev_str(e, "probe"), *dirs = jev_str(e, "dir");
		int dir = dirs ? probe_dir_parse(dirs) : -1;
		if (!probe || dir < 0)
			continue;
		int pdi = pd_index(s, probe, dir);
		if (pdi < 0)
			continue;
		struct pdinfo *pd = &s->pd[pdi];
		if (!strcmp(e->ev, "start")) {
			pd->sessions++;
			pd->stopped = false;
			jev_int(e, "interval_ns", &pd->interval_ns);
			continue;
		}
		if (!strcmp(e->ev, "stop")) {
			pd->stopped = true;
			continue;
		}
		int64_t flow, seq;
		if (!jev_int(e, "flow", &flow) || !jev_int(e, "seq", &seq) || flow < 0 ||
		    flow > 255 || seq < 0 || seq > UINT32_MAX)
			continue;
		uint64_t key = mkkey((unsigned)pdi, pd->sessions, (unsigned)flow, (uint32_t)seq);
		if (!strcmp(e->ev, "send")) {
			struct psample p = {.pd = (uint16_t)pdi,
			                    .session = pd->sessions,
			                    .flow = (uint16_t)flow,
			                    .seq = (uint32_t)seq,
			                    .ord = pd->next_ord[flow]++,
			                    .sent_t = e->t};
			if (insert(s, &p) < 0) {
				samples_free(s);
				return lab_err(LAB_EXIT_FAIL, "out of memory joining probe events");
			}
			continue;
		}
		struct psample *p = lookup(s, key);
		if (!p)
			continue; /* its send predates the journals we have */
		if (!strcmp(e->ev, "echo") && !p->echo_t)
			p->echo_t = e->t;
		else if (!strcmp(e->ev, "reply") && !p->reply_t)
			p->reply_t = e->t;
	}
	/* A probe that arrives late was held in a queue (ARP resolution, a socket) while
	 * the path was down: for the outage it is lost, as for a real-time flow. */
	for (size_t i = 0; i < s->n; i++) {
		struct psample *p = &s->v[i];
		int64_t late = samples_late_ns(s->pd[p->pd].interval_ns);
		if (p->echo_t && p->echo_t - p->sent_t > late)
			p->echo_t = 0;
		if (p->reply_t && p->reply_t - p->sent_t > late)
			p->reply_t = 0;
	}
	/* Decide which samples can be judged: every sample of a stopped session (the
	 * probe lingered before stopping), else those sent long enough before the end. */
	for (size_t i = 0; i < s->n; i++) {
		struct psample *p = &s->v[i];
		const struct pdinfo *pd = &s->pd[p->pd];
		bool last_session = p->session == pd->sessions;
		p->decided = !last_session || pd->stopped ||
		             p->sent_t + UNDECIDED_TAIL_NS <= end_t || (p->echo_t && p->reply_t);
	}
	return 0;
}

int64_t samples_late_ns(int64_t interval_ns)
{
	int64_t late = 2 * interval_ns;
	return late > 50 * NS_PER_MS ? late : 50 * NS_PER_MS;
}

void samples_free(struct samples *s)
{
	free(s->v);
	free(s->hkeys);
	free(s->hidx);
	memset(s, 0, sizeof(*s));
}
