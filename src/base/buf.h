/*
 * Growable byte buffers with a hard size cap (after curl's dynbuf).
 *
 * Every buffer is initialised with a maximum; an append that would pass it
 * fails with -EMSGSIZE and leaves the buffer as it was, so untrusted input
 * can never grow one without bound. The contents are always NUL-terminated
 * (the terminator is not counted in len).
 *
 *     struct sk_buf b;
 *     sk_buf_init(&b, 64 * 1024);
 *     if (sk_buf_append(&b, p, n) < 0) ... too big ...
 *     char *s = sk_buf_steal(&b);   // caller frees s
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "base/util.h"

struct sk_buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* hard cap on len */
};

void sk_buf_init(struct sk_buf *b, size_t max);
/* Free the contents; the buffer can be reused after sk_buf_init(). */
void sk_buf_close(struct sk_buf *b);
/* Empty the buffer, keeping its allocation. */
void sk_buf_reset(struct sk_buf *b);
/* Append n bytes. Returns 0, or -EMSGSIZE if the cap would be passed. */
int sk_buf_append(struct sk_buf *b, const void *p, size_t n);
int sk_buf_puts(struct sk_buf *b, const char *s);
int sk_buf_printf(struct sk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sk_buf_vprintf(struct sk_buf *b, const char *fmt, va_list ap);
/* The contents as a string ("" if empty); owned by the buffer. */
const char *sk_buf_str(const struct sk_buf *b);
/* Hand the contents to the caller (who frees them) and empty the buffer. */
char *sk_buf_steal(struct sk_buf *b);

void sk_buf_closep(struct sk_buf *b);
#define cleanup_buf _cleanup_(sk_buf_closep)
