/*
 * The model interface: provider selection and dispatch (see model.h).
 */
#include "config.h"

#include "model/model.h"
#include "base/util.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct model {
    const struct model_provider *provider; /* static; not owned */
    void *state;                           /* owned by the provider */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int model_new(const struct sk_config *cfg, struct model **out, struct sk_err *err)
{
    struct model *m = xcalloc(1, sizeof(*m));
    int ret;
    if (strcmp(cfg->model_provider, "openai") == 0) {
        /* curl_global_init is not thread-safe; do it once, here, at start-up. */
        pthread_once(&curl_once, curl_init);
        m->provider = &model_openai_provider;
        ret = model_openai_new(cfg, &m->state, err);
    } else if (strcmp(cfg->model_provider, "builtin") == 0) {
        m->provider = &model_builtin_provider;
        ret = model_builtin_new(cfg, &m->state, err);
    } else {
        ret = sk_err_msg(err, EINVAL, "unknown model provider '%s'", cfg->model_provider);
    }
    if (ret < 0) {
        free(m);
        return ret;
    }
    *out = m;
    return 0;
}

void model_free(struct model *m)
{
    if (!m)
        return;
    m->provider->free(m->state);
    free(m);
}

const char *model_provider_name(const struct model *m)
{
    return m->provider->name;
}

int model_call(struct model *m, const struct model_request *req, struct model_reply *reply,
               struct sk_err *err)
{
    memset(reply, 0, sizeof(*reply));
    int ret = m->provider->call(m->state, req, reply, err);
    if (ret < 0)
        model_reply_close(reply);
    return ret;
}

void model_reply_close(struct model_reply *reply)
{
    free(reply->code);
    free(reply->explanation);
    free(reply->raw);
    reply->code = reply->explanation = reply->raw = NULL;
}
