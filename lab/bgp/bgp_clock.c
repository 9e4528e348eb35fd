#include "bgp_clock.h"

#include "common/monotime.h"

static int64_t real_now(const struct bgp_clock *c)
{
	(void)c;
	return mono_ns();
}

static int64_t fake_now(const struct bgp_clock *c)
{
	return c->fake_ns;
}

void bgp_clock_real(struct bgp_clock *c)
{
	c->now_ns = real_now;
	c->fake_ns = 0;
}

void bgp_clock_fake(struct bgp_clock *c, int64_t start_ns)
{
	c->now_ns = fake_now;
	c->fake_ns = start_ns;
}

void bgp_clock_advance(struct bgp_clock *c, int64_t ns)
{
	c->fake_ns += ns;
}

void bgp_clock_set(struct bgp_clock *c, int64_t ns)
{
	c->fake_ns = ns;
}
