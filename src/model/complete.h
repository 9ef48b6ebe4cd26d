/*
 * Offline completion of a code prefix, in two steps.
 *
 *   close  Close what the prefix left open so that the result parses: an
 *          unterminated string, comment, template literal or regex; open
 *          brackets and blocks (a '}' on its own line at the opener's
 *          indentation); a dangling operator gets a neutral operand (None,
 *          undefined, 0); a block header with no body gets one (Python
 *          ':' and an indented `pass`; `{}` elsewhere); a Python `try`
 *          with no handler gets `finally: pass`; a Solidity statement gets
 *          its ';'. Only text is appended: the prefix is kept as it is,
 *          except for trailing whitespace (`print("hi` and a newline can
 *          only be closed before the newline), and the result ends in a
 *          newline.
 *   fill   Then every top-level function, class or contract of the result
 *          whose body is empty (nothing but comments, a docstring, `pass`
 *          or `...`) and whose signature matches a catalogue definition
 *          (same name up to case and '_', same number of parameters, same
 *          bases, and for Solidity the same types) gets that definition's
 *          body, re-indented, with its parameters renamed to the user's.
 *          The placeholder `pass` / `...` is replaced; comments and a
 *          docstring stay.
 *
 * It is honest about what it is: a heuristic over tokens, not a parser.
 * What it cannot close (a dangling '.', a decorator with nothing under it)
 * it leaves, and the pipeline's syntax check then reports it.
 */
#pragma once

#include <stddef.h>

#include "base/error.h"
#include "lang/lang.h"
#include "model/catalog.h"

/* Bytes the closing step may add: plenty for LEX_MAX_DEPTH levels. */
#define COMPLETE_MAX_CLOSE_BYTES (64 * 1024)
/* Full re-tokenizations the closing step may do (see complete_close). */
#define COMPLETE_MAX_RELEX 32
/* Bytes the whole completion may add to the prefix. */
#define COMPLETE_MAX_ADDED_BYTES (512 * 1024)

struct complete_stats {
    int brackets;     /* brackets and blocks closed */
    int literals;     /* strings, comments, template literals and regexes closed */
    int bodies;       /* bodies added to headers that had none (pass, {}) */
    int placeholders; /* operands given to dangling operators */
    int other;        /* ':' / ';' / '()' / finally added */
};

struct completion {
    char *code;                      /* the whole completed code; owned */
    size_t len;                      /* its length */
    int filled;                      /* bodies filled from the catalogue */
    const struct catalog_task *task; /* where the first filled body came from, or NULL;
                                        not owned */
    char filled_name[SIG_NAME_MAX];  /* the first filled definition's name */
    struct complete_stats closed;    /* what the closing step did */
};

/*
 * Close what `code` (len bytes) leaves open. On success returns 0, sets
 * *out (malloc'ed; the caller frees it) to the prefix without its trailing
 * whitespace plus what was appended plus a newline, or to the code exactly
 * as it was when nothing was open, and fills `st`. Fails with -E2BIG when
 * the code nests deeper than LEX_MAX_DEPTH brackets.
 */
int complete_close(const struct lang *lang, const char *code, size_t len, char **out,
                   size_t *out_len, struct complete_stats *st, struct sk_err *err);

/*
 * Close, then fill empty bodies from `cat`. On success returns 0 and fills
 * `out` (release with completion_close). Returns -ENOENT, with a message
 * saying so, when there is nothing to close and nothing to fill; -E2BIG
 * from the caps.
 */
int complete_code(const struct catalog *cat, const struct lang *lang, const char *code, size_t len,
                  struct completion *out, struct sk_err *err);
void completion_close(struct completion *c);

/* "closed 2 brackets and 1 string" (or "" when nothing was closed), into buf. */
void complete_stats_describe(const struct complete_stats *st, char *buf, size_t size);
