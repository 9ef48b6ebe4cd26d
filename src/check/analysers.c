/*
 * The analyser worker pool (see analysers.h).
 *
 * Each kind of analyser (bandit, eslint-js, eslint-ts, tsc, solhint, solc)
 * has a fixed number of slots, each holding at most one worker process. A
 * request takes an idle slot under the pool mutex, then talks to its worker
 * without the mutex, so a slow tool never holds up another kind. A slot
 * whose worker is missing or dead is (re)started by the thread that took
 * it. A worker that times out, dies, or answers out of protocol is killed on
 * the spot and its request's section is `unavailable`: no retry, since the
 * same input would likely do the same again, and a retry would double the
 * time an attacker can make us spend.
 */
#include "config.h"

#include "check/analysers.h"
#include "check/adapter.h"
#include "check/analysers-internal.h"
#include "check/worker.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A reply to check is findings; past this the worker is misbehaving. */
#define MAX_CHECK_REPLY (4u << 20)
/* A reply to compile carries ABI and bytecode. */
#define MAX_COMPILE_REPLY (32u << 20)
/* Starting a worker includes its warm-up (tsc parses its libraries). */
#define MIN_START_TIMEOUT_MS 30000
/* Recycle once a worker's memory passes this share of its hard limit. */
#define RECYCLE_MEMORY_PERCENT 75

struct slot {
    struct worker *w;   /* NULL when not running */
    bool busy;          /* taken by a request */
    unsigned requests;  /* answered by the current process */
    char version[32];   /* from the current process's ping */
};

struct kind_pool {
    struct slot *slots; /* owned array of nslots */
    int nslots;
    pthread_cond_t idle; /* signalled when a slot is released */
    struct analysers_stats stats;
};

struct analysers {
    pthread_mutex_t mu;                /* guards slots' busy flags and stats */
    struct kind_pool kinds[AK_COUNT];
    char workers_dir[PATH_MAX];        /* <data_dir>/workers */
    char node_modules[PATH_MAX];       /* <data_dir>/node_modules */
    char node[PATH_MAX];               /* the node binary */
    char python[PATH_MAX];             /* Debian's python, where bandit lives */
    char heap_flag[64];                /* --max-old-space-size=N for node */
    int timeout_ms;                    /* per request (checks.worker_timeout_ms) */
    int start_timeout_ms;              /* start, warm-up and first ping */
    unsigned max_requests;             /* recycle after this many (checks.worker_max_requests) */
    int64_t memory_bytes;              /* hard limit of each worker */
    size_t max_code;                   /* server.max_code_bytes */
    bool sandboxed;                    /* false only in tests (analysers_opts.unsandboxed) */
    bool eager;                        /* workers_at_boot: refill a slot as soon as it empties */
    bool closing;                      /* analysers_free() has begun: no more refills */
    int refilling;                     /* refill threads running (under mu) */
    pthread_cond_t refilled;           /* signalled when one ends */
};

static const char *const worker_env[] = {
    "PATH=/usr/bin:/bin",
    "HOME=/tmp",
    "LANG=C.UTF-8",
    "NO_COLOR=1",
    "PYTHONDONTWRITEBYTECODE=1",
    "PYTHONIOENCODING=utf-8",
    NULL,
};

static bool find_exe(char *out, size_t n, const char *const *candidates)
{
    for (; *candidates; candidates++)
        if (access(*candidates, X_OK) == 0) {
            snprintf(out, n, "%s", *candidates);
            return true;
        }
    return false;
}

/* ---- one request on one slot ------------------------------------------ */

static int slot_ensure(struct analysers *a, enum analyser_kind k, struct slot *s,
                       struct sk_err *err);
static void release(struct analysers *a, enum analyser_kind k, struct slot *s);

/* Take an idle slot of kind `k`, waiting for one if all are busy. */
static struct slot *acquire(struct analysers *a, enum analyser_kind k)
{
    struct kind_pool *kp = &a->kinds[k];
    pthread_mutex_lock(&a->mu);
    for (;;) {
        for (int i = 0; i < kp->nslots; i++)
            if (!kp->slots[i].busy) {
                kp->slots[i].busy = true;
                pthread_mutex_unlock(&a->mu);
                return &kp->slots[i];
            }
        pthread_cond_wait(&kp->idle, &a->mu);
    }
}

/* Give a slot back and wake one waiter. */
static void release(struct analysers *a, enum analyser_kind k, struct slot *s)
{
    pthread_mutex_lock(&a->mu);
    s->busy = false;
    if (s == &a->kinds[k].slots[0])
        a->kinds[k].stats.pid = s->w ? worker_pid(s->w) : 0;
    pthread_cond_signal(&a->kinds[k].idle);
    pthread_mutex_unlock(&a->mu);
}

struct refill {
    struct analysers *a;
    enum analyser_kind kind;
    struct slot *slot;
};

static void *refill_main(void *arg)
{
    struct refill *r = arg;
    struct sk_err err = {0};
    if (slot_ensure(r->a, r->kind, r->slot, &err) < 0)
        log_warn("analyser %s: %s", analyser_kind_info(r->kind)->name, err.msg);
    release(r->a, r->kind, r->slot);
    pthread_mutex_lock(&r->a->mu);
    r->a->refilling--;
    pthread_cond_broadcast(&r->a->refilled);
    pthread_mutex_unlock(&r->a->mu);
    free(r);
    return NULL;
}

/*
 * Hand a slot back after a request. When workers start at boot, a slot
 * whose worker was just killed or recycled is refilled at once, by a thread
 * of its own that keeps the slot until the new worker answers its ping, so
 * the next request does not pay for the start (0.2-2 s). Lazily started
 * pools leave that to the next request.
 */
static void finish(struct analysers *a, enum analyser_kind k, struct slot *s)
{
    if (a->eager && !s->w) {
        pthread_mutex_lock(&a->mu);
        bool go = !a->closing;
        if (go)
            a->refilling++;
        pthread_mutex_unlock(&a->mu);
        if (go) {
            struct refill *r = xmalloc(sizeof(*r));
            *r = (struct refill){.a = a, .kind = k, .slot = s};
            pthread_attr_t attr;
            pthread_t t;
            pthread_attr_init(&attr);
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            int rc = pthread_create(&t, &attr, refill_main, r);
            pthread_attr_destroy(&attr);
            if (rc == 0)
                return;
            free(r);
            pthread_mutex_lock(&a->mu);
            a->refilling--;
            pthread_mutex_unlock(&a->mu);
        }
    }
    release(a, k, s);
}

/* Count an event in a kind's stats (under the mutex). */
#define STAT_INC(a, k, field)                                                                     \
    do {                                                                                          \
        pthread_mutex_lock(&(a)->mu);                                                             \
        (a)->kinds[k].stats.field++;                                                              \
        pthread_mutex_unlock(&(a)->mu);                                                           \
    } while (0)

/* Log the tail of a failed worker's stderr: the tool's own account of why. */
static void log_stderr(enum analyser_kind k, struct worker *w)
{
    if (!w)
        return;
    cleanup_free char *tail = worker_stderr(w);
    size_t n = strlen(tail);
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == ' '))
        tail[--n] = '\0';
    if (n)
        log_warn("analyser %s: worker stderr: %s", analyser_kind_info(k)->name,
                 n > 400 ? tail + n - 400 : tail);
}

static void slot_stop(struct slot *s)
{
    worker_free(s->w);
    s->w = NULL;
    s->requests = 0;
    s->version[0] = '\0';
}

/*
 * Make sure the slot has a live, answering worker: start one if it has
 * none (or if the old one died while idle, which counts as a crash), and
 * ping it within the start timeout, which covers the tool's warm-up.
 */
static int slot_ensure(struct analysers *a, enum analyser_kind k, struct slot *s,
                       struct sk_err *err)
{
    if (s->w && worker_alive(s->w))
        return 0;
    if (s->w) {
        STAT_INC(a, k, crashes);
        log_warn("analyser %s: worker died while idle; restarting", analyser_kind_info(k)->name);
        slot_stop(s);
    }
    const struct analyser_kind_info *info = analyser_kind_info(k);
    char program[PATH_MAX + 64];
    snprintf(program, sizeof(program), "%s/%s", a->workers_dir, info->program);
    const char *argv[8];
    int n = 0;
    if (info->runtime == RT_PYTHON) {
        argv[n++] = a->python;
        argv[n++] = "-I"; /* ignore PYTHON* variables and the user's site dir */
    } else {
        argv[n++] = a->node;
        argv[n++] = a->heap_flag;
    }
    argv[n++] = program;
    if (info->arg)
        argv[n++] = info->arg;
    argv[n] = NULL;
    const char *binds[] = {a->workers_dir, a->node_modules, NULL};
    struct worker_spec spec = {
        .argv = argv,
        .env = worker_env,
        .ro_binds = binds,
        .memory_bytes = a->memory_bytes,
        .pids = 32,
        .sandboxed = a->sandboxed,
    };
    STAT_INC(a, k, starts);
    int ret = worker_start(&spec, &s->w, err);
    if (ret < 0)
        return sk_err_wrap(err, "start %s worker", info->name);
    static const char ping[] = "{\"op\":\"ping\"}";
    cleanup_free char *reply = NULL;
    size_t rlen;
    ret = worker_request(s->w, ping, sizeof(ping) - 1, a->start_timeout_ms, 64 * 1024, &reply,
                         &rlen, err);
    if (ret == 0)
        ret = adapter_parse_ping(reply, rlen, s->version, sizeof(s->version), err);
    if (ret < 0) {
        log_stderr(k, s->w);
        slot_stop(s);
        return sk_err_wrap(err, "%s worker did not start", info->name);
    }
    pthread_mutex_lock(&a->mu);
    snprintf(a->kinds[k].stats.version, sizeof(a->kinds[k].stats.version), "%s", s->version);
    pthread_mutex_unlock(&a->mu);
    log_debug("analyser %s: worker started (%s %s)", info->name, info->tool, s->version);
    return 0;
}

/*
 * One request/reply on a started slot. A failed exchange kills the worker
 * (it is out of step or stuck); a success counts towards recycling.
 */
static int slot_exchange(struct analysers *a, enum analyser_kind k, struct slot *s,
                         const char *req, size_t len, size_t max_reply, char **reply,
                         size_t *rlen, struct sk_err *err)
{
    int ret = worker_request(s->w, req, len, a->timeout_ms, max_reply, reply, rlen, err);
    if (ret < 0) {
        if (ret == -ETIMEDOUT)
            STAT_INC(a, k, timeouts);
        else
            STAT_INC(a, k, crashes);
        log_warn("analyser %s: %s; killing the worker", analyser_kind_info(k)->name, err->msg);
        log_stderr(k, s->w);
        slot_stop(s);
    }
    return ret;
}

/* Retire the worker after max_requests or once it has grown too big. */
static void slot_maybe_recycle(struct analysers *a, enum analyser_kind k, struct slot *s)
{
    if (!s->w)
        return;
    s->requests++;
    bool old = s->requests >= a->max_requests;
    int64_t kb = worker_memory_kb(s->w);
    bool fat = kb > 0 && kb * 1024 > a->memory_bytes / 100 * RECYCLE_MEMORY_PERCENT;
    if (old || fat) {
        log_debug("analyser %s: recycling the worker (%u requests, %lld KiB)",
                  analyser_kind_info(k)->name, s->requests, (long long)kb);
        STAT_INC(a, k, recycles);
        slot_stop(s);
    }
}

static char *make_request(const char *op, const char *code, size_t len, bool relax)
{
    cleanup_json json_t *req = json_object();
    json_object_set_new(req, "op", json_string(op));
    json_object_set_new(req, "code", sk_json_string_lossy(code, len));
    if (relax)
        json_object_set_new(req, "relax_pragma", json_true());
    return sk_json_dumps(req);
}

/*
 * Run one analyser kind on the code into `out` (a fresh section): findings
 * and the tool's run on success (status ok), or the status and reason.
 */
static void run_kind(struct analysers *a, enum analyser_kind k, const char *code, size_t len,
                     struct check_section *out)
{
    const struct analyser_kind_info *info = analyser_kind_info(k);
    struct sk_err err = {0};
    cleanup_free char *req = make_request("check", code, len, false);
    struct slot *s = acquire(a, k);
    double t0 = sk_now_ms();
    cleanup_free char *reply = NULL;
    size_t rlen = 0;
    int ret = slot_ensure(a, k, s, &err);
    if (ret == 0) {
        t0 = sk_now_ms();
        ret = slot_exchange(a, k, s, req, strlen(req), MAX_CHECK_REPLY, &reply, &rlen, &err);
    }
    double ms = sk_now_ms() - t0;
    char version[32];
    snprintf(version, sizeof(version), "%s", s->version);
    if (ret == 0) {
        ret = adapter_parse_check(k, reply, rlen, out, &err);
        if (ret == -EPROTO) {
            /* The reply was not a valid answer: the worker is out of order. */
            STAT_INC(a, k, crashes);
            slot_stop(s);
        }
    }
    if (ret == 0 || ret == -EREMOTEIO)
        slot_maybe_recycle(a, k, s);
    finish(a, k, s);

    if (ret == 0) {
        STAT_INC(a, k, requests);
        check_section_tool(out, info->tool, version, ms);
        out->status = CHECK_OK;
        return;
    }
    STAT_INC(a, k, failures);
    char why[SK_ERR_LEN + 64];
    snprintf(why, sizeof(why), "%s: %s", info->name, err.msg);
    /* The tool ran and refused this input: an error. Anything else: it did not run. */
    check_section_fail(out, ret == -EREMOTEIO ? CHECK_ERROR : CHECK_UNAVAILABLE, why);
}

struct job {
    struct analysers *a;
    enum analyser_kind kind;
    const char *code;
    size_t len;
    struct check_section sec;
    pthread_t thread;
    bool threaded;
};

static void *job_main(void *arg)
{
    struct job *j = arg;
    run_kind(j->a, j->kind, j->code, j->len, &j->sec);
    return NULL;
}

/* Fold one tool's section into the language's: ok only if all are ok. */
static void fold(struct check_section *out, struct check_section *one, bool *all_ok,
                 struct sk_buf *why)
{
    if (one->status != CHECK_OK) {
        if (*all_ok || one->status == CHECK_UNAVAILABLE)
            out->status = one->status;
        *all_ok = false;
        if (why->len)
            sk_buf_puts(why, "; ");
        sk_buf_puts(why, one->error ? one->error : "failed");
    }
    check_section_merge(out, one);
}

void analysers_check(struct analysers *a, const struct lang *lang, const char *code, size_t len,
                     struct check_section *out)
{
    if (!a || !lang) {
        check_section_fail(out, CHECK_UNAVAILABLE, "no analysers");
        return;
    }
    if (len > a->max_code) {
        check_section_fail(out, CHECK_ERROR, "code larger than checks allow");
        return;
    }
    struct job jobs[ARRAY_SIZE(lang->analysers)];
    size_t njobs = 0;
    bool all_ok = true;
    cleanup_buf struct sk_buf why;
    sk_buf_init(&why, 4096);
    for (size_t i = 0; i < ARRAY_SIZE(lang->analysers) && lang->analysers[i]; i++) {
        int k = analyser_kind_by_name(lang->analysers[i]);
        if (k < 0) {
            all_ok = false;
            sk_buf_printf(&why, "%sno analyser named %s", why.len ? "; " : "",
                          lang->analysers[i]);
            continue;
        }
        struct job *j = &jobs[njobs++];
        *j = (struct job){.a = a, .kind = (enum analyser_kind)k, .code = code, .len = len};
        check_section_init(&j->sec);
    }
    if (njobs == 0) {
        check_section_fail(out, CHECK_UNAVAILABLE, why.len ? sk_buf_str(&why) : "no analysers");
        return;
    }
    /*
     * Several analysers for one language (TypeScript: ESLint and tsc;
     * Solidity: solhint and solc) run at once, each on its own worker, so
     * the request takes as long as the slowest of them, not their sum.
     */
    for (size_t i = 1; i < njobs; i++)
        jobs[i].threaded = pthread_create(&jobs[i].thread, NULL, job_main, &jobs[i]) == 0;
    for (size_t i = 0; i < njobs; i++)
        if (!jobs[i].threaded)
            job_main(&jobs[i]);
    for (size_t i = 1; i < njobs; i++)
        if (jobs[i].threaded)
            pthread_join(jobs[i].thread, NULL);

    out->status = CHECK_OK;
    for (size_t i = 0; i < njobs; i++) {
        fold(out, &jobs[i].sec, &all_ok, &why);
        check_section_close(&jobs[i].sec);
    }
    if (!all_ok) {
        if (out->status == CHECK_OK)
            out->status = CHECK_UNAVAILABLE;
        check_section_fail(out, out->status, sk_buf_str(&why));
    }
}

int analysers_solc_compile(struct analysers *a, const char *code, size_t len, bool relax_pragma,
                           json_t **out, struct sk_err *err)
{
    if (len > a->max_code)
        return sk_err_msg(err, EFBIG, "code larger than %zu bytes", a->max_code);
    cleanup_free char *req = make_request("compile", code, len, relax_pragma);
    struct slot *s = acquire(a, AK_SOLC);
    cleanup_free char *reply = NULL;
    size_t rlen = 0;
    int ret = slot_ensure(a, AK_SOLC, s, err);
    if (ret == 0)
        ret = slot_exchange(a, AK_SOLC, s, req, strlen(req), MAX_COMPILE_REPLY, &reply, &rlen,
                            err);
    json_t *j = NULL;
    if (ret == 0 && (ret = sk_json_parse(reply, rlen, &j, err)) < 0) {
        STAT_INC(a, AK_SOLC, crashes);
        slot_stop(s);
        ret = -EPROTO;
    }
    if (ret == 0 && (!json_is_object(j) || !json_is_true(json_object_get(j, "ok")))) {
        json_t *why = json_is_object(j) ? json_object_get(j, "error") : NULL;
        sk_err_msg(err, EREMOTEIO, "solc: %.200s",
                   json_is_string(why) ? json_string_value(why) : "bad reply");
        ret = -EREMOTEIO;
    }
    if (ret == 0 || ret == -EREMOTEIO)
        slot_maybe_recycle(a, AK_SOLC, s);
    finish(a, AK_SOLC, s);
    if (ret < 0) {
        json_decref(j);
        return ret;
    }
    json_object_del(j, "ok");
    *out = j;
    return 0;
}

int analysers_stats(struct analysers *a, const char *kind, struct analysers_stats *out)
{
    int k = analyser_kind_by_name(kind);
    if (k < 0)
        return -ENOENT;
    pthread_mutex_lock(&a->mu);
    *out = a->kinds[k].stats;
    pthread_mutex_unlock(&a->mu);
    return 0;
}

/* ---- creation ----------------------------------------------------------- */

static void *boot_main(void *arg)
{
    struct job *j = arg;
    struct sk_err err = {0};
    struct slot *s = acquire(j->a, j->kind);
    if (slot_ensure(j->a, j->kind, s, &err) < 0)
        log_warn("analyser %s: %s", analyser_kind_info(j->kind)->name, err.msg);
    release(j->a, j->kind, s);
    return NULL;
}

/* Start one worker of every kind, in parallel (their warm-ups add up). */
static void boot_all(struct analysers *a)
{
    struct job jobs[AK_COUNT];
    for (int k = 0; k < AK_COUNT; k++) {
        jobs[k] = (struct job){.a = a, .kind = (enum analyser_kind)k};
        jobs[k].threaded = pthread_create(&jobs[k].thread, NULL, boot_main, &jobs[k]) == 0;
        if (!jobs[k].threaded)
            boot_main(&jobs[k]);
    }
    for (int k = 0; k < AK_COUNT; k++)
        if (jobs[k].threaded)
            pthread_join(jobs[k].thread, NULL);
}

int analysers_new_opts(const struct sk_config *cfg, const struct analysers_opts *opts,
                       struct analysers **out, struct sk_err *err)
{
    static const char *const nodes[] = {"/usr/bin/node", "/usr/local/bin/node", NULL};
    static const char *const pythons[] = {"/usr/bin/python3", NULL};
    struct analysers *a = xcalloc(1, sizeof(*a));
    if (!find_exe(a->node, sizeof(a->node), nodes)) {
        free(a);
        return sk_err_msg(err, ENOENT, "no node binary in /usr/bin or /usr/local/bin");
    }
    if (!find_exe(a->python, sizeof(a->python), pythons)) {
        free(a);
        return sk_err_msg(err, ENOENT, "no /usr/bin/python3 (bandit runs on Debian's python)");
    }
    int n1 = snprintf(a->workers_dir, sizeof(a->workers_dir), "%s/workers", cfg->data_dir);
    int n2 = snprintf(a->node_modules, sizeof(a->node_modules), "%s/node_modules", cfg->data_dir);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof(a->workers_dir) ||
        (size_t)n2 >= sizeof(a->node_modules)) {
        free(a);
        return sk_err_msg(err, ENAMETOOLONG, "data_dir too long");
    }
    a->memory_bytes = (int64_t)cfg->worker_memory_mb << 20;
    /* Node's heap gets half of the cap; the rest is code, buffers and slack. */
    snprintf(a->heap_flag, sizeof(a->heap_flag), "--max-old-space-size=%d",
             cfg->worker_memory_mb / 2 > 32 ? cfg->worker_memory_mb / 2 : 32);
    a->timeout_ms = cfg->worker_timeout_ms;
    a->start_timeout_ms = cfg->worker_timeout_ms * 3 > MIN_START_TIMEOUT_MS
                              ? cfg->worker_timeout_ms * 3
                              : MIN_START_TIMEOUT_MS;
    a->max_requests = cfg->worker_max_requests > 0 ? (unsigned)cfg->worker_max_requests : 1;
    a->max_code = cfg->max_code_bytes;
    a->sandboxed = !(opts && opts->unsandboxed);
    a->eager = cfg->workers_at_boot;
    int per_kind = opts && opts->workers_per_kind > 0 ? opts->workers_per_kind
                                                      : (cfg->worker_count > 0 ? cfg->worker_count : 1);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->refilled, NULL);
    for (int k = 0; k < AK_COUNT; k++) {
        a->kinds[k].nslots = per_kind;
        a->kinds[k].slots = xcalloc((size_t)per_kind, sizeof(struct slot));
        pthread_cond_init(&a->kinds[k].idle, NULL);
    }
    if (cfg->workers_at_boot)
        boot_all(a);
    *out = a;
    return 0;
}

int analysers_new(const struct sk_config *cfg, struct analysers **out, struct sk_err *err)
{
    return analysers_new_opts(cfg, NULL, out, err);
}

void analysers_free(struct analysers *a)
{
    if (!a)
        return;
    /* Let refills in flight finish: they own their slot until they do. */
    pthread_mutex_lock(&a->mu);
    a->closing = true;
    while (a->refilling > 0)
        pthread_cond_wait(&a->refilled, &a->mu);
    pthread_mutex_unlock(&a->mu);
    for (int k = 0; k < AK_COUNT; k++) {
        for (int i = 0; i < a->kinds[k].nslots; i++)
            slot_stop(&a->kinds[k].slots[i]);
        free(a->kinds[k].slots);
        pthread_cond_destroy(&a->kinds[k].idle);
    }
    pthread_cond_destroy(&a->refilled);
    pthread_mutex_destroy(&a->mu);
    free(a);
}
