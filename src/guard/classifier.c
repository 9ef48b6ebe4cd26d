/*
 * The classifier: logistic regression over the hashed features of
 * features.c, with weights from a data file written by tools/guard-train.
 *
 * File format (little-endian):
 *   0   8 bytes  magic "SKGUARD\0"
 *   8   u32      file format version (1)
 *   12  u32      GUARD_FEATURE_VERSION the weights were trained for
 *   16  u32      GUARD_HASH_BITS
 *   20  u32      reserved (0)
 *   24  f64      bias
 *   32  f32 x 2^bits  weights
 *   end u64      FNV-1a of every byte before it
 *
 * A file that does not match in every field is refused: scoring with
 * weights trained for other features would give numbers that mean nothing,
 * and the guard fails closed rather than guess.
 */
#include "config.h"

#include "guard/guard-internal.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>

#define MAGIC "SKGUARD"
#define FORMAT_VERSION 1
#define HEADER_BYTES 32
#define FILE_BYTES (HEADER_BYTES + 4 * (size_t)GUARD_HASH_DIM + 8)

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

int guard_classifier_load(const char *path, struct guard_classifier *c, struct sk_err *err)
{
    memset(c, 0, sizeof(*c));
    cleanup_free char *data = NULL;
    size_t len = 0;
    int ret = sk_read_file(path, FILE_BYTES + 1, &data, &len);
    if (ret < 0)
        return sk_err_make(err, -ret, "guard weights %s (run 'make train-guard')", path);
    const unsigned char *p = (const unsigned char *)data;
    if (len != FILE_BYTES || memcmp(p, MAGIC, 8) != 0)
        return sk_err_msg(err, EINVAL, "guard weights %s: not a weights file of %zu bytes",
                          path, (size_t)FILE_BYTES);
    if (get32(p + 8) != FORMAT_VERSION || get32(p + 16) != GUARD_HASH_BITS)
        return sk_err_msg(err, EINVAL, "guard weights %s: format %u, %u bits; want %u, %u", path,
                          get32(p + 8), get32(p + 16), FORMAT_VERSION, GUARD_HASH_BITS);
    if (get32(p + 12) != GUARD_FEATURE_VERSION)
        return sk_err_msg(err, EINVAL,
                          "guard weights %s were trained for feature version %u, this build "
                          "computes version %u (run 'make train-guard')",
                          path, get32(p + 12), GUARD_FEATURE_VERSION);
    if (get64(p + FILE_BYTES - 8) != guard_fnv1a(GUARD_FNV_OFFSET, p, FILE_BYTES - 8))
        return sk_err_msg(err, EBADMSG, "guard weights %s: checksum mismatch", path);

    uint64_t bias_bits = get64(p + 24);
    memcpy(&c->bias, &bias_bits, sizeof(c->bias));
    c->w = xmalloc(sizeof(float) * GUARD_HASH_DIM);
    for (size_t i = 0; i < GUARD_HASH_DIM; i++) {
        uint32_t bits = get32(p + HEADER_BYTES + 4 * i);
        memcpy(&c->w[i], &bits, sizeof(float));
        if (!isfinite(c->w[i])) {
            guard_classifier_close(c);
            return sk_err_msg(err, EINVAL, "guard weights %s: weight %zu is not finite", path, i);
        }
    }
    if (!isfinite(c->bias)) {
        guard_classifier_close(c);
        return sk_err_msg(err, EINVAL, "guard weights %s: bias is not finite", path);
    }
    return 0;
}

int guard_classifier_save(const char *path, const float *w, double bias, struct sk_err *err)
{
    cleanup_free unsigned char *p = xcalloc(1, FILE_BYTES);
    memcpy(p, MAGIC, 8);
    put32(p + 8, FORMAT_VERSION);
    put32(p + 12, GUARD_FEATURE_VERSION);
    put32(p + 16, GUARD_HASH_BITS);
    uint64_t bias_bits;
    memcpy(&bias_bits, &bias, sizeof(bias_bits));
    put64(p + 24, bias_bits);
    for (size_t i = 0; i < GUARD_HASH_DIM; i++) {
        uint32_t bits;
        memcpy(&bits, &w[i], sizeof(bits));
        put32(p + HEADER_BYTES + 4 * i, bits);
    }
    put64(p + FILE_BYTES - 8, guard_fnv1a(GUARD_FNV_OFFSET, p, FILE_BYTES - 8));

    cleanup_free char *tmp = xasprintf("%s.tmp", path);
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return sk_err_make(err, errno, "create %s", tmp);
    int ret = sk_write_all(fd, p, FILE_BYTES);
    if (ret < 0)
        return sk_err_make(err, -ret, "write %s", tmp);
    if (fsync(fd) < 0)
        return sk_err_make(err, errno, "fsync %s", tmp);
    if (rename(tmp, path) < 0)
        return sk_err_make(err, errno, "rename %s", tmp);
    return 0;
}

void guard_classifier_close(struct guard_classifier *c)
{
    free(c->w);
    memset(c, 0, sizeof(*c));
}

double guard_sigmoid(double x)
{
    if (x >= 0)
        return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
}

double guard_classifier_logit(const struct guard_classifier *c, const struct guard_features *f)
{
    if (f->n == 0)
        return c->bias;
    double s = 0;
    for (size_t i = 0; i < f->n; i++)
        s += c->w[f->idx[i]];
    return s / sqrt((double)f->n) + c->bias;
}

/*
 * The best of the whole text and its windows. A long text has many windows,
 * and the best of many benign windows is higher than a typical one (the
 * multiple-comparisons problem), so a window's logit pays a fixed penalty
 * before it competes with the whole text's. The penalty was chosen by
 * cross-validation on the train split (tools/guard-train --cv).
 */
double guard_classifier_score(const struct guard_classifier *c, const char *fold, size_t len)
{
    double best = guard_classifier_logit_text(c, fold, len);
    struct guard_span spans[GUARD_WINDOW_MAX];
    size_t n = guard_windows(fold, len, spans, GUARD_WINDOW_MAX);
    for (size_t i = 0; i < n; i++) {
        double l = guard_classifier_logit_text(c, fold + spans[i].start,
                                               spans[i].end - spans[i].start) -
                   GUARD_WINDOW_PENALTY;
        if (l > best)
            best = l;
    }
    return guard_sigmoid(best);
}
