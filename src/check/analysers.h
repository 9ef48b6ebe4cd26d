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

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "check/finding.h"
#include "lang/lang.h"

struct analysers;

/*
 * Create the pool (and start every worker now if cfg->workers_at_boot; a
 * worker that fails to start then is only logged, and tried again on its
 * first request). The workers run in the sandbox, so sandbox_init() must
 * have succeeded first. Reads cfg's data_dir (workers/ and node_modules/
 * under it), max_code_bytes and the [checks] worker_* settings; `cfg` is
 * not kept. Returns 0 and a new pool, or a negative errno (e.g. no
 * node or python found).
 */
int analysers_new(const struct sk_config *cfg, struct analysers **out, struct sk_err *err);
/* Stop every worker and free the pool. No call may be running. NULL is a no-op. */
void analysers_free(struct analysers *a);

/*
 * Run every analyser of `lang` on `code` and add their findings to `out`
 * (status ok only when all of them answered). Thread-safe; blocks while
 * all workers of that kind are busy.
 */
void analysers_check(struct analysers *a, const struct lang *lang, const char *code, size_t len,
                     struct check_section *out);

/*
 * Compile Solidity with the warm solc worker, for the pipeline's
 * compilation_status. `relax_pragma` lets a version pragma that excludes
 * the one bundled compiler through (the mismatch is still in the errors).
 * On success returns 0 and *out (a new reference the caller decrefs):
 *   {"compiled": bool, "results": [{errorCode, severity, type, message,
 *    line, column}], "contracts": {"Name": {"abi": [...], "bytecode": "hex"}}}
 * Fails with a negative errno when the worker is down, timed out or
 * answered garbage (-ETIMEDOUT, -EPIPE, -EPROTO, ...). Thread-safe.
 */
int analysers_solc_compile(struct analysers *a, const char *code, size_t len, bool relax_pragma,
                           json_t **out, struct sk_err *err);

/* Counters of one kind of worker, for metrics and tests. */
struct analysers_stats {
    unsigned long requests; /* check requests answered */
    unsigned long starts;   /* processes started (first start, restarts, recycles) */
    unsigned long crashes;  /* died, closed a pipe, or spoke out of protocol */
    unsigned long timeouts; /* killed for missing the per-request deadline */
    unsigned long recycles; /* retired after worker_max_requests or past the memory cap */
    unsigned long failures; /* requests that left their section unavailable or error */
    int pid;                /* host pid of the first worker when known (0 otherwise) */
    char version[32];       /* the tool's version from its last ping ("" before) */
};

/*
 * Counters of the kind named `kind` ("bandit", "eslint-js", "eslint-ts",
 * "tsc", "solhint", "solc"). Returns 0, or -ENOENT for an unknown name.
 */
int analysers_stats(struct analysers *a, const char *kind, struct analysers_stats *out);
