/*
 * Benchmark of the rule-based repairs (not a test; bench/model-repair.sh
 * runs it and writes its section of BENCHMARKS.md). Prints a markdown table
 * of medians: the repair cases of each language (typical programs), then
 * the worst inputs within the caps.
 *
 *   bench-model-repair CASES_DIR
 */
#include "config.h"

#include "model/repair.h"
#include "base/buf.h"
#include "base/util.h"
#include "bench.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 15

struct input {
    const struct lang *lang; /* not owned */
    char *code;              /* owned */
    char *error;             /* owned */
};

/* Median over ROUNDS of the time to repair every input once, per input, in ms. */
static double time_inputs(const struct input *in, size_t n, int *answered)
{
    double t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double start = sk_now_ms();
        int a = 0;
        for (size_t i = 0; i < n; i++) {
            struct repair rep;
            struct sk_err err;
            if (repair_code(in[i].lang, in[i].code, strlen(in[i].code), in[i].error,
                            strlen(in[i].error), &rep, &err) == 0) {
                repair_close(&rep);
                a++;
            }
        }
        t[r] = (sk_now_ms() - start) / (double)(n ? n : 1);
        *answered = a;
    }
    return median(t, ROUNDS);
}

static size_t load_cases(const char *root, const struct lang *lang, struct input *out, size_t max)
{
    char dir[700];
    snprintf(dir, sizeof(dir), "%s/%s", root, lang->name);
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.')
            continue;
        char path[1300];
        size_t len;
        struct input in = {.lang = lang};
        snprintf(path, sizeof(path), "%s/%s/input%s", dir, e->d_name, lang->ext);
        if (sk_read_file(path, 1 << 20, &in.code, &len) < 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s/error", dir, e->d_name);
        if (sk_read_file(path, 1 << 20, &in.error, &len) < 0) {
            free(in.code);
            continue;
        }
        out[n++] = in;
    }
    if (d)
        closedir(d);
    return n;
}

static void row(const char *what, struct input *in, size_t n)
{
    int answered = 0;
    double ms = time_inputs(in, n, &answered);
    if (ms < 1)
        printf("| %s | %.1f µs | %d of %zu |\n", what, ms * 1000, answered, n);
    else
        printf("| %s | %.1f ms | %d of %zu |\n", what, ms, answered, n);
    for (size_t i = 0; i < n; i++) {
        free(in[i].code);
        free(in[i].error);
    }
}

/* Python, `size` bytes: `names` distinct bound names, then a misspelt use. */
static struct input many_names(size_t size, int names)
{
    struct sk_buf b;
    sk_buf_init(&b, size + 4096);
    for (int i = 0; b.len < size; i++)
        (void)sk_buf_printf(&b, "value_%05d = %d\n", i % names, i);
    (void)sk_buf_printf(&b, "print(valeu_00042)\n");
    return (struct input){lang_by_name("python"), sk_buf_steal(&b),
                          xstrdup("NameError: name 'valeu_00042' is not defined")};
}

/* Python, `size` bytes of functions nested as deep as the bytes allow. */
static struct input nested_defs(size_t size)
{
    struct sk_buf b;
    sk_buf_init(&b, size + 4096);
    int depth = 0;
    while (b.len < size) {
        (void)sk_buf_printf(&b, "%*sdef level_%d(argument_%d):\n", depth, "", depth, depth);
        depth++;
    }
    (void)sk_buf_printf(&b, "%*sreturn argumnt_0\n", depth, "");
    return (struct input){lang_by_name("python"), sk_buf_steal(&b),
                          xstrdup("NameError: name 'argumnt_0' is not defined")};
}

/* JavaScript, `size` bytes: 16 nested functions, none closed. */
static struct input open_braces(size_t size)
{
    struct sk_buf b;
    sk_buf_init(&b, size + 4096);
    for (int d = 0; d < 16; d++)
        (void)sk_buf_printf(&b, "%*sfunction f%d(x) {\n", d * 2, "", d);
    for (int i = 0; b.len < size; i++)
        (void)sk_buf_printf(&b, "%*sx += %d;\n", 32, "", i);
    return (struct input){lang_by_name("javascript"), sk_buf_steal(&b),
                          xstrdup("SyntaxError: Unexpected end of input")};
}

/* Solidity, about `size` bytes: 64 unchecked sends, one finding each. */
static struct input many_findings(size_t size)
{
    struct sk_buf b, e;
    sk_buf_init(&b, size + 8192);
    sk_buf_init(&e, 64 * 1024);
    (void)sk_buf_printf(&b, "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n"
                            "contract C {\n    function f(address payable to) public {\n");
    int line = 5;
    for (int i = 0; b.len < size; i++, line++) {
        (void)sk_buf_printf(&b, "        to.send(%d);\n", i);
        if (i < 64)
            (void)sk_buf_printf(&e, "line %d: check-send-result (solidity_unchecked_call, high): "
                                    "Check result of \"send\" call\n", line);
    }
    (void)sk_buf_printf(&b, "    }\n}\n");
    return (struct input){lang_by_name("solidity"), sk_buf_steal(&b), sk_buf_steal(&e)};
}

/* An error text at its cap: tracebacks of names nothing binds. */
static struct input long_error(void)
{
    struct sk_buf e;
    sk_buf_init(&e, REPAIR_MAX_ERROR_BYTES + 4096);
    for (int i = 0; e.len < REPAIR_MAX_ERROR_BYTES; i++)
        (void)sk_buf_printf(&e, "  File \"main.py\", line %d, in <module>\n"
                                "NameError: name 'unknown_%d' is not defined\n", 1 + i % 50, i);
    struct sk_buf b;
    sk_buf_init(&b, 8192);
    for (int i = 0; i < 50; i++)
        (void)sk_buf_printf(&b, "print(%d)\n", i);
    return (struct input){lang_by_name("python"), sk_buf_steal(&b), sk_buf_steal(&e)};
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-model-repair CASES_DIR\n");
        return 64;
    }
    printf("| what | median per repair | answered |\n|---|---:|---:|\n");
    static struct input in[256];
    for (int l = 0; l < LANG_COUNT; l++) {
        const struct lang *lang = lang_get((enum lang_id)l);
        size_t n = load_cases(argv[1], lang, in, 256);
        char what[128];
        snprintf(what, sizeof(what), "%s: the repair cases (typical programs)", lang->name);
        row(what, in, n);
    }
    in[0] = many_names(128 * 1024, 4000);
    row("python, 128 KiB, 4000 names: a misspelt name searched among them", in, 1);
    in[0] = nested_defs(128 * 1024);
    row("python, 128 KiB of functions nested ~500 deep: a misspelt parameter", in, 1);
    in[0] = open_braces(128 * 1024);
    row("javascript, 128 KiB, 16 blocks left open: 16 braces placed", in, 1);
    in[0] = many_findings(128 * 1024);
    row("solidity, 128 KiB, 64 findings: 64 fixes in one answer", in, 1);
    in[0] = long_error();
    row("python, an error text at its 256 KiB cap (64 diagnostics read)", in, 1);
    in[0] = many_names(16 << 20, 4000);
    row("python, 16 MiB (the largest code cap): a misspelt name", in, 1);
    return 0;
}
