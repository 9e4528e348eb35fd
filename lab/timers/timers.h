/* Timer math: how long a probe loses packets when one tunnel dies.
 *
 * Pure functions: no I/O, no clock, no root, no globals. Times are seconds as
 * doubles (the topology's integer milliseconds divided by 1000); INFINITY means
 * "never" (e.g. hold time 0 and no other detection mechanism, or no alternate path).
 *
 * The scenario (struct timers_input) has two sides, one per tunnel end. Side 0 is the
 * end the probe's `from` host reaches (Alibaba in dual-tunnel), side 1 the other.
 * Direction fwd = from -> to, so the fwd outage ends when side 0's router stops
 * sending into the dead tunnel: side 0's detection + withdrawal propagation to its
 * router + that router's route programming delay. rev likewise with side 1. A round
 * trip (ping) needs both directions: its outage is the larger of the two.
 * docs/timer-math.md derives every window. */
#ifndef LAB_TIMERS_TIMERS_H
#define LAB_TIMERS_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMERS_NAME_MAX 32
#define TIMERS_MAX_PARTS 6
#define TIMERS_MAX_MODELS 6

/* How a BGP speaker runs its timers. */
enum timers_speaker {
	/* RFC 4271 exactly (our labctl-bgpd): keepalive jittered to [0.75K, K], hold
	 * timer not jittered, keepalive = min(configured, hold/3). */
	TIMERS_SPEAKER_RFC4271,
	/* BIRD 2: every timer, the hold timer included, jittered to [0.75T, T]; the
	 * configured keepalive scaled by negotiated/configured hold, floor 1 s. */
	TIMERS_SPEAKER_BIRD,
};

enum timers_fault {
	/* The article's fault: one side's IKE parameters changed, SAs deleted (DELETE
	 * reaches the peer), no re-establishment. Silent for BGP in both directions. */
	TIMERS_FAULT_IKE_MISMATCH,
	/* Underlay drops the tunnel's packets; SAs stay up until DPD gives up. */
	TIMERS_FAULT_BLACKHOLE,
	/* Carrier loss on a gateway uplink: for the model the same as a blackhole. */
	TIMERS_FAULT_LINK_DOWN,
	/* charon crashes on the faulted side: tunnel dead, no DELETE, the crashed
	 * side's tunnel events die with it; the peer needs DPD or its hold timer. */
	TIMERS_FAULT_KILL_CHARON,
	/* The BGP speaker (ours or BIRD) crashes: the kernel closes its TCP session
	 * (FIN/RST crosses the still working tunnel) and the data path stays intact,
	 * so probes lose nothing. */
	TIMERS_FAULT_KILL_SPEAKER,
};

enum timers_mechanism {
	TIMERS_MECH_NONE,      /* never detected */
	TIMERS_MECH_HOLD,      /* BGP hold timer expiry */
	TIMERS_MECH_TRACK,     /* CHILD SA down event -> speaker drops the session */
	TIMERS_MECH_DPD,       /* DPD gives up -> SA down -> tracking drops the session */
	TIMERS_MECH_BFD,       /* BFD model: detect_mult x interval (the lab has no BFD) */
	TIMERS_MECH_TCP_CLOSE, /* peer's kernel closed the TCP session */
	TIMERS_MECH_MIXED,     /* more than one mechanism can end it */
	/* The tunnel device (or its address) went away and the speaker saw it through
	 * netlink at once: its next hop unreachable (ours) or its session's address
	 * gone (BIRD). kernel-libipsec's TUN belongs to charon: killing charon removes it. */
	TIMERS_MECH_NEXTHOP,
};

/* strongSwan IKEv2 retransmission settings (charon.retransmit_*). */
struct timers_ike_retransmit {
	double timeout_s; /* 4.0 */
	double base;      /* 1.8 */
	uint32_t tries;   /* 5 */
};

/* One tunnel end and the path behind it. */
struct timers_side {
	char gateway[TIMERS_NAME_MAX]; /* node terminating the tunnel, e.g. "ali-vpn0" */
	char router[TIMERS_NAME_MAX];  /* node whose ECMP choice must drop the tunnel,
	                                * e.g. "ali-tr"; the gateway itself if none */
	enum timers_speaker speaker;   /* the gateway's BGP speaker */
	double keepalive_s;            /* configured; 0 = hold/3 */
	double hold_s;                 /* configured; 0 = no hold timer offered */
	bool track_tunnel;             /* session dropped on CHILD SA down */
	/* The gateway's tunnel device dies with its charon (kernel-libipsec): our
	 * speaker drops the next hop on the netlink notification, BIRD the session
	 * whose local address went. */
	bool dev_dies_with_charon;
	double track_latency_s; /* SA down event -> session dropped */
	double dpd_delay_s;     /* 0 = DPD off */
	/* This gateway's charon.retransmit_* (the topology's, per node); timeout_s 0:
	 * the input's `retransmit` (strongSwan's defaults). */
	struct timers_ike_retransmit retransmit;
	double bfd_interval_s; /* 0 = no BFD (model only) */
	uint32_t bfd_detect_mult;
	double propagation_s; /* withdrawal: gateway -> router */
	double programming_s; /* router: Loc-RIB change -> FIB */
	/* After its hold timer fires the speaker withdraws within [0, wake_max_s]:
	 * BIRD 2.0 only at its main loop's next wake-up (TIMERS_BIRD_WAKE_MAX_S).
	 * A property of the binary, not of the timers: never scaled. 0 = at once. */
	double wake_max_s;
	/* The age of the last KEEPALIVE (or UPDATE) this side received when the fault
	 * fell, when a run's journal shows it; otherwise (false, the default) the
	 * fault falls at a random instant of the peer's schedule. Conditions the hold
	 * timer only (DPD keeps its own schedule). */
	bool last_rx_known;
	double last_rx_age_s;
};

struct timers_input {
	struct timers_side side[2];
	enum timers_fault fault;
	uint32_t fault_side;        /* side the fault acts on (kill, link-down) */
	bool alternate_path;        /* another tunnel joins the two sites */
	double probe_interval_s;    /* resolution of the measurement; 0 = exact */
	double clock_granularity_s; /* charon's DPD clock (whole seconds): 1.0 */
	struct timers_ike_retransmit retransmit;
	/* The article's formula, scaled with everything else (1, 1 at time scale 1):
	 * keepalive from article_k_min_s to K, plus H, plus article_switch_s. */
	double article_k_min_s;
	double article_switch_s;
};

/* Negotiated values of one BGP session as each side runs them. */
struct timers_session {
	double hold_s;         /* min of both OPENs; 0 = no hold timer */
	double keepalive_s[2]; /* interval each side sends at (upper end of its jitter) */
	double hold_min_s[2];  /* shortest hold timer each side may run (BIRD: 0.75 H) */
};

struct timers_window {
	double min_s, max_s; /* infimum and supremum; max_s may be INFINITY */
};

struct timers_part {
	char name[TIMERS_NAME_MAX];          /* "detection", "propagation", "programming",
	                                      * "probe-resolution", "slower-direction", ... */
	char where[2 * TIMERS_NAME_MAX + 4]; /* node, "gw->router", direction or "" */
	struct timers_window w;
};

/* One direction (or the round trip): window = sum of its parts. */
struct timers_path {
	struct timers_window w;
	struct timers_part parts[TIMERS_MAX_PARTS];
	size_t n_parts;
	enum timers_mechanism mechanism; /* what ends the detection part */
	char note[96];                   /* why unbounded / why zero, else "" */
};

enum timers_dir { TIMERS_FWD, TIMERS_REV, TIMERS_RTT, TIMERS_NDIR };

struct timers_model {
	char name[TIMERS_NAME_MAX]; /* "article", "rfc4271", "bird", "lab" */
	char summary[256];
	struct timers_path dir[TIMERS_NDIR];
};

struct timers_prediction {
	struct timers_session session;
	struct timers_model models[TIMERS_MAX_MODELS];
	size_t n_models;
};

/* BIRD 2.0's io_loop (sysdep/unix/io.c) runs its event lists, then its timers,
 * then poll()s with a 3000 ms timeout unless an event ran *before* the timers or a
 * timer is due sooner. bgp_hold_timeout -> bgp_error -> bgp_stop ->
 * proto_notify_state(PS_STOP) only schedules events (channel flush and route
 * prune, the NOTIFICATION, the UPDATEs to the other peers), so they run when poll()
 * next returns: a packet on any of BIRD's sockets, its next timer, or the timeout.
 * Measured in dual-tunnel (BIRD 2.0.12) after "Hold timer expired": 0.11-3.003 s,
 * median 1.0 s (15 runs, time scale 0.1); 0.37-3.008 s, median 3.0 s (10 runs, time
 * scale 1: the hub's KEEPALIVEs are rarer). The few ms over 3 s are scheduling, as
 * in every other part. BIRD 3 checks its event lists after the timers. */
#define TIMERS_BIRD_WAKE_MAX_S 3.0

/* ---- model.c: input defaults, names, negotiation, scaling ---- */

/* Fills the article's scenario with the lab's defaults (10/30 RFC on side 0, BIRD
 * 60/180 on side 1, ike-mismatch, delays 0, probe 0.1 s, strongSwan defaults). */
void timers_input_article(struct timers_input *in);
/* Checks ranges (hold 0 or >= 3 s, keepalive <= hold, ...). 0 or -1 + lab_err(2). */
int timers_input_check(const struct timers_input *in);
/* --time-scale for a hand-filled scenario, the same way topo_apply_time_scale
 * (topo.h) scales a topology for `up`: hold whole seconds and >= 3 s (or 0),
 * keepalive whole seconds in [1 s, hold/3], DPD whole seconds >= 1 s, delays to the
 * millisecond; the probe interval is the measurement's resolution and is not
 * scaled. Then timers_input_scale_model(). 0, or -1 + lab_err(2) unless 0 < f <= 1. */
int timers_input_scale(struct timers_input *in, double f);
/* Scales only what the topology does not hold: the article's formula terms and
 * charon's retransmission timeout. For an input mapped from an already scaled
 * topology. charon's clock granularity (1 s) never scales. */
int timers_input_scale_model(struct timers_input *in, double f);
void timers_negotiate(const struct timers_input *in, struct timers_session *s);

const char *timers_fault_name(enum timers_fault f);
int timers_fault_parse(const char *s, enum timers_fault *out); /* 0 or -1 + lab_err */
const char *timers_speaker_name(enum timers_speaker s);
const char *timers_mechanism_name(enum timers_mechanism m);
const char *timers_dir_name(enum timers_dir d); /* "fwd", "rev", "rtt" */

/* ---- closed.c: closed-form windows ---- */

/* Fills every model. 0, or -1 with lab_err set (bad input). */
int timers_predict(const struct timers_input *in, struct timers_prediction *out);
/* One model by name; NULL if absent. */
const struct timers_model *timers_find_model(const struct timers_prediction *p, const char *name);
/* Detection window of one side for the lab's mechanisms (used by the report to mark
 * hold expiry on the timeline). */
struct timers_window timers_detection(const struct timers_input *in, uint32_t side,
                                      enum timers_mechanism *mech);
/* The schedule side `side`'s charon runs: its own, else the input's. */
const struct timers_ike_retransmit *timers_side_retransmit(const struct timers_input *in,
                                                           uint32_t side);
/* Total time strongSwan retransmits before giving up: sum timeout*base^n, n=0..tries. */
double timers_retransmit_total(const struct timers_ike_retransmit *r);

/* ---- montecarlo.c: seeded simulation of the same mechanisms ---- */

struct timers_mc_stats {
	struct timers_window w; /* observed min and max */
	double mean_s;
	uint64_t n; /* samples with a finite outage */
};

struct timers_mc_result {
	char model[TIMERS_NAME_MAX];
	struct timers_mc_stats dir[TIMERS_NDIR];
};

/* Simulates `samples` faults at a uniformly random phase for one model ("lab",
 * "rfc4271", "bird" or "article"); keepalive schedules, hold timers, DPD checks and
 * probe grids are drawn explicitly. Deterministic for a given seed. */
int timers_simulate(const struct timers_input *in, const char *model, uint64_t samples,
                    uint64_t seed, struct timers_mc_result *out);

/* ---- distribution.c: quantiles of the simulated outages ---- */

#define TIMERS_NQUANT 9
/* 0.01 0.05 0.10 0.25 0.50 0.75 0.90 0.95 0.99 */
extern const double timers_quantile_levels[TIMERS_NQUANT];
/* Faults per model for `predict --distribution`: the median's standard error is
 * then about 0.01 s for dual-tunnel (docs/timer-math.md "Distributions"). */
#define TIMERS_DIST_SAMPLES 200000

struct timers_dist_dir {
	double q_s[TIMERS_NQUANT]; /* at timers_quantile_levels; INFINITY past the end */
	double mean_s;             /* INFINITY if any outage never ends */
	uint64_t n, n_never;       /* finite outages, outages that never end */
};

struct timers_dist {
	char model[TIMERS_NAME_MAX];
	uint64_t samples, seed;
	struct timers_dist_dir dir[TIMERS_NDIR];
};

/* Simulated outages of one direction, finite ones sorted ascending. */
struct timers_sample {
	double *v;
	size_t n;
	uint64_t n_never;
};

/* Quantiles and mean of `samples` simulated faults per direction. Deterministic for
 * a seed. 0 or -1 + lab_err. */
int timers_distribution(const struct timers_input *in, const char *model, uint64_t samples,
                        uint64_t seed, struct timers_dist *out);
/* The simulated outages themselves (allocated; timers_sample_free). */
int timers_sample_outages(const struct timers_input *in, const char *model, uint64_t samples,
                          uint64_t seed, struct timers_sample out[TIMERS_NDIR]);
void timers_sample_free(struct timers_sample s[TIMERS_NDIR]);
void timers_dist_from_sample(const struct timers_sample *s, struct timers_dist_dir *out);
/* Empirical CDF: the fraction of all simulated outages (never-ending ones count
 * as longer than any x) that are <= x. */
double timers_sample_cdf(const struct timers_sample *s, double x);
/* Type 7 quantile of n sorted values; NAN for n = 0. */
double timers_quantile_sorted(const double *v, size_t n, double p);
void timers_sort(double *v, size_t n);

/* ---- fit.c: the range of one unknown delay consistent with measurements ---- */

enum timers_unknown {
	TIMERS_UNKNOWN_PROGRAMMING,     /* programming delay, same at both routers */
	TIMERS_UNKNOWN_PROGRAMMING_FWD, /* side 0's router only */
	TIMERS_UNKNOWN_PROGRAMMING_REV, /* side 1's router only */
	TIMERS_UNKNOWN_PROPAGATION,     /* withdrawal propagation, both sides */
	/* One hidden cloud time d after each side's hold timer: each router programs
	 * max(0, d - its gateway's wake_max_s) (the lab's BIRD spends its wake-up
	 * itself). */
	TIMERS_UNKNOWN_CLOUD,
};

struct timers_fit {
	enum timers_unknown unknown;
	enum timers_dir dir;
	bool found;
	double lo_s, hi_s;               /* every measurement inside the window for d in [lo, hi] */
	double suggest_s;                /* midpoint */
	struct timers_window at_suggest; /* the lab window with d = suggest */
	char why[256];                   /* when !found: which measurement cannot fit and why */
};

const char *timers_unknown_name(enum timers_unknown u);
int timers_unknown_parse(const char *s, enum timers_unknown *out); /* 0 or -1 + lab_err */
/* Sets the delay(s) the unknown stands for to d in `in`. */
void timers_unknown_apply(enum timers_unknown u, double d, struct timers_input *in);
/* Fits d in [0, max_s] against the "lab" model. Returns 0 (see out->found) or -1 on
 * bad input. */
int timers_fit_unknown(const struct timers_input *in, enum timers_unknown u, enum timers_dir dir,
                       const double *measured, size_t n, double max_s, struct timers_fit *out);

/* ---- fit_likelihood.c: the likeliest value of one or two unknown delays ---- */

enum timers_fit_method { TIMERS_FIT_LIKELIHOOD, TIMERS_FIT_RANGE };
int timers_fit_method_parse(const char *s, enum timers_fit_method *out); /* 0 or -1 */

#define TIMERS_LIK_CURVE_MAX 401 /* grid points for one unknown */
#define TIMERS_LIK_GRID2_MAX 81  /* grid points per unknown when fitting two */
/* A plateau (likelihood within a factor 2 of its maximum) at least this wide is
 * "flat": the measurements do not pick one value in it (docs/timer-math.md). */
#define TIMERS_LIK_FLAT_S 1.0
#define TIMERS_LIK_SAMPLES 100000 /* simulated faults, one unknown */
#define TIMERS_LIK_SAMPLES2 20000 /* two unknowns: 81 x 81 candidates */

struct timers_lik_request {
	const struct timers_input *in;
	enum timers_unknown unknown[2];
	size_t n_unknown;    /* 1, or 2 acting on different directions */
	enum timers_dir dir; /* what was measured */
	const double *measured;
	size_t n_measured;
	double max_s;  /* search no further than this */
	double step_s; /* finest grid step (the grid has at most
	                * TIMERS_LIK_CURVE_MAX / GRID2_MAX points) */
	uint64_t samples, seed;
};

/* Log-likelihood of one unknown over its grid (the profile: maximised over the
 * other unknown when there are two). */
struct timers_lik_profile {
	size_t n;
	double d_s[TIMERS_LIK_CURVE_MAX];
	double loglik[TIMERS_LIK_CURVE_MAX];
	double lo_s, hi_s;                 /* 90 % interval: central 90 % of the likelihood
	                                    * normalised over the value (flat prior) */
	double median_s;                   /* its 50 % point */
	double ci_lo_s, ci_hi_s;           /* 90 % likelihood-ratio interval (Wilks): too
	                                    * narrow when the window's ends move with the
	                                    * value, as they do here; shown beside */
	bool ci_open_lo, ci_open_hi;       /* LR interval still inside at the grid's end */
	double plateau_lo_s, plateau_hi_s; /* likelihood >= max / 2 */
	bool flat;                         /* plateau >= TIMERS_LIK_FLAT_S wide */
};

struct timers_lik_fit {
	size_t n_unknown;
	enum timers_unknown unknown[2];
	enum timers_dir dir;
	uint64_t samples, seed;
	bool found;
	char why[256];      /* when !found */
	double bandwidth_s; /* of the Gaussian kernel */
	struct {
		double lo_s, step_s;
		size_t n;
	} grid[2];
	double ml_s[2]; /* maximum likelihood (on the grid) */
	double loglik_max;
	struct timers_lik_profile profile[2];
	bool flat; /* any unknown's profile is flat */
	/* The answer: the median of the normalised likelihood (the maximum can sit on
	 * an end of the support), or where the likelihood is flat, the value in the
	 * plateau whose predicted median equals the measurements' mean. */
	double chosen_s[2];
	bool chosen_by_median;
	double mean_measured_s;
	struct timers_dist_dir at_chosen; /* predicted distribution at the answer */
};

/* 0 (see out->found and out->why) or -1 + lab_err on bad input. */
int timers_fit_likelihood(const struct timers_lik_request *rq, struct timers_lik_fit *out);

/* ---- goodness_of_fit.c: measured runs against the model's distribution ---- */

#define TIMERS_GOF_MAX_RUNS 256
#define TIMERS_GOF_ALPHA 0.05

struct timers_gof {
	char model_name[TIMERS_NAME_MAX]; /* set by timers_gof_test */
	enum timers_dir dir;
	uint64_t samples, seed;
	size_t n;
	double outage_s[TIMERS_GOF_MAX_RUNS]; /* the runs, in the order given */
	double quantile[TIMERS_GOF_MAX_RUNS]; /* each run's place: the model's CDF there */
	double pit[TIMERS_GOF_MAX_RUNS];      /* the same randomised within its probe-grid
	                                       * cell, what the test uses */
	struct timers_dist_dir model;         /* the model's quantiles */
	double median_runs_s;
	double ks_d;      /* one-sample Kolmogorov-Smirnov statistic */
	double p_value;   /* P(D >= ks_d) if the model is right */
	bool reject;      /* p_value < TIMERS_GOF_ALPHA */
	bool conditioned; /* quantiles given each run's KEEPALIVE ages */
};

/* Places each of the n measured outages x (seconds, the direction dir of the
 * probes) at its quantile of the model's simulated distribution (`samples` faults,
 * seeded; TIMERS_DIST_SAMPLES is a good default) and tests them all against it.
 * 0, or -1 + lab_err(2) on bad input (n = 0 or > TIMERS_GOF_MAX_RUNS, a negative
 * outage, an unknown model). */
int timers_gof_test(const struct timers_input *in, const char *model, enum timers_dir dir,
                    const double *x, size_t n, uint64_t samples, uint64_t seed,
                    struct timers_gof *out);
/* The same against an existing sorted sample, its outages on a probe grid of
 * probe_s (0 = continuous). */
int timers_gof_against(const struct timers_sample *model, double probe_s, const double *x, size_t n,
                       struct timers_gof *out);
/* Each run i against its own sorted sample models[i] (pointers may repeat: runs
 * of one fault share one), on a probe grid of probe_s. For runs whose faults
 * differ (another tunnel, another interval): the quantiles are still uniform under
 * the model. out->model is models[0]'s distribution. 0 or -1 + lab_err(2). */
int timers_gof_each(const struct timers_sample *const *models, double probe_s, const double *x,
                    size_t n, struct timers_gof *out);
/* As timers_gof_test, but each run i is placed in the model conditioned on what
 * its journal shows: age0[i] / age1[i], the age of the last KEEPALIVE side 0 / 1
 * received when the fault fell (NAN, or a NULL array, where unknown). The runs'
 * quantiles (probability integral transforms) are then tested for uniformity. A
 * lab that injects faults at a fixed phase of the keepalive schedule fails the
 * unconditional test and passes this one if the mechanisms are right.
 * `samples` faults per run. */
int timers_gof_conditional(const struct timers_input *in, const char *model, enum timers_dir dir,
                           const double *x, const double *age0, const double *age1, size_t n,
                           uint64_t samples, uint64_t seed, struct timers_gof *out);
/* The model's CDF at x, each simulated outage spread over its probe-grid cell. */
double timers_gof_cdf(const struct timers_sample *s, double probe_s, double x);
/* P(D_n >= d) under the null: Kolmogorov with Stephens' finite-n correction for
 * n >= 5, simulated (100 000 seeded sets) below. */
double timers_ks_pvalue(double d, size_t n);
/* One sentence: what the p-value means for these runs. */
void timers_gof_meaning(const struct timers_gof *g, char *buf, size_t len);
/* The runs, their quantiles, the model's p10/p50/p90, the test and its meaning, as
 * text lines into buf (snprintf semantics: returns the length it needed). */
size_t timers_gof_format(const struct timers_gof *g, char *buf, size_t len);

/* ---- json.c: stable JSON of a prediction (golden files compare it exactly) ---- */

struct json;
void timers_input_json(struct json *j, const struct timers_input *in);
void timers_prediction_json(struct json *j, const struct timers_prediction *p);
void timers_window_json(struct json *j, const struct timers_window *w);
void timers_mc_json(struct json *j, const struct timers_mc_result *r);
void timers_fit_json(struct json *j, const struct timers_fit *f);
void timers_dist_dir_json(struct json *j, const struct timers_dist_dir *q);
void timers_dist_json(struct json *j, const struct timers_dist *d);
void timers_lik_fit_json(struct json *j, const struct timers_lik_fit *f);
void timers_gof_json(struct json *j, const struct timers_gof *g);

struct timers_budget_check;
/* The document `labctl predict --json` prints and the golden files hold. */
struct timers_doc {
	const char *topology; /* name, not path: goldens must not depend on the checkout */
	const char *tunnel;
	double time_scale;
	const struct timers_input *in;
	const struct timers_prediction *pred;
	const struct timers_mc_result *mc; /* n_mc results, or none */
	size_t n_mc;
	uint64_t mc_samples, mc_seed;
	const struct timers_dist *dist; /* n_dist distributions (--distribution), or none */
	size_t n_dist;
	const struct timers_gof *gof; /* measured runs tested (--runs), or NULL */
	/* --max-outage or expect: the checks (timers/budget.h); "budget" only when n_budget */
	const struct timers_budget_check *budget;
	size_t n_budget;
};
void timers_predict_doc(struct json *j, const struct timers_doc *d);

/* ---- from_topo.c ---- */

struct topo;
/* Maps a topology to the scenario: the tunnel's two gateway nodes' BGP timers and
 * speakers, their tracking and DPD, the programming delays of the routers behind
 * them, the first probe's interval. fault is a name as timers_fault_parse takes,
 * or NULL for the article's ike-mismatch. 0 or -1 with lab_err set (exit code 2). */
int timers_input_from_topo(const struct topo *t, uint32_t tunnel_index, const char *fault,
                           struct timers_input *out);

#endif
