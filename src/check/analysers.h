/*
 * The static analysers (bandit; ESLint for JavaScript and TypeScript; tsc;
 * solhint; solc) as warm, long-lived worker processes in the sandbox, one
 * JSON line per request over stdin/stdout (workers/). The pool supervises
 * them: starts them lazily or at boot, restarts a crashed worker, recycles
 * one after N requests or past its memory cap, and enforces a per-request
 * timeout. Every tool's output is normalised into the finding model.
 *
 * Fail closed: a worker that is down or times out leaves the section
 * `unavailable`, never `ok`.
 */
#pragma once

#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "check/finding.h"
#include "lang/lang.h"

struct analysers;

/* Create the pool (and start every worker now if cfg->workers_at_boot). */
int analysers_new(const struct sk_config *cfg, struct analysers **out, struct sk_err *err);
/* Stop every worker and free the pool. */
void analysers_free(struct analysers *a);

/*
 * Run every analyser of `lang` on `code` and add their findings to `out`
 * (status ok only when all of them answered). Thread-safe; blocks while
 * all workers of that kind are busy.
 */
void analysers_check(struct analysers *a, const struct lang *lang, const char *code, size_t len,
                     struct check_section *out);
