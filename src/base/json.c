/*
 * JSON helpers over jansson (see json.h).
 */
#include "config.h"

#include "base/json.h"
#include "base/buf.h"

#include <errno.h>
#include <string.h>

int sk_json_parse(const char *data, size_t len, json_t **out, struct sk_err *err)
{
    if (!sk_utf8_valid(data, len))
        return sk_err_msg(err, EINVAL, "body is not valid UTF-8");
    json_error_t jerr;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v)
        return sk_err_msg(err, EINVAL, "invalid JSON at line %d column %d: %s", jerr.line,
                          jerr.column, jerr.text);
    *out = v;
    return 0;
}

int sk_json_get_str(json_t *obj, const char *key, bool required, const char **out, size_t *len,
                    struct sk_err *err)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (len)
        *len = 0;
    if (!v || json_is_null(v)) {
        if (required)
            return sk_err_msg(err, ENOENT, "missing field '%s'", key);
        return 0;
    }
    if (!json_is_string(v))
        return sk_err_msg(err, EINVAL, "field '%s' must be a string", key);
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    return 0;
}

char *sk_json_dumps(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
    if (!s)
        s = xstrdup("null");
    return s;
}

json_t *sk_json_string_lossy(const char *s, size_t len)
{
    if (sk_utf8_valid(s, len))
        return json_stringn(s, len);
    struct sk_buf b;
    sk_buf_init(&b, len * 3 + 16);
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        /* Find the longest valid prefix of at most 4 bytes starting here. */
        size_t n = 1;
        if (*p >= 0x80) {
            size_t want = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
            if ((size_t)(end - p) >= want && sk_utf8_valid((const char *)p, want))
                n = want;
            else
                n = 0;
        }
        if (n == 0) {
            sk_buf_append(&b, "\xef\xbf\xbd", 3);
            p++;
        } else {
            sk_buf_append(&b, p, n);
            p += n;
        }
    }
    json_t *v = json_stringn(b.data ? b.data : "", b.len);
    sk_buf_close(&b);
    return v;
}

void sk_json_decrefp(json_t **p)
{
    if (*p)
        json_decref(*p);
}
