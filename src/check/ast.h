/*
 * The AST policy: code is parsed with tree-sitter (in process) and held
 * against per-language rules kept as data in policy/<lang>.scm. Each rule
 * has an id, category, severity, CWE and message; a deployment can allow
 * whole categories (e.g. "filesystem"). Syntax errors are findings of
 * category `syntax`.
 */
#pragma once

#include <stddef.h>

#include "base/error.h"
#include "check/finding.h"
#include "lang/lang.h"

struct ast_policy;

/*
 * Load and compile the policy files under `policy_dir` for every language.
 * `allow_categories` is a comma list of categories whose rules are off
 * (may be NULL or ""). Returns 0 and a new policy (free with
 * ast_policy_free), or a negative errno naming the file and rule at fault.
 */
int ast_policy_new(const char *policy_dir, const char *allow_categories, struct ast_policy **out,
                   struct sk_err *err);
void ast_policy_free(struct ast_policy *p);

/*
 * Parse `code` and add one finding per violation to `out`, setting its
 * status to ok (or error when the parse could not run, e.g. a timeout).
 * `extra_allow` is a comma list of categories allowed for this one call
 * (e.g. "network" for a run that holds a network grant); may be NULL.
 * Thread-safe: one policy may serve many threads.
 */
void ast_policy_check(const struct ast_policy *p, const struct lang *lang, const char *code,
                      size_t len, const char *extra_allow, struct check_section *out);
