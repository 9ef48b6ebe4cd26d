/*
 * skitty catalog: look into the offline model's catalogue. For people who
 * add tasks: check that the files load, see how a prompt ranks and whether
 * it would be answered, and print a task's code.
 *
 *   skitty catalog check
 *   skitty catalog list [--language L]
 *   skitty catalog search --language L PROMPT...
 *   skitty catalog show --language L ID
 */
#include "config.h"

#include "cli/cli.h"
#include "model/catalog.h"
#include "base/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: skitty catalog [--config FILE] COMMAND [OPTIONS]\n\n"
            "Look into the offline model's catalogue (<data_dir>/data/catalog).\n\n"
            "commands:\n"
            "  check                          load every task; print the first error\n"
            "  list [--language L]            list the tasks (language/id and title)\n"
            "  search --language L PROMPT...  rank the tasks for a prompt and show whether\n"
            "                                 the offline model would answer it\n"
            "  show --language L ID           print a task's code\n\n"
            "options:\n"
            "  -c, --config FILE    configuration file (else $SKITTY_CONFIG)\n"
            "  -l, --language L     %s\n"
            "  -n, --top N          search: how many tasks to show (default 5)\n\n"
            "Exit codes: 0 ok; 1 search: no answer; 3 the catalogue did not load; 64 usage.\n",
            lang_names());
}

static int cmd_list(const struct catalog *cat, const struct lang *only)
{
    for (int i = 0; i < LANG_COUNT; i++) {
        const struct lang *lang = lang_get((enum lang_id)i);
        if (only && only != lang)
            continue;
        size_t n = catalog_count(cat, lang);
        for (size_t k = 0; k < n; k++) {
            const struct catalog_task *t = catalog_task_at(cat, lang, k);
            printf("%-12s %-24s %s\n", lang->name, t->id, t->title);
        }
    }
    return 0;
}

static int cmd_search(const struct catalog *cat, const struct lang *lang, const char *prompt,
                      int top)
{
    struct catalog_hit hits[32];
    if (top > (int)ARRAY_SIZE(hits))
        top = (int)ARRAY_SIZE(hits);
    size_t n = catalog_search(cat, lang, prompt, hits, (size_t)top);
    printf("%-24s %7s %9s %6s\n", "task", "score", "coverage", "named");
    for (size_t i = 0; i < n && i < (size_t)top; i++)
        printf("%-24s %7.2f %9.2f %6s\n", hits[i].task->id, hits[i].score, hits[i].coverage,
               hits[i].named ? "yes" : "no");
    if (n && catalog_hit_accepted(&hits[0])) {
        printf("answer: %s/%s (%s)\n", lang->name, hits[0].task->id, hits[0].task->title);
        return 0;
    }
    printf("answer: none (needs score >= %.1f, coverage >= %.2f and a word from the task's "
           "title or keywords)\n",
           CATALOG_MIN_SCORE, CATALOG_MIN_COVERAGE);
    return 1;
}

int cmd_catalog(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'},
        {"language", required_argument, NULL, 'l'},
        {"top", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    const struct lang *lang = NULL;
    int top = 5;
    int c;
    while ((c = getopt_long(argc, argv, "+c:l:n:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'l':
            lang = lang_by_name(optarg);
            if (!lang) {
                fprintf(stderr, "skitty catalog: language must be one of %s\n", lang_names());
                return EXIT_USAGE;
            }
            break;
        case 'n':
            top = atoi(optarg);
            if (top < 1) {
                fprintf(stderr, "skitty catalog: --top must be a positive number\n");
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *sub = argv[optind++];
    /* Options may also follow the command: skitty catalog search -l python ... */
    while ((c = getopt_long(argc, argv, "+c:l:n:h", longopts, NULL)) != -1) {
        if (c == 'l' && !(lang = lang_by_name(optarg))) {
            fprintf(stderr, "skitty catalog: language must be one of %s\n", lang_names());
            return EXIT_USAGE;
        }
        if (c == 'c')
            config = optarg;
        if (c == 'n' && (top = atoi(optarg)) < 1) {
            fprintf(stderr, "skitty catalog: --top must be a positive number\n");
            return EXIT_USAGE;
        }
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == '?')
            return EXIT_USAGE;
    }
    bool known = !strcmp(sub, "check") || !strcmp(sub, "list") || !strcmp(sub, "search") ||
                 !strcmp(sub, "show");
    if (!known) {
        fprintf(stderr, "skitty catalog: unknown command '%s'\n\n", sub);
        usage(stderr);
        return EXIT_USAGE;
    }
    if ((!strcmp(sub, "search") || !strcmp(sub, "show")) && (!lang || optind >= argc)) {
        fprintf(stderr, "skitty catalog %s: needs --language and %s\n", sub,
                !strcmp(sub, "show") ? "a task id" : "a prompt");
        return EXIT_USAGE;
    }

    struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_USAGE;
    cleanup_free char *dir = xasprintf("%s/data/catalog", cfg.data_dir);
    struct catalog *cat = NULL;
    struct sk_err err;
    if (catalog_load(dir, &cat, &err) < 0) {
        fprintf(stderr, "skitty catalog: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    int ret = 0;
    if (!strcmp(sub, "check")) {
        for (int i = 0; i < LANG_COUNT; i++)
            printf("%s: %zu tasks\n", lang_get((enum lang_id)i)->name,
                   catalog_count(cat, lang_get((enum lang_id)i)));
    } else if (!strcmp(sub, "list")) {
        ret = cmd_list(cat, lang);
    } else if (!strcmp(sub, "show")) {
        const struct catalog_task *t = catalog_find(cat, lang, argv[optind]);
        if (!t) {
            fprintf(stderr, "skitty catalog: no %s task '%s'\n", lang->name, argv[optind]);
            ret = EXIT_USAGE;
        } else {
            fwrite(t->code, 1, t->code_len, stdout);
        }
    } else {
        /* The prompt is the rest of the arguments, joined by spaces. */
        size_t len = 1;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        cleanup_free char *prompt = xcalloc(1, len);
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(prompt, " ");
            strcat(prompt, argv[i]);
        }
        ret = cmd_search(cat, lang, prompt, top);
    }
    catalog_free(cat);
    return ret;
}
