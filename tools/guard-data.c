/*
 * Loading the guard's data sets (see guard-data.h).
 */
#include "config.h"

#include "guard-data.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"
#include "guard/guard-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (16u << 20)
#define SPLIT_SALT "skitty-guard-split-v1\n"

bool guard_data_is_test(const char *key)
{
    uint64_t h = guard_fnv1a(GUARD_FNV_OFFSET, SPLIT_SALT, strlen(SPLIT_SALT));
    h = guard_fnv1a(h, key, strlen(key));
    return h & 1;
}

unsigned long long guard_data_rand(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static struct sample *add(struct sample_set *s, const char *text, int label,
                          enum sample_split split, const char *source, const char *group,
                          const char *group2)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    struct sample *x = &s->v[s->n++];
    x->text = xstrdup(text);
    x->label = label;
    x->split = split;
    x->source = source;
    x->group = group ? xstrdup(group) : NULL;
    x->group2 = group2 ? xstrdup(group2) : NULL;
    x->task_like = false;
    return x;
}

int guard_data_load_lines(const char *path, const char *source, int label,
                          struct sample_set *out, struct sk_err *err)
{
    cleanup_free char *data = NULL;
    size_t len;
    int ret = sk_read_file(path, MAX_FILE, &data, &len);
    if (ret < 0)
        return sk_err_make(err, -ret, "read %s", path);
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        add(out, line, label, SPLIT_TRAIN, source, NULL, NULL);
    }
    return 0;
}

void guard_data_free(struct sample_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].text);
        free(s->v[i].group);
        free(s->v[i].group2);
    }
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static int load_json(const char *dir, const char *rel, json_t **out, struct sk_err *err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, rel);
    cleanup_free char *data = NULL;
    size_t len;
    int ret = sk_read_file(path, MAX_FILE, &data, &len);
    if (ret < 0)
        return sk_err_make(err, -ret, "read %s", path);
    json_error_t jerr;
    *out = json_loadb(data, len, 0, &jerr);
    if (!*out)
        return sk_err_msg(err, EINVAL, "%s: line %d: %s", path, jerr.line, jerr.text);
    return 0;
}

/* JSON Lines: calls fn for each object. */
static int load_jsonl(const char *dir, const char *rel, json_t **out, struct sk_err *err)
{
    cleanup_free char *path = xasprintf("%s/%s", dir, rel);
    cleanup_free char *data = NULL;
    size_t len;
    int ret = sk_read_file(path, MAX_FILE, &data, &len);
    if (ret < 0)
        return sk_err_make(err, -ret, "read %s", path);
    json_t *arr = json_array();
    char *p = data, *end = data + len;
    int line = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line++;
        if (n > 0) {
            json_error_t jerr;
            json_t *v = json_loadb(p, n, 0, &jerr);
            if (!v) {
                json_decref(arr);
                return sk_err_msg(err, EINVAL, "%s:%d: %s", path, line, jerr.text);
            }
            json_array_append_new(arr, v);
        }
        p += n + 1;
    }
    *out = arr;
    return 0;
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Join a JSON array of strings with newlines. */
static char *join_lines(json_t *arr)
{
    struct sk_buf b;
    sk_buf_init(&b, MAX_FILE);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (i)
            (void)sk_buf_puts(&b, "\n");
        (void)sk_buf_puts(&b, json_string_value(v) ? json_string_value(v) : "");
    }
    char *s = sk_buf_steal(&b);
    return s ? s : xstrdup("");
}

static int load_deepset(const char *dir, struct sample_set *s, struct sk_err *err)
{
    static const char *const files[2] = {"deepset-prompt-injections/train.jsonl",
                                         "deepset-prompt-injections/test.jsonl"};
    for (int f = 0; f < 2; f++) {
        cleanup_json json_t *arr = NULL;
        int ret = load_jsonl(dir, files[f], &arr, err);
        if (ret < 0)
            return ret;
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o) {
            int label = (int)json_integer_value(json_object_get(o, "label"));
            add(s, str(o, "text"), label, f ? SPLIT_TEST : SPLIT_TRAIN, "deepset", NULL, NULL);
        }
    }
    return 0;
}

static int load_cse_pi(const char *dir, struct sample_set *s, struct sk_err *err)
{
    cleanup_json json_t *arr = NULL;
    int ret = load_json(dir, "cyberseceval/prompt_injection/prompt_injection.json", &arr, err);
    if (ret < 0)
        return ret;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        const char *u = str(o, "user_input");
        add(s, u, 1, guard_data_is_test(u) ? SPLIT_TEST : SPLIT_TRAIN, "cse-pi",
            str(o, "injection_variant"), str(o, "injection_type"));
    }
    cleanup_json json_t *ml = NULL;
    ret = load_json(dir,
                    "cyberseceval/prompt_injection/"
                    "prompt_injection_multilingual_machine_translated.json",
                    &ml, err);
    if (ret < 0)
        return ret;
    json_array_foreach(ml, i, o)
        add(s, str(o, "user_input"), 1, SPLIT_TEST, "cse-pi-ml", str(o, "speaking_language"),
            str(o, "injection_variant"));
    return 0;
}

static int load_simple(const char *dir, const char *rel, const char *field, const char *source,
                       const char *group_field, int label, bool all_test, struct sample_set *s,
                       struct sk_err *err)
{
    cleanup_json json_t *arr = NULL;
    int ret = load_json(dir, rel, &arr, err);
    if (ret < 0)
        return ret;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        const char *t = str(o, field);
        add(s, t, label, all_test || guard_data_is_test(t) ? SPLIT_TEST : SPLIT_TRAIN, source,
            group_field ? str(o, group_field) : NULL, NULL);
    }
    return 0;
}

/* CyberSecEval's coding prompts (instruct) or code prefixes to complete
 * (autocomplete), benign: the same samples in both, split by the same key
 * (repository and file). */
static int load_cyberseceval_code(const char *dir, const char *kind, struct sample_set *s,
                                  struct sk_err *err)
{
    cleanup_json json_t *arr = NULL;
    cleanup_free char *path = xasprintf("cyberseceval/%s/%s.json", kind, kind);
    int ret = load_json(dir, path, &arr, err);
    if (ret < 0)
        return ret;
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        cleanup_free char *key = xasprintf("%s/%s", str(o, "repo"), str(o, "file_path"));
        add(s, str(o, "test_case_prompt"), 0,
            guard_data_is_test(key) ? SPLIT_TEST : SPLIT_TRAIN, kind, str(o, "language"), NULL);
    }
    return 0;
}

/* SVEN's Python functions, before and after their fix: upstream train / val split. */
static int load_sven(const char *dir, struct sample_set *s, struct sk_err *err)
{
    static const char *const cwes[] = {"022", "078", "079", "089"};
    for (int test = 0; test < 2; test++) {
        for (size_t c = 0; c < ARRAY_SIZE(cwes); c++) {
            cleanup_free char *rel = xasprintf("sven-python/%s-cwe-%s.jsonl",
                                               test ? "val" : "train", cwes[c]);
            cleanup_json json_t *arr = NULL;
            int ret = load_jsonl(dir, rel, &arr, err);
            if (ret < 0)
                return ret;
            cleanup_free char *group = xasprintf("CWE-%s", cwes[c]);
            size_t i;
            json_t *o;
            json_array_foreach(arr, i, o) {
                add(s, str(o, "func_src_before"), 0, test ? SPLIT_TEST : SPLIT_TRAIN, "sven",
                    group, "before");
                add(s, str(o, "func_src_after"), 0, test ? SPLIT_TEST : SPLIT_TRAIN, "sven",
                    group, "after");
            }
        }
    }
    return 0;
}

/* Insert `attack` into `lines` (a context's lines) at start, middle or end. */
static char *insert(json_t *lines, const char *attack, int pos)
{
    size_t n = json_array_size(lines), at = pos == 0 ? 0 : pos == 1 ? n / 2 : n;
    struct sk_buf b;
    sk_buf_init(&b, MAX_FILE);
    for (size_t i = 0; i <= n; i++) {
        if (i == at) {
            if (b.len)
                (void)sk_buf_puts(&b, "\n");
            (void)sk_buf_puts(&b, attack);
        }
        if (i < n) {
            if (b.len)
                (void)sk_buf_puts(&b, "\n");
            const char *l = json_string_value(json_array_get(lines, i));
            (void)sk_buf_puts(&b, l ? l : "");
        }
    }
    return sk_buf_steal(&b);
}

/* A slice of about `words` words from a context, to carry a training attack. */
static char *slice(const char *ctx, size_t words, unsigned long long *rng)
{
    size_t len = strlen(ctx), nw = 0;
    for (size_t i = 0; i < len; i++)
        if ((i == 0 || ctx[i - 1] == ' ' || ctx[i - 1] == '\n') && ctx[i] != ' ' && ctx[i] != '\n')
            nw++;
    size_t first = nw > words ? guard_data_rand(rng) % (nw - words) : 0, w = 0;
    size_t start = 0, end = len;
    for (size_t i = 0; i < len; i++) {
        if ((i == 0 || ctx[i - 1] == ' ' || ctx[i - 1] == '\n') && ctx[i] != ' ' && ctx[i] != '\n') {
            if (w == first)
                start = i;
            if (w == first + words) {
                end = i;
                break;
            }
            w++;
        }
    }
    return xstrndup(ctx + start, end - start);
}

bool guard_data_task_like(const char *category, bool test)
{
    /* BIPIA's "task-irrelevant" text attacks: the first five categories of
     * each file. The two files name different categories ("Language
     * Translation" is a task in the train file and a targeted attack,
     * "translate your response", in the test file). */
    static const char *const train_tasks[] = {"Information Retrieval", "Content Creation",
                                              "Learning and Tutoring", "Language Translation",
                                              "Programming Help"};
    static const char *const test_tasks[] = {"Task Automation", "Business Intelligence",
                                             "Conversational Agent", "Research Assistance",
                                             "Sentiment Analysis"};
    const char *const *list = test ? test_tasks : train_tasks;
    for (size_t i = 0; i < 5; i++)
        if (category && strcmp(category, list[i]) == 0)
            return true;
    return false;
}

static const char *const positions[3] = {"start", "middle", "end"};

static int load_bipia(const char *dir, unsigned long long seed, struct sample_set *s,
                      struct sk_err *err)
{
    unsigned long long rng = seed;
    for (int test = 0; test < 2; test++) {
        enum sample_split split = test ? SPLIT_TEST : SPLIT_TRAIN;
        cleanup_json json_t *ctx = NULL, *code = NULL, *text = NULL;
        int ret = load_jsonl(dir, test ? "bipia/code/test.jsonl" : "bipia/code/train.jsonl", &ctx,
                             err);
        if (ret < 0)
            return ret;
        ret = load_json(dir, test ? "bipia/code_attack_test.json" : "bipia/code_attack_train.json",
                        &code, err);
        if (ret < 0)
            return ret;
        ret = load_json(dir, test ? "bipia/text_attack_test.json" : "bipia/text_attack_train.json",
                        &text, err);
        if (ret < 0)
            return ret;

        size_t i;
        json_t *o;
        json_array_foreach(ctx, i, o) {
            cleanup_free char *clean = join_lines(json_object_get(o, "context"));
            add(s, clean, 0, split, "bipia-clean", NULL, NULL);
        }
        for (int kind = 0; kind < 2; kind++) {
            json_t *attacks = kind ? text : code;
            const char *source = kind ? "bipia-text" : "bipia-code";
            const char *cat;
            json_t *list;
            json_object_foreach(attacks, cat, list) {
                size_t a;
                json_t *at;
                json_array_foreach(list, a, at) {
                    const char *attack = json_string_value(at);
                    if (!attack)
                        continue;
                    if (test) {
                        /* Upstream protocol: every attack in every context at 3 places. */
                        json_array_foreach(ctx, i, o) {
                            for (int pos = 0; pos < 3; pos++) {
                                cleanup_free char *t = insert(json_object_get(o, "context"),
                                                              attack, pos);
                                struct sample *x = add(s, t, 1, split, source, cat,
                                                       positions[pos]);
                                x->task_like = kind == 1 && guard_data_task_like(cat, true);
                            }
                        }
                        continue;
                    }
                    /* Train: the attack alone, and twice inside a short slice of a
                     * random train context (what a classifier window sees). Task-like
                     * text attacks are left out: they are ordinary requests, harmful only
                     * because of where they sit, and learning them as attacks would
                     * teach the classifier that every request is one. */
                    if (kind == 1 && guard_data_task_like(cat, false))
                        continue;
                    add(s, attack, 1, split, source, cat, "alone");
                    for (int k = 0; k < 2; k++) {
                        json_t *c = json_array_get(ctx, guard_data_rand(&rng) % json_array_size(ctx));
                        cleanup_free char *full = join_lines(json_object_get(c, "context"));
                        cleanup_free char *sl = slice(full, 24, &rng);
                        int pos = (int)(guard_data_rand(&rng) % 3);
                        cleanup_free char *t =
                            pos == 0   ? xasprintf("%s\n%s", attack, sl)
                            : pos == 2 ? xasprintf("%s\n%s", sl, attack)
                                       : xasprintf("%.*s\n%s\n%s", (int)(strlen(sl) / 2), sl,
                                                   attack, sl + strlen(sl) / 2);
                        add(s, t, 1, split, source, cat, positions[pos]);
                        /* The same slice without the attack, as its benign twin, so
                         * the context's own words do not learn to look hostile. */
                        add(s, sl, 0, split, "bipia-slice", NULL, NULL);
                    }
                }
            }
        }
    }
    return 0;
}

int guard_data_load(const char *dir, unsigned long long seed, struct sample_set *out,
                    struct sk_err *err)
{
    memset(out, 0, sizeof(*out));
    int ret;
    if ((ret = load_deepset(dir, out, err)) < 0 || (ret = load_cse_pi(dir, out, err)) < 0 ||
        (ret = load_bipia(dir, seed, out, err)) < 0 ||
        (ret = load_cyberseceval_code(dir, "instruct", out, err)) < 0 ||
        (ret = load_cyberseceval_code(dir, "autocomplete", out, err)) < 0 ||
        (ret = load_sven(dir, out, err)) < 0 ||
        (ret = load_simple(dir, "cyberseceval/mitre_frr/mitre_frr.json", "mutated_prompt",
                           "mitre-frr", "attack_type", 0, false, out, err)) < 0 ||
        (ret = load_simple(dir, "cyberseceval/interpreter/interpreter.json", "mutated_prompt",
                           "interpreter", "attack_type", 1, true, out, err)) < 0) {
        guard_data_free(out);
        return ret;
    }
    static const char *const ni[3] = {"notinject/NotInject_one.json",
                                      "notinject/NotInject_two.json",
                                      "notinject/NotInject_three.json"};
    for (int i = 0; i < 3; i++) {
        if ((ret = load_simple(dir, ni[i], "prompt", "notinject", "category", 0, false, out,
                               err)) < 0) {
            guard_data_free(out);
            return ret;
        }
    }
    return 0;
}
