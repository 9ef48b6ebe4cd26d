/*
 * Code checks: the AST policy, the static analysers and the verdict (see
 * check.h).
 */
#include "config.h"

#include "check/check.h"
#include "check/analysers-internal.h"
#include "check/ast.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct checker {
    struct ast_policy *ast;      /* owned */
    struct analysers *analysers; /* owned */
    int block_sev;               /* enum severity at or above which findings block */
    int warn_sev;                /* enum severity at or above which findings warn */
    enum verdict incomplete;     /* the least verdict when a check did not run */
};

static const char *const verdict_names[] = {"pass", "warn", "block"};

const char *verdict_name(enum verdict v)
{
    return (unsigned)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "block";
}

int checker_new_opts(const struct sk_config *cfg, const struct analysers_opts *opts,
                     struct checker **out, struct sk_err *err)
{
    int block = severity_parse(cfg->block_severity);
    int warn = severity_parse(cfg->warn_severity);
    if (block < 0)
        return sk_err_msg(err, EINVAL, "checks.block_severity '%s' is not low|medium|high|critical",
                          cfg->block_severity);
    if (warn < 0)
        return sk_err_msg(err, EINVAL, "checks.warn_severity '%s' is not low|medium|high|critical",
                          cfg->warn_severity);
    if (warn > block)
        return sk_err_msg(err, EINVAL, "checks.warn_severity (%s) is above block_severity (%s)",
                          cfg->warn_severity, cfg->block_severity);
    enum verdict incomplete;
    if (!strcmp(cfg->on_incomplete, "warn") || !cfg->on_incomplete[0])
        incomplete = VERDICT_WARN;
    else if (!strcmp(cfg->on_incomplete, "block"))
        incomplete = VERDICT_BLOCK;
    else
        return sk_err_msg(err, EINVAL, "checks.on_incomplete '%s' is not warn|block",
                          cfg->on_incomplete);
    struct checker *c = xcalloc(1, sizeof(*c));
    c->block_sev = block;
    c->warn_sev = warn;
    c->incomplete = incomplete;
    char policy_dir[PATH_MAX];
    if ((size_t)snprintf(policy_dir, sizeof(policy_dir), "%s/policy", cfg->data_dir) >=
        sizeof(policy_dir)) {
        free(c);
        return sk_err_msg(err, ENAMETOOLONG, "data_dir too long");
    }
    int ret = ast_policy_new(policy_dir, cfg->allow_categories, &c->ast, err);
    if (ret < 0) {
        free(c);
        return sk_err_wrap(err, "AST policy");
    }
    ret = analysers_new_opts(cfg, opts, &c->analysers, err);
    if (ret < 0) {
        ast_policy_free(c->ast);
        free(c);
        return sk_err_wrap(err, "analysers");
    }
    *out = c;
    return 0;
}

int checker_new(const struct sk_config *cfg, struct checker **out, struct sk_err *err)
{
    return checker_new_opts(cfg, NULL, out, err);
}

void checker_free(struct checker *c)
{
    if (!c)
        return;
    analysers_free(c->analysers);
    ast_policy_free(c->ast);
    free(c);
}

struct analysers *checker_analysers(struct checker *c)
{
    return c ? c->analysers : NULL;
}

void checker_run_ast(struct checker *c, const struct lang *lang, const char *code, size_t len,
                     const char *extra_allow, struct check_section *ast)
{
    if (c->ast)
        ast_policy_check(c->ast, lang, code, len, extra_allow, ast);
    else
        check_section_fail(ast, CHECK_UNAVAILABLE, "no AST policy loaded");
}

void checker_run_static(struct checker *c, const struct lang *lang, const char *code, size_t len,
                        struct check_section *stat)
{
    analysers_check(c->analysers, lang, code, len, stat);
}

void checker_run(struct checker *c, const struct lang *lang, const char *code, size_t len,
                 const char *extra_allow, struct check_section *ast, struct check_section *stat)
{
    checker_run_ast(c, lang, code, len, extra_allow, ast);
    checker_run_static(c, lang, code, len, stat);
}

int checker_compile(struct checker *c, const struct lang *lang, const char *code, size_t len,
                    json_t **out, struct sk_err *err)
{
    if (lang->id != LANG_SOLIDITY)
        return -ENOTSUP;
    double t0 = sk_now_ms();
    json_t *j = NULL;
    int ret = analysers_solc_compile(c->analysers, code, len, false, &j, err);
    if (ret < 0)
        return ret;
    struct analysers_stats st;
    analysers_stats(c->analysers, "solc", &st);
    bool compiled = json_is_true(json_object_get(j, "compiled"));
    struct sk_buf output, errors;
    sk_buf_init(&output, 1 << 20);
    sk_buf_init(&errors, 4 << 20);
    json_t *e, *contracts = json_object_get(j, "contracts");
    size_t i;
    json_array_foreach(json_object_get(j, "results"), i, e) {
        sk_buf_printf(&errors, "%sline %lld:%lld: %s %s: %s", errors.len ? "\n" : "",
                      (long long)json_integer_value(json_object_get(e, "line")),
                      (long long)json_integer_value(json_object_get(e, "column")),
                      json_string_value(json_object_get(e, "severity")),
                      json_string_value(json_object_get(e, "errorCode")),
                      json_string_value(json_object_get(e, "message")));
    }
    if (compiled) {
        sk_buf_printf(&output, "solc %s: %zu contract(s)\n", st.version, json_object_size(contracts));
        const char *name;
        json_t *cj;
        json_object_foreach(contracts, name, cj) {
            const char *hex = json_string_value(json_object_get(cj, "bytecode"));
            sk_buf_printf(&output, "%s: %zu bytes of bytecode\n", name, hex ? strlen(hex) / 2 : 0);
        }
    }
    json_t *o = json_object();
    json_object_set_new(o, "output", json_stringn(sk_buf_str(&output), output.len));
    json_object_set_new(o, "errors", sk_json_string_lossy(sk_buf_str(&errors), errors.len));
    json_object_set_new(o, "compilation_status", json_string(compiled ? "success" : "failed"));
    json_object_set_new(o, "status", json_string(compiled ? "ok" : "not_run"));
    json_object_set_new(o, "exit_code", json_null());
    json_object_set_new(o, "signal", json_null());
    json_object_set_new(o, "wall_ms", json_integer((json_int_t)(sk_now_ms() - t0)));
    json_object_set_new(o, "cpu_ms", json_integer(0));
    json_object_set_new(o, "max_rss_kb", json_integer(0));
    json_object_set_new(o, "output_truncated", json_false());
    sk_buf_close(&output);
    sk_buf_close(&errors);
    json_decref(j);
    *out = o;
    return 0;
}

bool checker_warm(struct checker *c)
{
    static const char *const kinds[] = {"bandit", "eslint-js", "eslint-ts", "tsc", "solhint",
                                        "solc"};
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        struct analysers_stats st;
        if (analysers_stats(c->analysers, kinds[i], &st) < 0 || st.starts == 0)
            return false;
    }
    return true;
}

enum verdict checker_verdict(const struct checker *c, const struct check_section *const *sections,
                             size_t n)
{
    int block = c ? c->block_sev : SEV_HIGH;
    int warn = c ? c->warn_sev : SEV_LOW;
    enum verdict incomplete = c ? c->incomplete : VERDICT_WARN;
    enum verdict v = VERDICT_PASS;
    bool ran_all = true, any = false;
    for (size_t i = 0; i < n; i++) {
        const struct check_section *s = sections[i];
        if (!s)
            continue;
        any = true;
        if (s->status != CHECK_OK)
            ran_all = false;
        for (size_t j = 0; j < s->nfindings; j++) {
            const struct finding *f = &s->findings[j];
            /* An AST policy violation (high or critical) blocks whatever the
             * thresholds say; its low and medium rules are advisories, judged
             * like any other finding. */
            bool violation = strcmp(f->tool, CHECK_TOOL_AST) == 0 && f->severity >= SEV_HIGH;
            if (violation || (int)f->severity >= block)
                return VERDICT_BLOCK;
            if ((int)f->severity >= warn)
                v = VERDICT_WARN;
        }
    }
    /*
     * Fail closed: what did not run, or was not asked for, never passes. A
     * deployment may make it block (checks.on_incomplete = block); the
     * default is warn, since the AST policy and the sandbox still stand.
     */
    if ((!ran_all || !any) && incomplete > v)
        v = incomplete;
    return v;
}

json_t *check_report_json(enum verdict v, const struct check_section *ast,
                          const struct check_section *stat)
{
    json_t *o = json_object();
    json_object_set_new(o, "verdict", json_string(verdict_name(v)));
    json_object_set_new(o, "ast_validation", check_section_to_json(ast));
    json_object_set_new(o, "static_analysis", check_section_to_json(stat));
    return o;
}
