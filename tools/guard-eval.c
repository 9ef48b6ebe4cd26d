/*
 * guard-eval: run the guard over the measured data and print one JSON line
 * per sample, for bench/guard.sh to turn into figures.
 *
 *   guard-eval --data DIR --weights FILE [--split test|train|all]
 *   guard-eval --latency --data DIR --weights FILE [--bytes 2048] [--iterations 5000]
 *   guard-eval --explain FILE --weights FILE      (window scores of one text)
 *   guard-eval --secrets --data DIR              (the secret scanner on code)
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
#include "lang/lang.h"

#include <getopt.h>
#include <time.h>
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

/* CPU time of this thread: unlike wall time, not inflated by other load on the machine. */
static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * The secret scanner over code: CyberSecEval instruct's origin_code (the
 * same repo/file split as the guard's data; one record per repo, file and
 * line) and SVEN's functions. One JSON line per sample with the rules found.
 */
static int run_secrets(const char *dir)
{
    cleanup_free char *path = xasprintf("%s/cyberseceval/instruct/instruct.json", dir);
    json_error_t jerr;
    json_t *arr = json_load_file(path, 0, &jerr);
    if (!arr) {
        fprintf(stderr, "guard-eval: %s: %s\n", path, jerr.text);
        return 1;
    }
    size_t i;
    json_t *o;
    json_t *seen = json_object();
    json_array_foreach(arr, i, o) {
        const char *repo = json_string_value(json_object_get(o, "repo"));
        const char *file = json_string_value(json_object_get(o, "file_path"));
        const char *code = json_string_value(json_object_get(o, "origin_code"));
        const char *cwe = json_string_value(json_object_get(o, "cwe_identifier"));
        const char *lang = json_string_value(json_object_get(o, "language"));
        if (!repo || !file || !code)
            continue;
        cleanup_free char *key = xasprintf("%s/%s", repo, file);
        cleanup_free char *uniq = xasprintf("%s:%lld", key,
                                            (long long)json_integer_value(
                                                json_object_get(o, "line_number")));
        if (json_object_get(seen, uniq))
            continue;
        json_object_set_new(seen, uniq, json_true());
        struct check_section sec;
        check_section_init(&sec);
        guard_scan_secrets(lang_by_name(lang ? lang : ""), code, strlen(code), &sec);
        json_t *rules = json_array();
        for (size_t k = 0; k < sec.nfindings; k++)
            json_array_append_new(rules, json_string(sec.findings[k].rule));
        json_t *line = json_pack("{s:s,s:s,s:s,s:s,s:o}", "source", "cse-instruct-code",
                                 "split", guard_data_is_test(key) ? "test" : "train", "cwe",
                                 cwe ? cwe : "", "language", lang ? lang : "", "rules", rules);
        char *s = json_dumps(line, JSON_COMPACT);
        puts(s);
        free(s);
        json_decref(line);
        check_section_close(&sec);
    }
    json_decref(seen);
    json_decref(arr);

    static const char *const files[] = {"train-cwe-022", "train-cwe-078", "train-cwe-079",
                                        "train-cwe-089", "val-cwe-022",   "val-cwe-078",
                                        "val-cwe-079",   "val-cwe-089"};
    for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
        cleanup_free char *p = xasprintf("%s/sven-python/%s.jsonl", dir, files[f]);
        cleanup_file FILE *fp = fopen(p, "r");
        if (!fp) {
            fprintf(stderr, "guard-eval: %s: cannot open\n", p);
            return 1;
        }
        char *buf = NULL;
        size_t cap = 0;
        while (getline(&buf, &cap, fp) > 0) {
            json_t *r = json_loads(buf, 0, &jerr);
            if (!r)
                continue;
            static const char *const fields[] = {"func_src_before", "func_src_after"};
            for (size_t k = 0; k < 2; k++) {
                const char *code = json_string_value(json_object_get(r, fields[k]));
                if (!code)
                    continue;
                struct check_section sec;
                check_section_init(&sec);
                guard_scan_secrets(lang_get(LANG_PYTHON), code, strlen(code), &sec);
                json_t *rules = json_array();
                for (size_t m = 0; m < sec.nfindings; m++)
                    json_array_append_new(rules, json_string(sec.findings[m].rule));
                json_t *line = json_pack("{s:s,s:s,s:s,s:o}", "source", "sven-code", "split",
                                         files[f][0] == 'v' ? "test" : "train", "version",
                                         fields[k], "rules", rules);
                char *s = json_dumps(line, JSON_COMPACT);
                puts(s);
                free(s);
                json_decref(line);
                check_section_close(&sec);
            }
            json_decref(r);
        }
        free(buf);
    }
    return 0;
}

static int run_latency(const struct guard *g, const struct sample_set *set, size_t bytes,
                       size_t iterations, size_t rounds)
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
    double *cpu = xmalloc(iterations * sizeof(double));
    struct sk_err err;
    /* Warm up: the first call builds the word tables and faults the weights in. */
    for (size_t i = 0; i < made; i++) {
        struct guard_report r;
        if (guard_check(g, prompts[i], strlen(prompts[i]), &r, &err) == 0)
            guard_report_close(&r);
    }
    /* Several rounds: on a shared machine one round can be hit by other jobs'
     * bursts; the spread between rounds shows how much. */
    printf("{\"bytes\":%zu,\"prompts\":%zu,\"iterations\":%zu,\"rounds\":[", strlen(prompts[0]),
           made, iterations);
    for (size_t round = 0; round < rounds; round++) {
        for (size_t i = 0; i < iterations; i++) {
            struct guard_report r;
            const char *t = prompts[i % made];
            double c0 = thread_cpu_ms();
            double t0 = sk_now_ms();
            int ret = guard_check(g, t, strlen(t), &r, &err);
            ms[i] = sk_now_ms() - t0;
            cpu[i] = thread_cpu_ms() - c0;
            if (ret < 0) {
                fprintf(stderr, "guard-eval: %s\n", err.msg);
                return 1;
            }
            guard_report_close(&r);
        }
        qsort(ms, iterations, sizeof(double), cmp_double);
        qsort(cpu, iterations, sizeof(double), cmp_double);
        printf("%s{\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
               "\"cpu_p50_ms\":%.4f,\"cpu_p99_ms\":%.4f}",
               round ? "," : "", quantile(ms, iterations, 0.5), quantile(ms, iterations, 0.9),
               quantile(ms, iterations, 0.99), ms[iterations - 1], quantile(cpu, iterations, 0.5),
               quantile(cpu, iterations, 0.99));
    }
    printf("]}\n");
    free(cpu);
    free(ms);
    for (size_t p = 0; p < made; p++)
        free(prompts[p]);
    free(prompts);
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
                 "[--iterations N] [--rounds N]\n"
                 "       guard-eval --explain FILE --weights FILE\n"
                 "       guard-eval --secrets --data DIR\n");
}

int main(int argc, char **argv)
{
    const char *data = NULL, *weights = NULL, *split = "test", *explain = NULL;
    bool latency = false, secrets = false;
    size_t bytes = 2048, iterations = 5000, rounds = 5;
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},    {"weights", required_argument, NULL, 'w'},
        {"split", required_argument, NULL, 's'},   {"latency", no_argument, NULL, 'l'},
        {"bytes", required_argument, NULL, 'b'},   {"iterations", required_argument, NULL, 'i'},
        {"explain", required_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'},
        {"secrets", no_argument, NULL, 'S'},     {"rounds", required_argument, NULL, 'R'},
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
        case 'S': secrets = true; break;
        case 'R': rounds = strtoul(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 64;
        }
    }
    if (secrets && data)
        return run_secrets(data);
    if (!weights || (!data && !explain) || iterations == 0 || bytes == 0 || rounds == 0) {
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
        status = run_latency(g, &set, bytes, iterations, rounds);
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
            if (strcmp(s->source, "bipia-text") == 0)
                json_object_set_new(o, "task_like", json_boolean(s->task_like));
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
