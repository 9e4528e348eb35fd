#include "common/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char err_msg[2048];
static _Thread_local enum lab_exit err_code = LAB_EXIT_OK;

int lab_verr(enum lab_exit code, const char *fmt, va_list ap)
{
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	err_code = code;
	return -1;
}

int lab_err(enum lab_exit code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lab_verr(code, fmt, ap);
	va_end(ap);
	return -1;
}

int lab_err_errno(enum lab_exit code, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lab_verr(code, fmt, ap);
	va_end(ap);
	size_t len = strlen(err_msg);
	snprintf(err_msg + len, sizeof(err_msg) - len, ": %s", strerror(errnum));
	return -1;
}

const char *lab_err_msg(void)
{
	return err_msg[0] ? err_msg : "unknown error";
}

enum lab_exit lab_err_code(void)
{
	return err_code == LAB_EXIT_OK ? LAB_EXIT_FAIL : err_code;
}

void lab_err_clear(void)
{
	err_msg[0] = '\0';
	err_code = LAB_EXIT_OK;
}

int lab_err_report(void)
{
	fprintf(stderr, "labctl: %s\n", lab_err_msg());
	return lab_err_code();
}
