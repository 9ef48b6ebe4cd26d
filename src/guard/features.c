/*
 * Features for the classifier: hashed byte n-grams and word n-grams of the
 * folded text. This file is the only place features are computed; the
 * trainer (tools/guard-train.c) links it, so training and scoring cannot
 * drift apart. Any change to what a text maps to must bump
 * GUARD_FEATURE_VERSION, which makes guard_new() refuse old weights until
 * `make train-guard` has been run.
 */
#include "config.h"

#include "guard/guard-internal.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void guard_features_init(struct guard_features *f)
{
    memset(f, 0, sizeof(*f));
}

void guard_features_close(struct guard_features *f)
{
    free(f->idx);
    memset(f, 0, sizeof(*f));
}

/* Fold the 64-bit hash so the high bits matter too. */
static inline uint32_t bucket(uint64_t h)
{
    h ^= h >> 32;
    h ^= h >> 17;
    return (uint32_t)(h & (GUARD_HASH_DIM - 1));
}

/* Byte i of the text padded with one space at each end; newlines read as spaces. */
static inline unsigned char padded(const char *s, size_t len, size_t i)
{
    if (i == 0 || i > len)
        return ' ';
    unsigned char c = (unsigned char)s[i - 1];
    return c == '\n' ? ' ' : c;
}

static inline bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '\'';
}

/*
 * The one definition of the features: calls emit(arg, bucket) once per
 * feature occurrence. Byte 3-, 4- and 5-grams of the text padded with a
 * space at each end, hashed in one pass (the 4- and 5-gram at a position
 * extend the 3-gram's hash state); then word unigrams and bigrams.
 * Always inlined into its two users, so the callback costs nothing.
 */
static inline __attribute__((always_inline)) void
each_feature(const char *fold, size_t len, void (*emit)(void *, uint32_t), void *arg)
{
    size_t plen = len + 2;
    static const unsigned char gram_seed = 'g', uni_seed = 'w', bi_seed = 'b';
    uint64_t seed = guard_fnv1a(GUARD_FNV_OFFSET, &gram_seed, 1);
    for (size_t i = 0; i + 3 <= plen; i++) {
        uint64_t h = seed;
        for (size_t k = 0; k < 5 && i + k < plen; k++) {
            h ^= padded(fold, len, i + k);
            h *= 0x100000001b3ULL;
            if (k >= 2)
                emit(arg, bucket(h));
        }
    }
    uint64_t uni = guard_fnv1a(GUARD_FNV_OFFSET, &uni_seed, 1);
    uint64_t bi = guard_fnv1a(GUARD_FNV_OFFSET, &bi_seed, 1);
    uint64_t prev = 0;
    bool have_prev = false;
    size_t i = 0;
    while (i < len) {
        while (i < len && !word_byte((unsigned char)fold[i]))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        while (i < len && word_byte((unsigned char)fold[i]))
            i++;
        uint64_t w = guard_fnv1a(uni, fold + start, i - start);
        emit(arg, bucket(w));
        if (have_prev) {
            uint64_t b = guard_fnv1a(bi, &prev, sizeof(prev));
            b = guard_fnv1a(b, &w, sizeof(w));
            emit(arg, bucket(b));
        }
        prev = w;
        have_prev = true;
    }
}

static void push(void *arg, uint32_t idx)
{
    struct guard_features *f = arg;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->idx = xrealloc(f->idx, f->cap * sizeof(*f->idx));
    }
    f->idx[f->n++] = idx;
}

void guard_features_extract(const char *fold, size_t len, struct guard_features *f)
{
    f->n = 0;
    each_feature(fold, len, push, f);
}

struct dot {
    const float *w;
    double sum;
    size_t n;
};

static void accumulate(void *arg, uint32_t idx)
{
    struct dot *d = arg;
    d->sum += d->w[idx];
    d->n++;
}

double guard_classifier_logit_text(const struct guard_classifier *c, const char *fold,
                                   size_t len)
{
    struct dot d = {c->w, 0, 0};
    each_feature(fold, len, accumulate, &d);
    return d.n ? d.sum / sqrt((double)d.n) + c->bias : c->bias;
}

size_t guard_windows(const char *fold, size_t len, struct guard_span *out, size_t max)
{
    /* Word boundaries first (a word here is a run without spaces). */
    size_t nw = 0, cap = 0;
    struct guard_span *w = NULL;
    size_t i = 0;
    while (i < len) {
        while (i < len && (fold[i] == ' ' || fold[i] == '\n'))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        while (i < len && fold[i] != ' ' && fold[i] != '\n')
            i++;
        if (nw == cap) {
            cap = cap ? cap * 2 : 128;
            w = xrealloc(w, cap * sizeof(*w));
        }
        w[nw].start = start;
        w[nw].end = i;
        nw++;
    }
    size_t n = 0;
    if (nw > GUARD_WINDOW_WORDS && max > 0) {
        /* Widen the stride for very long texts so the windows still cover all of it. */
        size_t stride = GUARD_WINDOW_STRIDE;
        while ((nw - GUARD_WINDOW_WORDS) / stride + 2 > max)
            stride *= 2;
        for (size_t k = 0; n < max; k += stride) {
            size_t last = k + GUARD_WINDOW_WORDS;
            if (last > nw)
                last = nw;
            out[n].start = w[k].start;
            out[n].end = w[last - 1].end;
            n++;
            if (last == nw)
                break;
        }
    }
    free(w);
    return n;
}
