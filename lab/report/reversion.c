/* Reversion in a failover report: after the heal, until the restored tunnel carries
 * traffic again (RFC 6413's reversion convergence), from the journals alone:
 *
 *   the tunnel's BGP session Established again on each gateway (our speaker's
 *   `state` event, BIRD's converted one), then the first route write (`bgp fib`) on
 *   a router behind it, i.e. a node that is no tunnel's gateway; both ends done
 *   means both tunnels carry both directions again;
 *   and the probes lost after the heal, per flow (ECMP re-hashes flows onto the
 *   returning tunnel; a flow moved onto a path not yet programmed end to end loses
 *   probes).
 *
 * Only events after the heal count, so nothing later is named as caused by
 * something earlier. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/json.h"
#include "common/monotime.h"
#include "probe/wire.h"
#include "report/report.h"

static bool established(const struct jevent *e, const char *node, const char *peer)
{
	if (strcmp(e->node, node))
		return false;
	const char *p = jev_str(e, "peer"), *to = jev_str(e, "to");
	if (!p || strcmp(p, peer) || !to)
		return false;
	return (jev_is(e, "bgp", "state") || jev_is(e, "bird", "state")) &&
	       !strcasecmp(to, "Established");
}

static bool from_gw(const struct report_tunnel *tun, int s, const char *addr)
{
	for (uint32_t k = 0; k < tun->n_gw_addrs[s]; k++)
		if (!strcmp(tun->gw_addrs[s][k], addr))
			return true;
	return false;
}

static bool is_gateway(const struct report_config *cfg, const char *node)
{
	for (size_t i = 0; i < cfg->n_tunnels; i++)
		for (int s = 0; s < 2; s++)
			if (!strcmp(cfg->tunnels[i].gw[s], node))
				return true;
	return false;
}

int report_reversion(const struct evlog *log, size_t lo, size_t hi, const struct report_config *cfg,
                     const struct report_tunnel *tun, struct report_run *r)
{
	struct report_reversion *v = &r->rev;
	memset(v, 0, sizeof(*v));
	v->time_s = -1;
	v->lost_max_s = -1;
	v->inside = -1;
	if (!r->heal_t)
		return 0;
	v->healed = true;
	for (size_t i = 0; i < r->n_streams; i++) {
		const struct report_stream *s = &r->streams[i];
		if (!s->has_rev_outage)
			continue;
		if (s->leg == LEG_ONEWAY) /* a round trip counts its one-way loss again */
			v->lost += s->rev_o.lost;
		double d = (double)s->rev_o.duration_ns / NS_PER_SEC;
		if (d > v->lost_max_s)
			v->lost_max_s = d;
	}
	/* Per end: the nodes that received an UPDATE from its gateway after the
	 * session came back (the routers behind it), then the first route write on
	 * one of them: caused by what came back, as it follows it. */
	char fed[2][8][REPORT_NAME_MAX];
	size_t n_fed[2] = {0, 0};
	for (size_t i = lo; tun && i < hi; i++) {
		const struct jevent *e = &log->v[i];
		if (e->t < r->heal_t)
			continue;
		for (int s = 0; s < 2; s++) {
			if (!v->est_t[s] && established(e, tun->gw[s], tun->addr[1 - s]))
				v->est_t[s] = e->t;
			if (!v->est_t[s] || v->fib_t[s])
				continue;
			const char *peer = jev_str(e, "peer"), *ty = jev_str(e, "type");
			if (jev_is(e, "bgp", "rx") && peer && ty && !strcmp(ty, "update") &&
			    from_gw(tun, s, peer) && !is_gateway(cfg, e->node) && n_fed[s] < 8) {
				snprintf(fed[s][n_fed[s]++], REPORT_NAME_MAX, "%s", e->node);
				continue;
			}
			if (!jev_is(e, "bgp", "fib") || !jev_str(e, "op") ||
			    strcmp(jev_str(e, "op"), "replace"))
				continue;
			for (size_t k = 0; k < n_fed[s]; k++)
				if (!strcmp(fed[s][k], e->node))
					v->fib_t[s] = e->t;
		}
	}
	bool done = true;
	int64_t last = 0;
	for (int s = 0; s < 2; s++) {
		int64_t t = v->fib_t[s] ? v->fib_t[s] : 0;
		if (!t)
			done = false;
		if (t > last)
			last = t;
	}
	if (done && last) {
		v->done_t = last;
		v->time_s = (double)(last - r->heal_t) / NS_PER_SEC;
	}
	/* The session is seen coming back only if it had been down: then the model's
	 * reconnection applies even when the loss itself was before this run. */
	r->rev_session_back = v->est_t[0] || v->est_t[1];
	if (cfg->predict_reversion && cfg->predict_reversion(cfg->predict_ctx, r, &v->pred) == 0) {
		v->has_pred = true;
		if (v->time_s >= 0)
			v->inside = v->time_s >= v->pred.w.min_s - 1e-3 &&
			            v->time_s <= v->pred.w.max_s + 1e-3;
	}
	return 0;
}

static double rel(const struct report_run *r, int64_t t)
{
	return (double)(t - r->t0) / NS_PER_SEC;
}

void report_reversion_text(const struct report_run *r, FILE *f)
{
	const struct report_reversion *v = &r->rev;
	if (!v->healed) {
		fprintf(f,
		        "\n  reversion: not measured (the fault was not healed within the run)\n");
		return;
	}
	fprintf(f, "\n  reversion after the heal (+%.3f s)\n", rel(r, r->heal_t));
	for (int s = 0; s < 2; s++) {
		fprintf(f, "    end %d: session Established ", s);
		if (v->est_t[s])
			fprintf(f, "+%.3f s", rel(r, v->est_t[s]));
		else
			fprintf(f, "not seen");
		fprintf(f, ", route written behind it ");
		if (v->fib_t[s])
			fprintf(f, "+%.3f s\n", rel(r, v->fib_t[s]));
		else
			fprintf(f, "not seen\n");
	}
	if (v->time_s >= 0)
		fprintf(f, "    both tunnels carry traffic %.3f s after the heal\n", v->time_s);
	else
		fprintf(f, "    both tunnels carrying traffic: not seen in the run's journals\n");
	if (v->lost)
		fprintf(f, "    lost after the heal: %zu probes, worst flow %.3f s\n", v->lost,
		        v->lost_max_s);
	else
		fprintf(f, "    lost after the heal: none\n");
	for (size_t k = 0; k < r->n_streams; k++) {
		const struct report_stream *s = &r->streams[k];
		if (s->has_rev_outage)
			fprintf(f, "      %-10s flow %-3u %s %-10s %8.3f  (%u lost)\n", s->probe,
			        s->flow, probe_dir_name(s->dir),
			        s->leg == LEG_RTT ? "round trip" : "one way",
			        (double)s->rev_o.duration_ns / NS_PER_SEC, s->rev_o.lost);
	}
	if (v->has_pred) {
		fprintf(f, "    predicted %.3f-%.3f s:", v->pred.w.min_s, v->pred.w.max_s);
		for (size_t i = 0; i < v->pred.n_parts; i++)
			fprintf(f, "%s %s%s%s %.3f-%.3f", i ? " +" : "", v->pred.parts[i].name,
			        v->pred.parts[i].where[0] ? "@" : "", v->pred.parts[i].where,
			        v->pred.parts[i].w.min_s, v->pred.parts[i].w.max_s);
		fprintf(f, "\n    inside the reversion window: %s\n",
		        v->inside < 0 ? "n/a"
		        : v->inside   ? "yes"
		                      : "NO");
		if (v->pred.note[0])
			fprintf(f, "    (%s)\n", v->pred.note);
	} else {
		fprintf(f, "    predicted: not available\n");
	}
}

void report_reversion_json(struct json *j, const struct report_run *r)
{
	const struct report_reversion *v = &r->rev;
	if (!v->healed) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_double(j, "heal_s", rel(r, r->heal_t));
	json_key(j, "established_s");
	json_arr_begin(j);
	for (int s = 0; s < 2; s++)
		if (v->est_t[s])
			json_double(j, rel(r, v->est_t[s]));
		else
			json_null(j);
	json_arr_end(j);
	json_key(j, "route_written_s");
	json_arr_begin(j);
	for (int s = 0; s < 2; s++)
		if (v->fib_t[s])
			json_double(j, rel(r, v->fib_t[s]));
		else
			json_null(j);
	json_arr_end(j);
	json_key(j, "time_s");
	if (v->time_s >= 0)
		json_double(j, v->time_s);
	else
		json_null(j);
	json_kv_uint(j, "lost", v->lost);
	json_key(j, "worst_flow_outage_s");
	if (v->lost_max_s >= 0)
		json_double(j, v->lost_max_s);
	else
		json_null(j);
	json_key(j, "predicted");
	if (v->has_pred)
		timers_reversion_json(j, &v->pred);
	else
		json_null(j);
	json_key(j, "inside");
	if (v->inside < 0)
		json_null(j);
	else
		json_boolean(j, v->inside);
	json_obj_end(j);
}
