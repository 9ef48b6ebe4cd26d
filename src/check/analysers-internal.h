/*
 * Options of the analyser pool that only tests set (private to src/check
 * and tests/check).
 */
#pragma once

#include <stdbool.h>

#include "check/analysers.h"

struct analysers_opts {
    /*
     * Run the workers as plain child processes instead of in the sandbox.
     * For the pool's own tests on hosts where the sandbox cannot start; the
     * daemon and the CLI never set it (the workers read untrusted code).
     */
    bool unsandboxed;
    int workers_per_kind; /* 0 means one */
};

/* analysers_new() with options. */
int analysers_new_opts(const struct sk_config *cfg, const struct analysers_opts *opts,
                       struct analysers **out, struct sk_err *err);

struct checker;

/* checker_new() with pool options. */
int checker_new_opts(const struct sk_config *cfg, const struct analysers_opts *opts,
                     struct checker **out, struct sk_err *err);
