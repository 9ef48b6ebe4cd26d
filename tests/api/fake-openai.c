/*
 * A fake OpenAI-compatible chat-completions server for the tests: the real
 * `openai` provider talks to it over loopback. Its behaviour is chosen by
 * the "model" field of each request, so one server serves every case:
 *
 *   ok-<lang>      a reply with a fenced <lang> code block (python, javascript,
 *                  typescript, solidity); "ok-evil" returns Python that calls eval
 *   nocode         a reply with prose and no code block
 *   garbage        a body that is not JSON
 *   noshape        JSON without choices[0].message.content
 *   500            HTTP 500 every time
 *   429-then-ok    HTTP 429 (Retry-After: 1) on odd calls, a good reply on even ones
 *   hang           never answers within the client's timeout (sleeps 20 s)
 *   slow           answers like ok-python after 2 s
 *   huge           a 5 MiB reply
 *   echo           replies with the request's messages (system prompt and canary
 *                  included) inside a python block: a leak the gateway must catch
 *   echo-user      replies with the user message only, inside a python block
 *
 *   drop           closes the connection without an answer
 *   warn           Python with only a low-severity finding (assert)
 *   repairable     hostile Python first; what a repair request gets is safe
 *   raise-then-ok  Python that raises; what a debug request gets runs cleanly
 *   raise          Python that always raises
 *   spin, hog, flood  Python that loops forever, allocates 256 MiB, floods stdout
 *
 * GET /last returns the last request: {"authorization": ..., "body": {...}}.
 * GET /override/<mode> makes every request behave as <mode> whatever its
 * model name, until GET /override/none (the fault tests flip it under load).
 * Prints "port N" on stdout once listening on 127.0.0.1.
 */
#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct upload {
    char *data;
    size_t len;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *last_request;
static char override[32]; /* "" = none */
static int calls_429;

static const char *code_for(const char *lang)
{
    if (!strcmp(lang, "python"))
        return "```python\ndef reverse(s):\n    return s[::-1]\n\nprint(reverse(\"kitty\"))\n```";
    if (!strcmp(lang, "javascript"))
        return "```javascript\nconst reverse = (s) => [...s].reverse().join('');\n"
               "console.log(reverse('kitty'));\n```";
    if (!strcmp(lang, "typescript"))
        return "```ts\nfunction reverse(s: string): string {\n  return [...s].reverse().join('');\n}\n"
               "console.log(reverse('kitty'));\n```";
    if (!strcmp(lang, "solidity"))
        return "```solidity\n// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\n"
               "contract Counter {\n    uint256 public count;\n\n"
               "    function increment() external {\n        count += 1;\n    }\n}\n```";
    if (!strcmp(lang, "evil"))
        return "```python\nimport os\nprint(eval(input()))\nos.system('id')\n```";
    if (!strcmp(lang, "warn"))
        return "```python\ndef half(x):\n    assert x % 2 == 0\n    return x // 2\n\nprint(half(8))\n```";
    if (!strcmp(lang, "safe"))
        return "```python\nprint('fixed')\n```";
    if (!strcmp(lang, "shell"))
        return "```python\nimport os\nos.system('ls')\n```";
    if (!strcmp(lang, "raise"))
        return "```python\nraise ValueError('boom')\n```";
    if (!strcmp(lang, "spin"))
        return "```python\nwhile True:\n    pass\n```";
    if (!strcmp(lang, "hog"))
        return "```python\nx = bytearray(256 * 1024 * 1024)\nprint(len(x))\n```";
    if (!strcmp(lang, "flood"))
        return "```python\nwhile True:\n    print('y' * 1000)\n```";
    return NULL;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (status == 429)
        MHD_add_response_header(r, "Retry-After", "1");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result chat(struct MHD_Connection *c, const char *content)
{
    json_t *msg = json_pack("{s:s, s:s}", "role", "assistant", "content", content);
    json_t *o = json_pack("{s:s, s:s, s:[{s:i, s:o, s:s}]}", "object", "chat.completion", "model",
                          "fake-model", "choices", "index", 0, "message", msg, "finish_reason",
                          "stop");
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    enum MHD_Result ret = reply(c, 200, s);
    free(s);
    return ret;
}

static enum MHD_Result answer(struct MHD_Connection *c, const struct upload *u)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    json_t *body = json_loadb(u->data ? u->data : "", u->len, 0, NULL);
    json_t *rec = json_pack("{s:s?, s:o?}", "authorization", auth, "body", json_incref(body));
    pthread_mutex_lock(&lock);
    free(last_request);
    last_request = json_dumps(rec, JSON_COMPACT);
    pthread_mutex_unlock(&lock);
    json_decref(rec);

    const char *mode = json_string_value(json_object_get(body, "model"));
    if (!mode)
        mode = "ok-python";
    char forced[32];
    pthread_mutex_lock(&lock);
    snprintf(forced, sizeof(forced), "%s", override);
    pthread_mutex_unlock(&lock);
    if (forced[0])
        mode = forced;
    if (!strcmp(mode, "drop")) {
        json_decref(body);
        return MHD_NO; /* MHD closes the connection: no answer at all */
    }
    /* The gateway's system prompt says which task this is. */
    const char *sys = json_string_value(
        json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content"));
    bool repair = sys && strstr(sys, "code repairer");
    bool debug = sys && strstr(sys, "debugger");
    enum MHD_Result ret;
    char forced_mode[48];
    if (!strcmp(mode, "repairable"))
        mode = repair ? "ok-safe" : "ok-shell";
    else if (!strcmp(mode, "raise-then-ok"))
        mode = debug ? "ok-safe" : "ok-raise";
    else if (!strcmp(mode, "warn") || !strcmp(mode, "raise") || !strcmp(mode, "spin") ||
             !strcmp(mode, "hog") || !strcmp(mode, "flood")) {
        snprintf(forced_mode, sizeof(forced_mode), "ok-%.40s", mode);
        mode = forced_mode;
    }
    if (!strncmp(mode, "ok-", 3) && code_for(mode + 3)) {
        char *text;
        if (asprintf(&text, "Here is the code:\n\n%s\n\nIt prints the result.", code_for(mode + 3)) < 0)
            abort();
        ret = chat(c, text);
        free(text);
    } else if (!strcmp(mode, "nocode")) {
        ret = chat(c, "I would rather not write code today.");
    } else if (!strcmp(mode, "garbage")) {
        ret = reply(c, 200, "this is not {json");
    } else if (!strcmp(mode, "noshape")) {
        ret = reply(c, 200, "{\"choices\":[]}");
    } else if (!strcmp(mode, "500")) {
        ret = reply(c, 500, "{\"error\":\"boom\"}");
    } else if (!strcmp(mode, "429-then-ok")) {
        pthread_mutex_lock(&lock);
        int n = ++calls_429;
        pthread_mutex_unlock(&lock);
        ret = n % 2 ? reply(c, 429, "{\"error\":\"slow down\"}") : chat(c, code_for("python"));
    } else if (!strcmp(mode, "hang")) {
        sleep(20);
        ret = chat(c, code_for("python"));
    } else if (!strcmp(mode, "slow")) {
        sleep(2);
        ret = chat(c, code_for("python"));
    } else if (!strcmp(mode, "huge")) {
        size_t n = 5u << 20;
        char *big = malloc(n + 1);
        memset(big, 'a', n);
        big[n] = '\0';
        ret = chat(c, big);
        free(big);
    } else if (!strcmp(mode, "echo") || !strcmp(mode, "echo-user")) {
        json_t *m = json_object_get(body, "messages");
        if (!strcmp(mode, "echo-user"))
            m = json_object_get(json_array_get(m, json_array_size(m) - 1), "content");
        char *msgs = json_dumps(m, JSON_COMPACT | JSON_ENCODE_ANY);
        char *text;
        if (asprintf(&text, "```python\n# %s\nprint('echo')\n```", msgs ? msgs : "") < 0)
            abort();
        ret = chat(c, text);
        free(text);
        free(msgs);
    } else {
        ret = reply(c, 400, "{\"error\":\"unknown mode\"}");
    }
    json_decref(body);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **req_cls)
{
    (void)cls;
    (void)version;
    struct upload *u = *req_cls;
    if (!u) {
        *req_cls = calloc(1, sizeof(*u));
        return MHD_YES;
    }
    if (*size) {
        u->data = realloc(u->data, u->len + *size + 1);
        memcpy(u->data + u->len, data, *size);
        u->len += *size;
        u->data[u->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    if (!strcmp(method, "GET") && !strcmp(url, "/last")) {
        pthread_mutex_lock(&lock);
        enum MHD_Result r = reply(c, 200, last_request ? last_request : "{}");
        pthread_mutex_unlock(&lock);
        return r;
    }
    if (!strcmp(method, "GET") && !strncmp(url, "/override/", 10)) {
        pthread_mutex_lock(&lock);
        snprintf(override, sizeof(override), "%s", strcmp(url + 10, "none") ? url + 10 : "");
        pthread_mutex_unlock(&lock);
        return reply(c, 200, "{}");
    }
    if (!strcmp(method, "POST") && !strcmp(url, "/v1/chat/completions"))
        return answer(c, u);
    return reply(c, 404, "{\"error\":\"not found\"}");
}

static void done(void *cls, struct MHD_Connection *c, void **req_cls,
                 enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct upload *u = *req_cls;
    if (u) {
        free(u->data);
        free(u);
    }
}

int main(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler,
        NULL, MHD_OPTION_SOCK_ADDR, &a, MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fake-openai: cannot listen\n");
        return 1;
    }
    printf("port %u\n", MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    fflush(stdout);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
