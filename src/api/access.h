/*
 * Access control for the API: API keys and per-key limits.
 *
 * Keys are configured hashed (SHA-256); a presented bearer key is hashed
 * and compared with every configured hash in constant time. Each key has a
 * token bucket (requests per minute) and a cap on requests at once; when no
 * keys are configured (loopback only), one anonymous bucket covers every
 * caller. The key set and the limits can be swapped at run time (SIGHUP)
 * without losing the buckets of keys that stay.
 */
#pragma once

#include <stdbool.h>

#include "base/conf.h"

enum access_result {
    ACCESS_OK,
    ACCESS_UNAUTHORIZED, /* no key, or a wrong one (401) */
    ACCESS_FORBIDDEN,    /* a valid key without the needed permission (403) */
    ACCESS_RATE_LIMITED, /* the key's bucket is empty or it has too many in flight (429) */
};

struct access;

struct access *access_new(const struct sk_config *cfg);
void access_free(struct access *a);

/* Replace the keys and limits with those of `cfg`. Thread-safe. */
void access_reload(struct access *a, const struct sk_config *cfg);

/* True when keys are configured (then every API call needs one). */
bool access_keys_required(struct access *a);

/*
 * Authenticate `authorization` (the Authorization header, may be NULL) and,
 * when `admit` is set, take one token and one concurrency slot. On
 * ACCESS_OK, `name` holds the key's name ("" without keys) and, when
 * admitted, the caller must call access_release(name) when done. On
 * ACCESS_RATE_LIMITED, *retry_after_s says when to try again.
 */
enum access_result access_check(struct access *a, const char *authorization, bool need_admin,
                                bool admit, char name[64], int *retry_after_s);

/* Give back the concurrency slot taken by access_check(admit). */
void access_release(struct access *a, const char *name);
