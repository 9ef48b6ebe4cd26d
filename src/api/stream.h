/*
 * Server-sent events for the endpoints (private to src/api): a request that
 * sends `Accept: text/event-stream` gets an `event: stage` for each
 * pipeline stage as it starts and ends, then `event: status` (the HTTP
 * status the plain answer would have had) and `event: result` (the answer's
 * JSON). The pipeline runs in a thread of its own while the connection's
 * thread streams what it produces.
 */
#pragma once

#include <microhttpd.h>

#include "pipeline/pipeline.h"

struct stream_job {
    struct pipeline *pipeline;   /* not owned */
    struct pipeline_input in;    /* strings point into `doc` */
    json_t *doc;                 /* the parsed request; owned by the job */
    /* Called in the pipeline's thread once the output is ready, before it is
     * streamed (admission release, metrics, logs). */
    void (*finish)(void *ctx, const struct pipeline_input *in, const struct pipeline_output *out);
    void *ctx;                   /* owned by finish(): it frees what it needs to */
};

/*
 * Queue a streaming response on `c` and start the pipeline for `job` (which
 * is copied; `job->doc` is taken over). Returns MHD_NO when the stream could
 * not be set up (then finish() has already been called with a 500).
 */
enum MHD_Result stream_start(struct MHD_Connection *c, const struct stream_job *job);
