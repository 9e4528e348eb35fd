/* labctl compare (compare.h): one lab per mechanism, the experiment per fault. */
#include "experiment/compare.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "run/run.h"

static void say(const struct cmp_spec *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const struct cmp_spec *s, const char *fmt, ...)
{
	if (!s->say)
		return;
	char line[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->say(s->say_ctx, line);
}

/* `labctl up` of this very binary: up is a command with its own checks, summary
 * and failure handling (the lab left for inspection), which a comparison wants
 * exactly as a user gets it. Its stdout goes to our stderr (progress). */
static int up_variant(const struct cmp_spec *s, const char *name, const char *mech)
{
	char self[PATH_MAX], scale[32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno,
		                     "cannot find labctl itself (/proc/self/exe)");
	self[n] = '\0';
	snprintf(scale, sizeof(scale), "%.17g", s->time_scale > 0 ? s->time_scale : 1.0);
	pid_t pid = fork();
	if (pid < 0)
		return lab_err_errno(LAB_EXIT_FAIL, errno, "fork for labctl up");
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl(self, "labctl", "up", s->topology, "--name", name, "--time-scale", scale,
		      "--override", mech, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return lab_err_errno(LAB_EXIT_FAIL, errno, "waiting for labctl up");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return lab_err(WIFEXITED(st) && WEXITSTATUS(st) == 2 ? LAB_EXIT_USAGE : LAB_EXIT_FAIL,
	               "labctl up %s --override %s failed (%s %d); its message is above",
	               s->topology, mech, WIFEXITED(st) ? "exit" : "signal",
	               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

void cmp_ended(const struct report_run *r, char *buf, size_t len)
{
	const char *what = "not-modelled";
	if (r->measured_s[TIMERS_RTT] < 0 && r->measured_s[TIMERS_FWD] < 0 &&
	    r->measured_s[TIMERS_REV] < 0)
		what = "no-loss";
	else if (!r->recovery_t)
		what = "not-recovered";
	else if (r->heal_t && r->heal_t <= r->recovery_t)
		what = "heal";
	else {
		int last = r->dir_recovery_t[1] > r->dir_recovery_t[0] ? 1 : 0;
		const char *how = r->side_how[last];
		/* Only an event before the recovery it explains can be its cause. */
		if (r->side_down_t[last] && r->side_down_t[last] <= r->dir_recovery_t[last]) {
			if (has(how, "hold timer") || has(how, "Hold timer"))
				what = "hold";
			else if (has(how, "tunnel-down"))
				what = strcmp(r->kind, "ike-mismatch") ? "dpd" : "track";
			else if (has(how, "bfd") || has(how, "BFD"))
				what = "bfd";
			else if (has(how, "tcp-closed") || has(how, "notification") ||
			         has(how, "Connection closed") || has(how, "Received"))
				what = "tcp-close";
			else if (has(how, "session closed"))
				/* BIRD: its local address went with charon's TUN */
				what = "session-closed";
			else if (has(how, "nexthop-unreachable"))
				what = "nexthop-unreachable";
		} else if (has(r->mechanism, "nexthop-unreachable")) {
			what = "nexthop-unreachable";
		}
	}
	snprintf(buf, len, "%s", what);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void summarise(struct cmp_cell *c)
{
	double v[64];
	size_t n = 0;
	c->min_s = c->med_s = c->max_s = NAN;
	for (int d = 0; d < TIMERS_NDIR; d++)
		c->floor_s[d] = NAN;
	for (size_t i = 0; i < c->rep.n_runs; i++) {
		const struct report_run *r = &c->rep.runs[i];
		if (i < 64)
			cmp_ended(r, c->ended[i], sizeof(c->ended[i]));
		if (!c->has_pred && r->has_pred) {
			const struct timers_model *m = timers_find_model(&r->pred, "lab");
			if (m) {
				c->has_pred = true;
				for (int d = 0; d < TIMERS_NDIR; d++)
					c->pred[d] = m->dir[d].w;
				snprintf(c->pred_mech, sizeof(c->pred_mech), "%s",
				         timers_mechanism_name(m->dir[TIMERS_RTT].mechanism));
				/* Instant detection leaves what follows it in each direction. */
				for (int d = 0; d < 2; d++) {
					double s = 0;
					for (size_t k = 0; k < m->dir[d].n_parts; k++)
						if (!strcmp(m->dir[d].parts[k].name,
						            "propagation") ||
						    !strcmp(m->dir[d].parts[k].name, "programming"))
							s += m->dir[d].parts[k].w.max_s;
					c->floor_s[d] = s;
				}
				c->floor_s[TIMERS_RTT] = fmax(c->floor_s[0], c->floor_s[1]);
			}
		}
		if (r->measured_s[TIMERS_RTT] >= 0 && n < 64) {
			v[n++] = r->measured_s[TIMERS_RTT];
			c->n_inside += r->inside[TIMERS_RTT] == 1;
		}
	}
	c->n_measured = n;
	for (int d = 0; d < 2; d++) {
		double w[64];
		size_t m = 0;
		for (size_t i = 0; i < c->rep.n_runs && m < 64; i++)
			if (c->rep.runs[i].measured_s[d] >= 0)
				w[m++] = c->rep.runs[i].measured_s[d];
		c->dir_med_s[d] = NAN;
		if (m) {
			qsort(w, m, sizeof(w[0]), cmp_dbl);
			c->dir_med_s[d] = m % 2 ? w[m / 2] : (w[m / 2 - 1] + w[m / 2]) / 2;
		}
	}
	if (!n)
		return;
	qsort(v, n, sizeof(v[0]), cmp_dbl);
	c->min_s = v[0];
	c->max_s = v[n - 1];
	c->med_s = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void observe(void *ctx, enum exp_event ev, const struct exp_run *run, const char *msg)
{
	const struct cmp_spec *s = ctx;
	switch (ev) {
	case EXP_EV_WARNING: say(s, "warning: %s", msg); break;
	case EXP_EV_INJECTED:
		say(s, "  run %ld: %s on %s; waiting up to %.1f s", run->index,
		    fault_kind_name(run->fault.kind), run->fault.target, run->bound_s);
		break;
	case EXP_EV_NOT_RECOVERED:
		say(s, "  run %ld: no recovery within %.1f s: %s", run->index, run->bound_s,
		    run->not_ok);
		break;
	case EXP_EV_WAITING:
	case EXP_EV_HEALED: break; /* a line per poll would drown the table */
	}
}

/* The runs of one fault on a lab that is up. */
static int run_cell(const struct cmp_spec *s, const char *lab, struct cmp_cell *c,
                    enum fault_kind k)
{
	struct exp_spec es = {.kind = k,
	                      .tunnel = "auto",
	                      .param = 100,
	                      .runs = s->runs,
	                      .time_scale = s->lab ? s->time_scale : 0,
	                      .stop = s->stop};
	struct exp e;
	bool failed = false;
	int rc = -1;
	if (exp_open(&e, lab, &es, observe, (void *)s) == 0 && exp_wait_steady(&e) == 0 &&
	    exp_probes_start(&e) == 0 && exp_run_series(&e, NULL, &failed) == 0) {
		exp_probes_stop(&e);
		rc = exp_collect(&e, &c->rep);
	}
	if (rc < 0)
		snprintf(c->error, sizeof(c->error), "%s", lab_err_msg());
	exp_close(&e);
	if (rc == 0) {
		c->ok = true;
		summarise(c);
	}
	return rc;
}

int cmp_run(const struct cmp_spec *s, struct cmp_result *out)
{
	memset(out, 0, sizeof(*out));
	size_t nm = s->lab ? 1 : s->n_mechs;
	if (!nm || !s->n_faults || s->runs < 1 || s->runs > 64)
		return lab_err(LAB_EXIT_USAGE, "compare needs a mechanism, a fault and 1-64 runs");
	out->cells = calloc(nm * s->n_faults, sizeof(*out->cells));
	if (!out->cells)
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	out->n_cells = nm * s->n_faults;
	out->time_scale = s->time_scale > 0 ? s->time_scale : 1.0;
	snprintf(out->topology, sizeof(out->topology), "%s", s->topology ? s->topology : s->lab);
	size_t ran = 0;
	for (size_t m = 0; m < nm; m++) {
		char lab[40];
		const char *mech = s->lab ? "as-is" : s->mechs[m].spec;
		if (s->lab)
			snprintf(lab, sizeof(lab), "%s", s->lab);
		else
			snprintf(lab, sizeof(lab), "cmp%zu-%s", m + 1,
			         topo_mech_name(s->mechs[m].kind));
		int up = 0;
		bool existed = false;
		if (!s->lab) {
			char dir[PATH_MAX];
			snprintf(dir, sizeof(dir), "%s/%s", run_root(), lab);
			existed = access(dir, F_OK) == 0;
		}
		if (existed) {
			up = lab_err(LAB_EXIT_FAIL,
			             "lab %s exists (from an earlier compare?); "
			             "`labctl down %s` removes it",
			             lab, lab);
		} else if (!s->lab) {
			say(s, "%s: labctl up %s --override %s", lab, s->topology, mech);
			up = up_variant(s, lab, mech);
		}
		char uperr[512] = "";
		if (up < 0)
			snprintf(uperr, sizeof(uperr), "%s", lab_err_msg());
		for (size_t f = 0; f < s->n_faults; f++) {
			struct cmp_cell *c = &out->cells[m * s->n_faults + f];
			snprintf(c->mech, sizeof(c->mech), "%s", mech);
			snprintf(c->fault, sizeof(c->fault), "%s", fault_kind_name(s->faults[f]));
			snprintf(c->lab, sizeof(c->lab), "%s", lab);
			for (int d = 0; d < TIMERS_NDIR; d++)
				c->floor_s[d] = NAN;
			c->min_s = c->med_s = c->max_s = NAN;
			c->dir_med_s[0] = c->dir_med_s[1] = NAN;
			if (up < 0) {
				snprintf(c->error, sizeof(c->error), "%s", uperr);
				continue;
			}
			if (s->stop && *s->stop)
				break;
			say(s, "%s: %s x %ld", lab, c->fault, s->runs);
			if (run_cell(s, lab, c, s->faults[f]) == 0)
				ran++;
			else
				say(s, "%s: %s: %s", lab, c->fault, c->error);
			lab_err_clear();
		}
		/* compare removes only a lab it created: not one that existed before. */
		if (!s->lab && !existed) {
			struct run_down_stats ds;
			say(s, "%s: down", lab);
			if (run_lab_down(lab, &ds) < 0)
				say(s, "%s: down failed: %s", lab, lab_err_msg());
			lab_err_clear();
		}
		if (s->stop && *s->stop)
			return lab_err(LAB_EXIT_FAIL, "interrupted");
	}
	if (!ran)
		return lab_err(LAB_EXIT_FAIL, "no mechanism x fault could run: %s",
		               out->cells[0].error);
	return 0;
}

void cmp_free(struct cmp_result *r)
{
	for (size_t i = 0; i < r->n_cells; i++)
		report_free(&r->cells[i].rep);
	free(r->cells);
	memset(r, 0, sizeof(*r));
}
