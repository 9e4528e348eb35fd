/* fit: the article's 36.7 s and 36.9 s, and measurements no delay explains. */
#include <math.h>

#include "../../check.h"
#include "common/err.h"
#include "timers/timers.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-6)

int main(void)
{
	struct timers_input in;
	struct timers_fit f;
	const double article[] = {36.7, 36.9};

	/* Lab model (RFC 10/30 vs BIRD 60/180), rtt window (20 + d, 30.2 + d]: every
	 * measurement inside for d in [36.9 - 30.2, 36.7 - 20] = [6.7, 16.7]. */
	timers_input_article(&in);
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING, TIMERS_RTT, article, 2, 600,
	                         &f) == 0);
	CHECK(f.found);
	CHECK(NEAR(f.lo_s, 6.7));
	CHECK(NEAR(f.hi_s, 16.7));
	CHECK(NEAR(f.suggest_s, 11.7));
	CHECK(NEAR(f.at_suggest.min_s, 31.7) && NEAR(f.at_suggest.max_s, 41.9));
	/* The value shipped in topologies/dual-tunnel.yaml (the likelihood fit's,
	 * test_fit_likelihood.c) lies inside. */
	CHECK(f.lo_s <= 10.8 && 10.8 <= f.hi_s);

	/* The fitted delay really puts both measurements inside the window. */
	struct timers_prediction p;
	in.side[0].programming_s = in.side[1].programming_s = f.suggest_s;
	CHECK(timers_predict(&in, &p) == 0);
	const struct timers_window *w = &timers_find_model(&p, "lab")->dir[TIMERS_RTT].w;
	CHECK(w->min_s <= 36.7 && 36.9 <= w->max_s);

	/* Only the Alibaba side's router unknown: the same range (fwd dominates). */
	timers_input_article(&in);
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING_FWD, TIMERS_RTT, article, 2, 600,
	                         &f) == 0);
	CHECK(f.found && NEAR(f.lo_s, 6.7) && NEAR(f.hi_s, 16.7));

	/* Only Azure's: the Alibaba side still ends by 30.2 s, so 36.9 needs the Azure
	 * direction to be the slower: d >= 6.7; and 36.7 needs min(rtt) <= 36.7, where
	 * min(rtt) = max(20, 12.5 + d) -> d <= 24.2. */
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING_REV, TIMERS_RTT, article, 2, 600,
	                         &f) == 0);
	CHECK(f.found && NEAR(f.lo_s, 6.7) && NEAR(f.hi_s, 24.2));

	/* Too short for any delay: the hold timer alone takes 20 s. */
	const double short_[] = {12};
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING, TIMERS_RTT, short_, 1, 600, &f) ==
	      0);
	CHECK(!f.found);
	CHECK(strstr(f.why, "shorter than the model allows") != NULL);

	/* Further apart than the window is wide (10.2 s). */
	const double spread[] = {21, 40};
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING, TIMERS_RTT, spread, 2, 600, &f) ==
	      0);
	CHECK(!f.found);
	CHECK(strstr(f.why, "further apart") != NULL);

	/* Too long even with the largest delay allowed. */
	const double long_[] = {700};
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING, TIMERS_RTT, long_, 1, 600, &f) ==
	      0);
	CHECK(!f.found);
	CHECK(strstr(f.why, "longer than the model allows") != NULL);

	/* Bad input. */
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING, TIMERS_RTT, article, 0, 600,
	                         &f) == -1);
	const double neg[] = {-1};
	CHECK(timers_fit_unknown(&in, TIMERS_UNKNOWN_PROGRAMMING, TIMERS_RTT, neg, 1, 600, &f) ==
	      -1);
	CHECK_INT(lab_err_code(), LAB_EXIT_USAGE);

	enum timers_unknown u;
	CHECK(timers_unknown_parse("propagation-delay", &u) == 0 &&
	      u == TIMERS_UNKNOWN_PROPAGATION);
	CHECK(timers_unknown_parse("switch", &u) == -1);
	return check_done();
}
