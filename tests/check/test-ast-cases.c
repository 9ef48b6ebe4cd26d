/*
 * The AST policy's rule tests, written as data: tests/check/cases/<lang>/
 * *.txt hold cases in this form (after curl's tests/data):
 *
 *     # a comment line
 *     === what the case shows
 *     --- expect: py.code-exec py.builtins-access   rules that must fire
 *     --- reject: py.code-exec                      rules that must not fire
 *     --- allow: filesystem                         categories allowed for the call
 *     --- status: error                             the section status (default ok)
 *     --- line: py.code-exec 3                      a rule must fire on that line
 *     --- noline: py.code-exec 5                    a rule must not fire on that line
 *     --- only: javascript                          skip the case for other languages
 *     the code, up to the next === or the end of the file
 *
 * TypeScript runs the JavaScript cases too (TypeScript reads JavaScript),
 * apart from those marked `--- only: javascript` (JSX, say), then its own.
 *
 * `--- expect: none` means no finding at all. Each case is one TAP line.
 * The run ends by checking coverage: every rule of every language must be
 * shown firing by at least one case and shown not firing (reject) by at
 * least one other, so a rule cannot be added without its tests.
 *
 *     test-ast-cases POLICY_DIR CASES_DIR
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "check/ast.h"
#include "tap.h"

#define MAX_WORDS 32

struct words {
    int n;
    char *w[MAX_WORDS];
};

struct tcase {
    char name[200];
    const struct lang *lang;
    struct words expect, reject, lines, nolines;
    char allow[128];
    char status[16];
    char only[32];
    char *code; /* owned */
    size_t len;
};

/* Coverage: per language and rule, seen firing / seen rejected. */
struct cover {
    bool *fired[LANG_COUNT];
    bool *rejected[LANG_COUNT];
};

static void words_parse(struct words *w, char *s)
{
    for (char *save = NULL, *t = strtok_r(s, " \t", &save); t && w->n < MAX_WORDS;
         t = strtok_r(NULL, " \t", &save))
        w->w[w->n++] = xstrdup(t);
}

static void words_free(struct words *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->w[i]);
    w->n = 0;
}

static bool has_rule(const struct check_section *s, const char *rule, int line)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].rule, rule) == 0 && (line == 0 || s->findings[i].line == line))
            return true;
    return false;
}

static int rule_index(const struct ast_policy *p, const struct lang *lang, const char *id)
{
    size_t n = ast_policy_rule_count(p, lang);
    for (size_t i = 0; i < n; i++) {
        struct ast_rule_info ri;
        ast_policy_rule_info(p, lang, i, &ri);
        if (strcmp(ri.id, id) == 0)
            return (int)i;
    }
    return -1;
}

static void run_case(const struct ast_policy *p, struct tcase *c, const char *file,
                     struct cover *cov)
{
    struct check_section s;
    check_section_init(&s);
    ast_policy_check(p, c->lang, c->code, c->len, c->allow[0] ? c->allow : NULL, &s);
    bool good = strcmp(check_status_name(s.status), c->status[0] ? c->status : "ok") == 0;
    char why[512] = "";
    if (!good)
        snprintf(why, sizeof(why), "status %s (%s)", check_status_name(s.status),
                 s.error ? s.error : "");
    for (int i = 0; i < c->expect.n; i++) {
        const char *r = c->expect.w[i];
        if (strcmp(r, "none") == 0) {
            if (s.nfindings) {
                good = false;
                snprintf(why, sizeof(why), "expected no finding, got %s", s.findings[0].rule);
            }
            continue;
        }
        int ri = rule_index(p, c->lang, r);
        if (ri < 0 && strcmp(r, AST_SYNTAX_RULE) != 0) {
            good = false;
            snprintf(why, sizeof(why), "no rule %s in the policy", r);
        } else if (!has_rule(&s, r, 0)) {
            good = false;
            snprintf(why, sizeof(why), "%s did not fire", r);
        } else if (ri >= 0) {
            cov->fired[c->lang->id][ri] = true;
        }
    }
    for (int i = 0; i < c->reject.n; i++) {
        const char *r = c->reject.w[i];
        int ri = rule_index(p, c->lang, r);
        if (ri < 0 && strcmp(r, AST_SYNTAX_RULE) != 0) {
            good = false;
            snprintf(why, sizeof(why), "no rule %s in the policy", r);
        } else if (has_rule(&s, r, 0)) {
            good = false;
            snprintf(why, sizeof(why), "%s fired", r);
        } else if (ri >= 0) {
            cov->rejected[c->lang->id][ri] = true;
        }
    }
    for (int i = 0; i + 1 < c->nolines.n; i += 2) {
        int line = atoi(c->nolines.w[i + 1]);
        if (has_rule(&s, c->nolines.w[i], line)) {
            good = false;
            snprintf(why, sizeof(why), "%s fired on line %d", c->nolines.w[i], line);
        }
    }
    for (int i = 0; i + 1 < c->lines.n; i += 2) {
        int line = atoi(c->lines.w[i + 1]);
        if (!has_rule(&s, c->lines.w[i], line)) {
            good = false;
            snprintf(why, sizeof(why), "%s did not fire on line %d", c->lines.w[i], line);
        }
    }
    ok(good, "%s: %s: %s", c->lang->name, file, c->name);
    if (!good) {
        printf("#   %s\n#   found:", why);
        for (size_t i = 0; i < s.nfindings; i++)
            printf(" %s@%d", s.findings[i].rule, s.findings[i].line);
        printf("\n");
    }
    check_section_close(&s);
}

static void case_reset(struct tcase *c, const struct lang *lang)
{
    words_free(&c->expect);
    words_free(&c->reject);
    words_free(&c->lines);
    words_free(&c->nolines);
    free(c->code);
    memset(c, 0, sizeof(*c));
    c->lang = lang;
}

static void run_file(const struct ast_policy *p, const struct lang *lang, const char *path,
                     const char *name, struct cover *cov)
{
    char *text = NULL;
    size_t len = 0;
    if (sk_read_file(path, 1 << 20, &text, &len) < 0) {
        ok(0, "read %s", path);
        return;
    }
    /* Lines before the first === are comments; after a header come its
     * --- directives, then its code up to the next header. */
    struct tcase c = {0};
    const char *at = text, *end = text + len;
    while (at < end && strncmp(at, "=== ", 4) != 0) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        at = nl ? nl + 1 : end;
    }
    while (at < end) {
        case_reset(&c, lang);
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        size_t hl = (size_t)((nl ? nl : end) - at);
        snprintf(c.name, sizeof(c.name), "%.*s", (int)(hl - 4), at + 4);
        at = nl ? nl + 1 : end;
        while (at < end && strncmp(at, "--- ", 4) == 0) {
            nl = memchr(at, '\n', (size_t)(end - at));
            char *d = xstrndup(at + 4, (size_t)((nl ? nl : end) - at - 4));
            char *val = strchr(d, ':');
            if (val) {
                *val++ = 0;
                if (strcmp(d, "expect") == 0)
                    words_parse(&c.expect, val);
                else if (strcmp(d, "reject") == 0)
                    words_parse(&c.reject, val);
                else if (strcmp(d, "line") == 0)
                    words_parse(&c.lines, val);
                else if (strcmp(d, "noline") == 0)
                    words_parse(&c.nolines, val);
                else if (strcmp(d, "allow") == 0)
                    snprintf(c.allow, sizeof(c.allow), "%s", val + strspn(val, " "));
                else if (strcmp(d, "status") == 0)
                    snprintf(c.status, sizeof(c.status), "%s", val + strspn(val, " "));
                else if (strcmp(d, "only") == 0)
                    snprintf(c.only, sizeof(c.only), "%s", val + strspn(val, " "));
                else
                    ok(0, "%s: %s: unknown directive --- %s", lang->name, name, d);
            }
            free(d);
            at = nl ? nl + 1 : end;
        }
        const char *code = at;
        while (at < end && !(strncmp(at, "=== ", 4) == 0 && (at == text || at[-1] == '\n'))) {
            nl = memchr(at, '\n', (size_t)(end - at));
            at = nl ? nl + 1 : end;
        }
        c.len = (size_t)(at - code);
        c.code = xstrndup(code, c.len);
        if (!c.only[0] || strcmp(c.only, lang->name) == 0)
            run_case(p, &c, name, cov);
    }
    case_reset(&c, lang);
    free(text);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test-ast-cases POLICY_DIR CASES_DIR\n");
        return 2;
    }
    struct ast_policy *p = NULL;
    struct sk_err err = {0};
    if (ast_policy_new(argv[1], NULL, &p, &err) < 0) {
        ok(0, "load the policy: %s", err.msg);
        return tap_done();
    }
    struct cover cov;
    for (int l = 0; l < LANG_COUNT; l++) {
        size_t n = ast_policy_rule_count(p, lang_get((enum lang_id)l));
        cov.fired[l] = xcalloc(n + 1, sizeof(bool));
        cov.rejected[l] = xcalloc(n + 1, sizeof(bool));
    }
    /* TypeScript reads JavaScript: it runs the JavaScript cases, then its own. */
    static const struct {
        enum lang_id lang;
        const char *dir;
    } runs[] = {
        {LANG_PYTHON, "python"},         {LANG_JAVASCRIPT, "javascript"},
        {LANG_TYPESCRIPT, "javascript"}, {LANG_TYPESCRIPT, "typescript"},
        {LANG_SOLIDITY, "solidity"},
    };
    for (size_t k = 0; k < ARRAY_SIZE(runs); k++) {
        const struct lang *lang = lang_get(runs[k].lang);
        char *dir = xasprintf("%s/%s", argv[2], runs[k].dir);
        DIR *d = opendir(dir);
        char *names[256];
        int nn = 0;
        struct dirent *e;
        while (d && (e = readdir(d)) && nn < 256)
            if (strlen(e->d_name) > 4 && strcmp(e->d_name + strlen(e->d_name) - 4, ".txt") == 0)
                names[nn++] = xstrdup(e->d_name);
        if (d)
            closedir(d);
        qsort(names, (size_t)nn, sizeof(*names), name_cmp);
        ok(nn > 0, "%s: case files in %s", lang->name, dir);
        for (int i = 0; i < nn; i++) {
            char *path = xasprintf("%s/%s", dir, names[i]);
            run_file(p, lang, path, names[i], &cov);
            free(path);
            free(names[i]);
        }
        free(dir);
    }
    /* Coverage: every rule shown firing and shown not firing. */
    for (int l = 0; l < LANG_COUNT; l++) {
        const struct lang *lang = lang_get((enum lang_id)l);
        size_t n = ast_policy_rule_count(p, lang);
        for (size_t i = 0; i < n; i++) {
            struct ast_rule_info ri;
            ast_policy_rule_info(p, lang, i, &ri);
            ok(cov.fired[l][i] && cov.rejected[l][i],
               "%s: rule %s has a positive and a negative case", lang->name, ri.id);
            if (!cov.fired[l][i] || !cov.rejected[l][i])
                printf("#   positive %s, negative %s\n", cov.fired[l][i] ? "yes" : "no",
                       cov.rejected[l][i] ? "yes" : "no");
        }
        free(cov.fired[l]);
        free(cov.rejected[l]);
    }
    ast_policy_free(p);
    return tap_done();
}
