/*
 * Loading the AST policy: policy/<lang>.scm files into rules, and each
 * language's query text into one compiled tree-sitter query.
 *
 * The file format (docs/policy.md has the full description):
 *
 *     ;; @rule py.eval
 *     ;; @category code_injection
 *     ;; @severity critical
 *     ;; @cwe CWE-95
 *     ;; @message {} runs a string as Python code
 *     ;; @names eval exec compile
 *     ((call function: (identifier) @f) @hit (#eq? @f "breakpoint"))
 *
 * Lines of the form `;; @key value` are directives; every other line after
 * a rule's @rule belongs to that rule's query text. A rule is found by its
 * query patterns, its @names, its @check, or any mix of them. Each query
 * pattern marks the node it reports with the capture @hit. `@include FILE`
 * (outside a rule) reads another file of the same directory in place, and
 * `@lang a b` keeps a rule for those languages only, so TypeScript can share
 * the JavaScript rules.
 *
 * Every problem is fatal and names the file and line: a policy that loads
 * half-way would check less than its author thinks (fail closed).
 */
#include "config.h"

#include "check/ast-internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"

#define POLICY_MAX_BYTES (1024 * 1024)
#define POLICY_MAX_INCLUDE 4
#define POLICY_MAX_RULES 1024

/* The categories of DESIGN.md; solidity_<name> is open-ended. */
static const char *const categories[] = {
    "code_injection", "process", "network", "filesystem", "deserialization", "ffi",
    "reflection",     "crypto",  "secrets", "other",
};

bool category_valid(const char *cat)
{
    for (size_t i = 0; i < ARRAY_SIZE(categories); i++)
        if (strcmp(cat, categories[i]) == 0)
            return true;
    if (strncmp(cat, "solidity_", 9) == 0 && cat[9]) {
        for (const char *p = cat + 9; *p; p++)
            if (!islower((unsigned char)*p) && *p != '_')
                return false;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Reading the files                                                      */

struct loader {
    const char *dir;         /* policy directory; not owned */
    const struct lang *lang; /* the language being loaded; not owned */
    enum lang_family family;
    struct ast_rule *rules; /* owned until handed to the lang_policy */
    size_t nrules, caprules;
    struct sk_buf q; /* the query source being assembled */
    bool *keep;      /* per rule: @lang includes this language */
    int depth;       /* @include nesting */
};

static void rule_free(struct ast_rule *r)
{
    free(r->id);
    free(r->category);
    free(r->cwe);
    free(r->message);
    free(r->file);
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i].text);
    free(r->names);
}

static bool id_valid(const char *id)
{
    if (!*id || strlen(id) > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '.' && *p != '-' &&
            *p != '_')
            return false;
    return true;
}

static bool cwe_valid(const char *cwe)
{
    if (strncmp(cwe, "CWE-", 4) != 0 || !cwe[4] || strlen(cwe) > 12)
        return false;
    for (const char *p = cwe + 4; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

static int load_file(struct loader *ld, const char *name, struct sk_err *err);

/* The rule now being read is complete: check it. */
static int rule_finish(struct loader *ld, struct ast_rule *r, struct sk_err *err)
{
    const char *f = r->file;
    if (!r->category)
        return sk_err_msg(err, EINVAL, "%s:%d: rule %s has no @category", f, r->line, r->id);
    if (!r->message)
        return sk_err_msg(err, EINVAL, "%s:%d: rule %s has no @message", f, r->line, r->id);
    if ((int)r->severity < 0)
        return sk_err_msg(err, EINVAL, "%s:%d: rule %s has no @severity", f, r->line, r->id);
    /* Whether the query text holds a pattern is only known once it is
     * compiled; here, a rule must at least have something to find it by. */
    bool has_query = false;
    for (size_t i = r->qstart; i < r->qend; i++) {
        char c = ld->q.data[i];
        if (c == ';') {
            while (i < r->qend && ld->q.data[i] != '\n')
                i++;
        } else if (!isspace((unsigned char)c)) {
            has_query = true;
            break;
        }
    }
    if (!has_query)
        r->qend = r->qstart;
    if (!has_query && r->nnames == 0 && r->check == CHECK_NONE)
        return sk_err_msg(err, EINVAL, "%s:%d: rule %s has no query, @names or @check", f, r->line,
                          r->id);
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

/*
 * Apply one directive `key value` at `file:line`. `cur` is the rule being
 * read (NULL before the first @rule). A new @rule or an @include first
 * finishes `cur`.
 */
static int directive(struct loader *ld, const char *file, int line, const char *key, char *value,
                     struct ast_rule **cur, struct sk_err *err)
{
    struct ast_rule *r = *cur;
    if (strcmp(key, "rule") == 0 || strcmp(key, "include") == 0) {
        if (r) {
            r->qend = ld->q.len;
            int rc = rule_finish(ld, r, err);
            if (rc < 0)
                return rc;
            *cur = NULL;
        }
        if (strcmp(key, "include") == 0) {
            if (!*value || strchr(value, '/') || value[0] == '.')
                return sk_err_msg(err, EINVAL,
                                  "%s:%d: @include takes a file name of the policy "
                                  "directory",
                                  file, line);
            int rc = load_file(ld, value, err);
            return rc < 0 ? sk_err_wrap(err, "%s:%d", file, line) : 0;
        }
        if (!id_valid(value))
            return sk_err_msg(err, EINVAL, "%s:%d: bad rule id '%s' (use a-z 0-9 . - _)", file,
                              line, value);
        for (size_t i = 0; i < ld->nrules; i++)
            if (strcmp(ld->rules[i].id, value) == 0)
                return sk_err_msg(err, EEXIST, "%s:%d: rule %s is defined twice (first at %s:%d)",
                                  file, line, value, ld->rules[i].file, ld->rules[i].line);
        if (ld->nrules == POLICY_MAX_RULES)
            return sk_err_msg(err, E2BIG, "%s:%d: more than %d rules", file, line,
                              POLICY_MAX_RULES);
        if (ld->nrules == ld->caprules) {
            ld->caprules = ld->caprules ? ld->caprules * 2 : 32;
            ld->rules = xrealloc(ld->rules, ld->caprules * sizeof(*ld->rules));
            ld->keep = xrealloc(ld->keep, ld->caprules * sizeof(*ld->keep));
        }
        r = &ld->rules[ld->nrules];
        memset(r, 0, sizeof(*r));
        ld->keep[ld->nrules] = true;
        ld->nrules++;
        r->id = xstrdup(value);
        r->file = xstrdup(file);
        r->line = line;
        r->severity = (enum severity) - 1;
        r->qstart = ld->q.len;
        *cur = r;
        return 0;
    }
    if (!r)
        return sk_err_msg(err, EINVAL, "%s:%d: @%s outside a rule", file, line, key);
    if (strcmp(key, "category") == 0) {
        if (strcmp(value, "syntax") == 0)
            return sk_err_msg(err, EINVAL,
                              "%s:%d: the syntax category is built in; a rule "
                              "cannot use it",
                              file, line);
        if (!category_valid(value))
            return sk_err_msg(err, EINVAL, "%s:%d: unknown category '%s'", file, line, value);
        free(r->category);
        r->category = xstrdup(value);
    } else if (strcmp(key, "severity") == 0) {
        int s = severity_parse(value);
        if (s < 0)
            return sk_err_msg(err, EINVAL,
                              "%s:%d: severity must be low, medium, high or "
                              "critical",
                              file, line);
        r->severity = (enum severity)s;
    } else if (strcmp(key, "cwe") == 0) {
        if (!cwe_valid(value))
            return sk_err_msg(err, EINVAL, "%s:%d: bad CWE '%s' (want CWE-<number>)", file, line,
                              value);
        free(r->cwe);
        r->cwe = xstrdup(value);
    } else if (strcmp(key, "message") == 0) {
        if (!*value || strlen(value) > 200)
            return sk_err_msg(err, EINVAL, "%s:%d: @message must be 1-200 characters", file, line);
        free(r->message);
        r->message = xstrdup(value);
    } else if (strcmp(key, "names") == 0) {
        for (char *save = NULL, *tok = strtok_r(value, " \t", &save); tok;
             tok = strtok_r(NULL, " \t", &save)) {
            r->names = xrealloc(r->names, (r->nnames + 1) * sizeof(*r->names));
            if (name_pat_parse(tok, &r->names[r->nnames]) < 0)
                return sk_err_msg(err, EINVAL,
                                  "%s:%d: bad name pattern '%s' (use a.b, a.b* or "
                                  "*.b)",
                                  file, line, tok);
            /* The name walk resolves Python and ECMAScript only. */
            r->nnames++;
        }
        if (ld->family == FAM_SOLIDITY && r->nnames)
            return sk_err_msg(err, EINVAL, "%s:%d: @names is not available for solidity", file,
                              line);
    } else if (strcmp(key, "check") == 0) {
        unsigned fams = 0;
        enum rule_check c = check_by_name(value, &fams);
        if (c == CHECK_NONE)
            return sk_err_msg(err, EINVAL, "%s:%d: unknown check '%s'", file, line, value);
        if (!(fams & (1u << ld->family)))
            return sk_err_msg(err, EINVAL, "%s:%d: check '%s' is not available for %s", file, line,
                              value, ld->lang->name);
        r->check = c;
    } else if (strcmp(key, "lang") == 0) {
        bool found = false;
        for (char *save = NULL, *tok = strtok_r(value, " \t", &save); tok;
             tok = strtok_r(NULL, " \t", &save)) {
            if (!lang_by_name(tok))
                return sk_err_msg(err, EINVAL, "%s:%d: unknown language '%s'", file, line, tok);
            if (strcmp(tok, ld->lang->name) == 0)
                found = true;
        }
        ld->keep[r - ld->rules] = found;
    } else {
        return sk_err_msg(err, EINVAL, "%s:%d: unknown directive @%s", file, line, key);
    }
    return 0;
}

/* Read `name` from the policy directory into the loader. */
static int load_file(struct loader *ld, const char *name, struct sk_err *err)
{
    if (++ld->depth > POLICY_MAX_INCLUDE) {
        ld->depth--;
        return sk_err_msg(err, ELOOP, "%s: @include nested more than %d deep", name,
                          POLICY_MAX_INCLUDE);
    }
    cleanup_free char *path = xasprintf("%s/%s", ld->dir, name);
    cleanup_free char *text = NULL;
    size_t len = 0;
    int rc = sk_read_file(path, POLICY_MAX_BYTES, &text, &len);
    if (rc < 0) {
        ld->depth--;
        return sk_err_make(err, -rc, "policy file %s", path);
    }
    if (memchr(text, 0, len) || !sk_utf8_valid(text, len)) {
        ld->depth--;
        return sk_err_msg(err, EINVAL, "%s: not UTF-8 text", path);
    }
    struct ast_rule *cur = NULL;
    int line = 0;
    for (char *p = text, *end; p < text + len; p = end + 1) {
        end = memchr(p, '\n', (size_t)(text + len - p));
        if (!end)
            end = text + len;
        *end = 0;
        line++;
        char *s = p;
        while (*s == ' ' || *s == '\t')
            s++;
        bool is_directive = false;
        if (*s == ';') {
            char *d = s;
            while (*d == ';')
                d++;
            while (*d == ' ' || *d == '\t')
                d++;
            if (*d == '@') {
                is_directive = true;
                char *key = d + 1, *k = key;
                while (*k && (isalnum((unsigned char)*k) || *k == '-' || *k == '_'))
                    k++;
                char *value = k;
                if (*value && !isspace((unsigned char)*value)) {
                    ld->depth--;
                    return sk_err_msg(err, EINVAL, "%s:%d: bad directive", path, line);
                }
                if (*value)
                    *value++ = 0;
                value = trim(value);
                rc = directive(ld, path, line, key, value, &cur, err);
                if (rc < 0) {
                    ld->depth--;
                    return rc;
                }
            }
        }
        /* Query text keeps its line numbers: a directive inside a rule
         * leaves an empty line, so an offset maps back to file:line. */
        if (cur) {
            rc = sk_buf_append(&ld->q, is_directive ? "" : p, is_directive ? 0 : strlen(p));
            if (rc == 0)
                rc = sk_buf_append(&ld->q, "\n", 1);
            if (rc < 0) {
                ld->depth--;
                return sk_err_msg(err, EFBIG, "%s: query text too large", path);
            }
        } else if (!is_directive && *s && *s != ';') {
            ld->depth--;
            return sk_err_msg(err, EINVAL, "%s:%d: text outside a rule", path, line);
        }
    }
    if (cur) {
        cur->qend = ld->q.len;
        rc = rule_finish(ld, cur, err);
        if (rc < 0) {
            ld->depth--;
            return rc;
        }
    }
    ld->depth--;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Compiling                                                              */

/* The rule whose query text holds byte `off` of the query source, or -1. */
static int rule_at(const struct lang_policy *lp, size_t off)
{
    for (size_t i = 0; i < lp->nrules; i++)
        if (off >= lp->rules[i].qstart && off < lp->rules[i].qend)
            return (int)i;
    /* An error at the very end (an unclosed pattern) belongs to the last
     * rule with query text before it. */
    int last = -1;
    for (size_t i = 0; i < lp->nrules; i++)
        if (lp->rules[i].qend > lp->rules[i].qstart && lp->rules[i].qstart <= off)
            last = (int)i;
    return last;
}

/* The file line of query-source offset `off` inside rule `r`. */
static int line_at(const struct lang_policy *lp, const struct ast_rule *r, size_t off)
{
    int line = r->line;
    for (size_t i = r->qstart; i < off && i < lp->qlen; i++)
        if (lp->qsrc[i] == '\n')
            line++;
    return line;
}

static const char *const query_errors[] = {
    "none",          "syntax",          "unknown node type",
    "unknown field", "unknown capture", "impossible structure",
    "language",
};

static void pred_free(struct pred *pr)
{
    for (size_t i = 0; i < pr->nstrs; i++)
        free(pr->strs[i]);
    free(pr->strs);
    for (size_t i = 0; i < pr->npats; i++)
        free(pr->pats[i].text);
    free(pr->pats);
    if (pr->has_re)
        regfree(&pr->re);
}

static int pred_cost(const struct pred *pr)
{
    switch (pr->op) {
    case PRED_EQ:
    case PRED_ANY_OF:
        return 0;
    case PRED_MATCH:
        return 1;
    case PRED_RESOLVES:
        return 2;
    case PRED_DYNAMIC:
        return 3;
    default:
        return 4;
    }
}

/*
 * Compile the predicates of pattern `i` into `pi`. The C library parses
 * them but leaves their meaning to us; an unknown one is an error rather
 * than something silently true.
 */
static int compile_predicates(struct lang_policy *lp, uint32_t i, struct pattern_info *pi,
                              const char *where, struct sk_err *err)
{
    uint32_t nsteps = 0;
    const TSQueryPredicateStep *st = ts_query_predicates_for_pattern(lp->query, i, &nsteps);
    uint32_t k = 0;
    while (k < nsteps) {
        uint32_t end = k;
        while (end < nsteps && st[end].type != TSQueryPredicateStepTypeDone)
            end++;
        if (end == k || st[k].type != TSQueryPredicateStepTypeString)
            return sk_err_msg(err, EINVAL, "%s: malformed predicate", where);
        uint32_t len;
        const char *name = ts_query_string_value_for_id(lp->query, st[k].value_id, &len);
        struct pred pr = {0};
        const char *base = name;
        if (strncmp(base, "not-", 4) == 0) {
            pr.negate = true;
            base += 4;
        }
        if (strcmp(base, "eq?") == 0)
            pr.op = PRED_EQ;
        else if (strcmp(base, "match?") == 0)
            pr.op = PRED_MATCH;
        else if (strcmp(base, "any-of?") == 0)
            pr.op = PRED_ANY_OF;
        else if (strcmp(base, "resolves-to?") == 0)
            pr.op = PRED_RESOLVES;
        else if (strcmp(base, "dynamic-string?") == 0)
            pr.op = PRED_DYNAMIC;
        else if (strcmp(base, "scope-match?") == 0)
            pr.op = PRED_SCOPE;
        else if (strcmp(base, "file-match?") == 0)
            pr.op = PRED_FILE;
        else
            return sk_err_msg(err, EINVAL, "%s: unknown predicate #%s", where, name);
        uint32_t nargs = end - k - 1;
        if (nargs < (pr.op == PRED_DYNAMIC ? 1u : 2u) ||
            st[k + 1].type != TSQueryPredicateStepTypeCapture)
            return sk_err_msg(err, EINVAL, "%s: #%s takes a capture and at least one value", where,
                              name);
        if (pr.op == PRED_DYNAMIC && lp->family == FAM_SOLIDITY)
            return sk_err_msg(err, EINVAL, "%s: #%s is not available for solidity", where, name);
        pr.capture = st[k + 1].value_id;
        if (pr.op == PRED_EQ && st[k + 2].type == TSQueryPredicateStepTypeCapture) {
            if (nargs != 2)
                return sk_err_msg(err, EINVAL, "%s: #%s takes two arguments", where, name);
            pr.rhs_is_capture = true;
            pr.rhs_capture = st[k + 2].value_id;
        } else {
            if ((pr.op == PRED_EQ || pr.op == PRED_MATCH || pr.op == PRED_SCOPE ||
                 pr.op == PRED_FILE) &&
                nargs != 2)
                return sk_err_msg(err, EINVAL, "%s: #%s takes two arguments", where, name);
            pr.strs = xcalloc(nargs > 1 ? nargs - 1 : 1, sizeof(*pr.strs));
            for (uint32_t a = k + 2; a < end; a++) {
                if (st[a].type != TSQueryPredicateStepTypeString) {
                    pred_free(&pr);
                    return sk_err_msg(err, EINVAL, "%s: #%s takes string values", where, name);
                }
                uint32_t sl;
                const char *s = ts_query_string_value_for_id(lp->query, st[a].value_id, &sl);
                pr.strs[pr.nstrs++] = xstrndup(s, sl);
            }
        }
        if (pr.op == PRED_DYNAMIC && pr.nstrs > 1)
            return sk_err_msg(err, EINVAL, "%s: #%s takes at most one regular expression", where,
                              name);
        if (pr.op == PRED_DYNAMIC)
            lp->needs_names = true; /* it follows bindings */
        if ((pr.op == PRED_MATCH || pr.op == PRED_SCOPE || pr.op == PRED_FILE ||
             pr.op == PRED_DYNAMIC) &&
            pr.nstrs) {
            /* POSIX extended syntax (glibc), with a leading (?i) for a
             * case-insensitive match, the one inline flag queries use. */
            const char *re = pr.strs[0];
            int flags = REG_EXTENDED | REG_NOSUB;
            if (strncmp(re, "(?i)", 4) == 0) {
                flags |= REG_ICASE;
                re += 4;
            }
            int rc = regcomp(&pr.re, re, flags);
            if (rc != 0) {
                char msg[128];
                regerror(rc, &pr.re, msg, sizeof(msg));
                pred_free(&pr);
                return sk_err_msg(err, EINVAL, "%s: bad regular expression: %s", where, msg);
            }
            pr.has_re = true;
        } else if (pr.op == PRED_RESOLVES) {
            if (lp->family == FAM_SOLIDITY) {
                pred_free(&pr);
                return sk_err_msg(err, EINVAL, "%s: #%s is not available for solidity", where,
                                  name);
            }
            pr.pats = xcalloc(pr.nstrs, sizeof(*pr.pats));
            for (size_t a = 0; a < pr.nstrs; a++) {
                if (name_pat_parse(pr.strs[a], &pr.pats[a]) < 0) {
                    pred_free(&pr);
                    return sk_err_msg(err, EINVAL, "%s: bad name pattern '%s'", where, pr.strs[a]);
                }
                pr.npats++;
            }
            lp->needs_names = true;
        }
        pi->preds = xrealloc(pi->preds, (pi->npreds + 1) * sizeof(*pi->preds));
        pi->preds[pi->npreds++] = pr;
        k = end + 1;
    }
    /* Test the cheap predicates first: a match fails on its first false
     * one, and most matches fail. Insertion sort keeps the written order
     * among equals. */
    for (size_t a = 1; a < pi->npreds; a++) {
        struct pred key = pi->preds[a];
        size_t b = a;
        while (b > 0 && pred_cost(&pi->preds[b - 1]) > pred_cost(&key)) {
            pi->preds[b] = pi->preds[b - 1];
            b--;
        }
        pi->preds[b] = key;
    }
    return 0;
}

/* Compile the query source and map every pattern to its rule. */
static int compile_query(struct lang_policy *lp, struct sk_err *err)
{
    bool any = false;
    for (size_t i = 0; i < lp->nrules; i++)
        if (lp->rules[i].qend > lp->rules[i].qstart)
            any = true;
    if (!any)
        return 0;
    uint32_t off = 0;
    TSQueryError qerr = TSQueryErrorNone;
    lp->query = ts_query_new(lp->ts, lp->qsrc, (uint32_t)lp->qlen, &off, &qerr);
    if (!lp->query) {
        int ri = rule_at(lp, off);
        const char *what = (unsigned)qerr < ARRAY_SIZE(query_errors) ? query_errors[qerr] : "?";
        char near[40];
        size_t n = 0;
        for (size_t i = off; i < lp->qlen && n < sizeof(near) - 1 && lp->qsrc[i] != '\n'; i++)
            near[n++] = lp->qsrc[i];
        near[n] = 0;
        /* An error at the end of the text is reported on its last line. */
        bool at_end = true;
        for (size_t i = off; i < lp->qlen; i++)
            at_end &= isspace((unsigned char)lp->qsrc[i]) != 0;
        while (at_end && off > 0 && isspace((unsigned char)lp->qsrc[off - 1]))
            off--;
        if (ri < 0)
            return sk_err_msg(err, EINVAL, "%s policy: query error (%s) at offset %u",
                              lp->lang->name, what, off);
        if (at_end)
            return sk_err_msg(err, EINVAL, "%s:%d: rule %s: query error (%s) at the end",
                              lp->rules[ri].file, line_at(lp, &lp->rules[ri], off),
                              lp->rules[ri].id, what);
        return sk_err_msg(err, EINVAL, "%s:%d: rule %s: query error (%s) at '%s'",
                          lp->rules[ri].file, line_at(lp, &lp->rules[ri], off), lp->rules[ri].id,
                          what, near);
    }
    lp->npatterns = ts_query_pattern_count(lp->query);
    lp->patterns = xcalloc(lp->npatterns ? lp->npatterns : 1, sizeof(*lp->patterns));
    uint32_t hit_id = UINT32_MAX;
    for (uint32_t c = 0; c < ts_query_capture_count(lp->query); c++) {
        uint32_t len;
        const char *name = ts_query_capture_name_for_id(lp->query, c, &len);
        if (len == 3 && memcmp(name, "hit", 3) == 0)
            hit_id = c;
    }
    for (uint32_t i = 0; i < lp->npatterns; i++) {
        size_t start = ts_query_start_byte_for_pattern(lp->query, i);
        int ri = rule_at(lp, start);
        if (ri < 0)
            return sk_err_msg(err, EINVAL, "%s policy: a query pattern outside every rule",
                              lp->lang->name);
        struct ast_rule *r = &lp->rules[ri];
        char where[512];
        snprintf(where, sizeof(where), "%s:%d: rule %s", r->file, line_at(lp, r, start), r->id);
        /* The pattern's text runs to the next pattern or the rule's end. */
        size_t end = r->qend;
        if (i + 1 < lp->npatterns) {
            size_t next = ts_query_start_byte_for_pattern(lp->query, i + 1);
            if (next < end)
                end = next;
        }
        bool has_hit = false;
        for (size_t k = start; k + 4 <= end; k++)
            if (memcmp(lp->qsrc + k, "@hit", 4) == 0 &&
                (k + 4 == end || !(isalnum((unsigned char)lp->qsrc[k + 4]) ||
                                   lp->qsrc[k + 4] == '_' || lp->qsrc[k + 4] == '.')))
                has_hit = true;
        if (!has_hit || hit_id == UINT32_MAX)
            return sk_err_msg(err, EINVAL, "%s: the pattern has no @hit capture", where);
        lp->patterns[i].rule = ri;
        lp->patterns[i].hit = hit_id;
        r->npatterns++;
        int rc = compile_predicates(lp, i, &lp->patterns[i], where, err);
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; i < lp->nrules; i++)
        if (lp->rules[i].qend > lp->rules[i].qstart && lp->rules[i].npatterns == 0)
            return sk_err_msg(err, EINVAL, "%s:%d: rule %s: its query text holds no pattern",
                              lp->rules[i].file, lp->rules[i].line, lp->rules[i].id);
    return 0;
}

/* Node kinds per language family, by grammar node name. */
struct kind_name {
    const char *name;
    enum nk kind;
};

static const struct kind_name py_kinds[] = {
    {"identifier", NK_IDENT},
    {"attribute", NK_ATTR},
    {"subscript", NK_SUBSCRIPT},
    {"call", NK_CALL},
    {"parenthesized_expression", NK_WRAP},
    {"await", NK_WRAP},
    {"string", NK_STRING},
    {"concatenated_string", NK_CONCAT},
    {"binary_operator", NK_BINARY},
    {"assignment", NK_ASSIGN},
    {"named_expression", NK_ASSIGN},
    {"import_statement", NK_IMPORT},
    {"import_from_statement", NK_IMPORT_FROM},
    {"future_import_statement", NK_IMPORT_FROM},
    {"keyword_argument", NK_KWARG},
    {"list", NK_LIST},
    {"tuple", NK_LIST},
    {"integer", NK_INTEGER},
    {"function_definition", NK_DEF},
    {"class_definition", NK_DEF},
    {"parameters", NK_PARAMS},
    {"lambda_parameters", NK_PARAMS},
    {"global_statement", NK_PARAMS},
    {"nonlocal_statement", NK_PARAMS},
    {"pattern_list", NK_PATTERN},
    {"tuple_pattern", NK_PATTERN},
    {"expression_list", NK_LIST},
    {"augmented_assignment", NK_AUGASSIGN},
};

static const struct kind_name ecma_kinds[] = {
    {"identifier", NK_IDENT},
    {"member_expression", NK_ATTR},
    {"subscript_expression", NK_SUBSCRIPT},
    {"call_expression", NK_CALL},
    {"new_expression", NK_NEW},
    {"parenthesized_expression", NK_WRAP},
    {"await_expression", NK_WRAP},
    {"as_expression", NK_WRAP},
    {"non_null_expression", NK_WRAP},
    {"satisfies_expression", NK_WRAP},
    {"type_assertion", NK_WRAP},
    {"sequence_expression", NK_SEQUENCE},
    {"string", NK_STRING},
    {"template_string", NK_TEMPLATE},
    {"binary_expression", NK_BINARY},
    {"assignment_expression", NK_ASSIGN},
    {"variable_declarator", NK_VARDECL},
    {"import_statement", NK_IMPORT},
    {"export_statement", NK_EXPORT},
    {"shorthand_property_identifier", NK_SHORTHAND},
    {"array", NK_LIST},
    {"number", NK_INTEGER},
    {"this", NK_THIS},
    {"import", NK_IMPORT_KW},
    {"function_declaration", NK_DEF},
    {"function_expression", NK_DEF},
    {"generator_function_declaration", NK_DEF},
    {"generator_function", NK_DEF},
    {"class_declaration", NK_DEF},
    {"class", NK_DEF},
    {"method_definition", NK_DEF},
    {"formal_parameters", NK_PARAMS},
    {"unary_expression", NK_UNARY},
    {"jsx_opening_element", NK_JSX_NAME},
    {"jsx_closing_element", NK_JSX_NAME},
    {"jsx_self_closing_element", NK_JSX_NAME},
    {"arrow_function", NK_FUNCTION},
    {"augmented_assignment_expression", NK_AUGASSIGN},
};

static const struct kind_name sol_kinds[] = {
    {"identifier", NK_IDENT},
    {"member_expression", NK_ATTR},
    {"array_access", NK_SUBSCRIPT},
    {"call_expression", NK_CALL},
    {"parenthesized_expression", NK_WRAP},
    {"expression", NK_WRAP},
    {"string_literal", NK_STRING},
    {"binary_expression", NK_BINARY},
    {"assignment_expression", NK_ASSIGN},
    {"augmented_assignment_expression", NK_ASSIGN},
    {"function_definition", NK_DEF},
    {"modifier_definition", NK_DEF},
    {"constructor_definition", NK_DEF},
    {"fallback_receive_definition", NK_DEF},
    {"unary_expression", NK_UNARY},
};

static void build_kinds(struct lang_policy *lp)
{
    const struct kind_name *tab = lp->family == FAM_PYTHON ? py_kinds
                                  : lp->family == FAM_ECMA ? ecma_kinds
                                                           : sol_kinds;
    size_t n = lp->family == FAM_PYTHON ? ARRAY_SIZE(py_kinds)
               : lp->family == FAM_ECMA ? ARRAY_SIZE(ecma_kinds)
                                        : ARRAY_SIZE(sol_kinds);
    lp->nsymbols = ts_language_symbol_count(lp->ts);
    lp->kinds = xcalloc(lp->nsymbols, 1);
    /* Every named symbol of that name counts: grammars alias one node type
     * under several symbol ids. */
    for (uint32_t s = 0; s < lp->nsymbols; s++) {
        if (ts_language_symbol_type(lp->ts, (TSSymbol)s) != TSSymbolTypeRegular)
            continue;
        const char *name = ts_language_symbol_name(lp->ts, (TSSymbol)s);
        for (size_t k = 0; k < n; k++)
            if (strcmp(name, tab[k].name) == 0)
                lp->kinds[s] = (uint8_t)tab[k].kind;
    }
#define FIELD(member, fname)                                                                       \
    lp->f.member = ts_language_field_id_for_name(lp->ts, fname, (uint32_t)strlen(fname))
    FIELD(object, "object");
    FIELD(attribute, "attribute");
    FIELD(property, "property");
    FIELD(value, "value");
    FIELD(subscript, "subscript");
    FIELD(index, "index");
    FIELD(function, "function");
    FIELD(arguments, "arguments");
    FIELD(constructor, "constructor");
    FIELD(left, "left");
    FIELD(right, "right");
    FIELD(name, "name");
    FIELD(alias, "alias");
    FIELD(module_name, "module_name");
    FIELD(source, "source");
    FIELD(key, "key");
    FIELD(operator_, "operator");
    FIELD(argument, "argument");
    FIELD(body, "body");
    FIELD(condition, "condition");
    FIELD(type, "type");
#undef FIELD
}

static void lang_policy_close(struct lang_policy *lp)
{
    for (size_t i = 0; i < lp->nrules; i++)
        rule_free(&lp->rules[i]);
    free(lp->rules);
    for (uint32_t i = 0; i < lp->npatterns; i++) {
        for (size_t k = 0; k < lp->patterns[i].npreds; k++)
            pred_free(&lp->patterns[i].preds[k]);
        free(lp->patterns[i].preds);
    }
    free(lp->patterns);
    if (lp->query)
        ts_query_delete(lp->query);
    free(lp->qsrc);
    free(lp->kinds);
    name_index_free(lp->index);
    memset(lp, 0, sizeof(*lp));
}

static enum lang_family family_of(enum lang_id id)
{
    switch (id) {
    case LANG_PYTHON:
        return FAM_PYTHON;
    case LANG_SOLIDITY:
        return FAM_SOLIDITY;
    default:
        return FAM_ECMA;
    }
}

/* Load the policy of one language. */
static int lang_policy_load(struct lang_policy *lp, const char *dir, const struct lang *lang,
                            struct sk_err *err)
{
    lp->lang = lang;
    lp->ts = lang->grammar();
    lp->family = family_of(lang->id);
    uint32_t abi = ts_language_abi_version(lp->ts);
    if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION)
        return sk_err_msg(err, ENOTSUP, "%s grammar has ABI %u; this tree-sitter reads %d-%d",
                          lang->name, abi, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
                          TREE_SITTER_LANGUAGE_VERSION);
    struct loader ld = {.dir = dir, .lang = lang, .family = lp->family};
    sk_buf_init(&ld.q, POLICY_MAX_BYTES);
    int rc = load_file(&ld, lang->policy, err);
    /* Keep the rules meant for this language; the dropped ones' query text
     * is blanked so that offsets and line numbers stay as they were. */
    size_t kept = 0;
    for (size_t i = 0; i < ld.nrules; i++) {
        if (rc == 0 && !ld.keep[i]) {
            for (size_t k = ld.rules[i].qstart; k < ld.rules[i].qend; k++)
                if (ld.q.data[k] != '\n')
                    ld.q.data[k] = ' ';
            rule_free(&ld.rules[i]);
            continue;
        }
        ld.rules[kept++] = ld.rules[i];
    }
    free(ld.keep);
    lp->rules = ld.rules;
    lp->nrules = kept;
    lp->qlen = ld.q.len;
    lp->qsrc = sk_buf_steal(&ld.q);
    if (rc < 0)
        return rc;
    if (lp->nrules == 0)
        return sk_err_msg(err, EINVAL, "%s/%s: no rules", dir, lang->policy);
    build_kinds(lp);
    rc = compile_query(lp, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < lp->nrules; i++)
        if (lp->rules[i].nnames)
            lp->nname_rules++;
    if (lp->nname_rules) {
        lp->needs_names = true;
        lp->index = name_index_new(lp->rules, lp->nrules);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Categories a deployment allows                                         */

/*
 * Normalise a comma list of categories ("filesystem, network") into
 * "filesystem,network". Returns NULL and fills err on an unknown category,
 * or on "syntax": code that does not parse cannot be vouched for, so that
 * category is never allowed.
 */
static char *allow_parse(const char *list, struct sk_err *err)
{
    struct sk_buf b;
    sk_buf_init(&b, 4096);
    cleanup_free char *copy = xstrdup(list ? list : "");
    for (char *save = NULL, *tok = strtok_r(copy, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        if (strcmp(tok, "syntax") == 0) {
            sk_buf_close(&b);
            sk_err_msg(err, EINVAL, "the syntax category cannot be allowed");
            return NULL;
        }
        if (!category_valid(tok) && strcmp(tok, "solidity_*") != 0) {
            sk_buf_close(&b);
            sk_err_msg(err, EINVAL, "unknown category '%s' in allow_categories", tok);
            return NULL;
        }
        if ((b.len && sk_buf_append(&b, ",", 1) < 0) || sk_buf_puts(&b, tok) < 0) {
            sk_buf_close(&b);
            sk_err_msg(err, E2BIG, "allow_categories is too long");
            return NULL;
        }
    }
    return sk_buf_steal(&b);
}

int ast_policy_new(const char *policy_dir, const char *allow_categories, struct ast_policy **out,
                   struct sk_err *err)
{
    struct ast_policy *p = xcalloc(1, sizeof(*p));
    p->max_bytes = AST_DEFAULT_MAX_BYTES;
    p->timeout_ms = AST_DEFAULT_TIMEOUT_MS;
    p->allow = allow_parse(allow_categories, err);
    if (!p->allow) {
        ast_policy_free(p);
        return -err->code;
    }
    for (int i = 0; i < LANG_COUNT; i++) {
        int rc = lang_policy_load(&p->langs[i], policy_dir, lang_get((enum lang_id)i), err);
        if (rc < 0) {
            ast_policy_free(p);
            return rc;
        }
    }
    *out = p;
    return 0;
}

void ast_policy_free(struct ast_policy *p)
{
    if (!p)
        return;
    for (int i = 0; i < LANG_COUNT; i++)
        lang_policy_close(&p->langs[i]);
    free(p->allow);
    free(p);
}

void ast_policy_set_limits(struct ast_policy *p, size_t max_bytes, unsigned timeout_ms)
{
    if (max_bytes)
        p->max_bytes = max_bytes;
    if (timeout_ms)
        p->timeout_ms = timeout_ms;
}

size_t ast_policy_rule_count(const struct ast_policy *p, const struct lang *lang)
{
    return p->langs[lang->id].nrules;
}

int ast_policy_rule_info(const struct ast_policy *p, const struct lang *lang, size_t i,
                         struct ast_rule_info *out)
{
    const struct lang_policy *lp = &p->langs[lang->id];
    if (i >= lp->nrules)
        return -ENOENT;
    const struct ast_rule *r = &lp->rules[i];
    out->id = r->id;
    out->category = r->category;
    out->severity = r->severity;
    out->cwe = r->cwe;
    out->message = r->message;
    out->file = r->file;
    out->line = r->line;
    out->patterns = r->npatterns;
    out->names = r->nnames;
    out->check = r->check != CHECK_NONE;
    return 0;
}
