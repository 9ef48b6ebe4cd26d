/*
 * API keys and per-key limits (see access.h).
 */
#include "config.h"

#include "api/access.h"
#include "base/util.h"

#include <gnutls/crypto.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct bucket {
    char name[64];    /* key name; "" for the anonymous bucket */
    double tokens;    /* available requests */
    double refilled;  /* sk_now_ms() of the last refill */
    int in_flight;
    int rpm;          /* effective limits */
    int concurrent;
};

struct access {
    pthread_mutex_t lock;
    struct sk_api_key keys[SK_CONFIG_MAX_KEYS];
    size_t nkeys;
    struct bucket buckets[SK_CONFIG_MAX_KEYS + 1];
    size_t nbuckets;
};

/* Rebuild buckets for the configured keys, keeping the state of names that stay. */
static void load(struct access *a, const struct sk_config *cfg)
{
    struct bucket old[SK_CONFIG_MAX_KEYS + 1];
    size_t nold = a->nbuckets;
    memcpy(old, a->buckets, sizeof(old));
    memcpy(a->keys, cfg->keys, sizeof(a->keys));
    a->nkeys = cfg->nkeys;
    a->nbuckets = cfg->nkeys ? cfg->nkeys : 1;
    for (size_t i = 0; i < a->nbuckets; i++) {
        struct bucket *b = &a->buckets[i];
        const char *name = cfg->nkeys ? cfg->keys[i].name : "";
        int rpm = cfg->nkeys && cfg->keys[i].rpm ? cfg->keys[i].rpm : cfg->rate_rpm;
        int conc = cfg->nkeys && cfg->keys[i].concurrent ? cfg->keys[i].concurrent
                                                        : cfg->rate_concurrent;
        memset(b, 0, sizeof(*b));
        snprintf(b->name, sizeof(b->name), "%s", name);
        b->tokens = rpm;
        b->refilled = sk_now_ms();
        for (size_t j = 0; j < nold; j++)
            if (!strcmp(old[j].name, name)) {
                *b = old[j];
                if (b->tokens > rpm)
                    b->tokens = rpm;
            }
        b->rpm = rpm;
        b->concurrent = conc;
    }
}

struct access *access_new(const struct sk_config *cfg)
{
    struct access *a = xcalloc(1, sizeof(*a));
    pthread_mutex_init(&a->lock, NULL);
    load(a, cfg);
    return a;
}

void access_free(struct access *a)
{
    if (!a)
        return;
    pthread_mutex_destroy(&a->lock);
    explicit_bzero(a->keys, sizeof(a->keys));
    free(a);
}

void access_reload(struct access *a, const struct sk_config *cfg)
{
    pthread_mutex_lock(&a->lock);
    load(a, cfg);
    pthread_mutex_unlock(&a->lock);
}

bool access_keys_required(struct access *a)
{
    pthread_mutex_lock(&a->lock);
    bool r = a->nkeys > 0;
    pthread_mutex_unlock(&a->lock);
    return r;
}

static struct bucket *bucket_of(struct access *a, const char *name)
{
    for (size_t i = 0; i < a->nbuckets; i++)
        if (!strcmp(a->buckets[i].name, name))
            return &a->buckets[i];
    return NULL;
}

/*
 * The key matching `presented`, compared against every configured hash
 * without an early exit, so timing reveals neither which key matched nor
 * how much of it. Caller holds the lock.
 */
static const struct sk_api_key *find_key(const struct access *a, const char *presented)
{
    unsigned char digest[32];
    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, presented, strlen(presented), digest) < 0)
        return NULL;
    const struct sk_api_key *found = NULL;
    for (size_t i = 0; i < a->nkeys; i++) {
        unsigned char diff = 0;
        for (size_t j = 0; j < sizeof(digest); j++)
            diff |= (unsigned char)(digest[j] ^ a->keys[i].hash[j]);
        if (diff == 0)
            found = &a->keys[i];
    }
    explicit_bzero(digest, sizeof(digest));
    return found;
}

enum access_result access_check(struct access *a, const char *authorization, bool need_admin,
                                bool admit, char name[64], int *retry_after_s)
{
    name[0] = '\0';
    *retry_after_s = 0;
    pthread_mutex_lock(&a->lock);
    if (a->nkeys > 0) {
        if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0) {
            pthread_mutex_unlock(&a->lock);
            return ACCESS_UNAUTHORIZED;
        }
        const struct sk_api_key *k = find_key(a, authorization + 7);
        if (!k) {
            pthread_mutex_unlock(&a->lock);
            return ACCESS_UNAUTHORIZED;
        }
        snprintf(name, 64, "%s", k->name);
        if (need_admin && !k->admin) {
            pthread_mutex_unlock(&a->lock);
            return ACCESS_FORBIDDEN;
        }
    }
    if (!admit) {
        pthread_mutex_unlock(&a->lock);
        return ACCESS_OK;
    }
    struct bucket *b = bucket_of(a, name);
    if (!b) { /* cannot happen: every key and the anonymous caller have a bucket */
        pthread_mutex_unlock(&a->lock);
        return ACCESS_UNAUTHORIZED;
    }
    double now = sk_now_ms();
    b->tokens += (now - b->refilled) * b->rpm / 60000.0;
    if (b->tokens > b->rpm)
        b->tokens = b->rpm;
    b->refilled = now;
    if (b->tokens < 1 || b->in_flight >= b->concurrent) {
        double wait = b->tokens < 1 ? (1 - b->tokens) * 60.0 / b->rpm : 1;
        *retry_after_s = (int)ceil(wait);
        if (*retry_after_s < 1)
            *retry_after_s = 1;
        pthread_mutex_unlock(&a->lock);
        return ACCESS_RATE_LIMITED;
    }
    b->tokens -= 1;
    b->in_flight++;
    pthread_mutex_unlock(&a->lock);
    return ACCESS_OK;
}

void access_release(struct access *a, const char *name)
{
    pthread_mutex_lock(&a->lock);
    struct bucket *b = bucket_of(a, name);
    if (b && b->in_flight > 0) /* a reload may have dropped the key: nothing to give back */
        b->in_flight--;
    pthread_mutex_unlock(&a->lock);
}
