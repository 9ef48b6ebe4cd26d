/*
 * Retrieval quality of the offline catalogue, measured on labelled prompts.
 *
 *   test-retrieval QUERIES.tsv [MIN_ACCURACY [MAX_OFFTOPIC_ANSWERS]]
 *
 * Each line of the file is "language<TAB>expected id or -<TAB>prompt".
 * The test reports top-1 accuracy on the labelled prompts (a "no answer"
 * counts as a miss), how many of them got a wrong snippet, and how many of
 * the off-topic prompts (expected "-") got any snippet at all. It asserts
 * accuracy >= MIN_ACCURACY (default 0.90) and at most MAX_OFFTOPIC_ANSWERS
 * off-topic answers (default 0): the offline model must not answer with an
 * unrelated snippet. The second held-out set is registered with the figures
 * it was measured at, as a guard against regressions.
 */
#include "config.h"

#include "model/catalog.h"
#include "base/util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test-retrieval QUERIES.tsv [MIN_ACCURACY]\n");
        return 2;
    }
    double min_accuracy = argc > 2 ? atof(argv[2]) : 0.90;
    int max_offtopic = argc > 3 ? atoi(argv[3]) : 0;
    struct sk_err err;
    struct catalog *cat = NULL;
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/data/catalog", SKITTY_DATA_DIR);
    if (catalog_load(dir, &cat, &err) < 0) {
        ok(0, "catalogue loads: %s", err.msg);
        return tap_done();
    }
    FILE *f = fopen(argv[1], "re");
    if (!f) {
        ok(0, "open %s", argv[1]);
        catalog_free(cat);
        return tap_done();
    }
    char line[2048];
    int labelled = 0, correct = 0, wrong = 0, silent = 0, offtopic = 0, offtopic_answered = 0;
    int lineno = 0;
    double start = sk_now_ms();
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *lang_name = line, *expect = strchr(line, '\t'), *prompt = NULL;
        if (expect) {
            *expect++ = '\0';
            prompt = strchr(expect, '\t');
        }
        if (!prompt) {
            ok(0, "line %d is language<TAB>id<TAB>prompt", lineno);
            continue;
        }
        *prompt++ = '\0';
        const struct lang *lang = lang_by_name(lang_name);
        if (!lang) {
            ok(0, "line %d: unknown language %s", lineno, lang_name);
            continue;
        }
        bool none = !strcmp(expect, "-");
        if (!none && !catalog_find(cat, lang, expect)) {
            ok(0, "line %d: no task %s/%s", lineno, lang_name, expect);
            continue;
        }
        struct catalog_hit hit;
        int ret = catalog_answer(cat, lang, prompt, &hit, &err);
        char got[160];
        if (ret == 0)
            snprintf(got, sizeof(got), "%s (score %.2f, coverage %.2f)", hit.task->id, hit.score,
                     hit.coverage);
        else
            snprintf(got, sizeof(got), "no answer");
        if (none) {
            offtopic++;
            if (ret == 0) {
                offtopic_answered++;
                printf("# off-topic answered: [%s] %s -> %s\n", lang_name, prompt, got);
            }
            continue;
        }
        labelled++;
        if (ret == 0 && !strcmp(hit.task->id, expect)) {
            correct++;
        } else {
            if (ret == 0)
                wrong++;
            else
                silent++;
            struct catalog_hit best[1];
            size_t n = catalog_search(cat, lang, prompt, best, 1);
            printf("# miss: [%s] %s -> %s (want %s; best %s %.2f/%.2f)\n", lang_name, prompt, got,
                   expect, n ? best[0].task->id : "-", n ? best[0].score : 0.0,
                   n ? best[0].coverage : 0.0);
        }
    }
    fclose(f);
    double ms = sk_now_ms() - start;
    double accuracy = labelled ? (double)correct / labelled : 0;
    printf("# %d labelled prompts: top-1 accuracy %.1f%% (%d correct, %d wrong snippet, %d no "
           "answer)\n",
           labelled, 100.0 * accuracy, correct, wrong, silent);
    printf("# %d off-topic prompts: %d answered (false-answer rate %.1f%%)\n", offtopic,
           offtopic_answered, offtopic ? 100.0 * offtopic_answered / offtopic : 0.0);
    printf("# %.3f ms per prompt\n", (labelled + offtopic) ? ms / (labelled + offtopic) : 0.0);
    ok(labelled >= 100, "at least 100 labelled prompts (%d)", labelled);
    ok(offtopic >= 30, "at least 30 off-topic prompts (%d)", offtopic);
    ok(accuracy >= min_accuracy, "top-1 accuracy %.1f%% >= %.0f%%", 100.0 * accuracy,
       100.0 * min_accuracy);
    ok(offtopic_answered <= max_offtopic, "off-topic prompts answered: %d (at most %d)",
       offtopic_answered, max_offtopic);
    catalog_free(cat);
    return tap_done();
}
