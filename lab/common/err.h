/* One error-reporting helper for the whole of labctl.
 *
 * Functions that fail return -1 (or a negative errno) and leave a message here;
 * the command at the top prints it once and exits with its code. Keeping the text
 * next to the code that found the problem is what lets messages say what, where and
 * what to do, without each caller re-wording them. */
#ifndef LAB_COMMON_ERR_H
#define LAB_COMMON_ERR_H

#include <stdarg.h>

enum lab_exit {
	LAB_EXIT_OK = 0,
	LAB_EXIT_FAIL = 1,  /* the lab or the machine failed */
	LAB_EXIT_USAGE = 2, /* bad input: usage, topology file, missing privilege */
};

/* Sets the message (printf-style) and the exit code it implies. Returns -1 so that
 * `return lab_err(...)` reads naturally. Thread-local. */
int lab_err(enum lab_exit code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lab_verr(enum lab_exit code, const char *fmt, va_list ap);
/* Like lab_err, with ": strerror(errnum)" appended. */
int lab_err_errno(enum lab_exit code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *lab_err_msg(void);
enum lab_exit lab_err_code(void);
void lab_err_clear(void);

/* Prints "labctl: <msg>" to stderr and returns the exit code. */
int lab_err_report(void);

#endif
