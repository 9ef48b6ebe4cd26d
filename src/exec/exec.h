/*
 * Runners: how code of each language is compiled and run inside the
 * sandbox, producing the contract's `execution_results`:
 *
 *   {output, errors, compilation_status, status, exit_code, signal, wall_ms,
 *    cpu_ms, max_rss_kb, output_truncated}
 *
 * compilation_status is "success", "failed" or "not_run"; status is ok |
 * runtime_error | timeout | memory_limit | output_limit | killed | not_run.
 *
 *   python      /usr/bin/python3 -I -B -u main.py (isolated mode, no .pyc)
 *   javascript  node main.js
 *   typescript  esbuild (node_modules) transpiles main.ts in the sandbox,
 *               then node runs it with source maps; compilation_status is
 *               the transpile's. Type checking is the checks' tsc worker's.
 *   solidity    solc-js (node_modules) compiles main.sol to bytecode in the
 *               sandbox (runners/solc.js); nothing is deployed or run:
 *               `output` lists each contract with its bytecode size, and
 *               `errors` the compiler's errors and warnings with lines.
 *
 * For Python and JavaScript a syntax error is recognised from the
 * interpreter's own report (a parse error, with no frame of the program
 * on the stack) and gives compilation_status "failed".
 *
 * A run holding a network grant (net/net.h) gets the egress proxy, and the
 * variables that send ordinary code through it: http_proxy/https_proxy
 * (and upper case) for Python's urllib and most clients, and for Node a
 * preload (runners/net-proxy.js) that points fetch() and the default
 * http/https agents at it. The report of
 * its connections becomes execution_results.network. Solidity is only
 * compiled, so it never gets network.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "lang/lang.h"
#include "net/net.h"
#include "sandbox/sandbox.h"

struct exec_result {
    bool ran;                       /* false: not_run (e.g. blocked, or compile failed) */
    const char *compilation_status; /* "success" | "failed" | "not_run"; static string */
    struct sandbox_result run;      /* valid when ran */
    char *compile_errors;           /* compiler diagnostics, owned, may be NULL */
    char *summary;                  /* replaces run.out in the JSON (Solidity), owned, may be NULL */
    json_t *network;                /* the run's network report (net_proxy_report) when it held
                                       a grant, else NULL; owned */
};

/*
 * Remember where node_modules/ and runners/ are (cfg->data_dir) and find
 * the interpreters. Call after sandbox_init(). A language whose tools are
 * missing fails at exec_run() with a message naming what is missing.
 */
int exec_init(const struct sk_config *cfg, struct sk_err *err);

/*
 * Compile (where the language needs it) and run `code` in the sandbox with
 * `limits`, with network only when `grant` is not NULL (then the result's
 * `network` holds the connection log). `stdin_data` may be NULL. Returns 0
 * when the sandbox worked (whatever the program did), or a negative errno
 * when it failed.
 * The caller must exec_result_close(res) after a 0 return.
 */
int exec_run(const struct lang *lang, const char *code, size_t len, const char *stdin_data,
             size_t stdin_len, const struct sandbox_limits *limits, const struct net_grant *grant,
             struct exec_result *res, struct sk_err *err);

void exec_result_init(struct exec_result *res);
void exec_result_close(struct exec_result *res);

/* The contract's execution_results object (a new reference). */
json_t *exec_result_to_json(const struct exec_result *res);
