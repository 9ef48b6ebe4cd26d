/*
 * The HTTP API on libmicrohttpd: routing, authentication, input limits,
 * admission control, request parsing and JSON responses.
 *
 *   POST /generate  {prompt, language}
 *   POST /complete  {code, language}
 *   POST /debug     {code, error, language}
 *   GET  /healthz   liveness
 *   GET  /openapi.json
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a request
 * runs its pipeline synchronously in its connection's thread. At most
 * server.concurrency pipelines run at once; up to server.queue_length more
 * wait; beyond that the answer is 503 with Retry-After.
 */
#pragma once

#include "base/conf.h"
#include "base/error.h"
#include "pipeline/pipeline.h"

struct api_server;

/*
 * Start listening on cfg->listen (port 0 picks a free port) and serve with
 * `pipeline`. Both must outlive the server. Returns 0 or a negative errno.
 */
int api_server_start(const struct sk_config *cfg, struct pipeline *pipeline,
                     struct api_server **out, struct sk_err *err);

/* The port actually bound. */
int api_server_port(const struct api_server *s);

/* Stop accepting, wait for the requests in flight, free the server. */
void api_server_stop(struct api_server *s);

/*
 * Parse and validate a JSON request body for `endpoint` into `in` (whose
 * strings then point into *doc, which the caller decrefs). On failure
 * returns -EINVAL with a message naming the field, for a 400.
 */
int api_parse_request(enum endpoint endpoint, const struct sk_config *cfg, const char *body,
                      size_t len, json_t **doc, struct pipeline_input *in, struct sk_err *err);
