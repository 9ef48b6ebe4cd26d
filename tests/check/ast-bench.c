/*
 * ast-bench: the AST policy on its own, for the benchmarks (bench/detect.sh,
 * bench/ast-latency.sh) and for trying a policy by hand.
 *
 *   ast-bench [--policy DIR] [--allow CATS] --lang L FILE|-
 *       print the ast_validation section for one file as JSON
 *   ast-bench [--policy DIR] [--allow CATS] --jsonl
 *       read {"id", "lang", "code"} lines on stdin, write one line per
 *       sample: {"id", "status", "ms", "error"?, "findings": [...]}
 *   ast-bench [--policy DIR] --repeat N --lang L FILE
 *       check FILE N times after 20 warm-ups; print one line per check:
 *       total, parse, names and query milliseconds (wall clock), then the
 *       check's CPU time (steadier than the wall clock on a busy machine)
 *
 * --timeout MS sets the check's deadline (default 2000 ms).
 *
 * Exit status: 0, or 2 on bad arguments or a policy that does not load.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/util.h"
#include "check/ast.h"

#define MAX_CODE (4 * 1024 * 1024)

/* This thread's CPU time in milliseconds. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int usage(void)
{
    fprintf(stderr, "usage: ast-bench [--policy DIR] [--allow CATS] (--lang L FILE | --jsonl | "
                    "--repeat N --lang L FILE)\n");
    return 2;
}

static json_t *section_json(const struct check_section *s)
{
    return check_section_to_json(s);
}

static int one_file(struct ast_policy *p, const struct lang *lang, const char *path, int repeat)
{
    char *code = NULL;
    size_t len = 0;
    int rc = strcmp(path, "-") == 0 ? sk_read_fd(0, MAX_CODE, &code, &len)
                                    : sk_read_file(path, MAX_CODE, &code, &len);
    if (rc < 0) {
        fprintf(stderr, "ast-bench: %s: %s\n", path, strerror(-rc));
        return 2;
    }
    if (repeat > 0) {
        for (int i = 0; i < repeat + 20; i++) {
            struct check_section s;
            struct ast_phases ph;
            check_section_init(&s);
            double c0 = cpu_ms(), t0 = sk_now_ms();
            ast_policy_check_timed(p, lang, code, len, NULL, &s, &ph);
            double ms = sk_now_ms() - t0, cpu = cpu_ms() - c0;
            if (i >= 20)
                printf("%.4f %.4f %.4f %.4f %.4f\n", ms, ph.parse, ph.names, ph.query, cpu);
            check_section_close(&s);
        }
        free(code);
        return 0;
    }
    struct check_section s;
    check_section_init(&s);
    ast_policy_check(p, lang, code, len, NULL, &s);
    json_t *j = section_json(&s);
    char *out = json_dumps(j, JSON_INDENT(2));
    puts(out);
    free(out);
    json_decref(j);
    check_section_close(&s);
    free(code);
    return 0;
}

static int jsonl(struct ast_policy *p)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        json_error_t jerr;
        json_t *in = json_loadb(line, (size_t)n, 0, &jerr);
        if (!in) {
            fprintf(stderr, "ast-bench: bad input line: %s\n", jerr.text);
            continue;
        }
        json_t *id = json_object_get(in, "id");
        const char *lname = json_string_value(json_object_get(in, "lang"));
        json_t *code = json_object_get(in, "code");
        const struct lang *lang = lname ? lang_by_name(lname) : NULL;
        json_t *out = json_object();
        json_object_set(out, "id", id ? id : json_null());
        if (!lang || !json_is_string(code)) {
            json_object_set_new(out, "status", json_string("error"));
            json_object_set_new(out, "error", json_string("bad sample"));
        } else {
            struct check_section s;
            check_section_init(&s);
            double t0 = sk_now_ms();
            ast_policy_check(p, lang, json_string_value(code), json_string_length(code), NULL, &s);
            double ms = sk_now_ms() - t0;
            json_t *sec = section_json(&s);
            json_object_set(out, "status", json_object_get(sec, "status"));
            if (json_object_get(sec, "error"))
                json_object_set(out, "error", json_object_get(sec, "error"));
            json_object_set_new(out, "ms", json_real(ms));
            json_object_set(out, "findings", json_object_get(sec, "findings"));
            json_decref(sec);
            check_section_close(&s);
        }
        char *txt = json_dumps(out, JSON_COMPACT);
        puts(txt);
        free(txt);
        json_decref(out);
        json_decref(in);
    }
    free(line);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = SKITTY_DATA_DIR "/policy", *allow = NULL, *lname = NULL, *file = NULL;
    bool lines = false;
    int repeat = 0;
    unsigned timeout = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--allow") == 0 && i + 1 < argc)
            allow = argv[++i];
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lname = argv[++i];
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--jsonl") == 0)
            lines = true;
        else if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
            file = argv[i];
        else
            return usage();
    }
    struct ast_policy *p = NULL;
    struct sk_err err = {0};
    if (ast_policy_new(dir, allow, &p, &err) < 0) {
        fprintf(stderr, "ast-bench: %s\n", err.msg);
        return 2;
    }
    ast_policy_set_limits(p, 0, timeout);
    int rc;
    if (lines) {
        rc = jsonl(p);
    } else {
        const struct lang *lang = lname ? lang_by_name(lname) : NULL;
        rc = lang && file ? one_file(p, lang, file, repeat) : usage();
    }
    ast_policy_free(p);
    return rc;
}
