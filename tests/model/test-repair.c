/*
 * The builtin provider's rule-based repairs (src/model/repair.c), driven by
 * data: the broken input, the repair, and that it is exactly the intended
 * change.
 *
 *   test-repair CASES_DIR
 *   test-repair show LANG CODE_FILE ERROR_FILE   (prints one repair; not a test)
 *
 * CASES_DIR/<language>/<case>/ holds:
 *   input<ext>   the broken program
 *   error        what the model is given: an error text (MODEL_DEBUG) or
 *                findings, one per line (MODEL_REPAIR)
 *   fixed<ext>   the exact expected answer; absent when no rule may fire
 *                (the answer must then be -ENOENT)
 *   case         "key: value" lines; `rules:` names the rules the
 *                explanation must name (the black-box test reads the rest)
 *
 * Then the engine's own properties: the edit distance, the name search's
 * bounds, a fix that is the same from two tools applied once, the caps,
 * and random token soup in every language never crashing or growing
 * without bound.
 */
#include "config.h"

#include "model/repair.h"
#include "base/util.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *slurp(const char *path)
{
    char *s = NULL;
    size_t n;
    if (sk_read_file(path, 4 << 20, &s, &n) < 0)
        return NULL;
    return s;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The value of `key:` in a case file, into buf ("" if none). */
static void case_key(const char *text, const char *key, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
            const char *v = p + kl + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, size, "%.*s", (int)strcspn(v, "\n"), v);
            return;
        }
    }
}

static void run_case(const struct lang *lang, const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/input%s", dir, lang->ext);
    cleanup_free char *input = slurp(path);
    snprintf(path, sizeof(path), "%s/error", dir);
    cleanup_free char *error = slurp(path);
    snprintf(path, sizeof(path), "%s/case", dir);
    cleanup_free char *meta = slurp(path);
    snprintf(path, sizeof(path), "%s/fixed%s", dir, lang->ext);
    cleanup_free char *fixed = slurp(path);
    if (!ok(input && error && meta, "%s/%s: the case has input, error and case files",
            lang->name, name))
        return;
    struct repair r;
    struct sk_err err;
    int ret = repair_code(lang, input, strlen(input), error, strlen(error), &r, &err);
    if (!fixed) {
        if (!ok(ret == -ENOENT, "%s/%s: no rule fires", lang->name, name) && ret == 0) {
            printf("# unexpected answer:\n%s\n# %s\n", r.code, r.explanation);
            repair_close(&r);
        }
        return;
    }
    if (!ok(ret == 0, "%s/%s: repaired", lang->name, name)) {
        printf("# %s\n", err.msg);
        return;
    }
    is_str(r.code, fixed, "%s/%s: exactly the intended change", lang->name, name);
    char rules[256];
    case_key(meta, "rules", rules, sizeof(rules));
    bool named = rules[0] != '\0';
    for (char *save = NULL, *rule = strtok_r(rules, " ,", &save); rule;
         rule = strtok_r(NULL, " ,", &save)) {
        char want[96];
        snprintf(want, sizeof(want), "(%s)", rule);
        named &= strstr(r.explanation, want) != NULL;
    }
    if (!ok(named, "%s/%s: the explanation names the rules and their lines", lang->name, name))
        printf("# %s\n", r.explanation);
    ok(strstr(r.explanation, "- line ") != NULL, "%s/%s: the explanation gives lines", lang->name,
       name);
    repair_close(&r);
}

static void run_cases(const char *root)
{
    for (int li = 0; li < LANG_COUNT; li++) {
        const struct lang *lang = lang_get((enum lang_id)li);
        char dir[700];
        snprintf(dir, sizeof(dir), "%s/%s", root, lang->name);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        char *names[512];
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < ARRAY_SIZE(names))
            if (e->d_name[0] != '.')
                names[n++] = xstrdup(e->d_name);
        closedir(d);
        qsort(names, n, sizeof(*names), cmp_name);
        for (size_t i = 0; i < n; i++) {
            char cdir[1024];
            snprintf(cdir, sizeof(cdir), "%s/%s", dir, names[i]);
            run_case(lang, cdir, names[i]);
            free(names[i]);
        }
    }
}

/* ------------------------------------------------------------ the engine */

/* The full optimal-string-alignment table, for comparison. */
static int osa(const char *a, int la, const char *b, int lb)
{
    int d[70][70];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int v = d[i - 1][j] + 1, w = d[i][j - 1] + 1, x = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            v = v < w ? v : w;
            v = v < x ? v : x;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

static void test_distance(void)
{
    /* The banded computation agrees with the full table on random pairs. */
    unsigned seed = 7;
    int agree = 1;
    for (int k = 0; k < 20000 && agree; k++) {
        char a[64], b[64];
        int la = (int)(rand_r(&seed) % 13), lb = (int)(rand_r(&seed) % 13);
        for (int i = 0; i < la; i++)
            a[i] = "abcd"[rand_r(&seed) % 4];
        for (int i = 0; i < lb; i++)
            b[i] = "abcd"[rand_r(&seed) % 4];
        int max = (int)(rand_r(&seed) % 5);
        int want = osa(a, la, b, lb);
        int got = repair_distance(a, (size_t)la, b, (size_t)lb, max);
        agree = want > max ? got == max + 1 : got == want;
        if (!agree)
            printf("# %.*s / %.*s max %d: got %d, want %d\n", la, a, lb, b, max, got, want);
    }
    ok(agree, "the banded edit distance agrees with the full table (20000 random pairs)");

    is_int(repair_distance("lenght", 6, "length", 6, 3), 1, "a transposition costs 1");
    is_int(repair_distance("totl", 4, "total", 5, 3), 1, "an insertion costs 1");
    is_int(repair_distance("kitten", 6, "sitting", 7, 5), 3, "kitten -> sitting is 3");
    is_int(repair_distance("abc", 3, "abc", 3, 2), 0, "equal strings are 0 apart");
    is_int(repair_distance("abcdef", 6, "uvwxyz", 6, 2), 3, "past the bound: bound + 1");
    char big[100];
    memset(big, 'a', sizeof(big));
    is_int(repair_distance(big, sizeof(big), big, sizeof(big), 2), 3,
           "names longer than 64 bytes are never compared");
}

static int repair(const char *lang, const char *code, const char *error, struct repair *r)
{
    struct sk_err err;
    return repair_code(lang_by_name(lang), code, strlen(code), error, strlen(error), r, &err);
}

static void test_engine(void)
{
    struct repair r;
    /* The same finding from two tools: one edit, one explanation line. */
    const char *code = "import yaml\nprint(yaml.load(\"a: 1\"))\n";
    int ret = repair("python", code,
                     "line 2: B506 (deserialization, high): Use of unsafe yaml load.\n"
                     "line 2: py.yaml-load (deserialization, high): yaml.load without a safe "
                     "loader\n",
                     &r);
    ok(ret == 0 && r.fixes == 1 && strstr(r.code, "yaml.safe_load(\"a: 1\")") &&
           !strstr(r.code, "safe_safe"),
       "one finding from two tools is one fix");
    if (ret == 0)
        repair_close(&r);

    /* Several rules in one answer. */
    code = "import yaml, requests\n"
           "data = yaml.load(\"a: 1\")\n"
           "r = requests.get(\"https://x\", verify=False)\n"
           "print(eval(\"[1, 2]\"))\n";
    ret = repair("python", code,
                 "line 2: B506 (deserialization, high): yaml\n"
                 "line 3: B501 (network, high): verify\n"
                 "line 4: B307 (code_injection, high): eval\n",
                 &r);
    ok(ret == 0 && r.fixes == 3 && strstr(r.code, "yaml.safe_load(") &&
           !strstr(r.code, "verify") && strstr(r.code, "ast.literal_eval(\"[1, 2]\")") &&
           strstr(r.code, "import ast\n"),
       "three findings on three lines: three fixes in one answer");
    if (ret == 0)
        repair_close(&r);

    /* Nothing readable: -ENOENT with a message saying so. */
    struct sk_err err;
    ret = repair_code(lang_by_name("python"), "x = 1\n", 6, "it does not work", 16, &r, &err);
    ok(ret == -ENOENT && strstr(err.msg, "no error or finding"), "prose alone: -ENOENT");
    ret = repair_code(lang_by_name("python"), "x = 1\n", 6, NULL, 0, &r, &err);
    ok(ret == -ENOENT, "no error text: -ENOENT");
    ret = repair("python", "x = 1\n", "line 1: B999 (other, low): something\n", &r);
    ok(ret == -ENOENT, "a finding no rule knows: -ENOENT");

    /* A huge error text is read up to its cap, quickly and without harm. */
    size_t n = 8u << 20;
    char *big = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = "NameError: name 'x' is not defined\n"[i % 35];
    big[n] = '\0';
    ret = repair_code(lang_by_name("python"), "print(y)\n", 9, big, n, &r, &err);
    ok(ret == -ENOENT, "an 8 MiB error text is read up to its cap");
    free(big);

    /* Nesting past the tokenizer's limit is refused, not crashed on. */
    char deep[2048];
    memset(deep, '(', 1000);
    deep[1000] = '\0';
    ret = repair_code(lang_by_name("python"), deep, 1000, "SyntaxError: '(' was never closed", 33,
                      &r, &err);
    ok(ret == -E2BIG, "nesting past the tokenizer's limit: -E2BIG");
}

/* Random token soup with random errors, in every language: never a crash,
 * never an answer that lost its way (every answer is bounded). */
static void test_soup(void)
{
    static const char *const bits[] = {
        "(", ")", "[", "]", "{", "}", "\"", "'", "`", ":", ";", ",", ".", "=", "\n", "\n    ",
        "\n\t", " ", "def ", "if ", "for ", "x", "lenght", "length", "yaml.load(", "eval(",
        "subprocess.run(", "shell=True", "verify=False", "tx.origin", ".send(", ".call{value: 1}(",
        "innerHTML = ", "#", "//", "/*", "*/", "${", "\\", "return ", "import ", "function ",
        "balances[msg.sender] = 0;", "require(", "0", "1.5"};
    static const char *const errors[] = {
        "SyntaxError: expected ':'", "SyntaxError: '(' was never closed",
        "SyntaxError: unterminated string literal (detected at line 1)",
        "IndentationError: expected an indented block after 'if' statement on line 1",
        "IndentationError: unexpected indent",
        "IndentationError: unindent does not match any outer indentation level",
        "NameError: name 'lenght' is not defined", "ReferenceError: lenght is not defined",
        "SyntaxError: Unexpected end of input", "ParserError: Expected ';' but got '}'",
        "Warning: SPDX license identifier not provided"};
    static const char *const findings[] = {"B506", "B602", "B307", "B501", "no-unsanitized/property",
                                           "sol.tx-origin", "sol.unchecked-call", "sol.reentrancy",
                                           "sol.unchecked-call-result"};
    unsigned seed = 12345;
    int answered = 0, bounded = 1;
    for (int round = 0; round < 4000; round++) {
        char code[4096] = "";
        size_t len = 0;
        int ntok = (int)(rand_r(&seed) % 120);
        for (int i = 0; i < ntok; i++) {
            const char *b = bits[rand_r(&seed) % ARRAY_SIZE(bits)];
            size_t bl = strlen(b);
            if (len + bl >= sizeof(code))
                break;
            memcpy(code + len, b, bl);
            len += bl;
        }
        code[len] = '\0';
        int line = 1 + (int)(rand_r(&seed) % 8);
        char error[512];
        if (rand_r(&seed) % 2)
            snprintf(error, sizeof(error), "  File \"main.py\", line %d\n%s\n --> main.sol:%d:1:\n",
                     line, errors[rand_r(&seed) % ARRAY_SIZE(errors)], line);
        else
            snprintf(error, sizeof(error), "line %d: %s (other, high): m\n", line,
                     findings[rand_r(&seed) % ARRAY_SIZE(findings)]);
        const struct lang *lang = lang_get((enum lang_id)(round % LANG_COUNT));
        struct repair r;
        struct sk_err err;
        if (repair_code(lang, code, len, error, strlen(error), &r, &err) == 0) {
            answered++;
            bounded &= r.len <= len + REPAIR_MAX_ADDED_BYTES && r.fixes > 0 && r.explanation;
            repair_close(&r);
        }
    }
    ok(bounded, "token soup: every answer is bounded and explained (%d answers in 4000)", answered);
}

static int show(int argc, char **argv)
{
    if (argc != 5)
        return 64;
    const struct lang *lang = lang_by_name(argv[2]);
    cleanup_free char *code = slurp(argv[3]);
    cleanup_free char *error = slurp(argv[4]);
    if (!lang || !code || !error)
        return 64;
    struct repair r;
    struct sk_err err;
    if (repair_code(lang, code, strlen(code), error, strlen(error), &r, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    printf("%s", r.code);
    fprintf(stderr, "%s\n", r.explanation);
    repair_close(&r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "show") == 0)
        return show(argc, argv);
    if (argc != 2) {
        fprintf(stderr, "usage: test-repair CASES_DIR\n");
        return 64;
    }
    test_distance();
    test_engine();
    test_soup();
    run_cases(argv[1]);
    return tap_done();
}
