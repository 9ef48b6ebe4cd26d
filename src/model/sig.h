/*
 * Definitions in code: which functions, classes and contracts a piece of
 * code defines, with their parameters and where their bodies are, and which
 * names it binds at the top. The offline provider uses it on both sides of
 * a completion: on the catalogue's snippets (what could fill a body, and
 * whether that body stands alone) and on the user's code (which bodies are
 * empty and waiting to be filled).
 *
 * What counts as a definition, per language:
 *   python      def / async def / class at indentation 0
 *   javascript  function NAME(...) {, class NAME {, and
 *   typescript  const|let|var NAME = (...) => { / function (...) { at depth 0
 *   solidity    contract / library / abstract contract at depth 0, free
 *               functions, and pure functions inside a contract or library
 *
 * It reads tokens from lex.h and is as forgiving: code it cannot read
 * yields fewer definitions, never an error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "lang/lang.h"
#include "model/lex.h"

#define SIG_NAME_MAX 64
#define SIG_TYPE_MAX 160
#define SIG_MAX_PARAMS 16
#define SIG_MAX_DEFS 256
#define SIG_MAX_NAMES 1024

enum sig_kind {
    SIG_FUNCTION, /* a function (or a Solidity function) */
    SIG_CLASS,    /* a class, or a Solidity contract or library */
};

struct sig_param {
    char name[SIG_NAME_MAX]; /* the parameter's name; "" when it is not a plain name */
    char
        type[SIG_TYPE_MAX]; /* its type as written, normalised (TypeScript, Solidity); "" if none */
};

struct sig_def {
    enum sig_kind kind;      /* function or class */
    char name[SIG_NAME_MAX]; /* as written */
    char key[SIG_NAME_MAX];  /* lower case without '_': reverseString == reverse_string */
    char head[SIG_TYPE_MAX]; /* normalised header text that must match: class bases,
                                TypeScript generics, Solidity return types */
    int nparams;             /* parameters; -1 if more than SIG_MAX_PARAMS */
    struct sig_param params[SIG_MAX_PARAMS]; /* the first nparams are set */
    bool top_level;     /* at module level (false: a Solidity contract member) */
    bool pure;          /* Solidity: declared pure */
    unsigned indent;    /* indentation of the header line */
    size_t start;       /* offset of the header's first token */
    size_t body_start;  /* python: start of the first body line (or just after
                           the ':' of a one-line body); braces: just after '{' */
    size_t body_end;    /* python: end of the last body line, after its newline;
                           braces: offset of the closing '}' */
    size_t tok_body;    /* index of the first body token */
    size_t tok_end;     /* index one past the last body token */
    bool inline_body;   /* python: the body is on the header's line */
    bool body_empty;    /* only comments, a docstring, pass or ... */
    bool has_docstring; /* python: the body opens with a docstring */
    size_t doc_end;     /* python: offset just past the docstring's line */
    int owner;          /* index of the def this one is a member of, or -1 */
};

/* A name the code binds: a definition, a variable, an import, a member. */
struct sig_name {
    char name[SIG_NAME_MAX]; /* the bound name */
    int owner;               /* index of the def it is a member of, or -1 at the top */
    size_t import_start;     /* python: the import statement that binds it */
    size_t import_len;       /* its length; 0 when the name is not imported */
};

struct sig_file {
    struct sig_def *defs;   /* owned; in source order */
    size_t ndefs;           /* entries */
    struct sig_name *names; /* owned */
    size_t nnames;          /* entries */
};

/*
 * Find the definitions and top-level names of `src` (tokenized as `lx`).
 * Fills `out` (release with sig_file_close). Never fails: code it cannot
 * read yields fewer entries; more than SIG_MAX_DEFS definitions or
 * SIG_MAX_NAMES names are ignored.
 */
void sig_scan(const struct lang *lang, const char *src, size_t len, const struct lex *lx,
              struct sig_file *out);
void sig_file_close(struct sig_file *f);

/* The matching key of a name: lower case with '_' removed, into key[SIG_NAME_MAX]. */
void sig_key(const char *name, size_t len, char *key);

/* Index of the token that closes the bracket opened at token `open`, or
 * lx->ntoks when it is never closed. O(1): the tokenizer pairs brackets. */
size_t sig_match(const struct lex *lx, const char *src, size_t open);
