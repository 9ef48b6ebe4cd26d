/*
 * The pipeline: the stage sequence behind each endpoint.
 *
 *   guard (sanitise + score the prompt) -> model -> extract code
 *     -> AST policy -> static analysers -> verdict
 *     -> [repair: findings back to the model, at most N rounds]
 *     -> execution in the sandbox (only when the verdict allows it)
 *     -> audit record -> response JSON
 *
 * One struct (struct request, in pipeline.c) travels down this line and
 * collects the report; each stage reads what it needs and appends what it
 * found; no stage calls back up. /complete skips execution; /debug first
 * reproduces the error in the sandbox. A request holding a network grant
 * has every run of it go through the egress proxy, and the AST policy's
 * network rules off for its code (every other rule still holds).
 *
 * The HTTP layer and the CLI both call pipeline_handle(), so the CLI's
 * `generate`/`complete`/`debug` print exactly what the API returns.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "lang/lang.h"
#include "net/net.h"

enum endpoint { ENDPOINT_GENERATE, ENDPOINT_COMPLETE, ENDPOINT_DEBUG };

struct pipeline_input {
    enum endpoint endpoint;
    const struct lang *lang;
    const char *prompt;     /* generate: the user's prompt (valid UTF-8); not owned */
    size_t prompt_len;
    const char *code;       /* complete/debug: the code; not owned */
    size_t code_len;
    const char *error;      /* debug: the error the user saw; not owned */
    size_t error_len;
    /* generate/debug: the destinations of a network grant for this request's
     * runs ("network": {"allow": [...]}), held against the configuration
     * by the pipeline (403 when it refuses); 0 entries: no network. */
    const char *net_allow[NET_MAX_RULES]; /* not owned */
    size_t net_nallow;
    const char *key_name;   /* API key name for the audit log, or NULL; not owned */
    const char *request_id; /* 32 hex characters; not owned */
    /* Optional progress hook: called from the handling thread as each stage
     * starts ("start", ms = 0) and ends ("end", ms = its duration). */
    void (*progress)(void *ctx, const char *stage, const char *state, double ms);
    void *progress_ctx;
};

struct pipeline_output {
    int status;   /* HTTP status: 200, or the error's (4xx/5xx) */
    json_t *body; /* response JSON (the contract's object, or {"error":{...}}); owned */
};

struct pipeline;

/*
 * Build the long-lived parts (model provider, checks, sandbox runners,
 * guard, audit log) from `cfg`. The sandbox must have been initialised
 * before (sandbox_init, before threads). Returns 0 or a negative errno.
 */
int pipeline_new(const struct sk_config *cfg, struct pipeline **out, struct sk_err *err);
void pipeline_free(struct pipeline *p);

/*
 * Run one request through its endpoint's stages and fill `out` (always:
 * errors are answers too). Every request gets an audit record; when the
 * record cannot be written the answer becomes 503. Thread-safe.
 */
void pipeline_handle(struct pipeline *p, const struct pipeline_input *in,
                     struct pipeline_output *out);

void pipeline_output_close(struct pipeline_output *out);

/* Refresh the metrics that are read from the parts (analyser workers). */
void pipeline_metrics(struct pipeline *p);

/*
 * Readiness: whether the audit log accepts writes, the sandbox is usable
 * and the analyser workers are warm. Adds one boolean per check to
 * `checks` and returns true when all hold.
 */
bool pipeline_ready(struct pipeline *p, json_t *checks);

/*
 * Record a request to `e` that the HTTP layer answered itself before the
 * pipeline (bad input, no key, overload): every endpoint request gets an
 * audit record. Returns 0, or a negative errno when the record could not be
 * written (the caller then answers 503).
 */
int pipeline_audit_refusal(struct pipeline *p, enum endpoint e, const char *request_id,
                           const char *key_name, int status, const char *code,
                           const char *message);

/* Endpoint name: "generate", "complete", "debug". */
const char *endpoint_name(enum endpoint e);

/*
 * The error object {"error":{"code","message"},"request_id"} (a new
 * reference), shared by every layer that answers with an error.
 */
json_t *pipeline_error_json(const char *code, const char *message, const char *request_id);
