/*
 * Benchmark of the offline model (not a test; bench/model-builtin.sh runs
 * it and writes its section of BENCHMARKS.md). Prints a markdown table of
 * medians:
 *
 *   bench-model-builtin QUERIES.tsv CASES_DIR
 */
#include "config.h"

#include "model/catalog.h"
#include "model/complete.h"
#include "base/util.h"
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 31

struct query {
    const struct lang *lang; /* not owned */
    char *text;              /* owned */
};

struct input {
    const struct lang *lang; /* not owned */
    char *code;              /* owned */
    size_t len;              /* bytes */
    bool fill;               /* the case expects a fill */
};

static double time_queries(const struct catalog *cat, struct query *q, int n)
{
    double t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double start = sk_now_ms();
        for (int i = 0; i < n; i++) {
            struct catalog_hit hit;
            struct sk_err err;
            (void)catalog_answer(cat, q[i].lang, q[i].text, &hit, &err);
        }
        t[r] = (sk_now_ms() - start) / n;
    }
    return median(t, ROUNDS);
}

static double time_completions(const struct catalog *cat, struct input *in, int n, int fill)
{
    double t[ROUNDS];
    int count = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double start = sk_now_ms();
        count = 0;
        for (int i = 0; i < n; i++) {
            if (in[i].fill != fill)
                continue;
            struct completion c;
            struct sk_err err;
            if (complete_code(cat, in[i].lang, in[i].code, in[i].len, &c, &err) == 0)
                completion_close(&c);
            count++;
        }
        t[r] = (sk_now_ms() - start) / (count ? count : 1);
    }
    return median(t, ROUNDS);
}

static double time_one(const struct catalog *cat, const struct lang *lang, const char *code,
                       size_t len)
{
    double t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double start = sk_now_ms();
        struct completion c;
        struct sk_err err;
        if (complete_code(cat, lang, code, len, &c, &err) == 0)
            completion_close(&c);
        t[r] = sk_now_ms() - start;
    }
    return median(t, ROUNDS);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-model-builtin QUERIES.tsv CASES_DIR\n");
        return 2;
    }
    struct sk_err err;
    struct catalog *cat = NULL;
    double load[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double start = sk_now_ms();
        if (catalog_load(SKITTY_DATA_DIR "/data/catalog", &cat, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        load[r] = sk_now_ms() - start;
        if (r + 1 < ROUNDS)
            catalog_free(cat);
    }
    size_t ntasks = 0;
    for (int i = 0; i < LANG_COUNT; i++)
        ntasks += catalog_count(cat, lang_get((enum lang_id)i));

    /* Prompts: answered and not. */
    static struct query yes[1024], no[1024];
    int nyes = 0, nno = 0;
    FILE *f = fopen(argv[1], "re");
    char line[2048];
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *e = strchr(line, '\t'), *p = e ? strchr(e + 1, '\t') : NULL;
        if (line[0] == '#' || !p)
            continue;
        *e++ = '\0';
        *p++ = '\0';
        struct query q = {lang_by_name(line), xstrdup(p)};
        if (!strcmp(e, "-") && nno < 1024)
            no[nno++] = q;
        else if (nyes < 1024)
            yes[nyes++] = q;
        else
            free(q.text);
    }
    if (f)
        fclose(f);

    /* Completion cases. */
    static struct input in[512];
    int nin = 0;
    for (int li = 0; li < LANG_COUNT; li++) {
        const struct lang *lang = lang_get((enum lang_id)li);
        char dir[1024];
        snprintf(dir, sizeof(dir), "%s/%s", argv[2], lang->name);
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)) && nin < 512) {
            if (e->d_name[0] == '.' || !strncmp(e->d_name, "none-", 5))
                continue;
            char path[1300];
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            if (sk_read_file(path, 1 << 20, &in[nin].code, &in[nin].len) == 0) {
                in[nin].lang = lang;
                in[nin].fill = !strncmp(e->d_name, "fill-", 5);
                nin++;
            }
        }
        if (d)
            closedir(d);
    }

    double answer = time_queries(cat, yes, nyes);
    double noanswer = time_queries(cat, no, nno);
    double fill = time_completions(cat, in, nin, 1);
    double close_ = time_completions(cat, in, nin, 0);

    /* Worst cases within the caps: 128 KiB of code. */
    size_t big = 128 * 1024;
    char *deep = xmalloc(big + 1);
    for (size_t i = 0; i < big; i++)
        deep[i] = i < 250 ? '(' : "x + y, "[i % 7];
    deep[big] = '\0';
    double worst_deep = time_one(cat, lang_by_name("javascript"), deep, big);
    for (size_t i = 0; i < big; i++)
        deep[i] = "function f() "[i % 13];
    double worst_headers = time_one(cat, lang_by_name("javascript"), deep, big);
    for (size_t i = 0; i < big; i++)
        deep[i] = "def reverse_string(s):\n    pass\n"[i % 33];
    double worst_fill = time_one(cat, lang_by_name("python"), deep, big);
    free(deep);

    printf("| what | median | vs. one answered prompt |\n|---|---:|---:|\n");
    printf("| load the catalogue (%zu tasks, once at start-up) | %.2f ms | %.0fx |\n", ntasks,
           median(load, ROUNDS), median(load, ROUNDS) / answer);
    printf("| generate, answered (%d prompts) | %.1f µs | 1x |\n", nyes, answer * 1000);
    printf("| generate, no answer (%d off-topic prompts) | %.1f µs | %.1fx |\n", nno,
           noanswer * 1000, noanswer / answer);
    printf("| complete, a body filled (per case) | %.1f µs | %.1fx |\n", fill * 1000,
           fill / answer);
    printf("| complete, closing only (per case) | %.1f µs | %.1fx |\n", close_ * 1000,
           close_ / answer);
    printf("| complete, 128 KiB with 250 open brackets | %.1f ms | %.0fx |\n", worst_deep,
           worst_deep / answer);
    printf("| complete, 128 KiB of bodiless `function f()` | %.1f ms | %.0fx |\n", worst_headers,
           worst_headers / answer);
    printf("| complete, 128 KiB of empty `reverse_string` defs (256 filled) | %.1f ms | %.0fx |\n",
           worst_fill, worst_fill / answer);

    for (int i = 0; i < nyes; i++)
        free(yes[i].text);
    for (int i = 0; i < nno; i++)
        free(no[i].text);
    for (int i = 0; i < nin; i++)
        free(in[i].code);
    catalog_free(cat);
    return 0;
}
