/*
 * guard-eval: run the guard over the measured data and print one JSON line
 * per sample, for bench/guard.sh to turn into figures.
 *
 *   guard-eval --data DIR --weights FILE [--split test|train|all]
 *   guard-eval --latency --data DIR --weights FILE [--bytes 2048] [--iterations 5000]
 *   guard-eval --explain FILE --weights FILE      (window scores of one text)
 *
 * Only the test split is reported by default: the trainer never saw it.
 * Latency is measured in-process around guard_check() alone, on prompts of
 * exactly --bytes bytes cut from the benign coding pool (the test halves
 * of CyberSecEval instruct and MITRE), cycling through them.
 */
#include "config.h"

#include "guard-data.h"
#include "base/conf.h"
#include "base/json.h"
#include "base/util.h"
#include "guard/guard-internal.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(const double *sorted, size_t n, double q)
{
    size_t i = (size_t)ceil(q * (double)n);
    if (i > 0)
        i--;
    if (i >= n)
        i = n - 1;
    return sorted[i];
}

static int run_latency(const struct guard *g, const struct sample_set *set, size_t bytes,
                       size_t iterations)
{
    /* Build prompts of exactly `bytes` bytes by joining benign coding prompts. */
    size_t nprompts = 64;
    char **prompts = xcalloc(nprompts, sizeof(char *));
    size_t k = 0, made = 0;
    for (size_t p = 0; p < nprompts; p++) {
        char *buf = xmalloc(bytes + 1);
        size_t len = 0;
        while (len < bytes) {
            const struct sample *s = NULL;
            for (size_t tries = 0; tries < set->n; tries++, k++) {
                const struct sample *c = &set->v[k % set->n];
                if (c->split == SPLIT_TEST && (strcmp(c->source, "instruct") == 0 ||
                                               strcmp(c->source, "mitre-frr") == 0)) {
                    s = c;
                    k++;
                    break;
                }
            }
            if (!s)
                break;
            size_t n = strlen(s->text);
            if (len + n + 1 > bytes)
                n = bytes - len - (len ? 1 : 0);
            if (len)
                buf[len++] = '\n';
            memcpy(buf + len, s->text, n);
            len += n;
        }
        /* Do not end inside a UTF-8 sequence. */
        while (len > 0 && ((unsigned char)buf[len - 1] & 0x80))
            len--;
        buf[len] = '\0';
        prompts[p] = buf;
        made++;
    }
    double *ms = xmalloc(iterations * sizeof(double));
    struct sk_err err;
    for (size_t i = 0; i < iterations; i++) {
        struct guard_report r;
        const char *t = prompts[i % made];
        double t0 = sk_now_ms();
        int ret = guard_check(g, t, strlen(t), &r, &err);
        ms[i] = sk_now_ms() - t0;
        if (getenv("GUARD_EVAL_EACH") && i < made)
            fprintf(stderr, "%8.3f ms  layers %.2f/%.2f/%.2f decoded %zu  %.60s\n", ms[i],
                    r.layer_signals, r.layer_decoded, r.layer_classifier, r.ndecoded, t);
        if (ret < 0) {
            fprintf(stderr, "guard-eval: %s\n", err.msg);
            return 1;
        }
        guard_report_close(&r);
    }
    qsort(ms, iterations, sizeof(double), cmp_double);
    printf("{\"bytes\":%zu,\"iterations\":%zu,\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,"
           "\"max_ms\":%.4f}\n",
           strlen(prompts[0]), iterations, quantile(ms, iterations, 0.5),
           quantile(ms, iterations, 0.9), quantile(ms, iterations, 0.99), ms[iterations - 1]);
    for (size_t p = 0; p < made; p++)
        free(prompts[p]);
    free(prompts);
    free(ms);
    return 0;
}

static int run_explain(const struct guard *g, const char *path)
{
    cleanup_free char *text = NULL;
    size_t len;
    if (sk_read_file(path, 1u << 24, &text, &len) < 0) {
        perror(path);
        return 1;
    }
    struct guard_text t;
    struct sk_err err;
    if (guard_sanitise(text, len, 1u << 24, &t, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    struct guard_classifier *c = (struct guard_classifier *)g; /* the first member */
    struct guard_features f;
    guard_features_init(&f);
    guard_features_extract(t.fold, t.fold_len, &f);
    printf("whole %.3f\n", guard_sigmoid(guard_classifier_logit(c, &f)));
    struct guard_span spans[GUARD_WINDOW_MAX];
    size_t n = guard_windows(t.fold, t.fold_len, spans, GUARD_WINDOW_MAX);
    for (size_t i = 0; i < n; i++) {
        guard_features_extract(t.fold + spans[i].start, spans[i].end - spans[i].start, &f);
        printf("window %zu %.3f %.*s\n", i, guard_sigmoid(guard_classifier_logit(c, &f)),
               (int)(spans[i].end - spans[i].start), t.fold + spans[i].start);
    }
    guard_features_close(&f);
    guard_text_close(&t);
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: guard-eval --data DIR --weights FILE [--split test|train|all]\n"
                 "       guard-eval --latency --data DIR --weights FILE [--bytes N] "
                 "[--iterations N]\n"
                 "       guard-eval --explain FILE --weights FILE\n");
}

int main(int argc, char **argv)
{
    const char *data = NULL, *weights = NULL, *split = "test", *explain = NULL;
    bool latency = false;
    size_t bytes = 2048, iterations = 5000;
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},    {"weights", required_argument, NULL, 'w'},
        {"split", required_argument, NULL, 's'},   {"latency", no_argument, NULL, 'l'},
        {"bytes", required_argument, NULL, 'b'},   {"iterations", required_argument, NULL, 'i'},
        {"explain", required_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'w': weights = optarg; break;
        case 's': split = optarg; break;
        case 'l': latency = true; break;
        case 'b': bytes = strtoul(optarg, NULL, 10); break;
        case 'i': iterations = strtoul(optarg, NULL, 10); break;
        case 'e': explain = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 64;
        }
    }
    if (!weights || (!data && !explain) || iterations == 0 || bytes == 0) {
        usage(stderr);
        return 64;
    }
    struct sk_config cfg;
    sk_config_defaults(&cfg);
    cfg.max_prompt_bytes = 1u << 24;
    struct guard *g;
    struct sk_err err;
    if (guard_new_with_weights(&cfg, weights, &g, &err) < 0) {
        fprintf(stderr, "guard-eval: %s\n", err.msg);
        return 1;
    }
    if (explain) {
        int ret = run_explain(g, explain);
        guard_free(g);
        return ret;
    }
    struct sample_set set;
    if (guard_data_load(data, 20260101, &set, &err) < 0) {
        fprintf(stderr, "guard-eval: %s\n", err.msg);
        guard_free(g);
        return 1;
    }
    int status = 0;
    if (latency) {
        status = run_latency(g, &set, bytes, iterations);
    } else {
        for (size_t i = 0; i < set.n; i++) {
            const struct sample *s = &set.v[i];
            if ((strcmp(split, "test") == 0 && s->split != SPLIT_TEST) ||
                (strcmp(split, "train") == 0 && s->split != SPLIT_TRAIN))
                continue;
            struct guard_report r;
            if (guard_check(g, s->text, strlen(s->text), &r, &err) < 0) {
                printf("{\"source\":\"%s\",\"label\":%d,\"error\":\"%s\"}\n", s->source, s->label,
                       err.msg);
                continue;
            }
            json_t *sig = json_object();
            for (int k = 0; k < GUARD_SIG_COUNT; k++)
                if (r.signals[k].score > 0)
                    json_object_set_new(sig, guard_signal_name((enum guard_signal_id)k),
                                        json_real(r.signals[k].score));
            json_t *o = json_pack("{s:s,s:i,s:s,s:s?,s:s?,s:f,s:f,s:f,s:f,s:s,s:o,s:f}",
                                  "source", s->source, "label", s->label, "split",
                                  s->split == SPLIT_TEST ? "test" : "train", "group", s->group,
                                  "group2", s->group2, "score", r.score, "sig", r.layer_signals,
                                  "dec", r.layer_decoded, "clf", r.layer_classifier, "verdict",
                                  guard_verdict_name(r.verdict), "signals", sig, "ms", r.ms);
            if (s->group && strcmp(s->source, "bipia-text") == 0)
                json_object_set_new(o, "task_like", json_boolean(guard_data_task_like(s->group)));
            char *line = json_dumps(o, JSON_COMPACT);
            puts(line);
            free(line);
            json_decref(o);
            guard_report_close(&r);
        }
    }
    guard_data_free(&set);
    guard_free(g);
    return status;
}
