/*
 * The `openai` provider: any OpenAI-compatible chat-completions endpoint
 * (llama.cpp server, vLLM, Ollama, TGI, hosted APIs) over libcurl.
 *
 * One POST per attempt with the system and fenced user messages the
 * pipeline built; connect and total timeouts from the configuration;
 * bounded retries with exponential backoff on connection failures, 429 and
 * 5xx (a Retry-After header is honoured up to a cap). The reply body is
 * read into a capped buffer and must be a chat-completions object whose
 * first choice holds the text; the code is the fenced block for the
 * requested language.
 */
#include "config.h"

#include "model/model.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPLY_MAX (4u << 20)   /* a chat reply larger than 4 MiB is refused */
#define RETRY_AFTER_MAX_MS 5000

struct openai {
    char url[512];
    char model[128];
    char auth[600];          /* "Authorization: Bearer <key>", or "" */
    long connect_timeout_ms;
    long timeout_ms;
    int retries;
    int max_tokens;
    double temperature;
};

int model_openai_new(const struct sk_config *cfg, void **state, struct sk_err *err)
{
    if (strncmp(cfg->model_url, "http://", 7) && strncmp(cfg->model_url, "https://", 8))
        return sk_err_msg(err, EINVAL, "model.url must be an http:// or https:// URL");
    struct openai *o = xcalloc(1, sizeof(*o));
    snprintf(o->url, sizeof(o->url), "%s", cfg->model_url);
    snprintf(o->model, sizeof(o->model), "%s", cfg->model_name);
    if (cfg->model_api_key[0])
        snprintf(o->auth, sizeof(o->auth), "Authorization: Bearer %s", cfg->model_api_key);
    o->connect_timeout_ms = cfg->model_connect_timeout_ms;
    o->timeout_ms = cfg->model_timeout_ms;
    o->retries = cfg->model_retries;
    o->max_tokens = cfg->model_max_tokens;
    o->temperature = cfg->model_temperature;
    *state = o;
    return 0;
}

static void openai_free(void *state)
{
    struct openai *o = state;
    if (o) /* The key lives in o->auth: wipe it before freeing. */
        explicit_bzero(o, sizeof(*o));
    free(o);
}

struct sink {
    struct sk_buf body;
    long retry_after_ms; /* from a Retry-After header, or -1 */
};

static size_t on_body(char *p, size_t size, size_t n, void *userdata)
{
    struct sink *s = userdata;
    if (sk_buf_append(&s->body, p, size * n) < 0)
        return 0; /* makes curl fail with CURLE_WRITE_ERROR: reply too large */
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *userdata)
{
    struct sink *s = userdata;
    size_t len = size * n;
    if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
        long secs = strtol(p + 12, NULL, 10);
        if (secs > 0)
            s->retry_after_ms = secs * 1000;
    }
    return len;
}

static char *build_body(const struct openai *o, const struct model_request *req)
{
    json_t *msgs = json_array();
    json_t *sys = json_object();
    json_object_set_new(sys, "role", json_string("system"));
    json_object_set_new(sys, "content", sk_json_string_lossy(req->system, strlen(req->system)));
    json_array_append_new(msgs, sys);
    json_t *user = json_object();
    json_object_set_new(user, "role", json_string("user"));
    json_object_set_new(user, "content", sk_json_string_lossy(req->user, strlen(req->user)));
    json_array_append_new(msgs, user);

    json_t *body = json_object();
    if (o->model[0])
        json_object_set_new(body, "model", json_string(o->model));
    json_object_set_new(body, "messages", msgs);
    json_object_set_new(body, "temperature", json_real(o->temperature));
    json_object_set_new(body, "max_tokens", json_integer(o->max_tokens));
    json_object_set_new(body, "stream", json_false());
    char *s = sk_json_dumps(body);
    json_decref(body);
    return s;
}

/*
 * Read the reply text out of a chat-completions body. Returns 0 and a
 * malloc'ed *text, or -EBADMSG.
 */
static int parse_reply(const char *data, size_t len, char **text, char *model, size_t model_len,
                       struct sk_err *err)
{
    cleanup_json json_t *root = NULL;
    struct sk_err perr;
    if (sk_json_parse(data, len, &root, &perr) < 0)
        return sk_err_msg(err, EBADMSG, "model reply is not JSON (%s)", perr.msg);
    json_t *choices = json_object_get(root, "choices");
    json_t *first = json_is_array(choices) ? json_array_get(choices, 0) : NULL;
    json_t *message = first ? json_object_get(first, "message") : NULL;
    json_t *content = message ? json_object_get(message, "content") : NULL;
    if (!json_is_string(content))
        return sk_err_msg(err, EBADMSG,
                          "model reply has no choices[0].message.content string");
    json_t *m = json_object_get(root, "model");
    if (json_is_string(m))
        snprintf(model, model_len, "%s", json_string_value(m));
    *text = xstrndup(json_string_value(content), json_string_length(content));
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int openai_call(void *state, const struct model_request *req, struct model_reply *reply,
                       struct sk_err *err)
{
    const struct openai *o = state;
    if (!req->system || !req->user)
        return sk_err_msg(err, EINVAL, "openai provider needs the system and user messages");

    cleanup_free char *payload = build_body(o, req);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (o->auth[0])
        headers = curl_slist_append(headers, o->auth);
    headers = curl_slist_append(headers, "Expect:");

    CURL *curl = curl_easy_init();
    if (!curl || !headers) {
        curl_slist_free_all(headers);
        return sk_err_msg(err, ENOMEM, "cannot create an HTTP client");
    }
    struct sink sink;
    sk_buf_init(&sink.body, REPLY_MAX);
    char curl_err[CURL_ERROR_SIZE];

    curl_easy_setopt(curl, CURLOPT_URL, o->url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    /* The configured timeout, or less when the request's own deadline is nearer. */
    long timeout = req->timeout_ms > 0 && req->timeout_ms < o->timeout_ms ? req->timeout_ms
                                                                          : o->timeout_ms;
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* we are threaded */
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "skitty/" SKITTY_VERSION);

    int ret = 0;
    int attempt;
    for (attempt = 0; attempt <= o->retries; attempt++) {
        sk_buf_reset(&sink.body);
        sink.retry_after_ms = -1;
        curl_err[0] = '\0';
        CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        int retryable = 0;

        if (rc == CURLE_OPERATION_TIMEDOUT) {
            /* A timeout is not retried: the caller's deadline is already spent. */
            ret = sk_err_msg(err, ETIMEDOUT, "model endpoint timed out after %ld ms", timeout);
            break;
        } else if (rc == CURLE_WRITE_ERROR) {
            ret = sk_err_msg(err, EBADMSG, "model reply larger than %u bytes", REPLY_MAX);
            break;
        } else if (rc != CURLE_OK) {
            ret = sk_err_msg(err, ECONNREFUSED, "model endpoint unreachable: %s",
                             curl_err[0] ? curl_err : curl_easy_strerror(rc));
            retryable = 1;
        } else if (status == 429 || status >= 500) {
            ret = sk_err_msg(err, EPROTO, "model endpoint answered HTTP %ld", status);
            retryable = 1;
        } else if (status != 200) {
            ret = sk_err_msg(err, EPROTO, "model endpoint answered HTTP %ld", status);
            break;
        } else {
            ret = 0;
            break;
        }
        if (!retryable || attempt == o->retries)
            break;
        long wait = 200L << attempt;
        if (sink.retry_after_ms > 0)
            wait = sink.retry_after_ms < RETRY_AFTER_MAX_MS ? sink.retry_after_ms
                                                            : RETRY_AFTER_MAX_MS;
        log_warn("model attempt %d failed (%s); retrying in %ld ms", attempt + 1, err->msg, wait);
        sleep_ms(wait);
    }
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);

    if (ret == 0) {
        char *text = NULL;
        snprintf(reply->model, sizeof(reply->model), "%s", o->model[0] ? o->model : "openai");
        ret = parse_reply(sink.body.data ? sink.body.data : "", sink.body.len, &text,
                          reply->model, sizeof(reply->model), err);
        if (ret == 0) {
            reply->raw = text;
            reply->code = model_extract_code(text, strlen(text), req->lang);
            if (!reply->code)
                ret = sk_err_msg(err, ENODATA, "model reply contained no %s code block",
                                 req->lang->name);
            else if (req->task == MODEL_DEBUG || req->task == MODEL_REPAIR)
                reply->explanation = xstrdup(text);
        }
    }
    reply->attempts = attempt + 1 > o->retries + 1 ? o->retries + 1 : attempt + 1;
    sk_buf_close(&sink.body);
    if (ret < 0)
        model_reply_close(reply);
    return ret;
}

const struct model_provider model_openai_provider = {
    .name = "openai",
    .call = openai_call,
    .free = openai_free,
};
