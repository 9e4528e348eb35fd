/* The verdicts of a scenario run as text and JSON. */
#include <stdio.h>

#include "common/json.h"
#include "scenario/scenario.h"

void scn_outcome_text(const struct scenario *s, const struct scn_outcome *o, FILE *f)
{
	fprintf(f, "\nscenario %s: %zu expectation%s checked, %zu failed\n", s->name, o->n_results,
	        o->n_results == 1 ? "" : "s", o->failed);
	for (size_t i = 0; i < o->n_results; i++) {
		const struct scn_result *r = &o->results[i];
		const struct scn_step *st = &s->steps[r->step];
		fprintf(f, "  %s run %ld, %s:%u: %s: %s\n", r->pass ? "ok  " : "FAIL", r->iteration,
		        s->path, st->expects[r->expect].pos.line, r->what, r->msg);
	}
}

void scn_outcome_json(const struct scenario *s, const struct scn_outcome *o, struct json *j)
{
	json_obj_begin(j);
	json_kv_str(j, "scenario", s->name);
	json_kv_str(j, "file", s->path);
	json_kv_uint(j, "checked", o->n_results);
	json_kv_uint(j, "failed", o->failed);
	json_key(j, "expectations");
	json_arr_begin(j);
	for (size_t i = 0; i < o->n_results; i++) {
		const struct scn_result *r = &o->results[i];
		const struct scn_expect *x = &s->steps[r->step].expects[r->expect];
		json_obj_begin(j);
		json_kv_int(j, "run", r->iteration);
		json_kv_uint(j, "step", r->step + 1);
		json_kv_uint(j, "line", x->pos.line);
		json_kv_uint(j, "col", x->pos.col);
		json_kv_str(j, "what", r->what);
		json_kv_bool(j, "pass", r->pass);
		json_kv_str(j, "message", r->msg);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "report");
	report_json(&o->report, j);
	json_obj_end(j);
}
