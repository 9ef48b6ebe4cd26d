/*
 * Tests of the C client library (include/skitty_client.h) and of the CLI's
 * remote mode, against a real `skitty serve` backed by the fake model.
 *
 * usage: test-client SKITTY FAKE_OPENAI
 */
#include "config.h"

#include "harness.h"
#include "skitty_client.h"
#include "tap.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int fake_port;
    pid_t fake = helper_start(argv[2], &fake_port);
    ok(fake > 0, "fake model started");
    char conf[512];
    snprintf(conf, sizeof(conf),
             "[model]\nprovider = openai\nurl = http://127.0.0.1:%d/v1/chat/completions\n"
             "name = ok-python\n[keys]\nalice = sha256:"
             "0c848abb03307b06cf70cd4e29c157dc81af5e94ab3eb1d0c59a120269572376\n",
             fake_port);
    struct server s;
    if (server_start(&s, argv[1], conf, NULL) < 0)
        tap_skip_all("server did not start");
    char base[64];
    snprintf(base, sizeof(base), "http://127.0.0.1:%d/", s.port);

    struct skitty_client *c = skitty_client_new(base, "alice-secret");
    struct skitty_response r;
    is_int(skitty_generate(c, "reverse a string", "python", &r), 0, "generate answered");
    is_int(r.http_status, 200, "status 200");
    ok(r.code && strstr(r.code, "def reverse"), "typed code field");
    ok(r.verdict && (!strcmp(r.verdict, "pass") || !strcmp(r.verdict, "warn") ||
                     !strcmp(r.verdict, "block")),
       "typed verdict: %s", r.verdict ? r.verdict : "(null)");
    ok(r.request_id && strlen(r.request_id) == 32, "request id");
    ok(r.error_code == NULL, "no error on success");
    skitty_response_close(&r);

    is_int(skitty_debug(c, "print(x)", "NameError: x", "python", &r), 0, "debug answered");
    ok(r.code && r.explanation, "fixed code and explanation");
    skitty_response_close(&r);

    is_int(skitty_generate(c, "x", "rust", &r), 0, "a 400 is an answer");
    is_int(r.http_status, 400, "status 400");
    is_str(r.error_code, "bad_request", "typed error code");
    ok(r.error_message && strstr(r.error_message, "language"), "error message");
    skitty_response_close(&r);
    skitty_client_free(c);

    c = skitty_client_new(base, "wrong");
    skitty_complete(c, "def f():", "python", &r);
    is_int(r.http_status, 401, "a wrong key gets 401");
    skitty_response_close(&r);
    skitty_client_free(c);

    c = skitty_client_new("http://127.0.0.1:9", NULL);
    skitty_client_set_timeout(c, 5);
    is_int(skitty_generate(c, "x", "python", &r), -1, "no server: -1");
    ok(r.error_message != NULL, "with a reason: %s", r.error_message ? r.error_message : "");
    skitty_response_close(&r);
    skitty_client_free(c);

    /* The CLI's remote mode prints the server's JSON and exits by verdict. */
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "SKITTY_API_KEY=alice-secret %s generate --server %s 'reverse a string' 2>/dev/null",
             argv[1], base);
    FILE *p = popen(cmd, "r");
    char out[65536];
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    json_t *doc = json_loads(out, 0, NULL);
    ok(doc && strstr(json_string_value(json_object_get(doc, "code")), "def reverse"),
       "skitty generate --server prints the answer");
    ok(WIFEXITED(st) && WEXITSTATUS(st) <= 2, "and exits by verdict (%d)", WEXITSTATUS(st));
    json_decref(doc);

    is_int(server_stop(&s), 0, "server stops");
    kill(fake, SIGKILL);
    waitpid(fake, NULL, 0);
    curl_global_cleanup();
    return tap_done();
}
