/*
 * Fine-tuning export from the audit log (see export.h).
 */
#include "config.h"

#include "store/export.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
    FILE *out;
    regex_t re;
    bool have_re;
    struct export_stats *stats;
};

/* A copy of `text` with every match of the rule replaced; the caller frees it. */
static char *redact(const struct ctx *c, const char *text)
{
    if (!c->have_re)
        return xstrdup(text);
    struct sk_buf b;
    sk_buf_init(&b, strlen(text) * 2 + 64);
    const char *p = text;
    regmatch_t m;
    int flags = 0;
    while (*p && regexec(&c->re, p, 1, &m, flags) == 0) {
        if (m.rm_eo == m.rm_so) { /* an empty match: keep one character and go on */
            sk_buf_append(&b, p, 1);
            p++;
            flags = REG_NOTBOL;
            continue;
        }
        sk_buf_append(&b, p, (size_t)m.rm_so);
        sk_buf_puts(&b, "[REDACTED]");
        p += m.rm_eo;
        flags = REG_NOTBOL;
    }
    sk_buf_puts(&b, p);
    return sk_buf_steal(&b);
}

static json_t *message(const char *role, const char *content)
{
    return json_pack("{s:s, s:o}", "role", role, "content",
                     sk_json_string_lossy(content, strlen(content)));
}

static char *fenced(const char *lang, const char *code)
{
    return xasprintf("```%s\n%s%s```", lang, code,
                     *code && code[strlen(code) - 1] == '\n' ? "" : "\n");
}

static int one(void *arg, const struct audit_record *r)
{
    struct ctx *c = arg;
    c->stats->records++;
    if (r->status != 200 || !r->detail_json || !r->response_json || !r->language)
        return 0;
    cleanup_json json_t *detail = json_loads(r->detail_json, 0, NULL);
    cleanup_json json_t *resp = json_loads(r->response_json, 0, NULL);
    if (!detail || !resp)
        return 0;
    json_t *rounds = json_object_get(detail, "rounds");
    const char *final_code = json_string_value(json_object_get(detail, "final_code"));
    const char *first_code = json_string_value(json_object_get(detail, "first_code"));
    bool blocked = r->verdict && !strcmp(r->verdict, "block");
    bool repaired = !blocked && json_array_size(rounds) > 0;
    if ((!blocked && !repaired) || !final_code || !first_code)
        return 0;

    /* The user's side of the exchange, as it was asked. */
    struct sk_buf user;
    sk_buf_init(&user, 1u << 24);
    const char *in_code = json_string_value(json_object_get(detail, "input_code"));
    const char *in_error = json_string_value(json_object_get(detail, "input_error"));
    if (!strcmp(r->endpoint, "generate") && r->prompt)
        sk_buf_puts(&user, r->prompt);
    else if (!strcmp(r->endpoint, "complete") && in_code)
        sk_buf_printf(&user, "Complete this %s code:\n%s", r->language, in_code);
    else if (!strcmp(r->endpoint, "debug") && in_code && in_error)
        sk_buf_printf(&user, "Fix this %s code:\n%s\nError:\n%s", r->language, in_code, in_error);
    if (user.len == 0) {
        c->stats->skipped++;
        sk_buf_close(&user);
        return 0;
    }
    char *user_text = redact(c, sk_buf_str(&user));
    sk_buf_close(&user);

    json_t *report = json_object_get(resp, "security_report");
    json_t *findings = json_array();
    const char *sections[] = {"ast_validation", "static_analysis"};
    for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
        json_t *f = json_object_get(json_object_get(report, sections[i]), "findings");
        json_array_extend(findings, f);
    }
    /* For a repair, the findings that made the first code fail. */
    if (repaired) {
        json_t *rf = json_object_get(json_array_get(rounds, 0), "findings");
        if (rf) {
            json_array_clear(findings);
            json_array_extend(findings, rf);
        }
    }

    char *system = xasprintf("You are a coding assistant. Write secure, self-contained %s code "
                             "with no dynamic code execution, process spawning, file or network "
                             "access unless asked, and answer with one fenced code block.",
                             r->language);
    char *answer;
    if (repaired) {
        answer = fenced(r->language, final_code);
    } else {
        struct sk_buf b;
        sk_buf_init(&b, 1u << 20);
        sk_buf_puts(&b, "I can't provide that code: it fails these security checks:");
        size_t i;
        json_t *f;
        json_array_foreach(findings, i, f)
        {
            if (i == 8)
                break;
            sk_buf_printf(&b, "\n- %s (%s): %s", json_string_value(json_object_get(f, "rule")),
                          json_string_value(json_object_get(f, "category")),
                          json_string_value(json_object_get(f, "message")));
        }
        answer = sk_buf_steal(&b);
    }
    char *rejected = fenced(r->language, repaired ? first_code : final_code);
    json_t *line = json_pack(
        "{s:[o,o,o], s:o, s:o, s:{s:s, s:s, s:s, s:s, s:s}}", "messages", message("system", system),
        message("user", user_text), message("assistant", answer),
        "rejected", sk_json_string_lossy(rejected, strlen(rejected)), "findings", findings, "meta",
        "request_id", r->id, "endpoint", r->endpoint, "language", r->language, "kind",
        repaired ? "repaired" : "blocked", "verdict", r->verdict);
    char *text = sk_json_dumps(line);
    fprintf(c->out, "%s\n", text);
    free(text);
    json_decref(line);
    free(system);
    free(answer);
    free(rejected);
    free(user_text);
    if (repaired)
        c->stats->repaired++;
    else
        c->stats->blocked++;
    return 0;
}

int audit_export_jsonl(struct audit *a, FILE *out, const char *rule, struct export_stats *stats,
                       struct sk_err *err)
{
    struct ctx c = {.out = out, .stats = stats};
    memset(stats, 0, sizeof(*stats));
    if (rule && *rule) {
        int rc = regcomp(&c.re, rule, REG_EXTENDED);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &c.re, msg, sizeof(msg));
            return sk_err_msg(err, EINVAL, "export.redact is not a valid expression: %s", msg);
        }
        c.have_re = true;
    }
    int ret = audit_each(a, one, &c, err);
    if (c.have_re)
        regfree(&c.re);
    return ret < 0 ? ret : 0;
}
