/*
 * Structural checks written in C, for what tree-sitter queries cannot say.
 * A policy rule names one with `@check NAME`; the rule's metadata (id,
 * category, severity, CWE, message) still comes from the policy file, and
 * the check only decides where it fires.
 *
 *   trojan-source   bidirectional controls and invisible characters
 *                   anywhere in the code (CVE-2021-42574): text that
 *                   reads one way and runs another
 *   reentrancy      Solidity: a contract's state written after an external
 *                   call in the same function (checks-effects-interactions
 *                   broken), reported at the call
 *   unused-result   Solidity: the success flag of a low-level call stored
 *                   in a variable that is never read
 *   constructor-name  Solidity: before 0.4.22 the constructor was the
 *                   function named like the contract; a function whose name
 *                   differs from it only in case, or is called
 *                   "constructor", is an ordinary public function that
 *                   anyone can call to take the contract over
 */
#include "config.h"

#include "check/ast-internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

static const struct {
    const char *name;
    enum rule_check check;
    unsigned families; /* 1 << enum lang_family */
} checks[] = {
    {"trojan-source", CHECK_TROJAN_SOURCE, 1u << FAM_PYTHON | 1u << FAM_ECMA | 1u << FAM_SOLIDITY},
    {"reentrancy", CHECK_REENTRANCY, 1u << FAM_SOLIDITY},
    {"unused-result", CHECK_UNUSED_RESULT, 1u << FAM_SOLIDITY},
    {"constructor-name", CHECK_CONSTRUCTOR_NAME, 1u << FAM_SOLIDITY},
};

enum rule_check check_by_name(const char *name, unsigned *families)
{
    for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
        if (strcmp(name, checks[i].name) == 0) {
            *families = checks[i].families;
            return checks[i].check;
        }
    return CHECK_NONE;
}

/* ---------------------------------------------------------------------- */
/* Trojan Source                                                          */

/*
 * The code points that make source text display differently from how it
 * is parsed: the bidi embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), the marks (U+200E, U+200F, U+061C), zero-width
 * characters (U+200B-U+200D, U+2060, U+FEFF past the first byte) and the
 * Unicode line and paragraph separators (U+2028, U+2029), which
 * JavaScript reads as line ends but most editors do not.
 */
static const char *invisible_at(const unsigned char *s, size_t left, size_t *n)
{
    if (left >= 3 && s[0] == 0xe2 && s[1] == 0x80) {
        *n = 3;
        if (s[2] >= 0xaa && s[2] <= 0xae)
            return "a bidirectional control character";
        if (s[2] >= 0x8b && s[2] <= 0x8d)
            return "a zero-width character";
        if (s[2] == 0x8e || s[2] == 0x8f)
            return "a bidirectional mark";
        if (s[2] == 0xa8 || s[2] == 0xa9)
            return "a Unicode line separator";
    }
    if (left >= 3 && s[0] == 0xe2 && s[1] == 0x81) {
        *n = 3;
        if (s[2] >= 0xa6 && s[2] <= 0xa9)
            return "a bidirectional isolate character";
        if (s[2] == 0xa0)
            return "a zero-width character";
    }
    if (left >= 2 && s[0] == 0xd8 && s[1] == 0x9c) {
        *n = 2;
        return "a bidirectional mark";
    }
    if (left >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
        *n = 3;
        return "a zero-width no-break space";
    }
    return NULL;
}

static void trojan_source(struct run *r, int rule)
{
    const unsigned char *s = (const unsigned char *)r->code;
    uint32_t row = 0, line_start = 0;
    for (size_t i = 0; i < r->len; i++) {
        if (s[i] == '\n') {
            row++;
            line_start = (uint32_t)i + 1;
            continue;
        }
        if (s[i] < 0xc0)
            continue;
        size_t n = 0;
        const char *what = invisible_at(s + i, r->len - i, &n);
        if (what && !(i == 0 && s[0] == 0xef)) {
            TSPoint pt = {row, (uint32_t)i - line_start};
            run_hit_at(r, rule, (uint32_t)i, pt, what, strlen(what));
        }
        if (n)
            i += n - 1;
        if ((i & 0xffff) == 0 && run_expired(r))
            return;
    }
}

/* ---------------------------------------------------------------------- */
/* Solidity helpers                                                       */

static bool type_is(TSNode n, const char *type)
{
    return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

/* Strip the grammar's `expression` wrappers and parentheses. */
static TSNode sol_unwrap(TSNode n)
{
    for (int guard = 0; guard < 256; guard++) {
        if (!(type_is(n, "expression") || type_is(n, "parenthesized_expression")) ||
            ts_node_named_child_count(n) == 0)
            return n;
        n = ts_node_named_child(n, 0);
    }
    return n;
}

static bool text_is(const struct run *r, TSNode n, const char *s)
{
    size_t len;
    const char *t = node_text(r, n, &len);
    return len == strlen(s) && memcmp(t, s, len) == 0;
}

/*
 * Is `call` (a call_expression) a low-level external call, and which one?
 * Recognises a.call(...), a.call.value(v)(...), a.call.gas(g).value(v)(...),
 * a.call{value: v}(...), a.send(v), a.transfer(v), a.delegatecall(...),
 * a.callcode(...). Returns the member's name or NULL.
 */
static const char *low_level_call(const struct run *r, TSNode call)
{
    static const char *const names[] = {"call",         "send",     "transfer",
                                        "delegatecall", "callcode", "staticcall"};
    TSNode fn = sol_unwrap(ts_node_child_by_field_id(call, r->lp->f.function));
    for (int guard = 0; guard < 16 && !ts_node_is_null(fn); guard++) {
        if (type_is(fn, "struct_expression")) {
            /* a.call{value: v}: the braces wrap the callee. */
            fn = sol_unwrap(ts_node_child_by_field_id(fn, r->lp->f.type));
            continue;
        }
        if (type_is(fn, "call_expression")) {
            /* a.call.value(v)(...): the outer call's callee is a call. */
            fn = sol_unwrap(ts_node_child_by_field_id(fn, r->lp->f.function));
            continue;
        }
        if (!type_is(fn, "member_expression"))
            return NULL;
        TSNode prop = ts_node_child_by_field_name(fn, "property", 8);
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
            if (text_is(r, prop, names[i]))
                return names[i];
        if (text_is(r, prop, "value") || text_is(r, prop, "gas")) {
            fn = sol_unwrap(ts_node_child_by_field_id(fn, r->lp->f.object));
            continue;
        }
        return NULL;
    }
    return NULL;
}

/* Pre-order iteration over the subtree of `root`, within the deadline. */
struct iter {
    TSTreeCursor c;
    TSNode root;
    bool started, done;
};

static void iter_init(struct iter *it, TSNode root)
{
    it->c = ts_tree_cursor_new(root);
    it->root = root;
    it->started = false;
    it->done = false;
}

/* Next node, or false at the end. `skip` skips the last node's children. */
static bool iter_next(struct run *r, struct iter *it, bool skip, TSNode *out)
{
    if (it->done)
        return false;
    if (!it->started) {
        it->started = true;
        *out = ts_tree_cursor_current_node(&it->c);
        return true;
    }
    if (!skip && ts_tree_cursor_goto_first_child(&it->c)) {
        *out = ts_tree_cursor_current_node(&it->c);
        return true;
    }
    for (;;) {
        if (ts_node_eq(ts_tree_cursor_current_node(&it->c), it->root) || run_expired(r)) {
            it->done = true;
            return false;
        }
        if (ts_tree_cursor_goto_next_sibling(&it->c)) {
            *out = ts_tree_cursor_current_node(&it->c);
            return true;
        }
        if (!ts_tree_cursor_goto_parent(&it->c)) {
            it->done = true;
            return false;
        }
    }
}

static void iter_close(struct iter *it)
{
    ts_tree_cursor_delete(&it->c);
}

/* The state variables of a contract body: names, in source order. */
struct names {
    size_t n;
    const char *s[512]; /* pointers into the code; not owned */
    size_t len[512];
};

static void state_vars(const struct run *r, TSNode body, struct names *out)
{
    out->n = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(body) && out->n < 512; i++) {
        TSNode d = ts_node_named_child(body, i);
        if (!type_is(d, "state_variable_declaration"))
            continue;
        TSNode nm = ts_node_child_by_field_id(d, r->lp->f.name);
        if (ts_node_is_null(nm))
            continue;
        out->s[out->n] = node_text(r, nm, &out->len[out->n]);
        out->n++;
    }
}

static bool names_has(const struct names *ns, const char *s, size_t len)
{
    for (size_t i = 0; i < ns->n; i++)
        if (ns->len[i] == len && memcmp(ns->s[i], s, len) == 0)
            return true;
    return false;
}

/* The identifier at the root of an lvalue: balances[a].b -> balances. */
static TSNode lvalue_root(const struct run *r, TSNode n)
{
    for (int guard = 0; guard < 64; guard++) {
        n = sol_unwrap(n);
        if (type_is(n, "array_access"))
            n = ts_node_child_by_field_name(n, "base", 4);
        else if (type_is(n, "member_expression"))
            n = ts_node_child_by_field_id(n, r->lp->f.object);
        else
            return n;
    }
    (void)r;
    return n;
}

/* If `n` writes a state variable, the node written; else a null node. */
static TSNode state_write(const struct run *r, TSNode n, const struct names *vars)
{
    TSNode target = {0};
    const char *t = ts_node_type(n);
    if (strcmp(t, "assignment_expression") == 0 ||
        strcmp(t, "augmented_assignment_expression") == 0) {
        target = ts_node_child_by_field_id(n, r->lp->f.left);
    } else if (strcmp(t, "update_expression") == 0) {
        target = ts_node_child_by_field_id(n, r->lp->f.argument);
    } else if (strcmp(t, "unary_expression") == 0) {
        size_t len;
        const char *s = node_text(r, n, &len);
        if (len > 7 && memcmp(s, "delete", 6) == 0 && !isalnum((unsigned char)s[6]))
            target = ts_node_child_by_field_id(n, r->lp->f.argument);
    } else if (strcmp(t, "call_expression") == 0) {
        /* arr.push(x), arr.pop() on a state array */
        TSNode fn = sol_unwrap(ts_node_child_by_field_id(n, r->lp->f.function));
        if (type_is(fn, "member_expression")) {
            TSNode prop = ts_node_child_by_field_name(fn, "property", 8);
            if (text_is(r, prop, "push") || text_is(r, prop, "pop"))
                target = ts_node_child_by_field_id(fn, r->lp->f.object);
        }
    }
    if (ts_node_is_null(target))
        return target;
    TSNode root = lvalue_root(r, target);
    if (!type_is(root, "identifier"))
        return (TSNode){0};
    size_t len;
    const char *s = node_text(r, root, &len);
    return names_has(vars, s, len) ? root : (TSNode){0};
}

/* A modifier that guards against reentrancy: nonReentrant, noReentrancy, mutex, lock. */
static bool guarded(const struct run *r, TSNode fn)
{
    for (uint32_t i = 0; i < ts_node_named_child_count(fn); i++) {
        TSNode m = ts_node_named_child(fn, i);
        if (!type_is(m, "modifier_invocation"))
            continue;
        size_t len;
        const char *s = node_text(r, m, &len);
        char buf[64];
        size_t k = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
        memcpy(buf, s, k);
        buf[k] = 0;
        for (char *p = buf; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (strstr(buf, "reentran") || strstr(buf, "mutex") || strstr(buf, "lock"))
            return true;
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Reentrancy and unused call results: one pass over each function        */

/* What one pass over a function body collects. */
struct fn_facts {
    TSNode calls[64]; /* low-level calls, in source order (the first 64) */
    size_t ncalls;
    struct {
        uint32_t byte; /* where the write starts */
        TSNode target; /* the state variable written */
    } writes[128];     /* the first 128 state writes after the first call */
    size_t nwrites;
    struct {
        TSNode call;      /* the low-level call */
        const char *name; /* the flag it is stored in; points into the code */
        size_t len;
        uint32_t end; /* end of its declaration */
        bool read;    /* read later in the function */
    } flags[32];
    size_t nflags;
};

/*
 * Is `decl` (a variable_declaration_statement) a local name pointing into
 * storage: `var acc = Acc[msg.sender]` (before 0.5) or `Account storage acc
 * = accounts[a]`? Writing through it writes the contract's state.
 */
static bool storage_alias(struct run *r, TSNode stmt, const struct names *vars, TSNode *name)
{
    TSNode decl = ts_node_named_child(stmt, 0);
    TSNode root = lvalue_root(r, ts_node_child_by_field_id(stmt, r->lp->f.value));
    if (!type_is(decl, "variable_declaration") || !type_is(root, "identifier"))
        return false;
    size_t rl, dl;
    const char *rs = node_text(r, root, &rl);
    const char *ds = node_text(r, decl, &dl);
    if (!names_has(vars, rs, rl) ||
        !((dl > 4 && memcmp(ds, "var", 3) == 0 && isspace((unsigned char)ds[3])) ||
          memmem(ds, dl, " storage ", 9)))
        return false;
    *name = ts_node_child_by_field_id(decl, r->lp->f.name);
    return !ts_node_is_null(*name);
}

/* The success flag of `stmt` if it stores a low-level call's result. */
static bool call_flag(struct run *r, TSNode stmt, TSNode *call, TSNode *name)
{
    *call = sol_unwrap(ts_node_child_by_field_id(stmt, r->lp->f.value));
    if (!type_is(*call, "call_expression") || !low_level_call(r, *call))
        return false;
    /* (bool ok, bytes memory data) = ...; or bool ok = ...; the flag is the
     * first variable declared. */
    TSNode decl = ts_node_named_child(stmt, 0);
    if (type_is(decl, "variable_declaration_tuple"))
        decl = ts_node_named_child(decl, 0);
    if (!type_is(decl, "variable_declaration"))
        return false;
    *name = ts_node_child_by_field_id(decl, r->lp->f.name);
    return !ts_node_is_null(*name);
}

static void function_facts(struct run *r, TSNode body, struct names *vars, struct fn_facts *f)
{
    f->ncalls = f->nwrites = f->nflags = 0;
    struct iter it;
    iter_init(&it, body);
    TSNode n;
    while (iter_next(r, &it, false, &n)) {
        const char *t = ts_node_type(n);
        if (strcmp(t, "identifier") == 0) {
            /* A read of a success flag declared earlier. */
            size_t len;
            const char *s = node_text(r, n, &len);
            for (size_t i = 0; i < f->nflags; i++)
                if (!f->flags[i].read && ts_node_start_byte(n) >= f->flags[i].end &&
                    len == f->flags[i].len && memcmp(s, f->flags[i].name, len) == 0)
                    f->flags[i].read = true;
            continue;
        }
        if (strcmp(t, "variable_declaration_statement") == 0) {
            TSNode name, call;
            if (storage_alias(r, n, vars, &name) && vars->n < 512) {
                vars->s[vars->n] = node_text(r, name, &vars->len[vars->n]);
                vars->n++;
            }
            if (call_flag(r, n, &call, &name) && f->nflags < 32) {
                f->flags[f->nflags].call = call;
                f->flags[f->nflags].name = node_text(r, name, &f->flags[f->nflags].len);
                f->flags[f->nflags].end = ts_node_end_byte(n);
                f->flags[f->nflags].read = false;
                f->nflags++;
            }
        }
        if (strcmp(t, "call_expression") == 0 && low_level_call(r, n) && f->ncalls < 64)
            f->calls[f->ncalls++] = n;
        if (f->ncalls > 0 && f->nwrites < 128 &&
            ts_node_start_byte(n) >= ts_node_end_byte(f->calls[0])) {
            TSNode w = state_write(r, n, vars);
            if (!ts_node_is_null(w)) {
                f->writes[f->nwrites].byte = ts_node_start_byte(n);
                f->writes[f->nwrites].target = w;
                f->nwrites++;
            }
        }
    }
    iter_close(&it);
}

/*
 * Reentrancy: each external call that a state write follows in the same
 * function (a call in a loop followed by a write before it is not seen).
 * Unused results: each success flag never read after its declaration.
 * Either rule may be -1 (not in the policy, or allowed away).
 */
static void solidity_functions(struct run *r, int reentrancy, int unused)
{
    struct names *state = xmalloc(sizeof(*state));
    struct names *vars = xmalloc(sizeof(*vars));
    struct fn_facts *f = xmalloc(sizeof(*f));
    struct iter it;
    iter_init(&it, ts_tree_root_node(r->tree));
    TSNode n;
    bool skip = false;
    while (iter_next(r, &it, skip, &n)) {
        skip = false;
        if (!type_is(n, "contract_declaration") && !type_is(n, "library_declaration") &&
            !type_is(n, "interface_declaration"))
            continue;
        skip = true;
        TSNode body = ts_node_child_by_field_id(n, r->lp->f.body);
        if (ts_node_is_null(body))
            continue;
        state_vars(r, body, state);
        for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
            TSNode fn = ts_node_named_child(body, i);
            if (!type_is(fn, "function_definition") &&
                !type_is(fn, "fallback_receive_definition") &&
                !type_is(fn, "constructor_definition") && !type_is(fn, "modifier_definition"))
                continue;
            TSNode fb = ts_node_child_by_field_id(fn, r->lp->f.body);
            if (ts_node_is_null(fb))
                continue;
            memcpy(vars, state, sizeof(*vars));
            function_facts(r, fb, vars, f);
            if (reentrancy >= 0 && state->n > 0 && !guarded(r, fn)) {
                for (size_t c = 0; c < f->ncalls; c++) {
                    uint32_t end = ts_node_end_byte(f->calls[c]);
                    for (size_t w = 0; w < f->nwrites; w++) {
                        if (f->writes[w].byte < end)
                            continue;
                        size_t len;
                        const char *t = node_text(r, f->writes[w].target, &len);
                        run_hit(r, reentrancy, f->calls[c], t, len);
                        break;
                    }
                }
            }
            for (size_t k = 0; unused >= 0 && k < f->nflags; k++)
                if (!f->flags[k].read)
                    run_hit(r, unused, f->flags[k].call, f->flags[k].name, f->flags[k].len);
        }
    }
    iter_close(&it);
    free(f);
    free(vars);
    free(state);
}

/* ---------------------------------------------------------------------- */
/* Constructors by the wrong name                                         */

static void constructor_name(struct run *r, int rule)
{
    struct iter it;
    iter_init(&it, ts_tree_root_node(r->tree));
    TSNode n;
    bool skip = false;
    while (iter_next(r, &it, skip, &n)) {
        skip = false;
        if (!type_is(n, "contract_declaration"))
            continue;
        skip = true;
        size_t cl;
        const char *cname = node_text(r, ts_node_child_by_field_id(n, r->lp->f.name), &cl);
        TSNode body = ts_node_child_by_field_id(n, r->lp->f.body);
        for (uint32_t i = 0; cl && i < ts_node_named_child_count(body); i++) {
            TSNode f = ts_node_named_child(body, i);
            if (!type_is(f, "function_definition"))
                continue;
            size_t fl;
            TSNode nm = ts_node_child_by_field_id(f, r->lp->f.name);
            const char *fname = node_text(r, nm, &fl);
            bool near = fl == cl && strncasecmp(fname, cname, cl) == 0 && memcmp(fname, cname, cl);
            bool literal = fl == 11 && strncasecmp(fname, "constructor", 11) == 0;
            if (near || literal)
                run_hit(r, rule, f, fname, fl);
        }
    }
    iter_close(&it);
}

/* ---------------------------------------------------------------------- */

void checks_run(struct run *r)
{
    const struct lang_policy *lp = r->lp;
    int reentrancy = -1, unused = -1;
    for (size_t i = 0; i < lp->nrules && !run_expired(r); i++) {
        if (lp->rules[i].check == CHECK_NONE || !r->rule_on[i])
            continue;
        switch (lp->rules[i].check) {
        case CHECK_TROJAN_SOURCE:
            trojan_source(r, (int)i);
            break;
        case CHECK_REENTRANCY:
            reentrancy = (int)i;
            break;
        case CHECK_UNUSED_RESULT:
            unused = (int)i;
            break;
        case CHECK_CONSTRUCTOR_NAME:
            constructor_name(r, (int)i);
            break;
        case CHECK_NONE:
            break;
        }
    }
    /* Both are answered by one pass over each function. */
    if ((reentrancy >= 0 || unused >= 0) && !r->timed_out)
        solidity_functions(r, reentrancy, unused);
}
