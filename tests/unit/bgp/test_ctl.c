/* The control socket's requests against sessions driven on a fake clock without
 * sockets: tunnel tracking (down drops only the tracked session, with a journaled
 * reason; up restarts it), `show` with negotiated timers and ms left, refresh and
 * bad requests. */
#include <stdlib.h>
#include <unistd.h>

#include "../../check.h"
#include "common/monotime.h"
#include "common/fsutil.h"
#include "common/journal.h"
#include "control_socket.h"
#include "session.h"

static const char conf[] = "asn 64512\nrouter-id 10.0.0.1\n"
                           "neighbor 10.0.0.2 remote-as 65515 hold-ms 30000 keepalive-ms 10000 "
                           "passive track-tunnel t0\n"
                           "neighbor 10.0.0.3 remote-as 65515 hold-ms 30000 keepalive-ms 10000 "
                           "passive\n";

static void establish(struct bgp_session *s, uint32_t peer_id)
{
	struct bgp_fsm_out out = {0};
	CHECK_INT(bgp_fsm_accept(&s->fsm, &out), BGP_CONN_IN);
	struct bgp_fsm_in in = {.peer_as = 65515, .hold_s = 180, .peer_id = peer_id};
	bgp_session_event(s, BGP_CONN_IN, BGP_EV_OPEN, &in);
	bgp_session_event(s, BGP_CONN_IN, BGP_EV_KEEPALIVE, NULL);
	CHECK_INT(s->fsm.state, BGP_ST_ESTABLISHED);
}

static const char *req(struct bgpd *d, const char *line, struct json *j)
{
	json_reset(j);
	const char *text = ctl_handle(d, line, j);
	size_t len;
	const char *out = text ? text : json_out(j, &len);
	return out ? out : "";
}

int main(void)
{
	char jpath[] = "/tmp/test-bgp-ctl-XXXXXX";
	int jfd = mkstemp(jpath);
	CHECK(jfd >= 0);
	struct bgpd d;
	memset(&d, 0, sizeof(d));
	d.epfd = d.listen_fd = d.ctl_fd = -1;
	d.journal_fd = jfd;
	json_init(&d.jscratch);
	bgp_clock_fake(&d.clock, 1000 * NS_PER_SEC);
	CHECK_INT(bgp_config_parse(conf, "t.conf", &d.cfg), 0);
	d.n_sessions = d.cfg.n_neighbors;
	d.sessions = calloc(d.n_sessions, sizeof(*d.sessions));
	for (size_t i = 0; i < d.n_sessions; i++) {
		bgp_session_init(&d.sessions[i], &d, (uint32_t)i);
		bgp_session_event(&d.sessions[i], -1, BGP_EV_MANUAL_START, NULL);
		CHECK_INT(d.sessions[i].fsm.state, BGP_ST_ACTIVE);
	}
	establish(&d.sessions[0], 0x0a000002);
	establish(&d.sessions[1], 0x0a000003);

	struct json j;
	json_init(&j);
	bgp_clock_advance(&d.clock, 10 * NS_PER_SEC);
	const char *show = req(&d, "show", &j);
	CHECK(strstr(show, "\"peer\":\"10.0.0.2\"") != NULL);
	CHECK(strstr(show, "\"state\":\"Established\"") != NULL);
	CHECK(strstr(show, "\"hold_ms\":30000,\"keepalive_ms\":10000") != NULL);
	CHECK(strstr(show, "\"uptime_ms\":10000") != NULL);
	CHECK(strstr(show, "\"timers_ms_left\":{\"hold\":20000,") != NULL);
	CHECK(strstr(show, "\"tunnel_down\":false") != NULL);
	CHECK(strstr(show, "\"last_error\":null") != NULL);

	/* Only the session that tracks t0 goes down, at once, with the reason. */
	CHECK_STR(req(&d, "tunnel t0 down", &j), "ok");
	CHECK_INT(d.sessions[0].fsm.state, BGP_ST_IDLE);
	CHECK_INT(d.sessions[1].fsm.state, BGP_ST_ESTABLISHED);
	CHECK(d.sessions[0].fsm.tunnel_down);
	show = req(&d, "show", &j);
	CHECK(strstr(show, "\"tunnel_down\":true") != NULL);
	/* It stays down however long we wait... */
	bgp_clock_advance(&d.clock, 60 * NS_PER_SEC);
	bgp_session_timers(&d.sessions[0]);
	CHECK_INT(d.sessions[0].fsm.state, BGP_ST_IDLE);
	/* ...and comes back on up (passive: Active, waiting for the peer). */
	CHECK_STR(req(&d, "tunnel t0 up", &j), "ok");
	CHECK_INT(d.sessions[0].fsm.state, BGP_ST_ACTIVE);
	CHECK_STR(req(&d, "tunnel other down", &j), "ok");
	CHECK_INT(d.sessions[1].fsm.state, BGP_ST_ESTABLISHED);

	CHECK_STR(req(&d, "refresh 10.0.0.9", &j), "error: no such neighbor");
	CHECK_STR(req(&d, "refresh 10.0.0.2", &j), "error: session not established");
	CHECK_STR(req(&d, "refresh 10.0.0.3", &j), "ok");
	CHECK(strncmp(req(&d, "tunnel t0 sideways", &j), "error", 5) == 0);
	CHECK(strncmp(req(&d, "", &j), "error", 5) == 0);

	/* The hold timer of the remaining session expires on the fake clock. */
	bgp_clock_advance(&d.clock, 30 * NS_PER_SEC);
	bgp_session_timers(&d.sessions[1]);
	CHECK_INT(d.sessions[1].fsm.state, BGP_ST_IDLE);
	show = req(&d, "show", &j);
	CHECK(strstr(show, "\"last_error\":{\"code\":4,\"subcode\":0,\"dir\":\"sent\"") != NULL);

	/* The journal has the state changes with their reasons. */
	char *text = NULL;
	size_t len;
	CHECK(read_file(jpath, &text, &len) == 0);
	CHECK(text &&
	      strstr(text, "\"ev\":\"state\",\"peer\":\"10.0.0.2\",\"from\":\"Established\","
	                   "\"to\":\"Idle\",\"reason\":\"tunnel-down\""));
	CHECK(text && strstr(text, "\"reason\":\"hold-timer-expired\",\"code\":4,\"subcode\":0"));
	CHECK(text && strstr(text, "\"reason\":\"keepalive-received\""));
	free(text);

	for (size_t i = 0; i < d.n_sessions; i++)
		bgp_session_free(&d.sessions[i]);
	free(d.sessions);
	bgp_config_free(&d.cfg);
	json_free(&j);
	json_free(&d.jscratch);
	close(jfd);
	unlink(jpath);
	return check_done();
}
