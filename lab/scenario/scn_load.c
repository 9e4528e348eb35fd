/* Scenario files: YAML -> struct scenario, every problem with file:line:col.
 *
 * The YAML tree and the typed accessors are the topology loader's (topo/topo_int.h):
 * one set of rules for durations, names, unknown keys, aliases and positions across
 * both kinds of file. What a scenario names in its topology (tunnels, nodes, the
 * probe) is checked against the topology as the overrides leave it, so a scenario
 * that loads runs on the lab it asks for. */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "scenario/scenario.h"
#include "scenario/scn_int.h"
#include "topo/topo_int.h"

#define SCN_FILE_MAX (1u << 20)
#define SCN_MAX_STEPS 256
#define SCN_MAX_RUNS 1000

static const char *const top_keys[] = {"name", "description", "topology", "overrides", "time_scale",
                                       "runs", "probe",       "steps",    NULL};
static const char *const expect_keys[] = {
    "inside_window",           "max_outage",    "ended_by", "no_loss", "outage", "session",
    "reversion_inside_window", "reversion_max", NULL};

/* Splits a step's text into words in place; column of each word for messages. */
struct words {
	char buf[160];
	char *w[8];
	uint32_t col[8];
	int n;
};

static void split(const struct ynode *n, struct words *w)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->buf, sizeof(w->buf), "%s", n->str);
	char *p = w->buf;
	while (*p && w->n < 8) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w->w[w->n] = p;
		/* a plain one-line scalar: its characters are where the file has them */
		w->col[w->n] = n->pos.col + (uint32_t)(p - w->buf);
		w->n++;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static struct topo_pos at(const struct ynode *n, const struct words *w, int i)
{
	struct topo_pos p = n->pos;
	if (n->plain && i < w->n)
		p.col = w->col[i];
	return p;
}

/* A duration written in a step ("wait 5s"), with the topology's rules. */
static bool word_duration(struct ld *l, const struct ynode *n, const struct words *w, int i,
                          double *out)
{
	struct ynode tmp = *n;
	tmp.pos = at(n, w, i);
	tmp.str = w->w[i];
	tmp.plain = true;
	tmp.kind = YNODE_SCALAR;
	uint32_t ms;
	if (!ld_duration(l, &tmp, "wait", 24u * 3600 * 1000, &ms))
		return false;
	*out = ms / 1000.0;
	return true;
}

static bool known_target(const struct topo *t, const char *target)
{
	char node[64];
	snprintf(node, sizeof(node), "%s", target);
	char *colon = strchr(node, ':');
	if (colon)
		*colon = '\0';
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!strcmp(t->tunnels[i].name, target))
			return true;
	return topo_node_index(t, node) != TOPO_NONE;
}

static void step_fault(struct ld *l, const struct ynode *n, const struct words *w,
                       const struct topo *t, struct scn_step *st)
{
	st->kind = SCN_FAULT;
	char *argv[8];
	for (int i = 1; i < w->n; i++)
		argv[i - 1] = w->w[i];
	int used = 0;
	if (fault_req_parse(w->n - 1, argv, &st->fault, &used) < 0) {
		ld_err(l, at(n, w, w->n > 1 ? 1 : 0), "%s", lab_err_msg());
		lab_err_clear();
		return;
	}
	if (used + 1 != w->n) {
		ld_err(l, at(n, w, used + 1),
		       "'%s' after the target; expected fault KIND [PARAM] "
		       "TARGET",
		       w->w[used + 1]);
		return;
	}
	if (!strcmp(st->fault.target, "auto")) {
		st->target_auto = true;
		st->fault.target[0] = '\0'; /* resolved at run time (exp_plan_fault) */
	} else if (t && !known_target(t, st->fault.target)) {
		ld_err(l, at(n, w, used),
		       "target '%s' is not a tunnel or node of topology %s; "
		       "expected auto (the tunnel carrying flow 0) or one of its names",
		       st->fault.target, t->name);
	}
}

static void parse_step_text(struct ld *l, const struct ynode *n, const struct topo *t,
                            struct scn_step *st)
{
	struct words w;
	if (!ld_scalar(l, n, "step"))
		return;
	if (strchr(n->str, '\n')) {
		ld_err(l, n->pos, "a step over several lines; expected one line such as 'wait 5s'");
		return;
	}
	split(n, &w);
	snprintf(st->text, sizeof(st->text), "%s", n->str);
	if (w.n == 0) {
		ld_err(l, n->pos, "an empty step; expected fault, heal, wait or expect");
		return;
	}
	const char *verb = w.w[0];
	if (!strcmp(verb, "fault")) {
		step_fault(l, n, &w, t, st);
	} else if (!strcmp(verb, "heal")) {
		st->kind = SCN_HEAL;
		if (w.n > 2)
			ld_err(l, at(n, &w, 2), "'%s' after the target; expected heal [TARGET]",
			       w.w[2]);
		else if (w.n == 2) {
			snprintf(st->heal_target, sizeof(st->heal_target), "%s", w.w[1]);
			if (t && !known_target(t, w.w[1]))
				ld_err(l, at(n, &w, 1),
				       "heal target '%s' is not a tunnel or node of "
				       "topology %s; expected one of its names, or none for every "
				       "fault",
				       w.w[1], t->name);
		}
	} else if (!strcmp(verb, "wait")) {
		if (w.n != 2) {
			ld_err(l, at(n, &w, w.n > 2 ? 2 : 0),
			       "%s; expected wait DURATION or wait "
			       "ready|recovered|established",
			       w.n > 2 ? "more than one argument" : "wait without an argument");
			return;
		}
		const char *a = w.w[1];
		if (!strcmp(a, "ready"))
			st->kind = SCN_WAIT_READY;
		else if (!strcmp(a, "recovered"))
			st->kind = SCN_WAIT_RECOVERED;
		else if (!strcmp(a, "established"))
			st->kind = SCN_WAIT_ESTABLISHED;
		else if (a[0] >= '0' && a[0] <= '9') {
			st->kind = SCN_WAIT_TIME;
			word_duration(l, n, &w, 1, &st->wait_s);
		} else
			ld_err(l, at(n, &w, 1),
			       "wait '%s'; expected a duration (5s, 500ms) or ready, "
			       "recovered, established",
			       a);
	} else if (!strcmp(verb, "expect")) {
		ld_err(l, n->pos,
		       "expect written as text; expected a mapping such as "
		       "'- expect: {ended_by: hold-timer}'");
	} else {
		ld_err(l, n->pos, "unknown step '%s'; expected fault, heal, wait or expect", verb);
	}
}

static bool dir_list(struct ld *l, const struct ynode *v, const char *what, bool dir[TIMERS_NDIR])
{
	memset(dir, 0, sizeof(bool) * TIMERS_NDIR);
	if (v->kind == YNODE_SCALAR) {
		bool b;
		if (!strcmp(v->str, "true") || !strcmp(v->str, "yes") || !strcmp(v->str, "on") ||
		    !strcmp(v->str, "false") || !strcmp(v->str, "no") || !strcmp(v->str, "off")) {
			if (!ld_bool(l, v, what, &b))
				return false;
			for (int d = 0; d < TIMERS_NDIR; d++)
				dir[d] = b;
			if (!b)
				ld_err(l, v->pos,
				       "%s: false; expected true or directions (fwd, rev, rtt)"
				       ": an expectation that expects nothing",
				       what);
			return b;
		}
	}
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	for (size_t i = 0; i < n; i++) {
		const struct ynode *x = v->kind == YNODE_SEQ ? v->vals[i] : v;
		if (!ld_scalar(l, x, what))
			return false;
		int d;
		for (d = 0; d < TIMERS_NDIR; d++)
			if (!strcmp(x->str, timers_dir_name((enum timers_dir)d)))
				break;
		if (d == TIMERS_NDIR) {
			ld_err(l, x->pos, "%s direction '%s'; expected fwd, rev or rtt", what,
			       x->str);
			return false;
		}
		dir[d] = true;
	}
	return true;
}

static void add_expect(struct ld *l, struct scn_step *st, const struct scn_expect *x)
{
	struct scn_expect *nv = realloc(st->expects, (st->n_expects + 1) * sizeof(*nv));
	if (!nv) {
		ld_err(l, x->pos, "out of memory");
		return;
	}
	st->expects = nv;
	st->expects[st->n_expects++] = *x;
}

static void parse_session(struct ld *l, const struct ynode *v, const struct topo *t,
                          struct scn_expect *x)
{
	static const char *const keys[] = {"node", "peer", "state", NULL};
	static const char *const states[] = {"Idle",        "Connect",     "Active", "OpenSent",
	                                     "OpenConfirm", "Established", NULL};
	if (!ld_map(l, v, "session"))
		return;
	ld_keys(l, v, "session", keys);
	const struct ynode *y;
	bool ok = true;
	if (!(y = ymap_get(v, "node")) || !ld_name(l, y, "node", x->node, sizeof(x->node))) {
		if (!y)
			ld_err(l, v->pos,
			       "session without 'node'; expected the BGP node whose "
			       "session is meant");
		ok = false;
	}
	if (!(y = ymap_get(v, "peer"))) {
		ld_err(l, v->pos, "session without 'peer'; expected the neighbor's address");
		ok = false;
	} else {
		struct in_addr a;
		if (ld_addr(l, y, "peer", &a))
			snprintf(x->peer, sizeof(x->peer), "%s", y->str);
		else
			ok = false;
	}
	if ((y = ymap_get(v, "state"))) {
		if (!ld_str(l, y, "state", x->state, sizeof(x->state)))
			ok = false;
		else {
			bool found = false;
			for (const char *const *s = states; *s && !found; s++)
				found = !strcmp(*s, x->state);
			if (!found) {
				ld_err(l, y->pos,
				       "state '%s'; expected an RFC 4271 state: Idle, "
				       "Connect, Active, OpenSent, OpenConfirm, Established",
				       x->state);
				ok = false;
			}
		}
	} else {
		snprintf(x->state, sizeof(x->state), "Established");
	}
	if (!ok || !t)
		return;
	uint32_t ni = topo_node_index(t, x->node);
	if (ni == TOPO_NONE || !t->nodes[ni].bgp) {
		ld_err(l, ymap_get(v, "node")->pos,
		       "node '%s' %s in topology %s; expected a node "
		       "with a bgp section",
		       x->node, ni == TOPO_NONE ? "does not exist" : "runs no BGP", t->name);
		return;
	}
	const struct topo_bgp *b = t->nodes[ni].bgp;
	struct in_addr pa;
	inet_pton(AF_INET, x->peer, &pa);
	for (size_t i = 0; i < b->n_neighbors; i++)
		if (b->neighbors[i].addr.s_addr == pa.s_addr)
			return;
	ld_err(l, ymap_get(v, "peer")->pos,
	       "%s has no neighbor %s; expected one of its "
	       "neighbors' addresses",
	       x->node, x->peer);
}

static void parse_expect(struct ld *l, const struct ynode *m, const struct topo *t,
                         struct scn_step *st)
{
	st->kind = SCN_EXPECT;
	if (!ld_map(l, m, "expect"))
		return;
	if (m->n == 0) {
		ld_err(l, m->pos,
		       "an empty expect; expected at least one of inside_window, "
		       "max_outage, ended_by, no_loss, outage, session, reversion_*");
		return;
	}
	ld_keys(l, m, "expect", expect_keys);
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i]->str;
		const struct ynode *v = m->vals[i];
		struct scn_expect x = {.pos = m->keys[i]->pos, .flow = -1};
		if (!strcmp(k, "inside_window")) {
			x.kind = SCN_EXP_INSIDE;
			if (!dir_list(l, v, k, x.dir))
				continue;
		} else if (!strcmp(k, "max_outage")) {
			x.kind = SCN_EXP_MAX_OUTAGE;
			uint32_t ms;
			if (v->kind == YNODE_SCALAR) {
				if (!ld_duration(l, v, k, 24u * 3600 * 1000, &ms))
					continue;
				for (int d = 0; d < TIMERS_NDIR; d++) {
					x.dir[d] = true;
					x.max_s[d] = ms / 1000.0;
				}
			} else {
				static const char *const dk[] = {"fwd", "rev", "rtt", NULL};
				if (!ld_map(l, v, k))
					continue;
				ld_keys(l, v, "max_outage", dk);
				bool ok = v->n > 0;
				if (!ok)
					ld_err(l, v->pos,
					       "max_outage is empty; expected fwd, rev or rtt "
					       "budgets, or one duration for all");
				for (int d = 0; d < TIMERS_NDIR; d++) {
					const struct ynode *y = ymap_get(v, dk[d]);
					if (y && ld_duration(l, y, dk[d], 24u * 3600 * 1000, &ms)) {
						x.dir[d] = true;
						x.max_s[d] = ms / 1000.0;
					} else if (y)
						ok = false;
				}
				if (!ok)
					continue;
			}
		} else if (!strcmp(k, "ended_by")) {
			x.kind = SCN_EXP_ENDED_BY;
			if (!ld_scalar(l, v, k))
				continue;
			if (scn_mech_parse(v->str, &x.mech) < 0) {
				ld_err(l, v->pos,
				       "ended_by '%s'; expected hold-timer, session-lost, "
				       "heal, no-loss or not-recovered",
				       v->str);
				continue;
			}
		} else if (!strcmp(k, "no_loss")) {
			x.kind = SCN_EXP_NO_LOSS;
			uint32_t f;
			if (v->kind == YNODE_SCALAR && !strcmp(v->str, "all"))
				x.flow = -1;
			else if (ld_u32(l, v, "no_loss", 0, 63, &f))
				x.flow = (int32_t)f;
			else
				continue;
		} else if (!strcmp(k, "outage")) {
			x.kind = SCN_EXP_OUTAGE;
			bool b;
			if (!ld_bool(l, v, k, &b))
				continue;
			if (!b) {
				x.kind = SCN_EXP_NO_LOSS;
				x.flow = -1;
			}
		} else if (!strcmp(k, "session")) {
			x.kind = SCN_EXP_SESSION;
			size_t before = l->d->n;
			parse_session(l, v, t, &x);
			if (l->d->n != before)
				continue;
		} else if (!strcmp(k, "reversion_inside_window")) {
			x.kind = SCN_EXP_REVERSION_INSIDE;
			bool b;
			if (!ld_bool(l, v, k, &b))
				continue;
			if (!b) {
				ld_err(l, v->pos,
				       "reversion_inside_window: false; expected true (an "
				       "expectation that expects nothing)");
				continue;
			}
		} else if (!strcmp(k, "reversion_max")) {
			x.kind = SCN_EXP_REVERSION_MAX;
			uint32_t ms;
			if (!ld_duration(l, v, k, 24u * 3600 * 1000, &ms))
				continue;
			x.reversion_max_s = ms / 1000.0;
		} else {
			continue; /* reported by ld_keys */
		}
		add_expect(l, st, &x);
	}
}

static void parse_steps(struct ld *l, const struct ynode *v, const struct topo *t,
                        struct scenario *s)
{
	if (!ld_seq(l, v, "steps"))
		return;
	if (v->n == 0 || v->n > SCN_MAX_STEPS) {
		ld_err(l, v->pos, "%zu steps; expected 1 to %d", v->n, SCN_MAX_STEPS);
		return;
	}
	s->steps = calloc(v->n, sizeof(*s->steps));
	if (!s->steps) {
		ld_err(l, v->pos, "out of memory");
		return;
	}
	s->n_steps = v->n;
	bool faulted = false;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *n = v->vals[i];
		struct scn_step *st = &s->steps[i];
		st->pos = n->pos;
		if (n->kind == YNODE_MAP) {
			if (n->n != 1 || strcmp(n->keys[0]->str, "expect")) {
				ld_err(l, n->pos,
				       "a mapping step with %s; expected text such as "
				       "'wait 5s', or one key 'expect'",
				       n->n == 1 ? n->keys[0]->str : "several keys");
				continue;
			}
			snprintf(st->text, sizeof(st->text), "expect");
			parse_expect(l, n->vals[0], t, st);
			for (size_t k = 0; k < st->n_expects; k++) {
				enum scn_expect_kind ek = st->expects[k].kind;
				if (!faulted && ek != SCN_EXP_SESSION)
					ld_err(l, st->expects[k].pos,
					       "an expectation about an outage "
					       "before any fault step; expected a fault step "
					       "before it");
			}
		} else {
			parse_step_text(l, n, t, st);
			if (st->kind == SCN_FAULT)
				faulted = true;
			if (st->kind == SCN_WAIT_RECOVERED && !faulted)
				ld_err(l, n->pos,
				       "wait recovered before any fault step; expected a "
				       "fault step before it");
		}
	}
}

/* The topology named by the scenario: a name as `up` takes it, or a path relative
 * to the scenario file's directory. */
static bool resolve_topology(struct ld *l, const struct ynode *v, struct scenario *s)
{
	if (!ld_scalar(l, v, "topology"))
		return false;
	const char *name = v->str;
	size_t n = strlen(name);
	bool path = strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	            (n > 4 && !strcmp(name + n - 4, ".yml"));
	char buf[PATH_MAX];
	if (path && name[0] != '/') {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", s->path);
		if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", dirname(dir), name) >=
		    sizeof(buf)) {
			ld_err(l, v->pos, "topology path too long");
			return false;
		}
		name = buf;
	}
	if (topo_resolve_path(name, s->topology, sizeof(s->topology)) < 0) {
		ld_err(l, v->pos,
		       "topology '%s' not found; expected a shipped topology's name "
		       "(dual-tunnel) or a .yaml file relative to the scenario",
		       v->str);
		lab_err_clear();
		return false;
	}
	return true;
}

static void ld_scenario(struct ld *l, const struct ynode *root, struct scenario *s,
                        struct topo **topo)
{
	if (root->kind != YNODE_MAP) {
		ld_err(l, root->pos,
		       "the file is %s; expected a mapping with name, topology, steps",
		       ynode_kind_name(root));
		return;
	}
	ld_keys(l, root, "the scenario", top_keys);
	const struct ynode *x;
	if (!(x = ymap_get(root, "name")))
		ld_err(l, root->pos,
		       "no 'name'; expected the scenario's name, e.g. 'name: article'");
	else
		ld_name(l, x, "name", s->name, sizeof(s->name));
	if ((x = ymap_get(root, "description")))
		ld_strdup(l, x, "description", &s->description);
	s->time_scale = 1;
	if ((x = ymap_get(root, "time_scale")) && ld_scalar(l, x, "time_scale")) {
		char *end;
		errno = 0;
		double f = strtod(x->str, &end);
		if (end == x->str || *end || errno || !(f > 0 && f <= 1))
			ld_err(l, x->pos,
			       "time_scale '%s'; expected a number with 0 < F <= 1 "
			       "(0.1: timers ten times shorter)",
			       x->str);
		else
			s->time_scale = f;
	}
	s->runs = 1;
	uint32_t runs;
	if ((x = ymap_get(root, "runs")) && ld_u32(l, x, "runs", 1, SCN_MAX_RUNS, &runs))
		s->runs = runs;

	const struct ynode *tv = ymap_get(root, "topology");
	if (!tv) {
		ld_err(l, root->pos,
		       "no 'topology'; expected a topology name or file, e.g. "
		       "'topology: dual-tunnel'");
	} else if (resolve_topology(l, tv, s)) {
		const struct ynode *ov = ymap_get(root, "overrides");
		scn_topology(l, tv, ov, s, topo);
	}
	const struct topo *t = *topo;
	if ((x = ymap_get(root, "probe"))) {
		char name[TOPO_NAME_MAX];
		if (ld_name(l, x, "probe", name, sizeof(name)) && t) {
			size_t i;
			for (i = 0; i < t->n_probes && strcmp(t->probes[i].name, name); i++)
				;
			if (i == t->n_probes)
				ld_err(l, x->pos,
				       "probe '%s' is not in topology %s; expected one of "
				       "its probes",
				       name, t->name);
			else
				s->probe = (uint32_t)i;
		}
	} else if (t && !t->n_probes) {
		ld_err(l, tv->pos,
		       "topology %s has no probe; expected one (probes: from/to) to "
		       "measure outages with",
		       t->name);
	}
	if (!(x = ymap_get(root, "steps")))
		ld_err(l, root->pos,
		       "no 'steps'; expected a sequence of steps (fault, heal, wait, "
		       "expect)");
	else
		parse_steps(l, x, t, s);
}

int scenario_load(const char *path, struct scenario **out, struct topo_diags *diags)
{
	struct topo_diags local = {0};
	struct topo_diags *d = diags ? diags : &local;
	size_t before = d->n;
	struct ynode *root = NULL;
	struct topo *t = NULL;
	char *buf = NULL;
	size_t len = 0;
	struct scenario *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		topo_diags_free(&local);
		return lab_err(LAB_EXIT_FAIL, "out of memory");
	}
	if (read_file(path, &buf, &len) < 0) {
		int e = errno;
		topo_diag_add(d, path, (struct topo_pos){0, 0},
		              "cannot read the file (%s); expected a readable scenario file",
		              strerror(e));
		goto fail;
	}
	if (len > SCN_FILE_MAX) {
		topo_diag_add(d, path, (struct topo_pos){0, 0},
		              "the file is %zu bytes; expected at most %u", len, SCN_FILE_MAX);
		goto fail;
	}
	if (ytree_parse(path, buf, len, &root, d) < 0)
		goto fail;
	struct ld l = {.file = path, .d = d, .buf = buf, .len = len};
	ld_scenario(&l, root, s, &t);
	if (d->n != before)
		goto fail;
	topo_free(t);
	ynode_free(root);
	free(buf);
	topo_diags_free(&local);
	*out = s;
	return 0;
fail:
	topo_diags_sort(d);
	lab_err(LAB_EXIT_USAGE, "%s: %zu problem%s in the scenario; fix %s and retry", path,
	        d->n - before, d->n - before == 1 ? "" : "s", d->n - before == 1 ? "it" : "them");
	topo_free(t);
	ynode_free(root);
	free(buf);
	scenario_free(s);
	topo_diags_free(&local);
	return -1;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_steps; i++)
		free(s->steps[i].expects);
	free(s->steps);
	if (s->merged) {
		explicit_bzero(s->merged, s->merged_len); /* may hold an inline key */
		free(s->merged);
	}
	free(s->description);
	free(s->path);
	free(s);
}
