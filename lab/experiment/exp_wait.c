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

/* The journals of the probes' nodes only: the steady-state check runs several
 * times a second, and a lab of 100 sites writes 150 MB of journals in 15 minutes
 * (docs/scale.md). Every journal when the topology is unreadable. */
static int probe_journals_load(const struct lab_view *v, struct evlog *log)
{
	const struct topo *t = v->topo;
	if (!t || t->n_probes == 0)
		return evlog_load_lab(log, v->run.dir);
	for (uint32_t n = 0; n < t->n_nodes; n++) {
		bool used = false;
		for (size_t i = 0; i < t->n_probes && !used; i++)
			used = t->probes[i].from == n || t->probes[i].to == n;
		char path[PATH_MAX];
		if (!used || run_node_dir(&v->run, t->nodes[n].name, path, sizeof(path) - 16) < 0)
			continue;
		strcat(path, "/events.jsonl");
		if (access(path, F_OK) == 0 && evlog_add_file(log, path, t->nodes[n].name) < 0)
			return -1;
	}
	evlog_sort(log);
	return 0;
}

int exp_probe_health(const struct lab_view *v, int64_t since, uint32_t k, struct exp_health *h)
{
	memset(h, 0, sizeof(*h));
	struct evlog log;
	evlog_init(&log);
	struct samples S;
	if (probe_journals_load(v, &log) < 0) {
		evlog_free(&log);
		return -1;
	}
	if (samples_collect(&log, &S) < 0) {
		evlog_free(&log);
		return -1;
	}
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
	int64_t end_t = log.n ? log.v[log.n - 1].t : 0;
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
	evlog_free(&log);
	return 0;
}

int exp_wait_probes_ok(struct exp *e, int64_t since, int64_t deadline)
{
	struct exp_health h;
	size_t want = 2 * (size_t)e->probes.flows;
	for (;;) {
		if (exp_probe_health(&e->view, since, EXP_STEADY_K, &h) < 0)
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
