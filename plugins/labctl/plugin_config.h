/* What Debian's strongSwan 5.9.8 was built with, as far as the installed headers'
 * struct layouts depend on it (docs/reference.md). ME (mediation) changes the layout of
 * ike_sa_t, peer_cfg_t, daemon_t and task_type_t: a plugin built without it calls
 * the wrong function pointers in Debian's charon and crashes it. */
#ifndef CONFIG_H_INCLUDED
#define CONFIG_H_INCLUDED

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define ME 1
#define USE_IKEV1 1
#define USE_IKEV2 1
#define HAVE_SIGWAITINFO 1
#define HAVE_STDBOOL_H 1
#define HAVE__BOOL 1
#define HAVE_ALLOCA_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_CONDATTR_CLOCK_MONOTONIC 1
#define HAVE_GCC_ATOMIC_OPERATIONS 1
#define HAVE_EXPLICIT_BZERO 1
#define HAVE_MEMRCHR 1
#define HAVE_FMEMOPEN 1
#define HAVE_CLOSEFROM 1
#define HAVE_INT128 1

#endif
