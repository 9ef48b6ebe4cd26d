/*
 * skitty_client: the C client for the HTTP API (see include/skitty_client.h).
 *
 * With progress on, the answer is a text/event-stream: "event: stage" lines
 * for each stage, then "event: result" whose data is the final JSON. The
 * stream parser below hands each stage event to the callback and keeps the
 * result as the response.
 */
#include "config.h"

#include "skitty_client.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (16u << 20)

struct skitty_client {
    char *base;              /* base URL without a trailing slash */
    char *auth;              /* "Authorization: Bearer <key>", or NULL */
    long timeout_s;
    skitty_progress_fn progress;
    void *progress_ctx;
    json_t *network;         /* {"allow": [...]} for /generate and /debug, or NULL */
};

struct skitty_client *skitty_client_new(const char *base_url, const char *api_key)
{
    struct skitty_client *c = xcalloc(1, sizeof(*c));
    c->base = xstrdup(base_url);
    size_t n = strlen(c->base);
    while (n > 0 && c->base[n - 1] == '/')
        c->base[--n] = '\0';
    if (api_key && *api_key)
        c->auth = xasprintf("Authorization: Bearer %s", api_key);
    c->timeout_s = 300;
    return c;
}

void skitty_client_free(struct skitty_client *c)
{
    if (!c)
        return;
    if (c->auth)
        explicit_bzero(c->auth, strlen(c->auth));
    free(c->auth);
    free(c->base);
    json_decref(c->network);
    free(c);
}

void skitty_client_set_timeout(struct skitty_client *c, long seconds)
{
    c->timeout_s = seconds;
}

void skitty_client_set_progress(struct skitty_client *c, skitty_progress_fn fn, void *ctx)
{
    c->progress = fn;
    c->progress_ctx = ctx;
}

void skitty_client_set_network(struct skitty_client *c, const char *const *allow, size_t n)
{
    json_decref(c->network);
    c->network = NULL;
    if (n == 0)
        return;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_string(allow[i]));
    c->network = json_pack("{s:o}", "allow", list);
}

/* A request body, with the client's network grant where the endpoint takes one. */
static json_t *with_network(const struct skitty_client *c, json_t *body)
{
    if (c->network && body)
        json_object_set(body, "network", c->network);
    return body;
}

struct stream {
    struct skitty_client *c;
    struct sk_buf raw;     /* the whole body (plain JSON answers) */
    struct sk_buf line;    /* the SSE line being read */
    char event[32];        /* current SSE event name */
    struct sk_buf data;    /* current SSE event data */
    char *result;          /* the "result" event's data, when streaming */
    long status;           /* the "status" event's value, when streaming */
    int sse;
};

/* One complete SSE line (without its newline). */
static void sse_line(struct stream *s, const char *l, size_t n)
{
    if (n == 0) { /* blank line: dispatch the event */
        if (s->data.len) {
            if (!strcmp(s->event, "result")) {
                free(s->result);
                s->result = xstrdup(sk_buf_str(&s->data));
            } else if (!strcmp(s->event, "status")) {
                json_t *v = json_loads(sk_buf_str(&s->data), 0, NULL);
                s->status = (long)json_integer_value(json_object_get(v, "status"));
                json_decref(v);
            } else if (s->c->progress) {
                s->c->progress(s->c->progress_ctx, s->event[0] ? s->event : "message",
                               sk_buf_str(&s->data));
            }
        }
        sk_buf_reset(&s->data);
        s->event[0] = '\0';
        return;
    }
    if (n > 6 && !strncmp(l, "event:", 6)) {
        const char *v = l + 6 + (l[6] == ' ');
        snprintf(s->event, sizeof(s->event), "%.*s", (int)(n - (size_t)(v - l)), v);
    } else if (n >= 5 && !strncmp(l, "data:", 5)) {
        const char *v = l + 5 + (n > 5 && l[5] == ' ');
        if (s->data.len)
            sk_buf_append(&s->data, "\n", 1);
        sk_buf_append(&s->data, v, n - (size_t)(v - l));
    }
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct stream *s = ud;
    size_t len = size * n;
    if (sk_buf_append(&s->raw, p, len) < 0)
        return 0;
    if (!s->sse)
        return len;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            size_t l = s->line.len;
            if (l && s->line.data[l - 1] == '\r')
                l--;
            sse_line(s, sk_buf_str(&s->line), l);
            sk_buf_reset(&s->line);
        } else if (sk_buf_append(&s->line, p + i, 1) < 0) {
            return 0;
        }
    }
    return len;
}

static char *dup_str(json_t *v)
{
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static void fill(struct skitty_response *r, const char *text)
{
    r->json = xstrdup(text);
    json_t *doc = json_loads(text, 0, NULL);
    if (!doc)
        return;
    r->request_id = dup_str(json_object_get(doc, "request_id"));
    json_t *code = json_object_get(doc, "code");
    if (!code)
        code = json_object_get(doc, "completed_code");
    if (!code)
        code = json_object_get(doc, "fixed_code");
    r->code = dup_str(code);
    r->explanation = dup_str(json_object_get(doc, "explanation"));
    r->verdict = dup_str(json_object_get(json_object_get(doc, "security_report"), "verdict"));
    r->exec_status = dup_str(json_object_get(json_object_get(doc, "execution_results"), "status"));
    json_t *e = json_object_get(doc, "error");
    r->error_code = dup_str(json_object_get(e, "code"));
    r->error_message = dup_str(json_object_get(e, "message"));
    json_decref(doc);
}

static int call(struct skitty_client *c, const char *path, json_t *body,
                struct skitty_response *out)
{
    memset(out, 0, sizeof(*out));
    char *payload = sk_json_dumps(body);
    json_decref(body);
    char *url = xasprintf("%s%s", c->base, path);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (c->auth)
        h = curl_slist_append(h, c->auth);
    h = curl_slist_append(h, c->progress ? "Accept: text/event-stream" : "Accept: application/json");
    h = curl_slist_append(h, "Expect:");

    struct stream s = {.c = c, .sse = c->progress != NULL};
    sk_buf_init(&s.raw, ANSWER_MAX);
    sk_buf_init(&s.line, ANSWER_MAX);
    sk_buf_init(&s.data, ANSWER_MAX);
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, c->timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->http_status);
    char *ctype = NULL;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ctype);
    int streamed = ctype && !strncmp(ctype, "text/event-stream", 17);

    int ret = 0;
    if (rc != CURLE_OK) {
        out->error_code = xstrdup("transport");
        out->error_message = xstrdup(errbuf[0] ? errbuf : curl_easy_strerror(rc));
        ret = -1;
    } else if (streamed) {
        if (s.line.len)
            sse_line(&s, sk_buf_str(&s.line), s.line.len);
        sse_line(&s, "", 0);
        fill(out, s.result ? s.result : "{}");
        if (s.status) /* the stream itself is 200; the answer's status came as an event */
            out->http_status = s.status;
    } else {
        fill(out, sk_buf_str(&s.raw));
    }
    curl_easy_cleanup(curl);
    curl_slist_free_all(h);
    sk_buf_close(&s.raw);
    sk_buf_close(&s.line);
    sk_buf_close(&s.data);
    free(s.result);
    free(url);
    free(payload);
    return ret;
}

int skitty_generate(struct skitty_client *c, const char *prompt, const char *language,
                    struct skitty_response *out)
{
    return call(c, "/generate",
                with_network(c, json_pack("{s:s, s:s}", "prompt", prompt, "language", language)),
                out);
}

int skitty_complete(struct skitty_client *c, const char *code, const char *language,
                    struct skitty_response *out)
{
    return call(c, "/complete", json_pack("{s:s, s:s}", "code", code, "language", language), out);
}

int skitty_debug(struct skitty_client *c, const char *code, const char *error,
                 const char *language, struct skitty_response *out)
{
    return call(c, "/debug",
                with_network(c, json_pack("{s:s, s:s, s:s}", "code", code, "error", error,
                                          "language", language)),
                out);
}

void skitty_response_close(struct skitty_response *r)
{
    free(r->json);
    free(r->request_id);
    free(r->code);
    free(r->explanation);
    free(r->verdict);
    free(r->exec_status);
    free(r->error_code);
    free(r->error_message);
    memset(r, 0, sizeof(*r));
}
