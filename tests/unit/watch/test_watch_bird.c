/* watch_parse_bird on BIRD 2.0.12's `show protocols all` as its control socket
 * sends it: a running session with both timers, a session that is down (no timers
 * printed), a non-BGP protocol in between. */
#include "../../check.h"
#include "watch/watch.h"

static const char reply[] =
    "2002-Name       Proto      Table      State  Since         Info\n"
    "1002-n_169_254_21_1 BGP        ---        up     2026-12-06 22:39:07.400386  Established   \n"
    "1006-  BGP state:          Established\n"
    "     Neighbor address: 169.254.21.1\n"
    "     Session:          external AS4\n"
    "     Hold timer:       2.210/3\n"
    "     Keepalive timer:  0.617/1\n"
    "   Channel ipv4\n"
    "     State:          UP\n"
    " \n"
    "1002-kernel1    Kernel     master4    up     2026-12-06 22:39:06.000000  \n"
    "1006-  Channel ipv4\n"
    " \n"
    "1002-n_172_16_200_1 BGP        ---        start  2026-12-06 22:40:01.000000  Active        "
    "Socket: Connection refused\n"
    "1006-  BGP state:          Active\n"
    "     Neighbor address: 172.16.200.1\n"
    "     Last error:       Hold timer expired\n";

int main(void)
{
	struct watch_session v[4];
	size_t n = watch_parse_bird(reply, "azure-vpn0", v, 4);
	CHECK_INT(n, 2);
	CHECK_STR(v[0].node, "azure-vpn0");
	CHECK_STR(v[0].peer, "n_169_254_21_1");
	CHECK_STR(v[0].state, "Established");
	CHECK_INT(v[0].hold_left_ms, 2210);
	CHECK_INT(v[0].hold_ms, 3000);
	CHECK_INT(v[0].keepalive_ms, 1000);
	CHECK_INT(v[0].last_keepalive_ms_ago, 790);
	CHECK(v[0].bird);
	CHECK_STR(v[1].peer, "n_172_16_200_1");
	CHECK_STR(v[1].state, "Active");
	CHECK_INT(v[1].hold_left_ms, -1);
	CHECK_INT(v[1].last_keepalive_ms_ago, -1);
	/* room for one: the first only */
	CHECK_INT(watch_parse_bird(reply, "x", v, 1), 1);
	return check_done();
}
