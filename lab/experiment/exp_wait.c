/* Waiting on the lab: its services, its probes. */
#include "experiment/experiment.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/monotime.h"
#include "common/err.h"
#include "report/evlog.h"
#include "probe/wire.h"
#include "report/samples.h"
#include "services/registry.h"

int exp_services_ready(struct lab_view *v, const struct topo *scaled, int64_t deadline, char *why,
                       size_t whylen)
{
	struct lab_ctx ctx = {.run = &v->run, .topo = scaled, .time_scale = v->time_scale};
	why[0] = '\0';
	for (;;) {
		bool all = true;
		for (size_t i = 0; lab_services[i] && all; i++) {
			char w[512] = "";
			int r =
			    lab_services[i]->ready ? lab_services[i]->ready(&ctx, w, sizeof(w)) : 1;
			if (r < 0)
				return -1;
			if (r == 0) {
				all = false;
				snprintf(why, whylen, "%s: %s", lab_services[i]->name, w);
			}
		}
		if (all)
			return 1;
		if (mono_ns() > deadline)
			return 0;
		sleep_ns(200 * NS_PER_MS);
	}
}

/* The journals of the probes' nodes only: the steady-state check runs ten times a
 * second, and a lab of 100 sites writes 150 MB of journals in 15 minutes
 * (docs/scale.md). Read as they grow: re-reading them whole cost up to a second per
 * poll late in a ten-run real-time series. Every journal, whole, when the topology
 * names no probe. */
static int journals_open(struct exp_journals *j, const struct lab_view *v)
{
	const struct topo *t = v->topo;
	j->opened = true;
	if (!t || t->n_probes == 0)
		return 0;
	/* each probe has two ends: at most that many journals */
	size_t cap = 2 * t->n_probes < t->n_nodes ? 2 * t->n_probes : t->n_nodes;
	j->f = calloc(cap, sizeof(*j->f));
	if (!j->f)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		bool used = false;
		for (size_t i = 0; i < t->n_probes && !used; i++)
			used = t->probes[i].from == n || t->probes[i].to == n;
		struct exp_journal_file *f = &j->f[j->n];
		if (!used ||
		    run_node_dir(&v->run, t->nodes[n].name, f->path, sizeof(f->path) - 16) < 0)
			continue;
		strcat(f->path, "/events.jsonl");
		f->node = t->nodes[n].name;
		j->n++;
	}
	return 0;
}

/* How much of the journals before `since` is kept: the sends that probes answered
 * after it, and each stream's newest probes, lie well within it. */
#define JOURNAL_KEEP_NS (30 * NS_PER_SEC)

/* Drops the events older than cut but the probes' start and stop (a stream's
 * session and interval), so that a long series does not parse its past again on
 * every poll. */
static void journals_prune(struct exp_journals *j, int64_t cut)
{
	struct evlog *l = &j->log;
	if (!l->n || l->v[0].t >= cut)
		return;
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct jevent *e = &l->v[i];
		if (e->t < cut && !jev_is(e, "probe", "start") && !jev_is(e, "probe", "stop"))
			jevent_free(e);
		else
			l->v[w++] = *e;
	}
	l->n = w;
	j->pruned_t = cut;
}

static int journals_read(struct exp_journals *j, const struct lab_view *v, int64_t since)
{
	if (!j->opened && journals_open(j, v) < 0)
		return -1;
	if (!j->f) {
		evlog_free(&j->log);
		return evlog_load_lab(&j->log, v->run.dir);
	}
	if (j->pruned_t && since - JOURNAL_KEEP_NS < j->pruned_t) {
		/* asked about a time already dropped: read them again */
		evlog_free(&j->log);
		j->pruned_t = 0;
		for (size_t k = 0; k < j->n; k++)
			j->f[k].offset = 0;
	}
	for (size_t i = 0; i < j->n; i++) {
		if (access(j->f[i].path, F_OK) != 0)
			continue; /* the probe has not written yet */
		int r = evlog_add_file_tail(&j->log, j->f[i].path, j->f[i].node, &j->f[i].offset);
		if (r < 0)
			return -1;
		if (r > 0) { /* a journal was replaced: start over */
			evlog_free(&j->log);
			j->pruned_t = 0;
			for (size_t k = 0; k < j->n; k++)
				j->f[k].offset = 0;
			return journals_read(j, v, since);
		}
	}
	if (j->log.unsorted)
		evlog_sort(&j->log);
	journals_prune(j, since - JOURNAL_KEEP_NS);
	return 0;
}

void exp_journals_free(struct exp_journals *j)
{
	evlog_free(&j->log);
	free(j->f);
	memset(j, 0, sizeof(*j));
}

int exp_probe_health(struct exp_journals *j, const struct lab_view *v, int64_t since, uint32_t k,
                     struct exp_health *h)
{
	memset(h, 0, sizeof(*h));
	struct samples S;
	if (journals_read(j, v, since) < 0 || samples_collect(&j->log, &S) < 0)
		return -1;
	const struct evlog *log = &j->log;
	/* Per (probe end, flow): the newest k judged probes of the current session. */
	struct {
		uint16_t pd, flow;
		uint32_t ok_run;
		bool seen;
		int64_t newest_t; /* sent time of its newest judged probe */
		bool newest_ok;
	} st[SAMPLES_MAX_PD * 16];
	size_t nst = 0;
	h->all_ok = true;
	for (size_t i = S.n; i-- > 0;) {
		const struct psample *p = &S.v[i];
		if (p->session != S.pd[p->pd].sessions || !p->decided)
			continue;
		bool ok = p->echo_t && p->reply_t;
		if (!ok && p->sent_t >= since && (!h->loss_since || p->sent_t < h->first_loss_t)) {
			h->loss_since = true;
			h->first_loss_t = p->sent_t;
		}
		size_t j = 0;
		while (j < nst && !(st[j].pd == p->pd && st[j].flow == p->flow))
			j++;
		if (j == nst) {
			if (nst == sizeof(st) / sizeof(st[0]))
				continue;
			st[nst].pd = p->pd;
			st[nst].flow = p->flow;
			st[nst].ok_run = 0;
			st[nst].seen = false;
			st[nst].newest_t = p->sent_t;
			st[nst].newest_ok = ok;
			nst++;
		}
		if (st[j].seen)
			continue; /* its newest k are judged already */
		if (!ok) {
			st[j].seen = true;
			continue;
		}
		if (++st[j].ok_run >= k)
			st[j].seen = true;
	}
	h->streams = nst;
	int64_t end_t = log->n ? log->v[log->n - 1].t : 0;
	for (size_t j = 0; j < nst; j++) {
		if (st[j].ok_run >= k)
			continue;
		if (h->all_ok) {
			const struct pdinfo *pd = &S.pd[st[j].pd];
			snprintf(h->not_ok, sizeof(h->not_ok),
			         "%s %s flow %u: %u in a row answered of the %u wanted, the newest "
			         "(sent %.1f s before the journals end) %s",
			         pd->probe, probe_dir_name((enum probe_dir)pd->dir), st[j].flow,
			         st[j].ok_run, k, (double)(end_t - st[j].newest_t) / NS_PER_SEC,
			         st[j].newest_ok ? "answered" : "lost");
		}
		h->all_ok = false;
	}
	if (nst == 0) {
		h->all_ok = false;
		snprintf(h->not_ok, sizeof(h->not_ok), "no judged probe in the journals yet");
	}
	samples_free(&S);
	return 0;
}

int exp_wait_probes_ok(struct exp *e, int64_t since, int64_t deadline)
{
	struct exp_health h;
	size_t want = 2 * (size_t)e->probes.flows;
	for (;;) {
		if (exp_probe_health(&e->journals, &e->view, since, EXP_STEADY_K, &h) < 0)
			return -1;
		if (h.all_ok && h.streams >= want)
			return 1;
		if (mono_ns() > deadline || (e->spec->stop && *e->spec->stop)) {
			if (h.all_ok)
				snprintf(e->not_ok, sizeof(e->not_ok),
				         "%zu of the %zu probe streams seen", h.streams, want);
			else
				snprintf(e->not_ok, sizeof(e->not_ok), "%s", h.not_ok);
			return 0;
		}
		sleep_ns(100 * NS_PER_MS);
	}
}
