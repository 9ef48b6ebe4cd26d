/*
 * The HTTP API on libmicrohttpd: routing, authentication and per-key
 * limits, input caps, admission control, request parsing, metrics and
 * JSON responses.
 *
 *   POST /generate  {prompt, language}
 *   POST /complete  {code, language}
 *   POST /debug     {code, error, language}
 *   GET  /healthz   liveness (open)
 *   GET  /readyz    readiness: audit log writable, sandbox usable, workers warm (open)
 *   GET  /metrics   Prometheus text (admin key when keys are configured)
 *   GET  /openapi.json (open)
 *   GET  /, /web/<file>  the playground page (static files under web/, open)
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION): a request
 * runs its pipeline synchronously in its connection's thread. At most
 * server.concurrency pipelines run at once; up to server.queue_length more
 * wait; beyond that the answer is 503 with Retry-After. TLS is on when
 * server.tls_cert and server.tls_key are set.
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

/* Swap in the keys and limits of `cfg` (SIGHUP). */
void api_server_reload(struct api_server *s, const struct sk_config *cfg);

/*
 * Stop accepting connections, give the requests in flight up to
 * `deadline_s` seconds to finish, then stop and free the server. Returns
 * the number of requests still running at the deadline.
 */
int api_server_drain(struct api_server *s, int deadline_s);

/*
 * Parse and validate a JSON request body for `endpoint` into `in` (whose
 * strings then point into *doc, which the caller decrefs). On failure
 * returns -EINVAL (400) or -EMSGSIZE (413) with a message naming the field.
 */
int api_parse_request(enum endpoint endpoint, const struct sk_config *cfg, const char *body,
                      size_t len, json_t **doc, struct pipeline_input *in, struct sk_err *err);
