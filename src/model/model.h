/*
 * The model: one interface, two providers.
 *
 *   openai   any OpenAI-compatible /v1/chat/completions endpoint (llama.cpp
 *            server, vLLM, Ollama, TGI, hosted APIs) over libcurl, with
 *            connect and total timeouts and bounded retries on 429/5xx.
 *   builtin  the offline default: a catalogue of vetted snippets
 *            (data/catalog/) retrieved by the prompt's words with BM25, and
 *            rule-based completion and repairs. Below its match threshold it
 *            says it has no answer rather than returning something unrelated.
 *
 * Failures come back as negative errnos that the API maps to statuses:
 *   -ETIMEDOUT        the backend timed out                       (504)
 *   -ECONNREFUSED, -EPROTO, -EBADMSG, -ENODATA (no code in reply)  (502)
 *   -ENOENT           the builtin provider has no answer           (422)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "base/conf.h"
#include "base/error.h"
#include "lang/lang.h"

enum model_task {
    MODEL_GENERATE, /* prompt -> code */
    MODEL_COMPLETE, /* code prefix -> completed code */
    MODEL_DEBUG,    /* code + error -> fixed code + explanation */
    MODEL_REPAIR,   /* code + findings -> code without them */
};

struct model_request {
    enum model_task task;
    const struct lang *lang;
    const char *prompt;      /* GENERATE: the sanitised prompt; not owned */
    const char *code;        /* COMPLETE/DEBUG/REPAIR: the code; not owned */
    const char *error;       /* DEBUG: the error(s) to fix; REPAIR: the findings, one per
                                line as "line N: RULE (category, severity): message";
                                not owned */
    const char *system;      /* chat providers: the system message (built by the guard's
                                fence, with its canary); not owned */
    const char *user;        /* chat providers: the fenced user message; not owned */
    const char *request_id;  /* for logs; not owned */
    int timeout_ms;          /* what is left of the request's time; 0 = the provider's own */
};

struct model_reply {
    char *code;        /* extracted code for the requested language; owned */
    char *explanation; /* DEBUG/REPAIR: the model's explanation; owned, may be NULL */
    char *raw;         /* the whole reply text (for canary/leak checks); owned */
    char model[128];   /* which model answered ("builtin", or the endpoint's model name) */
    int attempts;      /* HTTP attempts made (1 + retries used) */
};

struct model;

/* Create the provider named by cfg->model_provider. */
int model_new(const struct sk_config *cfg, struct model **out, struct sk_err *err);
void model_free(struct model *m);
/* "builtin" or "openai". */
const char *model_provider_name(const struct model *m);

/*
 * Ask the model. On success fills `reply` (free with model_reply_close) and
 * returns 0. On failure returns a negative errno (see the table above) and
 * leaves `reply` empty. Thread-safe.
 */
int model_call(struct model *m, const struct model_request *req, struct model_reply *reply,
               struct sk_err *err);

void model_reply_close(struct model_reply *reply);

/*
 * Extract the code for `lang` from a model's reply text: the first fenced
 * block tagged for the language, else the first untagged fenced block, else
 * (when the reply has no fence at all) NULL. Returns a malloc'ed string or
 * NULL. Exposed for the fuzz driver and tests.
 */
char *model_extract_code(const char *reply, size_t len, const struct lang *lang);

/* Provider internals (model.c dispatches to these). */
struct model_provider {
    const char *name;
    int (*call)(void *state, const struct model_request *req, struct model_reply *reply,
                struct sk_err *err);
    void (*free)(void *state);
};

int model_openai_new(const struct sk_config *cfg, void **state, struct sk_err *err);
extern const struct model_provider model_openai_provider;
int model_builtin_new(const struct sk_config *cfg, void **state, struct sk_err *err);
extern const struct model_provider model_builtin_provider;
