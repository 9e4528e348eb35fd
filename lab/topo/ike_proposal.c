/* IKE and ESP proposals, checked by the installed strongSwan itself.
 *
 * Why strongSwan's own parser and not a table of ours: charon's VICI load-conn
 * turns each proposal string into a proposal_t with proposal_create_from_string()
 * of libstrongswan (vici_config.c, parse_proposal), and an IKE SA then needs every
 * algorithm in it from a loaded crypto plugin (ike_init.c creates the key
 * exchange, keymat_v2.c the PRF, signer and crypter). Calling that same function
 * after library_init() and loading the crypto plugins that labctl gives charon
 * answers both questions exactly for the strongSwan on this machine, with no
 * table to drift from it. It needs no privilege, no daemon and no network: the
 * settings file is "" (none, so /etc/strongswan.conf cannot change the answer),
 * nothing is written, and the plugins only dlopen and register algorithms (about
 * 70 ms, once per process, and only for topologies with tunnels).
 *
 * The library is dlopen()ed rather than linked: Debian installs it outside the
 * linker's path (/usr/lib/ipsec, no pkg-config file), and a machine without
 * strongSwan can still load topologies for the timer math; there `labctl
 * validate` says that proposals were only checked for their characters. The
 * struct layouts come from the strongSwan source headers matching the installed
 * version (meson.build strongswan_src, as for the charon plugin).
 *
 * strongSwan's answer decides; the messages are ours, so that they can say which
 * keyword is at fault and what to write instead. Beyond strongSwan, three things it
 * takes silently are refused because they never mean what they say: empty
 * keywords (a stray dash), an integrity algorithm next to an AEAD cipher where it
 * is dropped, and a PRF in an ESP proposal (dropped too). */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* what Debian's strongSwan was built with, as the headers' layouts depend on it */
#include "plugins/labctl/plugin_config.h"

#include <crypto/proposal/proposal.h>
#include <crypto/proposal/proposal_keywords.h>
#include <library.h>

#include "topo/ike_proposal.h"
#include "topo/topo.h"

/* Debian's location; the plugins' directory is compiled into the library. */
#define LIBSTRONGSWAN "/usr/lib/ipsec/libstrongswan.so.0"

static struct {
	bool tried;
	const char *why; /* NULL: loaded */
	char why_buf[256];
	library_t **lib;
	proposal_t *(*from_string)(protocol_id_t, const char *);
	bool (*is_aead)(encryption_algorithm_t);
} ss;

/* strongSwan logs through this hook; its messages are replaced by ours. */
static void quiet(debug_t group, level_t level, char *fmt, ...)
{
	(void)group;
	(void)level;
	(void)fmt;
}

static const char *load(void)
{
	if (ss.tried)
		return ss.why;
	ss.tried = true;
	ss.why = ss.why_buf;
	/* RTLD_GLOBAL: Debian's plugins are not linked against libstrongswan and
	 * resolve its symbols (chunk_empty, dbg, ...) from the global scope, as in
	 * charon, which links it. */
	void *h = dlopen(LIBSTRONGSWAN, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		snprintf(ss.why_buf, sizeof(ss.why_buf),
		         "cannot load %s (%s); install libstrongswan", LIBSTRONGSWAN, dlerror());
		return ss.why;
	}
	bool (*init)(char *, const char *) =
	    (bool (*)(char *, const char *))dlsym(h, "library_init");
	void (**hook)(debug_t, level_t, char *, ...) =
	    (void (**)(debug_t, level_t, char *, ...))dlsym(h, "dbg");
	ss.lib = (library_t **)dlsym(h, "lib");
	ss.from_string =
	    (proposal_t * (*)(protocol_id_t, const char *)) dlsym(h, "proposal_create_from_string");
	ss.is_aead = (bool (*)(encryption_algorithm_t))dlsym(h, "encryption_algorithm_is_aead");
	if (!init || !hook || !ss.lib || !ss.from_string || !ss.is_aead) {
		snprintf(ss.why_buf, sizeof(ss.why_buf), "%s lacks the functions labctl uses",
		         LIBSTRONGSWAN);
		return ss.why;
	}
	*hook = quiet;
	/* The library stays loaded for the life of the process: library_deinit would
	 * unload plugins that openssl may still reference at exit. */
	if (!init("", "labctl-validate")) {
		snprintf(ss.why_buf, sizeof(ss.why_buf), "libstrongswan did not initialize");
		return ss.why;
	}
	/* Which algorithms the openssl plugin offers is fixed when it is built, not by
	 * the OpenSSL providers it loads (openssl_plugin.c), and nothing here runs an
	 * algorithm: leave out the legacy provider, whose child library context
	 * OpenSSL 3.0 never frees (LeakSanitizer reports it in every sanitized
	 * labctl). The lab's charon loads it as usual. */
	(*ss.lib)->settings->set_bool((*ss.lib)->settings, "%s.plugins.openssl.load_legacy", false,
	                              "labctl-validate");
	if (!(*ss.lib)->plugins->load((*ss.lib)->plugins, IKEP_CRYPTO_PLUGINS)) {
		snprintf(ss.why_buf, sizeof(ss.why_buf), "libstrongswan did not initialize");
		return ss.why;
	}
	/* A plugin that failed to load would make its algorithms look unimplemented:
	 * then nothing is judged rather than something misjudged. */
	char *loaded = (*ss.lib)->plugins->loaded_plugins((*ss.lib)->plugins);
	char want[] = IKEP_CRYPTO_PLUGINS, *save = NULL;
	for (char *p = strtok_r(want, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		bool found = false;
		for (const char *q = loaded; q && !found && (q = strstr(q, p)); q += strlen(p))
			found =
			    (q == loaded || q[-1] == ' ') && (!q[strlen(p)] || q[strlen(p)] == ' ');
		if (!found) {
			snprintf(ss.why_buf, sizeof(ss.why_buf),
			         "strongSwan's %s plugin did not load (install the package holding "
			         "/usr/lib/ipsec/plugins/libstrongswan-%s.so)",
			         p, p);
			return ss.why;
		}
	}
	ss.why = NULL;
	return NULL;
}

const char *ikep_unavailable(void)
{
	return load();
}

const char *topo_proposals_unchecked(void)
{
	return load();
}

static const char *type_name(transform_type_t t)
{
	switch (t) {
	case ENCRYPTION_ALGORITHM: return "encryption algorithm";
	case INTEGRITY_ALGORITHM: return "integrity algorithm";
	case PSEUDO_RANDOM_FUNCTION: return "PRF";
	case KEY_EXCHANGE_METHOD: return "DH group";
	default: return "keyword";
	}
}

/* What an unknown keyword probably meant to be, by the prefixes strongSwan's own
 * keywords of each kind use, so the message can offer the right examples. */
static const char *guess(const char *tok)
{
	static const struct {
		const char *prefix, *what;
	} kinds[] = {
	    {"modp", "a DH group such as modp2048, ecp256 or curve25519"},
	    {"ecp", "a DH group such as modp2048, ecp256 or curve25519"},
	    {"curve", "a DH group such as modp2048, ecp256 or curve25519"},
	    {"x25519", "a DH group such as modp2048, ecp256 or curve25519"},
	    {"dh", "a DH group such as modp2048, ecp256 or curve25519"},
	    {"prf", "a PRF such as prfsha256"},
	    {"sha", "an integrity algorithm such as sha256 or sha1"},
	    {"md", "an integrity algorithm such as sha256 or sha1"},
	    {"hmac", "an integrity algorithm such as sha256 or sha1"},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(tok, kinds[i].prefix, strlen(kinds[i].prefix)))
			return kinds[i].what;
	return "an encryption algorithm such as aes256, aes256gcm16 or chacha20poly1305";
}

static bool in_enum(enumerator_t *e, unsigned alg)
{
	int a; /* every algorithm enum of strongSwan is int-sized */
	const char *plugin;
	bool found = false;
	while (!found && e->enumerate(e, &a, &plugin))
		found = (unsigned)a == alg;
	e->destroy(e);
	return found;
}

/* Whether a crypto plugin that charon loads implements the keyword's algorithm. */
static bool implemented(const proposal_token_t *tk)
{
	crypto_factory_t *cf = (*ss.lib)->crypto;
	switch (tk->type) {
	case ENCRYPTION_ALGORITHM:
		return in_enum(ss.is_aead(tk->algorithm) ? cf->create_aead_enumerator(cf)
		                                         : cf->create_crypter_enumerator(cf),
		               tk->algorithm);
	case INTEGRITY_ALGORITHM: return in_enum(cf->create_signer_enumerator(cf), tk->algorithm);
	case PSEUDO_RANDOM_FUNCTION: return in_enum(cf->create_prf_enumerator(cf), tk->algorithm);
	case KEY_EXCHANGE_METHOD:
		return tk->algorithm == KE_NONE ||
		       in_enum(cf->create_ke_enumerator(cf), tk->algorithm);
	default: return true;
	}
}

struct scan {
	enum ikep_proto proto;
	const char *s;
	ikep_report_fn report;
	void *ctx;
	int problems;
	/* the first keyword of each kind, for structure messages (offsets into s) */
	const char *aead, *classic, *integ, *prf;
	size_t aead_len, classic_len, integ_len, prf_len;
	bool any_ke;
};

static void say(struct scan *c, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct scan *c, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->report(c->ctx, off, msg);
	c->problems++;
}

static const char *proto_name(const struct scan *c)
{
	return c->proto == IKEP_IKE ? "IKE" : "ESP";
}

static void keyword(struct scan *c, const char *tok, size_t len)
{
	size_t off = (size_t)(tok - c->s);
	char name[64];
	if (len >= sizeof(name)) {
		say(c, off,
		    "%s proposal keyword '%.*s...' is not one strongSwan knows; expected %s",
		    proto_name(c), 20, tok, guess(tok));
		return;
	}
	memcpy(name, tok, len);
	name[len] = '\0';
	const proposal_token_t *tk = (*ss.lib)->proposal->get_token((*ss.lib)->proposal, name);
	if (!tk) {
		say(c, off,
		    "%s proposal keyword '%s' is not one the installed strongSwan knows; expected "
		    "%s",
		    proto_name(c), name, guess(name));
		return;
	}
	if (!implemented(tk)) {
		say(c, off,
		    "%s '%s' is known to strongSwan but no crypto plugin that labctl loads into "
		    "charon (%s) implements it; expected another %s",
		    type_name(tk->type), name, IKEP_CRYPTO_PLUGINS, type_name(tk->type));
		return;
	}
	switch (tk->type) {
	case ENCRYPTION_ALGORITHM:
		if (ss.is_aead(tk->algorithm)) {
			if (!c->aead)
				c->aead = tok, c->aead_len = len;
		} else if (!c->classic) {
			c->classic = tok, c->classic_len = len;
		}
		break;
	case INTEGRITY_ALGORITHM:
		if (!c->integ)
			c->integ = tok, c->integ_len = len;
		break;
	case PSEUDO_RANDOM_FUNCTION:
		if (c->proto == IKEP_ESP)
			say(c, off,
			    "PRF '%s' in an ESP proposal, where strongSwan drops it (only IKE uses "
			    "a PRF); expected no prf keyword in 'esp'",
			    name);
		else if (!c->prf)
			c->prf = tok, c->prf_len = len;
		break;
	case KEY_EXCHANGE_METHOD: c->any_ke |= tk->algorithm != KE_NONE; break;
	default: break;
	}
}

/* Says why strongSwan refused a proposal whose keywords are all known, in the order
 * of its check_proposal(); and the silent drops it does not refuse. */
static void structure(struct scan *c, bool accepted)
{
	const size_t whole = (size_t)-1;
	int before = c->problems;
	bool ike = c->proto == IKEP_IKE;
	if (ike && !c->prf && !c->integ)
		say(c, whole,
		    "IKE proposal '%s' has no PRF; expected a prf keyword such as prfsha256, or an "
		    "integrity algorithm such as sha256 (which implies its PRF)",
		    c->s);
	if (ike && !c->any_ke)
		say(c, whole,
		    "IKE proposal '%s' has no DH group; expected one such as modp2048, ecp256 or "
		    "curve25519",
		    c->s);
	if (!c->aead && !c->classic)
		say(c, whole,
		    "%s proposal '%s' has no encryption algorithm; expected one such as aes256 or "
		    "aes256gcm16",
		    proto_name(c), c->s);
	if (c->aead && c->classic)
		say(c, (size_t)(c->aead - c->s),
		    "%s proposal mixes the AEAD cipher '%.*s' with the classic cipher '%.*s', "
		    "which strongSwan refuses; expected one kind (e.g. aes256gcm16, or aes256 with "
		    "sha256)",
		    proto_name(c), (int)c->aead_len, c->aead, (int)c->classic_len, c->classic);
	else if (ike && c->classic && !c->integ)
		say(c, whole,
		    "IKE proposal '%s' has the classic cipher '%.*s' but no integrity algorithm; "
		    "expected one such as sha256, or an AEAD cipher such as aes256gcm16",
		    c->s, (int)c->classic_len, c->classic);
	if (c->problems != before || !accepted) {
		if (c->problems == before) /* a rule of a newer strongSwan */
			say(c, whole,
			    "the installed strongSwan refuses %s proposal '%s'; expected a "
			    "proposal as described in swanctl.conf(5)",
			    proto_name(c), c->s);
		return;
	}
	/* With AEAD only, check_proposal drops every integrity algorithm; in IKE an
	 * integrity keyword still stands for the PRF when no prf keyword is given. */
	if (c->aead && c->integ && (!ike || c->prf))
		say(c, (size_t)(c->integ - c->s),
		    "integrity algorithm '%.*s' next to the AEAD cipher '%.*s' is dropped by "
		    "strongSwan (AEAD authenticates by itself); expected no integrity algorithm%s",
		    (int)c->integ_len, c->integ, (int)c->aead_len, c->aead,
		    ike ? " (in IKE it may stand for the PRF when no prf keyword is given)" : "");
}

static const char *example(enum ikep_proto proto)
{
	return proto == IKEP_IKE ? "aes256-sha256-modp2048" : "aes256-sha256";
}

int ikep_check(enum ikep_proto proto, const char *s, ikep_report_fn report, void *ctx)
{
	if (load())
		return -1;
	struct scan c = {.proto = proto, .s = s, .report = report, .ctx = ctx};
	/* VICI takes one proposal per list item, and labctl sends one item */
	const char *comma = strchr(s, ',');
	if (comma) {
		say(&c, (size_t)(comma - s),
		    "%s proposal '%s' is a list; expected one proposal (labctl configures one per "
		    "tunnel end)",
		    proto_name(&c), s);
		return c.problems;
	}
	if (!strcmp(s, "default"))
		return 0; /* strongSwan's default proposals (vici_config.c) */
	if (!*s) {
		say(&c, (size_t)-1, "%s proposal is empty; expected one such as %s", proto_name(&c),
		    example(proto));
		return c.problems;
	}
	for (const char *p = s;; p++) {
		const char *end = strchr(p, '-');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (!len) {
			/* at the stray dash: the one that starts the empty keyword, or
			 * the last character for a trailing one */
			say(&c, (size_t)(p - s) - (!*p),
			    "%s proposal '%s' has an empty keyword (a stray '-'); expected "
			    "keywords joined by single dashes, e.g. %s",
			    proto_name(&c), s, example(proto));
		} else {
			keyword(&c, p, len);
		}
		if (!end)
			break;
		p = end;
	}
	if (c.problems)
		return c.problems;
	protocol_id_t pid = proto == IKEP_IKE ? PROTO_IKE : PROTO_ESP;
	proposal_t *pr = ss.from_string(pid, s);
	structure(&c, pr != NULL);
	if (pr)
		pr->destroy(pr);
	return c.problems;
}
