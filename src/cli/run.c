/*
 * skitty run: run one file of code in the sandbox and print the contract's
 * execution_results as JSON.
 *
 *   skitty run --lang python prog.py
 *   echo 'console.log(1)' | skitty run --lang javascript -
 *
 * Exits 0 when the sandbox worked, whatever the program did (its fate is
 * in "status" and "exit_code"); 3 when the sandbox itself failed (with a
 * message naming what failed); 64 on bad usage. The limits may be changed
 * per run, within the configured maxima. --allow HOST:PORT (repeatable)
 * grants the run network to those destinations through the egress proxy,
 * when the configuration's [network] section permits it (net/net.h);
 * the JSON then has a "network" report of every connection.
 */
#include "config.h"

#include "cli/cli.h"
#include "base/json.h"
#include "base/util.h"
#include "exec/exec.h"
#include "lang/lang.h"
#include "net/net.h"
#include "sandbox/sandbox.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: skitty run [--lang LANG] [OPTIONS] FILE|-\n\n"
            "Run code in the sandbox and print execution_results as JSON.\n"
            "LANG is one of %s (default: from the file's extension).\n\n"
            "options:\n"
            "  --lang LANG        language of the code\n"
            "  --timeout SECONDS  wall-clock limit (default [sandbox] wall_s, max max_wall_s)\n"
            "  --memory MIB       memory limit (default [sandbox] memory_mb, max max_memory_mb)\n"
            "  --cpus N           CPU quota in cores, e.g. 0.5 (default [sandbox] cpus)\n"
            "  --pids N           process and thread limit (default [sandbox] pids, max 4096)\n"
            "  --output-kb N      cap per output stream (default [sandbox] output_kb, max 16384)\n"
            "  --stdin FILE       feed FILE to the program's standard input\n"
            "  --allow HOST:PORT  network to this destination through the egress proxy\n"
            "                     (repeatable; needs [network] grants = true and an\n"
            "                     allowlist covering it)\n"
            "  --pretty           indent the JSON\n"
            "  --config PATH      configuration file (default $SKITTY_CONFIG)\n\n"
            "Exit codes: 0 the sandbox worked (whatever the program did);\n"
            "3 the sandbox failed; 64 usage.\n",
            lang_names());
}

/* Parse a positive number no larger than `max`; false on anything else. */
static bool parse_num(const char *s, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > max)
        return false;
    *out = v;
    return true;
}

static const struct lang *lang_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (int i = 0; dot && i < LANG_COUNT; i++)
        if (!strcmp(dot, lang_get((enum lang_id)i)->ext))
            return lang_get((enum lang_id)i);
    return NULL;
}

int cmd_run(int argc, char **argv)
{
    enum { OPT_LANG = 1, OPT_TIMEOUT, OPT_MEMORY, OPT_CPUS, OPT_PIDS, OPT_OUTPUT, OPT_STDIN,
           OPT_PRETTY, OPT_CONFIG, OPT_ALLOW, OPT_HELP };
    static const struct option opts[] = {
        {"lang", required_argument, NULL, OPT_LANG},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"cpus", required_argument, NULL, OPT_CPUS},
        {"pids", required_argument, NULL, OPT_PIDS},
        {"output-kb", required_argument, NULL, OPT_OUTPUT},
        {"stdin", required_argument, NULL, OPT_STDIN},
        {"pretty", no_argument, NULL, OPT_PRETTY},
        {"allow", required_argument, NULL, OPT_ALLOW},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *lang_name = NULL, *config = NULL, *stdin_path = NULL;
    const char *o_timeout = NULL, *o_memory = NULL, *o_cpus = NULL, *o_pids = NULL,
               *o_output = NULL;
    const char *allow[NET_MAX_RULES + 1];
    size_t nallow = 0;
    bool pretty = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_LANG: lang_name = optarg; break;
        case OPT_TIMEOUT: o_timeout = optarg; break;
        case OPT_MEMORY: o_memory = optarg; break;
        case OPT_CPUS: o_cpus = optarg; break;
        case OPT_PIDS: o_pids = optarg; break;
        case OPT_OUTPUT: o_output = optarg; break;
        case OPT_STDIN: stdin_path = optarg; break;
        case OPT_PRETTY: pretty = true; break;
        case OPT_ALLOW:
            if (nallow == NET_MAX_RULES + 1) {
                fprintf(stderr, "skitty run: at most %d --allow\n", NET_MAX_RULES);
                return EXIT_USAGE;
            }
            allow[nallow++] = optarg;
            break;
        case OPT_CONFIG: config = optarg; break;
        case 'h':
        case OPT_HELP: usage(stdout); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *input = argv[optind];

    const struct lang *lang = lang_name ? lang_by_name(lang_name) : lang_from_path(input);
    if (!lang) {
        if (lang_name)
            fprintf(stderr, "skitty run: unknown language '%s' (one of %s)\n", lang_name,
                    lang_names());
        else
            fprintf(stderr, "skitty run: give --lang (one of %s)\n", lang_names());
        return EXIT_USAGE;
    }

    struct sk_config cfg;
    if (cli_load_config(&cfg, config) < 0)
        return EXIT_USAGE;

    struct sandbox_limits lim;
    sandbox_limits_default(&lim, &cfg);
    double v;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (o_timeout) {
        if (!parse_num(o_timeout, cfg.sandbox_max_wall_s, &v)) {
            fprintf(stderr, "skitty run: --timeout must be a number of seconds, at most %d\n",
                    cfg.sandbox_max_wall_s);
            return EXIT_USAGE;
        }
        lim.wall_ms = (int)(v * 1000);
        if (lim.wall_ms < 1)
            lim.wall_ms = 1;
    }
    if (o_memory) {
        if (!parse_num(o_memory, cfg.sandbox_max_memory_mb, &v) || v < 16) {
            fprintf(stderr, "skitty run: --memory must be 16 to %d (MiB)\n",
                    cfg.sandbox_max_memory_mb);
            return EXIT_USAGE;
        }
        lim.memory_bytes = (int64_t)v << 20;
    }
    if (o_cpus) {
        if (!parse_num(o_cpus, ncpu > 0 ? (double)ncpu : 1, &v) || v < 0.01) {
            fprintf(stderr, "skitty run: --cpus must be 0.01 to %ld\n", ncpu);
            return EXIT_USAGE;
        }
        lim.cpu_millicores = (int)(v * 1000);
    }
    if (o_pids) {
        if (!parse_num(o_pids, 4096, &v) || v < 4 || v != (int)v) {
            fprintf(stderr, "skitty run: --pids must be an integer from 4 to 4096\n");
            return EXIT_USAGE;
        }
        lim.pids = (int)v;
    }
    if (o_output) {
        if (!parse_num(o_output, 16384, &v) || v != (int)v) {
            fprintf(stderr, "skitty run: --output-kb must be an integer from 1 to 16384\n");
            return EXIT_USAGE;
        }
        lim.output_bytes = (size_t)v << 10;
    }

    struct sk_err err;
    struct net_policy netpol;
    struct net_grant grant;
    if (nallow && (net_policy_from_config(&cfg, &netpol, &err) < 0 ||
                   net_grant_make(&netpol, allow, nallow, &grant, &err) < 0)) {
        fprintf(stderr, "skitty run: %s\n", err.msg);
        return EXIT_USAGE;
    }

    /* Before anything else starts a thread (and before reading input, so a
     * broken host is reported first). */
    if (sandbox_init(&cfg, &err) < 0 || exec_init(&cfg, &err) < 0) {
        fprintf(stderr, "skitty run: %s\n", err.msg);
        return EXIT_INCOMPLETE;
    }

    char *code = NULL, *in = NULL;
    size_t len = 0, in_len = 0;
    int status = EXIT_INCOMPLETE;
    if (cli_read_input(input, cfg.max_code_bytes, &code, &len) < 0) {
        status = EXIT_USAGE;
        goto out;
    }
    if (stdin_path && cli_read_input(stdin_path, SANDBOX_MAX_STDIN, &in, &in_len) < 0) {
        status = EXIT_USAGE;
        goto out;
    }

    struct exec_result res;
    if (exec_run(lang, code, len, in, in_len, &lim, nallow ? &grant : NULL, &res, &err) < 0) {
        fprintf(stderr, "skitty run: %s\n", err.msg);
        goto out;
    }
    json_t *j = exec_result_to_json(&res);
    char *text = json_dumps(j, pretty ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
                                      : JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text) {
        puts(text);
        free(text);
        status = 0;
    }
    json_decref(j);
    exec_result_close(&res);
out:
    free(code);
    free(in);
    sandbox_shutdown();
    return status;
}
