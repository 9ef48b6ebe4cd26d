/*
 * The guard's data: every public set the guard is trained or measured on,
 * loaded into one list of samples with a fixed train/test split. The split
 * is defined here and nowhere else, so the trainer (which reads only
 * train samples) and the evaluator (which reports only test samples) cannot
 * disagree about it.
 *
 *   source        split                                   label
 *   deepset       upstream train.jsonl / test.jsonl       0/1 as given
 *   cse-pi        hash of user_input                      1 (all attacks)
 *   cse-pi-ml     test only (translations of cse-pi)      1
 *   bipia         upstream *_train / *_test files         attack inserted: 1, clean context: 0
 *   notinject     hash of prompt                          0
 *   mitre-frr     hash of mutated_prompt                  0
 *   instruct      hash of repo + "/" + file_path          0 (test_case_prompt)
 *   autocomplete  hash of repo + "/" + file_path          0 (code prefixes; same samples
 *                                                           as instruct, so the same key)
 *   sven          upstream train-* / val-* files          0 (functions before and after a fix)
 *   hard-negatives  train only (data/guard/hard-negatives.txt, written for the project;
 *                 loaded by the trainer with guard_data_load_lines)   0
 *   interpreter   test only                               1 (not injections; reported apart)
 *
 * "hash" is FNV-1a 64 of "skitty-guard-split-v1\n" + key; odd is test.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum sample_split { SPLIT_TRAIN, SPLIT_TEST };

struct sample {
    char *text;          /* owned */
    int label;           /* 1 injection, 0 benign */
    enum sample_split split;
    const char *source;  /* "deepset", "cse-pi", ...; static */
    char *group;         /* technique, category or position; owned, may be NULL */
    char *group2;        /* a second breakdown (direct/indirect, insert position); may be NULL */
    bool task_like;      /* a BIPIA text attack that is an ordinary task (see below) */
};

struct sample_set {
    struct sample *v; /* owned */
    size_t n;
    size_t cap;
};

/* True when `key` falls in the test half of a hash split. */
bool guard_data_is_test(const char *key);

/*
 * Load every set under `dir` (the datasets folder, e.g. /work/shared/datasets).
 * A missing file is an error: measurements must not silently skip a set.
 * `seed` drives the only random choice (which train contexts the BIPIA
 * train attacks are inserted into).
 */
int guard_data_load(const char *dir, unsigned long long seed, struct sample_set *out,
                    struct sk_err *err);

/*
 * Add a file of prompts, one per line ('#' starts a comment), as train
 * samples of `label` from `source` (the project's own hard negatives).
 */
int guard_data_load_lines(const char *path, const char *source, int label,
                          struct sample_set *out, struct sk_err *err);

void guard_data_free(struct sample_set *s);

/*
 * BIPIA text-attack categories that are ordinary tasks ("What is the
 * capital of Brazil?", "Write a script to rename all files"): an injection
 * only because of where they sit, so no content-based detector can tell
 * them from a genuine request. Not trained on; reported apart. `test`
 * selects the test file's categories (the two files name different ones).
 */
bool guard_data_task_like(const char *category, bool test);

/* A small deterministic PRNG (splitmix64). */
unsigned long long guard_data_rand(unsigned long long *state);
