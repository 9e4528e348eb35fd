/* Seeded Monte Carlo of partial loss on one tunnel (loss_model.h). Each sample:
 * a fault at a random instant of every periodic schedule (as montecarlo.c draws
 * it), then, per side, the instant each mechanism declares the path dead on its
 * own clock, packet by packet until D:
 *   hold: the peer's KEEPALIVEs as TCP segments, each transmission dropped with p,
 *         retransmitted on Linux's RTO with backoff; the hold timer restarts on
 *         in-order data only;
 *   bfd:  the peer's control packets, detection after detect-mult x interval with
 *         nothing received;
 *   dpd:  charon probes after dpd_delay with nothing inbound, and gives up when
 *         the request and all its retransmissions (or their responses) are lost.
 * Then the other side: the first side's session drop stops its KEEPALIVEs and
 * (unless its SA went with DPD) sends a NOTIFICATION over the same lossy TCP. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "timers/loss_model.h"
#include "timers/timers_int.h"

#define SEG_MAX 4096 /* segments per direction: D / (0.75 K) stays far below */

struct lm {
	const struct timers_input *in;
	struct timers_session ses;
	struct timers_rng rng;
	double p, d, rtt, rto0;
};

static double uni(struct timers_rng *r, double a, double b)
{
	return a + (b - a) * timers_rng_unit(r);
}

static bool lost(struct lm *m)
{
	return timers_rng_unit(&m->rng) < m->p;
}

/* A schedule of intervals T x U[jlo, jhi] that has run for long, seen at a random
 * instant: the interval it lands in is length-biased (accept x with probability
 * x / (jhi T)), the instant uniform in it. montecarlo.c's last_arrival, with the
 * residual too. */
static void renewal(struct timers_rng *r, double t, double jlo, double jhi, double *age,
                    double *residual)
{
	double x;
	do
		x = uni(r, jlo * t, jhi * t);
	while (uni(r, 0, jhi * t) >= x);
	*age = uni(r, 0, x);
	*residual = x - *age;
}

double timers_loss_bfd(struct timers_rng *r, double interval, double jlo, double jhi, uint32_t mult,
                       double p, double last_s, double first_s, double horizon_s)
{
	double detect = mult * interval, next = first_s;
	for (;;) {
		double expiry = last_s + detect;
		if (expiry > horizon_s && next > horizon_s)
			return INFINITY;
		/* A nanosecond of slack: sums of equal intervals must tie with the expiry. */
		if (next > expiry + 1e-9)
			return expiry;
		if (timers_rng_unit(r) >= p)
			last_s = next;
		next += uni(r, jlo * interval, jhi * interval);
	}
}

/* ---- BGP over TCP, one direction ---- */

struct tcp {
	struct lm *m;
	uint8_t rcvd[SEG_MAX];
	size_t gen, nxt, una, rcv; /* generated, next unsent, oldest unacked, receiver's next */
	double rto, deadline;
	bool recovery; /* an RTO fired for una: new data waits (cwnd 1) until it is acked */
	double *deliv; /* instants in-order data reached the receiver (hold restarts) */
	size_t n_deliv;
};

static void send_new(struct tcp *c, double t);

static void ack_arrives(struct tcp *c, size_t ack, double t)
{
	if (ack <= c->una)
		return;
	c->una = ack;
	c->recovery = false;
	c->rto = c->m->rto0; /* a new ACK ends the backoff (RFC 6298 s5.7, Linux) */
	c->deadline = c->una < c->nxt ? t + c->rto : INFINITY;
	send_new(c, t);
}

/* One transmission of segment k at t; RTT/2 each way. Every arrival, a duplicate
 * too, is ACKed cumulatively; the ACK is lost with p as well. */
static void xmit(struct tcp *c, size_t k, double t)
{
	struct lm *m = c->m;
	double half = 0.5 * m->rtt;
	if (lost(m))
		return;
	c->rcvd[k] = 1;
	if (k == c->rcv) {
		while (c->rcv < c->gen && c->rcvd[c->rcv])
			c->rcv++;
		c->deliv[c->n_deliv++] = t + half;
	}
	if (!lost(m))
		ack_arrives(c, c->rcv, t + 2 * half);
}

static void send_new(struct tcp *c, double t)
{
	while (!c->recovery && c->nxt < c->gen) {
		size_t k = c->nxt++;
		if (!isfinite(c->deadline))
			c->deadline = t + c->rto;
		xmit(c, k, t);
	}
}

/* KEEPALIVEs every K x U[0.75, 1] from first_s on, until D. Fills deliv (SEG_MAX). */
static size_t tcp_stream(struct lm *m, double k, double first_s, double *deliv)
{
	struct tcp *c = calloc(1, sizeof(*c));
	if (!c)
		return 0;
	c->m = m;
	c->rto = m->rto0;
	c->deadline = INFINITY;
	c->deliv = deliv;
	double next_gen = first_s;
	for (;;) {
		double t = fmin(next_gen, c->deadline);
		if (t > m->d)
			break;
		if (next_gen <= c->deadline) {
			if (c->gen == SEG_MAX)
				break;
			c->gen++;
			next_gen += uni(&m->rng, 0.75 * k, k);
			send_new(c, t);
		} else {
			c->recovery = true;
			c->rto = fmin(2 * c->rto, TIMERS_LOSS_RTO_MAX_S);
			c->deadline = t + c->rto;
			xmit(c, c->una, t);
		}
	}
	size_t n = c->n_deliv;
	free(c);
	return n;
}

/* The hold timer of a side that last heard the peer age_s before the fault: the
 * first silence of H (BIRD: H x U[0.75, 1], drawn at each restart) among the
 * deliveries before cut_s. */
static double hold_fire(struct timers_rng *r, double h, bool bird, double age_s,
                        const double *deliv, size_t n, double cut_s)
{
	double expiry = (bird ? uni(r, 0.75 * h, h) : h) - age_s;
	for (size_t i = 0; i < n && deliv[i] < cut_s && deliv[i] < expiry; i++)
		expiry = deliv[i] + (bird ? uni(r, 0.75 * h, h) : h);
	return expiry;
}

/* First successful delivery of one segment sent at t into an idle connection. */
static double tcp_one(struct lm *m, double t)
{
	for (double rto = m->rto0; t <= m->d; rto = fmin(2 * rto, TIMERS_LOSS_RTO_MAX_S)) {
		if (!lost(m))
			return t;
		t += rto;
	}
	return INFINITY;
}

/* charon's DPD on side s: a check finds the tunnel idle after dpd_delay without
 * inbound packets (the probes, else the peer's KEEPALIVEs: the gap montecarlo.c
 * uses); then the exchange, each try a request and its response. */
static double dpd_fire(struct lm *m, uint32_t s)
{
	const struct timers_input *in = m->in;
	double dd = in->side[s].dpd_delay_s;
	double iv =
	    in->probe_interval_s > 0 ? in->probe_interval_s : timers_inbound_gap(in, &m->ses, s);
	double jlo = in->probe_interval_s > 0 ? 1 : 0.75, age, res;
	const struct timers_ike_retransmit *rt = timers_side_retransmit(in, s);
	double ok = (1 - m->p) * (1 - m->p);
	renewal(&m->rng, iv, jlo, 1, &age, &res);
	double last = -age, first = res;
	for (int guard = 0; guard < 100000; guard++) {
		/* The gap detector of BFD, with a detection time of dd. */
		double next = first, start = INFINITY;
		for (;;) {
			double expiry = last + dd;
			if (expiry > m->d && next > m->d)
				break;
			if (next > expiry) {
				start = expiry;
				break;
			}
			if (!lost(m))
				last = next;
			next += uni(&m->rng, jlo * iv, iv);
		}
		if (!(start <= m->d))
			return INFINITY;
		double t = start, to = rt->timeout_s;
		bool answered = false;
		for (uint32_t n = 0; n <= rt->tries; n++, to *= rt->base) {
			if (timers_rng_unit(&m->rng) < ok) {
				answered = true;
				break;
			}
			t += to;
		}
		if (!answered)
			return t; /* strongSwan gives up: SA down, tracking drops the session */
		last = t;         /* the response is inbound traffic */
		first = next > t ? next : t + uni(&m->rng, jlo * iv, iv);
	}
	return INFINITY;
}

struct sample {
	double own[2][TIMERS_LOSS_NMECH]; /* each mechanism on its own clock, per side */
	double det[2];                    /* the side's detection, the other side's included */
	enum timers_loss_mech first;      /* NMECH: none within D */
	double sw[2];                     /* the side's router switched (INFINITY: no) */
};

static void one_sample(struct lm *m, struct sample *o, double *deliv[2])
{
	const struct timers_input *in = m->in;
	double age[2] = {0, 0}, res[2] = {0, 0};
	size_t nd[2] = {0, 0};
	struct timers_rng hold_rng[2] = {{{0}}, {{0}}};
	double best[2];
	enum timers_loss_mech bm[2];

	for (uint32_t s = 0; s < 2; s++)
		for (int k = 0; k < TIMERS_LOSS_NMECH; k++)
			o->own[s][k] = INFINITY;
	/* KEEPALIVEs toward side s come from side s ^ 1. */
	for (uint32_t s = 0; s < 2 && m->ses.hold_s > 0; s++) {
		double k = m->ses.keepalive_s[s ^ 1];
		renewal(&m->rng, k, 0.75, 1, &age[s], &res[s]);
		if (in->side[s].last_rx_known) {
			age[s] = in->side[s].last_rx_age_s;
			res[s] = fmax(uni(&m->rng, 0.75 * k, k) - age[s], 0);
		}
		nd[s] = tcp_stream(m, k, res[s], deliv[s]);
		/* The hold timer's jitter has a stream of its own, replayed below with a cut. */
		timers_rng_seed(&hold_rng[s], (uint64_t)(timers_rng_unit(&m->rng) * 0x1.0p53));
		struct timers_rng replay = hold_rng[s];
		o->own[s][TIMERS_LOSS_HOLD] =
		    hold_fire(&replay, m->ses.hold_s, in->side[s].speaker == TIMERS_SPEAKER_BIRD,
		              age[s], deliv[s], nd[s], INFINITY);
	}
	for (uint32_t s = 0; s < 2; s++) {
		const struct timers_side *sd = &in->side[s];
		if (sd->bfd_interval_s > 0 && sd->bfd_detect_mult > 0) {
			double hi = sd->bfd_detect_mult == 1 ? 0.9 : 1, a, r;
			renewal(&m->rng, sd->bfd_interval_s, 0.75, hi, &a, &r);
			o->own[s][TIMERS_LOSS_BFD] =
			    timers_loss_bfd(&m->rng, sd->bfd_interval_s, 0.75, hi,
			                    sd->bfd_detect_mult, m->p, -a, r, m->d);
		}
		if (sd->track_tunnel && sd->dpd_delay_s > 0)
			o->own[s][TIMERS_LOSS_DPD] = dpd_fire(m, s) + sd->track_latency_s;
	}
	for (uint32_t s = 0; s < 2; s++) {
		best[s] = INFINITY;
		bm[s] = TIMERS_LOSS_NMECH;
		for (int k = 0; k < TIMERS_LOSS_NMECH; k++)
			if (o->own[s][k] < best[s] && o->own[s][k] <= m->d) {
				best[s] = o->own[s][k];
				bm[s] = (enum timers_loss_mech)k;
			}
	}
	uint32_t a = best[1] < best[0] ? 1 : 0, b = a ^ 1;
	o->first = bm[a];
	o->det[a] = best[a];
	o->det[b] = best[b];
	double wake[2] = {0, 0};
	for (uint32_t s = 0; s < 2; s++)
		if (bm[s] == TIMERS_LOSS_HOLD && in->side[s].wake_max_s > 0)
			wake[s] = uni(&m->rng, 0, in->side[s].wake_max_s);
	if (isfinite(best[a])) {
		/* Side a dropped the session: no more KEEPALIVEs for b, and unless its SA
		 * died with DPD its NOTIFICATION crosses the lossy TCP (then b's speaker
		 * reads it at once: a packet wakes BIRD too). */
		double hb = INFINITY;
		if (m->ses.hold_s > 0) {
			hb = hold_fire(&hold_rng[b], m->ses.hold_s,
			               in->side[b].speaker == TIMERS_SPEAKER_BIRD, age[b], deliv[b],
			               nd[b], best[a]);
			if (hb <= m->d && in->side[b].wake_max_s > 0)
				hb += uni(&m->rng, 0, in->side[b].wake_max_s);
		}
		double notify = bm[a] == TIMERS_LOSS_DPD ? INFINITY : tcp_one(m, best[a]);
		double other = fmin(fmin(hb, notify),
		                    fmin(o->own[b][TIMERS_LOSS_BFD], o->own[b][TIMERS_LOSS_DPD]));
		o->det[b] =
		    other <= m->d + (hb == other ? in->side[b].wake_max_s : 0) ? other : INFINITY;
		wake[b] = 0;
	}
	for (uint32_t s = 0; s < 2; s++)
		o->sw[s] = in->alternate_path && isfinite(o->det[s])
		               ? o->det[s] + wake[s] + in->side[s].propagation_s +
		                     in->side[s].programming_s
		               : INFINITY;
}

static void quantiles(double *v, size_t n, double q[TIMERS_NQUANT])
{
	timers_sort(v, n);
	for (int k = 0; k < TIMERS_NQUANT; k++)
		q[k] = n ? timers_quantile_sorted(v, n, timers_quantile_levels[k]) : NAN;
}

int timers_loss_predict(const struct timers_input *in, const struct timers_loss_input *li,
                        struct timers_loss_result *out)
{
	if (!(li->p >= 0 && li->p <= 1))
		return lab_err(LAB_EXIT_USAGE, "loss probability %g is outside [0, 1]", li->p);
	if (!(li->duration_s > 0 && li->duration_s <= 86400))
		return lab_err(LAB_EXIT_USAGE, "loss duration %g s: expected (0, 86400] s",
		               li->duration_s);
	if (!(li->rtt_s >= 0 && li->rtt_s < 10))
		return lab_err(LAB_EXIT_USAGE, "round-trip time %g s: expected [0, 10) s",
		               li->rtt_s);
	if (li->samples == 0)
		return lab_err(LAB_EXIT_USAGE, "the loss model needs at least one sample");
	if (timers_input_check(in) < 0)
		return -1;
	struct lm m = {.in = in,
	               .p = li->p,
	               .d = li->duration_s,
	               .rtt = li->rtt_s,
	               .rto0 = TIMERS_LOSS_RTO_MIN_S + li->rtt_s};
	timers_negotiate(in, &m.ses);
	timers_rng_seed(&m.rng, li->seed);
	memset(out, 0, sizeof(*out));
	out->li = *li;

	size_t n = (size_t)li->samples;
	double *buf = malloc((TIMERS_LOSS_NMECH + TIMERS_NDIR) * n * sizeof(double));
	double *dl0 = malloc(2 * SEG_MAX * sizeof(double));
	if (!buf || !dl0) {
		free(buf);
		free(dl0);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	double *deliv[2] = {dl0, dl0 + SEG_MAX};
	double *fired[TIMERS_LOSS_NMECH], *sw[TIMERS_NDIR];
	size_t nf[TIMERS_LOSS_NMECH] = {0}, ns[TIMERS_NDIR] = {0};
	for (int k = 0; k < TIMERS_LOSS_NMECH; k++)
		fired[k] = buf + (size_t)k * n;
	for (int d = 0; d < TIMERS_NDIR; d++)
		sw[d] = buf + (size_t)(TIMERS_LOSS_NMECH + d) * n;
	uint64_t first[TIMERS_LOSS_NMECH + 1] = {0};
	double q2 = 1 - (1 - li->p) * (1 - li->p), dd = li->duration_s;
	double ld[TIMERS_NDIR] = {0, 0, 0};

	for (size_t i = 0; i < n; i++) {
		struct sample o;
		one_sample(&m, &o, deliv);
		first[o.first]++;
		for (int k = 0; k < TIMERS_LOSS_NMECH; k++) {
			double t = fmin(o.own[0][k], o.own[1][k]);
			if (t <= dd)
				fired[k][nf[k]++] = t;
		}
		double t0 = fmin(o.sw[0], dd), t1 = fmin(o.sw[1], dd);
		double lo = fmin(t0, t1), hi = fmax(t0, t1);
		ld[TIMERS_FWD] += li->p * t0;
		ld[TIMERS_REV] += li->p * t1;
		ld[TIMERS_RTT] += q2 * lo + li->p * (hi - lo);
		double v[TIMERS_NDIR] = {o.sw[0], o.sw[1], fmax(o.sw[0], o.sw[1])};
		for (int d = 0; d < TIMERS_NDIR; d++)
			if (isfinite(v[d]))
				sw[d][ns[d]++] = v[d];
	}
	for (int k = 0; k < TIMERS_LOSS_NMECH; k++) {
		struct timers_loss_mech_stats *st = &out->mech[k];
		for (uint32_t s = 0; s < 2; s++) {
			const struct timers_side *sd = &in->side[s];
			st->configured |= k == TIMERS_LOSS_HOLD ? m.ses.hold_s > 0
			                  : k == TIMERS_LOSS_BFD
			                      ? sd->bfd_interval_s > 0 && sd->bfd_detect_mult > 0
			                      : sd->track_tunnel && sd->dpd_delay_s > 0;
		}
		st->n_fired = nf[k];
		st->p_fire = (double)nf[k] / (double)n;
		quantiles(fired[k], nf[k], st->q_s);
	}
	for (int k = 0; k <= TIMERS_LOSS_NMECH; k++)
		out->p_first[k] = (double)first[k] / (double)n;
	out->likeliest = TIMERS_LOSS_NMECH;
	for (int k = 0; k < TIMERS_LOSS_NMECH; k++)
		if (out->p_first[k] > out->p_first[out->likeliest])
			out->likeliest = (enum timers_loss_mech)k;
	for (int d = 0; d < TIMERS_NDIR; d++) {
		out->p_failover[d] = (double)ns[d] / (double)n;
		quantiles(sw[d], ns[d], out->switch_q_s[d]);
		out->loss_derived_s[d] = ld[d] / (double)n;
		out->loss_derived_nofire_s[d] = (d == TIMERS_RTT ? q2 : li->p) * dd;
	}
	free(buf);
	free(dl0);
	return 0;
}

const char *timers_loss_mech_name(enum timers_loss_mech m)
{
	static const char *const n[] = {"hold", "bfd", "dpd", "none"};
	return (unsigned)m <= TIMERS_LOSS_NMECH ? n[m] : "?";
}

int timers_loss_parse(const char *fault, double *p)
{
	char *end;
	if (strncmp(fault, "loss:", 5))
		return lab_err(LAB_EXIT_USAGE,
		               "fault '%s': give the loss as loss:P (percent, e.g. "
		               "loss:30)",
		               fault);
	double v = strtod(fault + 5, &end);
	if (end == fault + 5 || (*end && strcmp(end, "%")) || !(v >= 0 && v <= 100))
		return lab_err(LAB_EXIT_USAGE,
		               "fault '%s': expected loss:P with P a percentage "
		               "from 0 to 100, e.g. loss:30",
		               fault);
	*p = v / 100;
	return 0;
}
