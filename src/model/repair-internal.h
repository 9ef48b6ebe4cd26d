/*
 * Shared between the repair engine (repair.c) and the rules of each
 * language (repair-py.c, repair-js.c, repair-sol.c); not part of the
 * model's interface.
 *
 * A rule reads the original code through its tokens (lex.h) and its lines,
 * and proposes a fix: a group of edits on the original offsets, committed
 * together with one line of explanation, or dropped together when one of
 * them overlaps an edit already committed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "model/lex.h"
#include "model/repair.h"
#include "model/sig.h"

/* One diagnostic read from the error text. */
struct rdiag {
    int line;       /* 1-based line in the code; 0 when unknown */
    int column;     /* 1-based column; 0 when unknown */
    char rule[64];  /* a finding's rule id (B506, sol.tx-origin, TS2304), or "" */
    char msg[512];  /* the message: "NameError: name 'x' is not defined", "Expected ';' ..." */
};

/* One edit of the original text. */
struct redit {
    size_t at;     /* offset in the original code */
    size_t del;    /* bytes removed from there */
    char *text;    /* bytes inserted there; owned */
    unsigned seq;  /* creation order: insertions at one offset keep it */
};

/* A name and the token range in which it is visible. */
struct rname {
    char name[SIG_NAME_MAX]; /* the name */
    size_t from;             /* first token of its scope */
    size_t to;               /* one past its last token */
};

struct rnames {
    struct rname *v;  /* owned */
    size_t n;         /* entries */
    size_t cap;       /* allocated */
    bool truncated;   /* a name was dropped at REPAIR_MAX_NAMES: searches are not exhaustive */
    uint32_t *slots;  /* hash of (name, scope) -> entry index + 1, to add each once; owned */
};

#define REPAIR_MAX_RESERVED 32

struct rctx {
    const struct lang *lang;   /* not owned */
    const char *src;           /* the original code; not owned */
    size_t len;                /* its length */
    struct lex lx;             /* its tokens */
    size_t *lines;             /* offset of each line's first byte; lines[0] = 0 */
    size_t nlines;             /* lines (a final line without '\n' counts) */
    struct redit *edits;       /* committed edits, then the pending fix's; owned */
    size_t nedits;             /* entries */
    size_t cap;                /* allocated */
    size_t pending;            /* index of the pending fix's first edit */
    unsigned seq;              /* next edit's creation number */
    int fixes;                 /* fixes committed */
    struct sk_buf why;         /* the explanation, one line per fix */
    const struct rdiag *diags; /* every diagnostic of the request; not owned */
    size_t ndiags;             /* entries */
    char reserved[REPAIR_MAX_RESERVED][SIG_NAME_MAX]; /* names new code has declared */
    size_t nreserved;          /* entries */
    size_t reserved_scope[REPAIR_MAX_RESERVED];       /* token index of each one's block */
    size_t reserved_site[REPAIR_MAX_RESERVED];        /* token index of the statement it is for */
    size_t *py_first;          /* python: per token, the first token of its logical line */
    size_t *py_newline;        /* python: per token, the NEWLINE that ends its logical line */
    size_t *py_dedent;         /* python: per statement start, the next statement start
                                  indented no deeper (or ntoks): where its block ends */
    struct rnames bound;       /* the names the code binds, once computed; see bound_names */
    bool bound_done;           /* `bound` is computed */
    unsigned taken;            /* reserve_name: bit k set when choice k is spelt in the code */
    const char *const *taken_for; /* the choices `taken` was computed for; not owned */
};

/* A rule: returns 1 when it committed a fix for `d` (or the fix was already
 * there), 0 when it does not apply or is not sure. */
typedef int (*repair_rule_fn)(struct rctx *c, const struct rdiag *d);

/* The rules of each language, in the order they are tried. */
extern const repair_rule_fn repair_rules_python[];
extern const repair_rule_fn repair_rules_ecma[];
extern const repair_rule_fn repair_rules_solidity[];
/* Solidity: the SPDX line and the pragma, added alongside any other fix. */
int repair_sol_companions(struct rctx *c);

/* ------------------------------------------------------------ fixes */

/* Start a fix: edits from here on belong to it. */
void fix_begin(struct rctx *c);
/* Add an edit to the pending fix: replace `del` bytes at `at` with `text`. */
void fix_edit(struct rctx *c, size_t at, size_t del, const char *text);
/*
 * Commit the pending fix with its explanation ("line N (rule): ...").
 * Returns 1 when committed (or when every edit was already there), 0 when
 * it was dropped because an edit overlaps one already committed.
 */
int fix_commit(struct rctx *c, int line, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Drop the pending fix; returns 0 for `return fix_abort(c);`. */
int fix_abort(struct rctx *c);
/*
 * The code with every committed edit and the pending fix applied, for a
 * rule that checks its own result (malloc'ed; the caller frees it), or NULL
 * past REPAIR_MAX_ADDED_BYTES.
 */
char *fix_preview(struct rctx *c, size_t *len);

/* Brackets, strings and comments left open or unmatched in `s`, as the
 * tokenizer sees them; SIZE_MAX when it cannot read them. */
size_t repair_imbalance(const struct lang *lang, const char *s, size_t len);

/* ------------------------------------------------------------ lines */

size_t line_start(const struct rctx *c, int line);
/* Offset of the line's '\n' (or the end of the code). */
size_t line_end(const struct rctx *c, int line);
/* Bytes of leading blanks (spaces and tabs). */
size_t line_ws(const struct rctx *c, int line);
/* Indentation in columns (tabs to multiples of 8). */
unsigned line_cols(const struct rctx *c, int line);
/* Only blanks. */
bool line_blank(const struct rctx *c, int line);
/* The line starts inside a token that spans lines (a string, a comment). */
bool line_in_token(const struct rctx *c, int line);
/* The line of byte offset `off`. */
int line_of(const struct rctx *c, size_t off);

/* ------------------------------------------------------------ tokens */

/* Index of the first token starting on `line`, or SIZE_MAX. */
size_t tok_on_line(const struct rctx *c, int line);
/* True if token i is exactly `text` (inline: with a literal, its length is
 * known at compile time, and this runs for nearly every token). */
static inline bool tok_is(const struct rctx *c, size_t i, const char *text)
{
    if (i >= c->lx.ntoks)
        return false;
    const struct lex_tok *t = &c->lx.toks[i];
    size_t n = strlen(text);
    return t->len == n && memcmp(c->src + t->start, text, n) == 0;
}
/* True if token i is one of the NULL-terminated `words`. */
bool tok_in(const struct rctx *c, size_t i, const char *const *words);
/* The significant token before / after i, or SIZE_MAX. */
size_t tok_prev(const struct rctx *c, size_t i);
size_t tok_next(const struct rctx *c, size_t i);
/* Offset just past token i. */
size_t tok_end(const struct rctx *c, size_t i);
/* Copy token i into buf (at most size - 1 bytes). */
void tok_copy(const struct rctx *c, size_t i, char *buf, size_t size);
/* Token i is an identifier named `name` (len bytes). */
bool tok_ident(const struct rctx *c, size_t i, const char *name, size_t len);
/* Where a diagnostic about `name` points: the first token on its line
 * that `is_use` accepts as a use of the name, else the first anywhere;
 * SIZE_MAX when there is none. */
size_t tok_of_diag(const struct rctx *c, const struct rdiag *d, const char *name,
                   bool (*is_use)(const struct rctx *c, size_t i, const char *name, size_t len));
/* A misspelt name: replace every use of `name` (as `is_use` sees uses)
 * with `fix` and commit the fix under `rule`, on the line of token `at`.
 * Returns what fix_commit does, or 0 when there was no use. */
int fix_misspelt_name(struct rctx *c, size_t at, const char *name, const char *fix,
                      const char *rule,
                      bool (*is_use)(const struct rctx *c, size_t i, const char *name, size_t len));

/* ------------------------------------------------------------ diagnostics */

/* The finding's rule is one of the NULL-terminated `rules`. */
bool diag_rule_in(const struct rdiag *d, const char *const *rules);
/* The message contains `text`. */
bool diag_has(const struct rdiag *d, const char *text);
/*
 * The name quoted after `after` in the message: for "name 'x' is not
 * defined" with after = "name ", x. Quotes are ' or ". Returns the length,
 * 0 when there is none or it is not an identifier.
 */
size_t diag_quoted(const struct rdiag *d, const char *after, char *name, size_t size);

/* ------------------------------------------------------------ names */

/* Add a name (the same name with the same scope once; past REPAIR_MAX_NAMES
 * names, or at SIG_NAME_MAX bytes and longer, it is dropped and the set is
 * marked truncated). */
void rnames_add(struct rnames *ns, const char *s, size_t len, size_t from, size_t to);
void rnames_close(struct rnames *ns);
/* Some entry is named s (whatever its scope). */
bool rnames_has(const struct rnames *ns, const char *s, size_t len);

/*
 * The one name visible at token `at` (bound names, then `builtins`) closest
 * to `wrong` by repair_distance, within a distance that grows with the
 * name's length (1 up to 5 bytes, 2 up to 9, 3 beyond; names shorter than 3
 * bytes are never corrected). Copies it into `out` and returns 1; returns 0
 * when there is none, two are equally close, or the set was truncated (the
 * search would not have seen every name).
 */
int closest_name(const struct rnames *ns, const char *const *builtins, size_t at,
                 const char *wrong, char *out);

/*
 * Pick a name for a new variable that the statement at token `site` will
 * declare in the block starting at token `scope`: the name this repair
 * already picked for the same statement (two tools reporting one problem
 * get one fix), else the first of `choices` that no token of the code
 * spells and that no other fix of this repair declared in the same block.
 * Copies it into `out` and records it; returns false when all are taken.
 */
bool reserve_name(struct rctx *c, size_t scope, size_t site, const char *const *choices,
                  char *out);
