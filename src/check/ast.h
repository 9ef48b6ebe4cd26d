/*
 * The AST policy: code is parsed with tree-sitter (in process) and held
 * against per-language rules kept as data in policy/<lang>.scm. Each rule
 * has an id, category, severity, CWE and message; a deployment can allow
 * whole categories (e.g. "filesystem"). Syntax errors are findings of
 * category `syntax`. Findings of severity high or critical are policy
 * violations, low and medium advisories (docs/policy.md).
 */
#pragma once

#include <stdbool.h>
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
 * status to ok, or to error (with the reason) when the check could not
 * complete: code over the size cap, the deadline passed, nesting or
 * bindings past what the walks follow. Findings made before such a stop
 * are kept.
 * `extra_allow` is a comma list of categories allowed for this one call
 * (e.g. "network" for a run that holds a network grant); may be NULL.
 * Thread-safe: one policy may serve many threads.
 */
void ast_policy_check(const struct ast_policy *p, const struct lang *lang, const char *code,
                      size_t len, const char *extra_allow, struct check_section *out);

/*
 * Limits of one check: the largest input parsed (bytes) and the time one
 * check may take (parse, queries and walks together). Past either, the
 * section is `error`, never `ok`. Zero keeps the current value. Defaults:
 * 1 MiB and 2000 ms. Call before the policy is shared between threads.
 */
void ast_policy_set_limits(struct ast_policy *p, size_t max_bytes, unsigned timeout_ms);

/* Where the time of one check went, in milliseconds (for benchmarks). */
struct ast_phases {
    double parse; /* tree-sitter parse */
    double names; /* syntax errors, bindings and the name walk */
    double query; /* the compiled query and its predicates */
};

/* ast_policy_check() that also reports its phases in `phases` (may be NULL). */
void ast_policy_check_timed(const struct ast_policy *p, const struct lang *lang, const char *code,
                            size_t len, const char *extra_allow, struct check_section *out,
                            struct ast_phases *phases);

/* What a rule is, for listings (docs/policy.md, `skitty policy`) and tests. */
struct ast_rule_info {
    const char *id;       /* "py.eval"; owned by the policy */
    const char *category; /* owned by the policy */
    enum severity severity;
    const char *cwe;     /* NULL when none; owned by the policy */
    const char *message; /* may hold "{}" (what matched); owned by the policy */
    const char *file;    /* the policy file that declares it; owned by the policy */
    int line;            /* of its @rule directive */
    int patterns;        /* query patterns */
    size_t names;        /* @names patterns */
    bool check;          /* has a structural check in C */
};

/* Number of rules the policy holds for `lang`. */
size_t ast_policy_rule_count(const struct ast_policy *p, const struct lang *lang);

/* Rule `i` of `lang` (0 <= i < count). Returns 0, or -ENOENT. */
int ast_policy_rule_info(const struct ast_policy *p, const struct lang *lang, size_t i,
                         struct ast_rule_info *out);

/*
 * The rule id of the built-in syntax check (category `syntax`, severity
 * high): every policy has it and no deployment can allow it away.
 */
#define AST_SYNTAX_RULE "syntax-error"

/*
 * The syntax tree tree-sitter builds for `code`, as an S-expression with
 * field names (the form queries are written against), for policy authors.
 * Returns 0 and a string the caller frees, or a negative errno.
 */
int ast_tree_string(const struct lang *lang, const char *code, size_t len, char **out,
                    struct sk_err *err);
