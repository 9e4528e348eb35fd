/* The Loc-RIB for `show` (control socket, `labctl bgp`): counters, then routes with
 * every path, which ones form the ECMP set, and the FIB state. Routes are listed
 * up to RIB_JSON_MAX_ROUTES (a benchmark table of a million prefixes would make a
 * reply of hundreds of megabytes); "truncated" says when the list is cut. Listed
 * routes are in address order. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rib_int.h"

#define RIB_JSON_MAX_ROUTES 1000

static const char *origin_name(uint8_t o)
{
	switch (o) {
	case BGP_ORIGIN_IGP: return "igp";
	case BGP_ORIGIN_EGP: return "egp";
	default: return "incomplete";
	}
}

static void put_addr(struct json *j, const char *key, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];
	json_kv_str(j, key, inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

static void put_path(const struct rib *rib, struct json *j, const struct rib_path *p, size_t rank,
                     size_t nbest)
{
	char buf[512];
	const struct bgp_attrs *a = &p->attr->a;
	json_obj_begin(j);
	if (p->peer == RIB_PEER_LOCAL)
		json_kv_str(j, "peer", "local");
	else
		put_addr(j, "peer", rib->peers[p->peer].addr);
	json_kv_bool(j, "best", rank == 0 && nbest > 0);
	json_kv_bool(j, "ecmp", rank < nbest);
	bgp_as_path_format(&a->as_path, buf, sizeof(buf));
	json_kv_str(j, "as_path", buf);
	json_kv_str(j, "origin", origin_name(a->origin));
	put_addr(j, "next_hop", a->next_hop);
	json_kv_uint(j, "local_pref", a->local_pref);
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_MED))
		json_kv_uint(j, "med", a->med);
	if (p->peer != RIB_PEER_LOCAL)
		json_kv_bool(j, "ibgp", rib->peers[p->peer].ibgp);
	/* Known once the decision asked (s9.1.2.1: false = not a candidate). */
	if (p->peer != RIB_PEER_LOCAL && p->attr->nh_gen == rib->nh_gen)
		json_kv_bool(j, "nh_resolvable", p->attr->nh_ok);
	json_obj_end(j);
}

static void put_route(const struct rib *rib, struct json *j, const struct rib_entry *e)
{
	char buf[INET_ADDRSTRLEN + 4];
	inet_ntop(AF_INET, &e->addr, buf, INET_ADDRSTRLEN);
	snprintf(buf + strlen(buf), 5, "/%u", e->len);
	json_obj_begin(j);
	json_kv_str(j, "prefix", buf);
	struct rib_nhset s;
	rib_entry_nexthops(e, &s);
	json_key(j, "nexthops");
	json_arr_begin(j);
	for (size_t i = 0; i < s.n; i++) {
		char nb[INET_ADDRSTRLEN];
		json_str(j, inet_ntop(AF_INET, &s.nh[i], nb, sizeof(nb)));
	}
	json_arr_end(j);
	json_kv_str(j, "fib",
	            e->flags & RIB_E_FIB_QUEUED      ? "pending"
	            : e->flags & RIB_E_FIB_INSTALLED ? "installed"
	                                             : "none");
	json_key(j, "paths");
	json_arr_begin(j);
	size_t rank = 0;
	for (const struct rib_path *p = e->paths; p; p = p->next, rank++)
		put_path(rib, j, p, rank, e->nbest);
	json_arr_end(j);
	json_obj_end(j);
}

static void counters(const struct rib *rib, struct json *j)
{
	json_kv_uint(j, "prefixes", rib->nbest_prefixes);
	json_kv_uint(j, "paths", rib->npaths);
	json_kv_uint(j, "fib_installed", rib->nfib);
	json_kv_uint(j, "fib_pending", rib->nqueued);
	json_kv_uint(j, "max_paths", rib->max_paths);
	json_kv_int(j, "route_programming_delay_ms", rib->delay_ns / 1000000);
	json_key(j, "peers");
	json_arr_begin(j);
	for (size_t i = 0; i < rib->n_peers; i++) {
		json_obj_begin(j);
		put_addr(j, "peer", rib->peers[i].addr);
		json_kv_bool(j, "up", rib->peers[i].up);
		json_kv_uint(j, "prefixes_in", rib->peers[i].prefixes_in);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct rib_entry *x = *(const struct rib_entry *const *)a;
	const struct rib_entry *y = *(const struct rib_entry *const *)b;
	uint32_t ax = ntohl(x->addr.s_addr), ay = ntohl(y->addr.s_addr);
	if (ax != ay)
		return ax < ay ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

void rib_json_summary(const struct rib *rib, struct json *j)
{
	json_key(j, "rib");
	json_obj_begin(j);
	counters(rib, j);
	json_obj_end(j);
}

void rib_json(const struct rib *rib, struct json *j)
{
	json_key(j, "rib");
	json_obj_begin(j);
	counters(rib, j);
	json_key(j, "routes");
	json_arr_begin(j);
	/* In address order (the table is a hash): collect, sort, print. */
	const struct rib_entry *v[RIB_JSON_MAX_ROUTES];
	size_t n = 0;
	bool truncated = false;
	for (size_t b = 0; b < rib->nbuckets && !truncated; b++)
		for (const struct rib_entry *e = rib->buckets[b]; e; e = e->hnext) {
			if (!e->paths)
				continue;
			if (n == RIB_JSON_MAX_ROUTES) {
				truncated = true;
				break;
			}
			v[n++] = e;
		}
	qsort(v, n, sizeof(v[0]), entry_cmp);
	for (size_t i = 0; i < n; i++)
		put_route(rib, j, v[i]);
	json_arr_end(j);
	json_kv_bool(j, "truncated", truncated);
	json_obj_end(j);
}
