/*
 * The offline catalogue: vetted snippets for everyday coding requests, and
 * the retrieval that finds one for a prompt.
 *
 * Layout: one file per task, data/catalog/<language>/<id><ext>, e.g.
 * data/catalog/python/reverse-string.py. A task file is a complete program
 * that opens with a header of line comments, then a blank line, then code:
 *
 *     # title: Reverse a string
 *     # description: Reverse the characters of a string, and the words of a sentence.
 *     # keywords: reverse, backwards, flip, invert, string, text, characters
 *
 *     def reverse_string(s):
 *         ...
 *
 * The header is read, checked and removed; the code after it is the answer.
 * A task is found by the words of a prompt, ranked with BM25 over its title
 * (counted twice), description and keywords. An answer is given only when
 * the best task clears three bars: an absolute BM25 score; a coverage rule
 * (the share of the prompt's words, weighted by rarity, that the task
 * knows, a word no task knows weighing the most); and at least one matched
 * word in the task's title or keywords (a word met only in a description is
 * incidental). So "write me a poem about cats" gets no snippet at all rather
 * than the least bad one. Only the requested language's tasks are searched,
 * so an ERC-20 token asked for in Python gets nothing either.
 *
 * Each task also contributes its top-level definitions (functions, classes,
 * contracts, pure Solidity functions) to /complete, which fills an empty body
 * in the user's code whose signature matches one of them; see complete.h.
 *
 * A catalogue is read once and never changes; searching it is thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "lang/lang.h"
#include "model/sig.h"

#define CATALOG_MAX_FILE_BYTES (64 * 1024) /* one task file */
#define CATALOG_MAX_CODE_BYTES (32 * 1024) /* the code of one task */
#define CATALOG_MAX_TASKS 1000             /* tasks per language */
#define CATALOG_MAX_ID 64                  /* bytes in a task id */
#define CATALOG_MAX_TITLE 120              /* bytes in a title */
#define CATALOG_MAX_DESCRIPTION 1000       /* bytes in a description */
#define CATALOG_MAX_KEYWORDS 1000          /* bytes in the keywords line */
#define CATALOG_MAX_QUERY_TERMS 128        /* distinct words a prompt may have */
#define CATALOG_TERM_MAX 32                /* bytes of a word kept for matching */

/* The bars an answer must clear (see docs/model-builtin.md). */
#define CATALOG_MIN_SCORE 3.0
#define CATALOG_MIN_COVERAGE 0.5

/* The message of every "no answer" (-ENOENT) from the catalogue. */
#define CATALOG_NO_ANSWER                                                                          \
    "no offline answer for this prompt; configure a model endpoint (see README: "                  \
    "model.provider = openai)"

/* A definition of a task that can fill an empty body elsewhere. */
struct catalog_def {
    struct sig_def sig;   /* name, parameters and header, as in the task's code */
    char *body;           /* the body's lines, as written (indentation included); owned */
    unsigned body_indent; /* the smallest indentation of the body's lines */
    size_t doc_len;       /* python: bytes of the leading docstring lines of body, 0 if none */
    char *imports;        /* python: import lines the body needs, each ending in '\n';
                             owned, NULL when none */
};

struct catalog_task {
    char id[CATALOG_MAX_ID + 1]; /* file name without its extension */
    const struct lang *lang;     /* not owned */
    char *title;                 /* owned */
    char *description;           /* owned */
    char *keywords;              /* as written, comma-separated; owned */
    char *code;                  /* the snippet, header removed; owned */
    size_t code_len;             /* bytes of code */
    struct catalog_def *defs;    /* definitions that can fill a body; owned */
    size_t ndefs;                /* entries in defs */
    unsigned *term_ids;          /* distinct terms of the task's text; owned */
    unsigned *term_tf;           /* their counts; owned */
    bool *term_named;            /* whether the title or keywords hold each; owned */
    size_t nterms;               /* entries in term_ids and term_tf */
    unsigned length;             /* words in the task's text (BM25 document length) */
};

struct catalog_hit {
    const struct catalog_task *task; /* not owned */
    double score;                    /* BM25 */
    double coverage;                 /* rarity-weighted share of the prompt's words the task has */
    bool named;                      /* a matched word is in the task's title or keywords */
};

struct catalog;

/*
 * Read every task under `dir` (one subfolder per language, each of which
 * must exist). Returns 0 and a new catalogue (free with catalog_free), or a
 * negative errno with a message naming the file and the task at fault:
 * a file over CATALOG_MAX_FILE_BYTES or code over CATALOG_MAX_CODE_BYTES
 * (-EFBIG), a bad header or a file that is not a task (-EINVAL), more than
 * CATALOG_MAX_TASKS tasks (-E2BIG), or an I/O error.
 */
int catalog_load(const char *dir, struct catalog **out, struct sk_err *err);
void catalog_free(struct catalog *c);

/* Tasks of one language, sorted by id. The pointer is owned by the catalogue. */
size_t catalog_count(const struct catalog *c, const struct lang *lang);
const struct catalog_task *catalog_task_at(const struct catalog *c, const struct lang *lang,
                                           size_t i);
/* The task `id` of `lang`, or NULL. */
const struct catalog_task *catalog_find(const struct catalog *c, const struct lang *lang,
                                        const char *id);

/*
 * Rank the tasks of `lang` for `query`. Writes up to `max` hits, best first
 * (equal scores by id, so the order is deterministic), and returns how many
 * tasks matched at least one word. Never fails; a query with no usable
 * words (or more than CATALOG_MAX_QUERY_TERMS distinct words) matches
 * nothing.
 */
size_t catalog_search(const struct catalog *c, const struct lang *lang, const char *query,
                      struct catalog_hit *hits, size_t max);

/* True when `hit` clears the bars and may be given as an answer. */
bool catalog_hit_accepted(const struct catalog_hit *hit);

/*
 * The answer for `query`: 0 and the best hit when it is accepted, else
 * -ENOENT with CATALOG_NO_ANSWER in `err`.
 */
int catalog_answer(const struct catalog *c, const struct lang *lang, const char *query,
                   struct catalog_hit *best, struct sk_err *err);

/*
 * Split text into matching terms: lower case, split on anything that is not
 * a letter, digit or non-ASCII byte, stop words and plain numbers dropped,
 * light suffix stemming ("reversing", "reversed", "reverse" are one term).
 * Calls `fn` once per term (duplicates included). Exposed for tests.
 */
void catalog_terms(const char *text, void (*fn)(const char *term, void *arg), void *arg);
