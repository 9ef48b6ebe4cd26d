/*
 * The AST policy's interface: policy files that must not load, allowed
 * categories, the caps on size, time and nesting (fail closed), the
 * finding fields, thread safety. The rules themselves are tested by
 * test-ast-cases with the data in cases/.
 *
 *     test-ast POLICY_DIR NODE_MODULES_DIR
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "check/ast.h"
#include "tap.h"

static const char *policy_dir;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static const char minimal_rule[] = ";; @rule x.y\n;; @category other\n;; @severity low\n"
                                   ";; @message m\n;; @check trojan-source\n";

/* A policy directory whose python.scm is `python` (the others minimal). */
static char *policy_with(const char *python, const char *extra_name, const char *extra)
{
    char tmpl[] = "/tmp/skitty-ast-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        abort();
    const char *files[] = {"python.scm", "javascript.scm", "typescript.scm", "solidity.scm"};
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        char *path = xasprintf("%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        fputs(i == 0 ? python : minimal_rule, f);
        fclose(f);
        free(path);
    }
    if (extra_name) {
        char *path = xasprintf("%s/%s", dir, extra_name);
        FILE *f = fopen(path, "w");
        fputs(extra, f);
        fclose(f);
        free(path);
    }
    return xstrdup(dir);
}

static void rmdir_all(char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove a temporary directory");
    free(cmd);
    free(dir);
}

/* Load a policy whose python.scm is `text`; 0 or the error (message in err). */
static int try_load(const char *text, struct sk_err *err)
{
    char *dir = policy_with(text, NULL, NULL);
    struct ast_policy *p = NULL;
    int rc = ast_policy_new(dir, NULL, &p, err);
    ast_policy_free(p);
    rmdir_all(dir);
    return rc;
}

static void check(const struct ast_policy *p, enum lang_id id, const char *code, size_t len,
                  const char *allow, struct check_section *s)
{
    check_section_init(s);
    ast_policy_check(p, lang_get(id), code, len, allow, s);
}

static const struct finding *find(const struct check_section *s, const char *rule)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].rule, rule) == 0)
            return &s->findings[i];
    return NULL;
}

/* ---------------------------------------------------------------------- */

static void test_bad_policies(void)
{
    static const struct {
        const char *text;
        const char *want; /* a piece of the error message */
    } bad[] = {
        {";; @rule a.b\n;; @category nope\n", "unknown category 'nope'"},
        {";; @rule a.b\n;; @category syntax\n", "syntax category is built in"},
        {";; @rule a.b\n;; @category other\n;; @severity huge\n", "severity must be"},
        {";; @rule A B\n", "bad rule id"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n", "no query, @names"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n(call) @hit\n"
         ";; @rule a.b\n",
         "defined twice"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n;; @frobnicate 1\n",
         "unknown directive @frobnicate"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n(call\n",
         "python.scm:5: rule a.b: query error"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n\n(no_such_node) "
         "@hit\n",
         "python.scm:6: rule a.b: query error (unknown node type)"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n(call) @x\n",
         "no @hit capture"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n"
         "((call) @hit (#frob? @hit \"x\"))\n",
         "unknown predicate #frob?"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n"
         "((call) @hit (#match? @hit \"(\"))\n",
         "bad regular expression"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n;; @names a*b\n",
         "bad name pattern 'a*b'"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n;; @check "
         "reentrancy\n",
         "not available for python"},
        {";; @rule a.b\n;; @category other\n;; @severity low\n;; @message m\n;; @check nope\n",
         "unknown check 'nope'"},
        {"(call) @hit\n", "text outside a rule"},
        {";; @include ../etc/passwd\n", "@include takes a file name"},
        {";; @include python.scm\n", "nested more than"},
        {";; @include missing.scm\n", "missing.scm"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct sk_err err = {0};
        int rc = try_load(bad[i].text, &err);
        ok(rc < 0 && strstr(err.msg, bad[i].want), "bad policy %zu refused: %s", i, bad[i].want);
        if (!(rc < 0 && strstr(err.msg, bad[i].want)))
            printf("#   got rc %d: %s\n", rc, err.msg);
    }
    struct sk_err err = {0};
    ok(try_load(minimal_rule, &err) == 0, "a minimal policy loads (%s)", err.msg);

    /* @lang drops a rule for the other languages; @include reads a file. */
    char *dir = policy_with(";; @include shared.scm\n", "shared.scm",
                            ";; @rule s.py\n;; @category other\n;; @severity low\n;; @message m\n"
                            ";; @lang python\n;; @names foo\n"
                            ";; @rule s.js\n;; @category other\n;; @severity low\n;; @message m\n"
                            ";; @lang javascript\n;; @names foo\n");
    struct ast_policy *p = NULL;
    int rc = ast_policy_new(dir, NULL, &p, &err);
    ok(rc == 0, "@include and @lang load (%s)", err.msg);
    if (rc == 0) {
        is_int(ast_policy_rule_count(p, lang_get(LANG_PYTHON)), 1, "@lang keeps one rule");
        struct ast_rule_info ri;
        ast_policy_rule_info(p, lang_get(LANG_PYTHON), 0, &ri);
        is_str(ri.id, "s.py", "the python rule is the one kept");
        ok(ast_policy_rule_info(p, lang_get(LANG_PYTHON), 1, &ri) == -ENOENT, "past the end");
    }
    ast_policy_free(p);
    rmdir_all(dir);

    p = NULL;
    ok(ast_policy_new("/nonexistent", NULL, &p, &err) < 0 && strstr(err.msg, "/nonexistent"),
       "a missing policy directory is an error naming it");
}

static void test_allow(void)
{
    struct sk_err err = {0};
    struct ast_policy *p = NULL;
    ok(ast_policy_new(policy_dir, "filesystem, nope", &p, &err) < 0 &&
           strstr(err.msg, "unknown category 'nope'"),
       "an unknown allowed category is refused");
    ok(ast_policy_new(policy_dir, "syntax", &p, &err) < 0, "syntax cannot be allowed");
    ok(ast_policy_new(policy_dir, "filesystem,solidity_*", &p, &err) == 0,
       "filesystem and solidity_* allowed (%s)", err.msg);
    const char code[] = "data = open('x').read()\nimport os\nos.system('id')\n";
    struct check_section s;
    check(p, LANG_PYTHON, code, strlen(code), NULL, &s);
    ok(!find(&s, "py.filesystem") && find(&s, "py.shell-command"),
       "allowed filesystem is silent, process is not");
    check_section_close(&s);
    const char sol[] = "contract C { function f() public { assembly { } } }";
    check(p, LANG_SOLIDITY, sol, strlen(sol), NULL, &s);
    ok(!find(&s, "sol.inline-assembly"), "solidity_* allows solidity_assembly");
    check_section_close(&s);
    ast_policy_free(p);

    ok(ast_policy_new(policy_dir, NULL, &p, &err) == 0, "default policy loads");
    check(p, LANG_PYTHON, code, strlen(code), "network", &s);
    ok(find(&s, "py.filesystem") != NULL, "filesystem blocked by default");
    check_section_close(&s);
    check(p, LANG_PYTHON, code, strlen(code), "filesystem", &s);
    ok(!find(&s, "py.filesystem"), "filesystem allowed for one call");
    check_section_close(&s);
    check(p, LANG_PYTHON, code, strlen(code), "bogus,,syntax", &s);
    ok(find(&s, "py.filesystem") && s.status == CHECK_OK,
       "unknown per-call categories allow nothing");
    check_section_close(&s);
    ast_policy_free(p);
}

static void test_section(const struct ast_policy *p)
{
    struct check_section s;
    /* Columns count code points: the é before eval is one column. */
    const char code[] = "x = 'é'; eval(x)\n";
    check(p, LANG_PYTHON, code, strlen(code), NULL, &s);
    const struct finding *f = find(&s, "py.code-exec");
    is_int(s.status, CHECK_OK, "status ok");
    ok(f && f->line == 1 && f->column == 10, "eval at 1:10 (code points)");
    if (f) {
        is_str(f->tool, "ast-policy", "tool");
        is_str(f->category, "code_injection", "category");
        is_str(f->cwe, "CWE-95", "cwe");
        ok(f->severity == SEV_CRITICAL, "severity critical");
        is_str(f->message, "eval runs a string as Python code", "message with {} filled");
    }
    is_int(s.ntools, 1, "one tool entry");
    is_str(s.tools[0].name, "tree-sitter", "tool name");
    ok(s.tools[0].ms >= 0, "tool time");
    check_section_close(&s);

    /* A secret never travels into the message (it ends up in audit logs). */
    const char secret[] = "password = 'correct horse battery staple'\n";
    check(p, LANG_PYTHON, secret, strlen(secret), NULL, &s);
    f = find(&s, "py.hardcoded-secret");
    ok(f && !strstr(f->message, "horse"), "the secret is not in the message");
    check_section_close(&s);

    /* Syntax errors carry line and column, and the section is still ok. */
    const char broken[] = "def f():\n    return (1,\n";
    check(p, LANG_PYTHON, broken, strlen(broken), NULL, &s);
    f = find(&s, AST_SYNTAX_RULE);
    ok(f && f->line >= 1 && f->column >= 1 && strcmp(f->category, "syntax") == 0 &&
           f->severity == SEV_HIGH,
       "syntax error finding (%d:%d)", f ? f->line : 0, f ? f->column : 0);
    is_int(s.status, CHECK_OK, "a syntax error is a finding, not a failure");
    check_section_close(&s);

    check(p, LANG_PYTHON, "", 0, NULL, &s);
    ok(s.status == CHECK_OK && s.nfindings == 0, "empty code: ok, nothing found");
    check_section_close(&s);
    check(p, LANG_JAVASCRIPT, NULL, 0, NULL, &s);
    ok(s.status == CHECK_OK, "NULL code of length 0 is empty code");
    check_section_close(&s);

    /* Bytes that are not text: no crash, and eval after a NUL is seen. */
    const char nul[] = "a = 1\0\xff\xfe\neval(x)\n";
    check(p, LANG_PYTHON, nul, sizeof(nul) - 1, NULL, &s);
    ok(s.status == CHECK_OK && find(&s, AST_SYNTAX_RULE),
       "NUL and invalid UTF-8: a syntax finding");
    check_section_close(&s);
}

static void test_limits(void)
{
    struct sk_err err = {0};
    struct ast_policy *p = NULL;
    if (ast_policy_new(policy_dir, NULL, &p, &err) < 0) {
        ok(0, "load: %s", err.msg);
        return;
    }
    struct check_section s;

    /* Size cap. */
    ast_policy_set_limits(p, 1000, 0);
    char *big = xmalloc(2000);
    memset(big, '#', 1999);
    big[1999] = '\n';
    check(p, LANG_PYTHON, big, 2000, NULL, &s);
    ok(s.status == CHECK_ERROR && s.error && strstr(s.error, "at most 1000"),
       "over the size cap: error (%s)", s.error ? s.error : "");
    ok(s.ntools == 1, "the tool entry is there even so");
    check_section_close(&s);
    free(big);

    /* Time cap: a large input and a 1 ms budget cannot finish. */
    ast_policy_set_limits(p, 64 << 20, 1);
    size_t n = 8 << 20;
    char *huge = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        huge[i] = "x = foo(bar, baz) + 1\n"[i % 22];
    check(p, LANG_PYTHON, huge, n, NULL, &s);
    ok(s.status == CHECK_ERROR && s.error && strstr(s.error, "within 1 ms"),
       "past the deadline: error (%s)", s.error ? s.error : "");
    check_section_close(&s);
    free(huge);

    /* Nesting deeper than the walks follow fails closed, without a crash. */
    ast_policy_set_limits(p, 1 << 20, 10000);
    size_t depth = 6000;
    char *deep = xmalloc(2 * depth + 16);
    size_t k = 0;
    k += (size_t)sprintf(deep, "x = ");
    for (size_t i = 0; i < depth; i++)
        deep[k++] = '(';
    deep[k++] = '1';
    for (size_t i = 0; i < depth; i++)
        deep[k++] = ')';
    deep[k++] = '\n';
    check(p, LANG_PYTHON, deep, k, NULL, &s);
    ok(s.status == CHECK_ERROR && s.error && strstr(s.error, "nests deeper"),
       "deep nesting: error (%s)", s.error ? s.error : "");
    check_section_close(&s);
    free(deep);

    /* More bindings than the resolver follows fails closed. */
    struct sk_buf bind;
    sk_buf_init(&bind, 4 << 20);
    for (int i = 0; i < 40000; i++)
        sk_buf_printf(&bind, "v%d = w%d\n", i, i);
    check(p, LANG_PYTHON, bind.data, bind.len, NULL, &s);
    ok(s.status == CHECK_ERROR && s.error && strstr(s.error, "binds more names"),
       "too many bindings: error (%s)", s.error ? s.error : "");
    check_section_close(&s);
    sk_buf_close(&bind);

    /* More findings than the cap: a finding says so. */
    struct sk_buf b;
    sk_buf_init(&b, 1 << 20);
    for (int i = 0; i < 400; i++)
        sk_buf_printf(&b, "eval(x%d)\n", i);
    check(p, LANG_PYTHON, b.data, b.len, NULL, &s);
    ok(s.status == CHECK_OK && find(&s, "too-many-findings") && s.nfindings <= 257,
       "findings capped (%zu) with a finding that says so", s.nfindings);
    check_section_close(&s);
    sk_buf_close(&b);
    ast_policy_free(p);
}

/* ---------------------------------------------------------------------- */
/* Threads: one policy, many checks at once, the same answers.            */

struct job {
    const struct ast_policy *p;
    int bad;
};

static const char *const thread_code[] = {
    "import os\nos.system(cmd)\n",
    "const cp = require('child_process'); cp.exec(x);\n",
    "let f: Function = new Function('a', b);\n",
    "contract C { function f() public { selfdestruct(payable(msg.sender)); } }\n",
};
static const char *const thread_rule[] = {"py.shell-command", "js.shell-command", "js.code-exec",
                                          "sol.selfdestruct"};

static void *worker(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 200; i++) {
        int l = i % LANG_COUNT;
        struct check_section s;
        check(j->p, (enum lang_id)l, thread_code[l], strlen(thread_code[l]), NULL, &s);
        if (s.status != CHECK_OK || !find(&s, thread_rule[l]))
            j->bad++;
        check_section_close(&s);
    }
    return NULL;
}

static void test_threads(const struct ast_policy *p)
{
    pthread_t t[4];
    struct job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){p, 0};
        pthread_create(&t[i], NULL, worker, &jobs[i]);
    }
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        bad += jobs[i].bad;
    }
    is_int(bad, 0, "800 checks on 4 threads, each as expected");
}

static void test_rules(const struct ast_policy *p)
{
    for (int l = 0; l < LANG_COUNT; l++) {
        const struct lang *lang = lang_get((enum lang_id)l);
        size_t n = ast_policy_rule_count(p, lang);
        int good = n > 0;
        for (size_t i = 0; i < n; i++) {
            struct ast_rule_info ri;
            ast_policy_rule_info(p, lang, i, &ri);
            good &= ri.id && ri.category && ri.message && ri.file && ri.line > 0 &&
                    (ri.patterns > 0 || ri.names > 0 || ri.check);
        }
        ok(good, "%s: %zu rules, each with id, category, message and a way to match", lang->name,
           n);
    }
}

static void test_version(const char *node_modules)
{
    char *path = xasprintf("%s/tree-sitter/package.json", node_modules);
    char *text = NULL;
    size_t len;
    if (sk_read_file(path, 1 << 20, &text, &len) < 0) {
        free(path);
        ok(1, "# SKIP no node_modules/tree-sitter/package.json");
        return;
    }
    struct ast_policy *p = NULL;
    struct sk_err err;
    struct check_section s;
    ast_policy_new(policy_dir, NULL, &p, &err);
    check(p, LANG_PYTHON, "1\n", 2, NULL, &s);
    char *want = xasprintf("\"version\": \"%s\"", s.tools[0].version);
    ok(strstr(text, want) != NULL, "the tool version (%s) is the vendored core's",
       s.tools[0].version);
    free(want);
    check_section_close(&s);
    ast_policy_free(p);
    free(text);
    free(path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test-ast POLICY_DIR NODE_MODULES_DIR\n");
        return 2;
    }
    policy_dir = argv[1];
    test_bad_policies();
    test_allow();
    struct ast_policy *p = NULL;
    struct sk_err err = {0};
    if (ast_policy_new(policy_dir, NULL, &p, &err) < 0) {
        ok(0, "load the policy: %s", err.msg);
        return tap_done();
    }
    test_section(p);
    test_rules(p);
    test_threads(p);
    ast_policy_free(p);
    test_limits();
    test_version(argv[2]);
    return tap_done();
}
