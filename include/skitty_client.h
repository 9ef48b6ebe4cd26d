/*
 * skitty_client: a small C client for the Sheikh-Kitty HTTP API, over
 * libcurl. It sends the three endpoint requests and hands back the answer
 * both as the raw JSON text and as typed fields for the common questions
 * (which code came back, what the verdict is, what went wrong).
 *
 *     struct skitty_client *c = skitty_client_new("http://127.0.0.1:8080", getenv("KEY"));
 *     struct skitty_response r;
 *     if (skitty_generate(c, "reverse a string", "python", &r) == 0 && r.http_status == 200)
 *         printf("%s\n%s\n", r.verdict, r.code);
 *     skitty_response_close(&r);
 *     skitty_client_free(c);
 *
 * Thread-safety: one client per thread (it holds a curl handle).
 * The caller must have called curl_global_init() once before any client.
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct skitty_client;

struct skitty_response {
    long http_status;     /* 200, or the error's status */
    char *json;           /* the whole answer as received; owned */
    char *request_id;     /* owned; NULL if absent */
    char *code;           /* code / completed_code / fixed_code; owned; NULL if absent */
    char *explanation;    /* /debug only; owned; NULL if absent */
    char *verdict;        /* security_report.verdict: pass|warn|block; owned; NULL on errors */
    char *exec_status;    /* execution_results.status; owned; NULL if absent */
    char *error_code;     /* error.code on 4xx/5xx; owned; NULL on success */
    char *error_message;  /* error.message; owned */
};

/*
 * Called for each progress event when the client asked for a stream
 * (skitty_client_set_progress): `event` is "stage", `data` its JSON text.
 */
typedef void (*skitty_progress_fn)(void *ctx, const char *event, const char *data);

/*
 * A client for the server at `base_url` (e.g. "http://127.0.0.1:8080").
 * `api_key` may be NULL (servers without keys). Strings are copied.
 * Returns NULL only on allocation failure.
 */
struct skitty_client *skitty_client_new(const char *base_url, const char *api_key);
void skitty_client_free(struct skitty_client *c);

/* Total timeout per request in seconds (default 300). */
void skitty_client_set_timeout(struct skitty_client *c, long seconds);

/*
 * Ask for live progress: the request is sent with Accept: text/event-stream
 * and `fn` is called for every event before the final answer. NULL turns
 * it off.
 */
void skitty_client_set_progress(struct skitty_client *c, skitty_progress_fn fn, void *ctx);

/*
 * Ask for a network grant on /generate and /debug: `allow` is a list of
 * HOST:PORT destinations (sent as {"network": {"allow": [...]}}; the
 * server refuses with 403 what its configuration does not permit). n = 0
 * removes it. Strings are copied.
 */
void skitty_client_set_network(struct skitty_client *c, const char *const *allow, size_t n);

/*
 * The endpoint calls. Return 0 when an HTTP answer arrived (whatever its
 * status: see out->http_status), or -1 when none did (connection refused,
 * timeout), with the reason in out->error_message. Always fill `out`;
 * release it with skitty_response_close().
 */
int skitty_generate(struct skitty_client *c, const char *prompt, const char *language,
                    struct skitty_response *out);
int skitty_complete(struct skitty_client *c, const char *code, const char *language,
                    struct skitty_response *out);
int skitty_debug(struct skitty_client *c, const char *code, const char *error,
                 const char *language, struct skitty_response *out);

void skitty_response_close(struct skitty_response *r);

#ifdef __cplusplus
}
#endif
