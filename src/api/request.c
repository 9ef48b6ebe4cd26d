/*
 * Request bodies: strict JSON in, a validated pipeline_input out (see
 * api_parse_request in api.h). Every field is checked for presence, type,
 * size and content, and an error names the field.
 */
#include "config.h"

#include "api/api.h"
#include "base/json.h"

#include <errno.h>
#include <string.h>

static int get_text(json_t *doc, const char *key, size_t max, const char **out, size_t *len,
                    struct sk_err *err)
{
    int ret = sk_json_get_str(doc, key, true, out, len, err);
    if (ret < 0)
        return -EINVAL;
    if (*len == 0)
        return sk_err_msg(err, EINVAL, "field '%s' must not be empty", key);
    if (*len > max)
        return sk_err_msg(err, EMSGSIZE, "field '%s' is longer than %zu bytes", key, max);
    return 0;
}

/* The optional network grant: {"allow": ["HOST:PORT", ...]} on the
 * endpoints that run code. Its entries are judged by the pipeline. */
static int get_network(json_t *root, enum endpoint endpoint, struct pipeline_input *in,
                       struct sk_err *err)
{
    json_t *net = json_object_get(root, "network");
    if (!net || json_is_null(net))
        return 0;
    if (endpoint == ENDPOINT_COMPLETE)
        return sk_err_msg(err, EINVAL, "field 'network' is accepted by /generate and /debug only");
    json_t *allow = json_object_get(net, "allow");
    if (!json_is_object(net) || json_object_size(net) != 1 || !json_is_array(allow) ||
        json_array_size(allow) == 0 || json_array_size(allow) > NET_MAX_RULES)
        return sk_err_msg(err, EINVAL,
                          "field 'network' must be {\"allow\": [\"HOST:PORT\", ...]} with 1 to %d "
                          "entries",
                          NET_MAX_RULES);
    size_t i;
    json_t *v;
    json_array_foreach(allow, i, v) {
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 299)
            return sk_err_msg(err, EINVAL, "field 'network.allow[%zu]' must be a HOST:PORT string",
                              i);
        in->net_allow[in->net_nallow++] = json_string_value(v);
    }
    return 0;
}

int api_parse_request(enum endpoint endpoint, const struct sk_config *cfg, const char *body,
                      size_t len, json_t **doc, struct pipeline_input *in, struct sk_err *err)
{
    json_t *root = NULL;
    if (sk_json_parse(body, len, &root, err) < 0)
        return -EINVAL;
    *doc = root;
    if (!json_is_object(root))
        return sk_err_msg(err, EINVAL, "the body must be a JSON object");

    memset(in, 0, sizeof(*in));
    in->endpoint = endpoint;

    const char *language;
    size_t n;
    if (sk_json_get_str(root, "language", true, &language, &n, err) < 0)
        return -EINVAL;
    in->lang = lang_by_name(language);
    if (!in->lang)
        return sk_err_msg(err, EINVAL, "field 'language' must be one of: %s", lang_names());

    int ret = 0;
    switch (endpoint) {
    case ENDPOINT_GENERATE:
        ret = get_text(root, "prompt", cfg->max_prompt_bytes, &in->prompt, &in->prompt_len, err);
        break;
    case ENDPOINT_COMPLETE:
        ret = get_text(root, "code", cfg->max_code_bytes, &in->code, &in->code_len, err);
        break;
    case ENDPOINT_DEBUG:
        ret = get_text(root, "code", cfg->max_code_bytes, &in->code, &in->code_len, err);
        if (ret == 0)
            ret = get_text(root, "error", cfg->max_prompt_bytes, &in->error, &in->error_len,
                           err);
        break;
    }
    if (ret < 0)
        return ret;
    if ((ret = get_network(root, endpoint, in, err)) < 0)
        return ret;
    /* jansson accepts \u0000 only with JSON_ALLOW_NUL, which we do not set, so the
     * strings hold no NUL byte and can be used as C strings. */
    return 0;
}
