/*
 * The HTTP server (see api.h).
 *
 * Per-request state (struct conn) lives exactly as long as the request: it
 * is created on the first call of the access handler and freed in the
 * NOTIFY_COMPLETED callback. Bodies are read into a capped buffer; a body
 * announced over the cap is refused at once, one that grows past it is
 * drained and refused. Every answer is JSON, and every request to an
 * endpoint gets an audit record, refusals included.
 */
#include "config.h"

#include "api/access.h"
#include "api/api.h"
#include "api/stream.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WEB_MAX_FILES 64
#define WEB_MAX_BYTES (2u << 20)

/* A static file of the playground page, loaded at start (web/). */
struct web_file {
    char name[64];   /* file name, e.g. "app.js" */
    char *data;      /* owned */
    size_t len;
    const char *type; /* Content-Type; static string */
};

struct api_server {
    const struct sk_config *cfg;  /* not owned */
    struct web_file web[WEB_MAX_FILES];
    size_t nweb;
    struct pipeline *pipeline;    /* not owned */
    struct access *access;
    struct MHD_Daemon *mhd;
    char *openapi;                /* the OpenAPI document, loaded at start */
    size_t openapi_len;
    char *tls_cert, *tls_key;     /* PEM contents when TLS is on */
    pthread_mutex_t lock;         /* guards the admission counters */
    pthread_cond_t slot_free;
    int running;                  /* pipelines running */
    int waiting;                  /* requests queued for a slot */
    int connections;              /* requests between first call and completion */
};

struct conn {
    struct sk_buf body;           /* the request body, capped */
    bool too_large;               /* the body passed the cap; we drain the rest */
    char request_id[33];
};

enum route_kind { R_ENDPOINT, R_HEALTH, R_READY, R_METRICS, R_OPENAPI, R_WEB };

struct route {
    const char *path;
    const char *method;
    enum route_kind kind;
    enum endpoint endpoint;
};

static const struct route routes[] = {
    {"/generate", "POST", R_ENDPOINT, ENDPOINT_GENERATE},
    {"/complete", "POST", R_ENDPOINT, ENDPOINT_COMPLETE},
    {"/debug", "POST", R_ENDPOINT, ENDPOINT_DEBUG},
    {"/healthz", "GET", R_HEALTH, 0},
    {"/readyz", "GET", R_READY, 0},
    {"/metrics", "GET", R_METRICS, 0},
    {"/openapi.json", "GET", R_OPENAPI, 0},
    {"/", "GET", R_WEB, 0},
};

/* Files of the page are served under /web/<name>; "/" is web/index.html. */
#define WEB_PREFIX "/web/"

/* ----------------------------------------------------------------- replies */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, char *text, size_t len,
                             const char *type, const char *request_id, int retry_after)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (request_id)
        MHD_add_response_header(r, "X-Request-Id", request_id);
    if (retry_after > 0) {
        char v[16];
        snprintf(v, sizeof(v), "%d", retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    if (status == 401)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, const json_t *body,
                                 const char *request_id, int retry_after)
{
    char *text = sk_json_dumps(body);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    return queue(c, status, text, len, "application/json", request_id, retry_after);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code,
                                  const char *message, const char *request_id, int retry_after)
{
    json_t *body = pipeline_error_json(code, message, request_id);
    enum MHD_Result ret = send_json(c, status, body, request_id, retry_after);
    json_decref(body);
    return ret;
}

static void count_request(const char *endpoint, unsigned status, const char *verdict,
                          const char *key)
{
    char labels[200];
    snprintf(labels, sizeof(labels), "endpoint=\"%s\",status=\"%u\",verdict=\"%s\",key=\"%s\"",
             endpoint, status, verdict ? verdict : "", key ? key : "");
    metrics_count("skitty_requests_total", labels, 1);
}

/*
 * Answer an endpoint request with an error before it reached the pipeline,
 * after recording it in the audit log (503 if the record cannot be written).
 */
static enum MHD_Result refuse(struct api_server *s, struct MHD_Connection *c, enum endpoint ep,
                              const char *key_name, unsigned status, const char *code,
                              const char *message, const char *request_id, int retry_after)
{
    if (pipeline_audit_refusal(s->pipeline, ep, request_id, key_name, (int)status, code,
                               message) < 0) {
        status = 503;
        code = "audit_unavailable";
        message = "the audit log cannot be written; request not served";
        retry_after = 1;
    }
    count_request(endpoint_name(ep), status, NULL, key_name);
    sk_log(SK_LOG_INFO, request_id, "%s refused: %u %s", endpoint_name(ep), status, code);
    return send_error(c, status, code, message, request_id, retry_after);
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
        metrics_gauge("skitty_queue_depth", "", s->waiting);
        while (s->running >= s->cfg->concurrency)
            pthread_cond_wait(&s->slot_free, &s->lock);
        s->waiting--;
        metrics_gauge("skitty_queue_depth", "", s->waiting);
    }
    s->running++;
    metrics_gauge("skitty_requests_in_flight", "", s->running);
    pthread_mutex_unlock(&s->lock);
    return 1;
}

static void leave(struct api_server *s)
{
    pthread_mutex_lock(&s->lock);
    s->running--;
    metrics_gauge("skitty_requests_in_flight", "", s->running);
    pthread_cond_signal(&s->slot_free);
    pthread_mutex_unlock(&s->lock);
}

/* -------------------------------------------------------------- endpoints */

static bool is_json_type(const char *ct)
{
    if (!ct)
        return true; /* no Content-Type: judge by parsing */
    size_t n = strcspn(ct, ";");
    while (n > 0 && ct[n - 1] == ' ')
        n--;
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static void observe_timings(const char *endpoint, const json_t *timings)
{
    const char *stage;
    json_t *ms;
    json_object_foreach((json_t *)timings, stage, ms)
    {
        char labels[96];
        snprintf(labels, sizeof(labels), "endpoint=\"%s\",stage=\"%s\"", endpoint, stage);
        metrics_observe("skitty_stage_duration_seconds", labels, json_number_value(ms) / 1000);
    }
}

static bool wants_stream(struct MHD_Connection *c)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    return a && strstr(a, "text/event-stream") != NULL;
}

/* What the end of a request does, plain or streamed (in the thread that ran it). */
static void finish(struct api_server *s, const struct pipeline_input *in,
                   const struct pipeline_output *out, const char *key)
{
    leave(s);
    const char *verdict = json_string_value(
        json_object_get(json_object_get(out->body, "security_report"), "verdict"));
    const char *ecode =
        json_string_value(json_object_get(json_object_get(out->body, "error"), "code"));
    const char *ep = endpoint_name(in->endpoint);
    sk_log(SK_LOG_INFO, in->request_id, "%s %s -> %d%s%s", ep, in->lang->name, out->status,
           verdict ? " " : "", verdict ? verdict : "");
    count_request(ep, (unsigned)out->status, verdict, key);
    if (ecode && !strncmp(ecode, "model_", 6)) {
        char labels[64];
        snprintf(labels, sizeof(labels), "kind=\"%s\"", ecode);
        metrics_count("skitty_model_errors_total", labels, 1);
    }
    observe_timings(ep, json_object_get(out->body, "timings"));
}

struct stream_end {
    struct api_server *s; /* not owned */
    char key[64];
};

static void finish_stream(void *ctx, const struct pipeline_input *in,
                          const struct pipeline_output *out)
{
    struct stream_end *e = ctx;
    finish(e->s, in, out, e->key[0] ? e->key : NULL);
    access_release(e->s->access, e->key);
    free(e);
}

static enum MHD_Result run_endpoint(struct api_server *s, struct MHD_Connection *c,
                                    struct conn *st, enum endpoint ep)
{
    const char *rid = st->request_id;
    char key[64];
    int retry = 0;
    const char *auth =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    switch (access_check(s->access, auth, false, true, key, &retry)) {
    case ACCESS_OK:
        break;
    case ACCESS_UNAUTHORIZED:
        return refuse(s, c, ep, NULL, 401, "unauthorized", "missing or wrong API key", rid, 0);
    case ACCESS_FORBIDDEN:
        return refuse(s, c, ep, key, 403, "forbidden", "this key may not do that", rid, 0);
    case ACCESS_RATE_LIMITED:
        return refuse(s, c, ep, key, 429, "rate_limited",
                      "request rate or concurrency limit reached for this key", rid, retry);
    }
    const char *kn = key[0] ? key : NULL;

    enum MHD_Result result;
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    cleanup_json json_t *doc = NULL;
    struct pipeline_input in;
    struct sk_err err;
    int ret;
    if (!is_json_type(ct)) {
        result = refuse(s, c, ep, kn, 415, "unsupported_media_type",
                        "the body must be application/json", rid, 0);
    } else if (st->too_large) {
        char msg[96];
        snprintf(msg, sizeof(msg), "the body is larger than %zu bytes", s->cfg->max_body_bytes);
        result = refuse(s, c, ep, kn, 413, "payload_too_large", msg, rid, 0);
    } else if ((ret = api_parse_request(ep, s->cfg, sk_buf_str(&st->body), st->body.len, &doc,
                                        &in, &err)) < 0) {
        result = ret == -EMSGSIZE ? refuse(s, c, ep, kn, 413, "payload_too_large", err.msg, rid, 0)
                                  : refuse(s, c, ep, kn, 400, "bad_request", err.msg, rid, 0);
    } else if (!enter(s)) {
        result = refuse(s, c, ep, kn, 503, "overloaded",
                        "too many requests in flight; retry shortly", rid, 1);
    } else if (wants_stream(c)) {
        in.request_id = rid;
        in.key_name = kn;
        struct stream_end *end = xcalloc(1, sizeof(*end));
        end->s = s;
        snprintf(end->key, sizeof(end->key), "%s", key);
        struct stream_job job = {.pipeline = s->pipeline, .in = in, .doc = steal_pointer(&doc),
                                 .finish = finish_stream, .ctx = end};
        /* The stream's thread releases the slot and the key's concurrency. */
        return stream_start(c, &job);
    } else {
        in.request_id = rid;
        in.key_name = kn;
        struct pipeline_output out;
        pipeline_handle(s->pipeline, &in, &out);
        finish(s, &in, &out, kn);
        result = send_json(c, (unsigned)out.status, out.body, rid, out.status == 503 ? 1 : 0);
        pipeline_output_close(&out);
    }
    access_release(s->access, key);
    return result;
}

/* ---------------------------------------------------------- other routes */

static enum MHD_Result serve_metrics(struct api_server *s, struct MHD_Connection *c,
                                     const char *rid)
{
    char key[64];
    int retry;
    const char *auth =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    enum access_result ar = access_check(s->access, auth, true, false, key, &retry);
    if (ar == ACCESS_UNAUTHORIZED)
        return send_error(c, 401, "unauthorized", "missing or wrong API key", rid, 0);
    if (ar == ACCESS_FORBIDDEN)
        return send_error(c, 403, "forbidden", "/metrics needs a key with the admin permission",
                          rid, 0);
    struct sk_buf b;
    sk_buf_init(&b, 4u << 20);
    pipeline_metrics(s->pipeline);
    metrics_render(&b);
    size_t len = b.len;
    return queue(c, 200, sk_buf_steal(&b), len, "text/plain; version=0.0.4", NULL, 0);
}

static enum MHD_Result serve_ready(struct api_server *s, struct MHD_Connection *c)
{
    json_t *checks = json_object();
    bool ready = pipeline_ready(s->pipeline, checks);
    json_t *b = json_pack("{s:s, s:o}", "status", ready ? "ready" : "not_ready", "checks", checks);
    enum MHD_Result r = send_json(c, ready ? 200 : 503, b, NULL, ready ? 0 : 1);
    json_decref(b);
    return r;
}

/*
 * The playground's static files, from memory. The page talks only to this
 * origin, so the Content-Security-Policy forbids everything else (no inline
 * script, no third-party code, no framing).
 */
static enum MHD_Result serve_web(struct api_server *s, struct MHD_Connection *c, const char *name)
{
    for (size_t i = 0; i < s->nweb; i++) {
        if (strcmp(s->web[i].name, name) != 0)
            continue;
        struct MHD_Response *r = MHD_create_response_from_buffer(
            s->web[i].len, s->web[i].data, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, s->web[i].type);
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                                "base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        enum MHD_Result ret = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    return send_error(c, 404, "not_found", "no such file", NULL, 0);
}

static const char *web_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".json", "application/json"},
        {".ico", "image/x-icon"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < ARRAY_SIZE(types); i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return NULL;
}

/*
 * Load web/ into memory: regular files with plain names only (no
 * subdirectories, no dot files), each under WEB_MAX_BYTES, so a request can
 * only ever name one of them. A missing web/ just means no page.
 */
static int load_web(struct api_server *s, const char *data_dir, struct sk_err *err)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/web", data_dir);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int ret = 0;
    while ((e = readdir(d)) && !ret) {
        const char *type = web_type(e->d_name);
        if (e->d_name[0] == '.' || !type || strlen(e->d_name) >= sizeof(s->web[0].name))
            continue;
        if (s->nweb == WEB_MAX_FILES) {
            ret = sk_err_msg(err, E2BIG, "%s holds more than %d files", dir, WEB_MAX_FILES);
            break;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/%.63s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        struct web_file *f = &s->web[s->nweb];
        int r = sk_read_file(path, WEB_MAX_BYTES, &f->data, &f->len);
        if (r < 0) {
            ret = sk_err_make(err, -r, "cannot read %s", path);
            break;
        }
        memcpy(f->name, e->d_name, strlen(e->d_name) + 1); /* length checked above */
        f->type = type;
        s->nweb++;
    }
    closedir(d);
    return ret;
}

/* ---------------------------------------------------------------- handler */

static const struct route web_route = {WEB_PREFIX, "GET", R_WEB, 0};

static const struct route *find_route(const char *url, const char *method, bool *path_known)
{
    const struct route *route = NULL;
    *path_known = false;
    if (!strncmp(url, WEB_PREFIX, strlen(WEB_PREFIX))) {
        *path_known = true;
        return !strcmp(method, "GET") ? &web_route : NULL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
        if (strcmp(url, routes[i].path) != 0)
            continue;
        *path_known = true;
        if (strcmp(method, routes[i].method) == 0)
            route = &routes[i];
    }
    return route;
}

static enum MHD_Result first_call(struct api_server *s, struct MHD_Connection *c, const char *url,
                                  const char *method, struct conn *st)
{

    bool path_known;
    const struct route *route = find_route(url, method, &path_known);
    if (!path_known)
        return send_error(c, 404, "not_found", "no such endpoint", st->request_id, 0);
    if (!route) {
        json_t *body = pipeline_error_json("method_not_allowed", "method not allowed here",
                                           st->request_id);
        char *text = sk_json_dumps(body);
        json_decref(body);
        struct MHD_Response *r =
            MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
                                strncmp(url, WEB_PREFIX, strlen(WEB_PREFIX)) ? "" : "GET");
        for (size_t i = 0; i < ARRAY_SIZE(routes); i++)
            if (!strcmp(url, routes[i].path))
                MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, routes[i].method);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        enum MHD_Result ret = MHD_queue_response(c, 405, r);
        MHD_destroy_response(r);
        return ret;
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (route->kind == R_ENDPOINT && cl && strtoull(cl, NULL, 10) > s->cfg->max_body_bytes) {
        /* Answer at once rather than read a body we would throw away. */
        char msg[96];
        snprintf(msg, sizeof(msg), "the body is larger than %zu bytes", s->cfg->max_body_bytes);
        return refuse(s, c, route->endpoint, NULL, 413, "payload_too_large", msg, st->request_id,
                      0);
    }
    return MHD_YES;
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
        pthread_mutex_lock(&s->lock);
        s->connections++;
        pthread_mutex_unlock(&s->lock);
        return first_call(s, c, url, method, st);
    }

    if (*upload_size) {
        if (!st->too_large && sk_buf_append(&st->body, upload, *upload_size) < 0) {
            st->too_large = true;
            sk_buf_close(&st->body);
        }
        *upload_size = 0;
        return MHD_YES;
    }

    bool path_known;
    const struct route *route = find_route(url, method, &path_known);
    if (!route) /* unreachable: refused on the first call */
        return send_error(c, 404, "not_found", "no such endpoint", st->request_id, 0);

    switch (route->kind) {
    case R_HEALTH: {
        json_t *b = json_pack("{s:s, s:s}", "status", "ok", "version", SKITTY_VERSION);
        enum MHD_Result r = send_json(c, 200, b, NULL, 0);
        json_decref(b);
        return r;
    }
    case R_READY:
        return serve_ready(s, c);
    case R_METRICS:
        return serve_metrics(s, c, st->request_id);
    case R_OPENAPI: {
        struct MHD_Response *r = MHD_create_response_from_buffer(
            s->openapi_len, s->openapi, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        enum MHD_Result ret = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    case R_WEB:
        return serve_web(s, c, strcmp(url, "/") ? url + strlen(WEB_PREFIX) : "index.html");
    case R_ENDPOINT:
        break;
    }
    return run_endpoint(s, c, st, route->endpoint);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    struct api_server *s = cls;
    struct conn *st = *req_cls;
    if (!st)
        return;
    sk_buf_close(&st->body);
    free(st);
    *req_cls = NULL;
    pthread_mutex_lock(&s->lock);
    s->connections--;
    pthread_cond_broadcast(&s->slot_free);
    pthread_mutex_unlock(&s->lock);
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

static void describe_metrics(void)
{
    metrics_describe("skitty_requests_total", "counter",
                     "Endpoint requests by endpoint, HTTP status, verdict and API key name.");
    metrics_describe("skitty_stage_duration_seconds", "histogram",
                     "Time spent in each pipeline stage.");
    metrics_describe("skitty_requests_in_flight", "gauge", "Pipelines running now.");
    metrics_describe("skitty_queue_depth", "gauge", "Requests waiting for a pipeline slot.");
    metrics_describe("skitty_model_errors_total", "counter", "Model backend failures by kind.");
    metrics_gauge("skitty_requests_in_flight", "", 0);
    metrics_gauge("skitty_queue_depth", "", 0);
}

static int load_tls(struct api_server *s, const struct sk_config *cfg, struct sk_err *err)
{
    if (!cfg->tls_cert[0])
        return 0;
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return sk_err_msg(err, ENOTSUP, "this libmicrohttpd was built without TLS");
    int ret = sk_read_file(cfg->tls_cert, 1 << 20, &s->tls_cert, NULL);
    if (ret < 0)
        return sk_err_make(err, -ret, "cannot read server.tls_cert %s", cfg->tls_cert);
    ret = sk_read_file(cfg->tls_key, 1 << 20, &s->tls_key, NULL);
    if (ret < 0)
        return sk_err_make(err, -ret, "cannot read server.tls_key %s", cfg->tls_key);
    return 0;
}

static void server_free(struct api_server *s)
{
    if (s->tls_key)
        explicit_bzero(s->tls_key, strlen(s->tls_key));
    free(s->tls_key);
    free(s->tls_cert);
    free(s->openapi);
    for (size_t i = 0; i < s->nweb; i++)
        free(s->web[i].data);
    access_free(s->access);
    pthread_cond_destroy(&s->slot_free);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

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
                         MHD_USE_ERROR_LOG | MHD_USE_ITC;
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
    s->access = access_new(cfg);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->slot_free, NULL);
    describe_metrics();

    char path[600];
    snprintf(path, sizeof(path), "%s/data/openapi.json", cfg->data_dir);
    int ret = sk_read_file(path, 1 << 20, &s->openapi, &s->openapi_len);
    if (ret < 0) {
        server_free(s);
        return sk_err_make(err, -ret, "cannot read %s", path);
    }
    if (load_web(s, cfg->data_dir, err) < 0 || load_tls(s, cfg, err) < 0) {
        server_free(s);
        return -err->code;
    }
    if (s->tls_cert)
        flags |= MHD_USE_TLS;

    /* Idle connections (slow senders included) are closed after
     * server.idle_timeout_s; one address may hold at most
     * server.max_connections_per_ip; requests are parsed strictly (RFC 7230:
     * a Host header is required, malformed headers are refused); the
     * connection memory limit covers headers and MHD's buffers, while bodies
     * go to our own capped buffer. The logger comes first so that MHD's own
     * messages about the other options reach our log. */
    struct MHD_OptionItem opts[16];
    size_t n = 0;
#define OPT(o, v, p) opts[n++] = (struct MHD_OptionItem){(o), (intptr_t)(v), (p)}
    OPT(MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s);
    OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
    OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL);
    OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_ip, NULL);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_s, NULL);
    OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL);
    OPT(MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL);
    OPT(MHD_OPTION_NOTIFY_COMPLETED, completed, s);
    if (s->tls_cert) {
        OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert);
        OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key);
    }
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    s->mhd = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, s, MHD_OPTION_ARRAY,
                              opts, MHD_OPTION_END);
    if (!s->mhd) {
        server_free(s);
        return sk_err_msg(err, EADDRINUSE, "cannot listen on %s%s", cfg->listen,
                          cfg->tls_cert[0] ? " (or the TLS certificate/key was refused)" : "");
    }
    *out = s;
    return 0;
}

int api_server_port(const struct api_server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : -1;
}

void api_server_reload(struct api_server *s, const struct sk_config *cfg)
{
    access_reload(s->access, cfg);
}

int api_server_drain(struct api_server *s, int deadline_s)
{
    /* Stop accepting: close the listening socket, keep serving what came in. */
    MHD_socket fd = MHD_quiesce_daemon(s->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += deadline_s;
    pthread_mutex_lock(&s->lock);
    while (s->connections > 0) {
        if (pthread_cond_timedwait(&s->slot_free, &s->lock, &until) == ETIMEDOUT)
            break;
    }
    int left = s->connections;
    pthread_mutex_unlock(&s->lock);
    MHD_stop_daemon(s->mhd);
    server_free(s);
    return left;
}
