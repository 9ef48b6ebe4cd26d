/*
 * guard-train: learn the guard classifier's weights from the train splits.
 *
 *   guard-train --data DIR --out data/guard/classifier.bin
 *   guard-train --data DIR --cv 5        (tune: k-fold cross-validation on train only)
 *
 * Logistic regression with L2, by AdaGrad over the examples in an order
 * shuffled by a fixed seed, single-threaded: the same data and the same
 * binary give the same weights, bit for bit. Features come from
 * src/guard/features.c after the same sanitisation and folding guard_check
 * applies, so what is learned is what is scored.
 *
 * Examples: every train sample as a whole; each window of a long benign
 * sample is also a benign example (the runtime takes the best window, so
 * windows of benign text must learn to score low).
 */
#include "config.h"

#include "guard-data.h"
#include "base/util.h"
#include "guard/guard-internal.h"
#include "base/conf.h"
#include "base/json.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct example {
    uint32_t *idx; /* owned */
    size_t n;
    float y;       /* 0 or 1 */
    float weight;
    int sample;    /* index in the sample set */
    bool window;   /* a window of a longer sample */
};

struct params {
    int epochs;
    double lambda;
    double lr;
    double window_weight;
    double pos_weight;
    unsigned long long seed;
};

static void add_example(struct example **v, size_t *n, size_t *cap, const struct guard_features *f,
                        float y, float weight, int sample, bool window)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4096;
        *v = xrealloc(*v, *cap * sizeof(**v));
    }
    struct example *e = &(*v)[(*n)++];
    e->idx = xmalloc((f->n ? f->n : 1) * sizeof(uint32_t));
    memcpy(e->idx, f->idx, f->n * sizeof(uint32_t));
    e->n = f->n;
    e->y = y;
    e->weight = weight;
    e->sample = sample;
    e->window = window;
}

/* The examples of one sample: the whole folded text, and windows of benign ones. */
static void sample_examples(const struct sample *s, int si, const struct params *p,
                            struct example **v, size_t *n, size_t *cap)
{
    struct guard_text t;
    struct sk_err err;
    if (guard_sanitise(s->text, strlen(s->text), 1u << 24, &t, &err) < 0) {
        fprintf(stderr, "guard-train: skipping a sample: %s\n", err.msg);
        return;
    }
    struct guard_features f;
    guard_features_init(&f);
    guard_features_extract(t.fold, t.fold_len, &f);
    add_example(v, n, cap, &f, (float)s->label, 1.0f, si, false);
    if (s->label == 0) {
        struct guard_span spans[GUARD_WINDOW_MAX];
        size_t nw = guard_windows(t.fold, t.fold_len, spans, GUARD_WINDOW_MAX);
        for (size_t k = 0; k < nw; k++) {
            guard_features_extract(t.fold + spans[k].start, spans[k].end - spans[k].start, &f);
            add_example(v, n, cap, &f, 0.0f, (float)p->window_weight, si, true);
        }
    }
    guard_features_close(&f);
    guard_text_close(&t);
}

static double logit(const float *w, double bias, const struct example *e)
{
    if (e->n == 0)
        return bias;
    double s = 0;
    for (size_t i = 0; i < e->n; i++)
        s += w[e->idx[i]];
    return s / sqrt((double)e->n) + bias;
}

/*
 * Train on the examples whose `use` flag is set. Class weights balance the
 * total weight of positives and negatives. Returns the bias; fills w.
 */
static double train(const struct example *ex, size_t n, const bool *use, const struct params *p,
                    float *w)
{
    double *g2 = xcalloc(GUARD_HASH_DIM, sizeof(double));
    double *wd = xcalloc(GUARD_HASH_DIM, sizeof(double));
    double bias = 0, pos = 0, neg = 0;
    size_t *order = xmalloc(n * sizeof(size_t)), m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        order[m++] = i;
        /* Count samples, not windows: a long benign text should not make
         * every other benign text lighter. */
        if (ex[i].window)
            continue;
        if (ex[i].y > 0.5f)
            pos += 1;
        else
            neg += 1;
    }
    double cw[2] = {(pos + neg) / (2 * (neg > 0 ? neg : 1)),
                    p->pos_weight * (pos + neg) / (2 * (pos > 0 ? pos : 1))};
    unsigned long long rng = p->seed;
    for (int epoch = 0; epoch < p->epochs; epoch++) {
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)(guard_data_rand(&rng) % i);
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t k = 0; k < m; k++) {
            const struct example *e = &ex[order[k]];
            double s = bias;
            double scale = e->n ? 1 / sqrt((double)e->n) : 0;
            for (size_t i = 0; i < e->n; i++)
                s += wd[e->idx[i]] * scale;
            double prob = guard_sigmoid(s);
            double g = (prob - e->y) * e->weight * cw[e->y > 0.5f];
            for (size_t i = 0; i < e->n; i++) {
                uint32_t j = e->idx[i];
                double gj = g * scale + p->lambda * wd[j];
                g2[j] += gj * gj;
                wd[j] -= p->lr * gj / (sqrt(g2[j]) + 1e-8);
            }
            bias -= p->lr * 0.1 * g;
        }
    }
    for (size_t j = 0; j < GUARD_HASH_DIM; j++)
        w[j] = (float)wd[j];
    free(order);
    free(g2);
    free(wd);
    return bias;
}

/* ROC AUC of scores against labels (ties count half). */
static int cmp_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static double auc(double (*pairs)[2], size_t n)
{
    qsort(pairs, n, sizeof(pairs[0]), cmp_pair);
    double rank_sum = 0, npos = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && pairs[j][0] == pairs[i][0])
            j++;
        double r = (double)(i + j + 1) / 2;
        for (size_t k = i; k < j; k++)
            if (pairs[k][1] > 0.5) {
                rank_sum += r;
                npos++;
            }
        i = j;
    }
    double nneg = (double)n - npos;
    if (npos == 0 || nneg == 0)
        return 0;
    return (rank_sum - npos * (npos + 1) / 2) / (npos * nneg);
}

struct cv_result {
    bool done;
    double clf, sig, dec, full;
};

static const char *rate_row(char *buf, size_t size, size_t hit, size_t tot)
{
    snprintf(buf, size, "%5.1f%%", tot ? 100.0 * (double)hit / (double)tot : 0.0);
    return buf;
}

/*
 * k-fold cross-validation over train samples, for tuning without touching
 * the test halves. Each fold's weights are loaded into a real guard, and
 * every held-out sample goes through guard_check(), so the rates are those
 * of the whole guard (signals, decoding and classifier), per source and
 * label. With `dump`, one line per sample goes there for inspection.
 */
static void cross_validate(const struct sample_set *set, const struct example *ex, size_t n,
                           int k, const struct params *p, const char *dump, const char *holdout)
{
    float *w = xmalloc(GUARD_HASH_DIM * sizeof(float));
    bool *use = xmalloc(n);
    struct cv_result *res = xcalloc(set->n, sizeof(*res));
    struct sk_config cfg;
    sk_config_defaults(&cfg);
    cfg.max_prompt_bytes = 1u << 24;
    char tmp[] = "/tmp/guard-cv-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    close(fd);
    for (int fold = 0; fold < k; fold++) {
        for (size_t i = 0; i < n; i++) {
            const struct sample *s = &set->v[ex[i].sample];
            /* With a held-out source: one fold, that source unseen (a new data set). */
            use[i] = holdout ? strcmp(s->source, holdout) != 0
                             : guard_fnv1a(GUARD_FNV_OFFSET, s->text, strlen(s->text)) %
                                       (unsigned)k != (unsigned)fold;
        }
        double bias = train(ex, n, use, p, w);
        struct sk_err err;
        struct guard *g;
        if (guard_classifier_save(tmp, w, bias, &err) < 0 ||
            guard_new_with_weights(&cfg, tmp, &g, &err) < 0) {
            fprintf(stderr, "guard-train: %s\n", err.msg);
            exit(1);
        }
        for (size_t i = 0; i < n; i++) {
            int si = ex[i].sample;
            if (use[i] || res[si].done)
                continue;
            struct guard_report r;
            const char *t = set->v[si].text;
            if (guard_check(g, t, strlen(t), &r, &err) < 0)
                continue;
            res[si] = (struct cv_result){true, r.layer_classifier, r.layer_signals,
                                         r.layer_decoded, r.score};
            guard_report_close(&r);
        }
        guard_free(g);
        if (holdout)
            break;
    }
    unlink(tmp);

    const char *sources[32];
    size_t ns = 0;
    for (size_t i = 0; i < set->n; i++) {
        size_t j;
        for (j = 0; j < ns; j++)
            if (strcmp(sources[j], set->v[i].source) == 0)
                break;
        if (j == ns && ns < 32)
            sources[ns++] = set->v[i].source;
    }
    printf("%-12s %-9s %5s  %7s %7s %7s %7s %7s\n", "source", "label", "n", "clf", "signals",
           "decoded", "flag", "block");
    for (size_t j = 0; j < ns; j++) {
        for (int label = 1; label >= 0; label--) {
            size_t tot = 0, c = 0, sg = 0, d = 0, fl = 0, bl = 0;
            for (size_t i = 0; i < set->n; i++) {
                if (!res[i].done || strcmp(set->v[i].source, sources[j]) != 0 ||
                    set->v[i].label != label)
                    continue;
                tot++;
                c += res[i].clf >= cfg.guard_flag_threshold;
                sg += res[i].sig >= cfg.guard_flag_threshold;
                d += res[i].dec >= cfg.guard_flag_threshold;
                fl += res[i].full >= cfg.guard_flag_threshold;
                bl += res[i].full >= cfg.guard_block_threshold;
            }
            if (!tot)
                continue;
            char b1[16], b2[16], b3[16], b4[16], b5[16];
            printf("%-12s %-9s %5zu  %7s %7s %7s %7s %7s\n", sources[j],
                   label ? "injection" : "benign", tot, rate_row(b1, 16, c, tot),
                   rate_row(b2, 16, sg, tot), rate_row(b3, 16, d, tot), rate_row(b4, 16, fl, tot),
                   rate_row(b5, 16, bl, tot));
        }
    }
    double (*pairs)[2] = xmalloc(set->n * sizeof(*pairs));
    size_t np = 0;
    for (size_t i = 0; i < set->n; i++) {
        if (!res[i].done)
            continue;
        pairs[np][0] = res[i].full;
        pairs[np][1] = set->v[i].label;
        np++;
    }
    printf("cv AUC (whole guard) %.4f over %zu samples\n", auc(pairs, np), np);
    if (dump) {
        FILE *f = fopen(dump, "w");
        if (f) {
            for (size_t i = 0; i < set->n; i++) {
                if (!res[i].done)
                    continue;
                json_t *o = json_pack("{s:s,s:i,s:s?,s:f,s:f,s:f,s:f,s:s}", "source",
                                      set->v[i].source, "label", set->v[i].label, "group",
                                      set->v[i].group, "clf", res[i].clf, "sig", res[i].sig,
                                      "dec", res[i].dec, "full", res[i].full, "text",
                                      set->v[i].text);
                char *line = json_dumps(o, JSON_COMPACT);
                fprintf(f, "%s\n", line);
                free(line);
                json_decref(o);
            }
            fclose(f);
        }
    }
    free(pairs);
    free(res);
    free(use);
    free(w);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: guard-train --data DIR (--out FILE | --cv K) [--seed N] [--epochs N]\n"
                 "                   [--lambda X] [--lr X] [--window-weight X] [--pos-weight X]\n"
                 "                   [--dump FILE]   (with --cv: one JSON line per sample)\n"
                 "                   [--holdout SOURCE] (train without SOURCE, score it)\n"
                 "                   [--negatives FILE] (hard negatives; default "
                 "data/guard/hard-negatives.txt, '' for none)\n");
}

int main(int argc, char **argv)
{
    const char *data = NULL, *out = NULL, *dump = NULL;
    const char *extra = "data/guard/hard-negatives.txt", *holdout = NULL;
    int cv = 0;
    struct params p = {.epochs = 30, .lambda = 1e-5, .lr = 0.1, .window_weight = 1.0,
                       .pos_weight = 1.0, .seed = 20260101};
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},   {"out", required_argument, NULL, 'o'},
        {"cv", required_argument, NULL, 'c'},     {"seed", required_argument, NULL, 's'},
        {"epochs", required_argument, NULL, 'e'}, {"lambda", required_argument, NULL, 'l'},
        {"lr", required_argument, NULL, 'r'},     {"window-weight", required_argument, NULL, 'w'},
        {"pos-weight", required_argument, NULL, 'p'},    {"dump", required_argument, NULL, 'D'},
        {"negatives", required_argument, NULL, 'n'},
        {"holdout", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},         {0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'o': out = optarg; break;
        case 'c': cv = atoi(optarg); break;
        case 's': p.seed = strtoull(optarg, NULL, 10); break;
        case 'e': p.epochs = atoi(optarg); break;
        case 'l': p.lambda = atof(optarg); break;
        case 'r': p.lr = atof(optarg); break;
        case 'w': p.window_weight = atof(optarg); break;
        case 'p': p.pos_weight = atof(optarg); break;
        case 'D': dump = optarg; break;
        case 'n': extra = optarg; break;
        case 'H':
            holdout = optarg;
            cv = 2;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 64;
        }
    }
    if (!data || (!out && cv < 2) || p.epochs < 1) {
        usage(stderr);
        return 64;
    }

    struct sample_set set;
    struct sk_err err;
    if (guard_data_load(data, p.seed, &set, &err) < 0) {
        fprintf(stderr, "guard-train: %s\n", err.msg);
        return 1;
    }
    if (extra && *extra && guard_data_load_lines(extra, "hard-negatives", 0, &set, &err) < 0) {
        fprintf(stderr, "guard-train: %s\n", err.msg);
        guard_data_free(&set);
        return 1;
    }
    /* Train split only: the test halves are for reporting, never for learning. */
    struct sample_set train_set = {0};
    for (size_t i = 0; i < set.n; i++) {
        if (set.v[i].split != SPLIT_TRAIN)
            continue;
        if (train_set.n == train_set.cap) {
            train_set.cap = train_set.cap ? train_set.cap * 2 : 1024;
            train_set.v = xrealloc(train_set.v, train_set.cap * sizeof(*train_set.v));
        }
        train_set.v[train_set.n++] = set.v[i];
    }
    struct example *ex = NULL;
    size_t n = 0, cap = 0, pos = 0;
    for (size_t i = 0; i < train_set.n; i++) {
        sample_examples(&train_set.v[i], (int)i, &p, &ex, &n, &cap);
        pos += train_set.v[i].label;
    }
    printf("train: %zu samples (%zu injections), %zu examples with windows\n", train_set.n, pos,
           n);

    int status = 0;
    if (cv >= 2) {
        cross_validate(&train_set, ex, n, cv, &p, dump, holdout);
    } else {
        float *w = xmalloc(GUARD_HASH_DIM * sizeof(float));
        bool *use = xmalloc(n);
        memset(use, 1, n);
        double bias = train(ex, n, use, &p, w);
        size_t correct = 0;
        for (size_t i = 0; i < n; i++)
            correct += (logit(w, bias, &ex[i]) >= 0) == (ex[i].y > 0.5f);
        printf("train accuracy (examples): %.2f%%, bias %.4f\n", 100.0 * (double)correct / (double)n,
               bias);
        if (guard_classifier_save(out, w, bias, &err) < 0) {
            fprintf(stderr, "guard-train: %s\n", err.msg);
            status = 1;
        } else {
            printf("wrote %s\n", out);
        }
        free(use);
        free(w);
    }
    for (size_t i = 0; i < n; i++)
        free(ex[i].idx);
    free(ex);
    free(train_set.v);
    guard_data_free(&set);
    return status;
}
