/*
 * skitty generate | complete | debug: run an endpoint's pipeline locally,
 * without a server, and print exactly the JSON the API would answer.
 *
 * Exit codes: 0 verdict pass, 1 warn, 2 block, 3 the request failed (the
 * model, a check or the sandbox could not complete), 64 usage.
 */
#include "config.h"

#include "cli/cli.h"
#include "base/json.h"
#include "base/util.h"
#include "pipeline/pipeline.h"
#include "skitty_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out, enum endpoint ep)
{
    switch (ep) {
    case ENDPOINT_GENERATE:
        fprintf(out, "usage: skitty generate --lang LANG [--config FILE] PROMPT|-\n\n"
                     "Prompt -> checked (and run) code, as POST /generate.\n");
        break;
    case ENDPOINT_COMPLETE:
        fprintf(out, "usage: skitty complete --lang LANG [--config FILE] FILE|-\n\n"
                     "Code -> checked completion, as POST /complete.\n");
        break;
    case ENDPOINT_DEBUG:
        fprintf(out, "usage: skitty debug --lang LANG (--error TEXT | --error-file FILE)\n"
                     "                    [--config FILE] FILE|-\n\n"
                     "Code + error -> checked, verified fix, as POST /debug.\n");
        break;
    }
    fprintf(out, "\n  -l, --lang LANG        python, javascript, typescript or solidity\n"
                 "  -e, --error TEXT       (debug) the error message the code produced\n"
                 "  -E, --error-file FILE  (debug) read the error from FILE (- for stdin)\n"
                 "  -c, --config FILE      configuration file (also $SKITTY_CONFIG)\n"
                 "  -a, --allow HOST:PORT  (generate, debug) a network grant for the runs,\n"
                 "                         through the egress proxy (repeatable)\n"
                 "  -s, --server URL       ask a running server instead of running locally\n"
                 "                         (also $SKITTY_SERVER); its key from $SKITTY_API_KEY\n"
                 "  -h, --help             this help\n\n"
                 "Progress goes to stderr when it is a terminal.\n"
                 "Prints the API's JSON answer. Exit codes: 0 pass, 1 warn, 2 block,\n"
                 "3 could not complete, 64 usage.\n");
}

static int exit_code(long status, const char *verdict)
{
    if (status != 200 || !verdict)
        return EXIT_INCOMPLETE;
    return !strcmp(verdict, "pass") ? 0 : !strcmp(verdict, "warn") ? EXIT_WARN : EXIT_BLOCK;
}

static void show_progress(void *ctx, const char *event, const char *data)
{
    (void)ctx;
    json_t *d = json_loads(data, 0, NULL);
    const char *stage = json_string_value(json_object_get(d, "stage"));
    const char *state = json_string_value(json_object_get(d, "state"));
    json_t *ms = json_object_get(d, "ms");
    if (stage && state && !strcmp(state, "end") && ms)
        fprintf(stderr, "  %-16s %8.1f ms\n", stage, json_number_value(ms));
    else if (stage && state)
        fprintf(stderr, "  %-16s %s\n", stage, state);
    else
        fprintf(stderr, "  %s %s\n", event, data);
    json_decref(d);
}

/* Remote mode: the same request to a running server, through the C client. */
static int remote(const char *server, enum endpoint ep, const struct lang *lang, const char *text,
                  const char *error_text, const char *const *allow, size_t nallow)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct skitty_client *c = skitty_client_new(server, getenv("SKITTY_API_KEY"));
    skitty_client_set_network(c, allow, nallow);
    if (isatty(2))
        skitty_client_set_progress(c, show_progress, NULL);
    struct skitty_response r;
    int ret = ep == ENDPOINT_GENERATE   ? skitty_generate(c, text, lang->name, &r)
              : ep == ENDPOINT_COMPLETE ? skitty_complete(c, text, lang->name, &r)
                                        : skitty_debug(c, text, error_text, lang->name, &r);
    int rc;
    if (ret < 0) {
        fprintf(stderr, "skitty: %s: %s\n", server, r.error_message ? r.error_message : "failed");
        rc = EXIT_INCOMPLETE;
    } else {
        json_t *doc = json_loads(r.json, 0, NULL);
        char *pretty = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        printf("%s\n", pretty ? pretty : r.json);
        free(pretty);
        json_decref(doc);
        rc = exit_code(r.http_status, r.verdict);
    }
    skitty_response_close(&r);
    skitty_client_free(c);
    curl_global_cleanup();
    return rc;
}

static int run(int argc, char **argv, enum endpoint ep)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},   {"error", required_argument, NULL, 'e'},
        {"error-file", required_argument, NULL, 'E'}, {"config", required_argument, NULL, 'c'},
        {"server", required_argument, NULL, 's'}, {"allow", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang_name = ep == ENDPOINT_GENERATE ? "python" : NULL;
    const char *error = NULL, *error_file = NULL, *config = NULL;
    const char *server = getenv("SKITTY_SERVER");
    const char *allow[NET_MAX_RULES];
    size_t nallow = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "l:e:E:c:s:a:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            if (ep == ENDPOINT_COMPLETE || nallow == NET_MAX_RULES) {
                fprintf(stderr, "skitty: --allow is for generate and debug, at most %d times\n",
                        NET_MAX_RULES);
                return EXIT_USAGE;
            }
            allow[nallow++] = optarg;
            break;
        case 'l':
            lang_name = optarg;
            break;
        case 'e':
            error = optarg;
            break;
        case 'E':
            error_file = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 's':
            server = optarg;
            break;
        case 'h':
            usage(stdout, ep);
            return 0;
        default:
            usage(stderr, ep);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !lang_name || (ep == ENDPOINT_DEBUG && !error == !error_file)) {
        usage(stderr, ep);
        return EXIT_USAGE;
    }
    const struct lang *lang = lang_by_name(lang_name);
    if (!lang) {
        fprintf(stderr, "skitty: --lang must be one of: %s\n", lang_names());
        return EXIT_USAGE;
    }

    static struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_INCOMPLETE;

    const char *arg = argv[optind];
    cleanup_free char *text = NULL;
    cleanup_free char *error_text = NULL;
    size_t len, error_len = 0;
    if (ep == ENDPOINT_GENERATE && strcmp(arg, "-") != 0) {
        text = xstrdup(arg);
        len = strlen(text);
    } else if (cli_read_input(arg, cfg.max_code_bytes, &text, &len) < 0) {
        return EXIT_INCOMPLETE;
    }
    if (error_file) {
        if (cli_read_input(error_file, cfg.max_prompt_bytes, &error_text, &error_len) < 0)
            return EXIT_INCOMPLETE;
    } else if (error) {
        error_text = xstrdup(error);
        error_len = strlen(error_text);
    }
    if (!sk_utf8_valid(text, len) || memchr(text, '\0', len) ||
        (error_text && !sk_utf8_valid(error_text, error_len))) {
        fprintf(stderr, "skitty: the input must be UTF-8 text without NUL bytes\n");
        return EXIT_USAGE;
    }

    if (server && *server)
        return remote(server, ep, lang, text, error_text, allow, nallow);

    struct sk_err err;
    struct pipeline *p;
    if (pipeline_new(&cfg, &p, &err) < 0) {
        fprintf(stderr, "skitty: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    char rid[33];
    sk_random_id(rid);
    struct pipeline_input in = {
        .endpoint = ep,
        .lang = lang,
        .request_id = rid,
        .key_name = "cli",
    };
    memcpy(in.net_allow, allow, nallow * sizeof(allow[0]));
    in.net_nallow = nallow;
    if (ep == ENDPOINT_GENERATE) {
        in.prompt = text;
        in.prompt_len = len;
    } else {
        in.code = text;
        in.code_len = len;
        in.error = error_text;
        in.error_len = error_len;
    }
    struct pipeline_output out;
    pipeline_handle(p, &in, &out);
    char *s = json_dumps(out.body, JSON_INDENT(2));
    printf("%s\n", s ? s : "null");
    free(s);

    int rc = exit_code(out.status, json_string_value(json_object_get(
                                       json_object_get(out.body, "security_report"), "verdict")));
    pipeline_output_close(&out);
    pipeline_free(p);
    return rc;
}

int cmd_generate(int argc, char **argv)
{
    return run(argc, argv, ENDPOINT_GENERATE);
}

int cmd_complete(int argc, char **argv)
{
    return run(argc, argv, ENDPOINT_COMPLETE);
}

int cmd_debug(int argc, char **argv)
{
    return run(argc, argv, ENDPOINT_DEBUG);
}
