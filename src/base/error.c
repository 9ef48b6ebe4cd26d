/*
 * Errors: fixed-buffer error messages (see error.h).
 */
#include "config.h"

#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int set(struct sk_err *err, int errnum, int with_strerror, const char *fmt, va_list ap)
{
    if (errnum <= 0)
        errnum = errnum < 0 ? -errnum : EIO;
    err->code = errnum;
    int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    if (with_strerror && n >= 0 && (size_t)n < sizeof(err->msg)) {
        char tmp[64];
        const char *text = strerror_r(errnum, tmp, sizeof(tmp)); /* GNU variant */
        snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", text);
    }
    return -errnum;
}

int sk_err_make(struct sk_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ret = set(err, errnum, 1, fmt, ap);
    va_end(ap);
    return ret;
}

int sk_err_msg(struct sk_err *err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ret = set(err, errnum, 0, fmt, ap);
    va_end(ap);
    return ret;
}

int sk_err_wrap(struct sk_err *err, const char *fmt, ...)
{
    char prefix[SK_ERR_LEN];
    char old[SK_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    /* Truncation is fine: the message is for people. */
    size_t n = strnlen(prefix, sizeof(err->msg) - 3);
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t rest = sizeof(err->msg) - n - 3;
    size_t m = strnlen(old, rest);
    memcpy(err->msg + n + 2, old, m);
    err->msg[n + 2 + m] = '\0';
    if (err->code <= 0)
        err->code = EIO;
    return -err->code;
}

void sk_err_clear(struct sk_err *err)
{
    err->code = 0;
    err->msg[0] = '\0';
}
