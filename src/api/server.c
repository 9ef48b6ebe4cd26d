/*
 * The HTTP server (see api.h).
 *
 * Per-request state (struct conn) lives exactly as long as the request: it
 * is created on the first call of the access handler and freed in the
 * NOTIFY_COMPLETED callback. Bodies are read into a capped buffer; a body
 * over the cap is drained and answered with 413. Errors are JSON.
 */
#include "config.h"

#include "api/api.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct api_server {
    const struct sk_config *cfg;  /* not owned */
    struct pipeline *pipeline;    /* not owned */
    struct MHD_Daemon *mhd;
    char *openapi;                /* the OpenAPI document, loaded at start */
    size_t openapi_len;
    pthread_mutex_t lock;         /* guards the admission counters */
    pthread_cond_t slot_free;
    int running;                  /* pipelines running */
    int waiting;                  /* requests queued for a slot */
};

struct conn {
    struct sk_buf body;           /* the request body, capped */
    bool too_large;               /* the body passed the cap; we drain the rest */
    char request_id[33];
};

/* ----------------------------------------------------------------- replies */

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *body,
                                 const char *request_id)
{
    char *text = sk_json_dumps(body);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (request_id)
        MHD_add_response_header(r, "X-Request-Id", request_id);
    if (status == 503 || status == 429)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (status == 401)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code,
                                  const char *message, const char *request_id)
{
    json_t *body = pipeline_error_json(code, message, request_id);
    enum MHD_Result ret = send_json(c, status, body, request_id);
    json_decref(body);
    return ret;
}

/*
 * Answer an endpoint request with an error before it reached the pipeline,
 * after recording it in the audit log (503 if the record cannot be written).
 */
static enum MHD_Result refuse(struct api_server *s, struct MHD_Connection *c, enum endpoint ep,
                              const char *key_name, unsigned status, const char *code,
                              const char *message, const char *request_id)
{
    if (pipeline_audit_refusal(s->pipeline, ep, request_id, key_name, (int)status, code,
                               message) < 0)
        return send_error(c, 503, "audit_unavailable",
                          "the audit log cannot be written; request not served", request_id);
    return send_error(c, status, code, message, request_id);
}

static enum MHD_Result send_405(struct MHD_Connection *c, const char *allow, const char *rid)
{
    json_t *body = pipeline_error_json("method_not_allowed", "method not allowed here", rid);
    char *text = sk_json_dumps(body);
    json_decref(body);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result ret = MHD_queue_response(c, 405, r);
    MHD_destroy_response(r);
    return ret;
}

/* ------------------------------------------------------------------ routes */

struct route {
    const char *path;
    const char *method;
    enum { R_ENDPOINT, R_HEALTH, R_OPENAPI } kind;
    enum endpoint endpoint;
};

static const struct route routes[] = {
    {"/generate", "POST", R_ENDPOINT, ENDPOINT_GENERATE},
    {"/complete", "POST", R_ENDPOINT, ENDPOINT_COMPLETE},
    {"/debug", "POST", R_ENDPOINT, ENDPOINT_DEBUG},
    {"/healthz", "GET", R_HEALTH, 0},
    {"/openapi.json", "GET", R_OPENAPI, 0},
};

/* ------------------------------------------------------------------- auth */

/*
 * With keys configured, every endpoint except the health check and the
 * OpenAPI document needs "Authorization: Bearer <key>". The presented key
 * is hashed and compared with every configured hash in constant time (no
 * early exit), so timing reveals neither which key nor how much matched.
 */
static const struct sk_api_key *authenticate(const struct sk_config *cfg,
                                             struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    const char *key = h + 7;
    unsigned char digest[32];
    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, key, strlen(key), digest) < 0)
        return NULL;
    const struct sk_api_key *found = NULL;
    for (size_t i = 0; i < cfg->nkeys; i++) {
        unsigned char diff = 0;
        for (size_t j = 0; j < sizeof(digest); j++)
            diff |= (unsigned char)(digest[j] ^ cfg->keys[i].hash[j]);
        if (diff == 0)
            found = &cfg->keys[i];
    }
    explicit_bzero(digest, sizeof(digest));
    return found;
}

/* -------------------------------------------------------------- admission */

/* Returns 1 when the request may run (release with leave()), 0 when it must get 503. */
static int enter(struct api_server *s)
{
    pthread_mutex_lock(&s->lock);
    if (s->running >= s->cfg->concurrency) {
        if (s->waiting >= s->cfg->queue_length) {
            pthread_mutex_unlock(&s->lock);
            return 0;
        }
        s->waiting++;
        while (s->running >= s->cfg->concurrency)
            pthread_cond_wait(&s->slot_free, &s->lock);
        s->waiting--;
    }
    s->running++;
    pthread_mutex_unlock(&s->lock);
    return 1;
}

static void leave(struct api_server *s)
{
    pthread_mutex_lock(&s->lock);
    s->running--;
    pthread_cond_signal(&s->slot_free);
    pthread_mutex_unlock(&s->lock);
}

/* ---------------------------------------------------------------- handler */

static bool is_json_type(const char *ct)
{
    if (!ct)
        return true; /* no Content-Type: judge by parsing */
    size_t n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ')
        n--;
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static enum MHD_Result run_endpoint(struct api_server *s, struct MHD_Connection *c,
                                    struct conn *st, enum endpoint ep,
                                    const struct sk_api_key *key)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *kn = key ? key->name : NULL;
    if (!is_json_type(ct))
        return refuse(s, c, ep, kn, 415, "unsupported_media_type",
                      "the body must be application/json", st->request_id);
    if (st->too_large) {
        char msg[96];
        snprintf(msg, sizeof(msg), "the body is larger than %zu bytes", s->cfg->max_body_bytes);
        return refuse(s, c, ep, kn, 413, "payload_too_large", msg, st->request_id);
    }

    cleanup_json json_t *doc = NULL;
    struct pipeline_input in;
    struct sk_err err;
    int ret = api_parse_request(ep, s->cfg, sk_buf_str(&st->body), st->body.len, &doc, &in, &err);
    if (ret == -EMSGSIZE)
        return refuse(s, c, ep, kn, 413, "payload_too_large", err.msg, st->request_id);
    if (ret < 0)
        return refuse(s, c, ep, kn, 400, "bad_request", err.msg, st->request_id);
    in.request_id = st->request_id;
    in.key_name = key ? key->name : NULL;

    if (!enter(s))
        return refuse(s, c, ep, kn, 503, "overloaded",
                      "too many requests in flight; retry shortly", st->request_id);
    struct pipeline_output out;
    pipeline_handle(s->pipeline, &in, &out);
    leave(s);
    log_info("request %s %s %s -> %d", st->request_id, endpoint_name(ep), in.lang->name,
             out.status);
    enum MHD_Result r = send_json(c, (unsigned)out.status, out.body, st->request_id);
    pipeline_output_close(&out);
    return r;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **req_cls)
{
    (void)version;
    struct api_server *s = cls;
    struct conn *st = *req_cls;

    if (!st) {
        st = xcalloc(1, sizeof(*st));
        sk_buf_init(&st->body, s->cfg->max_body_bytes);
        sk_random_id(st->request_id);
        *req_cls = st;

        /* Refuse early what we can judge from the headers alone. */
        const struct route *route = NULL;
        bool path_known = false;
        for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
            if (strcmp(url, routes[i].path) != 0)
                continue;
            path_known = true;
            if (strcmp(method, routes[i].method) == 0)
                route = &routes[i];
        }
        if (!path_known)
            return send_error(c, 404, "not_found", "no such endpoint", st->request_id);
        if (!route) {
            for (size_t i = 0; i < ARRAY_SIZE(routes); i++)
                if (strcmp(url, routes[i].path) == 0)
                    return send_405(c, routes[i].method, st->request_id);
        }
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (route->kind == R_ENDPOINT && cl && strtoull(cl, NULL, 10) > s->cfg->max_body_bytes) {
            /* Answer at once rather than read a body we would throw away. */
            char msg[96];
            snprintf(msg, sizeof(msg), "the body is larger than %zu bytes",
                     s->cfg->max_body_bytes);
            return refuse(s, c, route->endpoint, NULL, 413, "payload_too_large", msg,
                          st->request_id);
        }
        return MHD_YES;
    }

    if (*upload_size) {
        if (!st->too_large && sk_buf_append(&st->body, upload, *upload_size) < 0) {
            st->too_large = true;
            sk_buf_close(&st->body);
        }
        *upload_size = 0;
        return MHD_YES;
    }

    const struct route *route = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(routes); i++)
        if (!strcmp(url, routes[i].path) && !strcmp(method, routes[i].method))
            route = &routes[i];
    if (!route) /* unreachable: refused on the first call */
        return send_error(c, 404, "not_found", "no such endpoint", st->request_id);

    switch (route->kind) {
    case R_HEALTH: {
        json_t *b = json_pack("{s:s, s:s}", "status", "ok", "version", SKITTY_VERSION);
        enum MHD_Result r = send_json(c, 200, b, NULL);
        json_decref(b);
        return r;
    }
    case R_OPENAPI: {
        struct MHD_Response *r = MHD_create_response_from_buffer(
            s->openapi_len, s->openapi, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        enum MHD_Result ret = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    case R_ENDPOINT:
        break;
    }

    const struct sk_api_key *key = NULL;
    if (s->cfg->nkeys > 0) {
        key = authenticate(s->cfg, c);
        if (!key)
            return refuse(s, c, route->endpoint, NULL, 401, "unauthorized",
                          "missing or wrong API key", st->request_id);
    }
    return run_endpoint(s, c, st, route->endpoint, key);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct conn *st = *req_cls;
    if (!st)
        return;
    sk_buf_close(&st->body);
    free(st);
    *req_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_warn("http: %s", msg);
}

/* ------------------------------------------------------------- lifecycle */

int api_server_start(const struct sk_config *cfg, struct pipeline *pipeline,
                     struct api_server **out, struct sk_err *err)
{
    char addr[64];
    int port;
    if (sk_config_parse_listen(cfg->listen, addr, sizeof(addr), &port, err) < 0)
        return -EINVAL;

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_ERROR_LOG;
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, addr, &s6->sin6_addr);
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, addr, &s4->sin_addr);
    }

    struct api_server *s = xcalloc(1, sizeof(*s));
    s->cfg = cfg;
    s->pipeline = pipeline;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->slot_free, NULL);

    char path[600];
    snprintf(path, sizeof(path), "%s/data/openapi.json", cfg->data_dir);
    int ret = sk_read_file(path, 1 << 20, &s->openapi, &s->openapi_len);
    if (ret < 0) {
        free(s);
        return sk_err_make(err, -ret, "cannot read %s", path);
    }

    s->mhd = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handler, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
        MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
        /* Idle connections (slow senders included) are closed after 30 s. */
        MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        /* Headers and MHD's own buffers; bodies go to our capped buffer. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        completed, s, MHD_OPTION_END);
    if (!s->mhd) {
        free(s->openapi);
        free(s);
        return sk_err_make(err, EADDRINUSE, "cannot listen on %s", cfg->listen);
    }
    *out = s;
    return 0;
}

int api_server_port(const struct api_server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : -1;
}

void api_server_stop(struct api_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->mhd);
    pthread_cond_destroy(&s->slot_free);
    pthread_mutex_destroy(&s->lock);
    free(s->openapi);
    free(s);
}
