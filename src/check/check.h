/*
 * Code checks, the one entry point the pipeline and `skitty scan` use: the
 * AST policy and the static analysers, and the verdict over their sections.
 *
 * Verdict: `block` for any AST policy violation or any finding at or above
 * checks.block_severity; `warn` for findings at or above
 * checks.warn_severity; `pass` only when every check ran (status ok) and
 * found nothing above the thresholds. A check that did not run never
 * counts as passed: a section that is not `ok` makes the verdict at least
 * `warn` (or `block` with checks.on_incomplete = block), and so does a call
 * with no sections at all.
 *
 * A finding is an AST policy violation when its tool is CHECK_TOOL_AST and
 * its severity is high or critical: every violation blocks, whatever the
 * thresholds say. The policy's low and medium rules are advisories, judged
 * by the thresholds like any analyser finding.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "check/finding.h"
#include "check/analysers.h"
#include "lang/lang.h"

/* The `tool` of the AST policy's findings. */
#define CHECK_TOOL_AST "ast-policy"

enum verdict { VERDICT_PASS, VERDICT_WARN, VERDICT_BLOCK };

struct checker;

/*
 * Load the AST policy from <data_dir>/policy (with cfg->allow_categories)
 * and create the analyser pool (see analysers_new; sandbox_init() first).
 * Fails with a negative errno and a message when the thresholds are not
 * severities, warn_severity is above block_severity, or either part fails.
 */
int checker_new(const struct sk_config *cfg, struct checker **out, struct sk_err *err);
void checker_free(struct checker *c);

/* The checker's analyser pool (e.g. for analysers_solc_compile); not owned. */
struct analysers *checker_analysers(struct checker *c);

/*
 * Run both checks on `code`. `ast` and `stat` must be initialised sections;
 * they are filled. `extra_allow` as in ast_policy_check().
 */
void checker_run(struct checker *c, const struct lang *lang, const char *code, size_t len,
                 const char *extra_allow, struct check_section *ast, struct check_section *stat);

/* The two halves of checker_run(), for callers that time them apart. */
void checker_run_ast(struct checker *c, const struct lang *lang, const char *code, size_t len,
                     const char *extra_allow, struct check_section *ast);
void checker_run_static(struct checker *c, const struct lang *lang, const char *code, size_t len,
                        struct check_section *stat);

/*
 * For a language whose "execution" is compilation (Solidity: nothing is
 * deployed), compile `code` with the warm compiler worker and give the
 * contract's execution_results (a new reference in *out): compilation_status
 * success or failed, status ok (or not_run when it did not compile), the
 * contracts and their bytecode sizes as output, the compiler's errors and
 * warnings with their lines as errors. Returns -ENOTSUP for languages that
 * run (the caller uses the sandbox runners), or a negative errno when the
 * compiler worker failed.
 */
int checker_compile(struct checker *c, const struct lang *lang, const char *code, size_t len,
                    json_t **out, struct sk_err *err);

/* True when every kind of analyser worker has been started at least once. */
bool checker_warm(struct checker *c);

/* The verdict over any number of sections (NULL entries are skipped). */
enum verdict checker_verdict(const struct checker *c, const struct check_section *const *sections,
                             size_t n);

const char *verdict_name(enum verdict v);

/*
 * The security_report object of the API for one check:
 * {"verdict", "ast_validation", "static_analysis"} (a new reference).
 */
json_t *check_report_json(enum verdict v, const struct check_section *ast,
                          const struct check_section *stat);
