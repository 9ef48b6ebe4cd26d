/*
 * The guard's internals: the pieces guard_check() is made of, shared by the
 * files of src/guard and by the two tools that must compute exactly what
 * the runtime computes (tools/guard-train.c learns the classifier's
 * weights, tools/guard-eval.c measures the guard). Nothing outside src/guard
 * and those tools includes this header.
 *
 * The data flow of one check:
 *
 *   bytes --guard_sanitise--> text (what the model sees) + fold (scoring copy)
 *   fold  --guard_signals_scan--> per-signal scores
 *   fold  --guard_decode_find--> decoded payloads, each sanitised and scored again
 *   fold  --guard_classifier_score--> probability (best of whole text and windows)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "guard/guard.h"

/* ------------------------------------------------------------------ */
/* Sanitisation (sanitise.c)                                          */
/* ------------------------------------------------------------------ */

struct guard_text {
    char *text;        /* sanitised, NFKC; what the model sees; owned */
    size_t len;
    char *fold;        /* scoring copy: confusables folded, case folded, marks stripped,
                          whitespace runs collapsed to one space or newline; owned */
    size_t fold_len;
    char *hidden;      /* ASCII smuggled in tag characters; owned, NULL when none */
    size_t hidden_len;
    char *vs_hidden;   /* bytes smuggled in variation-selector runs; owned, NULL when none */
    size_t vs_hidden_len;
    struct guard_sanitise_stats st;
};

/*
 * Sanitise `len` bytes. `cap` is the input cap (the output may be at most
 * twice that after NFKC). Returns 0 and fills `out` (release with
 * guard_text_close), -EMSGSIZE over the cap, -EILSEQ on invalid UTF-8.
 */
int guard_sanitise(const char *in, size_t len, size_t cap, struct guard_text *out,
                   struct sk_err *err);
void guard_text_close(struct guard_text *t);

/* ------------------------------------------------------------------ */
/* Signals (signals.c)                                                */
/* ------------------------------------------------------------------ */

/*
 * Scan the folded text for every signal and fill hits[] (zeroed first).
 * `st` feeds the invisible and mixed-script signals; it may be NULL for
 * decoded payloads, which have no sanitisation of their own to report.
 */
void guard_signals_scan(const char *fold, size_t len, const struct guard_sanitise_stats *st,
                        struct guard_signal_hit hits[GUARD_SIG_COUNT]);

/* Noisy-OR of the signal scores. */
double guard_signals_combine(const struct guard_signal_hit hits[GUARD_SIG_COUNT]);

/* ------------------------------------------------------------------ */
/* Decoding (decode.c)                                                */
/* ------------------------------------------------------------------ */

struct guard_payload {
    const char *encoding; /* static */
    size_t offset;        /* in the text it was found in */
    size_t length;        /* encoded bytes */
    char *text;           /* decoded, valid UTF-8, NUL-terminated; owned */
    size_t text_len;
};

/* Caps: payloads per text, and decoded bytes per payload. */
#define GUARD_DECODE_MAX 8
#define GUARD_DECODE_MAX_BYTES 4096

/*
 * Find encoded runs in the sanitised text (base64, hex, binary octets,
 * percent-encoding, \u escapes, letters spaced apart; offsets refer to
 * `text`), cipher segments (ROT13, Pig Latin) and whole-text transforms of
 * the folded text
 * (ROT13 and reversal, kept only when the transformed text fires a phrase
 * signal the plain text does not). Decode them and keep those whose result
 * reads as text. Fills at most `max` payloads and returns how many; release
 * each with guard_payload_close().
 */
size_t guard_decode_find(const char *text, size_t len, const char *fold, size_t fold_len,
                         struct guard_payload *out, size_t max);
void guard_payload_close(struct guard_payload *p);

/* True if `s` reads as text: valid UTF-8, mostly printable, mostly letters and spaces. */
bool guard_looks_like_text(const char *s, size_t len);

/* ------------------------------------------------------------------ */
/* Features (features.c): the one way features are computed           */
/* ------------------------------------------------------------------ */

/*
 * Bump this whenever anything in features.c or in the fold changes what a
 * text maps to; weights carry the version they were trained with and
 * guard_new() refuses a mismatch.
 */
#define GUARD_FEATURE_VERSION 2
#define GUARD_HASH_BITS 18
#define GUARD_HASH_DIM (1u << GUARD_HASH_BITS)

/*
 * A text's features: one hashed index per n-gram occurrence (repeats are
 * kept, so they count), all of weight 1/sqrt(n).
 */
struct guard_features {
    uint32_t *idx; /* owned */
    size_t n;
    size_t cap;
};

void guard_features_init(struct guard_features *f);
void guard_features_close(struct guard_features *f);

/*
 * Replace f's contents with the features of `len` bytes of folded text:
 * byte 3-, 4- and 5-grams of the text padded with a space at each end, and
 * word unigrams and bigrams (a word is a run of bytes that are not ASCII
 * space, punctuation or control).
 */
void guard_features_extract(const char *fold, size_t len, struct guard_features *f);

/* Windows: spans of GUARD_WINDOW_WORDS words, every GUARD_WINDOW_STRIDE words. */
#define GUARD_WINDOW_WORDS 32
#define GUARD_WINDOW_STRIDE 16
#define GUARD_WINDOW_MAX 512
/* Subtracted from a window's logit (see guard_classifier_score). */
#define GUARD_WINDOW_PENALTY 1.0

struct guard_span {
    size_t start, end; /* byte range in the folded text */
};

/*
 * The windows of a folded text longer than GUARD_WINDOW_WORDS words (none
 * for shorter ones: the whole text is its only unit). Fills at most `max`
 * spans and returns how many.
 */
size_t guard_windows(const char *fold, size_t len, struct guard_span *out, size_t max);

/* ------------------------------------------------------------------ */
/* The classifier (classifier.c)                                      */
/* ------------------------------------------------------------------ */

struct guard_classifier {
    float *w;     /* GUARD_HASH_DIM weights; owned */
    double bias;
};

/* Load and verify a weights file (magic, version, size, checksum). */
int guard_classifier_load(const char *path, struct guard_classifier *c, struct sk_err *err);
/* Write a weights file (the trainer). */
int guard_classifier_save(const char *path, const float *w, double bias, struct sk_err *err);
void guard_classifier_close(struct guard_classifier *c);

/* w.x + bias for one feature vector. */
double guard_classifier_logit(const struct guard_classifier *c, const struct guard_features *f);

/*
 * w.x + bias for the features of a folded text, computed on the fly (the
 * same features as guard_features_extract, without storing them).
 */
double guard_classifier_logit_text(const struct guard_classifier *c, const char *fold,
                                   size_t len);

/*
 * The probability that the folded text is an injection: the best of the
 * whole text and each of its windows.
 */
double guard_classifier_score(const struct guard_classifier *c, const char *fold, size_t len);

double guard_sigmoid(double x);

/* ------------------------------------------------------------------ */
/* Shared helpers                                                     */
/* ------------------------------------------------------------------ */

/* FNV-1a, 64-bit, continuing from `h` (start with GUARD_FNV_OFFSET). */
#define GUARD_FNV_OFFSET 0xcbf29ce484222325ULL
static inline uint64_t guard_fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Copy at most size-1 bytes of s into dst, cutting at a UTF-8 boundary. */
void guard_copy_preview(char *dst, size_t size, const char *s, size_t len);
