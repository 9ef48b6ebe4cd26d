/*
 * The guard: lifetime, guard_check() and the report (see guard.h).
 */
#include "config.h"

#include "guard/guard-internal.h"
#include "base/json.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct guard {
    struct guard_classifier clf;
    double flag;  /* cfg->guard_flag_threshold */
    double block; /* cfg->guard_block_threshold */
    size_t cap;   /* cfg->max_prompt_bytes */
};

/* Decoded payloads are scored again, and what they decode to once more. */
#define DECODE_DEPTH 2

int guard_new_with_weights(const struct sk_config *cfg, const char *weights_path,
                           struct guard **out, struct sk_err *err)
{
    struct guard *g = xcalloc(1, sizeof(*g));
    int ret = guard_classifier_load(weights_path, &g->clf, err);
    if (ret < 0) {
        free(g);
        return ret;
    }
    g->flag = cfg->guard_flag_threshold;
    g->block = cfg->guard_block_threshold;
    g->cap = cfg->max_prompt_bytes;
    *out = g;
    return 0;
}

int guard_new(const struct sk_config *cfg, struct guard **out, struct sk_err *err)
{
    cleanup_free char *path = xasprintf("%s/%s", cfg->data_dir, GUARD_WEIGHTS_PATH);
    return guard_new_with_weights(cfg, path, out, err);
}

void guard_free(struct guard *g)
{
    if (!g)
        return;
    guard_classifier_close(&g->clf);
    free(g);
}

const char *guard_verdict_name(enum guard_verdict v)
{
    switch (v) {
    case GUARD_ALLOW: return "allow";
    case GUARD_FLAG: return "flag";
    case GUARD_BLOCK: return "block";
    }
    return "block";
}

void guard_copy_preview(char *dst, size_t size, const char *s, size_t len)
{
    if (size == 0)
        return;
    size_t n = len < size - 1 ? len : size - 1;
    /* Do not cut a UTF-8 sequence in half. */
    if (n < len)
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    memcpy(dst, s, n);
    dst[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (dst[i] == '\n' || dst[i] == '\t')
            dst[i] = ' ';
}

/* ------------------------------------------------------------------ */
/* Scoring decoded payloads                                           */
/* ------------------------------------------------------------------ */

/*
 * How much finding readable text behind an encoding says by itself. A
 * coding prompt rarely carries a sentence in base64 or hex; percent-encoded
 * URLs are common and say nothing. The decoded text's own score is added
 * on top (noisy-OR), so "aWdub3JlIGFsbCBwcmV2aW91cy..." scores as what it says.
 */
static double encoding_prior(const char *encoding)
{
    static const struct {
        const char *name;
        double prior;
    } priors[] = {
        {"base64", 0.3}, {"hex", 0.3},      {"binary", 0.35},  {"escape", 0.25},
        {"spaced", 0.25}, {"rot13", 0.2},   {"reversed", 0.2}, {"percent", 0.05},
        {"tags", 0.0},   {"variation", 0.0},
    };
    for (size_t i = 0; i < ARRAY_SIZE(priors); i++)
        if (strcmp(priors[i].name, encoding) == 0)
            return priors[i].prior;
    return 0;
}

static double score_text(const struct guard *g, const char *text, size_t len, int depth);

/* The score of a decoded payload: its prior, its own signals and classifier, and deeper payloads. */
static double score_payload(const struct guard *g, const struct guard_payload *p, int depth)
{
    double own = score_text(g, p->text, p->text_len, depth);
    double prior = encoding_prior(p->encoding);
    return 1 - (1 - own) * (1 - prior);
}

/* Signals, classifier and (while depth allows) decoding of a decoded text. */
static double score_text(const struct guard *g, const char *text, size_t len, int depth)
{
    struct guard_text t;
    struct sk_err err;
    if (guard_sanitise(text, len, GUARD_DECODE_MAX_BYTES, &t, &err) < 0)
        return 0;
    struct guard_signal_hit hits[GUARD_SIG_COUNT];
    guard_signals_scan(t.fold, t.fold_len, &t.st, hits);
    double sig = guard_signals_combine(hits);
    double clf = guard_classifier_score(&g->clf, t.fold, t.fold_len);
    double dec = 0;
    if (depth < DECODE_DEPTH) {
        struct guard_payload p[GUARD_DECODE_MAX];
        size_t n = guard_decode_find(t.text, t.len, t.fold, t.fold_len, p, GUARD_DECODE_MAX);
        for (size_t i = 0; i < n; i++) {
            double s = score_payload(g, &p[i], depth + 1);
            if (s > dec)
                dec = s;
            guard_payload_close(&p[i]);
        }
    }
    guard_text_close(&t);
    return 1 - (1 - sig) * (1 - clf) * (1 - dec);
}

static void add_decoded(struct guard_report *r, const struct guard_payload *p, double score)
{
    if (r->ndecoded >= GUARD_MAX_DECODED)
        return;
    struct guard_decoded *d = &r->decoded[r->ndecoded++];
    d->encoding = p->encoding;
    d->offset = p->offset;
    d->length = p->length;
    d->score = score;
    guard_copy_preview(d->preview, sizeof(d->preview), p->text, p->text_len);
    if (score > r->layer_decoded)
        r->layer_decoded = score;
}

/* ------------------------------------------------------------------ */
/* guard_check                                                        */
/* ------------------------------------------------------------------ */

int guard_check(const struct guard *g, const char *text, size_t len, struct guard_report *out,
                struct sk_err *err)
{
    double t0 = sk_now_ms();
    memset(out, 0, sizeof(*out));
    struct guard_text t;
    int ret = guard_sanitise(text, len, g->cap, &t, err);
    if (ret < 0)
        return ret;

    /* (a) signals */
    guard_signals_scan(t.fold, t.fold_len, &t.st, out->signals);
    out->layer_signals = guard_signals_combine(out->signals);

    /* (c) classifier */
    out->layer_classifier = guard_classifier_score(&g->clf, t.fold, t.fold_len);

    /* (b) decoding: hidden text first, then encoded runs and transforms. */
    struct guard_payload hidden[2];
    memset(hidden, 0, sizeof(hidden));
    size_t nh = 0;
    if (t.hidden_len) {
        hidden[nh].encoding = "tags";
        hidden[nh].length = t.hidden_len;
        hidden[nh].text = xstrndup(t.hidden, t.hidden_len);
        hidden[nh].text_len = t.hidden_len;
        nh++;
    }
    if (t.vs_hidden_len && guard_looks_like_text(t.vs_hidden, t.vs_hidden_len)) {
        hidden[nh].encoding = "variation";
        hidden[nh].length = t.vs_hidden_len;
        hidden[nh].text = xstrndup(t.vs_hidden, t.vs_hidden_len);
        hidden[nh].text_len = t.vs_hidden_len;
        nh++;
    }
    for (size_t i = 0; i < nh; i++) {
        add_decoded(out, &hidden[i], score_payload(g, &hidden[i], 1));
        guard_payload_close(&hidden[i]);
    }
    struct guard_payload p[GUARD_DECODE_MAX];
    size_t np = guard_decode_find(t.text, t.len, t.fold, t.fold_len, p, GUARD_DECODE_MAX);
    for (size_t i = 0; i < np; i++) {
        add_decoded(out, &p[i], score_payload(g, &p[i], 1));
        guard_payload_close(&p[i]);
    }

    /* Combine the layers (noisy-OR) and decide. */
    out->score = 1 - (1 - out->layer_signals) * (1 - out->layer_decoded) *
                         (1 - out->layer_classifier);
    out->flag_threshold = g->flag;
    out->block_threshold = g->block;
    out->verdict = out->score >= g->block  ? GUARD_BLOCK
                   : out->score >= g->flag ? GUARD_FLAG
                                           : GUARD_ALLOW;
    out->sanitised = t.st;
    out->text = steal_pointer(&t.text);
    out->text_len = t.len;
    if (t.hidden_len) {
        out->hidden_text = steal_pointer(&t.hidden);
    }
    guard_text_close(&t);
    out->ms = sk_now_ms() - t0;
    return 0;
}

void guard_report_close(struct guard_report *r)
{
    free(r->text);
    free(r->hidden_text);
    memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ */
/* JSON                                                               */
/* ------------------------------------------------------------------ */

/* Scores rounded to 4 places: enough to compare, stable in logs. */
static json_t *num(double v)
{
    return json_real((double)(long long)(v * 10000 + 0.5) / 10000);
}

json_t *guard_report_to_json(const struct guard_report *r, unsigned flags)
{
    json_t *o = json_object();
    json_object_set_new(o, "verdict", json_string(guard_verdict_name(r->verdict)));
    json_object_set_new(o, "score", num(r->score));
    json_object_set_new(o, "thresholds", json_pack("{s:o,s:o}", "flag", num(r->flag_threshold),
                                                   "block", num(r->block_threshold)));
    json_object_set_new(o, "layers",
                        json_pack("{s:o,s:o,s:o}", "signals", num(r->layer_signals), "decoded",
                                  num(r->layer_decoded), "classifier", num(r->layer_classifier)));

    json_t *sigs = json_array();
    for (int i = 0; i < GUARD_SIG_COUNT; i++) {
        const struct guard_signal_hit *h = &r->signals[i];
        if (h->score <= 0)
            continue;
        json_t *s = json_pack("{s:s,s:o,s:I}", "name", guard_signal_name((enum guard_signal_id)i),
                              "score", num(h->score), "count", (json_int_t)h->count);
        if (flags & GUARD_JSON_EVIDENCE)
            json_object_set_new(s, "evidence", sk_json_string_lossy(h->evidence,
                                                                    strlen(h->evidence)));
        json_array_append_new(sigs, s);
    }
    json_object_set_new(o, "signals", sigs);

    json_t *dec = json_array();
    for (size_t i = 0; i < r->ndecoded; i++) {
        const struct guard_decoded *d = &r->decoded[i];
        json_t *e = json_pack("{s:s,s:I,s:I,s:o}", "encoding", d->encoding, "offset",
                              (json_int_t)d->offset, "length", (json_int_t)d->length, "score",
                              num(d->score));
        if (flags & GUARD_JSON_EVIDENCE)
            json_object_set_new(e, "preview", sk_json_string_lossy(d->preview,
                                                                   strlen(d->preview)));
        json_array_append_new(dec, e);
    }
    json_object_set_new(o, "decoded", dec);

    const struct guard_sanitise_stats *st = &r->sanitised;
    bool changed = st->bytes_in != st->bytes_out || st->nfkc_changed || st->zero_width ||
                   st->bidi || st->bidi_marks || st->tags || st->variation || st->private_use ||
                   st->unassigned || st->other_format || st->controls || st->ansi;
    json_t *removed = json_object();
    json_object_set_new(removed, "zero_width", json_integer(st->zero_width));
    json_object_set_new(removed, "bidi", json_integer(st->bidi));
    json_object_set_new(removed, "bidi_marks", json_integer(st->bidi_marks));
    json_object_set_new(removed, "tags", json_integer(st->tags));
    json_object_set_new(removed, "variation_selectors", json_integer(st->variation));
    json_object_set_new(removed, "private_use", json_integer(st->private_use));
    json_object_set_new(removed, "unassigned", json_integer(st->unassigned));
    json_object_set_new(removed, "other_format", json_integer(st->other_format));
    json_object_set_new(removed, "controls", json_integer(st->controls));
    json_object_set_new(removed, "ansi_escapes", json_integer(st->ansi));
    json_t *san = json_object();
    json_object_set_new(san, "changed", json_boolean(changed));
    json_object_set_new(san, "bytes_in", json_integer((json_int_t)st->bytes_in));
    json_object_set_new(san, "bytes_out", json_integer((json_int_t)st->bytes_out));
    json_object_set_new(san, "nfkc", json_boolean(st->nfkc_changed));
    json_object_set_new(san, "removed", removed);
    json_object_set_new(san, "invisible_in_words", json_integer(st->invisible_in_words));
    json_object_set_new(san, "variation_runs", json_integer(st->variation_runs));
    json_object_set_new(san, "confusables", json_integer(st->confusables));
    json_object_set_new(san, "mixed_words", json_integer(st->mixed_words));
    if (flags & GUARD_JSON_TEXT) {
        json_object_set_new(san, "text", sk_json_string_lossy(r->text ? r->text : "",
                                                              r->text ? r->text_len : 0));
        if (r->hidden_text)
            json_object_set_new(san, "hidden_text",
                                sk_json_string_lossy(r->hidden_text, strlen(r->hidden_text)));
    }
    json_object_set_new(o, "sanitised", san);
    json_object_set_new(o, "ms", num(r->ms));
    return o;
}
