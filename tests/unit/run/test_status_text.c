/* The text form of `labctl status` services (run/status_text.h) on fixed JSON as
 * the ipsec and bgp services write it: golden text. (The JSON reader under it is tested in
 * tests/unit/common/test_json.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "common/err.h"
#include "run/status_text.h"

static const char *const input =
    "{\"ipsec\":{\"backend\":\"libipsec\",\"tunnels\":["
    "{\"name\":\"tunnel1\",\"state\":\"up\",\"ends\":["
    "{\"node\":\"ali-vpn-gw1\",\"role\":\"initiator\",\"charon\":\"running\",\"pid\":4242,"
    "\"ike_state\":\"ESTABLISHED\",\"local\":\"47.1.1.1\",\"remote\":\"20.1.1.1\","
    "\"ike_spi_i\":\"0123456789abcdef\",\"ike_spi_r\":\"fedcba9876543210\",\"ike_established_s\":"
    "75,"
    "\"child_state\":\"INSTALLED\",\"spi_in\":\"c1a2b3c4\",\"spi_out\":\"c4b3a2c1\","
    "\"bytes_in\":123456,\"packets_in\":1234,\"bytes_out\":65432,\"packets_out\":987,\"installed_"
    "s\":74},"
    "{\"node\":\"azure-gw1\",\"role\":\"responder\",\"charon\":\"running\",\"pid\":4243,"
    "\"ike_state\":\"ESTABLISHED\",\"child_state\":\"INSTALLED\",\"spi_in\":\"c4b3a2c1\","
    "\"spi_out\":\"c1a2b3c4\",\"bytes_in\":65432,\"packets_in\":987,\"bytes_out\":123456,"
    "\"packets_out\":1234,\"installed_s\":3725}]},"
    "{\"name\":\"tunnel2\",\"state\":\"charon-dead\",\"failure\":\"no proposal chosen\",\"ends\":["
    "{\"node\":\"ali-vpn-gw2\",\"role\":\"initiator\",\"charon\":\"dead\",\"pid\":4244,"
    "\"ike_state\":\"none\",\"child_state\":\"none\"},"
    "{\"node\":\"azure-gw2\",\"role\":\"responder\",\"charon\":\"running\",\"pid\":4245,"
    "\"ike_state\":\"CONNECTING\",\"child_state\":\"none\"}]}]},"
    "\"bgp\":{\"nodes\":["
    "{\"node\":\"ali-tr\",\"speaker\":\"builtin\",\"prefixes\":3,\"fib_installed\":2,\"sessions\":["
    "{\"peer\":\"169.254.21.2\",\"state\":\"Established\",\"uptime_ms\":130400},"
    "{\"peer\":\"169.254.22.2\",\"state\":\"Active\"}]},"
    "{\"node\":\"azure-hub\",\"speaker\":\"bird\",\"prefixes\":4,\"sessions\":["
    "{\"peer\":\"n_169_254_21_1\",\"state\":\"Established\",\"since\":\"14:47:01.123\"}]},"
    "{\"node\":\"lonely\",\"speaker\":\"builtin\",\"error\":\"bgpd.sock: connection refused\","
    "\"sessions\":[]}]},"
    "\"probe\":{\"error\":\"probe daemon \\\"x\\\" is gone\"},"
    "\"other\":{\"a\":[1,true,null],\"b\":\"x\"}}";

static const char *const golden =
    "  ipsec: backend libipsec\n"
    "    TUNNEL       STATE       END            ROLE      IKE         CHILD     SPI-IN   SPI-OUT  "
    "BYTES IN/OUT          PACKETS IN/OUT  UP\n"
    "    tunnel1      up          ali-vpn-gw1    initiator ESTABLISHED INSTALLED c1a2b3c4 c4b3a2c1 "
    "123456/65432          1234/987        1m14s\n"
    "                             azure-gw1      responder ESTABLISHED INSTALLED c4b3a2c1 c1a2b3c4 "
    "65432/123456          987/1234        1h02m\n"
    "    tunnel2      charon-dead ali-vpn-gw2    initiator none        none      -        -        "
    "-/-                   -/-             -\n"
    "                               charon dead\n"
    "                             azure-gw2      responder CONNECTING  none      -        -        "
    "-/-                   -/-             -\n"
    "                               failure: no proposal chosen\n"
    "  bgp:\n"
    "    NODE           SPEAKER  PEER               STATE        UPTIME             PREFIXES\n"
    "    ali-tr         builtin  169.254.21.2       Established  2m10s              3 (2 in FIB)\n"
    "                            169.254.22.2       Active       -\n"
    "    azure-hub      bird     n_169_254_21_1     Established  since 14:47:01.123 4\n"
    "    lonely         builtin  -                  (none)       -                  -\n"
    "                   error: bgpd.sock: connection refused\n"
    "  probe: error: probe daemon \"x\" is gone\n"
    "  other: {a: [1, true, null], b: x}\n";

static void render(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_INT(status_services_text(f, input), 0);
	fclose(f);
	CHECK_STR(out, golden);
	free(out);

	/* not JSON: an error, nothing printed */
	f = open_memstream(&out, &len);
	CHECK_INT(status_services_text(f, "{\"ipsec\":"), -1);
	fclose(f);
	CHECK_INT(len, 0);
	CHECK(strstr(lab_err_msg(), "byte") != NULL);
	lab_err_clear();
	free(out);
}

static void durations(void)
{
	char d[24];
	status_duration(59, d, sizeof(d));
	CHECK_STR(d, "59s");
	status_duration(90061, d, sizeof(d));
	CHECK_STR(d, "1d01h");
	status_duration(-1, d, sizeof(d));
	CHECK_STR(d, "-");
}

int main(void)
{
	render();
	durations();
	return check_done();
}
