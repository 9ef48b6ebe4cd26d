/*
 * Definitions and top-level names in code (see sig.h).
 */
#include "config.h"

#include "model/sig.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Token helpers                                                            */
/* ------------------------------------------------------------------------ */

struct ctx {
    const struct lang *lang; /* not owned */
    const char *src;         /* not owned */
    size_t len;              /* source length */
    const struct lex *lx;    /* not owned */
    struct sig_file *out;    /* not owned */
};

static const struct lex_tok *tok(const struct ctx *c, size_t i)
{
    return &c->lx->toks[i];
}

static bool is(const struct ctx *c, size_t i, const char *text)
{
    return i < c->lx->ntoks && lex_tok_is(tok(c, i), c->src, text);
}

static bool is_ident(const struct ctx *c, size_t i)
{
    return i < c->lx->ntoks && tok(c, i)->kind == LEX_IDENT;
}

/* The next token at or after i that is not a comment (NEWLINEs count). */
static size_t skip_comments(const struct ctx *c, size_t i)
{
    while (i < c->lx->ntoks && tok(c, i)->kind == LEX_COMMENT)
        i++;
    return i;
}

/* The next significant token after i (comments and NEWLINEs skipped). */
static size_t next_sig(const struct ctx *c, size_t i)
{
    for (i++; i < c->lx->ntoks; i++)
        if (lex_tok_significant(tok(c, i)))
            return i;
    return c->lx->ntoks;
}

/* The significant token before i, or SIZE_MAX. */
static size_t prev_sig(const struct ctx *c, size_t i)
{
    while (i-- > 0)
        if (lex_tok_significant(tok(c, i)))
            return i;
    return SIZE_MAX;
}

size_t sig_match(const struct lex *lx, const char *src, size_t open)
{
    (void)src;
    if (open >= lx->ntoks)
        return lx->ntoks;
    size_t pair = lx->toks[open].pair;
    return pair != SIZE_MAX && pair > open ? pair : lx->ntoks;
}

void sig_key(const char *name, size_t len, char *key)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < SIG_NAME_MAX; i++)
        if (name[i] != '_')
            key[k++] = (char)tolower((unsigned char)name[i]);
    key[k] = '\0';
}

static void copy_name(char *dst, const struct ctx *c, size_t i)
{
    const struct lex_tok *t = tok(c, i);
    size_t n = t->len < SIG_NAME_MAX - 1 ? t->len : SIG_NAME_MAX - 1;
    memcpy(dst, c->src + t->start, n);
    dst[n] = '\0';
}

/* Join the texts of the significant tokens in [a, b) with single spaces,
 * skipping token `skip` (SIZE_MAX for none), into dst[SIG_TYPE_MAX]. */
static void join(const struct ctx *c, size_t a, size_t b, size_t skip, char *dst)
{
    size_t n = 0;
    dst[0] = '\0';
    for (size_t i = a; i < b && i < c->lx->ntoks; i++) {
        const struct lex_tok *t = tok(c, i);
        if (!lex_tok_significant(t) || i == skip)
            continue;
        const char *text = c->src + t->start;
        size_t tl = t->len;
        /* Solidity's uint and int are uint256 and int256. */
        if (c->lang->id == LANG_SOLIDITY && lex_tok_is(t, c->src, "uint"))
            text = "uint256", tl = 7;
        else if (c->lang->id == LANG_SOLIDITY && lex_tok_is(t, c->src, "int"))
            text = "int256", tl = 6;
        if (n + tl + 2 >= SIG_TYPE_MAX)
            break;
        if (n)
            dst[n++] = ' ';
        memcpy(dst + n, text, tl);
        n += tl;
        dst[n] = '\0';
    }
}

static void add_name(struct ctx *c, size_t i, int owner, size_t imp_start, size_t imp_len)
{
    struct sig_file *f = c->out;
    if (f->nnames >= SIG_MAX_NAMES || !is_ident(c, i))
        return;
    f->names = xrealloc(f->names, (f->nnames + 1) * sizeof(*f->names));
    struct sig_name *n = &f->names[f->nnames++];
    copy_name(n->name, c, i);
    n->owner = owner;
    n->import_start = imp_start;
    n->import_len = imp_len;
}

static struct sig_def *add_def(struct ctx *c, enum sig_kind kind, size_t name_tok, size_t start)
{
    struct sig_file *f = c->out;
    if (f->ndefs >= SIG_MAX_DEFS)
        return NULL;
    f->defs = xrealloc(f->defs, (f->ndefs + 1) * sizeof(*f->defs));
    struct sig_def *d = &f->defs[f->ndefs++];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    copy_name(d->name, c, name_tok);
    sig_key(d->name, strlen(d->name), d->key);
    d->top_level = true;
    d->owner = -1;
    d->start = tok(c, start)->start;
    d->indent = tok(c, start)->indent;
    return d;
}

/* ------------------------------------------------------------------------ */
/* Parameters                                                               */
/* ------------------------------------------------------------------------ */

static bool sol_location(const struct ctx *c, size_t i)
{
    return is(c, i, "memory") || is(c, i, "storage") || is(c, i, "calldata") || is(c, i, "payable");
}

/* One parameter in tokens [a, b). Returns false when it is not a parameter
 * (Python's bare '*' and '/' markers, an empty trailing slot). */
static bool parse_param(const struct ctx *c, size_t a, size_t b, struct sig_param *p)
{
    size_t first = SIZE_MAX, last = SIZE_MAX, count = 0;
    for (size_t i = a; i < b; i++) {
        if (!lex_tok_significant(tok(c, i)))
            continue;
        if (first == SIZE_MAX)
            first = i;
        last = i;
        count++;
    }
    if (first == SIZE_MAX)
        return false;
    memset(p, 0, sizeof(*p));
    switch (c->lang->id) {
    case LANG_PYTHON:
        while (first < b && (is(c, first, "*") || is(c, first, "**")))
            first = next_sig(c, first);
        /* A bare '*' or '/' only marks where keyword-only or positional-only
         * parameters start. */
        if (first >= b || is(c, first, "/"))
            return false;
        if (is_ident(c, first))
            copy_name(p->name, c, first);
        return true;
    case LANG_JAVASCRIPT:
    case LANG_TYPESCRIPT:
        while (first < b &&
               (is(c, first, "...") || is(c, first, "public") || is(c, first, "private") ||
                is(c, first, "protected") || is(c, first, "readonly")) &&
               next_sig(c, first) < b)
            first = next_sig(c, first);
        if (is_ident(c, first))
            copy_name(p->name, c, first);
        for (size_t i = first; i < b; i++) {
            if (tok(c, i)->depth == tok(c, first)->depth && is(c, i, ":")) {
                size_t e = i + 1;
                while (e < b && !(tok(c, e)->depth == tok(c, first)->depth && is(c, e, "=")))
                    e++;
                join(c, i + 1, e, SIZE_MAX, p->type);
                break;
            }
        }
        return true;
    case LANG_SOLIDITY: {
        size_t name = SIZE_MAX;
        if (count >= 2 && is_ident(c, last) && !sol_location(c, last))
            name = last;
        if (name != SIZE_MAX)
            copy_name(p->name, c, name);
        join(c, a, b, name, p->type);
        return true;
    }
    default:
        return false;
    }
}

/* The parameters between the brackets at tokens open and close. */
static void parse_params(const struct ctx *c, size_t open, size_t close, struct sig_def *d)
{
    int depth = tok(c, open)->depth + 1;
    size_t a = open + 1;
    d->nparams = 0;
    for (size_t i = open + 1; i <= close; i++) {
        if (i < close && !(tok(c, i)->depth == depth && is(c, i, ",")))
            continue;
        struct sig_param p;
        if (parse_param(c, a, i, &p)) {
            if (d->nparams >= SIG_MAX_PARAMS) {
                d->nparams = -1;
                return;
            }
            d->params[d->nparams++] = p;
        }
        a = i + 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Brace languages: bodies between { and }                                  */
/* ------------------------------------------------------------------------ */

/* Fill the body fields of `d` from the '{' at token `open`. */
static void brace_body(const struct ctx *c, size_t open, struct sig_def *d)
{
    size_t close = sig_match(c->lx, c->src, open);
    d->tok_body = open + 1;
    d->tok_end = close;
    d->body_start = tok(c, open)->start + 1;
    d->body_end = close < c->lx->ntoks ? tok(c, close)->start : c->len;
    d->body_empty = true;
    for (size_t i = open + 1; i < close; i++)
        if (lex_tok_significant(tok(c, i)))
            d->body_empty = false;
}

/* From token i, the first token at depth `depth` that is `text`, looking at
 * no more than `limit` tokens and stopping (returning ntoks) at a ';' at
 * that depth or a shallower token. The limit keeps the scan linear on code
 * written to make it search far. */
static size_t find_at(const struct ctx *c, size_t i, int depth, const char *text, size_t limit)
{
    size_t stop = i + limit < c->lx->ntoks ? i + limit : c->lx->ntoks;
    for (; i < stop; i++) {
        const struct lex_tok *t = tok(c, i);
        if (t->depth < depth)
            break;
        if (t->depth != depth)
            continue;
        if (lex_tok_is(t, c->src, text))
            return i;
        if (lex_tok_is(t, c->src, ";"))
            break;
    }
    return c->lx->ntoks;
}

#define HEAD_LIMIT 128 /* tokens between a header's name and its body */

/* Skip TypeScript generics "<...>" starting at token i; returns the token after. */
static size_t skip_generics(const struct ctx *c, size_t i)
{
    if (!is(c, i, "<"))
        return i;
    int angle = 0;
    for (; i < c->lx->ntoks; i++) {
        const struct lex_tok *t = tok(c, i);
        if (t->kind != LEX_PUNCT)
            continue;
        for (size_t k = 0; k < t->len; k++) {
            char ch = c->src[t->start + k];
            if (ch == '<')
                angle++;
            else if (ch == '>' && !(k > 0 && c->src[t->start + k - 1] == '='))
                angle--;
        }
        if (angle <= 0)
            return i + 1;
        if (is(c, i, "{") || is(c, i, ";"))
            break;
    }
    return c->lx->ntoks;
}

/* function NAME<T>(params): R { body } with `fn` at the 'function' token. */
static size_t js_function(struct ctx *c, size_t fn, size_t start, size_t name)
{
    size_t i = next_sig(c, fn);
    if (is(c, i, "*"))
        i = next_sig(c, i);
    if (name == SIZE_MAX) {
        if (!is_ident(c, i))
            return fn + 1;
        name = i;
        i = next_sig(c, i);
    }
    add_name(c, name, -1, 0, 0);
    size_t g = i;
    i = skip_generics(c, i);
    if (!is(c, i, "("))
        return fn + 1;
    size_t close = sig_match(c->lx, c->src, i);
    if (close >= c->lx->ntoks)
        return fn + 1;
    size_t open = find_at(c, close + 1, tok(c, fn)->depth, "{", HEAD_LIMIT);
    if (open >= c->lx->ntoks)
        return close + 1;
    struct sig_def *d = add_def(c, SIG_FUNCTION, name, start);
    if (!d)
        return open + 1;
    join(c, g, i, SIZE_MAX, d->head);
    parse_params(c, i, close, d);
    brace_body(c, open, d);
    return d->tok_end;
}

/* const NAME = [async] (params) [: R] => { body }, or = function (...) {. */
static size_t js_binding(struct ctx *c, size_t kw)
{
    size_t name = next_sig(c, kw);
    if (!is_ident(c, name))
        return kw + 1;
    add_name(c, name, -1, 0, 0);
    int depth = tok(c, kw)->depth;
    size_t eq = next_sig(c, name);
    if (is(c, eq, ":"))
        eq = find_at(c, eq, depth, "=", HEAD_LIMIT);
    if (!is(c, eq, "="))
        return name + 1;
    size_t i = next_sig(c, eq);
    if (is(c, i, "async"))
        i = next_sig(c, i);
    if (is(c, i, "function"))
        return js_function(c, i, kw, name);
    size_t g = i;
    i = skip_generics(c, i);
    if (!is(c, i, "("))
        return eq + 1;
    size_t close = sig_match(c->lx, c->src, i);
    if (close >= c->lx->ntoks)
        return eq + 1;
    size_t arrow = find_at(c, close + 1, depth, "=>", HEAD_LIMIT);
    if (arrow >= c->lx->ntoks || !is(c, next_sig(c, arrow), "{"))
        return close + 1;
    size_t open = next_sig(c, arrow);
    struct sig_def *d = add_def(c, SIG_FUNCTION, name, kw);
    if (!d)
        return open + 1;
    join(c, g, i, SIZE_MAX, d->head);
    parse_params(c, i, close, d);
    brace_body(c, open, d);
    return d->tok_end;
}

static size_t js_class(struct ctx *c, size_t kw, size_t start)
{
    size_t name = next_sig(c, kw);
    if (!is_ident(c, name))
        return kw + 1;
    add_name(c, name, -1, 0, 0);
    size_t open = find_at(c, name + 1, tok(c, kw)->depth, "{", HEAD_LIMIT);
    if (open >= c->lx->ntoks)
        return name + 1;
    struct sig_def *d = add_def(c, SIG_CLASS, name, start);
    if (!d)
        return open + 1;
    join(c, name + 1, open, SIZE_MAX, d->head);
    brace_body(c, open, d);
    return d->tok_end;
}

/* The first token of the declaration that `kw` belongs to (export, async,
 * default and abstract before it). */
static size_t decl_start(const struct ctx *c, size_t kw)
{
    size_t s = kw;
    for (;;) {
        size_t p = prev_sig(c, s);
        if (p == SIZE_MAX || tok(c, p)->depth != tok(c, kw)->depth)
            return s;
        if (is(c, p, "export") || is(c, p, "async") || is(c, p, "default") ||
            is(c, p, "abstract") || is(c, p, "declare"))
            s = p;
        else
            return s;
    }
}

static void scan_js(struct ctx *c)
{
    bool ts = c->lang->id == LANG_TYPESCRIPT;
    size_t i = 0;
    while (i < c->lx->ntoks) {
        const struct lex_tok *t = tok(c, i);
        if (t->depth != 0 || t->kind != LEX_IDENT) {
            i++;
            continue;
        }
        size_t p = prev_sig(c, i);
        if (p != SIZE_MAX && (is(c, p, ".") || is(c, p, "?."))) {
            i++;
            continue;
        }
        if (is(c, i, "function"))
            i = js_function(c, i, decl_start(c, i), SIZE_MAX);
        else if (is(c, i, "class"))
            i = js_class(c, i, decl_start(c, i));
        else if (is(c, i, "const") || is(c, i, "let") || is(c, i, "var"))
            i = js_binding(c, i);
        else if (ts && (is(c, i, "type") || is(c, i, "interface") || is(c, i, "enum")) &&
                 is_ident(c, next_sig(c, i))) {
            add_name(c, next_sig(c, i), -1, 0, 0);
            i = next_sig(c, i) + 1;
        } else
            i++;
    }
}

/* ------------------------------------------------------------------------ */
/* Solidity                                                                 */
/* ------------------------------------------------------------------------ */

/* function NAME(params) ... [returns (...)] { body } at token fn. */
static size_t sol_function(struct ctx *c, size_t fn, int owner)
{
    size_t name = next_sig(c, fn);
    if (!is_ident(c, name))
        return fn + 1;
    add_name(c, name, owner, 0, 0);
    size_t lp = next_sig(c, name);
    if (!is(c, lp, "("))
        return name + 1;
    size_t rp = sig_match(c->lx, c->src, lp);
    if (rp >= c->lx->ntoks)
        return lp + 1;
    size_t open = find_at(c, rp + 1, tok(c, fn)->depth, "{", HEAD_LIMIT);
    if (open >= c->lx->ntoks)
        return rp + 1;
    bool pure = false;
    size_t ret = SIZE_MAX;
    for (size_t i = rp + 1; i < open; i++) {
        if (is(c, i, "pure"))
            pure = true;
        if (is(c, i, "returns"))
            ret = next_sig(c, i);
    }
    struct sig_def *d = add_def(c, SIG_FUNCTION, name, fn);
    if (!d)
        return open + 1;
    d->pure = pure;
    d->owner = owner;
    d->top_level = owner < 0;
    parse_params(c, lp, rp, d);
    if (ret != SIZE_MAX && is(c, ret, "(")) {
        /* The return types must match: the body returns values of them. */
        struct sig_def tmp;
        memset(&tmp, 0, sizeof(tmp));
        size_t rc = sig_match(c->lx, c->src, ret);
        if (rc < c->lx->ntoks) {
            parse_params(c, ret, rc, &tmp);
            size_t n = 0;
            for (int k = 0; k < tmp.nparams && n + 2 < SIG_TYPE_MAX; k++) {
                int w = snprintf(d->head + n, SIG_TYPE_MAX - n, "%s%s", k ? "," : "",
                                 tmp.params[k].type);
                if (w < 0 || (size_t)w >= SIG_TYPE_MAX - n)
                    break;
                n += (size_t)w;
            }
        }
    }
    brace_body(c, open, d);
    return d->tok_end;
}

/* The members of the contract whose body opens at token open. */
static void sol_members(struct ctx *c, size_t open, size_t close, int owner)
{
    int depth = tok(c, open)->depth + 1;
    size_t i = next_sig(c, open);
    while (i < close) {
        /* A statement starts at a significant token: a doc comment before a
         * function is not the function. */
        if (tok(c, i)->depth != depth || !lex_tok_significant(tok(c, i))) {
            i++;
            continue;
        }
        size_t stmt = i;
        if (is(c, stmt, "function")) {
            size_t before = c->out->ndefs;
            size_t end = sol_function(c, stmt, owner);
            /* Only pure functions stand alone; other members read state. */
            if (c->out->ndefs > before && !c->out->defs[before].pure)
                c->out->ndefs = before;
            i = end < close ? end + 1 : close;
            continue;
        }
        if (is(c, stmt, "modifier") || is(c, stmt, "event") || is(c, stmt, "error") ||
            is(c, stmt, "struct") || is(c, stmt, "enum"))
            add_name(c, next_sig(c, stmt), owner, 0, 0);
        /* Move to the end of the statement: a ';' or a closed block at this depth. */
        size_t last_ident = SIZE_MAX;
        bool seen_eq = false;
        for (; i < close; i++) {
            const struct lex_tok *t = tok(c, i);
            if (t->depth == depth && lex_tok_is(t, c->src, "="))
                seen_eq = true;
            if (t->depth == depth && t->kind == LEX_IDENT && !seen_eq)
                last_ident = i;
            if (t->depth == depth && lex_tok_is(t, c->src, ";"))
                break;
            if (t->depth == depth && lex_tok_is(t, c->src, "{")) {
                i = sig_match(c->lx, c->src, i);
                last_ident = SIZE_MAX;
                break;
            }
        }
        bool plain = !(is(c, stmt, "modifier") || is(c, stmt, "event") || is(c, stmt, "error") ||
                       is(c, stmt, "struct") || is(c, stmt, "enum") || is(c, stmt, "constructor") ||
                       is(c, stmt, "receive") || is(c, stmt, "fallback") || is(c, stmt, "using"));
        if (plain && last_ident != SIZE_MAX)
            add_name(c, last_ident, owner, 0, 0);
        i = i < close ? i + 1 : close;
    }
}

static void scan_sol(struct ctx *c)
{
    size_t i = 0;
    while (i < c->lx->ntoks) {
        const struct lex_tok *t = tok(c, i);
        if (t->depth != 0 || t->kind != LEX_IDENT) {
            i++;
            continue;
        }
        if (is(c, i, "contract") || is(c, i, "library") || is(c, i, "interface")) {
            size_t name = next_sig(c, i);
            size_t start = i;
            size_t p = prev_sig(c, i);
            if (p != SIZE_MAX && is(c, p, "abstract"))
                start = p;
            if (!is_ident(c, name)) {
                i++;
                continue;
            }
            add_name(c, name, -1, 0, 0);
            size_t open = find_at(c, name + 1, 0, "{", HEAD_LIMIT);
            if (open >= c->lx->ntoks) {
                i = name + 1;
                continue;
            }
            struct sig_def *d = add_def(c, SIG_CLASS, name, start);
            if (!d) {
                i = open + 1;
                continue;
            }
            join(c, name + 1, open, SIZE_MAX, d->head);
            brace_body(c, open, d);
            int owner = (int)(c->out->ndefs - 1);
            size_t close = d->tok_end; /* d moves when members are added */
            sol_members(c, open, close, owner);
            i = close + 1;
        } else if (is(c, i, "function")) {
            i = sol_function(c, i, -1);
        } else if (is(c, i, "struct") || is(c, i, "enum") || is(c, i, "event") ||
                   is(c, i, "error")) {
            add_name(c, next_sig(c, i), -1, 0, 0);
            i++;
        } else {
            i++;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Python: logical lines and indentation                                    */
/* ------------------------------------------------------------------------ */

/* The NEWLINE that ends the logical line holding token i, or ntoks. */
static size_t line_end(const struct ctx *c, size_t i)
{
    while (i < c->lx->ntoks && tok(c, i)->kind != LEX_NEWLINE)
        i++;
    return i;
}

/* Offset just past the physical line holding byte `off`. */
static size_t after_line(const struct ctx *c, size_t off)
{
    const char *nl = memchr(c->src + off, '\n', c->len - off);
    return nl ? (size_t)(nl - c->src) + 1 : c->len;
}

static bool py_placeholder_line(const struct ctx *c, size_t a, size_t b)
{
    size_t first = SIZE_MAX, n = 0;
    for (size_t i = a; i < b; i++)
        if (lex_tok_significant(tok(c, i))) {
            if (first == SIZE_MAX)
                first = i;
            n++;
        }
    return n == 1 && (is(c, first, "pass") || is(c, first, "..."));
}

static bool py_docstring_line(const struct ctx *c, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        if (!lex_tok_significant(tok(c, i)))
            continue;
        if (tok(c, i)->kind != LEX_STRING)
            return false;
        n++;
    }
    return n > 0;
}

/* The body of the def or class whose header (logical line) has its ':' at
 * token colon and its NEWLINE at token nl. */
static void py_body(const struct ctx *c, size_t colon, size_t nl, struct sig_def *d)
{
    size_t after = next_sig(c, colon);
    if (after < nl) {
        /* A one-line body: def f(x): return x */
        d->inline_body = true;
        d->tok_body = after;
        d->tok_end = nl;
        d->body_start = tok(c, colon)->start + 1;
        d->body_end = nl < c->lx->ntoks ? tok(c, nl)->start : c->len;
        d->body_empty = py_placeholder_line(c, after, nl);
        return;
    }
    d->tok_body = nl + 1;
    d->body_start = nl < c->lx->ntoks ? tok(c, nl)->start + 1 : c->len;
    d->body_end = d->body_start;
    d->body_empty = true;
    size_t i = nl + 1, end = nl + 1;
    bool first = true;
    while (i < c->lx->ntoks) {
        size_t s = skip_comments(c, i);
        if (s >= c->lx->ntoks || tok(c, s)->indent <= d->indent)
            break;
        size_t e = line_end(c, s);
        if (first && py_docstring_line(c, s, e)) {
            d->has_docstring = true;
            d->doc_end = e < c->lx->ntoks ? tok(c, e)->start + 1 : c->len;
        } else if (!py_placeholder_line(c, s, e)) {
            d->body_empty = false;
        }
        first = false;
        const struct lex_tok *last = tok(c, e - 1);
        while (!lex_tok_significant(last))
            last--;
        d->body_end = after_line(c, last->start + (last->len ? last->len - 1 : 0));
        end = e < c->lx->ntoks ? e + 1 : e;
        i = end;
    }
    d->tok_end = end;
}

/*
 * The names an import line binds: `import a.b as c, d` binds c and d;
 * `from m import (x as y, z)` binds y and z. Each is recorded with the
 * whole statement, which a filled body may need to repeat.
 */
static void py_import(struct ctx *c, size_t a, size_t nl)
{
    size_t last = nl;
    while (last > a && !lex_tok_significant(tok(c, last - 1)))
        last--;
    if (last <= a)
        return;
    size_t start = tok(c, a)->start;
    size_t span = tok(c, last - 1)->start + tok(c, last - 1)->len - start;
    size_t i = a;
    if (is(c, a, "from"))
        i = find_at(c, a, 0, "import", nl - a);
    if (i >= nl)
        return;
    size_t first = SIZE_MAX, alias = SIZE_MAX;
    for (size_t k = i + 1; k <= nl; k++) {
        if (k < nl && !lex_tok_significant(tok(c, k)))
            continue;
        bool end = k >= nl || is(c, k, ",") || is(c, k, ")");
        if (!end) {
            if (is(c, k, "as"))
                alias = next_sig(c, k);
            else if (first == SIZE_MAX && is_ident(c, k))
                first = k;
            continue;
        }
        size_t bound = alias != SIZE_MAX ? alias : first;
        if (bound < nl)
            add_name(c, bound, -1, start, span);
        first = alias = SIZE_MAX;
        if (k >= nl)
            break;
    }
}

static bool py_compound(const struct ctx *c, size_t i)
{
    static const char *const kws[] = {"if",     "elif",    "else", "for",   "while", "try",
                                      "except", "finally", "with", "match", "case",  "async"};
    for (size_t k = 0; k < ARRAY_SIZE(kws); k++)
        if (is(c, i, kws[k]))
            return true;
    return false;
}

static void scan_py(struct ctx *c)
{
    size_t i = 0;
    while (i < c->lx->ntoks) {
        size_t s = skip_comments(c, i);
        if (s >= c->lx->ntoks)
            break;
        if (tok(c, s)->kind == LEX_NEWLINE) {
            i = s + 1;
            continue;
        }
        size_t nl = line_end(c, s);
        i = nl + 1;
        if (tok(c, s)->indent != 0)
            continue;
        size_t k = s;
        if (is(c, k, "async") && is(c, next_sig(c, k), "def"))
            k = next_sig(c, k);
        if (is(c, k, "def") || is(c, k, "class")) {
            bool cls = is(c, k, "class");
            size_t name = next_sig(c, k);
            if (!is_ident(c, name))
                continue;
            add_name(c, name, -1, 0, 0);
            size_t lp = next_sig(c, name), rp = SIZE_MAX;
            if (is(c, lp, "(")) {
                rp = sig_match(c->lx, c->src, lp);
                if (rp >= nl)
                    continue;
            } else if (!cls) {
                continue;
            }
            size_t from = rp == SIZE_MAX ? name + 1 : rp + 1;
            size_t colon = find_at(c, from, 0, ":", nl - from);
            if (colon >= nl)
                continue;
            struct sig_def *d = add_def(c, cls ? SIG_CLASS : SIG_FUNCTION, name, s);
            if (!d)
                continue;
            if (cls) {
                if (rp != SIZE_MAX) {
                    join(c, lp + 1, rp, SIZE_MAX, d->head);
                    if (!strcmp(d->head, "object"))
                        d->head[0] = '\0';
                }
            } else {
                parse_params(c, lp, rp, d);
            }
            py_body(c, colon, nl, d);
            i = d->tok_end > i ? d->tok_end : i;
            continue;
        }
        if (is(c, s, "import") || is(c, s, "from")) {
            py_import(c, s, nl);
            continue;
        }
        if (py_compound(c, s) || is(c, s, "@"))
            continue;
        /* Assignment targets: names before the first '=' at depth 0. */
        size_t eq = find_at(c, s, 0, "=", nl - s);
        if (eq >= nl)
            continue;
        for (size_t t = s; t < eq; t++) {
            if (is(c, t, ":"))
                break;
            size_t p = prev_sig(c, t);
            if (is_ident(c, t) && tok(c, t)->depth == 0 &&
                (p == SIZE_MAX || p < s || !(is(c, p, ".") || is(c, p, "["))))
                add_name(c, t, -1, 0, 0);
        }
    }
}

void sig_scan(const struct lang *lang, const char *src, size_t len, const struct lex *lx,
              struct sig_file *out)
{
    memset(out, 0, sizeof(*out));
    struct ctx c = {.lang = lang, .src = src, .len = len, .lx = lx, .out = out};
    switch (lang->id) {
    case LANG_PYTHON:
        scan_py(&c);
        break;
    case LANG_JAVASCRIPT:
    case LANG_TYPESCRIPT:
        scan_js(&c);
        break;
    case LANG_SOLIDITY:
        scan_sol(&c);
        break;
    default:
        break;
    }
}

void sig_file_close(struct sig_file *f)
{
    free(f->defs);
    free(f->names);
    memset(f, 0, sizeof(*f));
}
