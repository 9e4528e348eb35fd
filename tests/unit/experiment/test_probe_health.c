/* exp_probe_health reads the probes' journals as they grow and drops what lies
 * long before `since`. Over a synthetic series (steady, an outage, recovery, the
 * next run's steady state, then a question about an earlier time) every poll must
 * judge exactly as a fresh read of the whole journals does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "common/monotime.h"
#include "experiment/experiment.h"
#include "topo/topo.h"

#define IVL (100 * NS_PER_MS)

static struct lab_view view;
static FILE *jf[2]; /* ecs (sends, replies), vm (echoes) */

static void emit(int node, int64_t t, const char *ev, const char *dir, int flow, long seq)
{
	fprintf(jf[node],
	        "{\"t\":%lld,\"src\":\"probe\",\"ev\":\"%s\",\"probe\":\"ecs-vm\","
	        "\"dir\":\"%s\",\"flow\":%d,\"seq\":%ld}\n",
	        (long long)t, ev, dir, flow, seq);
}

#define FLOWS 2

/* One probe round at t: FLOWS flows each way, answered unless lost. */
static void round_at(int64_t t, long seq, bool lost)
{
	for (int flow = 0; flow < FLOWS; flow++) {
		emit(0, t, "send", "fwd", flow, seq);
		emit(1, t, "send", "rev", flow, seq);
		if (lost)
			continue;
		emit(1, t + NS_PER_MS, "echo", "fwd", flow, seq);
		emit(0, t + 2 * NS_PER_MS, "reply", "fwd", flow, seq);
		emit(0, t + NS_PER_MS, "echo", "rev", flow, seq);
		emit(1, t + 2 * NS_PER_MS, "reply", "rev", flow, seq);
	}
	fflush(jf[0]);
	fflush(jf[1]);
}

static int polls, differ;

/* Polls incrementally; with compare, also fresh, and counts any difference. */
static void poll(struct exp_journals *inc, int64_t since, bool compare)
{
	struct exp_health a, b;
	struct exp_journals fresh;
	memset(&fresh, 0, sizeof(fresh));
	CHECK_INT(exp_probe_health(inc, &view, since, EXP_STEADY_K, &a), 0);
	if (!compare)
		return;
	CHECK_INT(exp_probe_health(&fresh, &view, since, EXP_STEADY_K, &b), 0);
	exp_journals_free(&fresh);
	polls++;
	if (a.streams != b.streams || a.all_ok != b.all_ok || a.loss_since != b.loss_since ||
	    a.first_loss_t != b.first_loss_t || strcmp(a.not_ok, b.not_ok)) {
		if (!differ++)
			fprintf(stderr,
			        "poll %d: incremental streams %zu ok %d loss %d at %lld (%s), "
			        "fresh streams %zu ok %d loss %d at %lld (%s)\n",
			        polls, a.streams, a.all_ok, a.loss_since, (long long)a.first_loss_t,
			        a.not_ok, b.streams, b.all_ok, b.loss_since,
			        (long long)b.first_loss_t, b.not_ok);
	}
}

int main(void)
{
	char dir[] = "/tmp/probe-health-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct topo_diags d = {0};
	CHECK_INT(topo_load(LABCTL_SOURCE_ROOT "/topologies/dual-tunnel.yaml", &view.topo, &d), 0);
	topo_diags_free(&d);
	if (!view.topo)
		return check_done();
	snprintf(view.run.dir, sizeof(view.run.dir), "%s", dir);
	const char *nodes[2] = {"ecs", "vm"};
	for (int i = 0; i < 2; i++) {
		char p[256];
		snprintf(p, sizeof(p), "%s/%s", dir, nodes[i]);
		mkdir(p, 0700);
		snprintf(p, sizeof(p), "%s/%s/events.jsonl", dir, nodes[i]);
		jf[i] = fopen(p, "w");
		CHECK(jf[i] != NULL);
	}
	if (!jf[0] || !jf[1])
		return check_done();
	for (const char *dirn = "fwd"; dirn; dirn = strcmp(dirn, "fwd") ? NULL : "rev")
		fprintf(jf[!strcmp(dirn, "rev")],
		        "{\"t\":1,\"src\":\"probe\",\"ev\":\"start\",\"probe\":\"ecs-vm\","
		        "\"dir\":\"%s\",\"interval_ns\":%lld}\n",
		        dirn, (long long)IVL);

	struct exp_journals inc;
	memset(&inc, 0, sizeof(inc));
	struct exp_health h;
	int64_t t = 10 * NS_PER_SEC, since = t;
	long seq = 0;
	/* Three runs: 60 s steady, 37 s lost, 60 s recovered; a poll every 0.5 s with
	 * `since` at the run's fault, compared with a fresh read every 10 s and every
	 * poll within 2 s of the outage's ends. */
	for (int run = 0; run < 3; run++) {
		int64_t inject = t + 60 * NS_PER_SEC, heal = inject + 37 * NS_PER_SEC;
		for (int s = 0; s < 157 * 10; s++, seq++, t += IVL) {
			bool lost = t >= inject && t < heal;
			round_at(t, seq, lost);
			if (t >= inject && since < inject)
				since = inject;
			bool edge =
			    llabs(t - inject) < 2 * NS_PER_SEC || llabs(t - heal) < 2 * NS_PER_SEC;
			if (s % 5 == 4)
				poll(&inc, since, edge || s % 100 == 99);
		}
		/* After the outage, seen from this run's fault: lost, then all ok. */
		CHECK_INT(exp_probe_health(&inc, &view, inject, EXP_STEADY_K, &h), 0);
		CHECK(h.loss_since && h.all_ok && h.streams == 2 * FLOWS);
		CHECK(h.first_loss_t >= inject && h.first_loss_t < inject + IVL);
	}
	/* Old events were dropped: the log holds about the last 30 s plus the latest
	 * run, not the whole series. */
	CHECK(inc.pruned_t > 0);
	size_t kept = inc.log.n;
	CHECK(kept < 3 * 157 * 10 * FLOWS * 6 / 2);
	/* A question about the first run's fault: read again, same answer as fresh. */
	poll(&inc, 70 * NS_PER_SEC, true);
	CHECK_INT(exp_probe_health(&inc, &view, 70 * NS_PER_SEC, EXP_STEADY_K, &h), 0);
	CHECK(h.loss_since && h.first_loss_t >= 70 * NS_PER_SEC &&
	      h.first_loss_t < 70 * NS_PER_SEC + IVL);
	CHECK_INT(differ, 0);
	CHECK(polls > 60);

	exp_journals_free(&inc);
	fclose(jf[0]);
	fclose(jf[1]);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
	topo_free(view.topo);
	return check_done();
}
