/*
 * Running the AST policy on one piece of code (see ast.h; the policy files
 * are read by ast-load.c). One check is a straight sequence:
 *
 *   1. parse with tree-sitter, within the size cap and the deadline
 *   2. report syntax errors (ERROR and MISSING nodes)
 *   3. collect bindings, then walk every reference and hold its resolved
 *      names against the @names rules
 *   4. run the language's compiled query and test each match's predicates
 *   5. run the structural checks written in C
 *   6. sort, de-duplicate and hand the findings to the section
 *
 * Fail closed: a parse that does not finish, a walk cut short by the
 * deadline or by nesting deeper than the walks follow, or a query that
 * drops matches leaves the section `error`, never `ok`.
 */
#include "config.h"

#include "check/ast-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/util.h"

/* The tree-sitter core built from node_modules/tree-sitter (package.json). */
#define AST_TS_VERSION "0.25.1"
#define AST_QUERY_MATCH_LIMIT 65535

/* ---------------------------------------------------------------------- */
/* Helpers the other files use                                            */

bool run_expired(struct run *r)
{
    /* The clock is read every 64 calls: callers call this often, and a
     * check overshoots its deadline by 64 cheap steps at most. */
    if (!r->timed_out && (r->ticks++ & 63) == 0 && sk_now_ms() > r->deadline)
        r->timed_out = true;
    return r->timed_out;
}

enum nk node_kind(const struct run *r, TSNode n)
{
    if (ts_node_is_null(n))
        return NK_OTHER;
    TSSymbol s = ts_node_symbol(n);
    return s < r->lp->nsymbols ? (enum nk)r->lp->kinds[s] : NK_OTHER;
}

const char *node_text(const struct run *r, TSNode n, size_t *len)
{
    if (ts_node_is_null(n)) {
        *len = 0;
        return "";
    }
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > r->len)
        b = (uint32_t)r->len;
    if (a > b)
        a = b;
    *len = b - a;
    return r->code + a;
}

/*
 * An identifier's name as the language sees it. Python applies NFKC to
 * identifiers when it parses them, so `ｅｖａｌ(x)` calls eval; JavaScript
 * reads \u escapes in them, so `\u0065val(x)` does. Both are evasions the
 * names must see through.
 */
int ident_name(const struct run *r, TSNode n, char *buf, size_t cap)
{
    size_t len;
    const char *t = node_text(r, n, &len);
    if (len == 0 || len >= cap)
        return -1;
    bool high = false, esc = false;
    for (size_t i = 0; i < len; i++) {
        high |= (unsigned char)t[i] >= 0x80;
        esc |= t[i] == '\\';
    }
    if (r->lp->family == FAM_PYTHON && high) {
        char tmp[AST_NAME_MAX];
        if (len >= sizeof(tmp))
            return -1;
        memcpy(tmp, t, len);
        tmp[len] = 0;
        char *nf = (char *)utf8proc_NFKC((const utf8proc_uint8_t *)tmp);
        if (!nf)
            return -1;
        size_t nl = strlen(nf);
        if (nl >= cap) {
            free(nf);
            return -1;
        }
        memcpy(buf, nf, nl + 1);
        free(nf);
        return (int)nl;
    }
    if (r->lp->family == FAM_ECMA && esc) {
        int out = 0;
        for (size_t i = 0; i < len;) {
            if (t[i] == '\\' && i + 1 < len && t[i + 1] == 'u') {
                size_t j = i + 2, end;
                if (j < len && t[j] == '{') {
                    end = j + 1;
                    while (end < len && t[end] != '}')
                        end++;
                    j++;
                } else {
                    end = j + 4 <= len ? j + 4 : len;
                }
                unsigned long cp = 0;
                for (; j < end; j++) {
                    int v = sk_hex_digit((unsigned char)t[j]);
                    if (v < 0 || cp > 0x10ffff)
                        return -1;
                    cp = cp * 16 + (unsigned long)v;
                }
                i = end < len && t[end] == '}' ? end + 1 : end;
                char tmp[AST_FOLD_MAX];
                int k = fold_utf8(tmp, 0, cp);
                if (k < 0 || (size_t)(out + k) >= cap)
                    return -1;
                memcpy(buf + out, tmp, (size_t)k);
                out += k;
            } else {
                if ((size_t)out + 1 >= cap)
                    return -1;
                buf[out++] = t[i++];
            }
        }
        buf[out] = 0;
        return out;
    }
    memcpy(buf, t, len);
    buf[len] = 0;
    return (int)len;
}

/* ---------------------------------------------------------------------- */
/* Findings                                                               */

/* Rule index of the built-in syntax findings and of the findings cap. */
#define RULE_SYNTAX (-1)
#define RULE_CAPPED (-2)

static void hit_add(struct run *r, int rule, uint32_t byte, TSPoint pt, const char *what,
                    size_t whatlen)
{
    uint32_t line = pt.row + 1;
    for (size_t i = 0; i < r->nhits; i++)
        if (r->hits[i].rule == rule && r->hits[i].line == line)
            return;
    if (r->nhits >= AST_MAX_FINDINGS) {
        r->hits_capped = true;
        return;
    }
    if (r->nhits == r->caphits) {
        r->caphits = r->caphits ? r->caphits * 2 : 16;
        r->hits = xrealloc(r->hits, r->caphits * sizeof(*r->hits));
    }
    struct hit *h = &r->hits[r->nhits++];
    memset(h, 0, sizeof(*h));
    h->rule = rule;
    h->line = line;
    h->byte = byte;
    /* Columns count code points from the start of the line, 1-based. */
    uint32_t col = 1;
    for (uint32_t i = byte - (pt.column <= byte ? pt.column : byte); i < byte && i < r->len; i++)
        if (((unsigned char)r->code[i] & 0xc0) != 0x80)
            col++;
    h->column = col;
    /* What matched goes into a message: one line, no control bytes, short,
     * and never cut inside a UTF-8 sequence. */
    size_t n = 0;
    for (size_t i = 0; what && i < whatlen && n < sizeof(h->what) - 4; i++) {
        unsigned char c = (unsigned char)what[i];
        h->what[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    if (what && whatlen > n) {
        while (n > 0 && ((unsigned char)h->what[n] & 0xc0) == 0x80)
            n--;
        if (n + 3 < sizeof(h->what)) {
            memcpy(h->what + n, "...", 3);
            n += 3;
        }
    }
    h->what[n] = 0;
}

void run_hit(struct run *r, int rule, TSNode node, const char *what, size_t whatlen)
{
    if (rule >= 0 && !r->rule_on[rule])
        return;
    hit_add(r, rule, ts_node_start_byte(node), ts_node_start_point(node), what, whatlen);
}

void run_hit_at(struct run *r, int rule, uint32_t byte, TSPoint pt, const char *what,
                size_t whatlen)
{
    if (rule >= 0 && !r->rule_on[rule])
        return;
    hit_add(r, rule, byte, pt, what, whatlen);
}

static int hit_cmp(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* The rule's message with "{}" replaced by what matched. */
static char *message_for(const char *tmpl, const char *what)
{
    const char *at = strstr(tmpl, "{}");
    if (!at)
        return xstrdup(tmpl);
    return xasprintf("%.*s%s%s", (int)(at - tmpl), tmpl, what[0] ? what : "this", at + 2);
}

static void hits_to_section(struct run *r, struct check_section *out)
{
    if (r->nhits)
        qsort(r->hits, r->nhits, sizeof(*r->hits), hit_cmp);
    for (size_t i = 0; i < r->nhits; i++) {
        const struct hit *h = &r->hits[i];
        if (h->rule == RULE_SYNTAX) {
            check_section_add(out, "ast-policy", AST_SYNTAX_RULE, "syntax", SEV_HIGH, (int)h->line,
                              (int)h->column, h->what, NULL);
            continue;
        }
        const struct ast_rule *rule = &r->lp->rules[h->rule];
        cleanup_free char *msg = message_for(rule->message, h->what);
        check_section_add(out, "ast-policy", rule->id, rule->category, rule->severity, (int)h->line,
                          (int)h->column, msg, rule->cwe);
    }
    if (r->hits_capped)
        check_section_add(out, "ast-policy", "too-many-findings", "other", SEV_HIGH, 0, 0,
                          "more findings than the AST policy reports; the rest were dropped", NULL);
}

/* ---------------------------------------------------------------------- */
/* Allowed categories                                                     */

static bool list_has(const char *list, const char *cat)
{
    if (!list)
        return false;
    size_t cl = strlen(cat);
    for (const char *p = list; *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n == cl && memcmp(p, cat, n) == 0)
            return true;
        if (n == 10 && memcmp(p, "solidity_*", 10) == 0 && strncmp(cat, "solidity_", 9) == 0)
            return true;
        p += n;
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Syntax errors                                                          */

static void syntax_errors(struct run *r)
{
    TSNode root = ts_tree_root_node(r->tree);
    if (!ts_node_has_error(root))
        return;
    TSTreeCursor c = ts_tree_cursor_new(root);
    size_t found = 0;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        bool descend = ts_node_has_error(n);
        if (ts_node_is_error(n) || ts_node_is_missing(n)) {
            char what[64];
            size_t tl;
            const char *t = node_text(r, n, &tl);
            if (ts_node_is_missing(n)) {
                snprintf(what, sizeof(what), "syntax error: missing %s", ts_node_type(n));
            } else {
                size_t k = tl < 24 ? tl : 24;
                int cut = (int)k;
                while (cut > 0 && k < tl && ((unsigned char)t[cut] & 0xc0) == 0x80)
                    cut--;
                snprintf(what, sizeof(what), "syntax error: unexpected '%.*s%s'", cut, t,
                         k < tl ? "..." : "");
            }
            hit_add(r, RULE_SYNTAX, ts_node_start_byte(n), ts_node_start_point(n), what,
                    strlen(what));
            descend = false; /* one finding per error region */
            if (++found >= AST_MAX_SYNTAX)
                break;
        }
        if (descend && ts_tree_cursor_goto_first_child(&c))
            continue;
        bool done = false;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) {
                done = true;
                break;
            }
        if (done || run_expired(r))
            break;
    }
    ts_tree_cursor_delete(&c);
}

/* ---------------------------------------------------------------------- */
/* The name walk                                                          */

static void match_names(struct run *r, TSNode n, const struct cands *cs, bool *hit)
{
    const struct lang_policy *lp = r->lp;
    for (int i = 0; i < cs->n; i++) {
        if (strcmp(cs->s[i], NAME_UNKNOWN) == 0)
            continue;
        memset(hit, 0, lp->nrules * sizeof(*hit));
        name_index_match(lp->index, cs->s[i], hit);
        for (size_t ri = 0; ri < lp->nrules; ri++) {
            if (!hit[ri] || !r->rule_on[ri])
                continue;
            /* The message names what was resolved, unless that is one of
             * the markers (<?>, <dyn>, ...): then the code itself. */
            if (strchr(cs->s[i], '<')) {
                size_t tl;
                const char *t = node_text(r, n, &tl);
                run_hit(r, (int)ri, n, t, tl);
            } else {
                run_hit(r, (int)ri, n, cs->s[i], strlen(cs->s[i]));
            }
        }
    }
}

/* A node the name walk looks at once the bindings are known. */
struct ref {
    TSNode node;
    TSNode parent;
    TSFieldId field;
    uint32_t scope;
};

/* Does `n` open a function scope (not a class)? */
static bool opens_scope(const struct run *r, TSNode n)
{
    enum nk k = node_kind(r, n);
    return k == NK_FUNCTION || (k == NK_DEF && !strstr(ts_node_type(n), "class"));
}

/*
 * One pass over the tree: record every binding (assignments, imports) in
 * its function scope and remember every node that may be a reference;
 * then hold each reference root's resolved names against the @names rules.
 * Iterative, with an explicit stack of parents, so deep nesting cannot
 * exhaust the C stack; past AST_MAX_DEPTH the walk stops and the check
 * fails (the code is not vouched for).
 */
static void names_walk(struct run *r)
{
    const struct lang_policy *lp = r->lp;
    bool py = lp->family == FAM_PYTHON;
    struct frame {
        TSNode node;
        bool scoped;
    } *stack = xmalloc(AST_MAX_DEPTH * sizeof(*stack));
    struct ref *refs = NULL;
    size_t nrefs = 0, caprefs = 0;
    int depth = 0;
    scopes_init(r);
    TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(r->tree));
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&c);
        enum nk k = node_kind(r, n);
        bool scoped = false;
        if (k != NK_OTHER) {
            scoped = opens_scope(r, n);
            if (scoped)
                scope_enter(r, ts_node_start_byte(n), ts_node_end_byte(n));
            if (py)
                py_bind_node(r, n);
            else
                ecma_bind_node(r, n);
            if (nrefs == caprefs) {
                caprefs = caprefs ? caprefs * 2 : 256;
                refs = xrealloc(refs, caprefs * sizeof(*refs));
            }
            refs[nrefs].node = n;
            refs[nrefs].parent = depth > 0 ? stack[depth - 1].node : (TSNode){0};
            refs[nrefs].field = ts_tree_cursor_current_field_id(&c);
            refs[nrefs].scope = r->scope;
            nrefs++;
        }
        if (ts_tree_cursor_goto_first_child(&c)) {
            if (depth == AST_MAX_DEPTH) {
                r->too_deep = true;
                break;
            }
            stack[depth].node = n;
            stack[depth].scoped = scoped;
            depth++;
            continue;
        }
        if (scoped)
            scope_leave(r);
        bool done = false;
        while (!ts_tree_cursor_goto_next_sibling(&c)) {
            if (!ts_tree_cursor_goto_parent(&c)) {
                done = true;
                break;
            }
            depth--;
            if (stack[depth].scoped)
                scope_leave(r);
        }
        if (done || run_expired(r))
            break;
    }
    ts_tree_cursor_delete(&c);
    free(stack);
    if (lp->nname_rules && !r->timed_out && !r->too_deep) {
        bool (*ref)(struct run *, TSNode, TSNode, TSFieldId, struct cands *) =
            py ? py_reference : ecma_reference;
        bool *hit = xmalloc(lp->nrules * sizeof(*hit));
        struct cands cs;
        for (size_t i = 0; i < nrefs && !run_expired(r); i++) {
            cands_clear(&cs);
            r->scope = refs[i].scope;
            if (ref(r, refs[i].node, refs[i].parent, refs[i].field, &cs))
                match_names(r, refs[i].node, &cs, hit);
        }
        free(hit);
    }
    r->scope = 0;
    free(refs);
}

/* ---------------------------------------------------------------------- */
/* The query and its predicates                                           */

/* The text a predicate compares: identifiers by their name (NFKC, escapes
 * decoded), anything else as written. Returns a pointer to buf or into the
 * code. */
static const char *pred_text(const struct run *r, TSNode n, char *buf, size_t cap, size_t *len)
{
    if (node_kind(r, n) == NK_IDENT) {
        int l = ident_name(r, n, buf, cap);
        if (l >= 0) {
            *len = (size_t)l;
            return buf;
        }
    }
    return node_text(r, n, len);
}

bool regex_text(const regex_t *re, const char *t, size_t len)
{
    char small[1024];
    char *s = len < sizeof(small) ? small : xmalloc(len + 1);
    memcpy(s, t, len);
    s[len] = 0;
    bool m = regexec(re, s, 0, NULL, 0) == 0;
    if (s != small)
        free(s);
    return m;
}

static bool pred_node(struct run *r, const struct pred *pr, TSNode n, const TSQueryMatch *m)
{
    char buf[AST_NAME_MAX];
    size_t len;
    if (pr->op == PRED_RESOLVES || pr->op == PRED_DYNAMIC)
        r->scope = scope_at(r, ts_node_start_byte(n), ts_node_end_byte(n));
    switch (pr->op) {
    case PRED_EQ: {
        const char *t = pred_text(r, n, buf, sizeof(buf), &len);
        if (pr->rhs_is_capture) {
            for (uint16_t i = 0; i < m->capture_count; i++) {
                if (m->captures[i].index != pr->rhs_capture)
                    continue;
                char buf2[AST_NAME_MAX];
                size_t l2;
                const char *t2 = pred_text(r, m->captures[i].node, buf2, sizeof(buf2), &l2);
                if (l2 == len && memcmp(t, t2, len) == 0)
                    return true;
            }
            return false;
        }
        return strlen(pr->strs[0]) == len && memcmp(pr->strs[0], t, len) == 0;
    }
    case PRED_ANY_OF: {
        const char *t = pred_text(r, n, buf, sizeof(buf), &len);
        for (size_t i = 0; i < pr->nstrs; i++)
            if (strlen(pr->strs[i]) == len && memcmp(pr->strs[i], t, len) == 0)
                return true;
        return false;
    }
    case PRED_MATCH: {
        const char *t = pred_text(r, n, buf, sizeof(buf), &len);
        return regex_text(&pr->re, t, len);
    }
    case PRED_DYNAMIC:
        return r->lp->family == FAM_PYTHON ? py_dynamic(r, n, pr->has_re ? &pr->re : NULL, 0)
                                           : ecma_dynamic(r, n, pr->has_re ? &pr->re : NULL, 0);
    case PRED_SCOPE: {
        /* The nearest enclosing function (not class), else the whole file:
         * found on the way down from the root, in one pass (walking up
         * with ts_node_parent() would cost the depth at every step). */
        TSNode cur = ts_tree_root_node(r->tree), scope = cur;
        while (!ts_node_eq(cur, n)) {
            TSNode next = ts_node_child_with_descendant(cur, n);
            if (ts_node_is_null(next) || ts_node_eq(next, cur))
                break;
            enum nk k = node_kind(r, next);
            if ((k == NK_DEF || k == NK_FUNCTION) && !strstr(ts_node_type(next), "class"))
                scope = next;
            cur = next;
        }
        const char *t = node_text(r, scope, &len);
        return regex_text(&pr->re, t, len);
    }
    case PRED_FILE: {
        for (int i = 0; i < r->nfile; i++)
            if (r->file_pred[i] == pr)
                return r->file_res[i];
        bool res = regex_text(&pr->re, r->code, r->len);
        if (r->nfile < (int)ARRAY_SIZE(r->file_pred)) {
            r->file_pred[r->nfile] = pr;
            r->file_res[r->nfile++] = res;
        }
        return res;
    }
    case PRED_RESOLVES: {
        /* Several patterns resolve the same callee; resolve it once. */
        size_t slot = ((uintptr_t)n.id >> 4) % ARRAY_SIZE(r->memo_id);
        if (r->memo_id[slot] != n.id) {
            if (!r->memo[slot])
                r->memo[slot] = xmalloc(sizeof(*r->memo[slot]));
            names_resolve(r, n, r->memo[slot]);
            r->memo_id[slot] = n.id;
        }
        const struct cands *cs = r->memo[slot];
        for (int i = 0; i < cs->n; i++)
            if (names_match(pr->pats, pr->npats, cs->s[i]))
                return true;
        return false;
    }
    }
    return false;
}

/*
 * A predicate holds when it holds for every node of its capture (a
 * quantified capture can hold several); its not- form when it holds for
 * none. A capture absent from the match (an optional one) leaves the
 * predicate true, as in tree-sitter's own tools.
 */
static bool preds_ok(struct run *r, const struct pattern_info *pi, const TSQueryMatch *m)
{
    for (size_t k = 0; k < pi->npreds; k++) {
        const struct pred *pr = &pi->preds[k];
        for (uint16_t i = 0; i < m->capture_count; i++) {
            if (m->captures[i].index != pr->capture)
                continue;
            if (pred_node(r, pr, m->captures[i].node, m) == pr->negate)
                return false;
        }
    }
    return true;
}

static bool query_progress(TSQueryCursorState *st)
{
    return run_expired(st->payload);
}

static void run_query(struct run *r, bool *dropped)
{
    const struct lang_policy *lp = r->lp;
    TSQueryCursor *qc = ts_query_cursor_new();
    ts_query_cursor_set_match_limit(qc, AST_QUERY_MATCH_LIMIT);
    TSQueryCursorOptions opts = {.payload = r, .progress_callback = query_progress};
    ts_query_cursor_exec_with_options(qc, lp->query, ts_tree_root_node(r->tree), &opts);
    TSQueryMatch m;
    while (ts_query_cursor_next_match(qc, &m)) {
        const struct pattern_info *pi = &lp->patterns[m.pattern_index];
        if (!r->rule_on[pi->rule] || !preds_ok(r, pi, &m))
            continue;
        for (uint16_t i = 0; i < m.capture_count; i++) {
            if (m.captures[i].index != pi->hit)
                continue;
            size_t tl;
            const char *t = node_text(r, m.captures[i].node, &tl);
            run_hit(r, pi->rule, m.captures[i].node, t, tl);
            break;
        }
    }
    *dropped = ts_query_cursor_did_exceed_match_limit(qc);
    ts_query_cursor_delete(qc);
}

/* ---------------------------------------------------------------------- */
/* The check                                                              */

struct input {
    const char *code;
    size_t len;
};

static const char *input_read(void *payload, uint32_t byte, TSPoint pt, uint32_t *n)
{
    (void)pt;
    const struct input *in = payload;
    if (byte >= in->len) {
        *n = 0;
        return "";
    }
    *n = (uint32_t)(in->len - byte);
    return in->code + byte;
}

static bool parse_progress(TSParseState *st)
{
    return run_expired(st->payload);
}

static void fail(struct check_section *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fail(struct check_section *out, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    check_section_fail(out, CHECK_ERROR, msg);
}

void ast_policy_check(const struct ast_policy *p, const struct lang *lang, const char *code,
                      size_t len, const char *extra_allow, struct check_section *out)
{
    ast_policy_check_timed(p, lang, code, len, extra_allow, out, NULL);
}

void ast_policy_check_timed(const struct ast_policy *p, const struct lang *lang, const char *code,
                            size_t len, const char *extra_allow, struct check_section *out,
                            struct ast_phases *phases)
{
    double t0 = sk_now_ms();
    if (phases)
        memset(phases, 0, sizeof(*phases));
    if (!p || !lang || (!code && len)) {
        check_section_fail(out, CHECK_ERROR, "AST policy called without a policy or code");
        return;
    }
    const struct lang_policy *lp = &p->langs[lang->id];
    if (len > p->max_bytes) {
        fail(out, "code is %zu bytes; the AST policy parses at most %zu", len, p->max_bytes);
        check_section_tool(out, "tree-sitter", AST_TS_VERSION, sk_now_ms() - t0);
        return;
    }
    struct run r = {
        .p = p,
        .lp = lp,
        .code = code ? code : "",
        .len = len,
        .deadline = t0 + p->timeout_ms,
    };
    r.rule_on = xcalloc(lp->nrules ? lp->nrules : 1, sizeof(*r.rule_on));
    for (size_t i = 0; i < lp->nrules; i++)
        r.rule_on[i] = !list_has(p->allow, lp->rules[i].category) &&
                       !list_has(extra_allow, lp->rules[i].category);

    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, lp->ts);
    struct input in = {r.code, len};
    TSInput input = {.payload = &in, .read = input_read, .encoding = TSInputEncodingUTF8};
    TSParseOptions popts = {.payload = &r, .progress_callback = parse_progress};
    r.tree = ts_parser_parse_with_options(parser, NULL, input, popts);
    ts_parser_delete(parser);
    bool dropped = false;
    if (r.tree) {
        double t1 = sk_now_ms();
        syntax_errors(&r);
        if (lp->needs_names && !r.timed_out)
            names_walk(&r);
        double t2 = sk_now_ms();
        if (lp->query && !r.timed_out)
            run_query(&r, &dropped);
        double t3 = sk_now_ms();
        if (phases) {
            phases->parse = t1 - t0;
            phases->names = t2 - t1;
            phases->query = t3 - t2;
        }
        if (!r.timed_out)
            checks_run(&r);
    }
    hits_to_section(&r, out);
    double ms = sk_now_ms() - t0;
    if (!r.tree)
        fail(out, "parse did not complete within %u ms", p->timeout_ms);
    else if (r.timed_out)
        fail(out, "AST policy did not complete within %u ms", p->timeout_ms);
    else if (r.too_deep)
        fail(out, "code nests deeper than the AST policy follows (%d levels)", AST_MAX_DEPTH);
    else if (r.bindings_capped)
        fail(out, "code binds more names than the AST policy follows (%d)", AST_MAX_BINDINGS);
    else if (dropped)
        fail(out, "AST policy query dropped matches (more than %d in progress)",
             AST_QUERY_MATCH_LIMIT);
    else
        out->status = CHECK_OK;
    check_section_tool(out, "tree-sitter", AST_TS_VERSION, ms);
    if (r.tree)
        ts_tree_delete(r.tree);
    run_names_close(&r);
    for (size_t i = 0; i < ARRAY_SIZE(r.memo); i++)
        free(r.memo[i]);
    free(r.hits);
    free(r.rule_on);
}

int ast_tree_string(const struct lang *lang, const char *code, size_t len, char **out,
                    struct sk_err *err)
{
    if (len > AST_DEFAULT_MAX_BYTES)
        return sk_err_msg(err, EFBIG, "code is %zu bytes; at most %d", len, AST_DEFAULT_MAX_BYTES);
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, lang->grammar());
    TSTree *tree = ts_parser_parse_string(parser, NULL, code ? code : "", (uint32_t)len);
    ts_parser_delete(parser);
    if (!tree)
        return sk_err_msg(err, EIO, "parse failed");
    char *s = ts_node_string(ts_tree_root_node(tree));
    ts_tree_delete(tree);
    *out = xstrdup(s);
    free(s);
    return 0;
}
