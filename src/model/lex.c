/*
 * The forgiving tokenizer (see lex.h).
 */
#include "config.h"

#include "model/lex.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct scan {
    const char *s;       /* the source; not owned */
    size_t len;          /* its length */
    size_t pos;          /* the next byte */
    unsigned line;       /* current line, 1-based */
    size_t line_start;   /* offset of the current line's first byte */
    enum lang_id lang;   /* which language's rules apply */
    size_t logical_toks; /* Python: tokens in the current logical line */
    unsigned tok_indent; /* indentation of the line the current token starts on */
    unsigned indent;     /* cached indentation of the line starting at indent_of */
    size_t indent_of;    /* line start the cache is for */
    bool indent_valid;   /* the cache holds a value */
    struct lex *lx;      /* where tokens go; not owned */
};

/* Multi-character operators, longest first (maximal munch). */
static const char *const ops[] = {
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "?\?=", "//=", "=>",
    "->",   ":=",  "==",  "!=",  "<=",  ">=",  "&&",  "||",  "??",  "?.",  "++",   "--",  "+=",
    "-=",   "*=",  "/=",  "%=",  "&=",  "|=",  "^=",  "@=",  "**",  "//",  "<<",   ">>",
};

/* Keywords after which a '/' starts a regular expression, not a division. */
static const char *const regex_after[] = {
    "return", "typeof", "instanceof", "in", "of",   "new",   "delete",
    "void",   "throw",  "case",       "do", "else", "yield", "await",
};

static bool is_py(const struct scan *sc)
{
    return sc->lang == LANG_PYTHON;
}

static bool is_js(const struct scan *sc)
{
    return sc->lang == LANG_JAVASCRIPT || sc->lang == LANG_TYPESCRIPT;
}

static bool ident_start(const struct scan *sc, unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80 ||
           (c == '$' && is_js(sc));
}

static bool ident_char(const struct scan *sc, unsigned char c)
{
    return ident_start(sc, c) || (c >= '0' && c <= '9');
}

/* The indentation of the current line, computed once per line (a line of
 * a million spaces must not cost a million scans). */
static unsigned line_indent(struct scan *sc)
{
    if (sc->indent_valid && sc->indent_of == sc->line_start)
        return sc->indent;
    unsigned col = 0;
    for (size_t i = sc->line_start; i < sc->len && col < 1u << 30; i++) {
        if (sc->s[i] == ' ')
            col++;
        else if (sc->s[i] == '\t')
            col = (col / 8 + 1) * 8;
        else
            break;
    }
    sc->indent = col;
    sc->indent_of = sc->line_start;
    sc->indent_valid = true;
    return col;
}

static size_t add(struct scan *sc, enum lex_kind kind, size_t start, size_t len, unsigned line)
{
    struct lex *lx = sc->lx;
    if (lx->ntoks == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 256;
        lx->toks = xrealloc(lx->toks, lx->cap * sizeof(*lx->toks));
    }
    struct lex_tok *t = &lx->toks[lx->ntoks];
    t->kind = kind;
    t->start = start;
    t->len = len;
    t->line = line;
    t->indent = sc->tok_indent;
    t->depth = (int)lx->nopen;
    t->pair = SIZE_MAX;
    if (kind != LEX_COMMENT && kind != LEX_NEWLINE)
        sc->logical_toks++;
    return lx->ntoks++;
}

static int push(struct scan *sc, char kind, size_t tok, struct sk_err *err)
{
    struct lex *lx = sc->lx;
    if (lx->nopen >= LEX_MAX_DEPTH)
        return sk_err_msg(err, E2BIG, "code nests deeper than %d brackets (line %u)", LEX_MAX_DEPTH,
                          sc->line);
    lx->open[lx->nopen].kind = kind;
    lx->open[lx->nopen].tok = tok;
    lx->nopen++;
    return 0;
}

static void newline(struct scan *sc)
{
    sc->line++;
    sc->line_start = sc->pos;
}

/* A backslash at sc->pos in a string: skip it and what it escapes (an
 * escaped newline still counts as a line); at the end of the source, note
 * the dangling backslash. */
static void skip_escape(struct scan *sc)
{
    if (sc->pos + 1 >= sc->len) {
        sc->lx->eof_backslash = true;
        sc->pos++;
        return;
    }
    sc->pos += 2;
    if (sc->s[sc->pos - 1] == '\n')
        newline(sc);
}

/*
 * A quoted string starting at `start` whose opening quote is at sc->pos.
 * Stops at the closing quote, at an unescaped newline (single-quoted: the
 * literal is broken, and the token ends there), or at the end of the source
 * (recorded in lx->eof so the caller can close it).
 */
static void scan_string(struct scan *sc, size_t start)
{
    char q = sc->s[sc->pos];
    unsigned line = sc->line;
    bool triple =
        is_py(sc) && sc->pos + 2 < sc->len && sc->s[sc->pos + 1] == q && sc->s[sc->pos + 2] == q;
    sc->pos += triple ? 3 : 1;
    for (;;) {
        if (sc->pos >= sc->len) {
            sc->lx->eof = LEX_EOF_STRING;
            memset(sc->lx->eof_closer, q, triple ? 3 : 1);
            break;
        }
        char c = sc->s[sc->pos];
        if (c == '\\') {
            skip_escape(sc);
            continue;
        }
        if (c == '\n') {
            if (!triple)
                break;
            sc->pos++;
            newline(sc);
            continue;
        }
        if (c == q && (!triple || (sc->pos + 2 < sc->len && sc->s[sc->pos + 1] == q &&
                                   sc->s[sc->pos + 2] == q))) {
            sc->pos += triple ? 3 : 1;
            break;
        }
        sc->pos++;
    }
    add(sc, LEX_STRING, start, sc->pos - start, line);
}

/*
 * Template text: from sc->pos up to the closing backtick (which ends the
 * template and pops it) or a "${" (which opens a substitution).
 */
static int scan_template(struct scan *sc, struct sk_err *err)
{
    size_t start = sc->pos;
    unsigned line = sc->line;
    for (;;) {
        if (sc->pos >= sc->len) {
            if (sc->pos > start)
                add(sc, LEX_STRING, start, sc->pos - start, line);
            return 0;
        }
        char c = sc->s[sc->pos];
        if (c == '\\') {
            skip_escape(sc);
            continue;
        }
        if (c == '\n') {
            sc->pos++;
            newline(sc);
            continue;
        }
        if (c == '`') {
            sc->pos++;
            struct lex *lx = sc->lx;
            lx->nopen--;
            size_t t = add(sc, LEX_STRING, start, sc->pos - start, line);
            lx->toks[t].pair = lx->open[lx->nopen].tok;
            lx->toks[lx->open[lx->nopen].tok].pair = t;
            return 0;
        }
        if (c == '$' && sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == '{') {
            if (sc->pos > start)
                add(sc, LEX_STRING, start, sc->pos - start, line);
            size_t t = add(sc, LEX_PUNCT, sc->pos, 2, sc->line);
            sc->pos += 2;
            return push(sc, '$', t, err);
        }
        sc->pos++;
    }
}

static const struct lex_tok *prev_significant(const struct lex *lx)
{
    for (size_t i = lx->ntoks; i-- > 0;)
        if (lex_tok_significant(&lx->toks[i]))
            return &lx->toks[i];
    return NULL;
}

static bool regex_allowed(const struct scan *sc)
{
    const struct lex_tok *t = prev_significant(sc->lx);
    if (!t)
        return true;
    switch (t->kind) {
    case LEX_PUNCT: {
        char c = sc->s[t->start];
        return !(t->len == 1 && (c == ')' || c == ']' || c == '}'));
    }
    case LEX_IDENT:
        for (size_t i = 0; i < ARRAY_SIZE(regex_after); i++)
            if (lex_tok_is(t, sc->s, regex_after[i]))
                return true;
        return false;
    default:
        return false;
    }
}

/*
 * A regular-expression literal at sc->pos. Returns false (consuming
 * nothing) when a newline comes before its end, which means the '/' was a
 * division after all.
 */
static bool scan_regex(struct scan *sc)
{
    size_t start = sc->pos, p = sc->pos + 1;
    bool in_class = false, backslash = false;
    for (;;) {
        if (p >= sc->len) {
            sc->lx->eof = LEX_EOF_REGEX;
            strcpy(sc->lx->eof_closer, in_class ? "]/" : "/");
            sc->lx->eof_backslash = backslash;
            break;
        }
        char c = sc->s[p];
        if (c == '\n')
            return false;
        if (c == '\\') {
            if (p + 1 >= sc->len) {
                backslash = true;
                p++;
                continue;
            }
            if (sc->s[p + 1] == '\n')
                return false;
            p += 2;
            continue;
        }
        if (c == '[')
            in_class = true;
        else if (c == ']')
            in_class = false;
        else if (c == '/' && !in_class) {
            p++;
            while (p < sc->len && ident_char(sc, (unsigned char)sc->s[p]))
                p++;
            break;
        }
        p++;
    }
    sc->pos = p;
    add(sc, LEX_REGEX, start, p - start, sc->line);
    return true;
}

static void scan_comment(struct scan *sc, bool block)
{
    size_t start = sc->pos;
    unsigned line = sc->line;
    if (block) {
        sc->pos += 2;
        for (;;) {
            if (sc->pos + 1 >= sc->len) {
                sc->pos = sc->len;
                sc->lx->eof = LEX_EOF_COMMENT;
                strcpy(sc->lx->eof_closer, "*/");
                break;
            }
            if (sc->s[sc->pos] == '*' && sc->s[sc->pos + 1] == '/') {
                sc->pos += 2;
                break;
            }
            if (sc->s[sc->pos] == '\n') {
                sc->pos++;
                newline(sc);
                continue;
            }
            sc->pos++;
        }
    } else {
        while (sc->pos < sc->len && sc->s[sc->pos] != '\n')
            sc->pos++;
        if (sc->pos >= sc->len) {
            sc->lx->eof = LEX_EOF_LINE_COMMENT;
            strcpy(sc->lx->eof_closer, "\n");
        }
    }
    add(sc, LEX_COMMENT, start, sc->pos - start, line);
}

static bool py_string_prefix(const char *p, size_t n)
{
    if (n == 0 || n > 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("rRbBuUfF", p[i]))
            return false;
    return true;
}

static int scan_punct(struct scan *sc, struct sk_err *err)
{
    const char *p = sc->s + sc->pos;
    size_t rest = sc->len - sc->pos;
    char c = *p;

    if (c == '(' || c == '[' || c == '{') {
        size_t t = add(sc, LEX_PUNCT, sc->pos, 1, sc->line);
        sc->pos++;
        return push(sc, c, t, err);
    }
    if (c == ')' || c == ']' || c == '}') {
        struct lex *lx = sc->lx;
        char want = c == ')' ? '(' : c == ']' ? '[' : '{';
        size_t opener = SIZE_MAX;
        if (lx->nopen > 0 && (lx->open[lx->nopen - 1].kind == want ||
                              (c == '}' && lx->open[lx->nopen - 1].kind == '$')))
            opener = lx->open[--lx->nopen].tok;
        else
            lx->unmatched++;
        size_t t = add(sc, LEX_PUNCT, sc->pos, 1, sc->line);
        if (opener != SIZE_MAX) {
            lx->toks[t].pair = opener;
            lx->toks[opener].pair = t;
        }
        sc->pos++;
        return 0;
    }
    size_t n = 1;
    for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
        size_t m = strlen(ops[i]);
        if (m <= rest && memcmp(p, ops[i], m) == 0) {
            n = m;
            break;
        }
    }
    add(sc, LEX_PUNCT, sc->pos, n, sc->line);
    sc->pos += n;
    return 0;
}

int lex_run(const struct lang *lang, const char *src, size_t len, struct lex *out,
            struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    struct scan sc = {.s = src, .len = len, .line = 1, .lang = lang->id, .lx = out};
    int ret = 0;

    while (sc.pos < len && ret == 0) {
        if (out->nopen > 0 && out->open[out->nopen - 1].kind == '`') {
            ret = scan_template(&sc, err);
            continue;
        }
        unsigned char c = (unsigned char)src[sc.pos];
        sc.tok_indent = line_indent(&sc);
        if (c == '\n') {
            if (is_py(&sc) && out->nopen == 0 && sc.logical_toks > 0) {
                add(&sc, LEX_NEWLINE, sc.pos, 1, sc.line);
                sc.logical_toks = 0;
            }
            sc.pos++;
            newline(&sc);
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            sc.pos++;
            continue;
        }
        if (c == '\\' && is_py(&sc) && sc.pos + 1 < len &&
            (src[sc.pos + 1] == '\n' ||
             (src[sc.pos + 1] == '\r' && sc.pos + 2 < len && src[sc.pos + 2] == '\n'))) {
            /* Explicit line joining: no NEWLINE. */
            sc.pos += src[sc.pos + 1] == '\n' ? 2 : 3;
            newline(&sc);
            continue;
        }
        if (is_py(&sc) && c == '#') {
            scan_comment(&sc, false);
            continue;
        }
        if (!is_py(&sc) && c == '/' && sc.pos + 1 < len &&
            (src[sc.pos + 1] == '/' || src[sc.pos + 1] == '*')) {
            scan_comment(&sc, src[sc.pos + 1] == '*');
            continue;
        }
        if (!is_py(&sc) && c == '/' && sc.pos + 1 == len) {
            /* A lone '/' at the very end: a division or the start of a comment. */
            add(&sc, LEX_PUNCT, sc.pos, 1, sc.line);
            sc.pos++;
            continue;
        }
        if (c == '"' || c == '\'') {
            scan_string(&sc, sc.pos);
            continue;
        }
        if (c == '`' && is_js(&sc)) {
            size_t t = add(&sc, LEX_PUNCT, sc.pos, 1, sc.line);
            sc.pos++;
            ret = push(&sc, '`', t, err);
            continue;
        }
        if (ident_start(&sc, c)) {
            size_t start = sc.pos;
            while (sc.pos < len && ident_char(&sc, (unsigned char)src[sc.pos]))
                sc.pos++;
            if (is_py(&sc) && sc.pos < len && (src[sc.pos] == '"' || src[sc.pos] == '\'') &&
                py_string_prefix(src + start, sc.pos - start)) {
                scan_string(&sc, start);
                continue;
            }
            add(&sc, LEX_IDENT, start, sc.pos - start, sc.line);
            continue;
        }
        if ((c >= '0' && c <= '9') ||
            (c == '.' && sc.pos + 1 < len && src[sc.pos + 1] >= '0' && src[sc.pos + 1] <= '9')) {
            size_t start = sc.pos;
            while (sc.pos < len) {
                unsigned char d = (unsigned char)src[sc.pos];
                if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
                    d == '_' || d == '.')
                    sc.pos++;
                else if ((d == '+' || d == '-') &&
                         (src[sc.pos - 1] == 'e' || src[sc.pos - 1] == 'E') &&
                         !(src[start] == '0' && sc.pos - start > 1 &&
                           (src[start + 1] == 'x' || src[start + 1] == 'X')))
                    sc.pos++;
                else
                    break;
            }
            add(&sc, LEX_NUMBER, start, sc.pos - start, sc.line);
            continue;
        }
        if (c == '/' && is_js(&sc) && regex_allowed(&sc) && scan_regex(&sc))
            continue;
        ret = scan_punct(&sc, err);
    }
    if (ret < 0)
        lex_close(out);
    return ret;
}

void lex_close(struct lex *lx)
{
    free(lx->toks);
    memset(lx, 0, sizeof(*lx));
}

bool lex_tok_is(const struct lex_tok *t, const char *src, const char *text)
{
    size_t n = strlen(text);
    return t->len == n && memcmp(src + t->start, text, n) == 0;
}

bool lex_tok_significant(const struct lex_tok *t)
{
    return t->kind != LEX_COMMENT && t->kind != LEX_NEWLINE;
}
