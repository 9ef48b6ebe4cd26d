/*
 * The adapters alone, on recorded worker replies and on hostile ones: the
 * rule tables (category, severity, CWE), fallbacks for unlisted rules,
 * parse errors as `syntax` findings, dropped noise, the per-tool cap,
 * clamped positions, cut messages, and replies that must be refused.
 */
#include "config.h"

#include "tap.h"

#include "base/buf.h"
#include "check/adapter.h"

#include <errno.h>
#include <string.h>

static int parse(enum analyser_kind k, const char *line, struct check_section *s)
{
    struct sk_err err = {0};
    check_section_init(s);
    return adapter_parse_check(k, line, strlen(line), s, &err);
}

int main(void)
{
    struct check_section s;

    /* Recorded from the bandit worker. */
    is_int(parse(AK_BANDIT,
                 "{\"ok\": true, \"results\": [{\"test_id\": \"B602\", \"test_name\": "
                 "\"subprocess_popen_with_shell_equals_true\", \"issue_severity\": \"HIGH\", "
                 "\"issue_confidence\": \"HIGH\", \"issue_text\": \"subprocess call with "
                 "shell=True identified, security issue.\", \"line_number\": 2, \"line_range\": "
                 "[2]}, {\"test_id\": \"B999\", \"test_name\": \"future\", \"issue_severity\": "
                 "\"MEDIUM\", \"issue_text\": \"new check\", \"line_number\": 5}], \"errors\": "
                 "[{\"reason\": \"syntax error: invalid syntax\", \"line\": 7, \"column\": 3}]}",
                 &s),
           0, "bandit: parsed");
    is_int(s.nfindings, 3, "bandit: three findings");
    is_str(s.findings[0].tool, "bandit", "bandit: tool");
    is_str(s.findings[0].category, "process", "bandit: B602 -> process");
    is_int(s.findings[0].severity, SEV_HIGH, "bandit: B602 -> high");
    is_str(s.findings[0].cwe, "CWE-78", "bandit: B602 -> CWE-78");
    ok(strstr(s.findings[0].message, "subprocess_popen_with_shell_equals_true") != NULL,
       "bandit: message carries the test name");
    is_str(s.findings[1].category, "other", "bandit: unlisted rule -> other");
    is_int(s.findings[1].severity, SEV_MEDIUM, "bandit: unlisted rule keeps bandit's severity");
    ok(s.findings[1].cwe == NULL, "bandit: unlisted rule has no CWE");
    is_str(s.findings[2].category, "syntax", "bandit: parse error -> syntax");
    is_int(s.findings[2].line, 7, "bandit: parse error line");
    is_int(s.findings[2].column, 3, "bandit: parse error column");
    check_section_close(&s);

    /* Recorded from the ESLint worker: a disable comment, then eval. */
    is_int(parse(AK_ESLINT_JS,
                 "{\"ok\":true,\"results\":[{\"ruleId\":null,\"severity\":1,\"message\":\"'/* "
                 "eslint-disable */' has no effect because you have 'noInlineConfig' setting in "
                 "your config.\",\"line\":1,\"column\":1,\"fatal\":false},{\"ruleId\":\"no-eval\","
                 "\"severity\":2,\"message\":\"`eval` can be harmful.\",\"line\":2,\"column\":1,"
                 "\"fatal\":false},{\"ruleId\":\"some/new-rule\",\"severity\":2,\"message\":\"m\","
                 "\"line\":3,\"column\":1,\"fatal\":false},{\"ruleId\":null,\"severity\":2,"
                 "\"message\":\"Parsing error: Unexpected token\",\"line\":4,\"column\":9,"
                 "\"fatal\":true}]}",
                 &s),
           0, "eslint: parsed");
    is_int(s.nfindings, 4, "eslint: four findings");
    is_str(s.findings[0].rule, "inline-config", "eslint: disable comment -> inline-config");
    is_int(s.findings[0].severity, SEV_LOW, "eslint: inline-config is low");
    is_str(s.findings[1].cwe, "CWE-95", "eslint: no-eval -> CWE-95");
    is_int(s.findings[1].severity, SEV_HIGH, "eslint: no-eval -> high");
    is_int(s.findings[2].severity, SEV_MEDIUM, "eslint: unlisted error-level rule -> medium");
    is_str(s.findings[3].category, "syntax", "eslint: fatal -> syntax");
    is_int(s.findings[3].severity, SEV_HIGH, "eslint: syntax findings are high");
    check_section_close(&s);

    /* tsc: syntactic vs semantic; suggestions are not findings. */
    is_int(parse(AK_TSC,
                 "{\"ok\":true,\"results\":[{\"code\":1005,\"category\":\"error\",\"line\":1,"
                 "\"column\":21,\"message\":\"',' expected.\",\"syntactic\":true},{\"code\":2322,"
                 "\"category\":\"error\",\"line\":2,\"column\":5,\"message\":\"Type\","
                 "\"syntactic\":false},{\"code\":80001,\"category\":\"suggestion\",\"line\":1,"
                 "\"column\":1,\"message\":\"s\",\"syntactic\":false}]}",
                 &s),
           0, "tsc: parsed");
    is_int(s.nfindings, 2, "tsc: suggestion dropped");
    is_str(s.findings[0].rule, "TS1005", "tsc: rule TS<code>");
    is_str(s.findings[0].category, "syntax", "tsc: syntactic -> syntax");
    is_str(s.findings[1].category, "other", "tsc: type error -> other");
    is_int(s.findings[1].severity, SEV_LOW, "tsc: type error -> low");
    check_section_close(&s);

    /* solc: byte offsets already turned to lines by the worker. */
    is_int(parse(AK_SOLC,
                 "{\"ok\":true,\"results\":[{\"errorCode\":\"1878\",\"severity\":\"warning\","
                 "\"type\":\"Warning\",\"message\":\"SPDX\",\"line\":0,\"column\":0},"
                 "{\"errorCode\":\"9302\",\"severity\":\"warning\",\"type\":\"Warning\","
                 "\"message\":\"Return value of low-level calls not used.\",\"line\":3,"
                 "\"column\":45},{\"errorCode\":\"6933\",\"severity\":\"error\",\"type\":"
                 "\"ParserError\",\"message\":\"Expected primary expression.\",\"line\":1,"
                 "\"column\":23},{\"errorCode\":\"9553\",\"severity\":\"error\",\"type\":"
                 "\"TypeError\",\"message\":\"Invalid type\",\"line\":2,\"column\":1},"
                 "{\"errorCode\":\"1111\",\"severity\":\"info\",\"type\":\"Info\",\"message\":"
                 "\"i\",\"line\":1,\"column\":1}]}",
                 &s),
           0, "solc: parsed");
    is_int(s.nfindings, 3, "solc: SPDX (1878) and info dropped");
    is_str(s.findings[0].category, "solidity_unchecked_call", "solc: 9302 -> unchecked call");
    is_int(s.findings[0].column, 45, "solc: column kept");
    is_str(s.findings[1].category, "syntax", "solc: ParserError -> syntax");
    is_str(s.findings[2].category, "other", "solc: TypeError -> other");
    is_int(s.findings[2].severity, SEV_MEDIUM, "solc: a compile error is medium");
    check_section_close(&s);

    /* solhint: solhint's warning severity is 3. */
    is_int(parse(AK_SOLHINT,
                 "{\"ok\":true,\"results\":[{\"ruleId\":\"avoid-tx-origin\",\"severity\":3,"
                 "\"message\":\"Avoid to use tx.origin\",\"line\":6,\"column\":13,\"fatal\":"
                 "false},{\"ruleId\":null,\"severity\":2,\"message\":\"Parse error: the Solidity "
                 "parser failed\",\"line\":0,\"column\":0,\"fatal\":true}]}",
                 &s),
           0, "solhint: parsed");
    is_str(s.findings[0].category, "solidity_tx_origin", "solhint: tx.origin category");
    is_int(s.findings[0].severity, SEV_HIGH, "solhint: tx.origin is high");
    is_str(s.findings[1].category, "syntax", "solhint: parser crash -> syntax");
    check_section_close(&s);

    /* Hostile replies. */
    struct sk_err err;
    is_int(parse(AK_BANDIT, "{\"ok\":false,\"error\":\"boom\"}", &s), -EREMOTEIO,
           "refusal -> -EREMOTEIO");
    check_section_close(&s);
    is_int(parse(AK_BANDIT, "not json", &s), -EPROTO, "garbage -> -EPROTO");
    check_section_close(&s);
    is_int(parse(AK_BANDIT, "[1]", &s), -EPROTO, "array -> -EPROTO");
    check_section_close(&s);
    is_int(parse(AK_BANDIT, "{\"ok\":true}", &s), -EPROTO, "no results -> -EPROTO");
    check_section_close(&s);
    is_int(parse(AK_BANDIT, "{\"ok\":true,\"ok\":true,\"results\":[]}", &s), -EPROTO,
           "duplicate keys -> -EPROTO");
    check_section_close(&s);
    is_int(parse(AK_BANDIT, "{\"ok\":\"yes\",\"results\":[]}", &s), -EREMOTEIO,
           "ok must be true, not truthy");
    check_section_close(&s);
    is_int(parse(AK_ESLINT_JS,
                 "{\"ok\":true,\"results\":[1,null,\"x\",{\"ruleId\":{\"a\":1},\"line\":"
                 "99999999999999,\"column\":-4,\"severity\":\"2\"}]}",
                 &s),
           0, "wrong types: parsed");
    is_int(s.nfindings, 1, "wrong types: only the object became a finding");
    is_int(s.findings[0].line, 1000000000, "wrong types: huge line clamped");
    is_int(s.findings[0].column, 0, "wrong types: negative column clamped to 0");
    is_str(s.findings[0].rule, "inline-config", "wrong types: a non-string rule is no rule");
    check_section_close(&s);

    /* The cap on findings and on message length. */
    struct sk_buf b;
    sk_buf_init(&b, 1 << 20);
    sk_buf_puts(&b, "{\"ok\":true,\"results\":[");
    for (int i = 0; i < 700; i++)
        sk_buf_printf(&b, "%s{\"ruleId\":\"no-eval\",\"severity\":2,\"message\":\"m\",\"line\":%d}",
                      i ? "," : "", i + 1);
    sk_buf_puts(&b, "]}");
    is_int(parse(AK_ESLINT_JS, sk_buf_str(&b), &s), 0, "700 findings: parsed");
    is_int(s.nfindings, ADAPTER_MAX_FINDINGS + 1, "700 findings: capped, plus one saying so");
    is_str(s.findings[ADAPTER_MAX_FINDINGS].rule, "too-many-findings", "the cap is a finding");
    check_section_close(&s);
    sk_buf_reset(&b);
    sk_buf_puts(&b, "{\"ok\":true,\"results\":[{\"ruleId\":\"no-eval\",\"message\":\"");
    for (int i = 0; i < 5000; i++)
        sk_buf_puts(&b, "a");
    sk_buf_puts(&b, "\"}]}");
    parse(AK_ESLINT_JS, sk_buf_str(&b), &s);
    is_int(strlen(s.findings[0].message), ADAPTER_MAX_MESSAGE, "long message cut");
    check_section_close(&s);
    sk_buf_close(&b);

    char version[32];
    const char *ping = "{\"ok\":true,\"tool\":\"bandit\",\"version\":\"1.6.2\"}";
    is_int(adapter_parse_ping(ping, strlen(ping), version, sizeof(version), &err), 0, "ping");
    is_str(version, "1.6.2", "ping: version");
    const char *noversion = "{\"ok\":true}";
    ok(adapter_parse_ping(noversion, strlen(noversion), version, sizeof(version), &err) < 0,
       "ping without version refused");

    is_int(analyser_kind_by_name("eslint-ts"), AK_ESLINT_TS, "kind by name");
    is_int(analyser_kind_by_name("pylint"), -1, "unknown kind");
    return tap_done();
}
