/*
 * Unit tests for the fine-tuning export: which records become examples,
 * their chat shape, redaction, and refusal of a bad redaction rule.
 */
#include "config.h"

#include "base/conf.h"
#include "base/json.h"
#include "store/export.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add(struct audit *a, const char *id, const char *endpoint, const char *verdict,
                const char *prompt, const char *response, const char *detail)
{
    struct audit_record r = {.id = id, .ts_ms = 1, .endpoint = endpoint, .language = "python",
                             .status = 200, .verdict = verdict, .timings_json = "{}",
                             .prompt = prompt, .response_json = response, .detail_json = detail};
    struct sk_err err;
    if (audit_append(a, &r, &err) < 0)
        diag(err.msg);
}

int main(void)
{
    char db[] = "/tmp/skitty-export-XXXXXX";
    int fd = mkstemp(db);
    close(fd);
    unlink(db);
    struct audit *a;
    struct sk_err err;
    if (audit_open(db, &a, &err) < 0)
        tap_skip_all(err.msg);

    const char *blocked_resp =
        "{\"code\":\"\",\"security_report\":{\"verdict\":\"block\",\"ast_validation\":{\"findings\":"
        "[{\"tool\":\"ast-policy\",\"rule\":\"PY-EXEC\",\"category\":\"process\",\"severity\":"
        "\"critical\",\"line\":2,\"column\":1,\"message\":\"os.system runs a shell\",\"cwe\":"
        "\"CWE-78\"}]},\"static_analysis\":{\"findings\":[]}}}";
    add(a, "r1", "generate", "block", "list files of alice@example.com's home",
        blocked_resp, "{\"final_code\":\"import os\\nos.system('ls')\\n\",\"first_code\":"
                      "\"import os\\nos.system('ls')\\n\",\"rounds\":[]}");
    add(a, "r2", "generate", "pass", "parse yaml from a string",
        "{\"code\":\"import yaml\\n\",\"security_report\":{\"verdict\":\"pass\"}}",
        "{\"final_code\":\"yaml.safe_load(s)\\n\",\"first_code\":\"yaml.load(s)\\n\",\"rounds\":"
        "[{\"round\":1,\"trigger\":\"block\",\"findings\":[{\"rule\":\"B506\",\"category\":"
        "\"deserialization\",\"message\":\"yaml.load\"}]}]}");
    add(a, "r3", "generate", "pass", "reverse a string",
        "{\"code\":\"x\",\"security_report\":{\"verdict\":\"pass\"}}",
        "{\"final_code\":\"x\",\"first_code\":\"x\",\"rounds\":[]}");
    add(a, "r4", "generate", "block", NULL, blocked_resp,
        "{\"final_code\":\"os.system('x')\",\"first_code\":\"os.system('x')\",\"rounds\":[]}");

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct export_stats st;
    struct sk_config cfg;
    sk_config_defaults(&cfg);
    is_int(audit_export_jsonl(a, out, cfg.export_redact, &st, &err), 0, "export runs");
    fclose(out);
    is_int(st.records, 4, "four records read");
    is_int(st.blocked, 1, "one blocked example");
    is_int(st.repaired, 1, "one repaired example");
    is_int(st.skipped, 1, "the blocked record without a stored prompt is skipped");

    char *line2 = strchr(buf, '\n');
    ok(line2 && strchr(line2 + 1, '\n') && !strchr(strchr(line2 + 1, '\n') + 1, '\n'),
       "two lines");
    json_t *b = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
    json_t *r = line2 ? json_loads(line2 + 1, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
    ok(b && r, "each line is JSON");
    is_int(json_array_size(json_object_get(b, "messages")), 3, "system, user, assistant");
    const char *user = json_string_value(
        json_object_get(json_array_get(json_object_get(b, "messages"), 1), "content"));
    ok(user && strstr(user, "[REDACTED]") && !strstr(user, "alice@example.com"),
       "the e-mail address is redacted: %s", user ? user : "");
    const char *refusal = json_string_value(
        json_object_get(json_array_get(json_object_get(b, "messages"), 2), "content"));
    ok(refusal && strstr(refusal, "PY-EXEC"), "a blocked answer becomes a refusal naming the rule");
    ok(strstr(json_string_value(json_object_get(b, "rejected")), "os.system") != NULL,
       "the blocked code is the rejected answer");
    is_str(json_string_value(json_object_get(json_object_get(r, "meta"), "kind")), "repaired",
           "second line is a repair");
    const char *chosen = json_string_value(
        json_object_get(json_array_get(json_object_get(r, "messages"), 2), "content"));
    ok(chosen && strstr(chosen, "safe_load") && strstr(chosen, "```python"),
       "the repaired code is the assistant's answer");
    ok(strstr(json_string_value(json_object_get(r, "rejected")), "yaml.load(s)") != NULL,
       "the first code is the rejected one");
    is_str(json_string_value(json_object_get(json_array_get(json_object_get(r, "findings"), 0),
                                             "rule")),
           "B506", "the findings that triggered the repair");
    json_decref(b);
    json_decref(r);
    free(buf);

    out = fopen("/dev/null", "w");
    is_int(audit_export_jsonl(a, out, "([unclosed", &st, &err), -EINVAL,
           "a bad redaction rule is refused");
    fclose(out);
    audit_close(a);
    unlink(db);
    char wal[64];
    snprintf(wal, sizeof(wal), "%s-wal", db);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", db);
    unlink(wal);
    return tap_done();
}
