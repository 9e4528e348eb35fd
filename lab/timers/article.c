#include "timers/article.h"

#define S TIMERS_ARTICLE_STR

_Static_assert(TIMERS_ARTICLE_MIN_S ==
                   TIMERS_ARTICLE_K_MIN_S + TIMERS_ARTICLE_HOLD_S + TIMERS_ARTICLE_SWITCH_S,
               "the article's lower end is its formula's");
_Static_assert(TIMERS_ARTICLE_MAX_S ==
                   TIMERS_ARTICLE_K_MAX_S + TIMERS_ARTICLE_HOLD_S + TIMERS_ARTICLE_SWITCH_S,
               "the article's upper end is its formula's");

/* RFC 4271 section 4.4 and 6.5: the hold timer restarts on every KEEPALIVE or
 * UPDATE received. */
const struct timers_article timers_article = {
    .k_min_s = TIMERS_ARTICLE_K_MIN_S,
    .k_max_s = TIMERS_ARTICLE_K_MAX_S,
    .hold_s = TIMERS_ARTICLE_HOLD_S,
    .switch_s = TIMERS_ARTICLE_SWITCH_S,
    .min_s = TIMERS_ARTICLE_MIN_S,
    .max_s = TIMERS_ARTICLE_MAX_S,
    .measured_s = {TIMERS_ARTICLE_MEASURED_0, TIMERS_ARTICLE_MEASURED_1},
    .n_measured = 2,
    .formula = "keepalive " S(TIMERS_ARTICLE_K_MIN_S) "-" S(TIMERS_ARTICLE_K_MAX_S) " s + hold " S(
        TIMERS_ARTICLE_HOLD_S) " s + switch " S(TIMERS_ARTICLE_SWITCH_S) " s",
    .why = "The article adds a whole keepalive interval to the hold time (K + H + switch), "
           "as if the hold timer started only after the next KEEPALIVE was due. RFC 4271 "
           "restarts the hold timer on every KEEPALIVE or UPDATE received, so the timer "
           "was already running for the age of the last KEEPALIVE (0 to K) when the "
           "tunnel died: a silent peer is declared dead in (H - K, H] after the fault "
           "(20-30 s at the article's 10/30), not K + H; BIRD also jitters its hold timer "
           "down to 0.75 H. The rest of the article's " TIMERS_ARTICLE_MEASURED_TEXT " is "
           "the clouds' withdrawal and route programming delay, which the lab models as "
           "route_programming_delay and derives with `labctl fit`.",
};

void timers_article_json(struct json *j)
{
	json_obj_begin(j);
	json_kv_str(j, "formula", timers_article.formula);
	json_kv_double(j, "min_s", timers_article.min_s);
	json_kv_double(j, "max_s", timers_article.max_s);
	json_key(j, "measured_s");
	json_arr_begin(j);
	for (size_t i = 0; i < timers_article.n_measured; i++)
		json_double(j, timers_article.measured_s[i]);
	json_arr_end(j);
	json_kv_str(j, "why_rfc4271_differs", timers_article.why);
	json_obj_end(j);
}
