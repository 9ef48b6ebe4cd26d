/*
 * Offline completion: close what is open, then fill empty bodies from the
 * catalogue (see complete.h).
 */
#include "config.h"

#include "model/complete.h"
#include "model/lex.h"
#include "model/sig.h"
#include "base/buf.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Token helpers over one lexed text                                        */
/* ------------------------------------------------------------------------ */

struct view {
    const struct lang *lang; /* not owned */
    const char *src;         /* not owned */
    size_t len;              /* bytes of src */
    const struct lex *lx;    /* not owned */
};

static bool is(const struct view *v, size_t i, const char *text)
{
    return i < v->lx->ntoks && lex_tok_is(&v->lx->toks[i], v->src, text);
}

static bool is_ident(const struct view *v, size_t i)
{
    return i < v->lx->ntoks && v->lx->toks[i].kind == LEX_IDENT;
}

static size_t last_sig(const struct view *v)
{
    for (size_t i = v->lx->ntoks; i-- > 0;)
        if (lex_tok_significant(&v->lx->toks[i]))
            return i;
    return SIZE_MAX;
}

static size_t prev_sig(const struct view *v, size_t i)
{
    while (i-- > 0)
        if (lex_tok_significant(&v->lx->toks[i]))
            return i;
    return SIZE_MAX;
}

static size_t next_sig(const struct view *v, size_t i)
{
    for (i++; i < v->lx->ntoks; i++)
        if (lex_tok_significant(&v->lx->toks[i]))
            return i;
    return v->lx->ntoks;
}

static bool is_brace_lang(const struct lang *lang)
{
    return lang->id != LANG_PYTHON;
}

/* The leading whitespace of the line holding byte `off`, into ws[size]. */
static void line_ws(const char *src, size_t off, char *ws, size_t size)
{
    size_t s = off;
    while (s > 0 && src[s - 1] != '\n')
        s--;
    size_t n = 0;
    while (src[s + n] == ' ' || src[s + n] == '\t')
        n++;
    if (n >= size)
        n = size - 1;
    memcpy(ws, src + s, n);
    ws[n] = '\0';
}

static bool one_of(const struct view *v, size_t i, const char *const *words)
{
    for (; *words; words++)
        if (is(v, i, *words))
            return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Closing                                                                  */
/* ------------------------------------------------------------------------ */

static const char *const binary_ops[] = {
    "=",   "+=",   "-=",  "*=",  "/=",   "%=",  "**=", "//=", "&=", "|=", "^=", "<<=",
    ">>=", ">>>=", "&&=", "||=", "?\?=", "@=",  ":=",  "+",   "-",  "*",  "/",  "%",
    "**",  "//",   "==",  "!=",  "===",  "!==", "<",   ">",   "<=", ">=", "&&", "||",
    "??",  "&",    "|",   "^",   "<<",   ">>",  ">>>", "!",   "~",  "->", "@",  NULL,
};

static const char *const py_operand_kws[] = {
    "not", "and", "or", "in", "is", "await", "if", "elif", "while", "assert", "with", NULL,
};

static const char *const js_operand_kws[] = {
    "typeof", "void", "delete", "new", "await", "in", "instanceof", "of", "throw", NULL,
};

static const char *const py_block_kws[] = {
    "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class", NULL,
};

static const char *placeholder(const struct lang *lang)
{
    switch (lang->id) {
    case LANG_PYTHON:
        return " None";
    case LANG_SOLIDITY:
        return " 0";
    default:
        return " undefined";
    }
}

/* The first significant token of the Python logical line holding token i. */
static size_t py_line_first(const struct view *v, size_t i)
{
    while (i > 0 && v->lx->toks[i - 1].kind != LEX_NEWLINE)
        i--;
    while (i < v->lx->ntoks && !lex_tok_significant(&v->lx->toks[i]))
        i++;
    return i;
}

/* The Python block keyword a logical line starts with ("async" skipped), or SIZE_MAX. */
static size_t py_block_kw(const struct view *v, size_t first)
{
    if (is(v, first, "async"))
        first = next_sig(v, first);
    return one_of(v, first, py_block_kws) ? first : SIZE_MAX;
}

/* Brace languages: the first token of the statement holding token `last`,
 * which sits at bracket depth `depth` (after the opener `open`, or from the
 * start when open is SIZE_MAX). */
/*
 * These walks see only the tokens at one depth: a nested group is jumped
 * over from one bracket to its pair, so closing N nested levels costs the
 * tokens at each level, not N times the whole text.
 */
static size_t stmt_first(const struct view *v, size_t last, int depth, size_t open)
{
    size_t i = last;
    for (;;) {
        size_t p = prev_sig(v, i);
        if (p == SIZE_MAX || p == open)
            return i;
        const struct lex_tok *t = &v->lx->toks[p];
        if (t->depth < depth)
            return i;
        if (t->depth == depth && (lex_tok_is(t, v->src, ";") || lex_tok_is(t, v->src, "}")))
            return i;
        /* A closer at this depth: continue from its opener. */
        if (t->depth == depth && t->pair != SIZE_MAX && t->pair < p)
            p = t->pair;
        i = p;
    }
}

/* The next token after i at the same depth, jumping over a group opened at i. */
static size_t skip_group(const struct view *v, size_t i)
{
    const struct lex_tok *t = &v->lx->toks[i];
    if (t->pair != SIZE_MAX && t->pair > i)
        return t->pair;
    return i;
}

/* The first token at `depth` in [a, b] that is `text`, or SIZE_MAX. */
static size_t find_in(const struct view *v, size_t a, size_t b, int depth, const char *text)
{
    for (size_t i = a; i <= b && i < v->lx->ntoks; i++) {
        if (v->lx->toks[i].depth != depth)
            continue;
        if (is(v, i, text))
            return i;
        i = skip_group(v, i);
    }
    return SIZE_MAX;
}

/* True if the keyword `kw` appears at `depth` in [a, b], not after a '.'. */
static size_t find_kw(const struct view *v, size_t a, size_t b, int depth, const char *kw)
{
    for (size_t i = a; i <= b && i < v->lx->ntoks; i++) {
        if (v->lx->toks[i].depth != depth)
            continue;
        if (!is(v, i, kw)) {
            i = skip_group(v, i);
            continue;
        }
        size_t p = prev_sig(v, i);
        if (p == SIZE_MAX || !(is(v, p, ".") || is(v, p, "?.")))
            return i;
    }
    return SIZE_MAX;
}

/*
 * What to append after the last token when it is an operator or keyword
 * still waiting for its operand, or NULL. `top` is the innermost open
 * bracket kind (0 at the top level).
 */
static const char *dangling(const struct view *v, size_t last, char top)
{
    const struct lex_tok *t = &v->lx->toks[last];
    enum lang_id id = v->lang->id;
    if (t->kind == LEX_IDENT) {
        if (id == LANG_PYTHON && is(v, last, "lambda"))
            return ": None";
        if (id == LANG_PYTHON && one_of(v, last, py_operand_kws))
            return placeholder(v->lang);
        if ((id == LANG_JAVASCRIPT || id == LANG_TYPESCRIPT) && one_of(v, last, js_operand_kws))
            return placeholder(v->lang);
        if ((id == LANG_JAVASCRIPT || id == LANG_TYPESCRIPT) && is(v, last, "extends"))
            return " Object";
        return NULL;
    }
    if (t->kind != LEX_PUNCT)
        return NULL;
    if (is(v, last, ":")) {
        if (id == LANG_PYTHON) {
            if (top == '[')
                return NULL; /* a slice */
            if (top == 0 && py_block_kw(v, py_line_first(v, last)) != SIZE_MAX)
                return NULL; /* a block header: the statement fix gives it a body */
            return placeholder(v->lang);
        }
        if (id != LANG_SOLIDITY) {
            /* `case x:` and `default:` are complete; anything else wants a value. */
            size_t s = stmt_first(v, last, t->depth, SIZE_MAX);
            if (top == '{' || top == 0)
                if (is(v, s, "case") || is(v, s, "default"))
                    return NULL;
        }
        return placeholder(v->lang);
    }
    if (is(v, last, "=>"))
        return id == LANG_SOLIDITY ? " uint256" : " {}";
    if (is(v, last, "?"))
        return id == LANG_SOLIDITY ? " 0 : 0" : " undefined : undefined";
    if (is(v, last, "...") && id != LANG_PYTHON)
        return " []";
    if (id == LANG_TYPESCRIPT &&
        (is(v, last, "<") || is(v, last, ">") || is(v, last, ">>") || is(v, last, ">>>")))
        return NULL; /* generics: not an operator */
    if (id == LANG_PYTHON && is(v, last, "*") && is(v, prev_sig(v, last), "import"))
        return NULL;
    if (id == LANG_PYTHON && is(v, last, "@") && py_line_first(v, last) == last)
        return NULL; /* a decorator */
    if (one_of(v, last, binary_ops))
        return placeholder(v->lang);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Statement fixes                                                          */
/* ------------------------------------------------------------------------ */

struct edit {
    struct sk_buf *b;          /* the text being completed; not owned */
    struct complete_stats *st; /* counters; not owned */
    bool fixes;                /* statement fixes and operands still allowed */
    bool closed_bracket;       /* the step appended only the innermost bracket's closer,
                                  as its last byte */
};

static int append(struct edit *e, const char *s, int *counter)
{
    if (counter)
        (*counter)++;
    int ret = sk_buf_puts(e->b, s);
    return ret < 0 ? ret : 1;
}

static int append_line(struct edit *e, const char *ws, const char *text, int *counter)
{
    const char *cur = sk_buf_str(e->b);
    bool nl = e->b->len > 0 && cur[e->b->len - 1] == '\n';
    int ret = sk_buf_printf(e->b, "%s%s%s", nl ? "" : "\n", ws, text);
    if (counter)
        (*counter)++;
    return ret < 0 ? ret : 1;
}

/* Python, at the top level: the last logical line's block header. */
static int py_fix(const struct view *v, struct edit *e)
{
    size_t last = last_sig(v);
    if (last == SIZE_MAX)
        return 0;
    size_t first = py_line_first(v, last);
    size_t kw = py_block_kw(v, first);
    char ws[256];
    line_ws(v->src, v->lx->toks[first].start, ws, sizeof(ws) - 8);
    if (kw != SIZE_MAX) {
        if ((is(v, kw, "def") || is(v, kw, "class")) && !is_ident(v, next_sig(v, kw)))
            return 0; /* no name yet: nothing sensible to add */
        if (is(v, kw, "def") && find_in(v, kw, last, 0, "(") == SIZE_MAX)
            return append(e, "()", &e->st->other);
        if (is(v, last, ":")) {
            strcat(ws, strchr(ws, '\t') ? "\t" : "    ");
            return append_line(e, ws, "pass", &e->st->bodies);
        }
        if (find_in(v, kw, last, 0, ":") == SIZE_MAX)
            return append(e, ":", &e->st->other);
    }
    /* A try with no except or finally at the end. */
    struct {
        unsigned indent;
        size_t tok;
    } tries[64];
    size_t ntries = 0;
    for (size_t i = 0; i < v->lx->ntoks;) {
        size_t f = i;
        while (f < v->lx->ntoks && !lex_tok_significant(&v->lx->toks[f]))
            f++;
        if (f >= v->lx->ntoks)
            break;
        unsigned ind = v->lx->toks[f].indent;
        while (ntries && tries[ntries - 1].indent > ind)
            ntries--;
        if (ntries && tries[ntries - 1].indent == ind)
            ntries--; /* except/finally satisfy it; anything else was already broken */
        if (is(v, f, "try") && ntries < ARRAY_SIZE(tries)) {
            tries[ntries].indent = ind;
            tries[ntries].tok = f;
            ntries++;
        }
        while (f < v->lx->ntoks && v->lx->toks[f].kind != LEX_NEWLINE)
            f++;
        i = f + 1;
    }
    if (ntries) {
        line_ws(v->src, v->lx->toks[tries[ntries - 1].tok].start, ws, sizeof(ws) - 8);
        char text[300];
        snprintf(text, sizeof(text), "finally:\n%s%s", ws,
                 strchr(ws, '\t') ? "\tpass" : "    pass");
        return append_line(e, ws, text, &e->st->other);
    }
    return 0;
}

/* What kind of block the '{' at token `open` starts: 'c' a class or
 * contract body, 'i' an interface, 'e' an enum, 's' a struct, 't' the top
 * level (open is SIZE_MAX), 'f' anything else. */
static char block_kind(const struct view *v, size_t open)
{
    if (open == SIZE_MAX)
        return 't';
    int depth = v->lx->toks[open].depth;
    size_t s = stmt_first(v, open, depth, SIZE_MAX);
    if (find_kw(v, s, open, depth, "interface") != SIZE_MAX)
        return 'i';
    if (find_kw(v, s, open, depth, "class") != SIZE_MAX ||
        find_kw(v, s, open, depth, "contract") != SIZE_MAX ||
        find_kw(v, s, open, depth, "library") != SIZE_MAX)
        return 'c';
    if (find_kw(v, s, open, depth, "enum") != SIZE_MAX)
        return 'e';
    if (find_kw(v, s, open, depth, "struct") != SIZE_MAX)
        return 's';
    return 'f';
}

/* The header paren after keyword kw (if/for/while/switch/catch) closes at `last`. */
static bool header_closed_at(const struct view *v, size_t kw, size_t last)
{
    size_t p = next_sig(v, kw);
    if (is(v, p, "await")) /* for await (...) */
        p = next_sig(v, p);
    if (!is(v, p, "("))
        return false;
    return sig_match(v->lx, v->src, p) == last;
}

/* Words before a declaration's keyword (export default async function ...). */
static const char *const decl_prefixes[] = {"export",   "default", "async",
                                            "abstract", "declare", NULL};
/* Statements whose parenthesised header is followed by a block. */
static const char *const header_kws[] = {"if", "for", "while", "switch", "with", "catch", NULL};
static const char *const ts_block_kws[] = {"interface", "enum", "namespace", NULL};
static const char *const sol_function_kws[] = {"function", "constructor", "modifier",
                                               "receive",  "fallback",    NULL};
static const char *const sol_type_kws[] = {"contract", "library", "interface",
                                           "struct",   "enum",    NULL};
static const char *const sol_header_kws[] = {"if", "for", "while", NULL};

/*
 * Brace languages: complete the statement that ends the block opened at
 * token `open` (SIZE_MAX: the top level), at bracket depth `depth`.
 */
static int brace_fix(const struct view *v, struct edit *e, size_t open, int depth)
{
    size_t last = last_sig(v);
    if (last == SIZE_MAX || last == open)
        return 0;
    size_t s = stmt_first(v, last, depth, open);
    size_t kw = s;
    while (one_of(v, kw, decl_prefixes) && kw < last)
        kw = next_sig(v, kw);
    char kind = block_kind(v, open);
    bool sol = v->lang->id == LANG_SOLIDITY;
    bool has_block = find_in(v, s, last, depth, "{") != SIZE_MAX;

    if (is(v, last, "else") || is(v, last, "finally") || (is(v, last, "try") && !sol) ||
        (is(v, last, "unchecked") && sol))
        return append(e, " {}", &e->st->bodies);
    if (is(v, last, "do") && !sol)
        return append(e, " {} while (false)", &e->st->bodies);
    if (is(v, last, "try") && sol)
        return 0;
    size_t hk = kw;
    if (is(v, hk, "else") && is(v, next_sig(v, hk), "if"))
        hk = next_sig(v, hk);
    if (is(v, last, ")") && one_of(v, hk, header_kws) && header_closed_at(v, hk, last))
        return append(e, " {}", &e->st->bodies);
    /* `} catch (e)` at the end: the statement starts after the '}'. */
    if (is(v, kw, "catch") && is(v, last, ")") && header_closed_at(v, kw, last))
        return append(e, " {}", &e->st->bodies);

    if (!sol) {
        size_t fn = find_kw(v, s, last, depth, "function");
        if (fn != SIZE_MAX && !has_block) {
            if (find_in(v, fn, last, depth, "(") == SIZE_MAX)
                return append(e, "() {}", &e->st->bodies);
            return append(e, " {}", &e->st->bodies);
        }
        size_t cl = find_kw(v, s, last, depth, "class");
        if (cl != SIZE_MAX && !has_block && is_ident(v, next_sig(v, cl)))
            return append(e, " {}", &e->st->bodies);
        if (v->lang->id == LANG_TYPESCRIPT && !has_block && one_of(v, kw, ts_block_kws) &&
            kw < last)
            return append(e, " {}", &e->st->bodies);
        if (v->lang->id == LANG_TYPESCRIPT && is(v, kw, "type") && is_ident(v, last) &&
            next_sig(v, kw) == last)
            return append(e, " = unknown", &e->st->other);
        if (kind == 'c' && !has_block && find_in(v, s, last, depth, "(") != SIZE_MAX &&
            (find_in(v, s, last, depth, "=") == SIZE_MAX ||
             find_in(v, s, last, depth, "=") > find_in(v, s, last, depth, "(")))
            return append(e, " {}", &e->st->bodies);
        /* try { ... } with no catch or finally. */
        if (is(v, kw, "try") && is(v, last, "}") && is(v, next_sig(v, kw), "{") &&
            sig_match(v->lx, v->src, next_sig(v, kw)) == last)
            return append(e, " finally {}", &e->st->other);
        return 0;
    }

    /* Solidity. */
    if (kind == 'e')
        return 0;
    if (kind == 'c' || kind == 'i' || kind == 't') {
        if (one_of(v, kw, sol_function_kws) && !has_block && !is(v, last, ";") && !is(v, last, "}"))
            return kind == 'i' ? append(e, ";", &e->st->other) : append(e, " {}", &e->st->bodies);
        if (one_of(v, kw, sol_type_kws) && !has_block && kw < last)
            return append(e, " {}", &e->st->bodies);
    } else {
        if (one_of(v, kw, sol_header_kws) && is(v, last, ")") && header_closed_at(v, kw, last))
            return append(e, " {}", &e->st->bodies);
    }
    /* A state variable of mapping type with no name yet: give it one. */
    if ((kind == 'c' || kind == 's') && is(v, kw, "mapping") && is(v, last, ")") &&
        sig_match(v->lx, v->src, next_sig(v, kw)) == last)
        return append(e, " unnamed;", &e->st->other);
    if (!is(v, last, ";") && !is(v, last, "}"))
        return append(e, ";", &e->st->other);
    return 0;
}

/*
 * One step of closing: append the one thing the text needs most (an
 * unterminated literal first, then the innermost bracket's contents, then
 * the bracket). Returns 1 when something was appended, 0 when the text is
 * complete, or a negative errno.
 */
static int close_step(const struct view *v, struct edit *e)
{
    const struct lex *lx = v->lx;
    switch (lx->eof) {
    case LEX_EOF_STRING:
    case LEX_EOF_REGEX: {
        char s[16];
        snprintf(s, sizeof(s), "%s%s", lx->eof_backslash ? "\\" : "", lx->eof_closer);
        return append(e, s, &e->st->literals);
    }
    case LEX_EOF_COMMENT:
        return append(e, " */", &e->st->literals);
    case LEX_EOF_LINE_COMMENT:
        return append(e, "\n", NULL);
    case LEX_EOF_CLEAN:
        break;
    }
    char top = lx->nopen ? lx->open[lx->nopen - 1].kind : 0;
    if (top == '`') {
        if (lx->eof_backslash)
            return append(e, "\\`", &e->st->literals);
        e->closed_bracket = true;
        return append(e, "`", &e->st->literals);
    }

    size_t last = last_sig(v);
    if (last != SIZE_MAX && e->fixes) {
        const char *add = dangling(v, last, top);
        if (add)
            return append(e, add, is(v, last, "=>") ? &e->st->bodies : &e->st->placeholders);
    }
    if (top == 0) {
        if (!e->fixes)
            return 0;
        return is_brace_lang(v->lang) ? brace_fix(v, e, SIZE_MAX, 0) : py_fix(v, e);
    }

    size_t open = lx->open[lx->nopen - 1].tok;
    e->closed_bracket = true;
    if (top == '{' && is_brace_lang(v->lang)) {
        if (e->fixes) {
            int ret = brace_fix(v, e, open, (int)lx->nopen);
            if (ret != 0) {
                e->closed_bracket = false;
                return ret;
            }
        }
        char ws[256];
        line_ws(v->src, lx->toks[open].start, ws, sizeof(ws));
        return append_line(e, ws, "}", &e->st->brackets);
    }
    return append(e, top == '(' ? ")" : top == '[' ? "]" : "}", &e->st->brackets);
}

/*
 * The step only appended the closer of the innermost bracket: record it in
 * the token view instead of tokenizing everything again. A closer after
 * complete tokens cannot change how the text before it reads.
 */
static void close_in_place(struct lex *lx, const struct sk_buf *b)
{
    struct lex_open o = lx->open[--lx->nopen];
    if (lx->ntoks == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        lx->toks = xrealloc(lx->toks, lx->cap * sizeof(*lx->toks));
    }
    struct lex_tok *t = &lx->toks[lx->ntoks];
    const struct lex_tok *prev = lx->ntoks ? &lx->toks[lx->ntoks - 1] : NULL;
    t->kind = o.kind == '`' ? LEX_STRING : LEX_PUNCT;
    t->start = b->len - 1;
    t->len = 1;
    t->line = prev ? prev->line : 1;
    t->indent = prev ? prev->indent : 0;
    t->depth = (int)lx->nopen;
    t->pair = o.tok;
    lx->toks[o.tok].pair = lx->ntoks;
    lx->ntoks++;
}

int complete_close(const struct lang *lang, const char *code, size_t len, char **out,
                   size_t *out_len, struct complete_stats *st, struct sk_err *err)
{
    memset(st, 0, sizeof(*st));
    /* Work on the prefix without its trailing whitespace: `print("hi` then
     * a newline can only be closed before that newline. */
    size_t trimmed = len;
    while (trimmed > 0 && strchr(" \t\r\n\f\v", code[trimmed - 1]))
        trimmed--;
    cleanup_buf struct sk_buf b;
    sk_buf_init(&b, len + COMPLETE_MAX_CLOSE_BYTES);
    if (sk_buf_append(&b, code, trimmed) < 0)
        return sk_err_msg(err, E2BIG, "code too large to complete");
    /*
     * Every step appends something. A bracket's closer is recorded in place;
     * anything else (a literal closed, an operand, a statement fix) is
     * followed by tokenizing the text again, at most COMPLETE_MAX_RELEX
     * times, after which only brackets are closed: the work stays linear in
     * the size of the code whatever it holds. The step bound only guards
     * against a rule that would keep appending.
     */
    struct lex lx;
    int ret = lex_run(lang, sk_buf_str(&b), b.len, &lx, err);
    if (ret < 0)
        return ret;
    int relex = 0;
    for (int step = 0; step < 4 * LEX_MAX_DEPTH + 2 * COMPLETE_MAX_RELEX; step++) {
        struct view v = {.lang = lang, .src = sk_buf_str(&b), .len = b.len, .lx = &lx};
        struct edit e = {.b = &b, .st = st, .fixes = relex < COMPLETE_MAX_RELEX};
        ret = close_step(&v, &e);
        if (ret <= 0)
            break;
        if (e.closed_bracket) {
            close_in_place(&lx, &b);
            continue;
        }
        lex_close(&lx);
        relex++;
        ret = lex_run(lang, sk_buf_str(&b), b.len, &lx, err);
        if (ret < 0)
            return ret;
    }
    lex_close(&lx);
    if (ret == -EMSGSIZE)
        return sk_err_msg(err, E2BIG, "closing the code would add more than %d bytes",
                          COMPLETE_MAX_CLOSE_BYTES);
    if (ret < 0)
        return sk_err_msg(err, -ret, "closing the code failed");
    if (b.len == trimmed ||
        st->brackets + st->literals + st->bodies + st->placeholders + st->other == 0) {
        /* Nothing was open (a newline after a final comment does not
         * count): the code comes back exactly as it was. */
        *out = xstrndup(code, len);
        *out_len = len;
        return 0;
    }
    if (sk_buf_puts(&b, "\n") < 0)
        return sk_err_msg(err, E2BIG, "closing the code would add more than %d bytes",
                          COMPLETE_MAX_CLOSE_BYTES);
    *out_len = b.len;
    *out = sk_buf_steal(&b);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Filling bodies                                                           */
/* ------------------------------------------------------------------------ */

/* Does catalogue definition `cd` fit the user's definition `u`? */
static bool signature_matches(const struct lang *lang, const struct sig_def *u,
                              const struct catalog_def *cd)
{
    const struct sig_def *c = &cd->sig;
    if (u->kind != c->kind || strcmp(u->key, c->key) != 0 || strcmp(u->head, c->head) != 0)
        return false;
    if (u->kind == SIG_CLASS)
        return true;
    if (u->nparams != c->nparams || u->nparams < 0)
        return false;
    if (lang->id == LANG_SOLIDITY) {
        if (u->pure != c->pure)
            return false;
        for (int i = 0; i < u->nparams; i++)
            if (strcmp(u->params[i].type, c->params[i].type) != 0)
                return false;
    }
    for (int i = 0; i < u->nparams; i++)
        if (!u->params[i].name[0] || !c->params[i].name[0])
            return false;
    return true;
}

static int param_index(const struct sig_def *d, const char *s, size_t n)
{
    for (int i = 0; i < d->nparams; i++)
        if (strlen(d->params[i].name) == n && !memcmp(d->params[i].name, s, n))
            return i;
    return -1;
}

/*
 * The catalogue body `text` with the catalogue's parameter names replaced
 * by the user's (member accesses like `x.s` untouched). Returns NULL when a
 * name the body uses for something else is one of the user's parameter
 * names, which renaming would capture.
 */
static char *rename_params(const struct lang *lang, const char *text, const struct sig_def *c,
                           const struct sig_def *u)
{
    struct lex lx;
    struct sk_err err;
    if (lex_run(lang, text, strlen(text), &lx, &err) < 0)
        return NULL;
    struct sk_buf b;
    sk_buf_init(&b, strlen(text) * 2 + 1024);
    size_t done = 0;
    bool ok = true;
    for (size_t i = 0; i < lx.ntoks && ok; i++) {
        const struct lex_tok *t = &lx.toks[i];
        if (t->kind != LEX_IDENT)
            continue;
        size_t p = i;
        while (p > 0 && !lex_tok_significant(&lx.toks[p - 1]))
            p--;
        if (p > 0 &&
            (lex_tok_is(&lx.toks[p - 1], text, ".") || lex_tok_is(&lx.toks[p - 1], text, "?.")))
            continue;
        int k = param_index(c, text + t->start, t->len);
        if (k < 0) {
            if (param_index(u, text + t->start, t->len) >= 0)
                ok = false;
            continue;
        }
        ok = sk_buf_append(&b, text + done, t->start - done) == 0 &&
             sk_buf_puts(&b, u->params[k].name) == 0;
        done = t->start + t->len;
    }
    if (ok)
        ok = sk_buf_puts(&b, text + done) == 0;
    lex_close(&lx);
    if (!ok) {
        sk_buf_close(&b);
        return NULL;
    }
    char *s = sk_buf_steal(&b);
    return s ? s : xstrdup("");
}

/* Append `text`'s lines to b, each moved from `from` columns of indentation
 * to `ws` plus whatever it had beyond `from`. */
static int reindent(struct sk_buf *b, const char *text, unsigned from, const char *ws)
{
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        unsigned col = 0;
        size_t k = 0;
        while (k < n && col < from && (line[k] == ' ' || line[k] == '\t')) {
            col = line[k] == '\t' ? (col / 8 + 1) * 8 : col + 1;
            k++;
        }
        int ret = 0;
        if (k >= n) /* a blank line stays blank */
            ret = sk_buf_puts(b, "\n");
        else
            ret = sk_buf_printf(b, "%s%.*s\n", ws, (int)(n - k), line + k);
        if (ret < 0)
            return ret;
        line += n + (line[n] == '\n');
    }
    return 0;
}

/* The indentation string for the filled body of user definition u. */
static void body_ws(const char *src, const struct sig_def *u, const struct catalog_def *cd,
                    bool python, char *ws, size_t size)
{
    if (python && !u->inline_body) {
        /* Follow the user's own body lines (docstring, comment, pass) when there are any. */
        for (size_t p = u->body_start; p < u->body_end;) {
            const char *nl = memchr(src + p, '\n', u->body_end - p);
            size_t n = nl ? (size_t)(nl - (src + p)) : u->body_end - p;
            size_t k = 0;
            while (k < n && (src[p + k] == ' ' || src[p + k] == '\t'))
                k++;
            if (k < n && k > 0 && k < size) {
                memcpy(ws, src + p, k);
                ws[k] = '\0';
                return;
            }
            p += n + 1;
        }
    }
    line_ws(src, u->start, ws, size - 16);
    unsigned extra = cd->body_indent > cd->sig.indent ? cd->body_indent - cd->sig.indent : 4;
    if (strchr(ws, '\t'))
        strcat(ws, "\t");
    else
        for (unsigned i = 0; i < extra && i < 12; i++)
            strcat(ws, " ");
}

static bool placeholder_line(const char *line, size_t n)
{
    size_t k = 0;
    while (k < n && (line[k] == ' ' || line[k] == '\t'))
        k++;
    size_t e = n;
    while (e > k && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
        e--;
    return (e - k == 4 && !memcmp(line + k, "pass", 4)) ||
           (e - k == 3 && !memcmp(line + k, "...", 3));
}

/*
 * Write into `b` the user's definition u (from src) with its body filled
 * from cd: the text from u's body start to its end is replaced. Returns 0,
 * 1 when cd does not fit after all (a renaming clash), or -EMSGSIZE.
 */
static int fill_one(const struct lang *lang, const char *src, const struct sig_def *u,
                    const struct catalog_def *cd, struct sk_buf *b)
{
    bool python = lang->id == LANG_PYTHON;
    const char *body = cd->body;
    /* The user's docstring wins over the catalogue's. */
    size_t doc = cd->doc_len;
    if (python && u->has_docstring) {
        body += cd->doc_len;
        doc = 0;
    }
    /* Renaming touches identifiers only, never the docstring, so `doc`
     * still marks where the docstring ends. */
    cleanup_free char *renamed = rename_params(lang, body, &cd->sig, u);
    if (!renamed)
        return 1;
    cleanup_free char *docstring = xstrndup(renamed, doc);
    const char *rest = renamed + doc;
    char ws[256];
    body_ws(src, u, cd, python, ws, sizeof(ws));
    int ret = 0;
    if (python && u->inline_body) {
        /* def f(x): pass  ->  the body on lines of its own */
        ret = sk_buf_puts(b, "\n");
        if (!ret)
            ret = reindent(b, docstring, cd->body_indent, ws);
        if (!ret && cd->imports)
            ret = reindent(b, cd->imports, 0, ws);
        if (!ret)
            ret = reindent(b, rest, cd->body_indent, ws);
        if (!ret && b->len && b->data[b->len - 1] == '\n')
            b->data[--b->len] = '\0'; /* the line's own newline follows */
        return ret;
    }
    if (python) {
        /* Keep the docstring and comments; drop pass and ... lines. */
        for (size_t p = u->body_start; p < u->body_end && !ret;) {
            const char *nl = memchr(src + p, '\n', u->body_end - p);
            size_t n = nl ? (size_t)(nl - (src + p)) : u->body_end - p;
            if (!placeholder_line(src + p, n))
                ret = sk_buf_printf(b, "%.*s\n", (int)n, src + p);
            p += n + 1;
        }
        /* Imports the body needs go after the docstring, so that it stays one. */
        if (!ret)
            ret = reindent(b, docstring, cd->body_indent, ws);
        if (!ret && cd->imports)
            ret = reindent(b, cd->imports, 0, ws);
        if (!ret)
            ret = reindent(b, rest, cd->body_indent, ws);
        return ret;
    }
    /* Braces: "{" kept comments, the body, then the header's indentation before "}". */
    size_t a = u->body_start, e = u->body_end;
    while (a < e && strchr(" \t\r\n", src[a]))
        a++;
    while (e > a && strchr(" \t\r\n", src[e - 1]))
        e--;
    ret = sk_buf_puts(b, "\n");
    if (!ret && e > a)
        ret = sk_buf_printf(b, "%s%.*s\n", ws, (int)(e - a), src + a);
    if (!ret)
        ret = reindent(b, renamed, cd->body_indent, ws);
    char hws[256];
    line_ws(src, u->start, hws, sizeof(hws));
    if (!ret)
        ret = sk_buf_puts(b, hws);
    return ret;
}

/* The first catalogue definition (tasks by id) that fits u, or NULL. */
static const struct catalog_def *find_fill(const struct catalog *cat, const struct lang *lang,
                                           const struct sig_def *u,
                                           const struct catalog_task **task)
{
    size_t n = catalog_count(cat, lang);
    for (size_t i = 0; i < n; i++) {
        const struct catalog_task *t = catalog_task_at(cat, lang, i);
        for (size_t k = 0; k < t->ndefs; k++) {
            if (signature_matches(lang, u, &t->defs[k])) {
                *task = t;
                return &t->defs[k];
            }
        }
    }
    return NULL;
}

/*
 * Fill every empty body of `src` that a catalogue definition fits. Writes
 * the result to *out (malloc'ed) and the number filled to out->filled.
 */
static int fill_bodies(const struct catalog *cat, const struct lang *lang, const char *src,
                       size_t len, size_t max, struct completion *out, char **text,
                       size_t *text_len, struct sk_err *err)
{
    struct lex lx;
    int ret = lex_run(lang, src, len, &lx, err);
    if (ret < 0)
        return ret;
    struct sig_file f;
    sig_scan(lang, src, len, &lx, &f);
    cleanup_buf struct sk_buf b;
    sk_buf_init(&b, max);
    size_t done = 0;
    for (size_t i = 0; i < f.ndefs && ret == 0; i++) {
        const struct sig_def *u = &f.defs[i];
        if (!u->body_empty || u->body_start < done)
            continue;
        const struct catalog_task *task = NULL;
        const struct catalog_def *cd = find_fill(cat, lang, u, &task);
        if (!cd)
            continue;
        size_t mark = b.len;
        ret = sk_buf_append(&b, src + done, u->body_start - done);
        if (ret < 0)
            break;
        int r = fill_one(lang, src, u, cd, &b);
        if (r < 0) {
            ret = r;
            break;
        }
        if (r == 1) {
            /* Did not fit: undo, keep the original text. */
            b.len = mark;
            if (b.data)
                b.data[b.len] = '\0';
            continue;
        }
        done = u->body_end;
        if (out->filled++ == 0) {
            out->task = task;
            snprintf(out->filled_name, sizeof(out->filled_name), "%s", u->name);
        }
    }
    if (ret == 0)
        ret = sk_buf_append(&b, src + done, len - done);
    sig_file_close(&f);
    lex_close(&lx);
    if (ret == -EMSGSIZE)
        return sk_err_msg(err, E2BIG, "the completion would add more than %d bytes",
                          COMPLETE_MAX_ADDED_BYTES);
    if (ret < 0)
        return sk_err_msg(err, -ret, "filling bodies failed");
    *text_len = b.len;
    *text = sk_buf_steal(&b);
    if (!*text)
        *text = xstrdup("");
    return 0;
}

int complete_code(const struct catalog *cat, const struct lang *lang, const char *code, size_t len,
                  struct completion *out, struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    cleanup_free char *closed = NULL;
    size_t closed_len = 0;
    int ret = complete_close(lang, code, len, &closed, &closed_len, &out->closed, err);
    if (ret < 0)
        return ret;
    char *filled = NULL;
    size_t filled_len = 0;
    ret = fill_bodies(cat, lang, closed, closed_len, len + COMPLETE_MAX_ADDED_BYTES, out, &filled,
                      &filled_len, err);
    if (ret < 0)
        return ret;
    bool closed_any = closed_len != len || memcmp(closed, code, len) != 0;
    if (out->filled == 0 && !closed_any) {
        free(filled);
        return sk_err_msg(err, ENOENT,
                          "no offline completion for this code: nothing is left open and no "
                          "catalogue function matches an empty body; configure a model endpoint "
                          "(see README: model.provider = openai)");
    }
    out->code = filled;
    out->len = filled_len;
    return 0;
}

void completion_close(struct completion *c)
{
    free(c->code);
    memset(c, 0, sizeof(*c));
}

void complete_stats_describe(const struct complete_stats *st, char *buf, size_t size)
{
    struct {
        int n;
        const char *one, *many;
    } parts[] = {
        {st->brackets, "bracket", "brackets"},
        {st->literals, "string or comment", "strings or comments"},
        {st->bodies, "empty body", "empty bodies"},
        {st->placeholders, "missing operand", "missing operands"},
        {st->other, "missing ':' / ';' / handler", "missing ':' / ';' / handlers"},
    };
    size_t n = 0;
    buf[0] = '\0';
    int count = 0;
    for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
        if (parts[i].n)
            count++;
    int seen = 0;
    for (size_t i = 0; i < ARRAY_SIZE(parts) && n < size; i++) {
        if (!parts[i].n)
            continue;
        const char *sep = seen == 0 ? "closed " : seen == count - 1 ? " and " : ", ";
        int w = snprintf(buf + n, size - n, "%s%d %s", sep, parts[i].n,
                         parts[i].n == 1 ? parts[i].one : parts[i].many);
        if (w < 0)
            break;
        n += (size_t)w;
        seen++;
    }
}
