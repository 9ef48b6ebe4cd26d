/*
 * The Solidity repair rules (see repair.h): a missing ';' (solc's
 * ParserError), the SPDX line and the version pragma, and the security
 * fixes tx.origin -> msg.sender, unchecked send/call -> checked with
 * require, and state updates moved before the external call
 * (checks-effects-interactions).
 *
 * The findings come from the AST policy (sol.*), solhint and solc (by
 * error code); the messages from solc-js 0.8.37 as the sandbox runs it.
 */
#include "config.h"

#include "model/repair-internal.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct lex_tok *T(const struct rctx *c, size_t i)
{
    return &c->lx.toks[i];
}

/* Tokens a statement scan looks at: longer statements are not followed. */
#define MAX_STMT_TOKENS 4096

/* The first significant token starting on `line`, or SIZE_MAX. */
static size_t first_on_line(const struct rctx *c, int line)
{
    size_t t = tok_on_line(c, line);
    while (t < c->lx.ntoks && T(c, t)->line == (unsigned)line && !lex_tok_significant(T(c, t)))
        t++;
    return t < c->lx.ntoks && T(c, t)->line == (unsigned)line ? t : SIZE_MAX;
}

/* Statements that hold others: a fix that rewrites a statement must not
 * take one of these for it. */
static const char *const compound[] = {"if", "else", "for", "while", "do", "return", "emit",
                                       "revert", "require", "assert", "unchecked", "try", NULL};

/* First token of the statement holding token t (t at the statement's depth). */
static size_t stmt_start(const struct rctx *c, size_t t)
{
    int depth = T(c, t)->depth;
    for (size_t n = 0; n < MAX_STMT_TOKENS; n++) {
        size_t p = tok_prev(c, t);
        if (p == SIZE_MAX || T(c, p)->depth < depth ||
            (T(c, p)->depth == depth && (tok_is(c, p, ";") || tok_is(c, p, "}") || tok_is(c, p, "{"))))
            return t;
        t = p;
    }
    return SIZE_MAX;
}

/* The ';' that ends the statement starting at s, or SIZE_MAX. */
static size_t stmt_end(const struct rctx *c, size_t s)
{
    int depth = T(c, s)->depth;
    size_t t = s;
    for (size_t n = 0; t != SIZE_MAX && n < MAX_STMT_TOKENS; n++, t = tok_next(c, t)) {
        if (T(c, t)->depth < depth)
            return SIZE_MAX;
        if (T(c, t)->depth == depth && tok_is(c, t, ";"))
            return t;
        if (T(c, t)->depth == depth && tok_is(c, t, "{") && t != s) {
            /* Call options, x.call{value: v}(...), are part of an expression;
             * any other brace opens a block. */
            size_t p = T(c, t)->pair;
            if (p == SIZE_MAX || !tok_is(c, tok_next(c, p), "("))
                return SIZE_MAX;
            t = p;
        }
    }
    return SIZE_MAX;
}

/* The '{' of the block holding token t, or SIZE_MAX. */
static size_t enclosing_block(const struct rctx *c, size_t t)
{
    int depth = T(c, t)->depth;
    for (size_t n = 0; t != SIZE_MAX && n < (size_t)1 << 20; n++) {
        t = tok_prev(c, t);
        if (t != SIZE_MAX && T(c, t)->depth < depth)
            return tok_is(c, t, "{") ? t : SIZE_MAX;
    }
    return SIZE_MAX;
}

/* The statement starts its line and nothing but a comment follows its end. */
static bool own_lines(const struct rctx *c, size_t s, size_t e)
{
    if (first_on_line(c, (int)T(c, s)->line) != s)
        return false;
    size_t n = e + 1;
    while (n < c->lx.ntoks && T(c, n)->kind == LEX_COMMENT)
        n++;
    return n >= c->lx.ntoks || T(c, n)->line > T(c, e)->line;
}

static void indent_of(const struct rctx *c, size_t t, char *buf, size_t size)
{
    int line = (int)T(c, t)->line;
    size_t n = line_ws(c, line);
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), c->src + line_start(c, line));
}

/* Some token in [from, to] is the identifier `name`. */
static bool mentions(const struct rctx *c, size_t from, size_t to, const char *name)
{
    size_t len = strlen(name);
    for (size_t k = from; k <= to && k < c->lx.ntoks; k++)
        if (tok_ident(c, k, name, len))
            return true;
    return false;
}

/* ====================================================================== */
/* Syntax                                                                 */
/* ====================================================================== */

/* ParserError: Expected ';' but got ... -- after the token before it. */
static int missing_semicolon(struct rctx *c, const struct rdiag *d)
{
    if ((!diag_has(d, "Expected ';' but got") && !diag_has(d, "missing ';' at")) || d->line < 1)
        return 0;
    size_t t = first_on_line(c, d->line);
    if (t == SIZE_MAX)
        return 0;
    if (d->column > 0) {
        size_t col = line_start(c, d->line) + (size_t)d->column - 1;
        while (t < c->lx.ntoks && T(c, t)->line == (unsigned)d->line && T(c, t)->start < col)
            t++;
        if (t >= c->lx.ntoks || T(c, t)->line != (unsigned)d->line || T(c, t)->start != col)
            return 0;
    }
    size_t p = tok_prev(c, t);
    if (p == SIZE_MAX)
        return 0;
    bool value = T(c, p)->kind == LEX_IDENT || T(c, p)->kind == LEX_NUMBER ||
                 T(c, p)->kind == LEX_STRING || tok_is(c, p, ")") || tok_is(c, p, "]");
    /* The statement ended at the end of its line: the next token is on a
     * later line, or is the block's '}'. */
    if (!value || (T(c, p)->line == T(c, t)->line && !tok_is(c, t, "}")))
        return 0;
    fix_edit(c, tok_end(c, p), 0, ";");
    return fix_commit(c, (int)T(c, p)->line, "sol-missing-semicolon",
                      "added the ';' that ends the statement");
}

/* ====================================================================== */
/* SPDX and pragma                                                        */
/* ====================================================================== */

static bool has_spdx(const struct rctx *c)
{
    static const char key[] = "SPDX-License-Identifier";
    for (size_t i = 0; i < c->lx.ntoks; i++)
        if (T(c, i)->kind == LEX_COMMENT && T(c, i)->len >= sizeof(key) - 1 &&
            memmem(c->src + T(c, i)->start, T(c, i)->len, key, sizeof(key) - 1))
            return true;
    return false;
}

static bool has_pragma(const struct rctx *c)
{
    for (size_t i = 0; i < c->lx.ntoks; i++)
        if (tok_is(c, i, "pragma") && tok_is(c, tok_next(c, i), "solidity"))
            return true;
    return false;
}

/* The version solc suggested ("Consider adding \"pragma solidity ^0.8.37;\"");
 * false (and ^0.8.0) when it suggested none. */
static bool pragma_version(const struct rctx *c, char *buf, size_t size)
{
    snprintf(buf, size, "^0.8.0");
    for (size_t i = 0; i < c->ndiags; i++) {
        const char *p = strstr(c->diags[i].msg, "pragma solidity ");
        if (!p)
            continue;
        p += 16;
        size_t n = 0;
        while (p[n] && strchr("^~>=<0123456789. ", p[n]) && n < 32)
            n++;
        if (n > 0 && p[n] == ';' && isdigit((unsigned char)p[n - 1])) {
            snprintf(buf, size, "%.*s", (int)n, p);
            return true;
        }
    }
    return false;
}

static bool mentioned(const struct rctx *c, const char *text)
{
    for (size_t i = 0; i < c->ndiags; i++)
        if (diag_has(&c->diags[i], text))
            return true;
    return false;
}

/*
 * The SPDX line and the pragma: when solc's warnings name them, and with
 * any other Solidity fix (a parser error hides these warnings until it is
 * fixed, and adding them is always safe). The SPDX line says UNLICENSED:
 * the licence is the author's to choose.
 */
int repair_sol_companions(struct rctx *c)
{
    bool other = c->fixes > 0;
    int done = 0;
    if (!has_spdx(c) && (other || mentioned(c, "SPDX license identifier not provided"))) {
        fix_begin(c);
        fix_edit(c, 0, 0, "// SPDX-License-Identifier: UNLICENSED\n");
        done += fix_commit(c, 1, "sol-spdx",
                           "added the SPDX licence line (UNLICENSED: put your licence there)");
    }
    if (!has_pragma(c) && (other || mentioned(c, "does not specify required compiler version"))) {
        char v[40], *text;
        bool suggested = pragma_version(c, v, sizeof(v));
        /* After an SPDX line the file has, else at the top (after ours). */
        size_t at = 0;
        if (has_spdx(c)) {
            size_t t = 0;
            while (t < c->lx.ntoks && T(c, t)->kind == LEX_COMMENT)
                t++;
            at = t < c->lx.ntoks ? line_start(c, (int)T(c, t)->line) : c->len;
        }
        text = xasprintf("%spragma solidity %s;\n", at == c->len && at > 0 && c->src[at - 1] != '\n' ? "\n" : "", v);
        fix_begin(c);
        fix_edit(c, at, 0, text);
        free(text);
        done += fix_commit(c, line_of(c, at), "sol-pragma", "added 'pragma solidity %s;' (%s)", v,
                           suggested ? "the version solc suggested"
                                     : "Solidity 0.8, which the checking compiler accepts");
    }
    return done;
}

/* ====================================================================== */
/* Security fixes                                                         */
/* ====================================================================== */

/* avoid-tx-origin / sol.tx-origin: tx.origin in a comparison or assignment -> msg.sender. */
static int msg_sender(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"avoid-tx-origin", "sol.tx-origin", NULL};
    if (!diag_rule_in(d, rules) || d->line < 1)
        return 0;
    size_t t = first_on_line(c, d->line);
    if (t == SIZE_MAX)
        return 0;
    size_t s = stmt_start(c, t);
    size_t e = s == SIZE_MAX ? SIZE_MAX : stmt_end(c, s);
    /* Inside a control statement's condition, the statement is the if/require
     * line itself: take its tokens up to the end of the line. */
    if (e == SIZE_MAX) {
        s = t;
        e = t;
        while (e + 1 < c->lx.ntoks && T(c, e + 1)->line == (unsigned)d->line)
            e++;
    }
    /* tx.origin == msg.sender is the check for a call from an account: not
     * an authorisation, and the rewrite would make it always true. */
    for (size_t k = s; k + 2 <= e; k++)
        if (tok_is(c, k, "msg") && tok_is(c, k + 1, ".") && tok_is(c, k + 2, "sender"))
            return 0;
    int n = 0;
    for (size_t k = s; k + 2 <= e; k++) {
        if (!tok_is(c, k, "tx") || !tok_is(c, k + 1, ".") || !tok_is(c, k + 2, "origin"))
            continue;
        size_t a = tok_prev(c, k), b = tok_next(c, k + 2);
        bool compare = tok_in(c, a, (const char *const[]){"==", "!=", NULL}) ||
                       tok_in(c, b, (const char *const[]){"==", "!=", NULL});
        bool assign = tok_is(c, a, "=") && tok_in(c, b, (const char *const[]){";", NULL});
        if (!compare && !assign)
            return fix_abort(c);
        fix_edit(c, T(c, k)->start, tok_end(c, k + 2) - T(c, k)->start, "msg.sender");
        n++;
    }
    if (n == 0)
        return 0;
    return fix_commit(c, d->line, "sol-msg-sender",
                      "tx.origin replaced with msg.sender: authorise the direct caller, which "
                      "another contract cannot impersonate");
}

/* The low-level call in [s, e]: its member token (send, call), or SIZE_MAX. */
static size_t low_level(const struct rctx *c, size_t s, size_t e)
{
    for (size_t k = s; k < e; k++)
        if (tok_is(c, k, ".") &&
            tok_in(c, k + 1, (const char *const[]){"send", "call", "delegatecall", "staticcall",
                                                   "callcode", NULL}))
            return k + 1;
    return SIZE_MAX;
}

/* check-send-result / no-unchecked-calls / sol.unchecked-call(-result) /
 * solc 9302, 5878: the success flag of a send or call is required. */
static int checked_call(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"check-send-result", "no-unchecked-calls",
                                        "sol.unchecked-call", "sol.unchecked-call-result", "9302",
                                        "5878", NULL};
    static const char *const names[] = {"ok", "success", "sent", "callOk", "callSucceeded", NULL};
    if (!diag_rule_in(d, rules) || d->line < 1)
        return 0;
    size_t t = first_on_line(c, d->line);
    size_t s = t == SIZE_MAX ? SIZE_MAX : stmt_start(c, t);
    size_t e = s == SIZE_MAX ? SIZE_MAX : stmt_end(c, s);
    if (e == SIZE_MAX || !own_lines(c, s, e))
        return 0;
    size_t m = low_level(c, s, e);
    if (m == SIZE_MAX || !tok_in(c, m, (const char *const[]){"send", "call", NULL}) ||
        tok_in(c, s, compound))
        return 0;
    bool send = tok_is(c, m, "send");
    const char *what = send ? "send failed" : "call failed";
    char ind[128], *text;
    indent_of(c, s, ind, sizeof(ind));
    size_t eol = line_end(c, (int)T(c, e)->line);

    /* (bool ok, ...) = x.call(...); or bool ok = x.send(...); with ok unread. */
    size_t flag = SIZE_MAX, n1 = tok_next(c, s), n2 = tok_next(c, n1);
    if (tok_is(c, s, "(") && tok_is(c, n1, "bool") && n2 != SIZE_MAX && T(c, n2)->kind == LEX_IDENT)
        flag = n2;
    else if (tok_is(c, s, "bool") && n1 != SIZE_MAX && T(c, n1)->kind == LEX_IDENT &&
             tok_is(c, n2, "="))
        flag = n1;
    if (flag != SIZE_MAX) {
        char name[SIG_NAME_MAX];
        tok_copy(c, flag, name, sizeof(name));
        size_t b = enclosing_block(c, s);
        if (b == SIZE_MAX || T(c, b)->pair == SIZE_MAX || mentions(c, e + 1, T(c, b)->pair, name))
            return 0;
        text = xasprintf("\n%srequire(%s, \"%s\");", ind, name, what);
        fix_edit(c, eol, 0, text);
        free(text);
        return fix_commit(c, (int)T(c, e)->line, "sol-checked-call",
                          "the result of the low-level %s is now required to be true "
                          "(require(%s, ...))",
                          send ? "send" : "call", name);
    }
    /* x.send(v); or x.call{value: v}(data); as a statement of its own. */
    size_t open = tok_next(c, m);
    if (tok_is(c, open, "{") && T(c, open)->pair != SIZE_MAX)
        open = tok_next(c, T(c, open)->pair);
    if (!tok_is(c, open, "(") || T(c, open)->pair == SIZE_MAX || tok_next(c, T(c, open)->pair) != e)
        return 0;
    size_t before = tok_prev(c, s);
    if (before != SIZE_MAX && !tok_in(c, before, (const char *const[]){";", "{", "}", NULL}))
        return 0; /* the body of an if or else without braces */
    if (send) {
        fix_edit(c, T(c, s)->start, 0, "require(");
        text = xasprintf(", \"%s\")", what);
        fix_edit(c, T(c, e)->start, 0, text);
        free(text);
        return fix_commit(c, (int)T(c, s)->line, "sol-checked-call",
                          "the send's result is now required to be true (a failed send reverts)");
    }
    char name[SIG_NAME_MAX];
    size_t b = enclosing_block(c, s);
    if (b == SIZE_MAX || !reserve_name(c, b, s, names, name))
        return 0;
    text = xasprintf("(bool %s, ) = ", name);
    fix_edit(c, T(c, s)->start, 0, text);
    free(text);
    text = xasprintf("\n%srequire(%s, \"%s\");", ind, name, what);
    fix_edit(c, eol, 0, text);
    free(text);
    return fix_commit(c, (int)T(c, s)->line, "sol-checked-call",
                      "the call's success flag is now kept and required (a failed call reverts)");
}

/* Assignment operators that write what is on their left. */
static const char *const assign_ops[] = {"=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=",
                                         "<<=", ">>=", NULL};

/* The contract's state variables: at the contract body's level, statements
 * ending in ';' that are not events, errors, using-for or functions; the
 * name is the last identifier before '=' or ';'. */
static void state_vars(const struct rctx *c, size_t at, struct rnames *vars)
{
    size_t body = at;
    for (size_t b = enclosing_block(c, at); b != SIZE_MAX; b = enclosing_block(c, b))
        body = b;
    if (body == at || T(c, body)->pair == SIZE_MAX)
        return;
    static const char *const not_vars[] = {"event", "error", "using", "function", "modifier",
                                           "struct", "enum", "constructor", "import", "pragma",
                                           NULL};
    int depth = T(c, body)->depth + 1;
    size_t end = T(c, body)->pair;
    size_t s = tok_next(c, body);
    while (s != SIZE_MAX && s < end) {
        size_t k = s, last_ident = SIZE_MAX;
        bool skip = tok_in(c, s, not_vars);
        for (; k < end; k++) {
            if (T(c, k)->depth != depth)
                continue;
            if (tok_is(c, k, "{") || tok_is(c, k, ";") || tok_is(c, k, "="))
                break;
            if (T(c, k)->kind == LEX_IDENT)
                last_ident = k;
        }
        if (k >= end)
            break;
        if (tok_is(c, k, "{")) {
            k = T(c, k)->pair == SIZE_MAX ? end : T(c, k)->pair;
        } else {
            if (!skip && last_ident != SIZE_MAX)
                rnames_add(vars, c->src + T(c, last_ident)->start, T(c, last_ident)->len, 0,
                           c->lx.ntoks);
            while (k < end && !(T(c, k)->depth == depth && tok_is(c, k, ";")))
                k++;
        }
        s = tok_next(c, k);
    }
}

/* The statement [s, e] writes a state variable: its first token is one (or
 * `delete` one) and an assignment operator or ++/-- follows at its level. */
static bool writes_state(const struct rctx *c, size_t s, size_t e, const struct rnames *vars)
{
    size_t v = tok_is(c, s, "delete") ? tok_next(c, s) : s;
    if (v == SIZE_MAX || T(c, v)->kind != LEX_IDENT ||
        !rnames_has(vars, c->src + T(c, v)->start, T(c, v)->len))
        return false;
    if (v != s)
        return true;
    for (size_t k = s; k < e; k++)
        if (T(c, k)->depth == T(c, s)->depth &&
            (tok_in(c, k, assign_ops) || tok_is(c, k, "++") || tok_is(c, k, "--")))
            return true;
    return false;
}

/* Some state variable that `w` writes is named in [from, to]. */
static bool reads_written(const struct rctx *c, size_t from, size_t to, const size_t *ws,
                          size_t nw)
{
    for (size_t i = 0; i < nw; i++) {
        size_t v = tok_is(c, ws[i], "delete") ? tok_next(c, ws[i]) : ws[i];
        char name[SIG_NAME_MAX];
        tok_copy(c, v, name, sizeof(name));
        if (mentions(c, from, to, name))
            return true;
    }
    return false;
}

/*
 * sol.reentrancy / reentrancy: the state updates that follow the external
 * call in its block move before it (checks-effects-interactions). Only
 * when that cannot change what the code computes: between the call and the
 * updates there are only require/assert/revert/emit statements, neither
 * they nor the call read the variables written, and the updates do not use
 * what the call returned. Otherwise not sure.
 */
static int effects_first(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"sol.reentrancy", "reentrancy", NULL};
    static const char *const checks[] = {"require", "assert", "revert", "emit", NULL};
    if (!diag_rule_in(d, rules) || d->line < 1)
        return 0;
    size_t t = first_on_line(c, d->line);
    size_t s = t == SIZE_MAX ? SIZE_MAX : stmt_start(c, t);
    size_t e = s == SIZE_MAX ? SIZE_MAX : stmt_end(c, s);
    if (e == SIZE_MAX || !own_lines(c, s, e) || low_level(c, s, e) == SIZE_MAX ||
        tok_in(c, s, compound))
        return 0;
    size_t b = enclosing_block(c, s);
    if (b == SIZE_MAX || T(c, b)->pair == SIZE_MAX)
        return 0;
    size_t end = T(c, b)->pair;
    struct rnames vars = {0};
    state_vars(c, s, &vars);
    /* The AST policy names the variable: "... contract's state (balances) ...". */
    const char *p = strstr(d->msg, "state (");
    if (p) {
        size_t n = strcspn(p + 7, ")");
        if (n > 0 && n < SIG_NAME_MAX)
            rnames_add(&vars, p + 7, n, 0, c->lx.ntoks);
    }
    size_t ws[16], we[16], nw = 0, last_m = e;
    bool ok = vars.n > 0;
    size_t k = tok_next(c, e);
    while (ok && k != SIZE_MAX && k < end) {
        size_t ke = stmt_end(c, k);
        if (ke == SIZE_MAX || ke > end)
            break;
        if (writes_state(c, k, ke, &vars)) {
            if (nw == ARRAY_SIZE(ws) || !own_lines(c, k, ke)) {
                ok = false;
                break;
            }
            ws[nw] = k;
            we[nw++] = ke;
        } else if (tok_in(c, k, checks) && nw == 0) {
            last_m = ke;
        } else {
            break;
        }
        k = tok_next(c, ke);
    }
    /* Nothing the rule did not move may write the state after the call. */
    for (size_t j = k; ok && j != SIZE_MAX && j < end; j++)
        if (T(c, j)->kind == LEX_IDENT &&
            rnames_has(&vars, c->src + T(c, j)->start, T(c, j)->len)) {
            size_t n = tok_next(c, j);
            while (n != SIZE_MAX && (tok_is(c, n, "[") || tok_is(c, n, ".")) && n < end)
                n = tok_is(c, n, "[") && T(c, n)->pair != SIZE_MAX ? tok_next(c, T(c, n)->pair)
                                                                     : tok_next(c, tok_next(c, n));
            if (tok_in(c, n, assign_ops) || tok_is(c, n, "++") || tok_is(c, n, "--") ||
                tok_is(c, tok_prev(c, j), "delete"))
                ok = false;
        }
    /* Moving the writes first must not change what the call and the checks read. */
    ok = ok && nw > 0 && !reads_written(c, s, last_m, ws, nw);
    /* ... nor make the writes use what the call declares: (bool ok, bytes
     * memory data) = ... declares what is left of its top-level '='. */
    size_t eq = SIZE_MAX;
    for (size_t j = s; j < e && eq == SIZE_MAX; j++)
        if (T(c, j)->depth == T(c, s)->depth && tok_in(c, j, assign_ops))
            eq = j;
    for (size_t j = s; ok && eq != SIZE_MAX && j < eq; j++) {
        if (T(c, j)->kind != LEX_IDENT ||
            tok_in(c, j, (const char *const[]){"bool", "bytes", "memory", NULL}))
            continue;
        char name[SIG_NAME_MAX];
        tok_copy(c, j, name, sizeof(name));
        for (size_t i = 0; i < nw && ok; i++)
            ok = !mentions(c, ws[i], we[i], name);
    }
    rnames_close(&vars);
    if (!ok)
        return 0;
    char ind[128];
    indent_of(c, s, ind, sizeof(ind));
    struct sk_buf moved;
    sk_buf_init(&moved, 64 * 1024);
    char lines[96] = "";
    size_t ll = 0;
    for (size_t i = 0; i < nw; i++) {
        int l0 = (int)T(c, ws[i])->line, l1 = (int)T(c, we[i])->line;
        size_t from = line_start(c, l0), to = line_end(c, l1);
        to = to < c->len ? to + 1 : to;
        if (sk_buf_printf(&moved, "%s%.*s\n", ind, (int)(tok_end(c, we[i]) - T(c, ws[i])->start),
                          c->src + T(c, ws[i])->start) < 0) {
            sk_buf_close(&moved);
            return fix_abort(c);
        }
        fix_edit(c, from, to - from, "");
        int n = snprintf(lines + ll, sizeof(lines) - ll, "%s%d", ll ? ", " : "", l0);
        if (n > 0 && (size_t)n < sizeof(lines) - ll)
            ll += (size_t)n;
    }
    fix_edit(c, line_start(c, (int)T(c, s)->line), 0, sk_buf_str(&moved));
    sk_buf_close(&moved);
    return fix_commit(c, d->line, "sol-effects-first",
                      "the state update%s on line%s %s moved before the external call "
                      "(checks-effects-interactions): a reentrant call now sees the updated state",
                      nw == 1 ? "" : "s", nw == 1 ? "" : "s", lines);
}

const repair_rule_fn repair_rules_solidity[] = {
    missing_semicolon, msg_sender, checked_call, effects_first, NULL,
};
