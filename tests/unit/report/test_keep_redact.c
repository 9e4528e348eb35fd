/* `down --keep` copies the topology with every inline psk value replaced
 * (report/keep.h): block keys at any indentation, in sequences, quoted keys that
 * hold " #", CRLF-free and last lines without a newline; psk_file and other keys
 * untouched. */
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "report/keep.h"

int main(void)
{
	static const char in[] = "tunnels:\n"
	                         "  - name: t0\n"
	                         "    psk: aliazu12345            # the article's key\n"
	                         "    ends:\n"
	                         "      - node: a\n"
	                         "        psk: \"se#cret # x\"\n"
	                         "      - {node: b}\n"
	                         "  - psk: 'k2'\n"
	                         "    psk_file: /etc/k\n"
	                         "    pskx: keep\n"
	                         "# psk: in a comment is left alone\n"
	                         "\tpsk: tabbed";
	static const char want[] =
	    "tunnels:\n"
	    "  - name: t0\n"
	    "    psk: \"redacted\"  # key removed by labctl down --keep\n"
	    "    ends:\n"
	    "      - node: a\n"
	    "        psk: \"redacted\"  # key removed by labctl down --keep\n"
	    "      - {node: b}\n"
	    "  - psk: \"redacted\"  # key removed by labctl down --keep\n"
	    "    psk_file: /etc/k\n"
	    "    pskx: keep\n"
	    "# psk: in a comment is left alone\n"
	    "\tpsk: \"redacted\"  # key removed by labctl down --keep";
	char *out = report_redact_psk(in, strlen(in));
	CHECK_STR(out, want);
	CHECK(out && !strstr(out, "aliazu") && !strstr(out, "se#cret") && !strstr(out, "k2") &&
	      !strstr(out, "tabbed"));
	free(out);
	out = report_redact_psk("", 0);
	CHECK_STR(out, "");
	free(out);
	return check_done();
}
