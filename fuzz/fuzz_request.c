/*
 * Fuzz the API request parser: arbitrary bytes as the body of each
 * endpoint. It must never crash, and whatever it accepts must satisfy the
 * invariants the pipeline relies on.
 */
#include "config.h"

#include "api/api.h"
#include "driver.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sk_config cfg;
    static int ready;
    if (!ready) {
        sk_config_defaults(&cfg);
        ready = 1;
    }
    for (int e = ENDPOINT_GENERATE; e <= ENDPOINT_DEBUG; e++) {
        json_t *doc = NULL;
        struct pipeline_input in;
        struct sk_err err;
        if (api_parse_request((enum endpoint)e, &cfg, (const char *)data, size, &doc, &in,
                              &err) == 0) {
            if (!in.lang)
                abort();
            if (e == ENDPOINT_GENERATE && (!in.prompt || strlen(in.prompt) != in.prompt_len ||
                                           in.prompt_len > cfg.max_prompt_bytes))
                abort();
            if (e != ENDPOINT_GENERATE && (!in.code || strlen(in.code) != in.code_len ||
                                           in.code_len > cfg.max_code_bytes))
                abort();
            if (e == ENDPOINT_DEBUG && (!in.error || strlen(in.error) != in.error_len))
                abort();
        } else if (!err.msg[0]) {
            abort(); /* every refusal says why */
        }
        json_decref(doc);
    }
    return 0;
}
