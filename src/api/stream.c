/*
 * Server-sent events for the endpoints (see stream.h).
 *
 * The stream is shared by two threads: the pipeline's (which writes events
 * into `pending`) and the connection's (MHD's reader callback, which
 * blocks until there is something to send). Each holds a reference; the
 * last one out frees it, so a client that hangs up early does not leave the
 * pipeline writing into freed memory, and the request still completes and
 * is audited.
 */
#include "config.h"

#include "api/stream.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STREAM_MAX (32u << 20)
#define KEEPALIVE_S 15

struct stream {
    pthread_mutex_t lock;
    pthread_cond_t more;
    struct sk_buf pending;   /* bytes produced and not yet sent */
    bool done;               /* the result has been queued */
    int refs;                /* pipeline thread + MHD response */
    struct stream_job job;
    char request_id[33];     /* copies: the connection's state may go before we do */
    char key_name[64];
};

static void unref(struct stream *st)
{
    pthread_mutex_lock(&st->lock);
    int left = --st->refs;
    pthread_mutex_unlock(&st->lock);
    if (left > 0)
        return;
    json_decref(st->job.doc);
    sk_buf_close(&st->pending);
    pthread_cond_destroy(&st->more);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

static void emit(struct stream *st, const char *event, const char *data)
{
    pthread_mutex_lock(&st->lock);
    /* Only the MHD side can have left; then nobody reads and the bytes are dropped. */
    if (st->refs > 1 || !st->done) {
        if (sk_buf_printf(&st->pending, "event: %s\ndata: %s\n\n", event, data) < 0)
            sk_buf_reset(&st->pending); /* over the cap: the client gets the rest only */
    }
    pthread_cond_signal(&st->more);
    pthread_mutex_unlock(&st->lock);
}

static void on_progress(void *ctx, const char *stage, const char *state, double ms)
{
    struct stream *st = ctx;
    json_t *e = json_pack("{s:s, s:s}", "stage", stage, "state", state);
    if (!strcmp(state, "end"))
        json_object_set_new(e, "ms", json_real(ms));
    char *data = sk_json_dumps(e);
    json_decref(e);
    emit(st, "stage", data);
    free(data);
}

static void *run(void *arg)
{
    struct stream *st = arg;
    struct pipeline_output out;
    pipeline_handle(st->job.pipeline, &st->job.in, &out);
    st->job.finish(st->job.ctx, &st->job.in, &out);
    char status[32];
    snprintf(status, sizeof(status), "{\"status\":%d}", out.status);
    emit(st, "status", status);
    char *body = sk_json_dumps(out.body);
    emit(st, "result", body);
    free(body);
    pipeline_output_close(&out);
    pthread_mutex_lock(&st->lock);
    st->done = true;
    pthread_cond_signal(&st->more);
    pthread_mutex_unlock(&st->lock);
    unref(st);
    return NULL;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct stream *st = cls;
    pthread_mutex_lock(&st->lock);
    while (st->pending.len == 0 && !st->done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += KEEPALIVE_S;
        if (pthread_cond_timedwait(&st->more, &st->lock, &until) == ETIMEDOUT) {
            /* A comment line keeps proxies from closing an idle stream. */
            static const char ka[] = ": keepalive\n\n";
            pthread_mutex_unlock(&st->lock);
            memcpy(buf, ka, max < sizeof(ka) - 1 ? max : sizeof(ka) - 1);
            return (ssize_t)(max < sizeof(ka) - 1 ? max : sizeof(ka) - 1);
        }
    }
    if (st->pending.len == 0) {
        pthread_mutex_unlock(&st->lock);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t n = st->pending.len < max ? st->pending.len : max;
    memcpy(buf, st->pending.data, n);
    memmove(st->pending.data, st->pending.data + n, st->pending.len - n);
    st->pending.len -= n;
    st->pending.data[st->pending.len] = '\0';
    pthread_mutex_unlock(&st->lock);
    return (ssize_t)n;
}

static void release(void *cls)
{
    unref(cls);
}

enum MHD_Result stream_start(struct MHD_Connection *c, const struct stream_job *job)
{
    struct stream *st = xcalloc(1, sizeof(*st));
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->more, NULL);
    sk_buf_init(&st->pending, STREAM_MAX);
    st->job = *job;
    snprintf(st->request_id, sizeof(st->request_id), "%s", job->in.request_id);
    st->job.in.request_id = st->request_id;
    if (job->in.key_name) {
        snprintf(st->key_name, sizeof(st->key_name), "%s", job->in.key_name);
        st->job.in.key_name = st->key_name;
    }
    st->job.in.progress = on_progress;
    st->job.in.progress_ctx = st;
    st->refs = 2;

    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, reader, st, release);
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (!r || pthread_create(&th, &attr, run, st) != 0) {
        pthread_attr_destroy(&attr);
        struct pipeline_output out = {
            .status = 500,
            .body = pipeline_error_json("internal", "cannot start the event stream",
                                        job->in.request_id),
        };
        job->finish(job->ctx, &job->in, &out);
        pipeline_output_close(&out);
        if (r)
            MHD_destroy_response(r); /* calls release(): one reference */
        else
            unref(st);
        unref(st);
        return MHD_NO;
    }
    pthread_attr_destroy(&attr);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Request-Id", job->in.request_id);
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}
