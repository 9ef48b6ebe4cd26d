/*
 * Code checks, the one entry point the pipeline and `skitty scan` use: the
 * AST policy and the static analysers, and the verdict over their sections.
 *
 * Verdict: `block` for any AST policy violation or any finding at or above
 * checks.block_severity; `warn` for findings at or above
 * checks.warn_severity; `pass` only when every check ran (status ok) and
 * found nothing above the thresholds. A check that did not run never
 * counts as passed.
 */
#pragma once

#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "check/finding.h"
#include "lang/lang.h"

enum verdict { VERDICT_PASS, VERDICT_WARN, VERDICT_BLOCK };

struct checker;

int checker_new(const struct sk_config *cfg, struct checker **out, struct sk_err *err);
void checker_free(struct checker *c);

/*
 * Run both checks on `code`. `ast` and `stat` must be initialised sections;
 * they are filled. `extra_allow` as in ast_policy_check().
 */
void checker_run(struct checker *c, const struct lang *lang, const char *code, size_t len,
                 const char *extra_allow, struct check_section *ast, struct check_section *stat);

/* The verdict over any number of sections (NULL entries are skipped). */
enum verdict checker_verdict(const struct checker *c, const struct check_section *const *sections,
                             size_t n);

const char *verdict_name(enum verdict v);
