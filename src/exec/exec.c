/*
 * The runners (see exec.h): how each language's code is compiled and run
 * inside the sandbox, and how the sandbox's result becomes the contract's
 * execution_results.
 *
 * Every step that reads the untrusted code (the interpreter, esbuild,
 * solc-js) runs inside the sandbox; nothing here parses the code. The
 * compilers' output is untrusted too: it comes back through the capped
 * pipes and is parsed strictly (sk_json_parse) or passed on as text.
 */
#include "config.h"

#include "exec/exec.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
    bool ready;
    char python[PATH_MAX];       /* Debian's interpreter, never a pyenv shim */
    char node[PATH_MAX];
    char node_modules[PATH_MAX]; /* <data_dir>/node_modules */
    char runners[PATH_MAX];      /* <data_dir>/runners */
    char esbuild_dir[PATH_MAX];  /* the package holding esbuild's native binary */
    char esbuild[PATH_MAX];
} E;

/* The environment of every run: a fixed PATH, HOME and locale, nothing of ours. */
#define RUN_ENV "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", "TMPDIR=/tmp"
static const char *const run_env[] = {RUN_ENV, NULL};

/* The same, for a run holding a network grant: every client that honours
 * the usual proxy variables goes through the run's egress proxy. */
#define SK_STR_(x) #x
#define SK_STR(x) SK_STR_(x)
#define PROXY_URL "http://127.0.0.1:" SK_STR(NET_PROXY_PORT)
static const char *const run_env_net[] = {RUN_ENV,
                                          "http_proxy=" PROXY_URL,
                                          "https_proxy=" PROXY_URL,
                                          "HTTP_PROXY=" PROXY_URL,
                                          "HTTPS_PROXY=" PROXY_URL,
                                          NULL};

static bool executable(const char *path)
{
    return access(path, X_OK) == 0;
}

int exec_init(const struct sk_config *cfg, struct sk_err *err)
{
    /* Interpreters must live under /usr, the only system tree a run sees. */
    snprintf(E.python, sizeof(E.python), "/usr/bin/python3");
    static const char *const nodes[] = {"/usr/bin/node", "/usr/local/bin/node"};
    E.node[0] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(nodes) && !E.node[0]; i++)
        if (executable(nodes[i]))
            snprintf(E.node, sizeof(E.node), "%s", nodes[i]);

    char dd[PATH_MAX];
    if (!realpath(cfg->data_dir, dd))
        return sk_err_make(err, errno, "exec: data directory %s", cfg->data_dir);
    if (snprintf(E.node_modules, sizeof(E.node_modules), "%s/node_modules", dd) >=
            (int)sizeof(E.node_modules) ||
        snprintf(E.runners, sizeof(E.runners), "%s/runners", dd) >= (int)sizeof(E.runners) ||
        snprintf(E.esbuild_dir, sizeof(E.esbuild_dir), "%s/@esbuild/linux-x64",
                 E.node_modules) >= (int)sizeof(E.esbuild_dir) ||
        snprintf(E.esbuild, sizeof(E.esbuild), "%s/bin/esbuild", E.esbuild_dir) >=
            (int)sizeof(E.esbuild))
        return sk_err_msg(err, ENAMETOOLONG, "exec: data directory path too long");
    E.ready = true;
    return 0;
}

void exec_result_init(struct exec_result *res)
{
    memset(res, 0, sizeof(*res));
    res->compilation_status = "not_run";
}

void exec_result_close(struct exec_result *res)
{
    if (res->ran)
        sandbox_result_close(&res->run);
    free(res->compile_errors);
    free(res->summary);
    json_decref(res->network);
    exec_result_init(res);
}

/* ------------------------------------------------------------ helpers -- */

/* Run one step. With a grant, the step gets the egress proxy and
 * *network its report (replacing what was there). */
static int run_one(const char *const *argv, const char *file, const char *code, size_t len,
                   const char *stdin_data, size_t stdin_len, const char *const *binds,
                   const struct sandbox_limits *limits, const struct net_grant *grant,
                   struct sandbox_result *out, json_t **network, struct sk_err *err)
{
    struct sandbox_file f = {file, code, len, 0644};
    struct net_proxy *proxy = grant ? net_proxy_new(grant) : NULL;
    struct sandbox_net net = {NET_PROXY_PORT, net_proxy_attach, proxy};
    struct sandbox_spec spec = {
        .argv = argv,
        .env = grant ? run_env_net : run_env,
        .net = grant ? &net : NULL,
        .stdin_data = stdin_data,
        .stdin_len = stdin_data ? stdin_len : 0,
        .files = &f,
        .nfiles = 1,
        .ro_binds = binds,
        .workdir = "/work",
        .limits = *limits,
    };
    int rc = sandbox_run(&spec, out, err);
    if (proxy) {
        net_proxy_stop(proxy);
        json_decref(*network);
        *network = net_proxy_report(proxy);
        net_proxy_free(proxy);
    }
    return rc;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Python reports a parse error without a traceback: the file and line, the
 * source line with a caret, then "SyntaxError: ..." (or Indentation/Tab). */
static bool python_syntax_error(const struct sandbox_result *r)
{
    if (r->signal || r->exit_code != 1 || !r->err)
        return false;
    if (!starts_with(r->err, "  File \"/work/main.py\", line ") ||
        strstr(r->err, "Traceback (most recent call last)"))
        return false;
    return strstr(r->err, "\nSyntaxError: ") || strstr(r->err, "\nIndentationError: ") ||
           strstr(r->err, "\nTabError: ");
}

/* Node reports a parse error of the main file as "/work/main.js:N", the
 * line, a caret, "SyntaxError: ...", and a stack with none of the
 * program's own frames (a SyntaxError thrown at run time, by JSON.parse or
 * eval, has a frame in main.js). */
static bool node_syntax_error(const struct sandbox_result *r)
{
    if (r->signal || r->exit_code != 1 || !r->err || !starts_with(r->err, "/work/main.js:"))
        return false;
    const char *se = strstr(r->err, "\nSyntaxError: ");
    return se && !strstr(se, "(/work/main.js:");
}

static const char *status_or_not_run(const struct exec_result *res)
{
    return res->ran ? sandbox_status_name(res->run.status) : "not_run";
}

/* ----------------------------------------------------------- languages -- */

static int run_python(const char *code, size_t len, const char *in, size_t in_len,
                      const struct sandbox_limits *lim, const struct net_grant *grant,
                      struct exec_result *res, struct sk_err *err)
{
    /* -I: isolated (no environment variables, no user site, no script
     * directory on sys.path); -B: no .pyc; -u: unbuffered, so output written
     * before a timeout or a crash is not lost in a buffer. */
    const char *argv[] = {E.python, "-I", "-B", "-u", "main.py", NULL};
    int rc = run_one(argv, "main.py", code, len, in, in_len, NULL, lim, grant, &res->run,
                     &res->network, err);
    if (rc < 0)
        return rc;
    res->ran = true;
    res->compilation_status = python_syntax_error(&res->run) ? "failed" : "success";
    return 0;
}

static int run_node(const char *file, const char *code, size_t len, const char *in,
                    size_t in_len, bool source_maps, const struct sandbox_limits *lim,
                    const struct net_grant *grant, struct exec_result *res, struct sk_err *err)
{
    if (!E.node[0])
        return sk_err_msg(err, ENOENT, "exec: node not found in /usr/bin or /usr/local/bin");
    const char *argv[6] = {E.node};
    const char *const *binds = NULL;
    int argc = 1;
    /* With a grant, fetch() and the default http/https agents go through the
     * proxy (Node 20 ignores the proxy variables): the preload and its
     * undici are bound in. */
    char preload[PATH_MAX + 16];
    const char *net_binds[] = {E.node_modules, E.runners, NULL};
    if (grant) {
        snprintf(preload, sizeof(preload), "%s/net-proxy.js", E.runners);
        argv[argc++] = "--require";
        argv[argc++] = preload;
        binds = net_binds;
    }
    if (source_maps)
        argv[argc++] = "--enable-source-maps";
    argv[argc] = file;
    int rc = run_one(argv, file, code, len, in, in_len, binds, lim, grant, &res->run,
                     &res->network, err);
    if (rc < 0)
        return rc;
    res->ran = true;
    res->compilation_status = node_syntax_error(&res->run) ? "failed" : "success";
    return 0;
}

/* The limits of a compile step: the run's, with room for the compiler's
 * output (which is code, or JSON, not the program's prints). */
static struct sandbox_limits compile_limits(const struct sandbox_limits *lim, size_t len)
{
    struct sandbox_limits c = *lim;
    size_t need = 2 * len + (256u << 10);
    if (c.output_bytes < need)
        c.output_bytes = need > (16u << 20) ? (16u << 20) : need;
    return c;
}

static void add_times(struct sandbox_result *into, const struct sandbox_result *step)
{
    into->wall_ms += step->wall_ms;
    into->cpu_ms += step->cpu_ms;
    if (step->max_rss_kb > into->max_rss_kb)
        into->max_rss_kb = step->max_rss_kb;
}

static int run_typescript(const char *code, size_t len, const char *in, size_t in_len,
                          const struct sandbox_limits *lim, const struct net_grant *grant,
                          struct exec_result *res, struct sk_err *err)
{
    if (!executable(E.esbuild))
        return sk_err_msg(err, ENOENT, "exec: esbuild not found at %s (run npm ci)", E.esbuild);
    /* Transpile in the sandbox: esbuild reads untrusted code. The source
     * map goes inline so that node's stack traces name main.ts lines. */
    const char *argv[] = {E.esbuild, "main.ts", "--format=cjs", "--platform=node",
                          "--target=node20", "--sourcemap=inline", "--sources-content=false",
                          "--log-level=warning", "--color=false", NULL};
    const char *binds[] = {E.esbuild_dir, NULL};
    struct sandbox_limits cl = compile_limits(lim, len);
    struct sandbox_result tr;
    int rc = run_one(argv, "main.ts", code, len, NULL, 0, binds, &cl, NULL, &tr, NULL, err);
    if (rc < 0)
        return sk_err_wrap(err, "typescript transpile");
    if (tr.err_len)
        res->compile_errors = xstrndup(tr.err, tr.err_len);
    if (tr.status != SANDBOX_OK || tr.out_truncated) {
        /* The transpile failed (a syntax error) or did not finish: report
         * its result, nothing ran. */
        res->compilation_status = "failed";
        if (tr.status != SANDBOX_OK && tr.status != SANDBOX_RUNTIME_ERROR) {
            res->ran = true; /* timeout/memory: the compile step's status is the news */
            res->run = tr;
            free(res->run.out);
            res->run.out = xstrdup("");
            res->run.out_len = 0;
            return 0;
        }
        sandbox_result_close(&tr);
        return 0;
    }
    /* The wall-clock limit covers both steps: the program gets what the
     * transpile left (at least half a second, so a slow transpile on a
     * busy host still lets it start). */
    struct sandbox_limits rl = *lim;
    rl.wall_ms = lim->wall_ms - (int)tr.wall_ms;
    if (rl.wall_ms < 500)
        rl.wall_ms = 500;
    rc = run_node("main.js", tr.out, tr.out_len, in, in_len, true, &rl, grant, res, err);
    if (rc == 0) {
        res->compilation_status = "success";
        add_times(&res->run, &tr);
    }
    sandbox_result_close(&tr);
    return rc;
}

static int run_solidity(const char *code, size_t len, const struct sandbox_limits *lim,
                        struct exec_result *res, struct sk_err *err)
{
    char driver[PATH_MAX + 16], solc[PATH_MAX + 16];
    snprintf(driver, sizeof(driver), "%s/solc.js", E.runners);
    snprintf(solc, sizeof(solc), "%s/solc", E.node_modules);
    if (!E.node[0])
        return sk_err_msg(err, ENOENT, "exec: node not found in /usr/bin or /usr/local/bin");
    if (access(driver, R_OK) < 0)
        return sk_err_make(err, errno, "exec: %s", driver);
    if (access(solc, R_OK) < 0)
        return sk_err_make(err, errno, "exec: solc-js at %s (run npm ci)", solc);
    const char *argv[] = {E.node, driver, solc, "main.sol", NULL};
    const char *binds[] = {E.node_modules, E.runners, NULL};
    struct sandbox_limits cl = compile_limits(lim, len);
    int rc = run_one(argv, "main.sol", code, len, NULL, 0, binds, &cl, NULL, &res->run, NULL, err);
    if (rc < 0)
        return sk_err_wrap(err, "solidity compile");
    res->ran = true;
    res->compilation_status = "failed";

    cleanup_json json_t *j = NULL;
    struct sk_err jerr;
    if (res->run.status != SANDBOX_OK ||
        sk_json_parse(res->run.out, res->run.out_len, &j, &jerr) < 0 || !json_is_object(j)) {
        /* The compiler crashed, was killed or printed garbage: say so, and
         * keep its stderr. */
        struct sk_buf b;
        sk_buf_init(&b, 4096);
        sk_buf_printf(&b, "the Solidity compiler did not finish (%s)",
                      sandbox_status_name(res->run.status));
        res->compile_errors = sk_buf_steal(&b);
        res->summary = xstrdup("");
        return 0;
    }

    struct sk_buf sum, errs;
    sk_buf_init(&sum, 1 << 20);
    sk_buf_init(&errs, 4 << 20);
    bool failed = false;
    json_t *e, *list = json_object_get(j, "errors");
    size_t i;
    json_array_foreach(list, i, e) {
        const char *sev = json_string_value(json_object_get(e, "severity"));
        const char *text = json_string_value(json_object_get(e, "formatted"));
        if (sev && !strcmp(sev, "error"))
            failed = true;
        if (text)
            sk_buf_printf(&errs, "%s%s", errs.len ? "\n\n" : "", text);
    }
    const char *version = json_string_value(json_object_get(j, "version"));
    json_t *cs = json_object_get(j, "contracts");
    if (!failed) {
        sk_buf_printf(&sum, "solc %s: %zu contract(s)\n", version ? version : "?",
                      json_array_size(cs));
        json_array_foreach(cs, i, e) {
            const char *name = json_string_value(json_object_get(e, "name"));
            sk_buf_printf(&sum, "%s: %lld bytes of bytecode, %lld deployed\n", name ? name : "?",
                          (long long)json_integer_value(json_object_get(e, "bytecode_bytes")),
                          (long long)json_integer_value(json_object_get(e, "deployed_bytes")));
        }
    }
    res->compilation_status = failed ? "failed" : "success";
    res->summary = sum.data ? sk_buf_steal(&sum) : xstrdup("");
    res->compile_errors = errs.data ? sk_buf_steal(&errs) : NULL;
    sk_buf_close(&sum);
    sk_buf_close(&errs);
    if (failed) {
        /* Nothing to show as "run" when compilation failed. */
        sandbox_result_close(&res->run);
        res->ran = false;
    }
    return 0;
}

int exec_run(const struct lang *lang, const char *code, size_t len, const char *stdin_data,
             size_t stdin_len, const struct sandbox_limits *limits, const struct net_grant *grant,
             struct exec_result *res, struct sk_err *err)
{
    exec_result_init(res);
    if (!E.ready)
        return sk_err_msg(err, ESHUTDOWN, "exec: not initialised (call exec_init)");
    if (!lang)
        return sk_err_msg(err, EINVAL, "exec: no language");
    int rc;
    switch (lang->id) {
    case LANG_PYTHON:
        rc = run_python(code, len, stdin_data, stdin_len, limits, grant, res, err);
        break;
    case LANG_JAVASCRIPT:
        rc = run_node("main.js", code, len, stdin_data, stdin_len, false, limits, grant, res, err);
        break;
    case LANG_TYPESCRIPT:
        rc = run_typescript(code, len, stdin_data, stdin_len, limits, grant, res, err);
        break;
    case LANG_SOLIDITY:
        rc = run_solidity(code, len, limits, res, err);
        break;
    default:
        rc = sk_err_msg(err, EINVAL, "exec: no runner for %s", lang->name);
    }
    if (rc < 0)
        exec_result_close(res);
    return rc;
}

/* ---------------------------------------------------------------- JSON -- */

json_t *exec_result_to_json(const struct exec_result *res)
{
    json_t *o = json_object();
    const struct sandbox_result *r = &res->run;
    const char *out = res->summary ? res->summary : (res->ran ? r->out : "");
    size_t out_len = res->summary ? strlen(res->summary) : (res->ran ? r->out_len : 0);
    json_object_set_new(o, "output", sk_json_string_lossy(out ? out : "", out ? out_len : 0));

    struct sk_buf e;
    sk_buf_init(&e, SIZE_MAX / 2);
    if (res->compile_errors)
        sk_buf_puts(&e, res->compile_errors);
    if (res->ran && r->err_len && !res->summary) {
        if (e.len && e.data[e.len - 1] != '\n')
            sk_buf_puts(&e, "\n");
        sk_buf_append(&e, r->err, r->err_len);
    }
    json_object_set_new(o, "errors", sk_json_string_lossy(e.data ? e.data : "", e.len));
    sk_buf_close(&e);

    json_object_set_new(o, "compilation_status", json_string(res->compilation_status));
    json_object_set_new(o, "status", json_string(status_or_not_run(res)));
    json_object_set_new(o, "exit_code",
                        res->ran && !r->signal ? json_integer(r->exit_code) : json_null());
    json_object_set_new(o, "signal", res->ran && r->signal ? json_integer(r->signal) : json_null());
    json_object_set_new(o, "wall_ms", json_integer(res->ran ? r->wall_ms : 0));
    json_object_set_new(o, "cpu_ms", json_integer(res->ran ? r->cpu_ms : 0));
    json_object_set_new(o, "max_rss_kb", json_integer(res->ran ? r->max_rss_kb : 0));
    json_object_set_new(o, "output_truncated",
                        json_boolean(res->ran && (r->out_truncated || r->err_truncated)));
    if (res->network)
        json_object_set(o, "network", res->network);
    return o;
}
