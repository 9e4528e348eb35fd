#include "labctl_listener.h"

#include <arpa/inet.h>
#include <endian.h>
#include <stdarg.h>
#include <stdio.h>

#include <daemon.h>

#include "common/journal.h"
#include "common/json.h"

typedef struct {
	labctl_listener_t public;
	struct lc_queue *q;
} private_labctl_listener_t;

/* An IKE_SA has a name only once its peer config is known: a responder that rejects
 * IKE_SA_INIT (proposal mismatch) never learns it, so such events carry the peer's
 * address for labctl to map back to a tunnel, and "tunnel": null. */
static const char *tunnel_name(ike_sa_t *ike_sa)
{
	if (!ike_sa || !ike_sa->get_peer_cfg(ike_sa))
		return NULL;
	return ike_sa->get_name(ike_sa);
}

/* Starts the event's journal line in j (labctl's journal builder on json-c). */
static void begin(struct json *j, const char *ev, ike_sa_t *ike_sa)
{
	const char *name = tunnel_name(ike_sa);
	json_init(j);
	journal_begin(j, lc_mono_ns(), "ike", ev);
	json_key(j, "tunnel");
	if (name)
		json_str(j, name);
	else
		json_null(j);
	host_t *peer = ike_sa ? ike_sa->get_other_host(ike_sa) : NULL;
	if (peer && !peer->is_anyaddr(peer)) {
		chunk_t a = peer->get_address(peer);
		char txt[INET6_ADDRSTRLEN];
		int af = a.len == 4 ? AF_INET : AF_INET6;
		if ((a.len == 4 || a.len == 16) && inet_ntop(af, a.ptr, txt, sizeof(txt)))
			json_kv_str(j, "peer", txt);
	}
}

/* "<prefix><name>" as one member name. */
static void kv_hex(struct json *j, const char *prefix, const char *name, const char *fmt,
                   unsigned long long v)
{
	char key[32], val[24];
	snprintf(key, sizeof(key), "%s%s", prefix, name);
	snprintf(val, sizeof(val), fmt, v);
	json_kv_str(j, key, val);
}

static void ike_spis(struct json *j, const char *prefix, ike_sa_t *ike_sa)
{
	ike_sa_id_t *id = ike_sa->get_id(ike_sa);
	/* SPIs are kept in network order; print them as swanctl does. */
	kv_hex(j, prefix, "spi_i", "%.16llx", be64toh(id->get_initiator_spi(id)));
	kv_hex(j, prefix, "spi_r", "%.16llx", be64toh(id->get_responder_spi(id)));
}

static void child_spis(struct json *j, const char *prefix, child_sa_t *c)
{
	kv_hex(j, prefix, "spi_in", "%.8llx", ntohl(c->get_spi(c, TRUE)));
	kv_hex(j, prefix, "spi_out", "%.8llx", ntohl(c->get_spi(c, FALSE)));
}

/* Queues the line (a line that does not fit a queue slot is left out of the
 * journal, never cut into invalid JSON; the speaker message still goes). */
static void push(private_labctl_listener_t *this, struct json *j, const char *speaker)
{
	json_obj_end(j);
	size_t len;
	const char *line = json_out(j, &len);
	lc_queue_push(this->q, line && len < LC_LINE_MAX ? line : NULL, speaker);
	json_free(j);
}

METHOD(listener_t, ike_updown, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa, bool up)
{
	struct json j;
	begin(&j, up ? "ike-up" : "ike-down", ike_sa);
	ike_spis(&j, "ike_", ike_sa);
	push(this, &j, NULL);
	return TRUE;
}

METHOD(listener_t, child_updown, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa,
       child_sa_t *child_sa, bool up)
{
	char sp[LC_SPEAKER_MAX];
	struct json j;
	const char *name = tunnel_name(ike_sa);
	begin(&j, up ? "child-up" : "child-down", ike_sa);
	json_kv_str(&j, "child", child_sa->get_name(child_sa));
	child_spis(&j, "", child_sa);
	/* The speaker tracks tunnels by the topology name, which labctl gives both the
	 * IKE and the CHILD config. */
	snprintf(sp, sizeof(sp), "tunnel %s %s\n", name ? name : child_sa->get_name(child_sa),
	         up ? "up" : "down");
	push(this, &j, sp);
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool, private_labctl_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	struct json j;
	begin(&j, "ike-rekey", old);
	ike_spis(&j, "old_", old);
	ike_spis(&j, "new_", new);
	push(this, &j, NULL);
	return TRUE;
}

METHOD(listener_t, child_rekey, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa,
       child_sa_t *old, child_sa_t *new)
{
	struct json j;
	begin(&j, "child-rekey", ike_sa);
	json_kv_str(&j, "child", old->get_name(old));
	child_spis(&j, "old_", old);
	child_spis(&j, "new_", new);
	push(this, &j, NULL);
	return TRUE;
}

/* docs/journal.md's alert vocabulary; everything else is "other" with charon's name
 * for it in "detail". */
static const char *alert_name(alert_t alert)
{
	switch (alert) {
	case ALERT_RETRANSMIT_SEND: return "retransmit-send";
	case ALERT_RETRANSMIT_SEND_TIMEOUT: return "retransmit-send-timeout";
	case ALERT_PEER_INIT_UNREACHABLE: return "peer-unreachable";
	case ALERT_PROPOSAL_MISMATCH_IKE: return "proposal-mismatch-ike";
	case ALERT_PROPOSAL_MISMATCH_CHILD: return "proposal-mismatch-child";
	case ALERT_LOCAL_AUTH_FAILED: return "auth-failed";
	case ALERT_PEER_AUTH_FAILED: return "peer-auth-failed";
	default: return "other";
	}
}

static const char *other_detail(alert_t alert)
{
	switch (alert) {
	case ALERT_SHUTDOWN_SIGNAL: return "shutdown-signal";
	case ALERT_RETRANSMIT_SEND_CLEARED: return "retransmit-send-cleared";
	case ALERT_RETRANSMIT_RECEIVE: return "retransmit-receive";
	case ALERT_HALF_OPEN_TIMEOUT: return "half-open-timeout";
	case ALERT_TS_MISMATCH: return "ts-mismatch";
	case ALERT_INSTALL_CHILD_SA_FAILED: return "install-child-sa-failed";
	case ALERT_INSTALL_CHILD_POLICY_FAILED: return "install-child-policy-failed";
	case ALERT_KEEP_ON_CHILD_SA_FAILURE: return "keep-on-child-sa-failure";
	case ALERT_IKE_SA_EXPIRED: return "ike-sa-expired";
	case ALERT_INVALID_IKE_SPI: return "invalid-ike-spi";
	case ALERT_PARSE_ERROR_HEADER: return "parse-error-header";
	case ALERT_PARSE_ERROR_BODY: return "parse-error-body";
	case ALERT_UNIQUE_REPLACE: return "unique-replace";
	case ALERT_AUTHORIZATION_FAILED: return "authorization-failed";
	default: return NULL;
	}
}

METHOD(listener_t, alert, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa, alert_t alert,
       va_list args)
{
	struct json j;
	char detail[32];
	const char *name = alert_name(alert), *d = NULL;
	begin(&j, "alert", ike_sa);
	json_kv_str(&j, "alert", name);
	switch (alert) {
	case ALERT_RETRANSMIT_SEND: {
		(void)va_arg(args, void *); /* packet_t */
		snprintf(detail, sizeof(detail), "retransmit %d", va_arg(args, int));
		d = detail;
		break;
	}
	case ALERT_PEER_INIT_UNREACHABLE:
		snprintf(detail, sizeof(detail), "try %d", va_arg(args, int) + 1);
		d = detail;
		break;
	default:
		d = other_detail(alert);
		if (!d && !strcmp(name, "other")) {
			snprintf(detail, sizeof(detail), "alert %d", (int)alert);
			d = detail;
		}
	}
	if (d)
		json_kv_str(&j, "detail", d);
	push(this, &j, NULL);
	return TRUE;
}

METHOD(labctl_listener_t, destroy, void, private_labctl_listener_t *this)
{
	free(this);
}

labctl_listener_t *labctl_listener_create(struct lc_queue *q)
{
	private_labctl_listener_t *this;
	INIT(this,
	     .public =
	         {
	             .listener =
	                 {
	                     .ike_updown = _ike_updown,
	                     .child_updown = _child_updown,
	                     .ike_rekey = _ike_rekey,
	                     .child_rekey = _child_rekey,
	                     .alert = _alert,
	                 },
	             .destroy = _destroy,
	         },
	     .q = q, );
	return &this->public;
}
