/*
 * The builtin (offline) model provider: deterministic, and honest about
 * what it is.
 *
 *   GENERATE  the catalogue task that best matches the prompt's words
 *             (catalog.h), or -ENOENT when none clears the bar;
 *   COMPLETE  the prefix closed and its empty bodies filled (complete.h),
 *             or -ENOENT when there is nothing to do;
 *   DEBUG, REPAIR
 *             the rule-based repairs of repair.h applied to the code for
 *             the error or the findings, or -ENOENT when no rule applies
 *             (or none is sure).
 *
 * The catalogue is read once, at model_builtin_new, from
 * <data_dir>/data/catalog; a broken catalogue stops start-up with a message
 * naming the file and task, rather than serving without it.
 */
#include "config.h"

#include "model/model.h"
#include "model/catalog.h"
#include "model/complete.h"
#include "model/repair.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builtin {
    struct catalog *cat;     /* owned */
    size_t max_code_bytes;   /* cap on the code of a completion request */
    size_t max_prompt_bytes; /* cap on the prompt of a generate request */
};

int model_builtin_new(const struct sk_config *cfg, void **state, struct sk_err *err)
{
    cleanup_free char *dir = xasprintf("%s/data/catalog", cfg->data_dir);
    struct catalog *cat = NULL;
    int ret = catalog_load(dir, &cat, err);
    if (ret < 0)
        return sk_err_wrap(err, "offline model");
    struct builtin *b = xcalloc(1, sizeof(*b));
    b->cat = cat;
    b->max_code_bytes = cfg->max_code_bytes;
    b->max_prompt_bytes = cfg->max_prompt_bytes;
    size_t n = 0;
    for (int i = 0; i < LANG_COUNT; i++)
        n += catalog_count(cat, lang_get((enum lang_id)i));
    log_debug("offline model: %zu catalogue tasks from %s", n, dir);
    *state = b;
    return 0;
}

static void builtin_free(void *state)
{
    struct builtin *b = state;
    if (!b)
        return;
    catalog_free(b->cat);
    free(b);
}

/* The reply's raw text: the code in a fenced block tagged for the language. */
static char *fenced(const struct lang *lang, const char *code, size_t len)
{
    bool nl = len > 0 && code[len - 1] == '\n';
    return xasprintf("```%s\n%.*s%s```\n", lang->name, (int)len, code, nl ? "" : "\n");
}

static int generate(struct builtin *b, const struct model_request *req, struct model_reply *reply,
                    struct sk_err *err)
{
    if (!req->prompt)
        return sk_err_msg(err, EINVAL, "generate needs a prompt");
    if (strlen(req->prompt) > b->max_prompt_bytes)
        return sk_err_msg(err, E2BIG, "prompt larger than %zu bytes", b->max_prompt_bytes);
    struct catalog_hit hit;
    int ret = catalog_answer(b->cat, req->lang, req->prompt, &hit, err);
    if (ret < 0)
        return ret;
    const struct catalog_task *t = hit.task;
    reply->code = xstrndup(t->code, t->code_len);
    reply->explanation = xasprintf("Offline catalogue: %s [%s/%s] (score %.1f)", t->title,
                                   t->lang->name, t->id, hit.score);
    reply->raw = fenced(req->lang, t->code, t->code_len);
    return 0;
}

static int complete(struct builtin *b, const struct model_request *req, struct model_reply *reply,
                    struct sk_err *err)
{
    if (!req->code)
        return sk_err_msg(err, EINVAL, "complete needs code");
    size_t len = strlen(req->code);
    if (len > b->max_code_bytes)
        return sk_err_msg(err, E2BIG, "code larger than %zu bytes", b->max_code_bytes);
    struct completion c;
    int ret = complete_code(b->cat, req->lang, req->code, len, &c, err);
    if (ret < 0)
        return ret;
    char closed[160];
    complete_stats_describe(&c.closed, closed, sizeof(closed));
    if (c.filled)
        reply->explanation =
            xasprintf("Offline completion: filled %s() from the catalogue task %s/%s (%s)%s%s%s",
                      c.filled_name, c.task->lang->name, c.task->id, c.task->title,
                      c.filled > 1 ? " and more" : "", *closed ? "; " : "", closed);
    else
        reply->explanation = xasprintf("Offline completion: %s", closed);
    reply->raw = fenced(req->lang, c.code, c.len);
    reply->code = steal_pointer(&c.code);
    completion_close(&c);
    return 0;
}

/*
 * DEBUG (the code and its error) and REPAIR (the code and its findings):
 * the rules that apply, in one answer. The pipeline checks and runs it like
 * any model's answer.
 */
static int repair(struct builtin *b, const struct model_request *req, struct model_reply *reply,
                  struct sk_err *err)
{
    if (!req->code)
        return sk_err_msg(err, EINVAL, "a repair needs code");
    size_t len = strlen(req->code);
    if (len > b->max_code_bytes)
        return sk_err_msg(err, E2BIG, "code larger than %zu bytes", b->max_code_bytes);
    const char *error = req->error ? req->error : "";
    struct repair r;
    int ret = repair_code(req->lang, req->code, len, error, strlen(error), &r, err);
    if (ret < 0)
        return ret;
    reply->raw = fenced(req->lang, r.code, r.len);
    reply->explanation = steal_pointer(&r.explanation);
    reply->code = steal_pointer(&r.code);
    repair_close(&r);
    return 0;
}

static int builtin_call(void *state, const struct model_request *req, struct model_reply *reply,
                        struct sk_err *err)
{
    struct builtin *b = state;
    memset(reply, 0, sizeof(*reply));
    if (!req->lang)
        return sk_err_msg(err, EINVAL, "no language given");
    int ret;
    switch (req->task) {
    case MODEL_GENERATE:
        ret = generate(b, req, reply, err);
        break;
    case MODEL_COMPLETE:
        ret = complete(b, req, reply, err);
        break;
    case MODEL_DEBUG:
    case MODEL_REPAIR:
        ret = repair(b, req, reply, err);
        break;
    default:
        ret = sk_err_msg(err, EINVAL, "unknown model task %d", (int)req->task);
        break;
    }
    if (ret < 0) {
        free(reply->code);
        free(reply->explanation);
        free(reply->raw);
        memset(reply, 0, sizeof(*reply));
        return ret;
    }
    snprintf(reply->model, sizeof(reply->model), "builtin");
    reply->attempts = 1;
    return 0;
}

const struct model_provider model_builtin_provider = {
    .name = "builtin",
    .call = builtin_call,
    .free = builtin_free,
};
