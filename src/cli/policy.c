/*
 * skitty policy: the AST policy on its own, for the people who write and
 * deploy it.
 *
 *   skitty policy list [--lang L] [--format text|md|json]   the rules
 *   skitty policy check --lang L FILE|-                      the AST check alone
 *   skitty policy tree --lang L FILE|-                       the syntax tree to
 *                                                            write queries against
 *
 * The policy is read from <server.data_dir>/policy (or --policy DIR) with
 * checks.allow_categories applied (or --allow, which replaces it).
 */
#include "config.h"

#include "cli/cli.h"
#include "base/json.h"
#include "base/util.h"
#include "check/ast.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: skitty policy list [--lang L] [--format text|md|json]\n"
                 "       skitty policy check --lang L FILE|-\n"
                 "       skitty policy tree --lang L FILE|-\n\n"
                 "  list    the rules of the AST policy: id, category, severity, CWE, message\n"
                 "  check   hold one file against the AST policy alone; prints the\n"
                 "          ast_validation section as JSON\n"
                 "  tree    print the tree-sitter syntax tree of a file (to write queries)\n\n"
                 "  -l, --lang L        python, javascript, typescript or solidity\n"
                 "  -f, --format F      list format: text (default), md or json\n"
                 "  -p, --policy DIR    policy directory (default: <server.data_dir>/policy)\n"
                 "  -a, --allow CATS    allowed categories, comma-separated\n"
                 "                      (default: checks.allow_categories)\n"
                 "  -c, --config FILE   configuration file (also $SKITTY_CONFIG)\n\n"
                 "Exit codes (check): 0 nothing found, 1 advisories only (low/medium),\n"
                 "2 violations (high/critical), 3 the check could not complete; 64 usage.\n");
}

static const char *md_escape(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 2 < cap; s++) {
        if (*s == '|')
            buf[n++] = '\\';
        buf[n++] = *s;
    }
    buf[n] = 0;
    return buf;
}

static int list(const struct ast_policy *p, const struct lang *only, const char *format)
{
    bool md = strcmp(format, "md") == 0, js = strcmp(format, "json") == 0;
    json_t *arr = js ? json_array() : NULL;
    for (int l = 0; l < LANG_COUNT; l++) {
        const struct lang *lang = lang_get((enum lang_id)l);
        if (only && only != lang)
            continue;
        size_t n = ast_policy_rule_count(p, lang);
        if (md)
            printf(
                "\n### %s (%zu rules)\n\n| rule | category | severity | CWE | finds | message |\n"
                "|---|---|---|---|---|---|\n",
                lang->name, n);
        for (size_t i = 0; i < n; i++) {
            struct ast_rule_info ri;
            ast_policy_rule_info(p, lang, i, &ri);
            char how[64];
            snprintf(how, sizeof(how), "%s%s%s", ri.patterns ? "query " : "",
                     ri.names ? "names " : "", ri.check ? "check" : "");
            if (js) {
                json_t *o = json_object();
                json_object_set_new(o, "language", json_string(lang->name));
                json_object_set_new(o, "id", json_string(ri.id));
                json_object_set_new(o, "category", json_string(ri.category));
                json_object_set_new(o, "severity", json_string(severity_name(ri.severity)));
                json_object_set_new(o, "cwe", ri.cwe ? json_string(ri.cwe) : json_null());
                json_object_set_new(o, "message", json_string(ri.message));
                json_object_set_new(o, "patterns", json_integer(ri.patterns));
                json_object_set_new(o, "names", json_integer((json_int_t)ri.names));
                json_object_set_new(o, "check", json_boolean(ri.check));
                json_array_append_new(arr, o);
            } else if (md) {
                char msg[512];
                printf("| `%s` | %s | %s | %s | %s | %s |\n", ri.id, ri.category,
                       severity_name(ri.severity), ri.cwe ? ri.cwe : "", how,
                       md_escape(ri.message, msg, sizeof(msg)));
            } else {
                printf("%-12s %-28s %-24s %-8s %-8s %s\n", lang->name, ri.id, ri.category,
                       severity_name(ri.severity), ri.cwe ? ri.cwe : "-", ri.message);
            }
        }
    }
    if (js) {
        char *s = json_dumps(arr, JSON_INDENT(2));
        puts(s);
        free(s);
        json_decref(arr);
    }
    return 0;
}

int cmd_policy(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"format", required_argument, NULL, 'f'},
        {"policy", required_argument, NULL, 'p'},
        {"allow", required_argument, NULL, 'a'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lname = NULL, *format = "text", *dir = NULL, *allow = NULL, *config = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "l:f:p:a:c:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            lname = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'p':
            dir = optarg;
            break;
        case 'a':
            allow = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    const char *what = optind < argc ? argv[optind] : "";
    const char *file = optind + 1 < argc ? argv[optind + 1] : NULL;
    const struct lang *lang = lname ? lang_by_name(lname) : NULL;
    bool is_list = strcmp(what, "list") == 0;
    if ((lname && !lang) || (!is_list && strcmp(what, "check") && strcmp(what, "tree")) ||
        (!is_list && (!lang || !file || optind + 2 != argc)) || (is_list && optind + 1 != argc) ||
        (strcmp(format, "text") && strcmp(format, "md") && strcmp(format, "json"))) {
        if (lname && !lang)
            fprintf(stderr, "skitty policy: unknown language '%s' (one of %s)\n", lname,
                    lang_names());
        usage(stderr);
        return EXIT_USAGE;
    }
    static struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_INCOMPLETE;
    struct sk_err err;
    if (strcmp(what, "tree") == 0) {
        cleanup_free char *code = NULL, *tree = NULL;
        size_t len;
        if (cli_read_input(file, cfg.max_code_bytes, &code, &len) < 0)
            return EXIT_INCOMPLETE;
        if (ast_tree_string(lang, code, len, &tree, &err) < 0) {
            fprintf(stderr, "skitty policy: %s\n", err.msg);
            return EXIT_INCOMPLETE;
        }
        puts(tree);
        return 0;
    }
    cleanup_free char *pdir = dir ? xstrdup(dir) : xasprintf("%s/policy", cfg.data_dir);
    struct ast_policy *p = NULL;
    if (ast_policy_new(pdir, allow ? allow : cfg.allow_categories, &p, &err) < 0) {
        fprintf(stderr, "skitty policy: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    int rc = 0;
    if (is_list) {
        rc = list(p, lang, format);
    } else {
        cleanup_free char *code = NULL;
        size_t len;
        if (cli_read_input(file, cfg.max_code_bytes, &code, &len) < 0) {
            ast_policy_free(p);
            return EXIT_INCOMPLETE;
        }
        struct check_section s;
        check_section_init(&s);
        ast_policy_check(p, lang, code, len, NULL, &s);
        json_t *j = check_section_to_json(&s);
        char *out = json_dumps(j, JSON_INDENT(2));
        puts(out);
        free(out);
        json_decref(j);
        int sev = check_section_max_severity(&s);
        rc = s.status != CHECK_OK ? EXIT_INCOMPLETE
             : sev >= SEV_HIGH    ? EXIT_BLOCK
             : sev >= 0           ? EXIT_WARN
                                  : 0;
        check_section_close(&s);
    }
    ast_policy_free(p);
    return rc;
}
