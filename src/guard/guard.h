/*
 * The prompt guard: what stands between a person's words and the model.
 *
 * Four jobs, each usable on its own:
 *
 *   1. Sanitise and score a prompt (guard_check). The text is checked for
 *      valid UTF-8 and its cap, stripped of invisible and format characters
 *      (zero-width, bidi controls, Unicode tag characters, private use,
 *      unassigned code points, control characters, ANSI escapes), and put in
 *      NFKC form; that sanitised text is what the model sees. A second,
 *      folded copy (lower case, Cyrillic/Greek look-alikes folded to Latin)
 *      is scored by three layers: hand-written signals (role markers and
 *      chat-template tokens, instruction-override phrasing, requests for the
 *      system prompt or secrets, persona switches, invisible characters,
 *      mixed-script words, repetition), a decoding layer (base64, hex,
 *      binary, percent and \u escapes, letter spacing, ROT13, reversed text
 *      and text smuggled in tag characters are decoded and scored again),
 *      and a linear classifier over hashed character and word n-grams whose
 *      weights ship in data/guard/. The layers' scores combine as a
 *      noisy-OR; thresholds from [guard] turn the score into a verdict.
 *
 *   2. Fence the user's words off from our instructions in the model prompt
 *      (guard_fence_build): a system prompt that says the fenced text is data,
 *      a per-request boundary the user cannot guess and so cannot close, an
 *      optional datamark, and a per-request canary (guard_canary_new).
 *
 *   3. Check a model's reply for a leak (guard_reply_leaks): the canary, in
 *      plain or simply encoded form, or our system prompt's wording.
 *
 *   4. Find secrets in generated code (guard_scan_secrets): private keys,
 *      cloud and API key formats, and high-entropy strings assigned to
 *      password- or token-like names, as findings of category `secrets`.
 *
 * A struct guard is immutable after guard_new() and may be shared by any
 * number of threads.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "check/finding.h"
#include "lang/lang.h"

/* The weights file, relative to cfg->data_dir. */
#define GUARD_WEIGHTS_PATH "data/guard/classifier.bin"

struct guard;

/* ------------------------------------------------------------------ */
/* Lifetime                                                           */
/* ------------------------------------------------------------------ */

/*
 * Load the classifier weights from <cfg->data_dir>/GUARD_WEIGHTS_PATH and
 * take the thresholds and the prompt cap from `cfg` (copied; `cfg` need not
 * outlive the guard). Fails closed: a missing, truncated or corrupt weights
 * file, or one made for another feature version, is an error (-ENOENT,
 * -EINVAL, -EBADMSG), never a guard without its classifier. On success
 * *out is a new guard; free it with guard_free().
 */
int guard_new(const struct sk_config *cfg, struct guard **out, struct sk_err *err);

/* As guard_new(), with an explicit weights file (tests, tools). */
int guard_new_with_weights(const struct sk_config *cfg, const char *weights_path,
                           struct guard **out, struct sk_err *err);

void guard_free(struct guard *g);

/* ------------------------------------------------------------------ */
/* Sanitise and score                                                 */
/* ------------------------------------------------------------------ */

enum guard_verdict { GUARD_ALLOW, GUARD_FLAG, GUARD_BLOCK };

/* The hand-written signals; each one's score is reported on its own. */
enum guard_signal_id {
    GUARD_SIG_INVISIBLE,  /* tag characters, bidi controls, zero-width inside words */
    GUARD_SIG_MIXED,      /* words mixing Latin with Cyrillic/Greek look-alikes */
    GUARD_SIG_ROLE,       /* chat-template tokens, role headers, forged mode tags */
    GUARD_SIG_OVERRIDE,   /* "ignore the previous instructions" and its kin */
    GUARD_SIG_PERSONA,    /* "you are now DAN", "developer mode enabled" */
    GUARD_SIG_REVEAL,     /* asks for the system prompt, secrets or environment */
    GUARD_SIG_FENCE,      /* forges or closes our prompt fence */
    GUARD_SIG_REPEAT,     /* long runs of one repeated token or phrase */
    GUARD_SIG_SMUGGLE,    /* asks to decode, reassemble or reverse hidden text */
    GUARD_SIG_COUNT
};

/* The short name of a signal ("override"), as in the report's JSON. */
const char *guard_signal_name(enum guard_signal_id id);

struct guard_signal_hit {
    double score;      /* 0..1; 0 when the signal did not fire */
    unsigned count;    /* matches found */
    char evidence[96]; /* the first match, from the folded text; part of the prompt */
};

/* What sanitisation removed or changed. */
struct guard_sanitise_stats {
    size_t bytes_in;             /* the prompt as received */
    size_t bytes_out;            /* the sanitised text */
    unsigned zero_width;         /* U+200B-U+200D, U+2060, U+FEFF, U+180E, soft hyphen */
    unsigned invisible_in_words; /* removed characters that sat between two letters */
    unsigned bidi;               /* embeddings, overrides and isolates (U+202A-E, U+2066-9) */
    unsigned bidi_marks;         /* LRM, RLM, ALM */
    unsigned tags;               /* Unicode tag characters U+E0000-U+E007F */
    unsigned variation;          /* variation selectors */
    unsigned variation_runs;     /* of them, ones in runs of two or more (byte smuggling) */
    unsigned private_use;        /* Co */
    unsigned unassigned;         /* Cn, including noncharacters */
    unsigned other_format;       /* other Cf and invisible fillers (Hangul fillers, CGJ) */
    unsigned controls;           /* C0/C1 controls other than tab and newline; lone CR */
    unsigned ansi;               /* ANSI escape sequences removed whole */
    bool nfkc_changed;           /* NFKC changed the text */
    unsigned confusables;        /* look-alike letters folded (scoring copy only) */
    unsigned mixed_words;        /* words mixing Latin and Cyrillic/Greek letters */
};

#define GUARD_MAX_DECODED 8

struct guard_decoded {
    const char *encoding; /* "base64", "hex", "binary", "percent", "escape", "spaced",
                             "rot13", "piglatin", "reversed", "tags", "variation"; static */
    size_t offset;        /* byte offset in the sanitised text (rot13, piglatin: in the
                             folded text; 0 for whole-text transforms and hidden text) */
    size_t length;        /* bytes of encoded text */
    double score;         /* the decoded text's own score */
    char preview[96];     /* the decoded text, shortened; part of the prompt */
};

struct guard_report {
    enum guard_verdict verdict;
    double score;                  /* combined 0..1 */
    double flag_threshold;         /* copies of the thresholds used */
    double block_threshold;
    double layer_signals;          /* noisy-OR of the signal scores */
    double layer_decoded;          /* best score of a decoded payload */
    double layer_classifier;       /* classifier probability (best window) */
    struct guard_signal_hit signals[GUARD_SIG_COUNT];
    struct guard_decoded decoded[GUARD_MAX_DECODED];
    size_t ndecoded;
    struct guard_sanitise_stats sanitised;
    char *hidden_text;             /* ASCII smuggled in tag characters; owned, may be NULL */
    char *text;                    /* the sanitised prompt, NUL-terminated; owned */
    size_t text_len;
    double ms;                     /* time spent in guard_check */
};

/*
 * Sanitise and score `len` bytes of `text` (a prompt, or /debug's error
 * text). On success fills `out` (release with guard_report_close) and
 * returns 0; out->text is what the model must be shown instead of `text`.
 * Errors, with `out` left empty:
 *   -EMSGSIZE  longer than cfg->max_prompt_bytes, or more than twice that
 *              after normalisation ("prompt is N bytes; the cap is M")
 *   -EILSEQ    not valid UTF-8
 * Thread-safe; `g` is not modified.
 */
int guard_check(const struct guard *g, const char *text, size_t len, struct guard_report *out,
                struct sk_err *err);

/* Release what a report owns; the report may be reused after. Safe on a zeroed report. */
void guard_report_close(struct guard_report *r);

/* What guard_report_to_json() includes beyond the verdict and the scores. */
#define GUARD_JSON_EVIDENCE 1u /* matched phrases and decoded previews (parts of the prompt) */
#define GUARD_JSON_TEXT 2u     /* the sanitised text and the hidden tag text */

/*
 * The `security_report.prompt` object (a new reference):
 *   {verdict, score, thresholds:{flag, block},
 *    layers:{signals, decoded, classifier},
 *    signals:[{name, score, count, evidence?}],     only signals that fired
 *    decoded:[{encoding, offset, length, score, preview?}],
 *    sanitised:{changed, bytes_in, bytes_out, nfkc, removed:{...},
 *               confusables, mixed_words, text?, hidden_text?},
 *    ms}
 * Evidence and text are parts of the prompt: leave the flags out where the
 * prompt must not be stored (the audit log, unless log_prompts is on).
 */
json_t *guard_report_to_json(const struct guard_report *r, unsigned flags);

const char *guard_verdict_name(enum guard_verdict v);

/* ------------------------------------------------------------------ */
/* Fencing the model prompt                                           */
/* ------------------------------------------------------------------ */

enum guard_task {
    GUARD_TASK_GENERATE, /* prompt -> code */
    GUARD_TASK_COMPLETE, /* code prefix -> completed code */
    GUARD_TASK_DEBUG,    /* code + error -> fixed code + explanation */
    GUARD_TASK_REPAIR,   /* code + findings -> code without them */
};

/* The canary: "skc-" and 24 hex digits, NUL-terminated. */
#define GUARD_CANARY_LEN 29

/* Fill `out` with a fresh random canary. Returns 0 or -errno (getrandom). */
int guard_canary_new(char out[GUARD_CANARY_LEN]);

struct guard_fence_input {
    enum guard_task task;
    const struct lang *lang; /* not owned */
    const char *prompt;      /* GENERATE: the sanitised prompt; not owned */
    const char *code;        /* COMPLETE/DEBUG/REPAIR: the code; not owned */
    const char *error;       /* DEBUG: the error text; REPAIR: the findings; not owned */
    const char *canary;      /* from guard_canary_new(); NULL for none; not owned */
    bool datamark;           /* interleave the prose fields' words with a marker */
};

struct guard_fence {
    char *system;       /* the system message; owned */
    char *user;         /* the user message, the user's text fenced; owned */
    char boundary[17];  /* the per-request fence id (16 hex digits) */
    unsigned defanged;  /* chat-template tokens in the user's text made inert */
};

/*
 * Build the chat messages for one model call. The user's fields are
 * copied inside begin/end lines that carry a fresh random boundary; the
 * system prompt says that only a line with that boundary ends the data and
 * that everything inside is data, not instructions. Chat-template tokens
 * (<|im_start|>, [INST], <<SYS>>, ...) in the user's text are broken up so
 * a server that parses special tokens in content never sees one. With
 * `datamark`, the prose fields (prompt, error) have every space replaced by
 * U+02C6 and the system prompt says so; code is never datamarked. Returns 0
 * and fills `out` (release with guard_fence_close), or -EINVAL when a field
 * the task needs is missing. Plain strings only: no transport concerns.
 */
int guard_fence_build(const struct guard_fence_input *in, struct guard_fence *out,
                      struct sk_err *err);

void guard_fence_close(struct guard_fence *f);

enum guard_leak {
    GUARD_LEAK_NONE = 0,
    GUARD_LEAK_CANARY,        /* the canary, plain or encoded */
    GUARD_LEAK_SYSTEM_PROMPT, /* a run of our system prompt's wording */
};

/*
 * Whether a model reply leaks what the system prompt holds: the canary
 * (as is, with separators between its characters, reversed, in base64 or
 * in hex), or eight or more consecutive words of any of our system prompts.
 * `canary` may be NULL (then only the wording is checked). `g` may be NULL
 * (the wording table is built once per process either way).
 */
enum guard_leak guard_reply_leaks(const struct guard *g, const char *reply, size_t len,
                                  const char *canary);

const char *guard_leak_name(enum guard_leak leak);

/* ------------------------------------------------------------------ */
/* Secrets in code                                                    */
/* ------------------------------------------------------------------ */

/*
 * Scan `len` bytes of `code` for secrets and add findings (tool "secrets",
 * category "secrets", CWE-798 or CWE-321) to `out`, then record the tool
 * and set the section's status to ok. `lang` may be NULL (generic rules
 * only). A finding's message names the kind of secret and shows only a
 * redacted form of it, so reports and the audit log never hold the secret.
 * Returns 0, or -EINVAL (with the section set to error) when the code is
 * not valid text.
 */
int guard_scan_secrets(const struct lang *lang, const char *code, size_t len,
                       struct check_section *out);
