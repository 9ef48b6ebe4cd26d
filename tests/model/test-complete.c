/*
 * Offline completion (src/model/complete.c), driven by data and checked by
 * the languages' own parsers.
 *
 *   test-complete CASES_DIR
 *
 * CASES_DIR/<language>/<name><ext> are code prefixes whose first line says
 * what must happen, in the language's comment syntax:
 *
 *     # expect: fill <task-id>   a body is filled from that catalogue task
 *     # expect: close            nothing filled; only text appended
 *     # expect: none             -ENOENT: nothing to close, nothing to fill
 *     # output: <text>           (optional, second line) what the completed
 *                                program prints when run
 *
 * Every completed program must then parse: Python with compile(), JavaScript
 * with V8, TypeScript with esbuild, Solidity with solc-js (a filled contract
 * must compile). Closing must keep the prefix as it is and be idempotent.
 * Fill cases with an output line are run and their output compared.
 *
 * The second half needs no tool: closing random token soup in every language
 * must never crash, lose the prefix, or take unbounded work, and the caps
 * must hold.
 */
#include "config.h"

#include "model/catalog.h"
#include "model/complete.h"
#include "base/util.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum expect { EXPECT_FILL, EXPECT_CLOSE, EXPECT_NONE };

struct ccase {
    const struct lang *lang;       /* not owned */
    char name[128];                /* the case file's name */
    char out[700];                 /* where the completed code was written; "" if none */
    enum expect expect;            /* what must happen */
    char task[CATALOG_MAX_ID + 1]; /* EXPECT_FILL: the task */
    char output[256];              /* expected stdout, "" when not run */
};

#define MAX_CASES 256
static struct ccase cases[MAX_CASES];
static size_t ncases;
static char tmpdir[] = "/tmp/skitty-complete-XXXXXX";

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read "<comment> key: value" from the start of `line` into value. */
static bool header(const char *line, const struct lang *lang, const char *key, char *value,
                   size_t size)
{
    char want[64];
    snprintf(want, sizeof(want), "%s %s: ", lang->line_comment, key);
    if (strncmp(line, want, strlen(want)) != 0)
        return false;
    const char *v = line + strlen(want);
    size_t n = strcspn(v, "\n");
    snprintf(value, size, "%.*s", (int)n, v);
    return true;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "we");
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static void run_case(const struct catalog *cat, const struct lang *lang, const char *dir,
                     const char *name)
{
    if (ncases >= MAX_CASES)
        return;
    struct ccase *c = &cases[ncases++];
    memset(c, 0, sizeof(*c));
    c->lang = lang;
    snprintf(c->name, sizeof(c->name), "%s/%s", lang->name, name);
    cleanup_free char *path = xasprintf("%s/%s", dir, name);
    char *code = NULL;
    size_t len = 0;
    if (sk_read_file(path, 1 << 20, &code, &len) < 0) {
        ok(0, "%s: readable", c->name);
        return;
    }
    char expect[128] = "";
    if (!header(code, lang, "expect", expect, sizeof(expect))) {
        ok(0, "%s: first line is '%s expect: ...'", c->name, lang->line_comment);
        free(code);
        return;
    }
    const char *second = strchr(code, '\n');
    if (second)
        header(second + 1, lang, "output", c->output, sizeof(c->output));
    if (!strncmp(expect, "fill ", 5)) {
        c->expect = EXPECT_FILL;
        snprintf(c->task, sizeof(c->task), "%.*s", CATALOG_MAX_ID, expect + 5);
    } else if (!strcmp(expect, "close")) {
        c->expect = EXPECT_CLOSE;
    } else {
        c->expect = EXPECT_NONE;
    }

    struct completion out;
    struct sk_err err;
    int ret = complete_code(cat, lang, code, len, &out, &err);
    if (c->expect == EXPECT_NONE) {
        is_int(ret, -ENOENT, "%s: nothing to complete gives -ENOENT", c->name);
        if (ret == -ENOENT)
            ok(strstr(err.msg, "model.provider = openai") != NULL,
               "%s: the message says how to configure a model", c->name);
        if (ret == 0)
            completion_close(&out);
        free(code);
        return;
    }
    if (!ok(ret == 0, "%s: completes", c->name)) {
        printf("#   %s\n", err.msg);
        free(code);
        return;
    }
    if (c->expect == EXPECT_FILL) {
        ok(out.filled >= 1 && out.task && !strcmp(out.task->id, c->task),
           "%s: body filled from %s (got %d, from %s)", c->name, c->task, out.filled,
           out.task ? out.task->id : "nothing");
    } else {
        is_int(out.filled, 0, "%s: nothing filled", c->name);
        size_t kept = len;
        while (kept > 0 && strchr(" \t\r\n", code[kept - 1]))
            kept--;
        ok(out.len > kept && !memcmp(out.code, code, kept),
           "%s: the prefix is kept as it is (up to trailing whitespace)", c->name);
        /* Closing what was closed adds nothing. */
        char *again = NULL;
        size_t again_len = 0;
        struct complete_stats st;
        if (complete_close(lang, out.code, out.len, &again, &again_len, &st, &err) == 0) {
            ok(again_len == out.len, "%s: closing is idempotent", c->name);
            free(again);
        }
    }
    snprintf(c->out, sizeof(c->out), "%s/%s-%s", tmpdir, lang->name, name);
    write_file(c->out, out.code, out.len);
    completion_close(&out);
    free(code);
}

/* Run `cmd`, capturing at most size-1 bytes of stdout. Returns its exit status. */
static int capture(const char *cmd, char *buf, size_t size)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(buf, 1, size - 1, p);
    buf[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Check that the completed files of one language parse, with one external
 * process, and print one TAP line per file. */
static void syntax_check(const struct lang *lang, bool full)
{
    char cmd[32768];
    size_t n;
    if (lang->id == LANG_PYTHON)
        n = (size_t)snprintf(cmd, sizeof(cmd),
                             "/usr/bin/python3 -I -c 'import sys\n"
                             "for f in sys.argv[1:]:\n"
                             "    try:\n"
                             "        compile(open(f).read(), f, \"exec\"); print(\"ok\", f)\n"
                             "    except SyntaxError as e:\n"
                             "        print(\"fail\", f + \":\", e)'");
    else
        n = (size_t)snprintf(
            cmd, sizeof(cmd), "node '%s/tests/model/syntax-check.js' %s", SKITTY_DATA_DIR,
            lang->id == LANG_SOLIDITY ? (full ? "solidity-full" : "solidity") : lang->name);
    int files = 0;
    for (size_t i = 0; i < ncases && n < sizeof(cmd) - 800; i++) {
        const struct ccase *c = &cases[i];
        if (c->lang != lang || !c->out[0])
            continue;
        if (lang->id == LANG_SOLIDITY && full != (c->expect == EXPECT_FILL))
            continue;
        n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " '%s'", c->out);
        files++;
    }
    if (!files)
        return;
    static char out[1 << 16];
    capture(cmd, out, sizeof(out));
    for (size_t i = 0; i < ncases; i++) {
        const struct ccase *c = &cases[i];
        if (c->lang != lang || !c->out[0])
            continue;
        if (lang->id == LANG_SOLIDITY && full != (c->expect == EXPECT_FILL))
            continue;
        char want[800];
        snprintf(want, sizeof(want), "ok %s\n", c->out);
        bool good = strstr(out, want) != NULL;
        ok(good, "%s: the completed code %s", c->name,
           lang->id == LANG_SOLIDITY && full ? "compiles" : "parses");
        if (!good) {
            char *line = strstr(out, c->out);
            printf("#   %.*s\n", line ? (int)strcspn(line, "\n") : 20, line ? line : "(no result)");
        }
    }
}

static void run_outputs(void)
{
    for (size_t i = 0; i < ncases; i++) {
        const struct ccase *c = &cases[i];
        if (!c->out[0] || !c->output[0])
            continue;
        char cmd[2048];
        switch (c->lang->id) {
        case LANG_PYTHON:
            snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -I '%s' 2>&1", c->out);
            break;
        case LANG_JAVASCRIPT:
            snprintf(cmd, sizeof(cmd), "node '%s' 2>&1", c->out);
            break;
        case LANG_TYPESCRIPT:
            snprintf(cmd, sizeof(cmd),
                     "'%s/node_modules/.bin/esbuild' '%s' --log-level=error | node 2>&1",
                     SKITTY_DATA_DIR, c->out);
            break;
        default:
            continue;
        }
        char out[4096];
        int st = capture(cmd, out, sizeof(out));
        out[strcspn(out, "\n")] = '\0';
        ok(st == 0 && !strcmp(out, c->output), "%s: the completed program prints '%s' (got '%s')",
           c->name, c->output, out);
    }
}

/* ------------------------------------------------------------------------ */
/* Robustness: no tools needed                                              */
/* ------------------------------------------------------------------------ */

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned next_rand(unsigned n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng >> 33) % n);
}

static void fuzz_close(const struct catalog *cat)
{
    // clang-format off
    static const char *const soup[] = {
        "(", ")", "[", "]", "{", "}", "\"", "'", "`", "${", "/", "/*", "*/", "//", "#", "\n",
        "\n    ", "    ", ":", ";", ",", "=", "+", "=>", "def ", "class ", "function ", "if ",
        "else", "try", "return ", "x", "1", "\\", "'''", "contract ", "lambda", ".", "?", "<",
        ">", "pass", "reverse_string", "fibonacci(n)", "except", "finally", "case ", "enum ",
        "interface ", "const f = ", "async ", "\t", "r\"", "f'", "\xe2\x82\xac", "..."};
    // clang-format on
    int bad_prefix = 0, bad_ret = 0, runs = 0;
    for (int li = 0; li < LANG_COUNT; li++) {
        const struct lang *lang = lang_get((enum lang_id)li);
        for (int iter = 0; iter < 1500; iter++) {
            char code[2048];
            size_t len = 0;
            unsigned ntok = 1 + next_rand(60);
            for (unsigned k = 0; k < ntok; k++) {
                const char *t = soup[next_rand(ARRAY_SIZE(soup))];
                size_t tl = strlen(t);
                if (len + tl >= sizeof(code))
                    break;
                memcpy(code + len, t, tl);
                len += tl;
            }
            code[len] = '\0';
            char *out = NULL;
            size_t out_len = 0;
            struct complete_stats st;
            struct sk_err err;
            int ret = complete_close(lang, code, len, &out, &out_len, &st, &err);
            runs++;
            if (ret != 0) {
                bad_ret++;
                continue;
            }
            size_t kept = len;
            while (kept > 0 && strchr(" \t\r\n", code[kept - 1]))
                kept--;
            if (out_len < kept || memcmp(out, code, kept) != 0)
                bad_prefix++;
            free(out);
            struct completion c;
            ret = complete_code(cat, lang, code, len, &c, &err);
            if (ret == 0)
                completion_close(&c);
            else if (ret != -ENOENT)
                bad_ret++;
        }
    }
    is_int(bad_ret, 0, "closing %d random token soups never fails", runs);
    is_int(bad_prefix, 0, "closing random token soup always keeps the prefix");
}

static void caps(const struct catalog *cat)
{
    const struct lang *py = lang_by_name("python"), *js = lang_by_name("javascript");
    struct sk_err err;
    char *out = NULL;
    size_t out_len = 0;
    struct complete_stats st;

    char *deep = xmalloc(LEX_MAX_DEPTH + 64);
    memset(deep, '(', LEX_MAX_DEPTH + 50);
    is_int(complete_close(py, deep, LEX_MAX_DEPTH + 50, &out, &out_len, &st, &err), -E2BIG,
           "nesting past %d brackets is refused: %s", LEX_MAX_DEPTH, err.msg);
    int ret = complete_close(py, deep, 200, &out, &out_len, &st, &err);
    ok(ret == 0 && out_len == 401 && out[399] == ')' && st.brackets == 200,
       "200 open brackets are all closed");
    if (ret == 0)
        free(out);
    free(deep);

    /* Many headers with no body: the header scan is bounded per header. */
    size_t big = 128 * 1024;
    char *many = xmalloc(big + 1);
    for (size_t i = 0; i < big; i++)
        many[i] = "function f() "[i % 13];
    many[big] = '\0';
    struct completion c;
    ret = complete_code(cat, js, many, big, &c, &err);
    ok(ret == 0 || ret == -ENOENT, "128 KiB of bodiless function headers completes");
    if (ret == 0)
        completion_close(&c);

    /* A very long line of indentation, then an open bracket. */
    memset(many, ' ', big);
    many[big - 1] = '(';
    ret = complete_close(py, many, big, &out, &out_len, &st, &err);
    ok(ret == 0 && out_len == big + 2 && out[big] == ')',
       "128 KiB of spaces then '(' closes with one ')'");
    if (ret == 0)
        free(out);
    free(many);

    ret = complete_code(cat, py, "", 0, &c, &err);
    is_int(ret, -ENOENT, "empty code: nothing to complete");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test-complete CASES_DIR\n");
        return 2;
    }
    struct sk_err err;
    struct catalog *cat = NULL;
    if (catalog_load(SKITTY_DATA_DIR "/data/catalog", &cat, &err) < 0) {
        ok(0, "catalogue loads: %s", err.msg);
        return tap_done();
    }
    if (!mkdtemp(tmpdir)) {
        ok(0, "mkdtemp");
        return tap_done();
    }
    bool tools = access("/usr/bin/python3", X_OK) == 0 &&
                 system("node --version >/dev/null 2>&1") == 0 &&
                 access(SKITTY_DATA_DIR "/node_modules/solc", F_OK) == 0 &&
                 access(SKITTY_DATA_DIR "/node_modules/.bin/esbuild", X_OK) == 0;

    for (int li = 0; li < LANG_COUNT; li++) {
        const struct lang *lang = lang_get((enum lang_id)li);
        char dir[1024];
        snprintf(dir, sizeof(dir), "%s/%s", argv[1], lang->name);
        DIR *d = opendir(dir);
        if (!d) {
            ok(0, "cases for %s in %s", lang->name, dir);
            continue;
        }
        char *names[MAX_CASES];
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < MAX_CASES)
            if (e->d_name[0] != '.')
                names[n++] = xstrdup(e->d_name);
        closedir(d);
        qsort(names, n, sizeof(*names), cmp_name);
        for (size_t i = 0; i < n; i++) {
            run_case(cat, lang, dir, names[i]);
            free(names[i]);
        }
        int fills = 0, closes = 0;
        for (size_t i = 0; i < ncases; i++)
            if (cases[i].lang == lang)
                cases[i].expect == EXPECT_FILL    ? fills++
                : cases[i].expect == EXPECT_CLOSE ? closes++
                                                  : 0;
        ok(fills >= 2 && closes >= 5, "%s: at least 2 fill and 5 close cases (%d, %d)", lang->name,
           fills, closes);
    }

    if (tools) {
        for (int li = 0; li < LANG_COUNT; li++) {
            syntax_check(lang_get((enum lang_id)li), false);
            if (li == LANG_SOLIDITY)
                syntax_check(lang_get((enum lang_id)li), true);
        }
        run_outputs();
    } else {
        printf("# parse and run checks skipped: needs /usr/bin/python3, node and node_modules\n");
    }

    fuzz_close(cat);
    caps(cat);

    for (size_t i = 0; i < ncases; i++)
        if (cases[i].out[0])
            unlink(cases[i].out);
    rmdir(tmpdir);
    catalog_free(cat);
    return tap_done();
}
