/*
 * Black-box API tests: cases as data (tests/api/cases/NNN-name.case) run against
 * the real `skitty serve`, with the real `openai` provider talking to the
 * fake model server where a case needs a model. Every answer is also held
 * against data/openapi.json, so the document stays true; after the cases
 * each server must still serve, have one audit record per endpoint request,
 * and shut down cleanly.
 *
 * Case file lines ("#" starts a comment):
 *   server: PROFILE [ARG]        which server (started once per distinct line)
 *   request: METHOD PATH
 *   header: Name: value          request header (repeatable)
 *   body: TEXT                   raw body, rest of the line
 *   body-hex: 7b22...            raw body in hex (for invalid UTF-8, NUL bytes)
 *   body-repeat: N TEXT          %R in the body is replaced by TEXT repeated N times
 *   concurrent: N                send N copies at once
 *   status: CODE[|CODE...]       expected status (any of)
 *   statuses: CODE CODE ...      (concurrent) each must occur at least once
 *   json: POINTER OP [VALUE]     OP: == != (JSON value), ~ !~ (substring), exists, absent
 *   response-header: Name ~ TEXT
 *   text: TEXT                   the raw body contains TEXT (for text/plain answers)
 *   audited: yes|no              override whether the request is audited
 *
 * usage: test-api SKITTY FAKE_OPENAI CASES_DIR OPENAPI_JSON
 */
#include "config.h"

#include "harness.h"
#include "schema.h"
#include "tap.h"

#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_SERVERS 32
#define MAX_LINES 64

/* SHA-256 of the test keys "alice-secret" (plain) and "ops-secret" (admin). */
#define ALICE_HASH "0c848abb03307b06cf70cd4e29c157dc81af5e94ab3eb1d0c59a120269572376"
#define BOB_HASH "81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9"
#define OPS_HASH "32323cfa9ec9d62750daad0836a4cf3d7b60d23723b7852a529667deed01669f"

static const char *skitty_path, *fake_path;
static int fake_port;
static json_t *openapi;

struct running {
    char key[128];   /* the case's server: line */
    struct server s;
    long requests;   /* endpoint requests sent that must be audited */
};
static struct running servers[MAX_SERVERS];
static int nservers;

static char *profile_config(const char *profile, const char *arg)
{
    char *c = NULL;
    int n = -1;
    if (!strcmp(profile, "builtin"))
        n = asprintf(&c, "[model]\nprovider = builtin\n");
    else if (!strcmp(profile, "fake"))
        n = asprintf(&c,
                     "[model]\nprovider = openai\n"
                     "url = http://127.0.0.1:%d/v1/chat/completions\nname = %s\n"
                     "api_key = sk-test-model-key\ntimeout_ms = 2000\nconnect_timeout_ms = 1000\n"
                     "retries = 2\n",
                     fake_port, arg);
    else if (!strcmp(profile, "refused"))
        /* Port 9 (discard) on loopback: nothing listens there in the test environment. */
        n = asprintf(&c, "[model]\nprovider = openai\nurl = http://127.0.0.1:9/v1/chat/completions\n"
                         "connect_timeout_ms = 1000\nretries = 1\n");
    else if (!strcmp(profile, "keys"))
        n = asprintf(&c,
                     "[model]\nprovider = openai\nurl = http://127.0.0.1:%d/v1/chat/completions\n"
                     "name = ok-python\n[keys]\nalice = sha256:%s\nops = sha256:%s admin\n"
                     "bob = sha256:%s rpm=2\n",
                     fake_port, ALICE_HASH, OPS_HASH, BOB_HASH);
    else if (!strcmp(profile, "small"))
        n = asprintf(&c, "[server]\nmax_body_bytes = 2048\n[guard]\nmax_prompt_bytes = 100\n");
    else if (!strcmp(profile, "limits"))
        /* Small sandbox limits and no repairs: the first run's status shows. */
        n = asprintf(&c,
                     "[model]\nprovider = openai\nurl = http://127.0.0.1:%d/v1/chat/completions\n"
                     "name = %s\n[sandbox]\nwall_s = 2\nmemory_mb = 64\noutput_kb = 8\n"
                     "[pipeline]\nrepair_rounds = 0\n",
                     fake_port, arg);
    else if (!strcmp(profile, "net"))
        /* Grants permitted, for destinations of the test's own namespaces only. */
        n = asprintf(&c,
                     "[model]\nprovider = openai\nurl = http://127.0.0.1:%d/v1/chat/completions\n"
                     "name = %s\n[network]\ngrants = true\nallow = 10.231.0.0/16:*, "
                     "*.skitty.test:8080\n",
                     fake_port, arg);
    else if (!strcmp(profile, "busy"))
        n = asprintf(&c,
                     "[server]\nconcurrency = 1\nqueue_length = 0\n"
                     "[model]\nprovider = openai\nurl = http://127.0.0.1:%d/v1/chat/completions\n"
                     "name = hang\ntimeout_ms = 1500\nretries = 0\n",
                     fake_port);
    return n < 0 ? NULL : c;
}

static struct running *get_server(const char *line)
{
    for (int i = 0; i < nservers; i++)
        if (!strcmp(servers[i].key, line))
            return &servers[i];
    if (nservers == MAX_SERVERS)
        return NULL;
    char profile[64] = "", arg[64] = "";
    sscanf(line, "%63s %63s", profile, arg);
    char *config = profile_config(profile, arg);
    if (!config)
        return NULL;
    struct running *r = &servers[nservers];
    snprintf(r->key, sizeof(r->key), "%s", line);
    int ret = server_start(&r->s, skitty_path, config, NULL);
    free(config);
    if (ret < 0)
        return NULL;
    nservers++;
    return r;
}

struct kase {
    char name[256];
    char server[128];
    char method[16];
    char path[256];
    char *headers[16];
    int nheaders;
    char *body;
    size_t body_len;
    int concurrent;
    int status[8];
    int nstatus;
    int statuses[8];
    int nstatuses;
    char *checks[MAX_LINES];
    int nchecks;
    char *hchecks[8];
    int nhchecks;
    char *texts[8];
    int ntexts;
    int ntexts_checked; /* texts were matched against a stream already */
    int audited; /* -1 = derive */
};

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int load_case(const char *path, struct kase *k)
{
    memset(k, 0, sizeof(*k));
    k->concurrent = 1;
    k->audited = -1;
    snprintf(k->server, sizeof(k->server), "builtin");
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[8192];
    long repeat = 0;
    char reptext[256] = "";
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *v = strchr(line, ':');
        if (line[0] == '#' || !v)
            continue;
        *v++ = '\0';
        while (*v == ' ')
            v++;
        if (!strcmp(line, "server"))
            snprintf(k->server, sizeof(k->server), "%s", v);
        else if (!strcmp(line, "request"))
            sscanf(v, "%15s %255s", k->method, k->path);
        else if (!strcmp(line, "header") && k->nheaders < 15)
            k->headers[k->nheaders++] = strdup(v);
        else if (!strcmp(line, "body")) {
            k->body = strdup(v);
            k->body_len = strlen(v);
        } else if (!strcmp(line, "body-hex")) {
            size_t n = strlen(v) / 2;
            k->body = malloc(n + 1);
            for (size_t i = 0; i < n; i++)
                k->body[i] = (char)(hexval(v[2 * i]) * 16 + hexval(v[2 * i + 1]));
            k->body_len = n;
        } else if (!strcmp(line, "body-repeat"))
            sscanf(v, "%ld %255[^\n]", &repeat, reptext);
        else if (!strcmp(line, "concurrent"))
            k->concurrent = atoi(v);
        else if (!strcmp(line, "status")) {
            for (char *t = strtok(v, "|"); t && k->nstatus < 8; t = strtok(NULL, "|"))
                k->status[k->nstatus++] = atoi(t);
        } else if (!strcmp(line, "statuses")) {
            for (char *t = strtok(v, " "); t && k->nstatuses < 8; t = strtok(NULL, " "))
                k->statuses[k->nstatuses++] = atoi(t);
        } else if (!strcmp(line, "json") && k->nchecks < MAX_LINES)
            k->checks[k->nchecks++] = strdup(v);
        else if (!strcmp(line, "text") && k->ntexts < 8)
            k->texts[k->ntexts++] = strdup(v);
        else if (!strcmp(line, "response-header") && k->nhchecks < 8)
            k->hchecks[k->nhchecks++] = strdup(v);
        else if (!strcmp(line, "audited"))
            k->audited = !strcmp(v, "yes");
    }
    fclose(f);
    if (repeat > 0 && k->body) {
        char *at = strstr(k->body, "%R");
        if (at) {
            size_t tl = strlen(reptext), pre = (size_t)(at - k->body), post = strlen(at + 2);
            char *nb = malloc(pre + tl * (size_t)repeat + post + 1);
            memcpy(nb, k->body, pre);
            for (long i = 0; i < repeat; i++)
                memcpy(nb + pre + (size_t)i * tl, reptext, tl);
            memcpy(nb + pre + tl * (size_t)repeat, at + 2, post + 1);
            free(k->body);
            k->body = nb;
            k->body_len = pre + tl * (size_t)repeat + post;
        }
    }
    return k->method[0] ? 0 : -1;
}

static void free_case(struct kase *k)
{
    for (int i = 0; i < k->nheaders; i++)
        free(k->headers[i]);
    for (int i = 0; i < k->nchecks; i++)
        free(k->checks[i]);
    for (int i = 0; i < k->nhchecks; i++)
        free(k->hchecks[i]);
    for (int i = 0; i < k->ntexts; i++)
        free(k->texts[i]);
    free(k->body);
}

/* The OpenAPI schema a response must satisfy, or NULL when the document has none. */
static const json_t *response_schema(const char *method, const char *path, long status)
{
    json_t *schemas = json_object_get(json_object_get(openapi, "components"), "schemas");
    char lower[16];
    size_t i;
    for (i = 0; method[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)(method[i] | 0x20);
    lower[i] = '\0';
    json_t *op = json_object_get(json_object_get(json_object_get(openapi, "paths"), path), lower);
    char code[24];
    snprintf(code, sizeof(code), "%ld", status);
    json_t *documented = json_pointer(json_object_get(json_object_get(op, "responses"), code),
                                      "/content/application~1json/schema");
    if (!documented && status >= 400)
        return json_object_get(schemas, "Error");
    return documented;
}

static int check_json(const struct kase *k, json_t *doc)
{
    int good = 1;
    for (int i = 0; i < k->nchecks; i++) {
        char ptr[256], op[8], val[4096] = "";
        if (sscanf(k->checks[i], "%255s %7s %4095[^\n]", ptr, op, val) < 2) {
            ok(0, "%s: bad check line '%s'", k->name, k->checks[i]);
            good = 0;
            continue;
        }
        json_t *got = json_pointer(doc, ptr);
        int pass;
        if (!strcmp(op, "exists"))
            pass = got != NULL;
        else if (!strcmp(op, "absent"))
            pass = got == NULL;
        else if (!strcmp(op, "~") || !strcmp(op, "!~")) {
            const char *s = json_string_value(got);
            pass = s && strstr(s, val) != NULL;
            if (op[0] == '!')
                pass = s && !pass;
        } else {
            json_t *want = json_loads(val, JSON_DECODE_ANY, NULL);
            pass = want && got && json_equal(got, want);
            if (!strcmp(op, "!="))
                pass = want && (!got || !json_equal(got, want));
            json_decref(want);
        }
        if (!pass) {
            char *g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
            printf("#   %s: check '%s' failed; got %.300s\n", k->name, k->checks[i],
                   g ? g : "(absent)");
            free(g);
            good = 0;
        }
    }
    return good;
}

struct shot {
    const struct kase *k;
    int port;
    struct http_reply reply;
    int ret;
};

static void *send_one(void *arg)
{
    struct shot *s = arg;
    s->ret = http_request(s->port, s->k->method, s->k->path, (const char *const *)s->k->headers,
                          s->k->body, s->k->body_len, 30, &s->reply);
    return NULL;
}

static int is_endpoint(const char *method, const char *path)
{
    return !strcmp(method, "POST") &&
           (!strcmp(path, "/generate") || !strcmp(path, "/complete") || !strcmp(path, "/debug"));
}

static void run_case(struct kase *k)
{
    struct running *r = get_server(k->server);
    if (!r) {
        ok(0, "%s: server '%s' started", k->name, k->server);
        return;
    }
    struct shot shots[16];
    pthread_t th[16];
    int n = k->concurrent < 16 ? k->concurrent : 16;
    for (int i = 0; i < n; i++) {
        shots[i] = (struct shot){.k = k, .port = r->s.port};
        pthread_create(&th[i], NULL, send_one, &shots[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);

    int good = 1;
    for (int i = 0; i < n; i++) {
        struct http_reply *rep = &shots[i].reply;
        if (shots[i].ret < 0) {
            good = 0;
            continue;
        }
        char ctype0[128] = "";
        http_header(rep, "Content-Type", ctype0, sizeof(ctype0));
        if (!strncmp(ctype0, "text/event-stream", 17)) {
            /* A stream: the answer's status and JSON come as the last events. */
            const char *st = strstr(rep->body, "event: status\ndata: {\"status\":");
            const char *res = strstr(rep->body, "event: result\ndata: ");
            if (!st || !res) {
                printf("#   %s: stream without status/result events\n", k->name);
                good = 0;
                continue;
            }
            rep->status = atol(st + strlen("event: status\ndata: {\"status\":"));
            res += strlen("event: result\ndata: ");
            size_t rl = strcspn(res, "\n");
            char *json = strndup(res, rl);
            for (int j = 0; j < k->ntexts; j++)
                if (!strstr(rep->body, k->texts[j])) {
                    printf("#   %s: stream lacks '%s'\n", k->name, k->texts[j]);
                    good = 0;
                }
            free(rep->body);
            rep->body = json;
            rep->len = rl;
            k->ntexts_checked = 1;
        }
        int status_ok = k->nstatus == 0;
        for (int j = 0; j < k->nstatus; j++)
            status_ok |= rep->status == k->status[j];
        if (k->nstatuses) {
            status_ok = 0;
            for (int j = 0; j < k->nstatuses; j++)
                status_ok |= rep->status == k->statuses[j];
        }
        if (!status_ok) {
            printf("#   %s: status %ld; body %.400s\n", k->name, rep->status, rep->body);
            good = 0;
        }
        for (int j = 0; j < k->ntexts && !k->ntexts_checked; j++)
            if (!strstr(rep->body, k->texts[j])) {
                printf("#   %s: body lacks '%s'\n", k->name, k->texts[j]);
                good = 0;
            }
        char ctype[128] = "";
        http_header(rep, "Content-Type", ctype, sizeof(ctype));
        if (!strncmp(ctype, "text/plain", 10) || !strncmp(ctype, "text/html", 9))
            continue; /* /metrics and the page: checked by `text:` lines only */
        json_error_t jerr;
        json_t *doc = json_loadb(rep->body, rep->len, 0, &jerr);
        if (!doc) {
            printf("#   %s: answer is not JSON: %.200s\n", k->name, rep->body);
            good = 0;
            continue;
        }
        const json_t *schema = response_schema(k->method, k->path, rep->status);
        char why[512];
        if (schema && !schema_check(openapi, schema, doc, "", why, sizeof(why))) {
            printf("#   %s: answer does not match the OpenAPI document: %s\n", k->name, why);
            good = 0;
        }
        if (!schema && is_endpoint(k->method, k->path)) {
            printf("#   %s: the OpenAPI document has no schema for %ld\n", k->name, rep->status);
            good = 0;
        }
        good &= check_json(k, doc);
        for (int j = 0; j < k->nhchecks; j++) {
            char name[64], val[256] = "", got[512];
            sscanf(k->hchecks[j], "%63s ~ %255[^\n]", name, val);
            if (http_header(rep, name, got, sizeof(got)) < 0 || !strstr(got, val)) {
                printf("#   %s: response header %s lacks '%s'\n", k->name, name, val);
                good = 0;
            }
        }
        json_decref(doc);
        long st = rep->status;
        int audited = k->audited >= 0 ? k->audited : is_endpoint(k->method, k->path) && st != 404;
        if (audited)
            r->requests++;
    }
    for (int i = 0; i < k->nstatuses; i++) {
        int seen = 0;
        for (int j = 0; j < n; j++)
            seen |= shots[j].reply.status == k->statuses[i];
        if (!seen) {
            printf("#   %s: no answer had status %d\n", k->name, k->statuses[i]);
            good = 0;
        }
    }
    for (int i = 0; i < n; i++)
        http_reply_close(&shots[i].reply);
    ok(good, "%s", k->name);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: test-api SKITTY FAKE_OPENAI CASES_DIR OPENAPI_JSON\n");
        return 2;
    }
    skitty_path = argv[1];
    fake_path = argv[2];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    openapi = json_load_file(argv[4], 0, NULL);
    ok(openapi != NULL, "data/openapi.json is valid JSON");
    is_str(json_string_value(json_object_get(openapi, "openapi")), "3.0.3", "OpenAPI 3 document");

    pid_t fake = helper_start(fake_path, &fake_port);
    ok(fake > 0, "fake model server started on port %d", fake_port);

    struct dirent **ents;
    int n = scandir(argv[3], &ents, NULL, by_name);
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        size_t l = strlen(nm);
        if (l > 5 && !strcmp(nm + l - 5, ".case")) {
            char path[1024];
            snprintf(path, sizeof(path), "%s/%s", argv[3], nm);
            struct kase k;
            if (load_case(path, &k) < 0) {
                ok(0, "%s parses", nm);
                continue;
            }
            snprintf(k.name, sizeof(k.name), "%.*s", (int)(l - 5), nm);
            run_case(&k);
            free_case(&k);
        }
        free(ents[i]);
    }
    free(ents);

    /* Every path of the document is served (not 404) by some server. */
    if (nservers > 0) {
        const char *path;
        json_t *item;
        json_object_foreach(json_object_get(openapi, "paths"), path, item)
        {
            const char *method;
            json_t *op;
            json_object_foreach(item, method, op)
            {
                char up[16];
                size_t j;
                for (j = 0; method[j] && j < 15; j++)
                    up[j] = (char)(method[j] & ~0x20);
                up[j] = '\0';
                struct http_reply rep;
                const char *hdr[] = {"Content-Type: application/json", NULL};
                http_request(servers[0].s.port, up, path, hdr, "{}", 2, 10, &rep);
                ok(rep.status != 404 && rep.status != 405, "documented %s %s is routed (%ld)", up,
                   path, rep.status);
                if (!strcmp(up, "POST"))
                    servers[0].requests++;
                http_reply_close(&rep);
            }
        }
    }

    for (int i = 0; i < nservers; i++) {
        struct running *r = &servers[i];
        struct http_reply rep;
        int got = http_request(r->s.port, "GET", "/healthz", NULL, NULL, 0, 10, &rep);
        ok(got == 0 && rep.status == 200, "server '%s' still serves after its cases", r->key);
        http_reply_close(&rep);
        long records = audit_records(r->s.audit);
        is_int(records, r->requests, "server '%s' audited every endpoint request", r->key);
        is_int(server_stop(&r->s), 0, "server '%s' shuts down cleanly on SIGTERM", r->key);
    }
    if (fake > 0) {
        kill(fake, SIGKILL);
        waitpid(fake, NULL, 0);
    }
    json_decref(openapi);
    curl_global_cleanup();
    return tap_done();
}
