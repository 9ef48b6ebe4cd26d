/*
 * Errors: how every fallible function in skitty reports failure.
 *
 * A fallible function returns an int: zero (or a result such as an fd) on
 * success, a negative errno on failure. It also fills a caller-provided
 * `struct sk_err` with the errno and a human-readable message. The message
 * lives in a fixed-size buffer, so the error path never allocates.
 *
 * Failure sites are one line:
 *
 *     if (fd < 0)
 *         return sk_err_make(err, errno, "open %s", path);
 *
 * and callers add context on the way up with sk_err_wrap(). Only the top
 * (the CLI's main, or the HTTP layer when it writes a reply) prints.
 */
#pragma once

#include <stddef.h>

#define SK_ERR_LEN 256

struct sk_err {
    int code;             /* positive errno; 0 when no error is set */
    char msg[SK_ERR_LEN]; /* NUL-terminated message, never allocated */
};

/*
 * Fill `err` with `errnum` and a formatted message, appending ": strerror"
 * when errnum is a real errno. Returns -errnum, or -EIO when errnum is 0, so
 * that it can be returned directly.
 */
int sk_err_make(struct sk_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Same as sk_err_make() but without the ": strerror" suffix, for errors that
 * are not system call failures (bad input, policy refusals).
 */
int sk_err_msg(struct sk_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prefix the message already in `err` with "context: ". Returns -err->code
 * (or -EIO if no code was set).
 */
int sk_err_wrap(struct sk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset `err` to "no error". */
void sk_err_clear(struct sk_err *err);
