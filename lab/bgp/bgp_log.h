/* The speaker's diagnostics on stderr: one line per message, every line from one
 * helper so that a log reader (a person, or a test that greps) sees one shape:
 *
 *   labctl-bgpd: warning: neighbor 169.254.21.2 (AS 65515): connect: Connection refused
 *
 * Lines about a neighbor name it by address and AS (the config has no description
 * field); the errno variants append ": strerror(err)". Debug lines appear only with
 * -v. What a report needs goes to the journal, not here: stderr is for people.
 *
 * The threshold is process-wide (stderr is), set once by main. */
#ifndef LAB_BGP_LOG_H
#define LAB_BGP_LOG_H

#include <stdarg.h>
#include <stddef.h>

struct bgp_neighbor_config;

enum bgp_log_level {
	BGP_LOG_ERR,
	BGP_LOG_WARN,
	BGP_LOG_INFO,
	BGP_LOG_DEBUG,
};

/* Messages above max are dropped (default BGP_LOG_INFO). */
void bgp_log_set_level(enum bgp_log_level max);
enum bgp_log_level bgp_log_level(void);

void bgp_log(enum bgp_log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bgp_log_errno(enum bgp_log_level lv, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bgp_log_peer(enum bgp_log_level lv, const struct bgp_neighbor_config *nb, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bgp_log_peer_errno(enum bgp_log_level lv, const struct bgp_neighbor_config *nb, int err,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Formats the line the functions above print (without the newline) into buf:
 * nb may be NULL (no neighbor), err 0 (no errno). Returns buf. */
char *bgp_log_format(char *buf, size_t size, enum bgp_log_level lv,
                     const struct bgp_neighbor_config *nb, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

#endif
