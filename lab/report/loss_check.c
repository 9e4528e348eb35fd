/* A `loss P%` run against the partial-loss model (timers/loss_model.h): the model's
 * prediction for this run's P and duration, which mechanism actually ended the grey
 * failure (from the journals, before the heal only), and whether that was the
 * model's likeliest outcome. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/monotime.h"
#include "report/report.h"

/* The fault's drop percentage: its journal's param, else (journals written before
 * it carried one) its detail, "drops P% of". */
static double loss_percent(const struct jevent *f)
{
	double v;
	const char *detail = jev_str(f, "detail"), *at;
	if (jev_num(f, "param", &v))
		return v;
	if (detail && (at = strstr(detail, "drops ")) && sscanf(at + 6, "%lf%%", &v) == 1)
		return v;
	return -1;
}

static bool has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* The first session loss before the heal and what it says about the mechanism. */
static void fired(struct report_run *r)
{
	int64_t end = r->heal_t ? r->heal_t : r->to_t;
	const struct report_marker *first = NULL;
	for (size_t i = 0; i < r->n_marks; i++) {
		const struct report_marker *m = &r->marks[i];
		if ((m->kind == MARK_HOLD_EXPIRY || m->kind == MARK_SESSION_DOWN) &&
		    m->t >= r->t0 && m->t < end && (!first || m->t < first->t))
			first = m;
	}
	r->loss_fired_t = first ? first->t : 0;
	if (!first) {
		snprintf(r->loss_fired, sizeof(r->loss_fired), "none");
		return;
	}
	const char *k = first->kind == MARK_HOLD_EXPIRY ? "hold"
	                : has(first->text, "bfd")       ? "bfd"
	                /* tracking after the CHILD SA went: under loss, DPD giving up (or
	                 * another IKE exchange giving up, which the model leaves out) */
	                : has(first->text, "tunnel-down") ? "dpd"
	                                                  : "unknown";
	snprintf(r->loss_fired, sizeof(r->loss_fired), "%s", k);
	snprintf(r->loss_fired_how, sizeof(r->loss_fired_how), "%s on %s at +%.3f s", first->text,
	         first->node, (double)(first->t - r->t0) / NS_PER_SEC);
}

int report_loss_judge(struct report_run *r, const struct jevent *fault,
                      const struct report_config *cfg)
{
	r->loss_match = -1;
	if (strcmp(r->kind, "loss"))
		return 0;
	double pc = loss_percent(fault);
	r->loss_p = pc >= 0 ? pc / 100 : -1;
	fired(r);
	int64_t end = r->heal_t ? r->heal_t : r->to_t;
	struct timers_input in;
	if (r->loss_p < 0) {
		snprintf(r->loss_why, sizeof(r->loss_why),
		         "the fault's journal gives no loss percentage");
		return 0;
	}
	if (!cfg->loss_input || cfg->loss_input(cfg->predict_ctx, r, &in) < 0) {
		snprintf(r->loss_why, sizeof(r->loss_why),
		         "no topology or timer model for the lab");
		return 0;
	}
	struct timers_loss_input li = {.p = r->loss_p > 1 ? 1 : r->loss_p,
	                               .duration_s = (double)(end - r->t0) / NS_PER_SEC,
	                               .rtt_s = REPORT_LOSS_RTT_S,
	                               .samples = REPORT_LOSS_SAMPLES,
	                               .seed = REPORT_MODEL_SEED};
	if (!(li.duration_s > 0) || timers_loss_predict(&in, &li, &r->loss_pred) < 0) {
		lab_err_clear();
		snprintf(r->loss_why, sizeof(r->loss_why),
		         "the loss model refused this run's input");
		return 0;
	}
	r->has_loss_pred = true;
	if (strcmp(r->loss_fired, "unknown"))
		r->loss_match =
		    !strcmp(r->loss_fired, timers_loss_mech_name(r->loss_pred.likeliest));
	return 0;
}

size_t report_loss_explain(const struct report_run *r, char *buf, size_t len)
{
	size_t off = 0;
	int n;
	if (!strcmp(r->loss_fired, "none"))
		n = snprintf(buf, len,
		             "no hold timer, BFD or DPD fired before the heal: the loss "
		             "was not converted into a failover");
	else if (!strcmp(r->loss_fired, "unknown"))
		n = snprintf(buf, len,
		             "a session was lost before the heal (%s), for a reason the "
		             "loss model does not have: not modelled",
		             r->loss_fired_how);
	else
		n = snprintf(buf, len,
		             "%s fired first (%s, before the heal): the loss was "
		             "converted into a failover",
		             r->loss_fired, r->loss_fired_how);
	if (n > 0)
		off += (size_t)n;
	if (off >= len)
		return off;
	if (!r->has_loss_pred) {
		n = snprintf(buf + off, len - off, ". Not predicted: %s", r->loss_why);
	} else {
		const struct timers_loss_result *p = &r->loss_pred;
		enum timers_loss_mech lk = p->likeliest;
		double pf = 0;
		for (int k = 0; k <= TIMERS_LOSS_NMECH; k++)
			if (!strcmp(r->loss_fired, timers_loss_mech_name((enum timers_loss_mech)k)))
				pf = p->p_first[k];
		n = snprintf(buf + off, len - off,
		             ". The loss model (%g %% for %.3g s): likeliest %s (%.0f %%)%s; this "
		             "run's outcome %s",
		             p->li.p * 100, p->li.duration_s, timers_loss_mech_name(lk),
		             p->p_first[lk] * 100,
		             lk == TIMERS_LOSS_NMECH ? ", no failover" : " ends it first",
		             r->loss_match < 0 ? "is not modelled"
		             : r->loss_match   ? "matches it"
		                               : "differs from it");
		if (n > 0 && r->loss_match == 0 && off + (size_t)n < len)
			n += snprintf(buf + off + n, len - off - n, " (the model gave it %.0f %%)",
			              pf * 100);
	}
	if (n > 0)
		off += (size_t)n;
	return off;
}

void report_loss_text(const struct report_run *r, FILE *f)
{
	if (strcmp(r->kind, "loss"))
		return;
	if (!r->has_loss_pred) {
		fprintf(f, "\n  loss model: not predicted (%s)\n", r->loss_why);
		return;
	}
	char buf[4096];
	timers_loss_format(&r->loss_pred, "  ", buf, sizeof(buf));
	fprintf(f, "\n%s", buf);
	const char *dn[TIMERS_NDIR] = {"fwd", "rev", "rtt"};
	fprintf(f, "  loss-derived time measured against the model (s):");
	for (int d = 0; d < TIMERS_NDIR; d++) {
		if (r->loss_derived_s[d] >= 0)
			fprintf(f, " %s %.3f vs %.3f", dn[d], r->loss_derived_s[d],
			        r->loss_pred.loss_derived_s[d]);
		else
			fprintf(f, " %s - vs %.3f", dn[d], r->loss_pred.loss_derived_s[d]);
	}
	fprintf(f, "\n  fired in this run: %s%s%s\n", r->loss_fired,
	        r->loss_fired_how[0] ? ", " : "", r->loss_fired_how);
}

void report_loss_json(const struct report_run *r, struct json *j)
{
	if (strcmp(r->kind, "loss")) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_key(j, "p");
	if (r->loss_p >= 0)
		json_double(j, r->loss_p);
	else
		json_null(j);
	json_kv_str(j, "fired", r->loss_fired);
	json_key(j, "fired_at_s");
	if (r->loss_fired_t)
		json_double(j, (double)(r->loss_fired_t - r->t0) / NS_PER_SEC);
	else
		json_null(j);
	json_key(j, "matches_likeliest");
	if (r->loss_match < 0)
		json_null(j);
	else
		json_boolean(j, r->loss_match);
	json_key(j, "model");
	if (r->has_loss_pred)
		timers_loss_json(j, &r->loss_pred);
	else
		json_null(j);
	json_key(j, "not_predicted");
	if (r->has_loss_pred)
		json_null(j);
	else
		json_str(j, r->loss_why);
	json_obj_end(j);
}
