/* Fixed-size allocation for RIB entries and paths: a million-prefix table is two
 * million small objects, and malloc's per-object header and rounding would add a
 * third to their size. Objects are carved from 64 KiB chunks; freed ones go on a
 * free list (their first word links it); everything goes back at once on destroy. */
#include <stdlib.h>

#include "rib_int.h"

#define POOL_CHUNK (64 * 1024)

struct pool_chunk {
	struct pool_chunk *next;
	max_align_t data[];
};

void rib_pool_init(struct rib_pool *p, size_t size)
{
	p->size = (size + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
	p->free = NULL;
	p->chunks = NULL;
	p->next = p->end = NULL;
}

void *rib_pool_alloc(struct rib_pool *p)
{
	if (p->free) {
		void *x = p->free;
		p->free = *(void **)x;
		return x;
	}
	if (!p->next || p->next + p->size > p->end) {
		struct pool_chunk *c = malloc(POOL_CHUNK);
		if (!c)
			return NULL;
		c->next = p->chunks;
		p->chunks = c;
		p->next = (char *)c->data;
		p->end = (char *)c + POOL_CHUNK;
	}
	void *x = p->next;
	p->next += p->size;
	return x;
}

void rib_pool_free(struct rib_pool *p, void *x)
{
	*(void **)x = p->free;
	p->free = x;
}

void rib_pool_destroy(struct rib_pool *p)
{
	for (struct pool_chunk *c = p->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	rib_pool_init(p, p->size);
}
