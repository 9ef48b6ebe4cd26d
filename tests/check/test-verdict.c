/*
 * The verdict rules (check.h): block for any AST policy finding or any
 * finding at or above block_severity; warn at or above warn_severity; pass
 * only when every section ran and found nothing at or above the warn
 * threshold. A check that did not run never passes. Also the checker's
 * refusal of bad thresholds, and the security_report JSON shape.
 */
#include "config.h"

#include "tap.h"

#include "base/conf.h"
#include "base/json.h"
#include "check/analysers-internal.h"
#include "check/check.h"

#include <stdlib.h>
#include <string.h>

static const char *on_incomplete = "warn";

static struct checker *make(const char *block, const char *warn, int *ret)
{
    struct sk_config cfg;
    sk_config_defaults(&cfg);
    snprintf(cfg.on_incomplete, sizeof(cfg.on_incomplete), "%s", on_incomplete);
    cfg.workers_at_boot = false;
    snprintf(cfg.block_severity, sizeof(cfg.block_severity), "%s", block);
    snprintf(cfg.warn_severity, sizeof(cfg.warn_severity), "%s", warn);
    struct analysers_opts opts = {.unsandboxed = true};
    struct checker *c = NULL;
    struct sk_err err = {0};
    *ret = checker_new_opts(&cfg, &opts, &c, &err);
    return c;
}

static enum verdict verdict2(struct checker *c, const struct check_section *a,
                             const struct check_section *b)
{
    const struct check_section *s[] = {a, b};
    return checker_verdict(c, s, 2);
}

static void ok_section(struct check_section *s)
{
    check_section_init(s);
    s->status = CHECK_OK;
}

int main(void)
{
    int ret;
    struct checker *c = make("high", "low", &ret);
    is_int(ret, 0, "checker with default thresholds");

    struct check_section ast, stat;
    ok_section(&ast);
    ok_section(&stat);
    is_int(verdict2(c, &ast, &stat), VERDICT_PASS, "both ran, nothing found: pass");

    /* Fail closed. */
    struct check_section none;
    check_section_init(&none);
    is_int(none.status, CHECK_UNAVAILABLE, "a new section starts unavailable");
    is_int(verdict2(c, &none, &stat), VERDICT_WARN, "AST did not run: not pass (warn)");
    is_int(verdict2(c, &ast, &none), VERDICT_WARN, "analysers did not run: not pass (warn)");
    check_section_fail(&none, CHECK_ERROR, "tool failed");
    is_int(verdict2(c, &ast, &none), VERDICT_WARN, "a check in error: not pass (warn)");
    is_int(checker_verdict(c, NULL, 0), VERDICT_WARN, "no sections at all: not pass");
    const struct check_section *nulls[] = {NULL, NULL};
    is_int(checker_verdict(c, nulls, 2), VERDICT_WARN, "only NULL sections: not pass");
    const struct check_section *one[] = {&ast, NULL};
    is_int(checker_verdict(c, one, 2), VERDICT_PASS, "NULL entries are skipped");

    /* Thresholds on analyser findings. */
    check_section_add(&stat, "bandit", "B404", "process", SEV_LOW, 1, 0, "import subprocess",
                      "CWE-78");
    is_int(verdict2(c, &ast, &stat), VERDICT_WARN, "a low finding warns (warn_severity low)");
    check_section_add(&stat, "bandit", "B303", "crypto", SEV_MEDIUM, 2, 0, "md5", "CWE-328");
    is_int(verdict2(c, &ast, &stat), VERDICT_WARN, "a medium finding warns");
    check_section_add(&stat, "bandit", "B602", "process", SEV_HIGH, 3, 0, "shell=True", "CWE-78");
    is_int(verdict2(c, &ast, &stat), VERDICT_BLOCK, "a high finding blocks");
    is_int(verdict2(c, &none, &stat), VERDICT_BLOCK, "a high finding blocks even if AST failed");

    /* An AST policy advisory (low, medium) warns like any finding; a
     * violation (high, critical) blocks whatever the thresholds. */
    struct check_section ast2;
    ok_section(&ast2);
    check_section_add(&ast2, CHECK_TOOL_AST, "py.insecure-random", "crypto", SEV_LOW, 1, 1,
                      "random for a secret", NULL);
    struct check_section clean;
    ok_section(&clean);
    is_int(verdict2(c, &ast2, &clean), VERDICT_WARN, "a low AST policy advisory warns");
    check_section_add(&ast2, CHECK_TOOL_AST, "py-network", "network", SEV_HIGH, 2, 1,
                      "socket use", NULL);
    is_int(verdict2(c, &ast2, &clean), VERDICT_BLOCK, "a high AST policy violation blocks");
    checker_free(c);

    /* Configured thresholds. */
    c = make("medium", "medium", &ret);
    is_int(ret, 0, "checker with block=medium warn=medium");
    struct check_section low, med;
    ok_section(&low);
    check_section_add(&low, "eslint", "security/detect-object-injection", "reflection", SEV_LOW,
                      1, 1, "obj[key]", NULL);
    ok_section(&med);
    check_section_add(&med, "eslint", "security/detect-non-literal-fs-filename", "filesystem",
                      SEV_MEDIUM, 1, 1, "fs.readFile(p)", "CWE-22");
    is_int(verdict2(c, &ast, &low), VERDICT_PASS, "warn=medium: a low finding passes");
    is_int(verdict2(c, &ast, &med), VERDICT_BLOCK, "block=medium: a medium finding blocks");
    is_int(verdict2(c, &none, &low), VERDICT_WARN,
           "warn=medium: a low finding with a failed check still does not pass");
    checker_free(c);

    c = make("critical", "high", &ret);
    is_int(verdict2(c, &ast, &stat), VERDICT_WARN, "block=critical: a high finding only warns");
    checker_free(c);

    /* A deployment that blocks on a check that did not run. */
    on_incomplete = "block";
    c = make("high", "low", &ret);
    is_int(ret, 0, "checker with on_incomplete=block");
    is_int(verdict2(c, &none, &clean), VERDICT_BLOCK, "on_incomplete=block: a failed check blocks");
    is_int(verdict2(c, &ast, &clean), VERDICT_PASS, "on_incomplete=block: all ran, clean: pass");
    checker_free(c);
    on_incomplete = "maybe";
    c = make("high", "low", &ret);
    ok(ret < 0 && !c, "on_incomplete 'maybe' refused");
    on_incomplete = "warn";

    /* Bad thresholds are refused. */
    c = make("severe", "low", &ret);
    ok(ret < 0 && !c, "block_severity 'severe' refused");
    c = make("high", "", &ret);
    ok(ret < 0 && !c, "empty warn_severity refused");
    c = make("medium", "high", &ret);
    ok(ret < 0 && !c, "warn_severity above block_severity refused");

    /* The report's shape. */
    json_t *rep = check_report_json(VERDICT_BLOCK, &ast2, &none);
    is_str(json_string_value(json_object_get(rep, "verdict")), "block", "report: verdict");
    json_t *av = json_object_get(rep, "ast_validation");
    is_str(json_string_value(json_object_get(av, "status")), "ok", "report: ast_validation.status");
    json_t *f = json_array_get(json_object_get(av, "findings"), 0);
    is_str(json_string_value(json_object_get(f, "tool")), "ast-policy", "report: finding tool");
    ok(json_is_null(json_object_get(f, "cwe")), "report: a finding without CWE has cwe null");
    json_t *sa = json_object_get(rep, "static_analysis");
    is_str(json_string_value(json_object_get(sa, "status")), "error", "report: static status");
    is_str(json_string_value(json_object_get(sa, "error")), "tool failed", "report: the reason");
    json_decref(rep);
    is_str(verdict_name(VERDICT_PASS), "pass", "verdict_name pass");
    is_str(verdict_name(VERDICT_WARN), "warn", "verdict_name warn");

    check_section_close(&ast);
    check_section_close(&stat);
    check_section_close(&none);
    check_section_close(&ast2);
    check_section_close(&clean);
    check_section_close(&low);
    check_section_close(&med);
    return tap_done();
}
