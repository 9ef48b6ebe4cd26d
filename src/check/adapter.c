/*
 * The analyser kinds and the adapters from each worker's reply to findings
 * (see adapter.h).
 */
#include "config.h"

#include "check/adapter.h"
#include "base/json.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct analyser_kind_info kinds[AK_COUNT] = {
    [AK_BANDIT] = {"bandit", "bandit", RT_PYTHON, "bandit_worker.py", NULL},
    [AK_ESLINT_JS] = {"eslint-js", "eslint", RT_NODE, "eslint_worker.mjs", "js"},
    [AK_ESLINT_TS] = {"eslint-ts", "eslint", RT_NODE, "eslint_worker.mjs", "ts"},
    [AK_TSC] = {"tsc", "tsc", RT_NODE, "ts_worker.js", NULL},
    [AK_SOLHINT] = {"solhint", "solhint", RT_NODE, "solhint_worker.js", NULL},
    [AK_SOLC] = {"solc", "solc", RT_NODE, "solc_worker.js", NULL},
};

const struct analyser_kind_info *analyser_kind_info(enum analyser_kind k)
{
    return (unsigned)k < AK_COUNT ? &kinds[k] : NULL;
}

int analyser_kind_by_name(const char *name)
{
    for (int i = 0; i < AK_COUNT; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return i;
    return -1;
}

/* ---- helpers over the untrusted reply ---------------------------------- */

static const char *str_field(json_t *o, const char *key, const char *dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

/* An integer field clamped to [0, 10^9], so no value can overflow an int. */
static int int_field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return 0;
    json_int_t i = json_integer_value(v);
    return i < 0 ? 0 : i > 1000000000 ? 1000000000 : (int)i;
}

/*
 * Parse the reply and check the envelope: a JSON object with "ok": true.
 * {"ok":false,"error":…} is the worker telling us it could not do the job.
 */
static int parse_reply(const char *line, size_t len, json_t **out, struct sk_err *err)
{
    json_t *j = NULL;
    if (sk_json_parse(line, len, &j, err) < 0) {
        sk_err_wrap(err, "worker reply is not JSON");
        return -EPROTO;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return sk_err_msg(err, EPROTO, "worker reply is not a JSON object");
    }
    json_t *ok = json_object_get(j, "ok");
    if (!json_is_true(ok)) {
        const char *why = str_field(j, "error", "no reason given");
        sk_err_msg(err, EREMOTEIO, "%.200s", why);
        json_decref(j);
        return -EREMOTEIO;
    }
    *out = j;
    return 0;
}

int adapter_parse_ping(const char *line, size_t len, char *version, size_t vlen,
                       struct sk_err *err)
{
    cleanup_json json_t *j = NULL;
    int ret = parse_reply(line, len, &j, err);
    if (ret < 0)
        return ret;
    const char *v = str_field(j, "version", NULL);
    if (!v)
        return sk_err_msg(err, EPROTO, "ping reply has no version");
    snprintf(version, vlen, "%s", v);
    return 0;
}

/* Collects findings of one reply, with the per-request cap. */
struct sink {
    struct check_section *out;
    const char *tool;
    size_t n;
    bool capped;
};

static void emit(struct sink *s, const char *rule, const char *category, int sev, int line,
                 int column, const char *message, const char *cwe)
{
    if (sev == RULE_DROP)
        return;
    if (s->n >= ADAPTER_MAX_FINDINGS) {
        if (!s->capped)
            check_section_add(s->out, s->tool, "too-many-findings", "other", SEV_MEDIUM, 0, 0,
                              "more findings than the per-tool cap; the rest are not shown",
                              NULL);
        s->capped = true;
        return;
    }
    char msg[ADAPTER_MAX_MESSAGE + 1];
    snprintf(msg, sizeof(msg), "%s", message && *message ? message : "(no message)");
    check_section_add(s->out, s->tool, rule && *rule ? rule : "unknown", category,
                      (enum severity)sev, line, column, msg, cwe);
    s->n++;
}

/* A finding through the tool's table, or with the fallback when unlisted. */
static void emit_mapped(struct sink *s, enum analyser_kind k, const char *rule, int fallback_sev,
                        int line, int column, const char *message)
{
    const struct rule_map *m = rule_map_find(k, rule);
    if (m)
        emit(s, rule, m->category, m->severity, line, column, message, m->cwe);
    else
        emit(s, rule, "other", fallback_sev, line, column, message, NULL);
}

static void emit_syntax(struct sink *s, const char *rule, int line, int column,
                        const char *message)
{
    emit(s, rule, "syntax", SEV_HIGH, line, column, message, NULL);
}

/* ---- one adapter per tool ------------------------------------------------ */

static int bandit_severity(const char *s)
{
    return !strcmp(s, "HIGH") ? SEV_HIGH : !strcmp(s, "MEDIUM") ? SEV_MEDIUM : SEV_LOW;
}

static void adapt_bandit(json_t *j, struct sink *s)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), i, r) {
        if (!json_is_object(r))
            continue;
        const char *id = str_field(r, "test_id", "unknown");
        char msg[ADAPTER_MAX_MESSAGE + 1];
        snprintf(msg, sizeof(msg), "%s (%s)", str_field(r, "issue_text", ""),
                 str_field(r, "test_name", id));
        emit_mapped(s, AK_BANDIT, id, bandit_severity(str_field(r, "issue_severity", "LOW")),
                    int_field(r, "line_number"), 0, msg);
    }
    json_array_foreach(json_object_get(j, "errors"), i, r) {
        if (!json_is_object(r))
            continue;
        emit_syntax(s, "syntax-error", int_field(r, "line"), int_field(r, "column"),
                    str_field(r, "reason", "bandit could not parse the code"));
    }
}

/*
 * ESLint and solhint report the same shape: {ruleId|null, severity, message,
 * line, column, fatal}. A fatal message without a rule is a parse error.
 * ESLint's severity is 2 for error and 1 for warning; solhint's is 2 for
 * error and 3 for warning.
 */
static void adapt_lint(json_t *j, struct sink *s, enum analyser_kind k)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), i, r) {
        if (!json_is_object(r))
            continue;
        const char *rule = str_field(r, "ruleId", NULL);
        const char *msg = str_field(r, "message", "");
        int line = int_field(r, "line"), col = int_field(r, "column");
        if (json_is_true(json_object_get(r, "fatal"))) {
            emit_syntax(s, "parse-error", line, col, msg);
            continue;
        }
        if (!rule)
            rule = "inline-config";
        int sev = int_field(r, "severity") == 2 ? SEV_MEDIUM : SEV_LOW;
        emit_mapped(s, k, rule, sev, line, col, msg);
    }
}

/*
 * tsc: a syntax error is a `syntax` finding; a type error is `other`/low
 * (the code may still run, and type errors say little about safety, but a
 * security team still wants to see them). TS2307/TS7016 never reach here
 * (dropped in the worker; see ts_worker.js).
 */
static void adapt_tsc(json_t *j, struct sink *s)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), i, r) {
        if (!json_is_object(r))
            continue;
        char rule[32];
        snprintf(rule, sizeof(rule), "TS%d", int_field(r, "code"));
        const char *msg = str_field(r, "message", "");
        int line = int_field(r, "line"), col = int_field(r, "column");
        if (json_is_true(json_object_get(r, "syntactic")))
            emit_syntax(s, rule, line, col, msg);
        else if (strcmp(str_field(r, "category", "error"), "error") == 0 ||
                 strcmp(str_field(r, "category", "error"), "warning") == 0)
            emit(s, rule, "other", SEV_LOW, line, col, msg, NULL);
    }
}

/*
 * solc: parser, scanner and syntax errors are `syntax`; warnings and other
 * errors go through the table, falling back to low (warning) or medium
 * (an error: the contract does not compile). Infos are dropped.
 */
static void adapt_solc(json_t *j, struct sink *s)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(j, "results"), i, r) {
        if (!json_is_object(r))
            continue;
        const char *code = str_field(r, "errorCode", "");
        const char *sev = str_field(r, "severity", "error");
        const char *type = str_field(r, "type", "");
        const char *msg = str_field(r, "message", "");
        int line = int_field(r, "line"), col = int_field(r, "column");
        if (!strcmp(sev, "info"))
            continue;
        const struct rule_map *m = rule_map_find(AK_SOLC, code);
        bool parse = !strcmp(type, "ParserError") || !strcmp(type, "SyntaxError") ||
                     !strcmp(type, "ScannerError");
        if (parse && !m) {
            emit_syntax(s, code, line, col, msg);
            continue;
        }
        emit_mapped(s, AK_SOLC, code, !strcmp(sev, "error") ? SEV_MEDIUM : SEV_LOW, line, col,
                    msg);
    }
}

int adapter_parse_check(enum analyser_kind k, const char *line, size_t len,
                        struct check_section *out, struct sk_err *err)
{
    const struct analyser_kind_info *info = analyser_kind_info(k);
    if (!info)
        return sk_err_msg(err, EINVAL, "unknown analyser kind %d", (int)k);
    cleanup_json json_t *j = NULL;
    int ret = parse_reply(line, len, &j, err);
    if (ret < 0)
        return ret;
    if (!json_is_array(json_object_get(j, "results")))
        return sk_err_msg(err, EPROTO, "worker reply has no results array");
    struct sink s = {.out = out, .tool = info->tool};
    switch (k) {
    case AK_BANDIT:
        adapt_bandit(j, &s);
        break;
    case AK_ESLINT_JS:
    case AK_ESLINT_TS:
    case AK_SOLHINT:
        adapt_lint(j, &s, k);
        break;
    case AK_TSC:
        adapt_tsc(j, &s);
        break;
    case AK_SOLC:
        adapt_solc(j, &s);
        break;
    case AK_COUNT:
        break;
    }
    return 0;
}
