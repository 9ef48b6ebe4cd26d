/*
 * Stand-in for the AST policy until src/check/ast.c exists in this tree:
 * it loads nothing and leaves every section `unavailable`, so no verdict
 * can pass on it.
 */
#include "config.h"

#include "check/ast.h"

#include <stdlib.h>

struct ast_policy {
    int unused;
};

int ast_policy_new(const char *policy_dir, const char *allow_categories, struct ast_policy **out,
                   struct sk_err *err)
{
    (void)policy_dir;
    (void)allow_categories;
    (void)err;
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -12;
}

void ast_policy_free(struct ast_policy *p)
{
    free(p);
}

void ast_policy_check(const struct ast_policy *p, const struct lang *lang, const char *code,
                      size_t len, const char *extra_allow, struct check_section *out)
{
    (void)p;
    (void)lang;
    (void)code;
    (void)len;
    (void)extra_allow;
    check_section_fail(out, CHECK_UNAVAILABLE, "the AST policy is not built yet");
}
