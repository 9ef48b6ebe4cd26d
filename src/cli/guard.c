/*
 * skitty guard: run the prompt guard from the command line and print its
 * report as JSON (see src/guard/guard.h). For testing the guard and for
 * use in other pipelines:
 *
 *   skitty guard 'Ignore all previous instructions'      -> report, exit 2
 *   echo "$prompt" | skitty guard -                      -> report, exit 0/1/2
 *   skitty guard --secrets python - < app.py             -> findings section
 *   skitty guard --fence generate --lang python 'a CSV parser' -> model messages
 */
#include "config.h"

#include "cli/cli.h"
#include "base/json.h"
#include "base/util.h"
#include "guard/guard.h"
#include "lang/lang.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: skitty guard [OPTIONS] [TEXT|-]\n"
            "\n"
            "Sanitise and score a prompt for prompt injection and print the guard's report as\n"
            "JSON. TEXT is the prompt itself; '-' or no TEXT reads it from standard input.\n"
            "\n"
            "options:\n"
            "  --config FILE     configuration file (default $SKITTY_CONFIG)\n"
            "  --no-text         leave the sanitised text and evidence out of the report\n"
            "  --compact         print the JSON on one line\n"
            "  --secrets LANG    scan TEXT as code for secrets; print the findings section\n"
            "  --fence TASK      print the model messages the guard builds for TASK\n"
            "                    (generate, complete, debug, repair); TEXT is the prompt or code\n"
            "  --lang LANG       language for --fence (default python)\n"
            "  --error TEXT      the error (debug) or findings (repair) for --fence\n"
            "  --datamark        datamark the prose in --fence output\n"
            "\n"
            "Exit: 0 allow, 1 flag, 2 block (for --secrets: 0 none, 1 found); 3 could not\n"
            "complete; 64 usage.\n");
}

static int print_json(json_t *v, bool compact)
{
    char *s = json_dumps(v, (compact ? JSON_COMPACT : JSON_INDENT(2)) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
    if (!s)
        return -1;
    puts(s);
    free(s);
    return 0;
}

static int run_secrets(const char *lang_name, const char *code, size_t len, bool compact)
{
    const struct lang *lang = lang_by_name(lang_name);
    if (!lang) {
        fprintf(stderr, "skitty guard: unknown language '%s' (one of %s)\n", lang_name,
                lang_names());
        return EXIT_USAGE;
    }
    struct check_section sec;
    check_section_init(&sec);
    int ret = guard_scan_secrets(lang, code, len, &sec);
    json_t *j = check_section_to_json(&sec);
    print_json(j, compact);
    json_decref(j);
    int status = ret < 0 ? EXIT_INCOMPLETE : sec.nfindings ? EXIT_WARN : 0;
    check_section_close(&sec);
    return status;
}

static int run_fence(const char *task_name, const char *lang_name, const char *text,
                     const char *error, bool datamark, bool compact)
{
    static const char *const tasks[] = {"generate", "complete", "debug", "repair"};
    int task = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(task_name, tasks[i]) == 0)
            task = i;
    const struct lang *lang = lang_by_name(lang_name);
    if (task < 0 || !lang) {
        fprintf(stderr, "skitty guard: --fence needs one of generate|complete|debug|repair and "
                        "a language (%s)\n",
                lang_names());
        return EXIT_USAGE;
    }
    char canary[GUARD_CANARY_LEN];
    if (guard_canary_new(canary) < 0) {
        fprintf(stderr, "skitty guard: no randomness for the canary\n");
        return EXIT_INCOMPLETE;
    }
    struct guard_fence_input in = {
        .task = (enum guard_task)task,
        .lang = lang,
        .prompt = task == GUARD_TASK_GENERATE ? text : NULL,
        .code = task == GUARD_TASK_GENERATE ? NULL : text,
        .error = error,
        .canary = canary,
        .datamark = datamark,
    };
    struct guard_fence f;
    struct sk_err err;
    if (guard_fence_build(&in, &f, &err) < 0) {
        fprintf(stderr, "skitty guard: %s\n", err.msg);
        return EXIT_USAGE;
    }
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:I}", "system", f.system, "user", f.user,
                          "boundary", f.boundary, "canary", canary, "defanged",
                          (json_int_t)f.defanged);
    print_json(j, compact);
    json_decref(j);
    guard_fence_close(&f);
    return 0;
}

int cmd_guard(int argc, char **argv)
{
    const char *config = NULL, *secrets = NULL, *fence = NULL, *lang = "python", *error = NULL;
    bool no_text = false, compact = false, datamark = false;
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"no-text", no_argument, NULL, 'n'},
        {"compact", no_argument, NULL, 'C'},      {"secrets", required_argument, NULL, 's'},
        {"fence", required_argument, NULL, 'f'},  {"lang", required_argument, NULL, 'l'},
        {"error", required_argument, NULL, 'e'},  {"datamark", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},         {0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'n': no_text = true; break;
        case 'C': compact = true; break;
        case 's': secrets = optarg; break;
        case 'f': fence = optarg; break;
        case 'l': lang = optarg; break;
        case 'e': error = optarg; break;
        case 'd': datamark = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_USAGE;

    /* The text: the argument itself, or standard input for '-' or none. */
    cleanup_free char *input = NULL;
    size_t len;
    const char *arg = optind < argc ? argv[optind] : "-";
    if (strcmp(arg, "-") == 0) {
        /* Read past the cap, so that the guard (not the reader) reports it. */
        size_t cap = cfg.max_prompt_bytes > cfg.max_code_bytes ? cfg.max_prompt_bytes
                                                               : cfg.max_code_bytes;
        if (cli_read_input("-", 2 * cap + 1, &input, &len) < 0)
            return EXIT_INCOMPLETE;
    } else {
        input = xstrdup(arg);
        len = strlen(arg);
    }

    if (secrets)
        return run_secrets(secrets, input, len, compact);
    if (fence)
        return run_fence(fence, lang, input, error, datamark, compact);

    struct guard *g;
    struct sk_err err;
    if (guard_new(&cfg, &g, &err) < 0) {
        fprintf(stderr, "skitty guard: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    struct guard_report r;
    int ret = guard_check(g, input, len, &r, &err);
    guard_free(g);
    if (ret < 0) {
        fprintf(stderr, "skitty guard: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    json_t *j = guard_report_to_json(&r, no_text ? 0 : GUARD_JSON_EVIDENCE | GUARD_JSON_TEXT);
    print_json(j, compact);
    json_decref(j);
    int status = r.verdict == GUARD_BLOCK ? EXIT_BLOCK : r.verdict == GUARD_FLAG ? EXIT_WARN : 0;
    guard_report_close(&r);
    return status;
}
