/*
 * The `builtin` provider: not built yet. It answers that it has no offline
 * answer, which the API reports as 422.
 */
#include "config.h"

#include "model/model.h"

#include <errno.h>

int model_builtin_new(const struct sk_config *cfg, void **state, struct sk_err *err)
{
    (void)cfg;
    (void)err;
    *state = NULL;
    return 0;
}

static int builtin_call(void *state, const struct model_request *req, struct model_reply *reply,
                        struct sk_err *err)
{
    (void)state;
    (void)req;
    (void)reply;
    return sk_err_msg(err, ENOENT, "no offline answer: the builtin catalogue is not built yet");
}

static void builtin_free(void *state)
{
    (void)state;
}

const struct model_provider model_builtin_provider = {
    .name = "builtin",
    .call = builtin_call,
    .free = builtin_free,
};
