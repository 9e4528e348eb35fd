#include "labctl_listener.h"

#include <arpa/inet.h>
#include <endian.h>
#include <stdarg.h>
#include <stdio.h>

#include <daemon.h>

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

static void begin(char *b, size_t len, size_t *off, const char *ev, ike_sa_t *ike_sa)
{
	const char *name = tunnel_name(ike_sa);
	lc_append(b, len, off, "{\"t\":%lld,\"src\":\"ike\",\"ev\":\"%s\",\"tunnel\":",
		  (long long)lc_mono_ns(), ev);
	if (name)
		lc_json_str(b, len, off, name);
	else
		lc_append(b, len, off, "null");
	host_t *peer = ike_sa ? ike_sa->get_other_host(ike_sa) : NULL;
	if (peer && !peer->is_anyaddr(peer)) {
		chunk_t a = peer->get_address(peer);
		char txt[INET6_ADDRSTRLEN];
		int af = a.len == 4 ? AF_INET : AF_INET6;
		if ((a.len == 4 || a.len == 16) && inet_ntop(af, a.ptr, txt, sizeof(txt)))
			lc_append(b, len, off, ",\"peer\":\"%s\"", txt);
	}
}

static void ike_spis(char *b, size_t len, size_t *off, const char *prefix, ike_sa_t *ike_sa)
{
	ike_sa_id_t *id = ike_sa->get_id(ike_sa);
	/* SPIs are kept in network order; print them as swanctl does. */
	lc_append(b, len, off, ",\"%sspi_i\":\"%.16llx\",\"%sspi_r\":\"%.16llx\"", prefix,
		  (unsigned long long)be64toh(id->get_initiator_spi(id)), prefix,
		  (unsigned long long)be64toh(id->get_responder_spi(id)));
}

static void child_spis(char *b, size_t len, size_t *off, const char *prefix, child_sa_t *c)
{
	lc_append(b, len, off, ",\"%sspi_in\":\"%.8x\",\"%sspi_out\":\"%.8x\"", prefix,
		  ntohl(c->get_spi(c, TRUE)), prefix, ntohl(c->get_spi(c, FALSE)));
}

static void push(private_labctl_listener_t *this, char *b, size_t len, size_t *off,
		 const char *speaker)
{
	lc_append(b, len, off, "}");
	lc_queue_push(this->q, b, speaker);
}

METHOD(listener_t, ike_updown, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa,
       bool up)
{
	char b[LC_LINE_MAX];
	size_t off = 0;
	begin(b, sizeof(b), &off, up ? "ike-up" : "ike-down", ike_sa);
	ike_spis(b, sizeof(b), &off, "ike_", ike_sa);
	push(this, b, sizeof(b), &off, NULL);
	return TRUE;
}

METHOD(listener_t, child_updown, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa,
       child_sa_t *child_sa, bool up)
{
	char b[LC_LINE_MAX], sp[LC_SPEAKER_MAX];
	size_t off = 0;
	const char *name = tunnel_name(ike_sa);
	begin(b, sizeof(b), &off, up ? "child-up" : "child-down", ike_sa);
	lc_append(b, sizeof(b), &off, ",\"child\":");
	lc_json_str(b, sizeof(b), &off, child_sa->get_name(child_sa));
	child_spis(b, sizeof(b), &off, "", child_sa);
	/* The speaker tracks tunnels by the topology name, which labctl gives both the
	 * IKE and the CHILD config. */
	snprintf(sp, sizeof(sp), "tunnel %s %s\n", name ? name : child_sa->get_name(child_sa),
		 up ? "up" : "down");
	push(this, b, sizeof(b), &off, sp);
	return TRUE;
}

METHOD(listener_t, ike_rekey, bool, private_labctl_listener_t *this, ike_sa_t *old,
       ike_sa_t *new)
{
	char b[LC_LINE_MAX];
	size_t off = 0;
	begin(b, sizeof(b), &off, "ike-rekey", old);
	ike_spis(b, sizeof(b), &off, "old_", old);
	ike_spis(b, sizeof(b), &off, "new_", new);
	push(this, b, sizeof(b), &off, NULL);
	return TRUE;
}

METHOD(listener_t, child_rekey, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa,
       child_sa_t *old, child_sa_t *new)
{
	char b[LC_LINE_MAX];
	size_t off = 0;
	begin(b, sizeof(b), &off, "child-rekey", ike_sa);
	lc_append(b, sizeof(b), &off, ",\"child\":");
	lc_json_str(b, sizeof(b), &off, old->get_name(old));
	child_spis(b, sizeof(b), &off, "old_", old);
	child_spis(b, sizeof(b), &off, "new_", new);
	push(this, b, sizeof(b), &off, NULL);
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

METHOD(listener_t, alert, bool, private_labctl_listener_t *this, ike_sa_t *ike_sa,
       alert_t alert, va_list args)
{
	char b[LC_LINE_MAX];
	size_t off = 0;
	const char *name = alert_name(alert);
	begin(b, sizeof(b), &off, "alert", ike_sa);
	lc_append(b, sizeof(b), &off, ",\"alert\":\"%s\"", name);
	switch (alert) {
	case ALERT_RETRANSMIT_SEND: {
		(void)va_arg(args, void *); /* packet_t */
		lc_append(b, sizeof(b), &off, ",\"detail\":\"retransmit %d\"", va_arg(args, int));
		break;
	}
	case ALERT_PEER_INIT_UNREACHABLE:
		lc_append(b, sizeof(b), &off, ",\"detail\":\"try %d\"", va_arg(args, int) + 1);
		break;
	default: {
		const char *d = other_detail(alert);
		if (d)
			lc_append(b, sizeof(b), &off, ",\"detail\":\"%s\"", d);
		else if (!strcmp(name, "other"))
			lc_append(b, sizeof(b), &off, ",\"detail\":\"alert %d\"", (int)alert);
	}
	}
	push(this, b, sizeof(b), &off, NULL);
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
		.public = {
			.listener = {
				.ike_updown = _ike_updown,
				.child_updown = _child_updown,
				.ike_rekey = _ike_rekey,
				.child_rekey = _child_rekey,
				.alert = _alert,
			},
			.destroy = _destroy,
		},
		.q = q,
	);
	return &this->public;
}
