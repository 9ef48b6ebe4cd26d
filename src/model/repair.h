/*
 * Rule-based repairs: the offline provider's answer to MODEL_DEBUG (code
 * plus the error it produced) and MODEL_REPAIR (code plus the findings of
 * the checks).
 *
 * The error text is read for diagnostics, whatever their source: Python
 * tracebacks and syntax errors, Node's error blocks and stack frames,
 * esbuild's and solc's messages with their locations, tsc's lines, and the
 * pipeline's findings ("line N: RULE (category, severity): message"). Each
 * diagnostic is offered to the rules of the code's language, in order; the
 * first rule that is sure of a change makes it. A rule proposes edits to
 * the original text; every edit of every rule is applied in one answer,
 * unless two overlap (then the later rule's whole fix is dropped and left
 * for the pipeline's next round).
 *
 * Rules, by language (docs/model-builtin.md has the full list):
 *   python      missing ':'; a bracket or string never closed; the three
 *               indentation errors; NameError for a standard-library module
 *               or a well-known name of one (the import is added); a
 *               misspelt name (the one closest in-scope name); and the
 *               security fixes yaml.load -> yaml.safe_load, shell=True ->
 *               an argument list, eval -> ast.literal_eval, verify=False
 *               removed
 *   javascript  ReferenceError / "Cannot find name" for a Node built-in
 *   typescript  module (require or import added) or a misspelt name;
 *               missing closing braces, placed by indentation;
 *               innerHTML -> textContent
 *   solidity    missing SPDX line and pragma; a missing ';' (solc's
 *               ParserError); tx.origin -> msg.sender; an unchecked send
 *               or call -> checked with require; state updates moved
 *               before the external call (checks-effects-interactions)
 *
 * Conservative by design: a rule that is not sure (an ambiguous name, a
 * shell command with shell syntax in it, a block whose end the indentation
 * does not show) proposes nothing, and the answer is then -ENOENT. The
 * repairs are not trusted: the pipeline checks every answer and runs it.
 *
 * Work is bounded: the code is capped by the caller, the error text is read
 * up to REPAIR_MAX_ERROR_BYTES, at most REPAIR_MAX_DIAGS diagnostics are
 * used, name searches look at at most REPAIR_MAX_NAMES names of at most
 * SIG_NAME_MAX bytes, and a repair adds at most REPAIR_MAX_ADDED_BYTES.
 */
#pragma once

#include <stddef.h>

#include "base/error.h"
#include "lang/lang.h"

#define REPAIR_MAX_ERROR_BYTES (256 * 1024)
#define REPAIR_MAX_DIAGS 64
#define REPAIR_MAX_NAMES 4096
#define REPAIR_MAX_ADDED_BYTES (64 * 1024)

struct repair {
    char *code;        /* the whole repaired program; owned */
    size_t len;        /* its length */
    char *explanation; /* what changed: one line per fix, naming its rule and line; owned */
    int fixes;         /* fixes applied (at least 1 on success) */
};

/*
 * Repair `code` (len bytes, valid UTF-8 without NUL) given `errors` (the
 * error text or the findings, errors_len bytes; may be NULL). On success
 * returns 0 and fills `out` (release with repair_close). Returns -ENOENT,
 * with a message naming what was seen, when no rule applies or none is sure;
 * -E2BIG when the code nests deeper than the tokenizer allows or the repair
 * would pass REPAIR_MAX_ADDED_BYTES.
 */
int repair_code(const struct lang *lang, const char *code, size_t len, const char *errors,
                size_t errors_len, struct repair *out, struct sk_err *err);
void repair_close(struct repair *r);

/*
 * The edit distance of a and b (optimal string alignment: insertions,
 * deletions, substitutions and transpositions of neighbours each cost 1),
 * or max + 1 when it is larger than max. Both are at most 64 bytes; longer
 * strings count as max + 1. Exposed for the tests.
 */
int repair_distance(const char *a, size_t alen, const char *b, size_t blen, int max);
