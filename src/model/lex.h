/*
 * A small, forgiving tokenizer for the four languages, used by the offline
 * provider: to read the catalogue's snippets (which functions they define,
 * what their bodies use) and to see what a code prefix left open (brackets,
 * strings, comments, template literals) so that it can be closed.
 *
 * It is not a parser and never fails on bad code: an unterminated literal at
 * the end is reported in the result, a closing bracket that closes nothing
 * is counted, and everything else is a token. The only errors are the caps:
 * nesting deeper than LEX_MAX_DEPTH brackets.
 *
 * Python gets NEWLINE tokens at the end of each logical line (not inside
 * brackets, not after a backslash continuation), and every token carries the
 * indentation of the line it starts on, so blocks can be followed.
 * JavaScript and TypeScript template literals are followed through their
 * ${...} substitutions; regular-expression literals are told from division
 * by the usual rule (a '/' where an operand is expected starts a regex).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "lang/lang.h"

#define LEX_MAX_DEPTH 256

enum lex_kind {
    LEX_IDENT,   /* identifiers and keywords */
    LEX_NUMBER,  /* numeric literals */
    LEX_STRING,  /* string literals, template chunks, Python prefixed strings */
    LEX_PUNCT,   /* operators and brackets ("${" opens a substitution) */
    LEX_COMMENT, /* line and block comments */
    LEX_NEWLINE, /* Python: the end of a logical line */
    LEX_REGEX,   /* JavaScript/TypeScript regular-expression literal */
};

struct lex_tok {
    enum lex_kind kind; /* what the token is */
    size_t start;       /* byte offset in the source */
    size_t len;         /* bytes */
    unsigned line;      /* 1-based line of the first byte */
    unsigned indent;    /* indentation (columns, tabs to 8) of the line the token starts on */
    int depth;          /* brackets open before this token (an opener and its closer
                           have the same depth) */
    size_t pair;        /* brackets: index of the matching bracket; SIZE_MAX if none */
};

/* What the end of the source left open, innermost last. */
struct lex_open {
    char kind;  /* '(' '[' '{' ; '$' for a ${ substitution; '`' for template text */
    size_t tok; /* index of the opening token */
};

enum lex_eof {
    LEX_EOF_CLEAN,        /* nothing open but brackets */
    LEX_EOF_STRING,       /* inside a string literal (not template text: see '`') */
    LEX_EOF_COMMENT,      /* inside a block comment */
    LEX_EOF_LINE_COMMENT, /* inside a line comment (no final newline) */
    LEX_EOF_REGEX,        /* inside a regular-expression literal */
};

struct lex {
    struct lex_tok *toks;                /* owned */
    size_t ntoks;                        /* tokens */
    size_t cap;                          /* allocated */
    struct lex_open open[LEX_MAX_DEPTH]; /* brackets and templates open at the end */
    size_t nopen;                        /* entries in open[] */
    enum lex_eof eof;                    /* the literal or comment open at the end, if any */
    char eof_closer[4];                  /* what closes it: quote(s), comment end, "/", "]/" */
    bool eof_backslash; /* the open literal (or template text) ends in a lone backslash */
    int unmatched;      /* closing brackets that closed nothing or the wrong kind */
};

/*
 * Tokenize `len` bytes of `src` as `lang`. On success fills `out` (release
 * it with lex_close) and returns 0. Fails only with -E2BIG when brackets
 * nest deeper than LEX_MAX_DEPTH; `out` is then empty.
 */
int lex_run(const struct lang *lang, const char *src, size_t len, struct lex *out,
            struct sk_err *err);
void lex_close(struct lex *lx);

/* True if token `t` of `src` is exactly `text`. */
bool lex_tok_is(const struct lex_tok *t, const char *src, const char *text);

/* True if token `t` is significant (not a comment and not a Python NEWLINE). */
bool lex_tok_significant(const struct lex_tok *t);
