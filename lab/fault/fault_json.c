/* A fault as `labctl fault --json` and `labctl heal --json` print it (docs/json.md
 * "fault"): the names are those of a run in `labctl report --json` (kind, target,
 * tunnel, node, detail), so a script reads a fault the same way wherever it meets
 * one. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/monotime.h"
#include "fault/fault.h"

void fault_info_json(struct json *j, const struct fault_info *f)
{
	json_obj_begin(j);
	json_kv_str(j, "kind", f->kind);
	json_kv_str(j, "target", f->target);
	json_key(j, "tunnel");
	if (f->tunnel[0])
		json_str(j, f->tunnel);
	else
		json_null(j);
	json_kv_str(j, "node", f->node);
	json_key(j, "param");
	if (!strcmp(f->kind, "loss") || !strcmp(f->kind, "delay"))
		json_double(j, f->param);
	else
		json_null(j);
	json_kv_str(j, "detail", f->detail);
	json_kv_int(j, "t_ns", f->t_ns);
	/* RFC 3339 UTC with milliseconds */
	time_t s = (time_t)(f->wall_ns / NS_PER_SEC);
	struct tm tm;
	char wall[48] = "";
	if (gmtime_r(&s, &tm)) {
		size_t n = strftime(wall, sizeof(wall), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(wall + n, sizeof(wall) - n, ".%03dZ",
		         (int)(f->wall_ns % NS_PER_SEC / NS_PER_MS));
	}
	json_kv_str(j, "wall", wall);
	json_obj_end(j);
}
