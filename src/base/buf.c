/*
 * Growable byte buffers with a hard size cap (see buf.h).
 */
#include "config.h"

#include "base/buf.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sk_buf_init(struct sk_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void sk_buf_close(struct sk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void sk_buf_closep(struct sk_buf *b)
{
    sk_buf_close(b);
}

void sk_buf_reset(struct sk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int reserve(struct sk_buf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return -EMSGSIZE;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int sk_buf_append(struct sk_buf *b, const void *p, size_t n)
{
    int ret = reserve(b, n);
    if (ret < 0)
        return ret;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int sk_buf_puts(struct sk_buf *b, const char *s)
{
    return sk_buf_append(b, s, strlen(s));
}

int sk_buf_vprintf(struct sk_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return -EINVAL;
    int ret = reserve(b, (size_t)n);
    if (ret < 0)
        return ret;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int sk_buf_printf(struct sk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ret = sk_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ret;
}

const char *sk_buf_str(const struct sk_buf *b)
{
    return b->data ? b->data : "";
}

char *sk_buf_steal(struct sk_buf *b)
{
    char *s = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}
