/*
 * Fine-tuning export: turn the audit log's blocked and repaired answers
 * into training examples, one JSON object per line, in the chat format
 * most fine-tuning tools read ({"messages": [...]}), with the rejected
 * answer alongside for preference tuning:
 *
 *   {"messages": [{"role": "system", ...}, {"role": "user", ...},
 *                 {"role": "assistant", "content": <the repaired code, or a refusal>}],
 *    "rejected": <the code that was blocked or repaired away>,
 *    "findings": [...], "meta": {request_id, endpoint, language, kind, verdict}}
 *
 * kind "repaired": the model's first code had findings and a repair round
 * fixed them (the final verdict is not block). kind "blocked": the final
 * code was blocked; the assistant turn is a refusal naming the findings.
 * The user turn is the stored prompt (or code and error for /complete and
 * /debug) with every match of the redaction rule replaced by [REDACTED];
 * records without a stored prompt are skipped (prompts are stored only
 * when server.log_prompts is on).
 */
#pragma once

#include <stdio.h>

#include "base/error.h"
#include "store/audit.h"

struct export_stats {
    long records;   /* records read */
    long repaired;  /* examples written, by kind */
    long blocked;
    long skipped;   /* blocked or repaired, but without a stored prompt */
};

/*
 * Write the examples of `a` to `out`. `redact` is a POSIX extended regular
 * expression (may be empty: no redaction). Returns 0 or a negative errno
 * (a bad expression is -EINVAL naming it).
 */
int audit_export_jsonl(struct audit *a, FILE *out, const char *redact, struct export_stats *stats,
                       struct sk_err *err);
