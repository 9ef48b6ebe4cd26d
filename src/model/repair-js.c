/*
 * The JavaScript and TypeScript repair rules (see repair.h): a name that is
 * not defined (a Node built-in module to require or import, or a misspelt
 * name), closing braces that are missing (placed where the indentation
 * says each block ends), and the security fix innerHTML -> textContent.
 *
 * Messages are Node 20's and esbuild's (what the sandbox reproduces), tsc's
 * ("Cannot find name", "'}' expected") and the AST policy's.
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

static bool is_ts(const struct rctx *c)
{
    return c->lang->id == LANG_TYPESCRIPT;
}

/* ====================================================================== */
/* Names                                                                  */
/* ====================================================================== */

/* Globals a misspelt name may be corrected to (eval, Function and the
 * process object are left out: a repair never introduces them). */
static const char *const js_globals[] = {
    "console", "Math", "JSON", "Object", "Array", "String", "Number", "Boolean", "Symbol",
    "BigInt", "Date", "RegExp", "Error", "TypeError", "RangeError", "SyntaxError",
    "ReferenceError", "Map", "Set", "WeakMap", "WeakSet", "Promise", "parseInt",
    "parseFloat", "isNaN", "isFinite", "setTimeout", "clearTimeout", "setInterval",
    "clearInterval", "setImmediate", "clearImmediate", "queueMicrotask", "structuredClone",
    "globalThis", "undefined", "NaN", "Infinity", "Buffer", "require", "module", "exports",
    "TextEncoder", "TextDecoder", "URL", "URLSearchParams", "encodeURIComponent",
    "decodeURIComponent", "encodeURI", "decodeURI", "Intl", "ArrayBuffer", "DataView",
    "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array",
    "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "crypto",
    "performance", "AbortController", "arguments", "true", "false", "null", "this",
    NULL};

/* TypeScript's own type names, for "Cannot find name" on a misspelt type. */
static const char *const ts_types[] = {
    "number", "string", "boolean", "void", "never", "unknown", "object", "Record", "Partial",
    "Readonly", "ReadonlyArray", "Required", "Pick", "Omit", "Exclude", "Extract",
    "NonNullable", "ReturnType", "Parameters", "Awaited", NULL};

static const char *const js_keywords[] = {
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
    "do", "else", "export", "extends", "finally", "for", "function", "if", "import", "in",
    "instanceof", "let", "new", "return", "super", "switch", "this", "throw", "try",
    "typeof", "var", "void", "while", "with", "yield", "await", "async", "of", "static",
    "get", "set", "true", "false", "null", "undefined", "interface", "type", "enum",
    "implements", "private", "public", "protected", "readonly", "declare", "namespace",
    "abstract", "as", "from", NULL};

/* The name of "ReferenceError: x is not defined" or "Cannot find name 'x'". */
static bool missing_name(const struct rdiag *d, char *name, size_t size)
{
    if (diag_quoted(d, "Cannot find name ", name, size))
        return true;
    const char *p = strstr(d->msg, "ReferenceError: ");
    if (!p)
        return false;
    p += 16;
    const char *e = strstr(p, " is not defined");
    if (!e || e == p || (size_t)(e - p) >= size)
        return false;
    for (const char *s = p; s < e; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$'))
            return false;
    if (isdigit((unsigned char)*p))
        return false;
    memcpy(name, p, (size_t)(e - p));
    name[e - p] = '\0';
    return true;
}

static void bind(const struct rctx *c, struct rnames *ns, size_t i, size_t from, size_t to)
{
    if (i < c->lx.ntoks && T(c, i)->kind == LEX_IDENT && !tok_in(c, i, js_keywords))
        rnames_add(ns, c->src + T(c, i)->start, T(c, i)->len, from, to);
}

/* The '{' of the body after the parameter list closed at token `close`
 * (TypeScript may put a return type between), or SIZE_MAX. */
static size_t body_after(const struct rctx *c, size_t close)
{
    int depth = T(c, close)->depth;
    size_t k = tok_next(c, close);
    for (int n = 0; k != SIZE_MAX && n < 32; n++, k = tok_next(c, k)) {
        if (T(c, k)->depth != depth)
            continue;
        if (tok_is(c, k, "{"))
            return k;
        if (tok_in(c, k, (const char *const[]){";", "}", ")", "=>", NULL}))
            return SIZE_MAX;
    }
    return SIZE_MAX;
}

/* Parameters in (open, close), visible in [from, to). */
static void bind_params(const struct rctx *c, struct rnames *ns, size_t open, size_t close,
                        size_t from, size_t to)
{
    int pd = T(c, open)->depth + 1;
    for (size_t k = open + 1; k < close; k++) {
        if (T(c, k)->depth != pd || T(c, k)->kind != LEX_IDENT)
            continue;
        size_t a = tok_prev(c, k), b = tok_next(c, k);
        if (tok_in(c, a, (const char *const[]){"(", ",", "...", NULL}) &&
            tok_in(c, b, (const char *const[]){",", ")", "=", ":", "?", NULL}))
            bind(c, ns, k, from, to);
    }
}

/*
 * Every name the code binds, each visible in the braces that hold it:
 * declarations (var, let, const with destructuring, function, class,
 * interface, type, enum), parameters of functions, methods, arrows and
 * catch clauses, and imports.
 */
static void js_bindings(const struct rctx *c, struct rnames *ns)
{
    size_t nt = c->lx.ntoks;
    size_t stack[LEX_MAX_DEPTH + 1];
    size_t depth = 0;
    for (size_t i = 0; i < nt; i++) {
        const struct lex_tok *t = T(c, i);
        if (t->kind == LEX_PUNCT && (lex_tok_is(t, c->src, "{") || lex_tok_is(t, c->src, "${"))) {
            if (depth < ARRAY_SIZE(stack))
                stack[depth++] = i;
            continue;
        }
        if (t->kind == LEX_PUNCT && lex_tok_is(t, c->src, "}")) {
            if (depth > 0)
                depth--;
            continue;
        }
        size_t from = depth ? stack[depth - 1] : 0;
        size_t to = depth && T(c, from)->pair != SIZE_MAX ? T(c, from)->pair : nt;
        size_t nx = tok_next(c, i);
        if (tok_in(c, i, (const char *const[]){"var", "let", "const", NULL})) {
            if (tok_is(c, nx, "{") || tok_is(c, nx, "[")) {
                size_t close = T(c, nx)->pair == SIZE_MAX ? nx : T(c, nx)->pair;
                for (size_t k = nx + 1; k < close; k++) {
                    size_t a = tok_prev(c, k), b = tok_next(c, k);
                    if (!tok_is(c, a, ".") && !tok_is(c, b, ":") &&
                        tok_in(c, b, (const char *const[]){",", "}", "]", "=", NULL}))
                        bind(c, ns, k, from, to);
                }
            } else {
                bind(c, ns, nx, from, to);
            }
            /* More declarators: ", name" at the declaration's level. */
            for (size_t k = nx, n = 0; k != SIZE_MAX && k < nt && n < 256; k = tok_next(c, k), n++) {
                if (T(c, k)->depth < t->depth || (T(c, k)->depth == t->depth && tok_is(c, k, ";")))
                    break;
                if (k != nx && T(c, k)->depth == t->depth && tok_in(c, k, js_keywords) &&
                    !tok_in(c, k, (const char *const[]){"typeof", "new", "await", "in", "instanceof",
                                                         "of", "as", "true", "false", "null",
                                                         "undefined", "this", "void", NULL}))
                    break;
                if (T(c, k)->depth == t->depth && tok_is(c, k, ","))
                    bind(c, ns, tok_next(c, k), from, to);
            }
            continue;
        }
        if (tok_in(c, i, (const char *const[]){"class", "interface", "type", "enum", NULL})) {
            if (!tok_is(c, tok_prev(c, i), ".") && !tok_is(c, nx, "="))
                bind(c, ns, nx, from, to);
            continue;
        }
        if (tok_is(c, i, "function")) {
            size_t open = nx;
            if (tok_is(c, open, "*"))
                open = tok_next(c, open);
            if (open != SIZE_MAX && T(c, open)->kind == LEX_IDENT) {
                bind(c, ns, open, from, to);
                open = tok_next(c, open);
            }
            if (tok_is(c, open, "<") ) /* TypeScript generics */
                while (open != SIZE_MAX && !tok_is(c, open, "("))
                    open = tok_next(c, open);
            if (tok_is(c, open, "(") && T(c, open)->pair != SIZE_MAX) {
                size_t body = body_after(c, T(c, open)->pair);
                size_t end = body != SIZE_MAX && T(c, body)->pair != SIZE_MAX ? T(c, body)->pair : to;
                bind_params(c, ns, open, T(c, open)->pair, open, end);
            }
            continue;
        }
        if (tok_is(c, i, "(") && t->pair != SIZE_MAX) {
            size_t close = t->pair, after = tok_next(c, close), before = tok_prev(c, i);
            if (tok_is(c, after, "=>") || (is_ts(c) && tok_is(c, after, ":"))) {
                /* An arrow: its body's braces, or the enclosing block. */
                size_t arrow = after;
                for (int n = 0; arrow != SIZE_MAX && n < 32 && !tok_is(c, arrow, "=>"); n++)
                    arrow = tok_next(c, arrow);
                if (arrow == SIZE_MAX || !tok_is(c, arrow, "=>"))
                    continue;
                size_t b = tok_next(c, arrow);
                size_t end = tok_is(c, b, "{") && T(c, b)->pair != SIZE_MAX ? T(c, b)->pair : to;
                bind_params(c, ns, i, close, i, end);
            } else if (before != SIZE_MAX &&
                       ((T(c, before)->kind == LEX_IDENT &&
                         !tok_in(c, before, (const char *const[]){"if", "for", "while", "switch",
                                                                  "return", "typeof", "function",
                                                                  "await", "new", NULL})) ||
                        tok_is(c, before, "catch"))) {
                /* A method, or a catch clause: parameters if a body follows. */
                size_t body = body_after(c, close);
                if (body != SIZE_MAX && T(c, body)->pair != SIZE_MAX)
                    bind_params(c, ns, i, close, i, T(c, body)->pair);
            }
            continue;
        }
        if (t->kind == LEX_IDENT && tok_is(c, nx, "=>") && !tok_in(c, i, js_keywords)) {
            size_t b = tok_next(c, nx);
            size_t end = tok_is(c, b, "{") && T(c, b)->pair != SIZE_MAX ? T(c, b)->pair : to;
            bind(c, ns, i, i, end);
            continue;
        }
        if (tok_is(c, i, "import") && t->depth == 0) {
            /* import x from; import {a, b as c} from; import * as x from. */
            for (size_t k = nx, n = 0; k != SIZE_MAX && n < 256 && !tok_is(c, k, "from") &&
                                       !tok_is(c, k, ";");
                 k = tok_next(c, k), n++) {
                size_t a = tok_prev(c, k), b = tok_next(c, k);
                if (T(c, k)->kind == LEX_IDENT &&
                    tok_in(c, a, (const char *const[]){"import", "{", ",", "as", "type", NULL}) &&
                    tok_in(c, b, (const char *const[]){",", "}", "from", NULL}))
                    bind(c, ns, k, 0, nt);
            }
        }
    }
}

/* The names the code binds, computed once per request. */
static const struct rnames *bound_names(struct rctx *c)
{
    if (!c->bound_done) {
        js_bindings(c, &c->bound);
        c->bound_done = true;
    }
    return &c->bound;
}

/* A reference to `name` at token i: not a property, not an object key. */
static bool js_reference(const struct rctx *c, size_t i, const char *name, size_t len)
{
    if (!tok_ident(c, i, name, len))
        return false;
    size_t a = tok_prev(c, i), b = tok_next(c, i);
    if (tok_is(c, a, ".") || tok_is(c, a, "?."))
        return false;
    if (tok_is(c, b, ":") && (tok_is(c, a, "{") || tok_is(c, a, ",")))
        return false;
    return true;
}

/* Node built-ins a ReferenceError may bring in: the name, its module, and
 * whether it is the module itself or one of its exports. Modules the AST
 * policy blocks (fs, child_process, net, http, ...) are not here. */
static const struct {
    const char *name;
    const char *module;
    bool named;
} node_names[] = {
    {"path", "path", false},           {"util", "util", false},
    {"assert", "assert", false},       {"events", "events", false},
    {"url", "url", false},             {"querystring", "querystring", false},
    {"zlib", "zlib", false},           {"readline", "readline", false},
    {"stream", "stream", false},       {"EventEmitter", "events", true},
    {"StringDecoder", "string_decoder", true}, {"promisify", "util", true},
    {"inspect", "util", true},         {"isDeepStrictEqual", "util", true},
};

/* The code uses ES module syntax at the top (then imports are added as imports). */
static bool es_module(const struct rctx *c)
{
    if (is_ts(c))
        return true;
    for (size_t i = 0; i < c->lx.ntoks; i++)
        if (T(c, i)->depth == 0 && (tok_is(c, i, "import") || tok_is(c, i, "export")) &&
            !tok_is(c, tok_next(c, i), "(") && !tok_is(c, tok_prev(c, i), "."))
            return true;
    return false;
}

/* Offset just past the end of the line that holds token i. */
static size_t after_line(const struct rctx *c, size_t i)
{
    size_t e = line_end(c, (int)T(c, i)->line);
    return e < c->len ? e + 1 : e;
}

/*
 * Where a new import or require goes: after a shebang, leading comments, a
 * 'use strict' directive and the imports and requires at the top. Sets
 * *blank when code follows that needs a blank line before it.
 */
static size_t import_point(const struct rctx *c, bool *blank)
{
    size_t i = 0, at = 0;
    bool imports = false;
    if (c->len >= 2 && c->src[0] == '#' && c->src[1] == '!') {
        at = line_end(c, 1) < c->len ? line_end(c, 1) + 1 : c->len;
        while (i < c->lx.ntoks && T(c, i)->start < at)
            i++;
    }
    while (i < c->lx.ntoks && !lex_tok_significant(T(c, i)))
        i++;
    if (i < c->lx.ntoks && T(c, i)->kind == LEX_STRING) {
        /* 'use strict' */
        size_t n = tok_next(c, i);
        at = after_line(c, tok_is(c, n, ";") ? n : i);
        i = tok_next(c, tok_is(c, n, ";") ? n : i);
    } else if (i < c->lx.ntoks) {
        at = line_start(c, (int)T(c, i)->line);
    } else {
        at = c->len;
    }
    for (int n = 0; i != SIZE_MAX && i < c->lx.ntoks && n < 1000; n++) {
        bool imp = tok_is(c, i, "import") && !tok_is(c, tok_next(c, i), "(");
        size_t eq = tok_next(c, tok_next(c, i)), rq = tok_next(c, eq);
        bool req = tok_in(c, i, (const char *const[]){"const", "let", "var", NULL}) &&
                   ((tok_is(c, eq, "=") && tok_is(c, rq, "require")) ||
                    (tok_is(c, tok_next(c, i), "{") && T(c, tok_next(c, i))->pair != SIZE_MAX &&
                     tok_is(c, tok_next(c, T(c, tok_next(c, i))->pair), "=") &&
                     tok_is(c, tok_next(c, tok_next(c, T(c, tok_next(c, i))->pair)), "require")));
        if (!imp && !req)
            break;
        /* The statement ends at its ';', or at the end of the line of the
         * last token before the next statement. */
        size_t k = i, last = i;
        for (int m = 0; k != SIZE_MAX && m < 512; m++) {
            if (T(c, k)->depth == 0 && tok_is(c, k, ";")) {
                last = k;
                break;
            }
            size_t nk = tok_next(c, k);
            last = k;
            if (nk == SIZE_MAX ||
                (T(c, nk)->line > T(c, k)->line && T(c, nk)->depth == 0 &&
                 tok_in(c, nk, (const char *const[]){"import", "const", "let", "var", "function",
                                                     "class", NULL})))
                break;
            k = nk;
        }
        at = after_line(c, last);
        imports = true;
        i = tok_next(c, last);
        while (i != SIZE_MAX && i < c->lx.ntoks && T(c, i)->start < at)
            i = tok_next(c, i);
    }
    *blank = !imports && i != SIZE_MAX && i < c->lx.ntoks;
    return at;
}

/* ReferenceError / Cannot find name for a Node built-in: require or import it. */
static int require_module(struct rctx *c, const struct rdiag *d)
{
    char name[SIG_NAME_MAX];
    if (!missing_name(d, name, sizeof(name)))
        return 0;
    size_t k = 0;
    while (k < ARRAY_SIZE(node_names) && strcmp(node_names[k].name, name) != 0)
        k++;
    if (k == ARRAY_SIZE(node_names))
        return 0;
    const struct rnames *ns = bound_names(c);
    bool bound = ns->truncated || rnames_has(ns, name, strlen(name));
    if (bound)
        return 0;
    /* A module is used through its members: path.join, not path alone. */
    size_t len = strlen(name);
    bool used = false;
    for (size_t i = 0; i < c->lx.ntoks && !used; i++)
        used = js_reference(c, i, name, len) &&
               (node_names[k].named || tok_is(c, tok_next(c, i), "."));
    if (!used)
        return 0;
    char *line;
    const char *m = node_names[k].module;
    if (es_module(c))
        line = node_names[k].named ? xasprintf("import { %s } from \"%s\";", name, m)
                                   : xasprintf("import * as %s from \"%s\";", name, m);
    else if (node_names[k].named && strcmp(name, "EventEmitter") != 0)
        line = xasprintf("const { %s } = require(\"%s\");", name, m);
    else
        line = xasprintf("const %s = require(\"%s\");", name, m);
    bool blank = false;
    size_t at = import_point(c, &blank);
    bool need_nl = at > 0 && at == c->len && c->src[at - 1] != '\n';
    char *text = xasprintf("%s%s\n%s", need_nl ? "\n" : "", line, blank ? "\n" : "");
    fix_edit(c, at, 0, text);
    free(text);
    int r = fix_commit(c, d->line, "js-require-module",
                       "'%s' is Node's built-in %s module, used without being loaded: added '%s'",
                       name, m, line);
    free(line);
    return r;
}

/* tsc's "Did you mean" hints about `name`, in every diagnostic, all name `fix`. */
static bool hints_agree(const struct rctx *c, const char *name, const char *fix)
{
    for (size_t i = 0; i < c->ndiags; i++) {
        const struct rdiag *d = &c->diags[i];
        char other[SIG_NAME_MAX], hint[SIG_NAME_MAX];
        if (!missing_name(d, other, sizeof(other)) || strcmp(other, name) != 0 ||
            !diag_has(d, "Did you mean"))
            continue;
        if (!diag_quoted(d, "Did you mean ", hint, sizeof(hint)) || strcmp(hint, fix) != 0)
            return false;
    }
    return true;
}

/* ReferenceError / Cannot find name for a typo of exactly one name in scope. */
static int misspelt_name(struct rctx *c, const struct rdiag *d)
{
    char name[SIG_NAME_MAX], fix[SIG_NAME_MAX];
    if (!missing_name(d, name, sizeof(name)))
        return 0;
    const struct rnames *ns = bound_names(c);
    size_t len = strlen(name);
    size_t at = tok_of_diag(c, d, name, js_reference);
    int found = 0;
    if (!rnames_has(ns, name, len) && at != SIZE_MAX) {
        /* Values and globals first; TypeScript's type names as well. */
        const char *const *lists[] = {js_globals, is_ts(c) ? ts_types : NULL};
        const char *all[ARRAY_SIZE(js_globals) + ARRAY_SIZE(ts_types)];
        size_t n = 0;
        for (size_t l = 0; l < 2; l++)
            for (size_t i = 0; lists[l] && lists[l][i]; i++)
                all[n++] = lists[l][i];
        all[n] = NULL;
        found = closest_name(ns, all, at, name, fix);
    }
    /* tsc's own suggestion ("Did you mean 'x'?"), when it made one, must agree. */
    if (!found || !hints_agree(c, name, fix))
        return 0;
    return fix_misspelt_name(c, at, name, fix, "js-misspelt-name", js_reference);
}

/* ====================================================================== */
/* Missing closing braces                                                 */
/* ====================================================================== */

/* The lines of a text as the brace rule sees them. */
struct blines {
    size_t *first;   /* per line (1-based), the token that starts it, or SIZE_MAX */
    unsigned *ind;   /* per line, its indentation in columns */
    int *next_le;    /* per line, the next code line indented no deeper, or 0 */
    size_t *start;   /* per line, its first byte */
    int n;           /* lines */
};

static void blines_close(struct blines *b)
{
    free(b->first);
    free(b->ind);
    free(b->next_le);
    free(b->start);
}

/* Lines of `s` tokenized as `lx`: which start with code (not inside a
 * comment or template), their indentation, and for each the next code line
 * that is indented no deeper (a monotonic stack, one pass). */
static void blines_scan(const char *s, size_t len, const struct lex *lx, struct blines *b)
{
    int n = 1;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    b->n = n;
    b->first = xmalloc((size_t)(n + 1) * sizeof(*b->first));
    b->ind = xcalloc((size_t)(n + 1), sizeof(*b->ind));
    b->next_le = xcalloc((size_t)(n + 1), sizeof(*b->next_le));
    b->start = xmalloc((size_t)(n + 2) * sizeof(*b->start));
    int l = 1;
    b->start[1] = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' && l < n)
            b->start[++l] = i + 1;
    for (int k = 0; k <= n; k++)
        b->first[k] = SIZE_MAX;
    size_t prev_end = 0;
    unsigned prev_line = 0;
    for (size_t i = 0; i < lx->ntoks; i++) {
        const struct lex_tok *t = &lx->toks[i];
        if (t->line != prev_line && t->line <= (unsigned)n && t->kind != LEX_COMMENT &&
            prev_end <= b->start[t->line]) {
            b->first[t->line] = i;
            b->ind[t->line] = t->indent;
        }
        if (t->kind != LEX_COMMENT || t->line != prev_line)
            prev_line = t->line;
        if (t->start + t->len > prev_end)
            prev_end = t->start + t->len;
    }
    int *stack = xmalloc((size_t)(n + 1) * sizeof(int));
    int top = 0;
    for (int k = n; k >= 1; k--) {
        if (b->first[k] == SIZE_MAX)
            continue;
        while (top > 0 && b->ind[stack[top - 1]] > b->ind[k])
            top--;
        b->next_le[k] = top > 0 ? stack[top - 1] : 0;
        stack[top++] = k;
    }
    free(stack);
}

/*
 * In `s`, the '{' whose block the indentation shows ends earlier than its
 * '}' (or that has none), latest first: sets *before to the line the '}'
 * belongs before (0: at the end) and *opener to the opener's line. Returns
 * 1 when found, 0 when every block is consistent, -1 when the text is
 * inconsistent in a way a brace would not fix.
 */
static int find_open_block(const char *s, const struct lex *lx, const struct blines *b,
                           int *before, int *opener)
{
    for (size_t i = lx->ntoks; i-- > 0;) {
        const struct lex_tok *t = &lx->toks[i];
        if (t->kind != LEX_PUNCT || !lex_tok_is(t, s, "{"))
            continue;
        int l0 = (int)t->line;
        size_t p = t->pair;
        if (p != SIZE_MAX && lx->toks[p].line == t->line)
            continue;
        if (l0 < 1 || l0 > b->n || b->first[l0] == SIZE_MAX)
            return -1;
        int e = b->next_le[l0];
        if (p != SIZE_MAX) {
            if (e == 0 || b->first[e] >= p)
                continue; /* the closer is where the indentation says (or deeper) */
        }
        if (e != 0 && lex_tok_is(&lx->toks[b->first[e]], s, "}"))
            return -1; /* a '}' of another block is there */
        /* The block must have a body the indentation shows. */
        bool body = false;
        for (int k = l0 + 1; k <= (e ? e - 1 : b->n) && !body; k++)
            body = b->first[k] != SIZE_MAX && b->ind[k] > b->ind[l0];
        if (!body)
            return -1;
        *before = e;
        *opener = l0;
        return 1;
    }
    return 0;
}

/* Unexpected end of input / '}' expected: add the '}' each open block lacks. */
static int missing_brace(struct rctx *c, const struct rdiag *d)
{
    static const char *const msgs[] = {"Unexpected end of input", "Unexpected end of file",
                                       "'}' expected", "missing }", "but found end of file",
                                       NULL};
    bool match = false;
    for (size_t i = 0; msgs[i]; i++)
        match |= diag_has(d, msgs[i]);
    if (!match || c->lx.unmatched || c->lx.nopen == 0 || c->lx.nopen > 16 ||
        (c->lx.eof != LEX_EOF_CLEAN && c->lx.eof != LEX_EOF_LINE_COMMENT))
        return 0;
    for (size_t k = 0; k < c->lx.nopen; k++)
        if (c->lx.open[k].kind != '{')
            return 0;
    int need = (int)c->lx.nopen;
    int inserted[16], ninserted = 0;
    char where[160] = "";
    size_t wl = 0;
    for (int iter = 0; iter < need; iter++) {
        size_t n;
        char *cur = fix_preview(c, &n);
        struct lex lx;
        struct sk_err err;
        if (!cur || lex_run(c->lang, cur, n, &lx, &err) < 0) {
            free(cur);
            return fix_abort(c);
        }
        struct blines b;
        blines_scan(cur, n, &lx, &b);
        int before = 0, opener = 0;
        int found = find_open_block(cur, &lx, &b, &before, &opener);
        char ws[128] = "";
        if (found == 1) {
            size_t s = b.start[opener], e = s;
            while (e < n && (cur[e] == ' ' || cur[e] == '\t') && e - s < sizeof(ws) - 1)
                e++;
            memcpy(ws, cur + s, e - s);
            ws[e - s] = '\0';
        }
        bool ends_nl = n > 0 && cur[n - 1] == '\n';
        lex_close(&lx);
        free(cur);
        if (found != 1) {
            blines_close(&b);
            return fix_abort(c);
        }
        /* The '}' goes right after the block's last line of code, before
         * the blank lines and comments that lead to what follows. */
        int last = (before ? before : b.n + 1) - 1;
        while (last > opener && b.first[last] == SIZE_MAX)
            last--;
        int line = last + 1, nlines = b.n;
        blines_close(&b);
        /* Map the line back to the original: lines added before it do not count. */
        char *text;
        size_t at;
        int orig = 0;
        if (line > nlines) {
            at = c->len;
            text = xasprintf("%s%s}\n", ends_nl ? "" : "\n", ws);
        } else {
            orig = line;
            for (int k = 0; k < ninserted; k++)
                orig -= inserted[k] < line;
            for (int k = 0; k < ninserted; k++)
                inserted[k] += inserted[k] >= line;
            inserted[ninserted++] = line;
            at = line_start(c, orig);
            text = xasprintf("%s}\n", ws);
        }
        fix_edit(c, at, 0, text);
        free(text);
        int k = at < c->len ? snprintf(where + wl, sizeof(where) - wl, "%sbefore line %d", wl ? ", " : "",
                                orig)
                     : snprintf(where + wl, sizeof(where) - wl, "%sat the end", wl ? ", " : "");
        if (k > 0 && (size_t)k < sizeof(where) - wl)
            wl += (size_t)k;
    }
    size_t n;
    char *pv = fix_preview(c, &n);
    bool good = pv && repair_imbalance(c->lang, pv, n) == 0;
    free(pv);
    if (!good)
        return fix_abort(c);
    return fix_commit(c, d->line, "js-missing-brace",
                      "closed %d block%s left open, where the indentation shows %s: '}' added %s",
                      need, need == 1 ? "" : "s", need == 1 ? "it ends" : "they end", where);
}

/* ====================================================================== */
/* Security fixes                                                         */
/* ====================================================================== */

/* no-unsanitized/property / js.xss: el.innerHTML = value -> el.textContent = value. */
static int text_content(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"no-unsanitized/property", "js.xss", NULL};
    if (!diag_rule_in(d, rules) || d->line < 1)
        return 0;
    if (!strcmp(d->rule, "js.xss") && !diag_has(d, "innerHTML"))
        return 0;
    size_t t = tok_on_line(c, d->line);
    int n = 0;
    for (; t < c->lx.ntoks && T(c, t)->line == (unsigned)d->line; t++) {
        size_t p = tok_next(c, t), op = tok_next(c, p);
        if (!tok_is(c, t, ".") || !tok_is(c, p, "innerHTML") ||
            !(tok_is(c, op, "=") || tok_is(c, op, "+=")))
            continue;
        /* A value with markup in it is meant to be HTML: textContent would
         * show the tags. That needs a sanitiser, not this rule. */
        int depth = T(c, op)->depth;
        for (size_t k = tok_next(c, op), m = 0; k != SIZE_MAX && m < 256; k = tok_next(c, k), m++) {
            if (T(c, k)->depth < depth || (T(c, k)->depth == depth && tok_is(c, k, ";")) ||
                (T(c, k)->line > T(c, op)->line && T(c, k)->depth == depth &&
                 T(c, tok_prev(c, k))->kind != LEX_PUNCT))
                break;
            if (T(c, k)->kind == LEX_STRING) {
                const char *s = c->src + T(c, k)->start;
                for (size_t j = 0; j + 1 < T(c, k)->len; j++)
                    if (s[j] == '<' && (isalpha((unsigned char)s[j + 1]) || s[j + 1] == '/'))
                        return fix_abort(c);
            }
        }
        fix_edit(c, T(c, p)->start, T(c, p)->len, "textContent");
        n++;
    }
    if (n == 0)
        return 0;
    return fix_commit(c, d->line, "js-text-content",
                      "innerHTML replaced with textContent: the value is shown as text, never "
                      "parsed as HTML");
}

const repair_rule_fn repair_rules_ecma[] = {
    require_module, misspelt_name, missing_brace, text_content, NULL,
};
