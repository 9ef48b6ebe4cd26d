/*
 * The Python repair rules (see repair.h): syntax (missing ':', brackets and
 * strings never closed, indentation), NameError (a missing import, a
 * misspelt name), and the security fixes (yaml.safe_load, an argument list
 * instead of shell=True, ast.literal_eval, verify=False removed).
 *
 * Messages are CPython 3.11's (Debian 12), which the sandbox reproduces;
 * bandit reports syntax errors with the same text.
 */
#include "config.h"

#include "model/repair-internal.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ====================================================================== */
/* Statements and blocks                                                  */
/* ====================================================================== */

static const struct lex_tok *T(const struct rctx *c, size_t i)
{
    return &c->lx.toks[i];
}

/* First significant token of the logical line holding token i (the
 * engine computes both tables once, so that no walk is quadratic). */
static size_t stmt_first(const struct rctx *c, size_t i)
{
    return i < c->lx.ntoks ? c->py_first[i] : c->lx.ntoks;
}

/* The NEWLINE token that ends the logical line from token i (or ntoks). */
static size_t stmt_newline(const struct rctx *c, size_t i)
{
    return i < c->lx.ntoks ? c->py_newline[i] : c->lx.ntoks;
}

/* Token i begins a logical line. */
static bool stmt_start(const struct rctx *c, size_t i)
{
    return i < c->lx.ntoks && lex_tok_significant(T(c, i)) && c->py_first[i] == i;
}

/* First token of the statement before the one starting at s, or SIZE_MAX. */
static size_t stmt_before(const struct rctx *c, size_t s)
{
    size_t p = tok_prev(c, s);
    if (p == SIZE_MAX)
        return SIZE_MAX;
    return stmt_first(c, p);
}

/* The statement starting at s ends its header with ':' (a block opens). */
static bool opens_block(const struct rctx *c, size_t s)
{
    size_t nl = stmt_newline(c, s);
    size_t last = tok_prev(c, nl);
    return last != SIZE_MAX && last >= s && tok_is(c, last, ":");
}

/* The first significant token starting on `line` if it begins a statement. */
static size_t stmt_on_line(const struct rctx *c, int line)
{
    size_t t = tok_on_line(c, line);
    while (t < c->lx.ntoks && T(c, t)->line == (unsigned)line && !lex_tok_significant(T(c, t)))
        t++;
    if (t >= c->lx.ntoks || T(c, t)->line != (unsigned)line || !stmt_start(c, t))
        return SIZE_MAX;
    return t;
}

/* A line holding nothing but a comment. */
static bool comment_line(const struct rctx *c, int line)
{
    size_t s = line_start(c, line) + line_ws(c, line);
    return s < c->len && c->src[s] == '#' && !line_in_token(c, line);
}

/*
 * The file's indentation step, for new or moved lines: the first body line
 * under a block header gives it (four spaces if none; a tab if the file
 * indents with tabs).
 */
static void indent_unit(const struct rctx *c, char *buf, size_t size)
{
    for (int l = 1; l <= (int)c->nlines; l++) {
        size_t s = stmt_on_line(c, l);
        if (s == SIZE_MAX || !opens_block(c, s))
            continue;
        size_t nl = stmt_newline(c, s);
        size_t b = tok_next(c, nl);
        if (b == SIZE_MAX || T(c, b)->indent <= T(c, s)->indent)
            continue;
        int bl = (int)T(c, b)->line;
        size_t ws = line_ws(c, bl), hws = line_ws(c, (int)T(c, s)->line);
        if (ws > hws && ws - hws < size &&
            memcmp(c->src + line_start(c, bl), c->src + line_start(c, (int)T(c, s)->line), hws) == 0) {
            snprintf(buf, size, "%.*s", (int)(ws - hws), c->src + line_start(c, bl) + hws);
            return;
        }
        break;
    }
    snprintf(buf, size, "    ");
}

/* Leading whitespace of `line` as a string. */
static void line_indent_text(const struct rctx *c, int line, char *buf, size_t size)
{
    size_t n = line_ws(c, line);
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), c->src + line_start(c, line));
}

/* ====================================================================== */
/* Syntax                                                                 */
/* ====================================================================== */

static const char *const block_keywords[] = {"if",   "elif",    "else", "for",   "while",
                                             "def",  "class",   "try",  "except", "finally",
                                             "with", "async",   "match", "case", NULL};

/* SyntaxError: expected ':' -- a block header without its colon. */
static int missing_colon(struct rctx *c, const struct rdiag *d)
{
    if (!diag_has(d, "expected ':'") || d->line < 1)
        return 0;
    size_t t = tok_on_line(c, d->line);
    while (t < c->lx.ntoks && !lex_tok_significant(T(c, t)))
        t++;
    if (t >= c->lx.ntoks || T(c, t)->line != (unsigned)d->line)
        return 0;
    size_t s = stmt_first(c, t);
    if (!tok_in(c, s, block_keywords))
        return 0;
    if (tok_is(c, s, "async") && !tok_in(c, tok_next(c, s), (const char *const[]){"def", "for", "with", NULL}))
        return 0;
    size_t nl = stmt_newline(c, s);
    size_t last = tok_prev(c, nl);
    if (last == SIZE_MAX || last < s || tok_is(c, last, ":"))
        return 0;
    /* A ':' already at the header's level means the colon is not what is
     * missing (a one-line body, a misplaced token): not sure. */
    for (size_t i = s; i < nl; i++)
        if (T(c, i)->depth == T(c, s)->depth && tok_is(c, i, ":"))
            return 0;
    char kw[16];
    tok_copy(c, s, kw, sizeof(kw));
    fix_edit(c, tok_end(c, last), 0, ":");
    return fix_commit(c, (int)T(c, last)->line, "py-missing-colon",
                      "added the ':' that ends the '%s' header", kw);
}

/* SyntaxError: '(' was never closed -- close it where its statement ends. */
static int unclosed_bracket(struct rctx *c, const struct rdiag *d)
{
    const char *p = strstr(d->msg, "' was never closed");
    if (!p || p - d->msg < 2 || p[-2] != '\'' || d->line < 1)
        return 0;
    char want = p[-1];
    const char *closer = want == '(' ? ")" : want == '[' ? "]" : want == '{' ? "}" : NULL;
    /* Only the simple case: this bracket is the one thing left open. */
    if (!closer || c->lx.nopen != 1 || c->lx.open[0].kind != want || c->lx.unmatched ||
        (c->lx.eof != LEX_EOF_CLEAN && c->lx.eof != LEX_EOF_LINE_COMMENT))
        return 0;
    size_t o = c->lx.open[0].tok;
    if (T(c, o)->line != (unsigned)d->line)
        return 0;
    unsigned ind = T(c, stmt_first(c, o))->indent;
    /* The statement runs on while lines are indented deeper than it starts;
     * the first line back at its level (or less) is the next statement. */
    int next = d->line + 1;
    for (; next <= (int)c->nlines; next++) {
        if (line_blank(c, next) || line_in_token(c, next) || comment_line(c, next))
            continue;
        if (line_cols(c, next) <= ind)
            break;
    }
    size_t at = tok_on_line(c, next);
    if (next > (int)c->nlines || at == SIZE_MAX)
        at = c->lx.ntoks;
    size_t last = tok_prev(c, at);
    if (last == SIZE_MAX || last < o)
        return 0;
    /* After an operator the expression is unfinished, not unclosed. */
    if (last != o && T(c, last)->kind == LEX_PUNCT && !tok_in(c, last, (const char *const[]){")", "]", "}", ",", NULL}))
        return 0;
    fix_edit(c, tok_end(c, last), 0, closer);
    size_t n;
    char *pv = fix_preview(c, &n);
    bool good = pv && repair_imbalance(c->lang, pv, n) == 0;
    free(pv);
    if (!good)
        return fix_abort(c);
    return fix_commit(c, (int)T(c, last)->line, "py-unclosed-bracket",
                      "closed the '%c' opened on line %d", want, d->line);
}

/* Length of a Python string prefix (r, b, u, f, rb, ...) at s. */
static size_t prefix_len(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && k < 2 && strchr("rRbBuUfF", s[k]))
        k++;
    return k;
}

/* Token i is a single-quoted string literal cut off by the end of its line. */
static bool broken_string(const struct rctx *c, size_t i, size_t *quote_at)
{
    const struct lex_tok *t = T(c, i);
    if (t->kind != LEX_STRING)
        return false;
    const char *s = c->src + t->start;
    size_t k = prefix_len(s, t->len);
    if (k >= t->len || (s[k] != '"' && s[k] != '\''))
        return false;
    char q = s[k];
    if (k + 2 < t->len && s[k + 1] == q && s[k + 2] == q)
        return false; /* triple-quoted: where it should end is anyone's guess */
    for (size_t j = k + 1; j < t->len; j++) {
        if (s[j] == '\\') {
            j++;
            continue;
        }
        if (s[j] == q)
            return false;
    }
    *quote_at = t->start + k;
    return true;
}

static size_t count_broken(const struct lang *lang, const char *s, size_t len)
{
    struct rctx t = {.lang = lang, .src = s, .len = len};
    struct sk_err err;
    if (lex_run(lang, s, len, &t.lx, &err) < 0)
        return SIZE_MAX;
    size_t n = 0, q;
    for (size_t i = 0; i < t.lx.ntoks; i++)
        n += broken_string(&t, i, &q);
    lex_close(&t.lx);
    return n;
}

/*
 * SyntaxError: unterminated string literal -- close it at the end of its
 * line, but before the closing brackets (and a header's ':') that the
 * string swallowed: print("hello) becomes print("hello").
 */
static int unclosed_string(struct rctx *c, const struct rdiag *d)
{
    if (!diag_has(d, "unterminated string literal") || diag_has(d, "triple-quoted") ||
        d->line < 1)
        return 0;
    size_t t = tok_on_line(c, d->line), q = 0;
    for (; t < c->lx.ntoks && T(c, t)->line == (unsigned)d->line; t++)
        if (broken_string(c, t, &q))
            break;
    if (t >= c->lx.ntoks || T(c, t)->line != (unsigned)d->line)
        return 0;
    size_t s = stmt_first(c, t);
    /* The brackets open at the string, innermost last. */
    char open[LEX_MAX_DEPTH];
    size_t nopen = 0;
    for (size_t i = s; i < t; i++) {
        const char *x = c->src + T(c, i)->start;
        if (T(c, i)->kind != LEX_PUNCT || T(c, i)->len != 1)
            continue;
        if ((*x == '(' || *x == '[' || *x == '{') && nopen < sizeof(open))
            open[nopen++] = *x;
        else if ((*x == ')' || *x == ']' || *x == '}') && nopen > 0)
            nopen--;
    }
    size_t end = tok_end(c, t);
    while (end > q + 1 && isspace((unsigned char)c->src[end - 1]))
        end--;
    size_t at = end;
    bool header = tok_in(c, s, block_keywords);
    if (header && at > q + 1 && c->src[at - 1] == ':')
        at--;
    for (size_t k = nopen; k > 0 && at > q + 1; k--) {
        char ch = c->src[at - 1];
        char want = open[k - 1] == '(' ? ')' : open[k - 1] == '[' ? ']' : '}';
        if (ch != want)
            break;
        at--;
    }
    char quote[2] = {c->src[q], '\0'};
    fix_edit(c, at, 0, quote);
    size_t n;
    char *pv = fix_preview(c, &n);
    bool good = pv && count_broken(c->lang, pv, n) < count_broken(c->lang, c->src, c->len) &&
                repair_imbalance(c->lang, pv, n) <= repair_imbalance(c->lang, c->src, c->len);
    free(pv);
    if (!good)
        return fix_abort(c);
    return fix_commit(c, d->line, "py-unclosed-string",
                      "closed the string that starts at column %zu",
                      q - line_start(c, d->line) + 1);
}

/* Shift `line` by delta columns of spaces (negative: to the left). */
static bool shift_line(struct rctx *c, int line, int delta, const char *unit_text)
{
    size_t s = line_start(c, line), ws = line_ws(c, line);
    if (memchr(c->src + s, '\t', ws) && delta < 0)
        return false;
    if (delta < 0) {
        if (ws < (size_t)-delta)
            return false;
        fix_edit(c, s, (size_t)-delta, "");
    } else if (delta > 0) {
        if (unit_text) {
            fix_edit(c, s, 0, unit_text);
        } else {
            char sp[256];
            if ((size_t)delta >= sizeof(sp))
                return false;
            memset(sp, ' ', (size_t)delta);
            sp[delta] = '\0';
            fix_edit(c, s, 0, sp);
        }
    }
    return true;
}

/* The line number given in "... on line N" of the message, or 0. */
static int on_line(const struct rdiag *d)
{
    const char *p = strstr(d->msg, "on line ");
    return p ? atoi(p + 8) : 0;
}

/*
 * IndentationError: expected an indented block after 'X' on line H. An
 * empty block (what follows is the header's sibling, or less indented) gets
 * `pass`; a body written at the header's level is indented, when where it
 * ends is clear: one statement, or a function's statements up to its
 * return (or up to the first call of the function itself).
 */
static int indent_expected(struct rctx *c, const struct rdiag *d)
{
    if (!diag_has(d, "expected an indented block") || d->line < 1)
        return 0;
    size_t tl = stmt_on_line(c, d->line);
    if (tl == SIZE_MAX)
        return 0;
    size_t h = stmt_before(c, tl);
    if (h == SIZE_MAX || !opens_block(c, h) || (on_line(d) && on_line(d) != (int)T(c, h)->line))
        return 0;
    unsigned hi = T(c, h)->indent, li = T(c, tl)->indent;
    if (li > hi)
        return 0;
    char unit[32], hind[128], kw[16];
    indent_unit(c, unit, sizeof(unit));
    line_indent_text(c, (int)T(c, h)->line, hind, sizeof(hind));
    size_t kwt = tok_is(c, h, "async") ? tok_next(c, h) : h;
    tok_copy(c, kwt, kw, sizeof(kw));
    bool is_def = !strcmp(kw, "def"), is_class = !strcmp(kw, "class");

    static const char *const siblings[] = {"elif", "else", "except", "finally", "case", NULL};
    static const char *const defs[] = {"def", "class", "@", "async", NULL};
    bool empty = li < hi || tok_in(c, tl, siblings);
    if (!empty && tok_in(c, tl, defs)) {
        /* A method right under a class header is its body, not a sibling. */
        size_t p = tok_next(c, tok_next(c, tok_is(c, tl, "async") ? tok_next(c, tl) : tl));
        size_t a = tok_next(c, p);
        bool method = is_class && tok_is(c, tl, "def") && tok_is(c, p, "(") &&
                      tok_in(c, a, (const char *const[]){"self", "cls", NULL});
        if (!method && is_class)
            return 0;
        empty = !method;
    }
    if (empty) {
        size_t nl = stmt_newline(c, h);
        if (nl >= c->lx.ntoks)
            return 0;
        char *text = xasprintf("%s%spass\n", hind, unit);
        fix_edit(c, T(c, nl)->start + 1, 0, text);
        free(text);
        return fix_commit(c, (int)T(c, h)->line, "py-indent-expected",
                          "the '%s' block had no body: added 'pass'", kw);
    }

    /* The statements at the header's level that follow, up to a blank line,
     * a dedent, a sibling clause or another definition. */
    char name[SIG_NAME_MAX] = "";
    if (is_def)
        tok_copy(c, tok_next(c, kwt), name, sizeof(name));
    int first = d->line, last = 0, count = 0;
    bool cut = false;
    for (size_t s = tl; s < c->lx.ntoks && !cut;) {
        int sl = (int)T(c, s)->line;
        bool gap = false;
        for (int l = last ? last + 1 : first; l < sl; l++)
            gap |= line_blank(c, l);
        if (s != tl && (gap || T(c, s)->indent < hi ||
                        (T(c, s)->indent == hi && (tok_in(c, s, siblings) || tok_in(c, s, defs)))))
            break;
        if (T(c, s)->indent == hi) {
            if (is_def && s != tl && tok_ident(c, s, name, strlen(name)) &&
                tok_is(c, tok_next(c, s), "(")) {
                cut = true;
                break;
            }
            count++;
            if (is_def && tok_in(c, s, (const char *const[]){"return", "raise", NULL}))
                cut = true;
        }
        size_t nl = stmt_newline(c, s);
        last = nl < c->lx.ntoks ? (int)T(c, nl)->line : (int)c->nlines;
        s = tok_next(c, nl);
        if (s == SIZE_MAX)
            break;
    }
    if (count == 0 || (count > 1 && !cut))
        return 0;
    int lines = 0;
    for (int l = first; l <= last; l++) {
        if (line_blank(c, l) || line_in_token(c, l))
            continue;
        if (!shift_line(c, l, 1, unit))
            return fix_abort(c);
        lines++;
    }
    return fix_commit(c, first, "py-indent-expected",
                      "indented the body of the '%s' block on line %d (%d line%s)", kw,
                      (int)T(c, h)->line, lines, lines == 1 ? "" : "s");
}

/*
 * Shift line `from` and what belongs to it by delta columns: the lines
 * after it at its indentation, and the bodies of the blocks they open.
 * Returns the number of lines moved, or -1.
 */
static int shift_block(struct rctx *c, int from, unsigned cols, int delta)
{
    int moved = 0;
    bool in_body = false;
    for (int l = from; l <= (int)c->nlines; l++) {
        if (line_blank(c, l) || line_in_token(c, l))
            continue;
        if (comment_line(c, l)) {
            if (line_cols(c, l) >= cols && !shift_line(c, l, delta, NULL))
                return -1;
            continue;
        }
        size_t s = stmt_on_line(c, l);
        unsigned lc = line_cols(c, l);
        if (s == SIZE_MAX) {
            /* A continuation line of a statement that moved moves with it. */
            if (moved && !shift_line(c, l, delta, NULL))
                return -1;
            continue;
        }
        if (l != from && !(lc == cols || (lc > cols && in_body)))
            break;
        if (lc == cols)
            in_body = opens_block(c, s);
        if (!shift_line(c, l, delta, NULL))
            return -1;
        moved++;
    }
    return moved;
}

/* IndentationError: unexpected indent -- back to the previous statement's level. */
static int indent_unexpected(struct rctx *c, const struct rdiag *d)
{
    if (!diag_has(d, "unexpected indent") || d->line < 1)
        return 0;
    size_t tl = stmt_on_line(c, d->line);
    if (tl == SIZE_MAX)
        return 0;
    size_t p = stmt_before(c, tl);
    if (p != SIZE_MAX && opens_block(c, p))
        return 0;
    unsigned target = p == SIZE_MAX ? 0 : T(c, p)->indent, li = T(c, tl)->indent;
    if (target >= li)
        return 0;
    int n = shift_block(c, d->line, li, -(int)(li - target));
    if (n <= 0)
        return fix_abort(c);
    return fix_commit(c, d->line, "py-indent-unexpected",
                      "removed the unexpected indentation (%d line%s moved %u columns left)", n,
                      n == 1 ? "" : "s", li - target);
}

/*
 * IndentationError: unindent does not match any outer indentation level --
 * to the nearest level of the enclosing blocks; on a tie, a return, break,
 * continue or yield goes to the deeper one (it belongs inside), anything
 * else is not sure.
 */
static int indent_mismatch(struct rctx *c, const struct rdiag *d)
{
    if (!diag_has(d, "unindent does not match") || d->line < 1)
        return 0;
    size_t tl = stmt_on_line(c, d->line);
    if (tl == SIZE_MAX)
        return 0;
    unsigned stack[64] = {0};
    size_t n = 1;
    for (size_t i = 0; i < tl; i++) {
        if (!stmt_start(c, i))
            continue;
        unsigned x = T(c, i)->indent;
        if (x > stack[n - 1] && n < ARRAY_SIZE(stack))
            stack[n++] = x;
        while (n > 1 && stack[n - 1] > x)
            n--;
        if (stack[n - 1] < x && n < ARRAY_SIZE(stack))
            stack[n++] = x;
    }
    /* Levels as they stood before the line above: what this line can join. */
    unsigned li = T(c, tl)->indent;
    unsigned best = 0, bestd = ~0u;
    bool tie = false;
    for (size_t k = 0; k < n; k++) {
        unsigned dd = stack[k] > li ? stack[k] - li : li - stack[k];
        if (dd == 0)
            return 0;
        if (dd < bestd) {
            bestd = dd;
            best = stack[k];
            tie = false;
        } else if (dd == bestd) {
            tie = true;
            if (stack[k] > best)
                best = stack[k];
        }
    }
    if (tie && !tok_in(c, tl, (const char *const[]){"return", "break", "continue", "yield", NULL}))
        return 0;
    int moved = shift_block(c, d->line, li, (int)best - (int)li);
    if (moved <= 0)
        return fix_abort(c);
    return fix_commit(c, d->line, "py-indent-mismatch",
                      "re-indented to column %u, the level of the enclosing block (it was at %u)",
                      best + 1, li + 1);
}

/* ====================================================================== */
/* Names                                                                  */
/* ====================================================================== */

/* Builtins a misspelt name may be corrected to. The dangerous ones (eval,
 * exec, open, getattr, __import__, ...) are left out on purpose: a repair
 * must never introduce what the policy blocks. */
static const char *const py_builtins[] = {
    "print", "len", "range", "int", "str", "float", "list", "dict", "set", "tuple", "bool",
    "sorted", "reversed", "enumerate", "zip", "map", "filter", "sum", "min", "max", "abs",
    "round", "isinstance", "issubclass", "type", "object", "super", "property",
    "staticmethod", "classmethod", "input", "repr", "hash", "iter", "next", "any", "all",
    "chr", "ord", "hex", "oct", "bin", "format", "divmod", "pow", "callable", "frozenset",
    "bytes", "bytearray", "slice", "complex", "ascii", "True", "False", "None",
    "NotImplemented", "Exception", "BaseException", "ValueError", "TypeError", "KeyError",
    "IndexError", "AttributeError", "RuntimeError", "ZeroDivisionError", "StopIteration",
    "NotImplementedError", "ArithmeticError", "OverflowError", "LookupError", "NameError",
    "AssertionError", "UnicodeError", "RecursionError", "KeyboardInterrupt", "__name__",
    NULL};

/* Modules whose import a NameError may add: the standard library's, minus
 * everything the AST policy treats as dangerous (os, subprocess, socket,
 * pickle, shutil, ctypes, importlib, ...). */
static const char *const py_modules[] = {
    "math", "cmath", "json", "re", "random", "string", "itertools", "functools",
    "collections", "datetime", "time", "decimal", "fractions", "statistics", "textwrap",
    "heapq", "bisect", "operator", "copy", "pprint", "typing", "dataclasses", "enum",
    "hashlib", "hmac", "secrets", "base64", "binascii", "uuid", "struct", "array",
    "calendar", "unicodedata", "difflib", "csv", "html", "abc", "contextlib", "numbers",
    "zlib", "sys", "io", "ast", "shlex", "queue", "weakref", "argparse", "logging",
    "traceback", "warnings", NULL};

/* Names a NameError may import from their module: "name module". */
static const char *const py_from[] = {
    "sqrt math",          "pi math",              "floor math",            "ceil math",
    "gcd math",           "factorial math",       "isqrt math",            "hypot math",
    "comb math",          "perm math",            "inf math",              "log2 math",
    "log10 math",         "defaultdict collections", "Counter collections", "deque collections",
    "namedtuple collections", "OrderedDict collections", "ChainMap collections",
    "dataclass dataclasses", "field dataclasses",  "asdict dataclasses",
    "reduce functools",   "lru_cache functools",  "partial functools",     "wraps functools",
    "cache functools",    "cmp_to_key functools", "total_ordering functools",
    "permutations itertools", "combinations itertools", "product itertools",
    "chain itertools",    "groupby itertools",    "islice itertools",      "accumulate itertools",
    "zip_longest itertools", "cycle itertools",
    "List typing",        "Dict typing",          "Tuple typing",          "Set typing",
    "Optional typing",    "Union typing",         "Any typing",            "Callable typing",
    "Iterable typing",    "Iterator typing",      "Sequence typing",       "Mapping typing",
    "TypeVar typing",     "Generic typing",       "NamedTuple typing",     "Protocol typing",
    "Enum enum",          "IntEnum enum",         "auto enum",
    "Fraction fractions", "Decimal decimal",
    "timedelta datetime", "date datetime",        "timezone datetime",
    "sleep time",         "perf_counter time",    "monotonic time",
    "randint random",     "choice random",        "shuffle random",
    "heappush heapq",     "heappop heapq",        "heapify heapq",
    "bisect_left bisect", "bisect_right bisect",  "insort bisect",
    "deepcopy copy",      "pprint pprint",
    "ascii_lowercase string", "ascii_uppercase string", "ascii_letters string",
    "digits string",      "punctuation string",
    "dedent textwrap",    "mean statistics",      "median statistics",     "stdev statistics",
    "itemgetter operator", "attrgetter operator",
    "contextmanager contextlib", "suppress contextlib",
    "ABC abc",            "abstractmethod abc",
    "StringIO io",        "BytesIO io",
    "uuid4 uuid",         "token_hex secrets",    "token_urlsafe secrets", "sha256 hashlib",
    NULL};

static const char *const py_keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", NULL};

static void bind(const struct rctx *c, struct rnames *ns, size_t i, size_t from, size_t to)
{
    if (i < c->lx.ntoks && T(c, i)->kind == LEX_IDENT && !tok_in(c, i, py_keywords))
        rnames_add(ns, c->src + T(c, i)->start, T(c, i)->len, from, to);
}

/* Tokens a header scan looks at: a longer header is not followed. */
#define MAX_HEADER_TOKENS 512

/* The ':' that ends the def, class or lambda header at token i, or SIZE_MAX. */
static size_t header_colon(const struct rctx *c, size_t i)
{
    int depth = T(c, i)->depth;
    size_t nl = stmt_newline(c, i);
    for (size_t j = i + 1; j < nl && j < i + MAX_HEADER_TOKENS; j++)
        if (T(c, j)->depth == depth && tok_is(c, j, ":"))
            return j;
    return SIZE_MAX;
}

/* One past the last token of the body of the def or class at token i. */
static size_t scope_end(const struct rctx *c, size_t i, size_t colon)
{
    if (colon == SIZE_MAX)
        return stmt_newline(c, i);
    size_t k = colon + 1;
    while (k < c->lx.ntoks && T(c, k)->kind == LEX_COMMENT)
        k++;
    if (k >= c->lx.ntoks || T(c, k)->kind != LEX_NEWLINE)
        return stmt_newline(c, colon); /* a one-line body */
    return c->py_dedent[stmt_first(c, i)];
}

/*
 * Every name the code binds, each with the range where it is visible (its
 * def, class or lambda, else the whole module): definitions, parameters,
 * assignment, for and with targets, imports, `as` names, walrus targets,
 * global and nonlocal declarations.
 */
static void py_bindings(const struct rctx *c, struct rnames *ns)
{
    size_t nt = c->lx.ntoks;
    struct { size_t from, to; } scopes[128];
    size_t nscopes = 0;
    for (size_t i = 0; i < nt; i++) {
        while (nscopes > 0 && i >= scopes[nscopes - 1].to)
            nscopes--;
        size_t from = nscopes ? scopes[nscopes - 1].from : 0;
        size_t to = nscopes ? scopes[nscopes - 1].to : nt;
        const struct lex_tok *t = T(c, i);
        if (t->kind != LEX_IDENT)
            continue;
        size_t nx = tok_next(c, i);
        if (tok_is(c, i, "def") || tok_is(c, i, "class") || tok_is(c, i, "lambda")) {
            bool lambda = tok_is(c, i, "lambda");
            size_t colon = header_colon(c, i);
            size_t end = lambda ? stmt_newline(c, i) : scope_end(c, i, colon);
            if (!lambda)
                bind(c, ns, nx, from, to);
            /* Parameters: names after '(' ',' '*' '**' (or lambda) and
             * before ',' ')' '=' ':'. */
            size_t open = lambda ? i : tok_next(c, nx);
            size_t close = lambda ? colon : tok_is(c, open, "(") ? T(c, open)->pair : SIZE_MAX;
            int pd = lambda ? t->depth : open < nt ? T(c, open)->depth + 1 : 0;
            for (size_t k = open + 1; close != SIZE_MAX && k < close && k < nt; k++) {
                if (T(c, k)->depth != pd || T(c, k)->kind != LEX_IDENT)
                    continue;
                size_t a = tok_prev(c, k), b = tok_next(c, k);
                if ((a == open || tok_in(c, a, (const char *const[]){",", "*", "**", NULL})) &&
                    (b == close || tok_in(c, b, (const char *const[]){",", ")", "=", ":", NULL})))
                    bind(c, ns, k, lambda ? from : i, lambda ? to : end);
            }
            if (!lambda && nscopes < ARRAY_SIZE(scopes)) {
                scopes[nscopes].from = i;
                scopes[nscopes].to = end;
                nscopes++;
            }
            continue;
        }
        if (tok_is(c, i, "for")) {
            for (size_t k = i + 1; k < nt && k < i + MAX_HEADER_TOKENS && !tok_is(c, k, "in") &&
                                   T(c, k)->kind != LEX_NEWLINE; k++)
                if (!tok_is(c, tok_next(c, k), ".") && !tok_is(c, tok_prev(c, k), "."))
                    bind(c, ns, k, from, to);
            continue;
        }
        if (tok_is(c, i, "as") || tok_is(c, i, "global") || tok_is(c, i, "nonlocal")) {
            bind(c, ns, nx, from, to);
            for (size_t k = nx; !tok_is(c, i, "as") && tok_is(c, tok_next(c, k), ",");) {
                k = tok_next(c, tok_next(c, k));
                bind(c, ns, k, from, to);
            }
            continue;
        }
        if (tok_is(c, i, "import") && stmt_first(c, i) == i) {
            /* import a.b as c, d: a and d (c is bound by its 'as'). */
            size_t nl = stmt_newline(c, i);
            for (size_t k = i + 1; k < nl; k++) {
                size_t p = tok_prev(c, k);
                if (T(c, k)->kind != LEX_IDENT || !(p == i || tok_is(c, p, ",")))
                    continue;
                size_t e = k;
                while (e < nl && tok_is(c, tok_next(c, e), "."))
                    e = tok_next(c, tok_next(c, e));
                if (e < nl && !tok_is(c, tok_next(c, e), "as"))
                    bind(c, ns, k, from, to);
            }
            continue;
        }
        if (tok_is(c, i, "import") && tok_is(c, stmt_first(c, i), "from")) {
            /* from m import a, b as c: a and c (the 'as' case binds above). */
            size_t nl = stmt_newline(c, i);
            for (size_t k = i + 1; k < nl; k++) {
                size_t p = tok_prev(c, k);
                if (T(c, k)->kind == LEX_IDENT &&
                    (p == i || tok_is(c, p, ",") || tok_is(c, p, "(")) &&
                    !tok_is(c, tok_next(c, k), "as"))
                    bind(c, ns, k, from, to);
            }
            continue;
        }
        if (tok_is(c, nx, ":=")) {
            bind(c, ns, i, from, to);
            continue;
        }
        /* Assignment targets: names at the statement's level before its last
         * top-level '=' (an annotation's ':' ends the target). */
        if (stmt_start(c, i) && !tok_in(c, i, py_keywords)) {
            size_t nl = stmt_newline(c, i), eq = SIZE_MAX, colon = SIZE_MAX;
            for (size_t k = i; k < nl; k++)
                if (T(c, k)->depth == t->depth) {
                    if (tok_is(c, k, "="))
                        eq = k;
                    else if (tok_is(c, k, ":") && colon == SIZE_MAX && eq == SIZE_MAX)
                        colon = k;
                }
            size_t end = colon != SIZE_MAX ? colon : eq;
            if (end == SIZE_MAX)
                continue;
            for (size_t k = i; k < end; k++) {
                if (T(c, k)->kind != LEX_IDENT || T(c, k)->depth != t->depth)
                    continue;
                size_t a = tok_prev(c, k), b = tok_next(c, k);
                if (tok_is(c, a, ".") || tok_in(c, b, (const char *const[]){".", "[", "(", NULL}))
                    continue;
                bind(c, ns, k, from, to);
            }
        }
    }
}

/* A reference to `name` at token i: not an attribute, not a keyword argument. */
static bool py_reference(const struct rctx *c, size_t i, const char *name, size_t len)
{
    if (!tok_ident(c, i, name, len))
        return false;
    size_t a = tok_prev(c, i), b = tok_next(c, i);
    if (tok_is(c, a, ".") || tok_in(c, a, (const char *const[]){"def", "class", "import", "as", NULL}))
        return false;
    if (tok_is(c, b, "=") && T(c, i)->depth > 0 && (tok_is(c, a, "(") || tok_is(c, a, ",")))
        return false;
    return true;
}

/* The top-level `import m` (exact, no alias) exists. */
static bool has_import(const struct rctx *c, const char *module)
{
    size_t ml = strlen(module);
    for (size_t i = 0; i < c->lx.ntoks; i++)
        if (tok_is(c, i, "import") && stmt_first(c, i) == i && T(c, i)->indent == 0) {
            size_t nl = stmt_newline(c, i);
            for (size_t k = i + 1; k < nl; k++)
                if (tok_ident(c, k, module, ml) &&
                    (tok_is(c, tok_prev(c, k), "import") || tok_is(c, tok_prev(c, k), ",")) &&
                    !tok_in(c, tok_next(c, k), (const char *const[]){".", "as", NULL}))
                    return true;
        }
    return false;
}

/*
 * Where a new import goes: after a shebang, comments and the module
 * docstring, after the imports at the top of the file. Sets *blank when the
 * code that follows needs a blank line after it.
 */
static size_t import_point(const struct rctx *c, bool *blank)
{
    size_t i = 0, at = 0;
    bool imports = false;
    while (i < c->lx.ntoks && !lex_tok_significant(T(c, i)))
        i++;
    if (i < c->lx.ntoks && T(c, i)->kind == LEX_STRING && stmt_start(c, i)) {
        size_t nl = stmt_newline(c, i);
        if (nl >= c->lx.ntoks || T(c, nl)->start + 1 > c->len)
            return SIZE_MAX;
        at = T(c, nl)->start + 1;
        i = tok_next(c, nl);
    } else if (i < c->lx.ntoks) {
        at = line_start(c, (int)T(c, i)->line);
    } else {
        at = c->len;
    }
    while (i != SIZE_MAX && i < c->lx.ntoks && T(c, i)->indent == 0 &&
           (tok_is(c, i, "import") || tok_is(c, i, "from"))) {
        size_t nl = stmt_newline(c, i);
        if (nl >= c->lx.ntoks)
            return SIZE_MAX;
        at = T(c, nl)->start + 1;
        imports = true;
        i = tok_next(c, nl);
    }
    *blank = !imports && i != SIZE_MAX && i < c->lx.ntoks;
    return at;
}

/* Add `line` (an import statement, without newline) at the import point. */
static bool add_import(struct rctx *c, const char *line)
{
    bool blank = false;
    size_t at = import_point(c, &blank);
    if (at == SIZE_MAX)
        return false;
    bool need_nl = at > 0 && at == c->len && c->src[at - 1] != '\n';
    char *text = xasprintf("%s%s\n%s", need_nl ? "\n" : "", line, blank ? "\n" : "");
    fix_edit(c, at, 0, text);
    free(text);
    return true;
}

/* The last token of a top-level `from module import a, b` (no parentheses,
 * no star), or SIZE_MAX. */
static size_t from_import(const struct rctx *c, const char *module)
{
    for (size_t i = 0; i < c->lx.ntoks; i++) {
        if (!tok_is(c, i, "from") || !stmt_start(c, i) || T(c, i)->indent != 0)
            continue;
        size_t m = tok_next(c, i);
        if (!tok_ident(c, m, module, strlen(module)) || !tok_is(c, tok_next(c, m), "import"))
            continue;
        size_t nl = stmt_newline(c, i);
        bool plain = true;
        for (size_t k = m; k < nl; k++)
            plain &= !tok_in(c, k, (const char *const[]){"(", "*", "\\", NULL});
        if (plain)
            return tok_prev(c, nl);
    }
    return SIZE_MAX;
}

/* The names the code binds, computed once per request. */
static const struct rnames *bound_names(struct rctx *c)
{
    if (!c->bound_done) {
        py_bindings(c, &c->bound);
        c->bound_done = true;
    }
    return &c->bound;
}

/* The name of a NameError, when the code binds it nowhere. */
static bool name_error(struct rctx *c, const struct rdiag *d, char *name, size_t size)
{
    if (!diag_has(d, "NameError") || !diag_quoted(d, "name ", name, size))
        return false;
    const struct rnames *ns = bound_names(c);
    /* Bound somewhere but not here is a scope problem, not a typo; and with
     * names dropped at the cap, whether it is bound is not known. */
    return !ns->truncated && !rnames_has(ns, name, strlen(name));
}

/* Uses `name.` somewhere (a module is used through its attributes). */
static bool used_as_module(const struct rctx *c, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < c->lx.ntoks; i++)
        if (py_reference(c, i, name, len) && tok_is(c, tok_next(c, i), "."))
            return true;
    return false;
}

/* Uses `name.attr` for one of `attrs`, or calls `name(` when call is set. */
static bool uses_attr(const struct rctx *c, const char *name, const char *const *attrs, bool call)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < c->lx.ntoks; i++) {
        if (!py_reference(c, i, name, len))
            continue;
        size_t n = tok_next(c, i);
        if ((call && tok_is(c, n, "(")) || (tok_is(c, n, ".") && tok_in(c, tok_next(c, n), attrs)))
            return true;
    }
    return false;
}

/* NameError for a standard-library module used through its attributes: import it. */
static int import_module(struct rctx *c, const struct rdiag *d)
{
    char name[SIG_NAME_MAX];
    if (!name_error(c, d, name, sizeof(name)))
        return 0;
    bool known = false;
    for (size_t i = 0; py_modules[i] && !known; i++)
        known = !strcmp(py_modules[i], name);
    if (!known || !used_as_module(c, name))
        return 0;
    static const char *const dt_class[] = {"now", "utcnow", "today", "strptime", "fromisoformat",
                                           "fromtimestamp", "combine", NULL};
    static const char *const dt_module[] = {"datetime", "date", "time", "timedelta",
                                            "timezone", "MINYEAR", "MAXYEAR", NULL};
    if (!strcmp(name, "datetime")) {
        /* datetime is a module and its main class: which one is meant? */
        bool cls = uses_attr(c, name, dt_class, true), mod = uses_attr(c, name, dt_module, false);
        if (cls == mod)
            return 0;
        if (cls)
            return 0; /* import_name handles "from datetime import datetime" */
    }
    char *line = xasprintf("import %s", name);
    bool added = add_import(c, line);
    free(line);
    if (!added)
        return fix_abort(c);
    return fix_commit(c, d->line, "py-import-module",
                      "'%s' is a standard-library module the code uses without importing it: "
                      "added 'import %s'",
                      name, name);
}

/* NameError for a well-known name of a standard-library module: import it from there. */
static int import_name(struct rctx *c, const struct rdiag *d)
{
    char name[SIG_NAME_MAX];
    if (!name_error(c, d, name, sizeof(name)))
        return 0;
    char module[32] = "";
    size_t nl = strlen(name);
    for (size_t i = 0; py_from[i]; i++)
        if (!strncmp(py_from[i], name, nl) && py_from[i][nl] == ' ')
            snprintf(module, sizeof(module), "%s", py_from[i] + nl + 1);
    if (!strcmp(name, "datetime")) {
        static const char *const dt_class[] = {"now", "utcnow", "today", "strptime",
                                               "fromisoformat", "fromtimestamp", "combine", NULL};
        static const char *const dt_module[] = {"datetime", "date", "time", "timedelta",
                                                "timezone", NULL};
        if (uses_attr(c, name, dt_class, true) && !uses_attr(c, name, dt_module, false))
            snprintf(module, sizeof(module), "datetime");
    }
    if (!module[0] || (!strcmp(name, module) && used_as_module(c, name) &&
                       strcmp(name, "datetime") != 0))
        return 0;
    size_t last = from_import(c, module);
    if (last != SIZE_MAX) {
        char *text = xasprintf(", %s", name);
        fix_edit(c, tok_end(c, last), 0, text);
        free(text);
    } else {
        char *line = xasprintf("from %s import %s", module, name);
        bool added = add_import(c, line);
        free(line);
        if (!added)
            return fix_abort(c);
    }
    return fix_commit(c, d->line, "py-import-name",
                      "'%s' comes from the standard library's %s module: added it to the imports",
                      name, module);
}

/*
 * Python's own "Did you mean" hints about `name`, in every diagnostic (the
 * user's Python and the sandbox's may differ), all name `fix`. A hint that
 * is not a plain name (3.12's 'self.length') is not ours to guess at.
 */
static bool hints_agree(const struct rctx *c, const char *name, const char *fix)
{
    for (size_t i = 0; i < c->ndiags; i++) {
        const struct rdiag *d = &c->diags[i];
        char other[SIG_NAME_MAX], hint[SIG_NAME_MAX];
        if (!diag_has(d, "NameError") || !diag_quoted(d, "name ", other, sizeof(other)) ||
            strcmp(other, name) != 0 || !diag_has(d, "Did you mean"))
            continue;
        if (!diag_quoted(d, "Did you mean: ", hint, sizeof(hint)) || strcmp(hint, fix) != 0)
            return false;
    }
    return true;
}

/* NameError for a name that is a typo of exactly one name in scope. */
static int misspelt_name(struct rctx *c, const struct rdiag *d)
{
    char name[SIG_NAME_MAX], fix[SIG_NAME_MAX];
    if (!name_error(c, d, name, sizeof(name)))
        return 0;
    size_t at = tok_of_diag(c, d, name, py_reference);
    int found = at != SIZE_MAX && closest_name(bound_names(c), py_builtins, at, name, fix);
    /* Python's own suggestion, when it made one, must agree. */
    if (!found || !hints_agree(c, name, fix))
        return 0;
    return fix_misspelt_name(c, at, name, fix, "py-misspelt-name", py_reference);
}

/* ====================================================================== */
/* Security fixes                                                         */
/* ====================================================================== */

/* The tokens [*from, *to) of the statement(s) starting on `line`. */
static bool line_stmt(const struct rctx *c, int line, size_t *from, size_t *to)
{
    size_t t = tok_on_line(c, line);
    while (t < c->lx.ntoks && T(c, t)->line == (unsigned)line && !lex_tok_significant(T(c, t)))
        t++;
    if (t >= c->lx.ntoks || T(c, t)->line != (unsigned)line)
        return false;
    *from = stmt_first(c, t);
    *to = stmt_newline(c, t);
    return true;
}

/* The name the code imports `module` as (`import yaml as y`), or the module's own. */
static void module_alias(const struct rctx *c, const char *module, char *out)
{
    snprintf(out, SIG_NAME_MAX, "%s", module);
    for (size_t i = 0; i + 2 < c->lx.ntoks; i++)
        if (tok_ident(c, i, module, strlen(module)) && tok_is(c, tok_prev(c, i), "import") &&
            tok_is(c, tok_next(c, i), "as")) {
            size_t a = tok_next(c, tok_next(c, i));
            if (a != SIZE_MAX && T(c, a)->kind == LEX_IDENT)
                tok_copy(c, a, out, SIG_NAME_MAX);
        }
}

/* Arguments of the call whose '(' is token p: up to 32 [start, end) ranges. */
static size_t call_args(const struct rctx *c, size_t p, size_t *starts, size_t *ends)
{
    size_t q = T(c, p)->pair, n = 0, s = p + 1;
    if (q == SIZE_MAX)
        return 0;
    int depth = T(c, p)->depth + 1;
    for (size_t k = p + 1; k <= q && n < 32; k++) {
        if (k == q || (T(c, k)->depth == depth && tok_is(c, k, ","))) {
            size_t a = s;
            while (a < k && !lex_tok_significant(T(c, a)))
                a++;
            if (a < k) {
                starts[n] = a;
                ends[n] = k;
                n++;
            }
            s = k + 1;
        }
    }
    return n;
}

/*
 * Remove argument [s, e) of a call: with the comma before it, or (when it
 * is the first) with the comma after it.
 */
static void drop_arg(struct rctx *c, size_t s, size_t e)
{
    size_t before = tok_prev(c, s);
    size_t last = tok_prev(c, e);
    if (tok_is(c, before, ",")) {
        fix_edit(c, T(c, before)->start, tok_end(c, last) - T(c, before)->start, "");
    } else if (tok_is(c, e, ",")) {
        size_t after = tok_next(c, e);
        size_t to = after != SIZE_MAX ? T(c, after)->start : tok_end(c, e);
        fix_edit(c, T(c, s)->start, to - T(c, s)->start, "");
    } else {
        fix_edit(c, T(c, s)->start, tok_end(c, last) - T(c, s)->start, "");
    }
}

/* B506 / py.yaml-load: yaml.load (and friends) -> yaml.safe_load, loader dropped. */
static int yaml_safe_load(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"B506", "py.yaml-load", "py.deserialization", NULL};
    static const char *const loads[] = {"load", "load_all", "full_load", "full_load_all",
                                        "unsafe_load", "unsafe_load_all", NULL};
    size_t from, to;
    if (!diag_rule_in(d, rules) || !line_stmt(c, d->line, &from, &to))
        return 0;
    char yaml[SIG_NAME_MAX];
    module_alias(c, "yaml", yaml);
    int n = 0;
    for (size_t i = from; i < to; i++) {
        size_t dot = tok_next(c, i), fn = tok_next(c, dot), p = tok_next(c, fn);
        if (!tok_ident(c, i, yaml, strlen(yaml)) || tok_is(c, tok_prev(c, i), ".") ||
            !tok_is(c, dot, ".") || !tok_in(c, fn, loads) || !tok_is(c, p, "("))
            continue;
        bool all = T(c, fn)->len > 4 && !memcmp(c->src + tok_end(c, fn) - 4, "_all", 4);
        fix_edit(c, T(c, fn)->start, T(c, fn)->len, all ? "safe_load_all" : "safe_load");
        size_t s[32], e[32];
        size_t na = call_args(c, p, s, e);
        for (size_t k = 1; k < na; k++) {
            size_t last = tok_prev(c, e[k]);
            bool kw = tok_is(c, s[k], "Loader") && tok_is(c, tok_next(c, s[k]), "=");
            bool pos = T(c, last)->kind == LEX_IDENT && T(c, last)->len >= 6 &&
                       !memcmp(c->src + tok_end(c, last) - 6, "Loader", 6);
            if (kw || pos)
                drop_arg(c, s[k], e[k]);
        }
        n++;
    }
    if (n == 0)
        return 0;
    return fix_commit(c, d->line, "py-yaml-safe-load",
                      "%s.load replaced with %s.safe_load, which builds plain data only, never "
                      "Python objects",
                      yaml, yaml);
}

/*
 * A shell command line as an argument list, the way a POSIX shell would
 * split it, into `out` as a Python list literal. Refuses (false) anything
 * that only a shell could run: pipes, redirections, substitutions,
 * variables, globs, command separators, escapes.
 */
static bool shell_split(const char *s, size_t n, struct sk_buf *out)
{
    int words = 0;
    bool in_word = false;
    if (sk_buf_puts(out, "[") < 0)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char ch = i < n ? s[i] : ' ';
        if ((unsigned char)ch < 0x20 && ch != ' ' && ch != '\t')
            return false;
        if (ch == ' ' || ch == '\t') {
            if (in_word && sk_buf_puts(out, "\"") < 0)
                return false;
            in_word = false;
            continue;
        }
        if (strchr("|&;<>()$`\\*?[]{}~#!", ch))
            return false;
        if (!in_word) {
            if (sk_buf_puts(out, words++ ? ", \"" : "\"") < 0)
                return false;
            in_word = true;
        }
        if (ch == '\'' || ch == '"') {
            const char *e = memchr(s + i + 1, ch, n - i - 1);
            if (!e)
                return false;
            for (const char *p = s + i + 1; p < e; p++) {
                if (ch == '"' && strchr("$`\\", *p))
                    return false;
                if ((unsigned char)*p < 0x20)
                    return false;
                if ((*p == '"' && sk_buf_puts(out, "\\\"") < 0) ||
                    (*p != '"' && sk_buf_append(out, p, 1) < 0))
                    return false;
            }
            i = (size_t)(e - s);
            continue;
        }
        if (sk_buf_append(out, &ch, 1) < 0)
            return false;
    }
    return words > 0 && sk_buf_puts(out, "]") == 0;
}

/* B602 / B604 / py.shell-command: subprocess with shell=True -> an argument list. */
static int shell_list(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"B602", "B604", "py.shell-command", NULL};
    static const char *const fns[] = {"run", "call", "check_call", "check_output", "Popen", NULL};
    size_t from, to;
    if (!diag_rule_in(d, rules) || !line_stmt(c, d->line, &from, &to))
        return 0;
    char sp[SIG_NAME_MAX];
    module_alias(c, "subprocess", sp);
    for (size_t i = from; i < to; i++) {
        size_t dot = tok_next(c, i), fn = tok_next(c, dot), p = tok_next(c, fn);
        if (!tok_ident(c, i, sp, strlen(sp)) || !tok_is(c, dot, ".") || !tok_in(c, fn, fns) ||
            !tok_is(c, p, "("))
            continue;
        size_t s[32], e[32];
        size_t na = call_args(c, p, s, e), shell = SIZE_MAX;
        for (size_t k = 1; k < na; k++)
            if (tok_is(c, s[k], "shell") && tok_is(c, tok_next(c, s[k]), "=") &&
                tok_is(c, tok_next(c, tok_next(c, s[k])), "True") &&
                tok_next(c, tok_next(c, tok_next(c, s[k]))) == e[k])
                shell = k;
        if (na < 2 || shell == SIZE_MAX || tok_is(c, tok_next(c, s[0]), "="))
            return 0;
        bool list = tok_is(c, s[0], "[") && T(c, s[0])->pair != SIZE_MAX &&
                    tok_next(c, T(c, s[0])->pair) == e[0];
        char *literal = NULL;
        if (!list) {
            if (tok_next(c, s[0]) != e[0] || T(c, s[0])->kind != LEX_STRING)
                return 0;
            const char *q = c->src + T(c, s[0])->start;
            size_t len = T(c, s[0])->len, k = prefix_len(q, len);
            bool raw = k == 1 && (q[0] == 'r' || q[0] == 'R');
            bool plain = k == 0 || (k == 1 && (raw || q[0] == 'u' || q[0] == 'U'));
            if (!plain || len < k + 2 || (len >= k + 6 && q[k + 1] == q[k] && q[k + 2] == q[k]))
                return 0;
            const char *body = q + k + 1;
            size_t blen = len - k - 2;
            if (!raw && memchr(body, '\\', blen))
                return 0;
            struct sk_buf b;
            sk_buf_init(&b, 4096);
            if (!shell_split(body, blen, &b)) {
                sk_buf_close(&b);
                return 0;
            }
            literal = sk_buf_steal(&b);
            fix_edit(c, T(c, s[0])->start, T(c, s[0])->len, literal);
        }
        drop_arg(c, s[shell], e[shell]);
        int r = fix_commit(c, d->line, "py-shell-list",
                           "the command runs without a shell: shell=True removed%s%s",
                           literal ? ", the command given as the argument list " : "",
                           literal ? literal : "");
        free(literal);
        return r;
    }
    return 0;
}

/* The text (a string literal's body) is a Python literal: numbers, strings,
 * True/False/None, and lists, tuples, dicts and sets of them. */
static bool python_literal(const struct lang *lang, const char *s, size_t n)
{
    if (memchr(s, '\\', n))
        return false;
    struct lex lx;
    struct sk_err err;
    if (lex_run(lang, s, n, &lx, &err) < 0)
        return false;
    bool ok = lx.nopen == 0 && lx.unmatched == 0 && lx.eof == LEX_EOF_CLEAN;
    size_t sig = 0;
    for (size_t i = 0; i < lx.ntoks && ok; i++) {
        const struct lex_tok *t = &lx.toks[i];
        const char *x = s + t->start;
        switch (t->kind) {
        case LEX_NUMBER:
            sig++;
            break;
        case LEX_STRING:
            ok = !memchr(x, 'f', prefix_len(x, t->len)) && !memchr(x, 'F', prefix_len(x, t->len));
            sig++;
            break;
        case LEX_IDENT:
            ok = lex_tok_is(t, s, "True") || lex_tok_is(t, s, "False") || lex_tok_is(t, s, "None");
            sig++;
            break;
        case LEX_PUNCT:
            ok = t->len == 1 && strchr("[](){},:-+", *x);
            break;
        case LEX_NEWLINE:
            ok = i + 1 == lx.ntoks;
            break;
        default:
            ok = false;
        }
    }
    lex_close(&lx);
    return ok && sig > 0;
}

/* B307 / py.code-exec on eval: eval(data) -> ast.literal_eval(data). */
static int literal_eval(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"B307", "py.code-exec", NULL};
    size_t from, to;
    if (!diag_rule_in(d, rules) || !line_stmt(c, d->line, &from, &to))
        return 0;
    if (!strcmp(d->rule, "py.code-exec") && strncmp(d->msg, "eval ", 5) != 0)
        return 0;
    const struct rnames *ns = bound_names(c);
    bool ast_taken = rnames_has(ns, "ast", 3) && !has_import(c, "ast");
    bool eval_bound = rnames_has(ns, "eval", 4);
    if (ns->truncated || ast_taken || eval_bound)
        return 0;
    int n = 0;
    for (size_t i = from; i < to; i++) {
        size_t p = tok_next(c, i);
        if (!tok_is(c, i, "eval") || tok_is(c, tok_prev(c, i), ".") || !tok_is(c, p, "("))
            continue;
        size_t s[32], e[32];
        /* One argument: globals and locals mean code is meant to run. */
        if (call_args(c, p, s, e) != 1)
            return fix_abort(c);
        if (tok_next(c, s[0]) == e[0] && T(c, s[0])->kind == LEX_STRING) {
            const char *q = c->src + T(c, s[0])->start;
            size_t len = T(c, s[0])->len, k = prefix_len(q, len);
            if (k > 0 || len < 2 || (len >= 6 && q[1] == q[0] && q[2] == q[0]) ||
                !python_literal(c->lang, q + 1, len - 2))
                return fix_abort(c);
        }
        fix_edit(c, T(c, i)->start, T(c, i)->len, "ast.literal_eval");
        n++;
    }
    if (n == 0)
        return 0;
    if (!has_import(c, "ast") && !add_import(c, "import ast"))
        return fix_abort(c);
    return fix_commit(c, d->line, "py-literal-eval",
                      "eval() replaced with ast.literal_eval(), which reads Python literals and "
                      "never runs code (it raises ValueError on anything else)");
}

/* B501 / py.tls-unverified: verify=False removed (requests checks certificates by default). */
static int verify_tls(struct rctx *c, const struct rdiag *d)
{
    static const char *const rules[] = {"B501", "py.tls-unverified", NULL};
    size_t from, to;
    if (!diag_rule_in(d, rules) || !line_stmt(c, d->line, &from, &to))
        return 0;
    int n = 0;
    for (size_t i = from; i < to; i++) {
        size_t eq = tok_next(c, i), v = tok_next(c, eq), a = tok_prev(c, i), b = tok_next(c, v);
        if (!tok_is(c, i, "verify") || !tok_is(c, eq, "=") || !tok_is(c, v, "False") ||
            T(c, i)->depth == 0 || !(tok_is(c, a, "(") || tok_is(c, a, ",")) ||
            !(tok_is(c, b, ")") || tok_is(c, b, ",")))
            continue;
        drop_arg(c, i, b);
        n++;
    }
    if (n == 0)
        return 0;
    return fix_commit(c, d->line, "py-verify-tls",
                      "removed verify=False: the server's TLS certificate is checked again");
}

const repair_rule_fn repair_rules_python[] = {
    missing_colon, unclosed_bracket, unclosed_string, indent_expected, indent_unexpected,
    indent_mismatch, import_module, import_name, misspelt_name, yaml_safe_load, shell_list,
    literal_eval, verify_tls, NULL,
};
