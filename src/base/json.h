/*
 * JSON helpers over jansson: strict parsing of untrusted bytes and typed,
 * error-reporting field access. Everything JSON in skitty (requests,
 * responses, analyser worker lines, model replies) goes through here.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

/*
 * Parse `len` bytes of untrusted JSON. Rejects invalid UTF-8, NUL bytes
 * inside strings, duplicate object keys and trailing garbage. On success
 * *out holds a new reference (the caller decrefs it). On failure returns
 * -EINVAL with a message naming the line and column.
 */
int sk_json_parse(const char *data, size_t len, json_t **out, struct sk_err *err);

/*
 * Read the string field `key` of `obj`. Missing: -ENOENT ("missing field
 * 'key'") when required, else 0 with *out = NULL. Wrong type: -EINVAL
 * ("field 'key' must be a string"). *out points into `obj` (not owned).
 */
int sk_json_get_str(json_t *obj, const char *key, bool required, const char **out, size_t *len,
                    struct sk_err *err);

/* Compact serialisation; the caller frees the result. Never returns NULL. */
char *sk_json_dumps(const json_t *v);

/* json_string() for possibly invalid UTF-8: invalid bytes become U+FFFD. */
json_t *sk_json_string_lossy(const char *s, size_t len);

/* Decref *p if not NULL. */
void sk_json_decrefp(json_t **p);
#define cleanup_json _cleanup_(sk_json_decrefp)
