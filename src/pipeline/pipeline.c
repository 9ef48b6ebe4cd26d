/*
 * The pipeline: stage sequence per endpoint (see pipeline.h).
 *
 * Each stage is a static function taking the request struct; the order is
 * spelled out once per endpoint at the bottom of this file. A part that is
 * not available (the sandbox on a host without user namespaces, a checker
 * that failed to load, the guard without its weights) makes its stage
 * report `unavailable`, and the verdict is then never `pass` (fail closed).
 */
#include "config.h"

#include "pipeline/pipeline.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/util.h"
#include "check/analysers.h"
#include "check/check.h"
#include "check/finding.h"
#include "exec/exec.h"
#include "guard/guard.h"
#include "model/model.h"
#include "sandbox/sandbox.h"
#include "store/audit.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A stage that would start with less time than this left is skipped. */
#define MIN_STAGE_MS 500

struct pipeline {
    const struct sk_config *cfg;     /* not owned; outlives the pipeline */
    struct model *model;
    struct audit *audit;
    struct checker *checker;         /* NULL when it could not be created */
    struct guard *guard;             /* NULL when it could not be created */
    bool sandbox_ok;
    char checker_error[SK_ERR_LEN];  /* why checker is NULL */
    char guard_error[SK_ERR_LEN];    /* why guard is NULL */
    char sandbox_error[SK_ERR_LEN];  /* why the sandbox is unusable */
    sem_t runs;                      /* sandbox runs at once */
    struct net_policy net;           /* what network grants may hold */
};

struct request {
    struct pipeline *p;                /* not owned */
    const struct pipeline_input *in;   /* not owned */
    double t0;                         /* sk_now_ms() at arrival */
    double deadline;                   /* sk_now_ms() by which the answer must be ready */
    int64_t arrived_ms;                /* wall clock at arrival */
    json_t *timings;                   /* {"stage": ms} */
    json_t *prompt_report;             /* the guard's section */
    const char *user_text;             /* the sanitised prompt/error the model sees; not owned */
    struct guard_report guard;         /* owns user_text when the guard ran */
    bool guard_ran;
    char canary[GUARD_CANARY_LEN];
    char *code;                        /* the candidate code; owned */
    char *first_code;                  /* the model's first answer, before repairs; owned */
    char *explanation;                 /* debug: the model's explanation; owned */
    char model_name[128];
    struct check_section ast;          /* ast_validation of `code` */
    struct check_section stat;         /* static_analysis of `code` */
    enum verdict verdict;
    char reason[256];                  /* why the verdict is not pass */
    json_t *repairs;                   /* security_report.repairs */
    json_t *rounds;                    /* the same with each round's code (audit detail) */
    json_t *introduced;                /* complete: findings the completion added */
    json_t *execution;                 /* execution_results, or NULL when not applicable */
    json_t *reproduced;                /* debug: the original code's run */
    struct net_grant grant;            /* the request's network grant, when has_grant */
    bool has_grant;
    int status;                        /* HTTP status; 200 until an error */
    char err_code[40];
    char err_msg[SK_ERR_LEN];
};

const char *endpoint_name(enum endpoint e)
{
    static const char *const names[] = {"generate", "complete", "debug"};
    return (unsigned)e < ARRAY_SIZE(names) ? names[e] : "unknown";
}

json_t *pipeline_error_json(const char *code, const char *message, const char *request_id)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_string(code));
    json_object_set_new(e, "message", sk_json_string_lossy(message, strlen(message)));
    json_t *o = json_object();
    json_object_set_new(o, "error", e);
    if (request_id)
        json_object_set_new(o, "request_id", json_string(request_id));
    return o;
}

/* ---------------------------------------------------------------- set-up */

int pipeline_new(const struct sk_config *cfg, struct pipeline **out, struct sk_err *err)
{
    struct pipeline *p = xcalloc(1, sizeof(*p));
    p->cfg = cfg;
    struct sk_err e;
    if (net_policy_from_config(cfg, &p->net, err) < 0) {
        free(p);
        return -EINVAL;
    }

    /* The sandbox first: its spawner must be forked before any thread exists. */
    if (sandbox_init(cfg, &e) < 0 || exec_init(cfg, &e) < 0) {
        snprintf(p->sandbox_error, sizeof(p->sandbox_error), "%s", e.msg);
        log_error("sandbox unavailable, nothing will be executed: %s", e.msg);
    } else {
        p->sandbox_ok = true;
    }
    if (checker_new(cfg, &p->checker, &e) < 0) {
        snprintf(p->checker_error, sizeof(p->checker_error), "%s", e.msg);
        log_error("checks unavailable: %s", e.msg);
        p->checker = NULL;
    }
    if (guard_new(cfg, &p->guard, &e) < 0) {
        snprintf(p->guard_error, sizeof(p->guard_error), "%s", e.msg);
        log_error("prompt guard unavailable: %s", e.msg);
        p->guard = NULL;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned slots = cfg->sandbox_slots > 0 ? (unsigned)cfg->sandbox_slots
                                            : (unsigned)(cpus > 0 ? cpus : 1);
    sem_init(&p->runs, 0, slots);

    int ret = model_new(cfg, &p->model, err);
    if (ret < 0) {
        pipeline_free(p);
        return sk_err_wrap(err, "model");
    }
    ret = audit_open(cfg->audit_db, &p->audit, err);
    if (ret < 0) {
        pipeline_free(p);
        return ret;
    }
    metrics_describe("skitty_sandbox_runs_total", "counter",
                     "Sandboxed runs by language and execution status.");
    metrics_describe("skitty_network_connections_total", "counter",
                     "Connections through the egress proxy of runs holding a grant, by "
                     "outcome (ok, or why it was refused or cut short).");
    metrics_describe("skitty_repair_rounds_total", "counter",
                     "Repair rounds by trigger and by whether they helped.");
    metrics_describe("skitty_worker_starts_total", "counter",
                     "Analyser worker processes started (first start, restarts, recycles).");
    metrics_describe("skitty_worker_crashes_total", "counter",
                     "Analyser workers that died or broke the protocol.");
    metrics_describe("skitty_worker_timeouts_total", "counter",
                     "Analyser workers killed for missing the per-request deadline.");
    metrics_describe("skitty_worker_recycles_total", "counter",
                     "Analyser workers retired after their request or memory limit.");
    metrics_describe("skitty_worker_requests_total", "counter",
                     "Check requests answered by each kind of analyser worker.");
    *out = p;
    return 0;
}

void pipeline_free(struct pipeline *p)
{
    if (!p)
        return;
    model_free(p->model);
    audit_close(p->audit);
    checker_free(p->checker);
    guard_free(p->guard);
    sem_destroy(&p->runs);
    free(p);
}

void pipeline_metrics(struct pipeline *p)
{
    static const char *const kinds[] = {"bandit", "eslint-js", "eslint-ts", "tsc", "solhint",
                                        "solc"};
    if (!p->checker)
        return;
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        struct analysers_stats st;
        if (analysers_stats(checker_analysers(p->checker), kinds[i], &st) < 0)
            continue;
        char labels[48];
        snprintf(labels, sizeof(labels), "worker=\"%s\"", kinds[i]);
        /* Cumulative counts kept by the pool: exposed as counters. */
        metrics_gauge("skitty_worker_starts_total", labels, (double)st.starts);
        metrics_gauge("skitty_worker_crashes_total", labels, (double)st.crashes);
        metrics_gauge("skitty_worker_timeouts_total", labels, (double)st.timeouts);
        metrics_gauge("skitty_worker_recycles_total", labels, (double)st.recycles);
        metrics_gauge("skitty_worker_requests_total", labels, (double)st.requests);
    }
}

bool pipeline_ready(struct pipeline *p, json_t *checks)
{
    bool audit_ok = audit_writable(p->audit);
    json_object_set_new(checks, "audit_log", json_boolean(audit_ok));
    json_object_set_new(checks, "sandbox", json_boolean(p->sandbox_ok));
    json_object_set_new(checks, "checks", json_boolean(p->checker != NULL));
    json_object_set_new(checks, "guard", json_boolean(p->guard != NULL));
    bool workers = p->checker && checker_warm(p->checker);
    json_object_set_new(checks, "workers_warm", json_boolean(workers));
    /* Lazily started workers are not a reason to turn traffic away. */
    return audit_ok && p->sandbox_ok && p->checker && p->guard &&
           (workers || !p->cfg->workers_at_boot);
}

/* ---------------------------------------------------------------- helpers */

/* A stage starts: tell the progress hook; returns the start time for timing(). */
static double begin(struct request *r, const char *stage)
{
    if (r->in->progress)
        r->in->progress(r->in->progress_ctx, stage, "start", 0);
    return sk_now_ms();
}

/* A stage ends: add its duration to timings[stage] and tell the progress hook. */
static void timing(struct request *r, const char *stage, double since)
{
    double ms = sk_now_ms() - since;
    json_t *old = json_object_get(r->timings, stage);
    double prev = old ? json_real_value(old) : 0;
    json_object_set_new(r->timings, stage, json_real(prev + ms));
    if (r->in->progress)
        r->in->progress(r->in->progress_ctx, stage, "end", ms);
}

static double remaining(const struct request *r)
{
    return r->deadline - sk_now_ms();
}

static void fail(struct request *r, int status, const char *code, const char *msg)
{
    r->status = status;
    snprintf(r->err_code, sizeof(r->err_code), "%s", code);
    snprintf(r->err_msg, sizeof(r->err_msg), "%s", msg);
}

static void model_failed(struct request *r, int ret, const struct sk_err *err)
{
    if (ret == -ETIMEDOUT)
        fail(r, 504, "model_timeout", err->msg);
    else if (ret == -ENOENT)
        fail(r, 422, "no_offline_answer", err->msg);
    else
        fail(r, 502, "model_error", err->msg);
}

static json_t *str(const char *s)
{
    return sk_json_string_lossy(s ? s : "", s ? strlen(s) : 0);
}

/* ------------------------------------------------------------- the guard */

/*
 * Guard: sanitise and score the user's prose (the prompt, or /debug's error
 * text). Returns 0 to go on, -1 when the guard refused the text (422). The
 * sanitised text is what the model will see.
 */
static int stage_guard(struct request *r, const char *text, size_t len)
{
    r->user_text = text;
    if (!r->p->guard) {
        r->prompt_report = json_pack("{s:s, s:s}", "status", "unavailable", "error",
                                     r->p->guard_error);
        return 0;
    }
    double t = begin(r, "guard");
    struct sk_err err;
    int ret = guard_check(r->p->guard, text, len, &r->guard, &err);
    timing(r, "guard", t);
    if (ret < 0) {
        fail(r, ret == -EMSGSIZE || ret == -E2BIG ? 413 : 400,
             ret == -EMSGSIZE || ret == -E2BIG ? "payload_too_large" : "bad_request", err.msg);
        return -1;
    }
    r->guard_ran = true;
    r->user_text = r->guard.text;
    /* The report keeps evidence (parts of the prompt) out unless prompts may be stored. */
    r->prompt_report =
        guard_report_to_json(&r->guard, r->p->cfg->log_prompts ? GUARD_JSON_EVIDENCE : 0);
    json_object_set_new(r->prompt_report, "status", json_string("ok"));
    if (r->guard.verdict == GUARD_BLOCK) {
        char msg[160];
        snprintf(msg, sizeof(msg), "the prompt guard refused this text (score %.2f, threshold %.2f)",
                 r->guard.score, r->guard.block_threshold);
        fail(r, 422, "prompt_rejected", msg);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- the model */

static enum guard_task guard_task_of(enum model_task t)
{
    switch (t) {
    case MODEL_GENERATE:
        return GUARD_TASK_GENERATE;
    case MODEL_COMPLETE:
        return GUARD_TASK_COMPLETE;
    case MODEL_DEBUG:
        return GUARD_TASK_DEBUG;
    case MODEL_REPAIR:
        return GUARD_TASK_REPAIR;
    }
    return GUARD_TASK_GENERATE;
}

/*
 * Ask the model. `code` and `error` are the task's inputs (the user's code,
 * or the candidate with the findings for a repair). On success the reply's
 * code becomes the candidate. A reply that leaks the canary or our system
 * prompt is treated as a model failure for repairs and blocks otherwise.
 * Returns 0, or a negative errno with the request failed (first call) or
 * not (repairs: `fatal` false).
 */
static int ask_model(struct request *r, enum model_task task, const char *code, const char *error,
                     const char *stage, bool fatal, struct sk_err *err)
{
    if (remaining(r) < MIN_STAGE_MS) {
        int ret = sk_err_msg(err, ETIMEDOUT, "the request's time budget is spent");
        if (fatal)
            fail(r, 504, "timeout", err->msg);
        return ret;
    }
    struct guard_fence fence = {0};
    struct guard_fence_input fin = {
        .task = guard_task_of(task),
        .lang = r->in->lang,
        .prompt = task == MODEL_GENERATE ? r->user_text : NULL,
        .code = code,
        .error = error,
        .canary = r->canary,
    };
    int ret = guard_fence_build(&fin, &fence, err);
    if (ret < 0) {
        if (fatal)
            fail(r, 500, "internal", err->msg);
        return ret;
    }
    struct model_request req = {
        .task = task,
        .lang = r->in->lang,
        .prompt = task == MODEL_GENERATE ? r->user_text : NULL,
        .code = code,
        .error = error,
        .system = fence.system,
        .user = fence.user,
        .request_id = r->in->request_id,
        .timeout_ms = (int)remaining(r),
    };
    struct model_reply reply;
    double t = begin(r, stage);
    ret = model_call(r->p->model, &req, &reply, err);
    timing(r, stage, t);
    guard_fence_close(&fence);
    if (ret < 0) {
        sk_log(SK_LOG_WARN, r->in->request_id, "model (%s) failed: %s", stage, err->msg);
        if (fatal)
            model_failed(r, ret, err);
        return ret;
    }
    enum guard_leak leak = guard_reply_leaks(r->p->guard, reply.raw ? reply.raw : "",
                                             reply.raw ? strlen(reply.raw) : 0, r->canary);
    if (leak != GUARD_LEAK_NONE) {
        model_reply_close(&reply);
        sk_log(SK_LOG_WARN, r->in->request_id, "model reply leaked: %s", guard_leak_name(leak));
        ret = sk_err_msg(err, EPERM, "the model's answer leaked %s",
                         leak == GUARD_LEAK_CANARY ? "the request's canary (a sign of injection)"
                                                   : "our system prompt's wording");
        if (fatal)
            fail(r, 502, "model_leak", err->msg);
        return ret;
    }
    snprintf(r->model_name, sizeof(r->model_name), "%s", reply.model);
    free(r->code);
    r->code = steal_pointer(&reply.code);
    if (!r->first_code)
        r->first_code = xstrdup(r->code);
    if (reply.explanation) {
        free(r->explanation);
        r->explanation = steal_pointer(&reply.explanation);
    }
    model_reply_close(&reply);
    return 0;
}

/* -------------------------------------------------------------- the checks */

/*
 * Check `code` into `ast` and `stat` (initialised here): the AST policy,
 * the static analysers and the secret scanner.
 */
static void check_code(struct request *r, const char *code, struct check_section *ast,
                       struct check_section *stat)
{
    check_section_init(ast);
    check_section_init(stat);
    if (!r->p->checker) {
        check_section_fail(ast, CHECK_UNAVAILABLE, r->p->checker_error);
        check_section_fail(stat, CHECK_UNAVAILABLE, r->p->checker_error);
        return;
    }
    size_t len = strlen(code);
    double t = begin(r, "ast");
    checker_run_ast(r->p->checker, r->in->lang, code, len, r->has_grant ? "network" : NULL, ast);
    timing(r, "ast", t);
    t = begin(r, "static");
    checker_run_static(r->p->checker, r->in->lang, code, len, stat);
    struct check_section secrets;
    check_section_init(&secrets);
    if (guard_scan_secrets(r->in->lang, code, len, &secrets) == 0)
        check_section_merge(stat, &secrets);
    else if (stat->status == CHECK_OK)
        check_section_fail(stat, CHECK_ERROR, "the secret scanner failed");
    check_section_close(&secrets);
    timing(r, "static", t);
}

/*
 * The verdict over the code's sections, failing closed: a guard that did
 * not run makes it at least warn, and so does any check that did not run
 * (checker_verdict sees to those).
 */
static enum verdict judge(struct request *r, const struct check_section *ast,
                          const struct check_section *stat, char *reason, size_t rlen)
{
    const struct check_section *sections[] = {ast, stat};
    enum verdict v = r->p->checker ? checker_verdict(r->p->checker, sections, 2) : VERDICT_WARN;
    reason[0] = '\0';
    if (v == VERDICT_BLOCK && ast->nfindings + stat->nfindings == 0) {
        /* checks.on_incomplete = block: a check that did not run blocks. */
        snprintf(reason, rlen, "a check did not run: %s",
                 ast->status != CHECK_OK ? (ast->error ? ast->error : "ast_validation")
                                         : (stat->error ? stat->error : "static_analysis"));
    } else if (v == VERDICT_BLOCK) {
        const struct check_section *s = ast->nfindings ? ast : stat;
        int max = check_section_max_severity(s);
        for (size_t i = 0; i < s->nfindings; i++)
            if ((int)s->findings[i].severity == max || s == ast) {
                snprintf(reason, rlen, "%s (%s, line %d): %s", s->findings[i].rule,
                         s->findings[i].category, s->findings[i].line, s->findings[i].message);
                break;
            }
    } else if (ast->status != CHECK_OK || stat->status != CHECK_OK) {
        snprintf(reason, rlen, "a check did not run: %s",
                 ast->status != CHECK_OK ? (ast->error ? ast->error : "ast_validation")
                                         : (stat->error ? stat->error : "static_analysis"));
        if (v == VERDICT_PASS)
            v = VERDICT_WARN;
    } else if (v == VERDICT_WARN) {
        snprintf(reason, rlen, "findings below the block threshold");
    }
    if (v == VERDICT_PASS && !r->guard_ran && r->prompt_report) {
        snprintf(reason, rlen, "the prompt guard did not run");
        v = VERDICT_WARN;
    }
    return v;
}

static void stage_checks(struct request *r)
{
    check_section_close(&r->ast);
    check_section_close(&r->stat);
    check_code(r, r->code, &r->ast, &r->stat);
    r->verdict = judge(r, &r->ast, &r->stat, r->reason, sizeof(r->reason));
}

/* The findings as the model should read them: one per line. */
static char *findings_text(const struct check_section *a, const struct check_section *b)
{
    struct sk_buf t;
    sk_buf_init(&t, 64 * 1024);
    const struct check_section *secs[] = {a, b};
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; i < secs[s]->nfindings; i++) {
            const struct finding *f = &secs[s]->findings[i];
            if (sk_buf_printf(&t, "line %d: %s (%s, %s): %s\n", f->line, f->rule, f->category,
                              severity_name(f->severity), f->message) < 0)
                break;
        }
    return sk_buf_steal(&t);
}

static json_t *findings_json(const struct check_section *a, const struct check_section *b)
{
    json_t *arr = json_array();
    const struct check_section *secs[] = {a, b};
    for (size_t s = 0; s < 2; s++) {
        json_t *sec = check_section_to_json(secs[s]);
        json_array_extend(arr, json_object_get(sec, "findings"));
        json_decref(sec);
    }
    return arr;
}

/*
 * After a round: the explanation follows the code that is kept. A kept
 * round's explanation is added to what came before; a dropped round's is
 * dropped with its code. `prev` is the explanation before the round
 * (owned; consumed).
 */
static void settle_explanation(struct request *r, char *prev, bool kept)
{
    if (!kept) {
        free(r->explanation);
        r->explanation = prev;
        return;
    }
    if (prev && r->explanation && strcmp(prev, r->explanation) != 0) {
        char *joined = xasprintf("%s\n\n%s", prev, r->explanation);
        free(r->explanation);
        r->explanation = joined;
    } else if (prev && !r->explanation) {
        r->explanation = steal_pointer(&prev);
    }
    free(prev);
}

/*
 * Settle a repair candidate: when kept, its code (already in r->code), its
 * sections and its verdict replace the request's; when not, the code from
 * `before` comes back and the candidate's sections are dropped. Either way
 * `ast` and `stat` are consumed.
 */
static void settle_candidate(struct request *r, bool kept, const char *before,
                             struct check_section *ast, struct check_section *stat,
                             enum verdict v, const char *reason)
{
    if (!kept) {
        free(r->code);
        r->code = xstrdup(before);
        check_section_close(ast);
        check_section_close(stat);
        return;
    }
    check_section_close(&r->ast);
    check_section_close(&r->stat);
    r->ast = *ast;
    r->stat = *stat;
    r->verdict = v;
    snprintf(r->reason, sizeof(r->reason), "%s", reason);
}

/* Record one repair round in the report and the audit detail. */
static void record_round(struct request *r, const char *trigger, json_t *findings,
                         const char *verdict, const char *error, const char *code_before,
                         const char *code_after, bool kept)
{
    int round = (int)json_array_size(r->repairs) + 1;
    json_t *o = json_pack("{s:i, s:s, s:o, s:b}", "round", round, "trigger", trigger, "findings",
                          findings, "kept", kept);
    if (verdict)
        json_object_set_new(o, "verdict", json_string(verdict));
    if (error)
        json_object_set_new(o, "error", str(error));
    json_array_append(r->repairs, o);
    json_t *d = json_deep_copy(o);
    json_object_set_new(d, "code_before", str(code_before));
    if (code_after)
        json_object_set_new(d, "code_after", str(code_after));
    json_array_append_new(r->rounds, d);
    json_decref(o);
    char labels[80];
    snprintf(labels, sizeof(labels), "trigger=\"%s\",kept=\"%s\"", trigger, kept ? "yes" : "no");
    metrics_count("skitty_repair_rounds_total", labels, 1);
}

/*
 * The repair loop: while the verdict is block or warn, send the findings
 * back to the model with the code and check what comes back, at most
 * pipeline.repair_rounds times. A round whose code is judged worse than
 * what it replaces is not kept, and ends the loop.
 */
static void stage_repair(struct request *r)
{
    for (int round = 0; round < r->p->cfg->repair_rounds && r->verdict != VERDICT_PASS; round++) {
        /* Only findings can be repaired: a verdict from a check that did not run cannot. */
        if (r->ast.nfindings + r->stat.nfindings == 0)
            return;
        const char *trigger = verdict_name(r->verdict);
        json_t *findings = findings_json(&r->ast, &r->stat);
        cleanup_free char *text = findings_text(&r->ast, &r->stat);
        cleanup_free char *before = xstrdup(r->code);
        char *prev = r->explanation ? xstrdup(r->explanation) : NULL;
        struct sk_err err;
        if (ask_model(r, MODEL_REPAIR, before, text, "repair", false, &err) < 0) {
            free(prev);
            record_round(r, trigger, findings, NULL, err.msg, before, NULL, false);
            return;
        }
        struct check_section ast, stat;
        char reason[256];
        check_code(r, r->code, &ast, &stat);
        enum verdict v = judge(r, &ast, &stat, reason, sizeof(reason));
        bool better = v < r->verdict ||
                      (v == r->verdict && ast.nfindings + stat.nfindings <
                                              r->ast.nfindings + r->stat.nfindings);
        record_round(r, trigger, findings, verdict_name(v), NULL, before, r->code, better);
        settle_explanation(r, prev, better);
        settle_candidate(r, better, before, &ast, &stat, v, reason);
        if (!better)
            return;
    }
}

/* ---------------------------------------------------------- the sandbox */

/* execution_results for code that was not run, and why. */
static json_t *not_run(const char *why)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:n, s:n, s:i, s:i, s:i, s:b, s:s}", "output", "",
                     "errors", "", "compilation_status", "not_run", "status", "not_run",
                     "exit_code", "signal", "wall_ms", 0, "cpu_ms", 0, "max_rss_kb", 0,
                     "output_truncated", 0, "reason", why);
}

/* Count a run's proxied connections by outcome (the reasons are a fixed set). */
static void count_connections(json_t *network)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(network, "connections"), i, c) {
        const char *reason = json_string_value(json_object_get(c, "reason"));
        char labels[64];
        snprintf(labels, sizeof(labels), "outcome=\"%s\"", reason ? reason : "ok");
        metrics_count("skitty_network_connections_total", labels, 1);
    }
}

/*
 * Run `code` in the sandbox and return its execution_results (a new
 * reference); *clean is set when it compiled and exited 0. Holds one of the
 * pipeline's sandbox slots only while it runs, so a slow model never holds
 * one.
 */
static json_t *run_code(struct request *r, const char *code, const char *stage, bool *clean)
{
    *clean = false;
    if (!r->p->sandbox_ok)
        return not_run(r->p->sandbox_error);
    struct sandbox_limits limits;
    sandbox_limits_default(&limits, r->p->cfg);
    double left = remaining(r);
    if (left < limits.wall_ms)
        limits.wall_ms = left > MIN_STAGE_MS ? (int)left : MIN_STAGE_MS;

    double t = begin(r, stage);
    /* Where running is compiling (Solidity), the warm compiler does it. */
    json_t *compiled = NULL;
    struct sk_err cerr;
    if (r->p->checker &&
        checker_compile(r->p->checker, r->in->lang, code, strlen(code), &compiled, &cerr) == 0) {
        timing(r, stage, t);
        *clean = !strcmp(json_string_value(json_object_get(compiled, "compilation_status")),
                         "success");
        return compiled;
    }
    sem_wait(&r->p->runs);
    struct exec_result res;
    struct sk_err err;
    exec_result_init(&res);
    int ret = exec_run(r->in->lang, code, strlen(code), NULL, 0, &limits,
                       r->has_grant ? &r->grant : NULL, &res, &err);
    sem_post(&r->p->runs);
    timing(r, stage, t);
    json_t *j;
    if (ret < 0) {
        sk_log(SK_LOG_ERROR, r->in->request_id, "sandbox failed: %s", err.msg);
        j = not_run(err.msg);
    } else {
        j = exec_result_to_json(&res);
        *clean = !strcmp(json_string_value(json_object_get(j, "status")), "ok") &&
                 strcmp(res.compilation_status, "failed") != 0;
        exec_result_close(&res);
    }
    char labels[96];
    snprintf(labels, sizeof(labels), "language=\"%s\",status=\"%s\"", r->in->lang->name,
             json_string_value(json_object_get(j, "status")));
    metrics_count("skitty_sandbox_runs_total", labels, 1);
    count_connections(json_object_get(j, "network"));
    return j;
}


/* The error text of a run, for the model: compiler errors and stderr. */
static char *run_errors(json_t *exec)
{
    const char *e = json_string_value(json_object_get(exec, "errors"));
    const char *st = json_string_value(json_object_get(exec, "status"));
    return xasprintf("%s%s(status: %s)", e ? e : "", e && *e ? "\n" : "", st ? st : "?");
}

/*
 * Execute the candidate (never when blocked). When `retry` is set and the
 * run fails, the error goes back to the model once and the answer is
 * checked and run again; the better of the two is kept.
 */
static void stage_exec(struct request *r, bool retry)
{
    if (r->verdict == VERDICT_BLOCK) {
        r->execution = not_run("blocked by the checks: never executed");
        return;
    }
    bool clean;
    r->execution = run_code(r, r->code, "exec", &clean);
    if (clean || !retry || !r->p->sandbox_ok || r->p->cfg->repair_rounds == 0 ||
        json_object_get(r->execution, "reason"))
        return;

    cleanup_free char *error = run_errors(r->execution);
    cleanup_free char *before = xstrdup(r->code);
    char *prev = r->explanation ? xstrdup(r->explanation) : NULL;
    struct sk_err err;
    if (ask_model(r, MODEL_DEBUG, before, error, "repair", false, &err) < 0) {
        free(prev);
        record_round(r, "runtime_error", json_array(), NULL, err.msg, before, NULL, false);
        return;
    }
    struct check_section ast, stat;
    char reason[256];
    check_code(r, r->code, &ast, &stat);
    enum verdict v = judge(r, &ast, &stat, reason, sizeof(reason));
    bool rerun_clean = false;
    json_t *rerun = v == VERDICT_BLOCK || v > r->verdict ? NULL
                                                         : run_code(r, r->code, "exec", &rerun_clean);
    record_round(r, "runtime_error", findings_json(&ast, &stat), verdict_name(v), NULL, before,
                 r->code, rerun_clean);
    settle_explanation(r, prev, rerun_clean);
    settle_candidate(r, rerun_clean, before, &ast, &stat, v, reason);
    if (!rerun_clean) {
        json_decref(rerun);
        return;
    }
    json_decref(r->execution);
    r->execution = rerun;
}

/* ------------------------------------------------------------- /complete */

/*
 * Findings of the completed code that the prefix did not have (counted per
 * rule, syntax errors of the unfinished prefix aside). Any such finding at
 * the block level, or any new AST policy violation, blocks; the judge sees
 * to that already because the whole is checked.
 */
static void stage_introduced(struct request *r)
{
    struct check_section past, pstat;
    check_code(r, r->in->code, &past, &pstat);
    r->introduced = json_array();
    const struct check_section *now[] = {&r->ast, &r->stat};
    const struct check_section *before[] = {&past, &pstat};
    for (size_t s = 0; s < 2; s++) {
        json_t *sec = check_section_to_json(now[s]);
        json_t *f = json_object_get(sec, "findings");
        for (size_t i = 0; i < now[s]->nfindings; i++) {
            const struct finding *n = &now[s]->findings[i];
            if (!strcmp(n->category, "syntax"))
                continue;
            size_t had = 0, has = 0;
            for (size_t j = 0; j < before[s]->nfindings; j++)
                had += !strcmp(before[s]->findings[j].rule, n->rule);
            for (size_t j = 0; j <= i; j++)
                has += !strcmp(now[s]->findings[j].rule, n->rule);
            if (has > had)
                json_array_append(r->introduced, json_array_get(f, i));
        }
        json_decref(sec);
    }
    check_section_close(&past);
    check_section_close(&pstat);
}

/* ---------------------------------------------------------------- /debug */

/*
 * Reproduce the user's error: check their code and, unless it is blocked,
 * run it in the sandbox. The run's errors go to the model next to the text
 * the user sent (which may be old, partial, or not an error at all).
 */
static char *stage_reproduce(struct request *r)
{
    struct check_section ast, stat;
    char reason[256];
    check_code(r, r->in->code, &ast, &stat);
    enum verdict v = judge(r, &ast, &stat, reason, sizeof(reason));
    bool clean = false;
    /* A program with a syntax error never starts, so syntax findings alone do
     * not stop the reproduction; anything else that blocks does. */
    bool only_syntax = ast.status == CHECK_OK;
    for (size_t i = 0; i < ast.nfindings; i++)
        only_syntax &= !strcmp(ast.findings[i].category, "syntax");
    /* The analysers report the same syntax error (bandit, ESLint, tsc, solc). */
    for (size_t i = 0; i < stat.nfindings; i++)
        only_syntax &= !strcmp(stat.findings[i].category, "syntax");
    if (v == VERDICT_BLOCK && !only_syntax) {
        char why[320];
        snprintf(why, sizeof(why), "the submitted code is blocked, so it was not run: %s",
                 reason);
        r->reproduced = not_run(why);
    } else {
        r->reproduced = run_code(r, r->in->code, "reproduce", &clean);
    }
    json_object_set_new(r->reproduced, "verdict", json_string(verdict_name(v)));
    /* The original code's security findings go to the model with the error,
     * so that a fix can remove them too (and a model can repair code it
     * could not see fail). */
    cleanup_free char *findings = ast.nfindings + stat.nfindings ? findings_text(&ast, &stat)
                                                                 : NULL;
    json_object_set_new(r->reproduced, "findings", findings_json(&ast, &stat));
    check_section_close(&ast);
    check_section_close(&stat);
    const char *errors = json_string_value(json_object_get(r->reproduced, "errors"));
    const char *status = json_string_value(json_object_get(r->reproduced, "status"));
    const char *compiled = json_string_value(json_object_get(r->reproduced, "compilation_status"));
    /* A compiler's errors (tsc/esbuild, solc) are a reproduction too: the
     * program never ran because it did not compile. */
    bool ran = strcmp(status, "not_run") != 0 || (compiled && !strcmp(compiled, "failed"));
    /* Does the sandbox's error match what the user reported? Compare the
     * last non-empty line of the user's text (the exception line). */
    char last[256] = "";
    const char *p = r->user_text, *line = p;
    for (; *p; p++)
        if (*p == '\n' && p[1] && p[1] != '\n')
            line = p + 1;
    snprintf(last, sizeof(last), "%.*s", (int)strcspn(line, "\r\n"), line);
    json_object_set_new(r->reproduced, "matches_reported",
                        json_boolean(ran && *last && errors && strstr(errors, last)));
    json_object_set_new(r->reproduced, "failed", json_boolean(ran && !clean));
    struct sk_buf b;
    sk_buf_init(&b, 4u << 20);
    sk_buf_puts(&b, r->user_text);
    if (ran && !clean)
        sk_buf_printf(&b, "\n\nReproduced in the sandbox:\n%s", errors ? errors : "");
    if (findings)
        sk_buf_printf(&b, "\n\nSecurity findings in this code:\n%s", findings);
    return sk_buf_steal(&b);
}

/* ------------------------------------------------------------- response */

static json_t *security_report(const struct request *r)
{
    json_t *rep = json_object();
    json_object_set_new(rep, "verdict", json_string(verdict_name(r->verdict)));
    if (r->reason[0])
        json_object_set_new(rep, "reason", str(r->reason));
    if (r->prompt_report)
        json_object_set(rep, "prompt", r->prompt_report);
    json_object_set_new(rep, "static_analysis", check_section_to_json(&r->stat));
    json_object_set_new(rep, "ast_validation", check_section_to_json(&r->ast));
    json_object_set(rep, "repairs", r->repairs);
    if (r->introduced)
        json_object_set(rep, "introduced", r->introduced);
    return rep;
}

static json_t *response(struct request *r)
{
    if (r->status != 200) {
        json_t *e = pipeline_error_json(r->err_code, r->err_msg, r->in->request_id);
        if (r->prompt_report && !strcmp(r->err_code, "prompt_rejected"))
            json_object_set_new(e, "security_report",
                                json_pack("{s:O}", "prompt", r->prompt_report));
        return e;
    }
    bool withhold = r->verdict == VERDICT_BLOCK && r->p->cfg->withhold_blocked;
    const char *code = withhold || !r->code ? "" : r->code;
    json_t *o = json_object();
    json_object_set_new(o, "request_id", json_string(r->in->request_id));
    switch (r->in->endpoint) {
    case ENDPOINT_GENERATE:
        json_object_set_new(o, "code", str(code));
        break;
    case ENDPOINT_COMPLETE:
        json_object_set_new(o, "completed_code", str(code));
        break;
    case ENDPOINT_DEBUG:
        json_object_set_new(o, "fixed_code", str(code));
        json_object_set_new(o, "explanation", str(withhold ? "" : r->explanation));
        break;
    }
    if (withhold)
        json_object_set_new(o, "withheld", json_true());
    json_object_set_new(o, "security_report", security_report(r));
    if (r->execution)
        json_object_set(o, "execution_results", r->execution);
    if (r->reproduced) {
        json_object_set(o, "reproduced", r->reproduced);
        /* Whether the fix removed the error: only said when the sandbox saw
         * the error first (null when the original code could not be run). */
        const char *st = json_string_value(json_object_get(r->execution, "status"));
        const char *cs = json_string_value(json_object_get(r->execution, "compilation_status"));
        bool failed = json_is_true(json_object_get(r->reproduced, "failed"));
        bool seen = failed || !strcmp(json_string_value(json_object_get(r->reproduced, "status")),
                                      "ok");
        json_object_set_new(o, "error_fixed",
                            seen ? json_boolean(failed && st && !strcmp(st, "ok") &&
                                                (!cs || strcmp(cs, "failed")))
                                 : json_null());
    }
    json_object_set_new(o, "model", json_string(r->model_name));
    json_object_set(o, "timings", r->timings);
    return o;
}

/* Audit: one record per request. Returns 0 or a negative errno. */
static int stage_audit(struct request *r, json_t *body, struct sk_err *err)
{
    double t = begin(r, "audit");
    cleanup_free char *timings = sk_json_dumps(r->timings);
    cleanup_free char *resp = sk_json_dumps(body);
    /* The detail keeps what the answer may not show (withheld code) and the
     * user's input when prompts may be stored: for review and for exports. */
    json_t *d = json_object();
    if (r->code)
        json_object_set_new(d, "final_code", str(r->code));
    if (r->first_code)
        json_object_set_new(d, "first_code", str(r->first_code));
    json_object_set(d, "rounds", r->rounds);
    if (r->p->cfg->log_prompts && r->in->code)
        json_object_set_new(d, "input_code", sk_json_string_lossy(r->in->code, r->in->code_len));
    if (r->p->cfg->log_prompts && r->in->error)
        json_object_set_new(d, "input_error",
                            sk_json_string_lossy(r->in->error, r->in->error_len));
    cleanup_free char *detail = sk_json_dumps(d);
    json_decref(d);
    char error[SK_ERR_LEN + 48] = "";
    if (r->status != 200)
        snprintf(error, sizeof(error), "%s: %s", r->err_code, r->err_msg);
    struct audit_record rec = {
        .id = r->in->request_id,
        .ts_ms = r->arrived_ms,
        .endpoint = endpoint_name(r->in->endpoint),
        .language = r->in->lang->name,
        .key_name = r->in->key_name,
        .status = r->status,
        .verdict = r->status == 200 ? verdict_name(r->verdict) : NULL,
        .findings = (int)(r->ast.nfindings + r->stat.nfindings),
        .timings_json = timings,
        .model = r->model_name[0] ? r->model_name : NULL,
        .error = error[0] ? error : NULL,
        .prompt = r->p->cfg->log_prompts ? r->in->prompt : NULL,
        .response_json = resp,
        .detail_json = detail,
    };
    int ret = audit_append(r->p->audit, &rec, err);
    timing(r, "audit", t);
    return ret;
}

int pipeline_audit_refusal(struct pipeline *p, enum endpoint e, const char *request_id,
                           const char *key_name, int status, const char *code,
                           const char *message)
{
    char error[SK_ERR_LEN + 48];
    snprintf(error, sizeof(error), "%s: %s", code, message);
    struct audit_record rec = {
        .id = request_id,
        .ts_ms = sk_wall_ms(),
        .endpoint = endpoint_name(e),
        .key_name = key_name,
        .status = status,
        .timings_json = "{}",
        .error = error,
    };
    struct sk_err err;
    int ret = audit_append(p->audit, &rec, &err);
    if (ret < 0)
        sk_log(SK_LOG_ERROR, request_id, "%s", err.msg);
    return ret;
}

/* ------------------------------------------------------------- endpoints */

/* A network grant is judged before anything else: refused, nothing runs. */
static int stage_network(struct request *r)
{
    if (!r->in->net_nallow)
        return 0;
    struct sk_err err;
    int ret = net_grant_make(&r->p->net, r->in->net_allow, r->in->net_nallow, &r->grant, &err);
    if (ret < 0) {
        fail(r, ret == -EPERM ? 403 : 400, ret == -EPERM ? "network_refused" : "bad_request",
             err.msg);
        return ret;
    }
    r->has_grant = true;
    return 0;
}

static void generate(struct request *r)
{
    if (stage_guard(r, r->in->prompt, r->in->prompt_len) < 0)
        return;
    struct sk_err err;
    if (ask_model(r, MODEL_GENERATE, NULL, NULL, "model", true, &err) < 0)
        return;
    stage_checks(r);
    stage_repair(r);
    stage_exec(r, true);
}

static void complete(struct request *r)
{
    struct sk_err err;
    if (ask_model(r, MODEL_COMPLETE, r->in->code, NULL, "model", true, &err) < 0)
        return;
    stage_checks(r);
    stage_repair(r);
    stage_introduced(r);
}

static void debug(struct request *r)
{
    if (stage_guard(r, r->in->error, r->in->error_len) < 0)
        return;
    cleanup_free char *error = stage_reproduce(r);
    struct sk_err err;
    if (ask_model(r, MODEL_DEBUG, r->in->code, error, "model", true, &err) < 0)
        return;
    stage_checks(r);
    stage_repair(r);
    stage_exec(r, true);
}

void pipeline_handle(struct pipeline *p, const struct pipeline_input *in,
                     struct pipeline_output *out)
{
    struct request r = {.p = p, .in = in, .status = 200, .verdict = VERDICT_WARN};
    r.t0 = sk_now_ms();
    r.deadline = r.t0 + p->cfg->request_timeout_s * 1000.0;
    r.arrived_ms = sk_wall_ms();
    r.timings = json_object();
    r.repairs = json_array();
    r.rounds = json_array();
    check_section_init(&r.ast);
    check_section_init(&r.stat);
    if (guard_canary_new(r.canary) < 0)
        r.canary[0] = '\0';

    if (stage_network(&r) == 0) {
        switch (in->endpoint) {
        case ENDPOINT_GENERATE:
            generate(&r);
            break;
        case ENDPOINT_COMPLETE:
            complete(&r);
            break;
        case ENDPOINT_DEBUG:
            debug(&r);
            break;
        }
    }

    json_t *body = response(&r);
    struct sk_err err;
    if (stage_audit(&r, body, &err) < 0) {
        /* Never answer without a record. */
        sk_log(SK_LOG_ERROR, in->request_id, "%s", err.msg);
        json_decref(body);
        r.status = 503;
        body = pipeline_error_json("audit_unavailable",
                                   "the audit log cannot be written; request not served",
                                   in->request_id);
    } else if (r.status == 200) {
        json_object_set_new(json_object_get(body, "timings"), "total",
                            json_real(sk_now_ms() - r.t0));
    }
    out->status = r.status;
    out->body = body;

    json_decref(r.timings);
    json_decref(r.prompt_report);
    if (r.guard_ran)
        guard_report_close(&r.guard);
    json_decref(r.execution);
    json_decref(r.reproduced);
    json_decref(r.repairs);
    json_decref(r.rounds);
    json_decref(r.introduced);
    free(r.code);
    free(r.first_code);
    free(r.explanation);
    check_section_close(&r.ast);
    check_section_close(&r.stat);
}

void pipeline_output_close(struct pipeline_output *out)
{
    json_decref(out->body);
    out->body = NULL;
}
