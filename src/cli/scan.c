/*
 * skitty scan: check code with the AST policy and the static analysers and
 * print the security report, as JSON (the API's security_report) or as
 * SARIF 2.1.0 for code-scanning tools, or as text for people (each finding
 * with its code line quoted; several files at once, as a pre-commit hook
 * passes them). With --jsonl, scan many samples with the same warm workers
 * and print one report per line.
 *
 * The analysers run as warm workers in the sandbox, started for this run.
 * Exit codes: 0 pass, 1 warn, 2 block, 3 could not complete (a check did
 * not run, so the verdict is not final), 64 usage.
 */
#include "config.h"

#include "cli/cli.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"
#include "check/check.h"
#include "lang/lang.h"
#include "sandbox/sandbox.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: skitty scan [--lang LANG] [--format json|sarif] [--allow CATS] FILE|-\n"
            "       skitty scan [--lang LANG] --format text FILE...\n"
            "       skitty scan --jsonl FILE|-\n\n"
            "Check code with the AST policy and the static analysers (warm workers in\n"
            "the sandbox) and print the security report.\n\n"
            "  -l, --lang LANG      %s\n"
            "                       (default: from the file's extension: .py .js .mjs .ts .sol)\n"
            "  -f, --format FMT     json (default): {verdict, ast_validation, static_analysis};\n"
            "                       sarif: SARIF 2.1.0; text: findings with their code lines,\n"
            "                       for people (several FILEs may be given)\n"
            "  -a, --allow CATS     comma list of policy categories allowed for this scan\n"
            "  -j, --jsonl FILE     scan one {\"lang\", \"code\"[, \"id\"]} object per line and\n"
            "                       print one report per line (with \"id\" and \"ms\")\n"
            "  -c, --config FILE    configuration file\n\n"
            "Exit codes: 0 pass, 1 warn, 2 block, 3 could not complete (a check did not\n"
            "run), 64 usage. With --jsonl: the worst over all samples, 3 if any sample\n"
            "could not be scanned.\n",
            lang_names());
}

/* The exit code for one scan: a block is final even if a check failed. */
/*
 * The exit code for one scan: a block found in the findings is final even if
 * a check failed; otherwise a check that did not run makes it 3 (whatever
 * checks.on_incomplete turned the verdict into), else the verdict's code.
 */
static int exit_for(const struct checker *c, enum verdict v, const struct check_section *ast,
                    const struct check_section *stat)
{
    if (ast->status != CHECK_OK || stat->status != CHECK_OK) {
        /* The verdict on the findings alone, as if both checks had completed. */
        struct check_section a = *ast, s = *stat;
        a.status = s.status = CHECK_OK;
        const struct check_section *secs[] = {&a, &s};
        return checker_verdict(c, secs, 2) == VERDICT_BLOCK ? EXIT_BLOCK : EXIT_INCOMPLETE;
    }
    return v == VERDICT_BLOCK ? EXIT_BLOCK : v == VERDICT_WARN ? EXIT_WARN : 0;
}

/* Order of badness over several scans: pass < warn < block < incomplete < usage. */
static int rank(int code)
{
    switch (code) {
    case 0:
        return 0;
    case EXIT_WARN:
        return 1;
    case EXIT_BLOCK:
        return 2;
    case EXIT_INCOMPLETE:
        return 3;
    default:
        return 4;
    }
}

static int worse(int a, int b)
{
    return rank(b) > rank(a) ? b : a;
}

/* ---- SARIF 2.1.0 ----------------------------------------------------------- */

static const char *sarif_level(enum severity s)
{
    return s >= SEV_HIGH ? "error" : s == SEV_MEDIUM ? "warning" : "note";
}

/* GitHub code scanning reads properties.security-severity (0.0-10.0). */
static const char *security_severity(enum severity s)
{
    static const char *const v[] = {"3.0", "5.5", "8.0", "9.5"};
    return (unsigned)s < ARRAY_SIZE(v) ? v[s] : "5.5";
}

/* A file name as a URI reference: unreserved bytes and '/' kept, others %XX. */
static char *uri_of(const char *path)
{
    size_t n = strlen(path);
    char *out = xmalloc(n * 3 + 1), *p = out;
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
            strchr("-._~/", *s))
            *p++ = (char)*s;
        else
            p += sprintf(p, "%%%02X", *s);
    }
    *p = '\0';
    return out;
}

static json_t *sarif_rule(const struct finding *f, const char *id)
{
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("security"));
    json_array_append_new(tags, json_string(f->category));
    if (f->cwe && !strncmp(f->cwe, "CWE-", 4)) {
        char tag[64];
        snprintf(tag, sizeof(tag), "external/cwe/cwe-%s", f->cwe + 4);
        json_array_append_new(tags, json_string(tag));
    }
    return json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s, s:s*, s:o, s:s}}",
                     "id", id, "name", f->rule, "shortDescription", "text", id,
                     "defaultConfiguration", "level", sarif_level(f->severity), "properties",
                     "tool", f->tool, "category", f->category, "cwe", f->cwe, "tags", tags,
                     "security-severity", security_severity(f->severity));
}

static void sarif_add_section(const struct check_section *s, const char *name, const char *uri,
                              json_t *rules, json_t *rule_index, json_t *results,
                              json_t *notifications)
{
    if (s->status != CHECK_OK) {
        char text[512];
        snprintf(text, sizeof(text), "%s %s: %s", name, check_status_name(s->status),
                 s->error ? s->error : "did not run");
        json_array_append_new(notifications,
                              json_pack("{s:s, s:{s:s}}", "level", "error", "message", "text",
                                        text));
    }
    for (size_t i = 0; i < s->nfindings; i++) {
        const struct finding *f = &s->findings[i];
        char id[256];
        snprintf(id, sizeof(id), "%s/%s", f->tool, f->rule);
        json_t *idx = json_object_get(rule_index, id);
        if (!idx) {
            idx = json_integer((json_int_t)json_array_size(rules));
            json_object_set_new(rule_index, id, idx);
            json_array_append_new(rules, sarif_rule(f, id));
        }
        json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", uri);
        if (f->line > 0) {
            json_t *region = json_pack("{s:i}", "startLine", f->line);
            if (f->column > 0)
                json_object_set_new(region, "startColumn", json_integer(f->column));
            json_object_set_new(phys, "region", region);
        }
        json_t *props = json_pack("{s:s, s:s, s:s, s:s}", "tool", f->tool, "category",
                                  f->category, "severity", severity_name(f->severity),
                                  "check", name);
        if (f->cwe)
            json_object_set_new(props, "cwe", json_string(f->cwe));
        json_t *r = json_pack("{s:s, s:I, s:s, s:{s:o}, s:[{s:o}], s:o}", "ruleId", id,
                              "ruleIndex", json_integer_value(idx), "level",
                              sarif_level(f->severity), "message", "text",
                              sk_json_string_lossy(f->message, strlen(f->message)), "locations",
                              "physicalLocation", phys, "properties", props);
        json_array_append_new(results, r);
    }
}

static json_t *sarif_report(const char *file, enum verdict v, const struct check_section *ast,
                            const struct check_section *stat)
{
    cleanup_free char *uri = uri_of(strcmp(file, "-") == 0 ? "stdin" : file);
    json_t *rules = json_array(), *results = json_array(), *notes = json_array();
    cleanup_json json_t *rule_index = json_object();
    sarif_add_section(ast, "ast_validation", uri, rules, rule_index, results, notes);
    sarif_add_section(stat, "static_analysis", uri, rules, rule_index, results, notes);
    json_t *tools = json_array();
    for (size_t i = 0; i < stat->ntools; i++)
        json_array_append_new(tools, json_pack("{s:s, s:s}", "name", stat->tools[i].name,
                                               "version", stat->tools[i].version));
    bool complete = ast->status == CHECK_OK && stat->status == CHECK_OK;
    json_t *run = json_pack(
        "{s:{s:{s:s, s:s, s:o, s:{s:o}}}, s:[{s:{s:s}}], s:o, s:[{s:b, s:o}], s:{s:s}}",
        "tool", "driver", "name", "skitty", "version", SKITTY_VERSION, "rules", rules,
        "properties", "analysers", tools, "artifacts", "location", "uri", uri, "results",
        results, "invocations", "executionSuccessful", complete, "toolExecutionNotifications",
        notes, "properties", "verdict", verdict_name(v));
    return json_pack("{s:s, s:s, s:[o]}", "$schema",
                     "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
                     run);
}

/* ---- text ------------------------------------------------------------------ */

/* The text of line `n` (1-based) of `code`, into out (NUL-terminated, tabs kept). */
static void code_line(const char *code, int n, char *out, size_t outlen)
{
    const char *p = code;
    for (int i = 1; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    out[0] = '\0';
    if (!p || n < 1)
        return;
    size_t len = strcspn(p, "\r\n");
    snprintf(out, outlen, "%.*s", (int)(len < outlen - 1 ? len : outlen - 1), p);
}

static void text_section(const char *file, const char *code, const struct check_section *s)
{
    for (size_t i = 0; i < s->nfindings; i++) {
        const struct finding *f = &s->findings[i];
        printf("%s:%d:%d: %s %s [%s %s] %s%s%s%s\n", file, f->line, f->column,
               severity_name(f->severity), f->category, f->tool, f->rule, f->message,
               f->cwe ? " (" : "", f->cwe ? f->cwe : "", f->cwe ? ")" : "");
        char line[240];
        code_line(code, f->line, line, sizeof(line));
        if (f->line > 0 && line[0]) {
            printf("  %5d | %s\n", f->line, line);
            if (f->column > 0 && f->column <= (int)strlen(line) + 1) {
                printf("        | ");
                for (int c = 1; c < f->column; c++)
                    putchar(line[c - 1] == '\t' ? '\t' : ' ');
                printf("^\n");
            }
        }
    }
}

static void text_report(const char *file, const char *code, enum verdict v,
                        const struct check_section *ast, const struct check_section *stat)
{
    const char *name = strcmp(file, "-") == 0 ? "stdin" : file;
    static const char *const loud[] = {"PASS", "WARN", "BLOCK"};
    printf("%s: %s (%zu finding%s)\n", name, loud[v], ast->nfindings + stat->nfindings,
           ast->nfindings + stat->nfindings == 1 ? "" : "s");
    text_section(name, code, ast);
    text_section(name, code, stat);
    const struct check_section *secs[] = {ast, stat};
    const char *names[] = {"ast_validation", "static_analysis"};
    for (size_t i = 0; i < 2; i++)
        if (secs[i]->status != CHECK_OK)
            printf("%s: %s %s: %s\n", name, names[i], check_status_name(secs[i]->status),
                   secs[i]->error ? secs[i]->error : "did not run");
}

/* ---- scanning ------------------------------------------------------------ */

struct scan_ctx {
    struct sk_config cfg;
    struct checker *checker;
};

/* Run both checks; the caller closes the two sections. */
static enum verdict scan_one(struct scan_ctx *ctx, const struct lang *lang, const char *code,
                             size_t len, const char *allow, struct check_section *ast,
                             struct check_section *stat)
{
    check_section_init(ast);
    check_section_init(stat);
    checker_run(ctx->checker, lang, code, len, allow, ast, stat);
    const struct check_section *secs[] = {ast, stat};
    return checker_verdict(ctx->checker, secs, 2);
}

static int print_json(json_t *j, size_t flags)
{
    char *s = json_dumps(j, flags | JSON_ENSURE_ASCII);
    if (!s)
        return -ENOMEM;
    int ret = printf("%s\n", s) < 0 ? -EIO : 0;
    free(s);
    fflush(stdout);
    return ret;
}

static int scan_file(struct scan_ctx *ctx, const struct lang *lang, const char *file,
                     const char *format, const char *allow)
{
    cleanup_free char *code = NULL;
    size_t len;
    if (cli_read_input(file, ctx->cfg.max_code_bytes, &code, &len) < 0)
        return EXIT_INCOMPLETE;
    if (!sk_utf8_valid(code, len)) {
        fprintf(stderr, "skitty scan: %s: not valid UTF-8\n", file);
        return EXIT_INCOMPLETE;
    }
    if (!lang && !(lang = lang_by_path(file))) {
        fprintf(stderr, "skitty scan: %s: cannot tell the language from the name; use --lang\n",
                file);
        return EXIT_USAGE;
    }
    struct check_section ast, stat;
    enum verdict v = scan_one(ctx, lang, code, len, allow, &ast, &stat);
    int rc = exit_for(ctx->checker, v, &ast, &stat);
    if (!strcmp(format, "text")) {
        text_report(file, code, v, &ast, &stat);
        fflush(stdout);
    } else {
        cleanup_json json_t *out = strcmp(format, "sarif") == 0
                                       ? sarif_report(file, v, &ast, &stat)
                                       : check_report_json(v, &ast, &stat);
        if (print_json(out, JSON_INDENT(2)) < 0)
            rc = EXIT_INCOMPLETE;
    }
    check_section_close(&ast);
    check_section_close(&stat);
    return rc;
}

static void jsonl_error(json_t *id, long lineno, const char *msg)
{
    json_t *o = json_pack("{s:i, s:s}", "line", (json_int_t)lineno, "error", msg);
    if (id)
        json_object_set(o, "id", id);
    print_json(o, JSON_COMPACT);
    json_decref(o);
}

/* One sample line of --jsonl. Returns its exit code. */
static int jsonl_line(struct scan_ctx *ctx, const char *line, size_t len, long lineno)
{
    struct sk_err err;
    cleanup_json json_t *in = NULL;
    if (sk_json_parse(line, len, &in, &err) < 0 || !json_is_object(in)) {
        jsonl_error(NULL, lineno, in ? "line is not a JSON object" : err.msg);
        return EXIT_INCOMPLETE;
    }
    json_t *id = json_object_get(in, "id");
    const char *lang_name, *code, *allow;
    size_t code_len;
    if (sk_json_get_str(in, "lang", true, &lang_name, NULL, &err) < 0 ||
        sk_json_get_str(in, "code", true, &code, &code_len, &err) < 0 ||
        sk_json_get_str(in, "allow", false, &allow, NULL, &err) < 0) {
        jsonl_error(id, lineno, err.msg);
        return EXIT_INCOMPLETE;
    }
    const struct lang *lang = lang_by_name(lang_name);
    if (!lang) {
        jsonl_error(id, lineno, "unknown lang");
        return EXIT_INCOMPLETE;
    }
    if (code_len > ctx->cfg.max_code_bytes) {
        jsonl_error(id, lineno, "code larger than server.max_code_bytes");
        return EXIT_INCOMPLETE;
    }
    double t0 = sk_now_ms();
    struct check_section ast, stat;
    enum verdict v = scan_one(ctx, lang, code, code_len, allow, &ast, &stat);
    double ms = sk_now_ms() - t0;
    cleanup_json json_t *out = check_report_json(v, &ast, &stat);
    if (id)
        json_object_set(out, "id", id);
    json_object_set_new(out, "lang", json_string(lang->name));
    json_object_set_new(out, "ms", json_real(ms));
    int rc = exit_for(ctx->checker, v, &ast, &stat);
    check_section_close(&ast);
    check_section_close(&stat);
    print_json(out, JSON_COMPACT);
    return rc;
}

static int scan_jsonl(struct scan_ctx *ctx, const char *file)
{
    cleanup_file FILE *f = strcmp(file, "-") == 0 ? NULL : fopen(file, "re");
    FILE *in = strcmp(file, "-") == 0 ? stdin : f;
    if (!in) {
        fprintf(stderr, "skitty scan: %s: %s\n", file, strerror(errno));
        return EXIT_INCOMPLETE;
    }
    /* A line holds the code JSON-escaped: allow for escapes, then cap it. */
    size_t max_line = ctx->cfg.max_code_bytes * 6 + 4096;
    cleanup_buf struct sk_buf line;
    sk_buf_init(&line, max_line);
    long lineno = 0;
    int rc = 0;
    for (;;) {
        /* Read one line into the capped buffer; the rest of a longer one is skipped. */
        sk_buf_reset(&line);
        bool too_long = false;
        int c;
        while ((c = getc_unlocked(in)) != EOF && c != '\n') {
            char ch = (char)c;
            if (!too_long && sk_buf_append(&line, &ch, 1) < 0)
                too_long = true;
        }
        if (c == EOF && line.len == 0 && !too_long)
            break;
        lineno++;
        size_t n = line.len;
        while (n > 0 && line.data[n - 1] == '\r')
            n--;
        if (too_long) {
            jsonl_error(NULL, lineno, "line too long");
            rc = worse(rc, EXIT_INCOMPLETE);
        } else if (n > 0) {
            rc = worse(rc, jsonl_line(ctx, line.data, n, lineno));
        }
        if (c == EOF)
            break;
    }
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},   {"format", required_argument, NULL, 'f'},
        {"allow", required_argument, NULL, 'a'},  {"jsonl", required_argument, NULL, 'j'},
        {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *lang_name = NULL, *format = "json", *allow = NULL, *jsonl = NULL, *config = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "l:f:a:j:c:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l': lang_name = optarg; break;
        case 'f': format = optarg; break;
        case 'a': allow = optarg; break;
        case 'j': jsonl = optarg; break;
        case 'c': config = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    const struct lang *lang = NULL;
    if (jsonl) {
        if (optind != argc || lang_name) {
            fprintf(stderr, "skitty scan: --jsonl takes no FILE and no --lang\n");
            return EXIT_USAGE;
        }
    } else {
        bool text = !strcmp(format, "text");
        if (optind == argc || (!text && optind != argc - 1)) {
            usage(stderr);
            return EXIT_USAGE;
        }
        if (lang_name && !(lang = lang_by_name(lang_name))) {
            fprintf(stderr, "skitty scan: unknown language '%s' (one of %s)\n", lang_name,
                    lang_names());
            return EXIT_USAGE;
        }
        if (!text && strcmp(format, "json") != 0 && strcmp(format, "sarif") != 0) {
            fprintf(stderr, "skitty scan: unknown format '%s' (json, sarif or text)\n", format);
            return EXIT_USAGE;
        }
    }

    struct scan_ctx ctx = {0};
    if (cli_load_config(&ctx.cfg, config) < 0)
        return EXIT_USAGE;
    sk_log_set_json(0);
    struct sk_err err = {0};
    /* Before any thread: the sandbox's spawner forks from a single-threaded process. */
    if (sandbox_init(&ctx.cfg, &err) < 0) {
        fprintf(stderr, "skitty scan: sandbox: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }
    /* Only the workers this run needs start, on first use. */
    ctx.cfg.workers_at_boot = false;
    int rc;
    if (checker_new(&ctx.cfg, &ctx.checker, &err) < 0) {
        fprintf(stderr, "skitty scan: %s\n", err.msg);
        rc = EXIT_INCOMPLETE;
    } else {
        if (jsonl) {
            rc = scan_jsonl(&ctx, jsonl);
        } else {
            rc = 0;
            for (int i = optind; i < argc; i++)
                rc = worse(rc, scan_file(&ctx, lang, argv[i], format, allow));
        }
        checker_free(ctx.checker);
    }
    sandbox_shutdown();
    return rc;
}
